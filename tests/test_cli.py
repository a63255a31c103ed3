"""The command line as a user meets it: help, version, exit codes, demo, new, check, schema; the public API, hints."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

import cli
import workflow
from tests.conftest import EXAMPLE, PROJECT, SLUG, docx_text, tree_hash

COMMANDS = sorted(cli.main.commands)


def test_version_prints_name_and_number() -> None:
    """`mou --version` prints the program name and the package version."""
    result = CliRunner().invoke(cli.main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"mou, version {workflow.__version__}\n"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name: str) -> None:
    """Each command's --help has a summary and an Example: block, and the README names the command."""
    result = CliRunner().invoke(cli.main, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"mou {name}" in result.output
    assert f"mou {name}" in (PROJECT / "README.md").read_text(encoding="utf-8")


def test_usage_error_exits_2() -> None:
    """A missing argument is a usage error: exit 2, not 1."""
    result = CliRunner().invoke(cli.main, ["advance"])
    assert result.exit_code == 2
    assert "Missing argument 'SLUG'" in result.stderr


def test_demo_walks_the_example_from_fgd_to_monitoring(tmp_path: Path) -> None:
    """`mou demo`: FGD documents, drafts v1 and v2 around a review, signature, archive, a quarter of monitoring."""
    before = tree_hash(EXAMPLE)
    out = tmp_path / "demo"
    result = CliRunner().invoke(cli.main, ["demo", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Copied the example to {out / 'agreements'}"
    paths = [Path(line.strip()) for line in lines if line.startswith("  ") and line.strip().endswith(".docx")]
    names = [p.name for p in paths]
    assert names == [
        "undangan-fgd-v1.docx",
        "daftar-hadir-fgd-v1.docx",
        "notulen-fgd-v1.docx",
        "kak-v1.docx",
        "surat-inisiasi-v1.docx",
        "telaahan-tkksd-v1.docx",
        "ba-rapat-tkksd-v1.docx",
        "surat-penawaran-v1.docx",
        "rancangan-kb-v1.docx",
        "lembar-paraf-kb-v1.docx",
        "rancangan-kb-v2.docx",
        "lembar-paraf-kb-v2.docx",
        "pks-v1.docx",
        "surat-kuasa-v1.docx",
        "lembar-paraf-pks-v1.docx",
        "sk-tim-teknis-v1.docx",
        "ba-rekonsiliasi-v1.docx",
        "ba-santunan-jkm-v1.docx",
        "laporan-monev-2025-Q3-v1.docx",
    ]
    assert all(p.is_file() for p in paths)
    assert "request_kb_changes by Bagian Hukum Setda Kabupaten Buton: kb_legal_review -> kb_drafting" in lines
    assert "State: implementation. KPIs at the end of 2025-Q3:" in lines
    assert "  paid Rp50.400.000,00 of Rp100.800.000,00" in lines
    archive_line = next(line for line in lines if line.startswith("archive: "))
    assert archive_line.endswith("buton-bpjstk-2025-kb-e16.zip; mou verify: ok")
    assert "  +NOMOR | : | [CONTOH] 000.8.3.3/001/KB/2025" in lines
    kb_v1, kb_v2 = paths[names.index("rancangan-kb-v1.docx")], paths[names.index("rancangan-kb-v2.docx")]
    assert "Rp201.600.000,00 (dua ratus satu juta enam ratus ribu rupiah)" in docx_text(kb_v1)
    assert "[NOMOR PIHAK KESATU]" in docx_text(kb_v1)
    assert "[CONTOH] 000.8.3.3/001/KB/2025" in docx_text(kb_v2)
    assert tree_hash(EXAMPLE) == before
    again = CliRunner().invoke(cli.main, ["demo", "--out", str(out)])
    assert again.exit_code == 0  # an earlier demo is replaced, still v1 and v2
    assert [line for line in again.stdout.splitlines() if ".docx" in line] == [line for line in lines if ".docx" in line]
    verified = CliRunner().invoke(cli.main, ["--root", str(out / "agreements"), "verify"])
    assert verified.exit_code == 0, verified.stderr


def test_demo_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    """`mou demo --out` never deletes a folder holding someone's files."""
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    result = CliRunner().invoke(cli.main, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path} is not empty and holds no earlier demo\nHint: choose another --out\n"
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "keep me"


def test_check_passes_on_the_example(run: Callable[..., Result], root: Path) -> None:
    """The shipped example and templates have no problems."""
    result = run("check", SLUG)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "No problems found."


def test_check_json_lists_what_was_checked(run: Callable[..., Result]) -> None:
    """`mou check --json` is machine-readable."""
    import json

    result = run("check", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["problems"] == []
    assert data["checked"][0].endswith(f"{SLUG}/agreement.yaml")


def test_new_from_copies_the_data(root: Path, run: Callable[..., Result]) -> None:
    """`mou new X --from Y` copies Y's file byte for byte, and the copy validates."""
    result = run("new", "buteng-bpjstk-2026", "--from", SLUG)
    assert result.exit_code == 0
    target = root / "buteng-bpjstk-2026" / "agreement.yaml"
    assert result.stdout == f"Created {target}\nNext: edit it, then run `mou check buteng-bpjstk-2026`.\n"
    assert target.read_bytes() == (root / SLUG / "agreement.yaml").read_bytes()
    assert run("check", "buteng-bpjstk-2026").exit_code == 0


def test_new_skeleton_lists_what_to_fill(root: Path, run: Callable[..., Result]) -> None:
    """A fresh skeleton parses, and `check` lists its empty required fields by line."""
    assert run("new", "wakatobi-2026").exit_code == 0
    path = root / "wakatobi-2026" / "agreement.yaml"
    result = run("check", "wakatobi-2026")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert (
        lines[0]
        == f"Error: {path}:6: document.title: is empty, expected one of KESEPAKATAN BERSAMA, NOTA KESEPAHAMAN, NOTA KESEPAKATAN"
    )
    assert all(re.match(rf"Error: {re.escape(str(path))}:\d+: [a-z_.\[\]0-9]+: ", line) for line in lines)
    assert not any("nomor" in line for line in lines)  # may-be-unknown fields are fine empty


def test_new_refuses_to_overwrite(root: Path, run: Callable[..., Result]) -> None:
    """`mou new` on an existing slug changes nothing and says so."""
    before = tree_hash(root)
    result = run("new", SLUG)
    assert result.exit_code == 1
    assert result.stderr == f"Error: agreement '{SLUG}' already exists in {root}; choose another slug\n"
    assert tree_hash(root) == before


def test_root_from_environment(root: Path) -> None:
    """MOU_ROOT chooses the agreements folder when --root is not given."""
    result = CliRunner().invoke(cli.main, ["check", SLUG], env={"MOU_ROOT": str(root)})
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(("lang", "name"), [("id", "schema.md"), ("en", "schema.en.md")])
def test_schema_reference_is_current(lang: str, name: str) -> None:
    """docs/schema.md (Indonesian) and docs/schema.en.md (English) are exactly what `mou schema` prints in
    their language (regenerate both with `make schema-doc`)."""
    result = CliRunner().invoke(cli.main, ["schema"], env={"MOU_LANG": lang})
    assert result.exit_code == 0
    if lang == "en":
        assert "| `coverage.workers` | a whole number (1–10000000) | required |" in result.stdout
        assert "| `parties.pemda.nomor` | text | may be unknown |" in result.stdout
    assert result.stdout == (PROJECT / "docs" / name).read_text(encoding="utf-8")


def test_library_never_imports_click(tmp_path: Path) -> None:
    """workflow/ is the product; only cli.py knows click.

    Checked where it counts, in ``sys.modules`` of a fresh interpreter after importing every module of the
    package (walked recursively, so new modules are covered): ``from click import x``, ``import_module("click")``
    and imports through another library are caught as well as ``import click``. A control package that pulls
    click in from a subpackage shows the check is not blind.
    """
    import json
    import subprocess
    import sys
    from typing import Any

    script = """
import importlib, importlib.abc, json, pkgutil, sys, traceback

package = sys.argv[1]
sys.path.insert(0, sys.argv[2])
before = "click" in sys.modules
stack = []


class Watch(importlib.abc.MetaPathFinder):
    \"\"\"Remember where click is first imported from; let the import go on.\"\"\"

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "click" and not stack:
            stack.extend(f"{f.filename}:{f.lineno}" for f in traceback.extract_stack()[:-1] if "importlib" not in f.filename)
        return None


sys.meta_path.insert(0, Watch())
top = importlib.import_module(package)
modules = [package, *(m.name for m in pkgutil.walk_packages(top.__path__, package + "."))]
culprit = package if "click" in sys.modules else None
for name in modules:
    importlib.import_module(name)
    if culprit is None and "click" in sys.modules:
        culprit = name
print(json.dumps({"before": before, "modules": modules, "click": "click" in sys.modules, "culprit": culprit, "stack": stack}))
"""

    def imports(package: str, where: Path) -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "-c", script, package, str(where)], cwd=PROJECT, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        result: dict[str, Any] = json.loads(done.stdout)
        assert result["before"] is False, "click was imported before any module of the package"
        return result

    control = tmp_path / "control"
    (control / "sub").mkdir(parents=True)
    for name, text in [("__init__", ""), ("plain", "import json\n"), ("sub/__init__", "")]:
        (control / f"{name}.py").write_text(text, encoding="utf-8")
    (control / "sub" / "deep.py").write_text('import importlib\n\nimportlib.import_module("cl" + "ick")\n', encoding="utf-8")
    caught = imports("control", tmp_path)
    assert caught["click"] is True and caught["culprit"] == "control.sub.deep", caught
    assert any(frame.endswith("deep.py:3") for frame in caught["stack"]), caught["stack"]

    result = imports("workflow", PROJECT)
    assert "workflow.records.store" in result["modules"]
    assert len(result["modules"]) >= len(list((PROJECT / "workflow").glob("*.py"))), result["modules"]
    assert result["click"] is False, f"click imported by {result['culprit']}, from:\n" + "\n".join(result["stack"])


def test_group_maps_domain_errors_only() -> None:
    """MouGroup is the one place that turns MouError into exit code 1."""
    assert isinstance(cli.main, click.Group)
    assert type(cli.main).__name__ == "MouGroup"


# --- the public API the CLI stands on ----------------------------------------------------------------


@pytest.mark.parametrize("name", workflow.__all__)
def test_every_public_name_resolves(name: str) -> None:
    """Each name of ``workflow.__all__`` imports (lazily) and is what its home module defines."""
    value = getattr(workflow, name)
    assert value is not None
    assert name in dir(workflow)


def test_every_error_class_is_public() -> None:
    """A front end can tell every domain error apart by a public name: each MouError subclass is in ``__all__``."""
    import inspect

    import workflow.errors

    classes = {n for n, c in inspect.getmembers(workflow.errors, inspect.isclass) if issubclass(c, workflow.errors.MouError)}
    assert classes - set(workflow.__all__) == set()
    assert "Problem" in workflow.__all__


def test_importing_the_package_loads_no_module_of_it() -> None:
    """`import workflow` stays cheap: the public names are imported on first use (PEP 562).

    Only the settings come at once, with the two modules they use (errors, and the messages' language,
    which the settings decide): all three import nothing but the standard library.
    """
    import json
    import subprocess
    import sys

    script = (
        "import json, sys; before = set(sys.modules); import workflow; "
        "print(json.dumps(sorted(m for m in set(sys.modules) - before if m != 'workflow')))"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True, check=True)
    loaded = json.loads(done.stdout)
    assert sorted(m for m in loaded if m.startswith("workflow")) == ["workflow.config", "workflow.errors", "workflow.i18n"]
    third_party = [m for m in loaded if not m.startswith("workflow") and m.split(".")[0] not in sys.stdlib_module_names]
    assert third_party == []


def test_the_cli_reads_no_environment_itself() -> None:
    """Settings are read once, by ``workflow.Settings.from_environment()`` in the group: cli.py names no variable."""
    import ast

    tree = ast.parse((PROJECT / "cli.py").read_text(encoding="utf-8"))
    readers = [
        ast.unparse(node)
        for node in ast.walk(tree)
        if (isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv", "environb"})
        or (isinstance(node, ast.keyword) and node.arg in {"envvar", "auto_envvar_prefix"})
    ]
    assert readers == []


def test_root_option_wins_over_the_environment(root: Path, tmp_path: Path) -> None:
    """--root is applied over MOU_ROOT; the settings are in force for the command only, not after it."""
    from workflow import config

    elsewhere = tmp_path / "elsewhere"
    result = CliRunner().invoke(cli.main, ["--root", str(root), "list"], env={"MOU_ROOT": str(elsewhere)})
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(SLUG)
    assert config.current().root == Path("agreements")  # nothing left active once the command is done


def test_a_malformed_setting_is_a_domain_error(root: Path) -> None:
    """A bad MOU_TODAY is refused by name, exit 1, before the command runs."""
    result = CliRunner().invoke(cli.main, ["--root", str(root), "list"], env={"MOU_TODAY": "tomorrow"})
    assert result.exit_code == 1
    assert result.stderr == "Error: MOU_TODAY='tomorrow' is not a date, expected YYYY-MM-DD\n"


def test_shared_options_are_declared_once() -> None:
    """Every --as and --json reads the same way (they come from actor_option and json_option)."""
    seen: dict[str, list[click.Option]] = {"--as": [], "--json": []}

    def walk(command: click.Command) -> None:
        for param in command.params:
            if isinstance(param, click.Option) and param.opts[0] in seen:
                seen[param.opts[0]].append(param)
        if isinstance(command, click.Group):
            for sub in command.commands.values():
                walk(sub)

    walk(cli.main)
    assert len(seen["--as"]) >= 9
    assert len(seen["--json"]) >= 5
    for option in seen["--as"]:
        assert (option.name, option.metavar) == ("actor", "NAME")
        assert re.fullmatch(
            r"Who .+: a name from people: in agreement.yaml \(default: MOU_ACTOR, else your login name\)\.", option.help or ""
        )
    for option in seen["--json"]:
        assert option.name == "as_json" and option.is_flag
        assert re.fullmatch(r"Print .+ as JSON\.", option.help or "")


# --- hints: the CLI says which flag or command helps; the library states the fact ----------------------


def test_every_hint_names_an_error_class_or_a_rule() -> None:
    """A capitalised key of cli.HINTS is a public error class (a typo would never match); others are rules."""
    for key in cli.HINTS:
        if key[:1].isupper():
            assert key in workflow.__all__, key
            assert issubclass(getattr(workflow, key), workflow.MouError), key
        else:
            assert re.fullmatch(r"[a-z_]+(\.[a-z_]+)*", key), key


def test_unknown_actor_gets_the_hint_on_its_own_line(root: Path) -> None:
    """The library says who is not among the people; the CLI adds how to say who acts."""
    import getpass

    result = CliRunner().invoke(cli.main, ["--root", str(root), "advance", SLUG, "hold_fgd"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"Error: '{getpass.getuser()}' is not among the people of {SLUG} (")
    assert "--as" not in lines[0]
    assert lines[1:] == ["Hint: say who acts: --as NAME or MOU_ACTOR=NAME"]


def test_hints_by_class_by_rule_and_with_the_errors_facts() -> None:
    """A hint is found by the error's rule, its class or a base class, and filled from the error's attributes."""
    signature = workflow.SignatureNeedsFiles(SLUG, "sign_pks", "pks")
    assert cli.hint_for(signature) == f"use mou sign {SLUG} --document pks --file SIGNED.pdf --date YYYY-MM-DD"
    assert cli.hint_for(workflow.NoDocumentsHere("kb_signed", ["fgd", "draft_kb"])) == "choose one with --stage"
    assert cli.hint_for(workflow.MouError("SVG needs Graphviz's dot", rule="graphviz")) == (
        "install it with: sudo apt-get install graphviz (or use --format mermaid)"
    )

    class Stranger(workflow.ActorUnknown):
        pass

    assert cli.hint_for(Stranger("nobody")) == "say who acts: --as NAME or MOU_ACTOR=NAME"
    assert cli.hint_for(workflow.MouError("plain")) is None


def test_error_printer_writes_every_line_then_the_hint(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`Error:` before every line of the message, one `Hint:` line after; a hint the error cannot fill is left out."""
    monkeypatch.setitem(cli.HINTS, "test.rule", "see {e.missing}")
    cli.print_error(workflow.NoDocumentsHere("kb_signed", ["fgd"]))
    cli.print_error(workflow.MouError("first\nsecond", rule="test.rule"))
    assert capsys.readouterr().err == (
        "Error: state kb_signed produces no documents; the stages are fgd\n"
        "Hint: choose one with --stage\n"
        "Error: first\n"
        "Error: second\n"
    )
