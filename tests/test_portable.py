"""Portability: every module imports without Unix-only modules, and the agreement lock works across processes.

The lock's POSIX branch (``flock`` on the folder) is exercised for real below. Its Windows branch
(``msvcrt.locking`` on ``<folder>/.lock``) cannot run on Linux: ``msvcrt`` does not exist there, and a
stand-in would only test itself. On Linux the Windows branch is type-checked against typeshed's
``msvcrt`` (``mypy --platform win32``), and the lock file it creates is shown to be left alone by
recovery and ``verify``; the cross-process tests are platform-neutral and exercise ``msvcrt`` when the
suite runs on Windows.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import PROJECT, SLUG, tree_hash
from workflow.errors import AgreementBusy
from workflow.records import locking
from workflow.records.store import FolderStore, recover

UNIX_ONLY = ("fcntl", "grp", "pwd", "resource", "termios")

PLATFORM_MODULE = "workflow.records.locking"
"""The one module allowed to import a Unix-only module, inside its ``sys.platform`` branch."""

IMPORT_ALL_WITHOUT_UNIX_MODULES = """
import importlib, importlib.abc, json, pkgutil, sys, traceback

UNIX_ONLY = set(sys.argv[1].split(","))
PLATFORM_MODULE = sys.argv[2]
let_through = []


def importer():
    \"\"\"Name of the module whose code runs the import (the first frame outside importlib).\"\"\"
    frame = sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__", "").startswith("importlib"):
        frame = frame.f_back
    return frame.f_globals.get("__name__") if frame is not None else None


class NoUnixModules(importlib.abc.MetaPathFinder):
    \"\"\"Refuse the Unix-only modules as Windows would (ModuleNotFoundError), except to the platform module.\"\"\"

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in UNIX_ONLY:
            who = importer()
            if who == PLATFORM_MODULE:
                let_through.append(f"{name} by {who}")
                return None
            raise ModuleNotFoundError(f"No module named {name!r} (Unix-only, refused by the test to {who})", name=name)
        return None


for name in UNIX_ONLY:
    sys.modules.pop(name, None)
sys.meta_path.insert(0, NoUnixModules())
refused = []
for name in sorted(UNIX_ONLY):
    try:
        importlib.import_module(name)
    except ModuleNotFoundError:
        refused.append(name)

import workflow

failed = {}


def on_error(name):
    failed[name] = traceback.format_exc(limit=-4)


names = ["cli", *(m.name for m in pkgutil.walk_packages(workflow.__path__, "workflow.", onerror=on_error))]
for name in names:
    try:
        importlib.import_module(name)
    except Exception:
        failed[name] = traceback.format_exc(limit=-4)
print(json.dumps({"refused": refused, "let_through": let_through, "modules": names, "failed": failed}))
"""


def _python(code: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=PROJECT, capture_output=True, text=True, timeout=timeout, check=False
    )


def _workflow_modules() -> set[str]:
    """Every module file of the package, found on disk (to check that the import walk misses none)."""
    base = PROJECT / "workflow"
    found = set()
    for path in base.rglob("*.py"):
        parts = path.relative_to(base).with_suffix("").parts
        if all((base.joinpath(*parts[:i]) / "__init__.py").is_file() for i in range(1, len(parts))):
            found.add(".".join(("workflow", *parts)).removesuffix(".__init__"))
    return found - {"workflow"}


def test_every_module_imports_without_unix_only_modules() -> None:
    """In a fresh interpreter where fcntl, grp, pwd, resource and termios cannot be imported (as on Windows),
    every module of ``workflow`` (found by walking the package, so new modules are covered) and ``cli`` import.

    Only ``workflow.records.locking`` may import one, ``fcntl``, in its POSIX branch (on Windows it takes the msvcrt
    branch instead, which ``test_windows_branch_type_checks_against_msvcrt`` checks).
    """
    done = _python(IMPORT_ALL_WITHOUT_UNIX_MODULES, ",".join(UNIX_ONLY), PLATFORM_MODULE)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["refused"] == sorted(UNIX_ONLY), "the import blocker did not take effect"
    assert result["let_through"] == ([] if sys.platform == "win32" else [f"fcntl by {PLATFORM_MODULE}"])
    assert set(result["modules"]) >= _workflow_modules() | {"cli", "workflow.records.locking", "workflow.records.store"}
    failures = "\n".join(f"--- {name}\n{trace}" for name, trace in result["failed"].items())
    assert not result["failed"], f"modules that need a Unix-only module to import: {sorted(result['failed'])}\n{failures}"


def test_windows_branch_type_checks_against_msvcrt(tmp_path: Path) -> None:
    """``mypy --platform win32`` checks the msvcrt branch (names, signatures) against typeshed: the one check of
    that code that Linux can run. The POSIX branch is checked by the project's own mypy run."""
    pytest.importorskip("mypy")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--platform",
            "win32",
            "--cache-dir",
            str(tmp_path),
            "workflow/records/locking.py",
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


HOLDER = """
import sys
from pathlib import Path
from workflow.records import locking

fd = locking.acquire(Path(sys.argv[1]), 10)
print("locked" if fd is not None else "busy", flush=True)
sys.stdin.readline()  # hold the lock until told to go (or killed)
"""

TRY = """
import sys, time
from pathlib import Path
from workflow.records import locking

started = time.monotonic()
fd = locking.acquire(Path(sys.argv[1]), float(sys.argv[2]))
print(fd is not None, f"{time.monotonic() - started:.3f}")
"""


@contextmanager
def _holder(folder: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lock of ``folder`` until its stdin is closed (or it is killed)."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(folder)], cwd=PROJECT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as proc:  # leaving the block closes the pipes and waits for the process
        try:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
            yield proc
        finally:
            if proc.poll() is None:
                proc.kill()


def _try_in_another_process(folder: Path, timeout: float) -> tuple[bool, float]:
    done = _python(TRY, str(folder), str(timeout))
    assert done.returncode == 0, done.stderr
    locked, waited = done.stdout.split()
    return locked == "True", float(waited)


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_second_process_cannot_lock_until_the_first_releases(tmp_path: Path) -> None:
    """While this process holds the lock, another waits out its timeout and gets nothing; after release it locks at once."""
    folder = tmp_path / "agreement"
    folder.mkdir()
    fd = locking.acquire(folder, 1)
    assert fd is not None
    try:
        locked, waited = _try_in_another_process(folder, 0.5)
        assert not locked
        assert waited >= 0.5
    finally:
        locking.release(fd)
    locked, waited = _try_in_another_process(folder, 5)
    assert locked
    assert waited < 1
    # POSIX locks the folder itself and creates nothing; Windows locks one file, .lock, and keeps it
    assert _files(folder) == ([locking.LOCK_FILE] if sys.platform == "win32" else [])


def test_this_process_waits_for_another_and_a_killed_holder_frees_the_lock(tmp_path: Path) -> None:
    """The other direction: a lock held by another process blocks us; closing it (or killing it) frees it."""
    folder = tmp_path / "agreement"
    folder.mkdir()
    with _holder(folder) as holder:
        started = time.monotonic()
        assert locking.acquire(folder, 0.3) is None
        assert time.monotonic() - started >= 0.3
        holder.kill()  # no release: the operating system frees the lock of a dead process
        holder.wait(timeout=30)
    fd = locking.acquire(folder, 10)
    assert fd is not None
    locking.release(fd)
    with _holder(folder) as holder:  # and released normally, by the holder going away
        assert holder.stdin is not None
        holder.stdin.close()
        assert holder.wait(timeout=30) == 0
    fd = locking.acquire(folder, 10)
    assert fd is not None
    locking.release(fd)


def test_store_lock_reports_a_busy_agreement_as_before(root: Path) -> None:
    """Store.lock keeps its contract: AgreementBusy with the same message after the timeout; free again after."""
    folder = root / SLUG
    before = tree_hash(folder)
    with _holder(folder):
        started = time.monotonic()
        with pytest.raises(AgreementBusy) as busy, FolderStore(root).lock(SLUG, timeout=0.4):
            pass
        assert time.monotonic() - started >= 0.4
        assert str(busy.value) == f"agreement '{SLUG}' is busy: another mou command held its lock for 0 s; try again"
    # the lock excludes a second holder even in the same process
    with FolderStore(root).lock(SLUG, timeout=5), pytest.raises(AgreementBusy), FolderStore(root).lock(SLUG, timeout=0.1):
        pass
    if sys.platform != "win32":
        assert tree_hash(folder) == before  # POSIX: the lock wrote nothing into the folder


def test_the_windows_lock_file_is_not_taken_for_a_leftover(root: Path) -> None:
    """The Windows branch keeps ``<folder>/.lock``; recovery after a kill and ``verify`` must leave it alone.

    ``open_lock_file`` is the Windows branch's own code for creating the file and runs on any OS.
    """
    from workflow.commands.demo import OPD
    from workflow.commands.lifecycle import advance, record_render
    from workflow.commands.verify import verify

    store = FolderStore(root)
    record_render(store, SLUG, None, None, OPD)
    advance(store, SLUG, "hold_fgd", OPD)
    folder = root / SLUG
    first = locking.open_lock_file(folder)
    os.write(first, b"x")
    second = locking.open_lock_file(folder)  # opening again reuses the file, neither truncated nor replaced
    try:
        assert os.path.sameopenfile(first, second)
        assert (folder / locking.LOCK_FILE).read_bytes() == b"x"
    finally:
        os.close(first)
        os.close(second)
    stray = folder / "documents" / "stray.docx"  # what a writer killed before its history entry leaves
    stray.write_bytes(b"half")
    assert recover(folder) == [stray]  # the stray file is moved to .recovered/, the lock file stays
    assert (folder / locking.LOCK_FILE).read_bytes() == b"x"
    before = tree_hash(folder)
    assert recover(folder) == []
    assert tree_hash(folder) == before
    advance(store, SLUG, "start_preparation", OPD)  # a whole write (lock, recover, history) beside it
    assert verify(store, SLUG).problem is None
    assert (folder / locking.LOCK_FILE).read_bytes() == b"x"
    shutil.rmtree(folder / "documents")  # and verify still reports a real problem beside it
    assert verify(store, SLUG).problem is not None
