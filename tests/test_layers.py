"""The layered architecture holds: imports go down only, nothing closes a cycle, settings are read in one
place, and only ``workflow/records/`` touches the agreements folder (ARCHITECTURE.md)."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
PACKAGE = PROJECT / "workflow"

LAYERS = {
    "workflow.errors": 0,
    "workflow.config": 0,
    "workflow.shipped": 0,
    "workflow.i18n": 0,
    "workflow.data": 1,
    "workflow.process": 2,
    "workflow.documents": 3,
    "workflow.records": 4,
    "workflow.commands": 5,
    "workflow": 6,  # the package itself: the public API over everything
    "workflow.web": 7,  # the web application: a front end over the public API, as cli.py is
}
"""Rank of each layer; a module may import its own layer and those below, never one above."""


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PROJECT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        if any(p.startswith("_") and p != "__init__" for p in parts[1:]):
            continue  # shipped data packages (workflow._templates, workflow._example)
        found[".".join(parts)] = path
    return found


def _layer(module: str) -> int:
    while module not in LAYERS:
        module = module.rsplit(".", 1)[0]
    return LAYERS[module]


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Ids of import nodes inside ``if TYPE_CHECKING:`` blocks: for annotations only, never executed."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name | ast.Attribute):
            name = node.test.id if isinstance(node.test, ast.Name) else node.test.attr
            if name == "TYPE_CHECKING":
                ids.update(id(n) for inner in node.body for n in ast.walk(inner))
    return ids


def imports_of(path: Path, module: str, known: set[str]) -> Iterator[tuple[str, int]]:
    """(imported workflow module, line) for every import in the file, inside functions too."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_only(tree)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "workflow":
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            if base.split(".")[0] != "workflow":
                continue
            for alias in node.names:  # `from workflow.data import model` imports a module
                sub = f"{base}.{alias.name}"
                yield (sub if sub in known else base), node.lineno


def import_graph() -> dict[str, list[tuple[str, int]]]:
    modules = _modules()
    known = set(modules)
    return {m: [(t, line) for t, line in imports_of(p, m, known) if t != m] for m, p in modules.items()}


def test_every_module_belongs_to_a_layer() -> None:
    """A new top-level module must be placed in a layer on purpose."""
    stray = [
        m
        for m in _modules()
        if m.count(".") == 1
        and m not in LAYERS
        and m.rsplit(".", 1)[1] not in {"data", "process", "documents", "records", "commands"}
    ]
    assert stray == []


def test_no_import_goes_up_a_layer() -> None:
    """Every dependency runs downwards, function-level imports included; the package's own ``__init__``
    (the public API) is above everything and nothing below may import it."""
    upward = [
        f"{PACKAGE.parent / m.replace('.', '/')}.py:{line}: {m} (layer {_layer(m)}) imports {t} (layer {_layer(t)})"
        for m, targets in import_graph().items()
        for t, line in targets
        if _layer(t) > _layer(m)
    ]
    assert upward == []


def test_no_import_cycle() -> None:
    """No two modules import each other, directly or round about (Tarjan's strongly connected components)."""
    graph = {m: sorted({t for t, _ in targets if t in _modules()}) for m, targets in import_graph().items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, []):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    assert cycles == []


def test_the_cli_uses_only_the_public_api() -> None:
    """``cli.py`` imports ``workflow`` and nothing below it (but the web front end it starts with `mou serve`)."""
    tree = ast.parse((PROJECT / "cli.py").read_text(encoding="utf-8"))
    deep = [
        f"cli.py:{node.lineno}: {ast.unparse(node)}"
        for node in ast.walk(tree)
        if (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("workflow.") and node.module != "workflow.web")
        or (isinstance(node, ast.Import) and any(a.name.startswith("workflow.") for a in node.names))
    ]  # `mou serve` starts the other front end, workflow.web, which itself uses only the public API
    assert deep == []


def test_only_config_reads_the_environment() -> None:
    """``os.environ`` and ``os.getenv`` appear in ``workflow/config.py`` only."""
    readers = []
    for module, path in _modules().items():
        if module == "workflow.config":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv", "putenv", "environb"}) or (
                isinstance(node, ast.ImportFrom)
                and node.module == "os"
                and any(a.name in {"environ", "getenv"} for a in node.names)
            ):
                readers.append(f"{path}:{node.lineno}: {ast.unparse(node)}")
    assert readers == []


def test_the_checker_sees_an_upward_import(tmp_path: Path) -> None:
    """The import reader finds a function-level import and a relative one (so the checks above can fail)."""
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from workflow.commands import session\n"
        "def f():\n    from workflow.commands.verify import verify\n    from ..records import store\n",
        encoding="utf-8",
    )
    found = list(imports_of(source, "workflow.data.m", {"workflow.records.store", "workflow.commands.verify"}))
    assert found == [("workflow.commands.verify", 5), ("workflow.records.store", 6)]
    assert _layer("workflow.commands.verify") > _layer("workflow.data.m")


# --- only workflow/records/ touches the agreements folder, proven by running the commands ---------------


class FolderGuard:
    """Records every filesystem call on a path under ``root`` made by a ``workflow`` module outside ``records``.

    The frame that decides is the nearest one in project code (``workflow``, ``cli``, ``tests``):
    standard-library and third-party frames in between (pathlib, shutil, zipfile, docxtpl) are looked
    through, so ``Path.read_bytes`` called in ``workflow.commands.x`` counts against that module.
    """

    PROJECT_ROOTS = ("workflow", "cli", "tests", "bench")

    def __init__(self, root: Path) -> None:
        self.root = str(root.resolve())
        self.breaches: list[str] = []

    def _under_root(self, path: object) -> bool:
        if isinstance(path, int):
            return False
        try:
            text = path.decode() if isinstance(path, bytes) else str(path)  # type: ignore[attr-defined]
        except (TypeError, UnicodeDecodeError):
            return False
        import os

        full = os.path.abspath(text)
        return full == self.root or full.startswith(self.root + os.sep)

    def check(self, what: str, path: object) -> None:
        if not self._under_root(path):
            return
        frame = sys._getframe(2)
        while frame is not None:
            name = str(frame.f_globals.get("__name__", ""))
            if name.split(".")[0] in self.PROJECT_ROOTS:
                if name.startswith("workflow.") and not name.startswith("workflow.records"):
                    self.breaches.append(f"{name}:{frame.f_lineno} {what} {path}")
                return
            frame = frame.f_back  # type: ignore[assignment]

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import builtins
        import io
        import os
        import shutil

        def wrap(owner: object, attr: str, *, arg: int = 0, second: bool = False) -> None:
            original = getattr(owner, attr)

            def guarded(*args: object, **kwargs: object) -> object:
                if len(args) > arg:
                    self.check(attr, args[arg])
                if second and len(args) > 1:
                    self.check(attr, args[1])
                return original(*args, **kwargs)

            monkeypatch.setattr(owner, attr, guarded)

        wrap(builtins, "open")
        wrap(io, "open")
        for attr in ("open", "stat", "lstat", "scandir", "listdir", "mkdir", "unlink", "remove", "rmdir"):
            wrap(os, attr)
        for attr in ("replace", "rename", "link"):
            wrap(os, attr, second=True)
        for attr in ("copy", "copy2", "copyfile", "copytree", "move"):
            wrap(shutil, attr, second=True)
        wrap(shutil, "rmtree")


@pytest.mark.slow
def test_only_records_touch_the_agreements_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole demo story (render, review, sign with PDF/A, archive, monitoring, report, redline) and the
    read-only commands after it make every filesystem call under the agreements root from records/."""
    import shutil as sh

    if not (sh.which("soffice") or sh.which("libreoffice")):
        pytest.skip("LibreOffice (soffice) not installed")
    import workflow

    out = tmp_path / "demo"
    guard = FolderGuard(out / "agreements")
    guard.install(monkeypatch)
    result = workflow.demo(out)
    store = workflow.FolderStore(out / "agreements")
    slug = result.slug
    assert workflow.verify(store, slug).problem is None
    workflow.status(store, slug)
    workflow.list_agreements(store)
    workflow.check_project(store, slug)
    workflow.entries(store, slug)
    workflow.due(store, 3650)
    workflow.write_dashboard(store, tmp_path / "dashboard.html")
    workflow.export_jdih(store, slug, tmp_path / "jdih")
    assert guard.breaches == []


def test_the_guard_catches_a_write_from_a_command_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder guard is not blind: a write from a ``workflow.commands`` frame is reported, one from records is not."""
    root = tmp_path / "agreements"
    root.mkdir()
    guard = FolderGuard(root)
    guard.install(monkeypatch)
    namespace: dict[str, object] = {"__name__": "workflow.commands.fake", "Path": Path}
    exec("def write(p):\n    Path(p).write_bytes(b'x')\n", namespace)
    namespace["write"](root / "a.txt")  # type: ignore[operator]
    from workflow.records.store import write_new

    write_new(root / "b.txt", b"y")
    assert [b.split(" ")[0].split(":")[0] for b in guard.breaches] == ["workflow.commands.fake"]
