"""`mou render --all`: every agreement rendered and recorded, failures isolated and listed, workers equal to one process."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.conftest import SLUG, docx_text, tree_hash

OTHERS = ["kab-wakatobi-2025", "kota-baubau-2025", "kab-muna-2025"]


def _more_agreements(root: Path) -> None:
    for slug in OTHERS:
        (root / slug).mkdir()
        shutil.copy2(root / SLUG / "agreement.yaml", root / slug / "agreement.yaml")


def test_all_renders_and_records_every_agreement(root: Path, run: Callable[..., Result]) -> None:
    """Each agreement gets its documents as v1 and a render entry in its history that verifies."""
    _more_agreements(root)
    result = run("render", "--all", "--stage", "fgd", "--stage", "draft_kb", "--as", "Bagian Hukum")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "20 documents of 4 agreements rendered"
    assert f"{OTHERS[1]}: 5 documents (v1)" in result.stdout.splitlines()
    for slug in [SLUG, *OTHERS]:
        assert sorted(p.name for p in (root / slug / "documents").rglob("*.docx")) == [
            "daftar-hadir-fgd-v1.docx",
            "lembar-paraf-kb-v1.docx",
            "notulen-fgd-v1.docx",
            "rancangan-kb-v1.docx",
            "undangan-fgd-v1.docx",
        ]
        history = run("history", slug).stdout
        assert history.count("render") == 2 and "Bagian Hukum" in history
        assert run("verify", slug).exit_code == 0


def test_two_workers_write_what_one_process_writes(tmp_path: Path, root: Path, run: Callable[..., Result]) -> None:
    """The documents of a 2-worker batch have the same text as those of a 1-process batch."""
    _more_agreements(root)
    twin = tmp_path / "twin"
    shutil.copytree(root, twin)
    assert run("render", "--all", "--stage", "draft_kb", "--workers", "2").exit_code == 0
    one = run("--root", str(twin), "render", "--all", "--stage", "draft_kb", "--workers", "1")
    assert one.exit_code == 0, one.stderr
    for slug in [SLUG, *OTHERS]:
        path = Path(slug) / "documents" / "draft_kb" / "rancangan-kb-v1.docx"
        assert docx_text(root / path) == docx_text(twin / path)
        assert (root / path).read_bytes() == (twin / path).read_bytes()


def test_one_broken_agreement_does_not_stop_the_others(root: Path, run: Callable[..., Result]) -> None:
    """A malformed agreement.yaml is listed with its line; the rest are rendered; exit 1; the broken one unchanged."""
    _more_agreements(root)
    broken = root / OTHERS[0] / "agreement.yaml"
    broken.write_text("parties: [\n", encoding="utf-8")
    before = tree_hash(root / OTHERS[0])
    result = run("render", "--all", "--stage", "fgd", "--workers", "2")
    assert result.exit_code == 1
    assert f"{OTHERS[0]}: {broken}:2: invalid YAML" in result.stderr
    assert result.stderr.splitlines()[-1] == "Error: 1 of 4 agreements were not rendered (listed above); the others were"
    assert result.stdout.splitlines()[-1] == "9 documents of 3 agreements rendered"
    assert tree_hash(root / OTHERS[0]) == before
    assert (root / OTHERS[2] / "documents" / "fgd" / "notulen-fgd-v1.docx").is_file()


def test_all_refuses_a_slug_out_and_unknown_stage_before_writing(root: Path, tmp_path: Path, run: Callable[..., Result]) -> None:
    """Contradictory arguments are usage errors (exit 2), a wrong stage a domain error (exit 1); nothing is written."""
    before = tree_hash(root)
    in_place = "Error: --all renders every agreement in place: give no SLUG and no --out\n"
    cases = [
        (["render", "--all", SLUG], 2, in_place),
        (["render", "--all", "--out", str(tmp_path / "x")], 2, in_place),
        (["render"], 2, "Error: say which agreement to render (mou render SLUG), or --all for every one\n"),
        (
            ["render", "--all", "--stage", "nope"],
            1,
            "Error: unknown stage 'nope'; known stages: "
            "fgd, preparation, tkksd, rejection, offer, draft_kb, dprd, draft_pks, tim_teknis, rekonsiliasi, amendment, "
            "monitoring, santunan, closing\n",
        ),
    ]
    for args, code, message in cases:
        result = run(*args)
        assert result.exit_code == code
        assert result.stderr.endswith(message)
        assert ("Usage:" in result.stderr) == (code == 2)
    assert run("render", "--all", "--workers", "0").exit_code == 2
    assert tree_hash(root) == before
