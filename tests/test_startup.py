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
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), json.dumps(["--root", str(root), *args])],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(proc.stderr.strip().splitlines()[-1]) == []
