"""Commands that only read state start fast: they never import docxtpl, lxml, Jinja or matplotlib."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT, SLUG

HEAVY = ("docxtpl", "docx", "lxml", "jinja2", "matplotlib", "bagit", "icalendar")
PROBE = """
import json, sys
sys.argv = ["mou"] + json.loads(sys.argv[1])
import cli
try:
    cli.main(standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)), file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["--help"], ["status", SLUG], ["list"], ["history", SLUG], ["verify", SLUG]], ids=" ".join)
def test_reading_commands_import_nothing_heavy(args: list[str], root: Path) -> None:
    """In a fresh interpreter, `mou --help`, status, list, history and verify load none of the rendering stack."""
    assert _modules(args, root, HEAVY) == []


def _modules(args: list[str], root: Path, wanted: tuple[str, ...]) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=wanted), json.dumps(["--root", str(root), *args])],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    )
    return list(json.loads(proc.stderr.strip().splitlines()[-1]))


def test_help_imports_neither_the_model_nor_yaml(root: Path) -> None:
    """`mou --help` loads click and the command table, not the agreement model or PyYAML."""
    assert _modules(["--help"], root, ("yaml", "workflow.data.model", "workflow.data.schema", "transitions")) == []


def test_files_read_before_are_not_parsed_again(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second `mou status` takes the agreement, process and catalogue from the cache: PyYAML stays unloaded."""
    monkeypatch.setenv("MOU_CACHE", str(tmp_path / "empty-cache"))
    assert _modules(["status", SLUG], root, ("yaml",)) == ["yaml"]  # first read parses and fills the cache
    assert _modules(["status", SLUG], root, ("yaml",)) == []


MODEL = ("workflow.data.model", "workflow.process.definition", "workflow.commands.session", "yaml", "transitions")


def _status(root: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, str(PROJECT / "cli.py"), "--root", str(root), *extra],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def test_a_repeated_view_comes_from_memory_until_an_input_changes(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second `mou status` or `mou list` imports neither the model nor the process code and prints the same
    text; a new entry, another day or an edited agreement makes it compute again."""
    from workflow.commands.demo import OPD
    from workflow.commands.lifecycle import record_render
    from workflow.records.store import FolderStore

    monkeypatch.setenv("MOU_CACHE", str(tmp_path / "cache"))
    for args in (["status", SLUG], ["list"], ["status", SLUG, "--json"]):
        assert set(_modules(args, root, MODEL)) >= {"workflow.data.model", "workflow.commands.session"}  # computed
        assert _modules(args, root, MODEL) == []  # remembered
    first = _status(root, "status", SLUG).stdout
    assert first.startswith(f"{SLUG}: fgd_scheduled (FGD dijadwalkan)") and _status(root, "status", SLUG).stdout == first
    record_render(FolderStore(root), SLUG, None, None, OPD)  # a new history entry
    assert _modules(["status", SLUG], root, MODEL) != []
    assert "Documents of this stage:\n  documents/fgd/daftar-hadir-fgd-v1.docx" in _status(root, "status", SLUG).stdout
    assert _modules(["status", SLUG], root, MODEL) == []
    monkeypatch.setenv("MOU_TODAY", "2026-01-01")  # another day: due dates may differ, so it is computed again
    assert _modules(["status", SLUG], root, MODEL) != []
    monkeypatch.delenv("MOU_TODAY")
    path = root / SLUG / "agreement.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("process: ksdpk", "process: short", 1), encoding="utf-8")
    edited = _status(root, "status", SLUG)  # computed again: the edit makes the agreement invalid
    assert (edited.returncode, edited.stdout) == (1, "")
    assert "dprd is not a role of process short" in edited.stderr


def test_a_history_tampered_after_a_remembered_view_is_still_refused(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even a same-size edit with the old modification time restored changes the file's change time: status
    reads the history again and reports the broken entry instead of the remembered text."""
    import os

    from workflow.commands.demo import OPD
    from workflow.commands.lifecycle import record_render
    from workflow.records.store import FolderStore

    monkeypatch.setenv("MOU_CACHE", str(tmp_path / "cache"))
    record_render(FolderStore(root), SLUG, None, None, OPD)
    assert _status(root, "status", SLUG).returncode == 0
    log = root / SLUG / "history.jsonl"
    stat = log.stat()
    data = log.read_bytes()
    log.write_bytes(data.replace(b"fgd_scheduled", b"fgd_scheduleX", 1))
    os.utime(log, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert log.stat().st_size == stat.st_size and log.stat().st_mtime_ns == stat.st_mtime_ns
    broken = _status(root, "status", SLUG)
    assert broken.returncode == 1
    assert broken.stderr.startswith(f"Error: {log}:1: entry 1:")
