"""Where agreements live on disk, and the only code that writes there.

One small interface (``Store``) so that a shared database can later take the folder's place.
Every write is atomic (temporary file, fsync, rename or link) and never replaces an earlier version.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workflow.errors import AgreementBusy, AgreementNotFound, InvalidSlug, MouError
from workflow.records import locking

AGREEMENT_FILE = "agreement.yaml"
_SLUG = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def check_slug(slug: str) -> str:
    """Return ``slug`` if it is a plain folder name such as ``buton-bpjstk-2025``, else raise."""
    if not (3 <= len(slug) <= 64 and _SLUG.match(slug)) or slug.split("-")[0] in _WINDOWS_RESERVED:
        raise InvalidSlug(slug)
    return slug


class Store:
    """A folder of agreements: ``ROOT/<slug>/agreement.yaml`` plus what the tool writes beside it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, slug: str) -> Path:
        """The folder of one agreement (the slug is checked, and a symlink may not lead out of the root)."""
        path = self.root / check_slug(slug)
        if path.is_symlink() and not path.resolve().is_relative_to(self.root.resolve()):
            raise MouError(f"{path} is a link to {path.resolve()}, outside {self.root}; agreements must live inside it")
        return path

    def agreement_file(self, slug: str) -> Path:
        """``agreement.yaml`` of an existing agreement."""
        path = self.folder(slug) / AGREEMENT_FILE
        if not path.is_file():
            raise AgreementNotFound(slug, self.root, list(self.slugs()))
        return path

    def slugs(self) -> Iterator[str]:
        """Slugs of every agreement under the root, sorted."""
        if not self.root.is_dir():
            return iter(())
        return iter(sorted(p.parent.name for p in self.root.glob(f"*/{AGREEMENT_FILE}") if _SLUG.match(p.parent.name)))

    @contextmanager
    def lock(self, slug: str, *, timeout: float = 30.0) -> Iterator[None]:
        """Hold the agreement's lock: one writer at a time, across processes.

        On POSIX the lock is ``flock`` on the agreement's folder itself, so it creates no file, and the
        files inside can be replaced by rename while it is held; on Windows it is a lock on
        ``<folder>/.lock`` (see ``workflow.records.locking``). Raises AgreementBusy after ``timeout`` seconds.
        """
        folder = self.folder(slug)
        if not folder.is_dir():
            raise AgreementNotFound(slug, self.root, list(self.slugs()))
        fd = locking.acquire(folder, timeout)
        if fd is None:
            raise AgreementBusy(slug, timeout)
        try:
            yield
        finally:
            locking.release(fd)

    @contextmanager
    def writing(self, slug: str) -> Iterator[None]:
        """Hold the lock and first clear what a killed writer left: see ``recover``."""
        with self.lock(slug):
            recover(self.folder(slug))
            yield

    def documents_dir(self, slug: str, stage: str) -> Path:
        """Where the documents of one stage go by default."""
        return self.folder(slug) / "documents" / stage


RECOVERED = ".recovered"
TOOL_DIRS = ("documents", "signed", "reviews", "archive", "participants")


def recover(folder: Path) -> list[Path]:
    """Tidy after a writer killed mid-way; call under the lock. Returns what was moved or removed.

    Temporary files (``.name.xxx.tmp``) and staging folders (``mou-bag-*``, ``mou-sign-*``) of a dead
    writer are removed: they were never visible under a final name. Files under the tool's folders
    that the history does not record (written just before the kill, before the history entry) are
    moved, not deleted, to ``.recovered/`` so nothing is lost and `verify` stays clean. Anything else
    at the top of the folder is left alone, the Windows lock file ``.lock`` (``workflow.records.locking``)
    included: it is held open by the caller and must survive.
    """
    import json
    import shutil

    touched: list[Path] = []
    for tmp in folder.rglob(".*.tmp"):
        tmp.unlink(missing_ok=True)
        touched.append(tmp)
    for staging in list(folder.glob("mou-bag-*")) + list(folder.glob("mou-sign-*")):
        shutil.rmtree(staging, ignore_errors=True)
        touched.append(staging)
    log = folder / "history.jsonl"
    recorded: set[str] = set()
    if log.is_file():
        # one entry per b"\n"-ended line, as workflow.records.history writes it; str.splitlines would also cut
        # at U+2028, U+2029 and U+0085, which canonical JSON leaves unescaped inside a note
        for line in log.read_bytes().splitlines():
            try:
                recorded.update(_slashed(a["path"]) for a in json.loads(line).get("artifacts", []))
            except (ValueError, AttributeError, TypeError, KeyError):
                return touched  # a broken history is for `verify` to report, not for us to tidy around
    for sub in TOOL_DIRS:
        base = folder / sub
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            rel = path.relative_to(folder).as_posix()
            if path.is_file() and rel not in recorded and not _inside_recorded_bag(rel, recorded):
                target = folder / RECOVERED / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
                touched.append(path)
    return touched


def _slashed(recorded: str) -> str:
    """A recorded path with ``/`` between its parts, however it was written: on Windows ``str()`` of a
    relative path gives ``documents\\fgd\\...``. A no-op on POSIX, where ``\\`` may be part of a name."""
    return recorded.replace(os.sep, "/")


def _inside_recorded_bag(rel: str, recorded: set[str]) -> bool:
    """Files of an archive bag are recorded through the bag's manifests, not one by one."""
    parts = rel.split("/")
    return parts[0] == "archive" and len(parts) > 2 and f"archive/{parts[1]}/manifest-sha256.txt" in recorded


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` all at once: readers see the old file or the new, never half."""
    tmp = _temp_beside(path, data)
    try:
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def write_new(path: Path, data: bytes) -> None:
    """Create ``path`` with ``data`` atomically; raise FileExistsError rather than replace it."""
    tmp = _temp_beside(path, data)
    try:
        os.link(tmp, path)  # fails if the name exists: an earlier version is never replaced
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def _temp_beside(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
