"""Fuzzing: whatever bytes arrive, the loaders answer with a domain error or a valid result, never a crash."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLE, SLUG, tree_hash
from workflow import history
from workflow.agreements import load_file
from workflow.errors import MouError

EXAMPLE_TEXT = (EXAMPLE / "agreement.yaml").read_text(encoding="utf-8")
LINES = EXAMPLE_TEXT.splitlines()
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(st.binary(max_size=2000))
def test_any_bytes_as_agreement_give_a_domain_error_or_an_agreement(tmp_path: Path, data: bytes) -> None:
    """Random bytes never raise anything but MouError."""
    path = tmp_path / "agreement.yaml"
    path.write_bytes(data)
    with contextlib.suppress(MouError):  # a domain error is the allowed answer; anything else fails the test
        load_file(path)


@FUZZ
@given(st.data())
def test_mutated_example_gives_a_domain_error_or_an_agreement(tmp_path: Path, data: st.DataObject) -> None:
    """The example with lines deleted, duplicated or edited by random text: MouError or a valid Agreement."""
    lines = list(LINES)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["delete", "duplicate", "replace", "insert"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        else:
            text = data.draw(st.text(max_size=40))
            key, sep, _ = lines[i].partition(":")
            new = f"{key}{sep} {text}" if action == "replace" and sep else text
            if action == "replace":
                lines[i] = new
            else:
                lines.insert(i, new)
    path = tmp_path / "agreement.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with contextlib.suppress(MouError):  # a domain error is the allowed answer; anything else fails the test
        load_file(path)


@FUZZ
@given(st.binary(max_size=3000))
def test_any_bytes_as_history_give_a_domain_error_or_a_history(tmp_path: Path, data: bytes) -> None:
    """A history file of random bytes is refused with HistoryBroken (a MouError), never a crash."""
    folder = tmp_path / "h"
    folder.mkdir(exist_ok=True)
    (folder / history.HISTORY_FILE).write_bytes(data)
    with contextlib.suppress(MouError):
        history.check_chain(folder)


@pytest.mark.parametrize("name", ["con", "nul-2026", "aux", "com1-buton", "lpt9"])
def test_windows_reserved_names_are_refused(name: str, root: Path) -> None:
    """Names Windows cannot create are refused as slugs, so the folder copies anywhere."""
    from click.testing import CliRunner

    import cli

    result = CliRunner().invoke(cli.main, ["--root", str(root), "new", name])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: invalid slug {name!r}")


def test_symlink_out_of_the_root_is_refused(root: Path, tmp_path: Path) -> None:
    """An agreement folder that is a link to somewhere else is neither read nor written."""
    from click.testing import CliRunner

    import cli

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "agreement.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
    (root / "bocor-2026").symlink_to(outside)
    before = tree_hash(outside)
    for args in (["render", "bocor-2026"], ["status", "bocor-2026"], ["check", "bocor-2026"]):
        result = CliRunner().invoke(cli.main, ["--root", str(root), *args])
        assert result.exit_code == 1
        assert (
            result.stderr
            == f"Error: {root / 'bocor-2026'} is a link to {outside}, outside {root}; agreements must live inside it\n"
        )
    assert tree_hash(outside) == before
    assert SLUG in CliRunner().invoke(cli.main, ["--root", str(root), "list"]).stdout
