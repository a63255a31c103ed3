"""The wheel is a working mou: it carries its templates, processes and example, and finds them as package data."""

from __future__ import annotations

import ast
import importlib.resources
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from workflow import shipped


def test_shipped_folders_are_the_packages_resources() -> None:
    """shipped.* answers what importlib.resources answers for the same packages."""
    assert shipped.templates() == Path(str(importlib.resources.files("workflow._templates")))
    assert shipped.examples() == Path(str(importlib.resources.files("workflow._example")))
    assert shipped.processes() == Path(str(importlib.resources.files("workflow.process"))) / "processes"
    assert (shipped.templates() / "catalogue.yaml").is_file()
    assert (shipped.examples() / "buton-bpjstk-2025" / "agreement.yaml").is_file()
    assert sorted(p.name for p in shipped.processes().glob("*.yaml")) == ["ksdpk.yaml", "short.yaml"]


def test_no_module_finds_data_through_the_checkout() -> None:
    """No module of the library climbs out of its package (``Path(__file__)...parent.parent``) to find files."""
    offenders = []
    for path in sorted((PROJECT / "workflow").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = ast.unparse(node) if isinstance(node, ast.Attribute) and node.attr == "parent" else ""
            if "__file__" in text and text.count(".parent") > 1:
                offenders.append(f"{path.relative_to(PROJECT)}:{node.lineno}: {ast.unparse(node)}")
    assert offenders == []


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(PROJECT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    (found,) = out.glob("mou-*-py3-none-any.whl")
    return found


def test_wheel_carries_templates_processes_example_and_type_hints(wheel: Path) -> None:
    """Every shipped template and process, the example agreement, py.typed, and nothing of a user's agreements."""
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {f"workflow/_templates/{p.name}" for p in (PROJECT / "templates").iterdir() if p.suffix in {".docx", ".yaml"}}
    processes = {f"workflow/process/processes/{p.name}" for p in (PROJECT / "workflow" / "process" / "processes").glob("*.yaml")}
    assert "workflow/_templates/rancangan-kb.docx" in templates
    assert templates | processes <= names
    assert {"workflow/_example/buton-bpjstk-2025/agreement.yaml", "workflow/py.typed", "cli.py"} <= names
    example = sorted(n for n in names if n.startswith("workflow/_example/"))
    assert example == ["workflow/_example/__init__.py", "workflow/_example/buton-bpjstk-2025/agreement.yaml"]
    user_files = [
        n
        for n in names
        if "history.jsonl" in n or "/signed/" in n or n.startswith(("tests/", "workflow/_example/buton-bpjstk-2025/documents/"))
    ]
    assert not user_files
