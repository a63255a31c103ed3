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
