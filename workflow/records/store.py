"""Where agreements live on disk, and the only code that writes there.

One small interface (``Store``) so that a shared database can later take the folder's place.
Every write is atomic (temporary file, fsync, rename or link) and never replaces an earlier version.
"""

from __future__ import annotations

import os
import re
import stat
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from workflow.errors import AgreementBusy, AgreementNotFound, InvalidSlug, MouError
from workflow.i18n import _
from workflow.records import locking
from workflow.records.files import fsync_dir
from workflow.records.files import write_atomic as write_atomic  # re-exported: writes outside the root (exports)
from workflow.records.files import write_new as write_new

AGREEMENT_FILE = "agreement.yaml"
_NOT_FILES = frozenset({"history.jsonl", "history.head", ".lock"})
"""Kept by the store itself, not files of the agreement (the history is read through ``history_bytes``)."""
_TEMPORARY = re.compile(r"^\..+\.tmp$")
_SLUG = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


CHECKPOINTS_DIR = ".checkpoints"
"""Where a folder store keeps its signed checkpoints (``workflow.commands.checkpoint``): never a slug."""
_CHECKPOINT_NAME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,99}$")


def check_checkpoint_name(name: str) -> str:
    """Return ``name`` if it can name a stored checkpoint (``2026-12-01T06-30-00Z.json``), else raise."""
    if not _CHECKPOINT_NAME.match(name) or ".." in name:
        raise MouError(
            _("{name} is not a checkpoint name (letters, digits, '.', '-' and '_'; e.g. 2026-12-01T06-30-00Z.json)").format(
                name=repr(name)
            )
        )
    return name


def checkpoint_order(name: str) -> tuple[str, int]:
    """Sort key of checkpoint names, oldest first: by the time they start with, then by the number a later one
    made in the same second carries (``2026-12-01T06-30-00Z.json``, then ``2026-12-01T06-30-00Z.2.json``)."""
    stem = name.removesuffix(".json")
    base, _, number = stem.rpartition(".")
    return (base, int(number)) if base and number.isdigit() else (stem, 1)


SHARED_DIR = ".mou"
"""Where a folder store keeps its shared (store-wide) data, such as the web's accounts: never a slug."""
_SHARED_NAME = re.compile(r"^[a-z][a-z0-9-]{0,40}$")


def check_shared_name(name: str) -> str:
    """Return ``name`` if it can name shared data of the store (``accounts``, ``web-secret``), else raise."""
    if not isinstance(name, str) or not _SHARED_NAME.fullmatch(name):
        raise MouError(
            _("{name} is not a name of shared data (a lowercase letter, then up to 40 lowercase letters, digits and '-')").format(
                name=repr(name)
            )
        )
    return name


_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def check_slug(slug: str) -> str:
    """Return ``slug`` if it is a plain folder name such as ``buton-bpjstk-2025``, else raise."""
    if not (3 <= len(slug) <= 64 and _SLUG.match(slug)) or slug.split("-")[0] in _WINDOWS_RESERVED:
        raise InvalidSlug(slug)
    return slug


@dataclass(frozen=True)
class Artifact:
    """A file the tool wrote for an agreement: its path inside the agreement (always with ``/``) and the
    SHA-256 of the bytes written, hashed from those bytes, never by reading the file back."""

    path: str
    sha256: str

    def recorded(self) -> dict[str, str]:
        """The form a history entry records it in."""
        return {"path": self.path, "sha256": self.sha256}


def _relative(rel: str) -> PurePosixPath:
    """A path inside an agreement's folder, given with ``/``; refuse one that climbs out or is absolute."""
    pure = PurePosixPath(rel.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or str(pure) in {".", ""}:
        raise MouError(_("{path} is not a path inside an agreement's folder").format(path=repr(rel)))
    return pure


class Store(ABC):
    """Where agreements live: the seam every command reads and writes through.

    ``FolderStore`` (the default: one folder per agreement) and the database stores (``SqliteStore``,
    ``PostgresStore`` in ``workflow.records``) implement the same methods, so commands never know which
    one they hold. ``open_store(url)`` (``workflow.records.stores``) picks one from what the user wrote.

    ``root`` is always a local folder: the folder store's own, or where a database store puts a copy of
    a file that an external program (LibreOffice) or a message needs as a path.
    """

    url: str
    """How the user names the store (a folder path or a URL without its password): for messages."""
    location: str
    """What ``open_store`` opens it again from, password included (a worker process of `render --all`)."""
    root: Path

    @abstractmethod
    def slugs(self) -> Iterator[str]:
        """Slugs of every agreement, sorted."""

    def agreement_file(self, slug: str) -> Path:
        """``agreement.yaml`` of an existing agreement, as a local path; AgreementNotFound if there is none."""
        if not self.exists(slug, AGREEMENT_FILE):
            raise AgreementNotFound(slug, self.where, list(self.slugs()))
        return self.path(slug, AGREEMENT_FILE)

    @property
    def where(self) -> Path:
        """What messages name as the store's place (the folder, or the URL as a path-like name)."""
        return self.root

    def folder(self, slug: str) -> Path:
        """The local folder of one agreement (the slug checked)."""
        return self.root / check_slug(slug)

    def documents_dir(self, slug: str, stage: str) -> Path:
        """Where the documents of one stage go by default."""
        return self.folder(slug) / "documents" / stage

    @abstractmethod
    def lock(self, slug: str, *, timeout: float = 30.0) -> AbstractContextManager[None]:
        """Hold the agreement's lock: one writer at a time, across processes and machines."""

    @abstractmethod
    def writing(self, slug: str) -> AbstractContextManager[None]:
        """Hold the lock for a whole command: what it writes is kept whole or not at all."""

    @abstractmethod
    def path(self, slug: str, rel: str = "") -> Path:
        """A local path of one file: for messages and for external programs that read it."""

    @abstractmethod
    def read(self, slug: str, rel: str) -> bytes:
        """The bytes of one file of the agreement."""

    @abstractmethod
    def exists(self, slug: str, rel: str) -> bool:
        """Whether the agreement has this file."""

    @abstractmethod
    def size(self, slug: str, rel: str) -> int:
        """The size of one file in bytes."""

    @abstractmethod
    def files(self, slug: str, under: str = "") -> list[str]:
        """Every file under one sub-folder of the agreement (all when ``under`` is empty), sorted, with ``/``."""

    def sha256(self, slug: str, rel: str) -> str:
        """SHA-256 of one file's bytes."""
        import hashlib

        return hashlib.sha256(self.read(slug, rel)).hexdigest()

    @abstractmethod
    def write(self, slug: str, rel: str, data: bytes) -> Artifact:
        """Create one file; raise FileExistsError rather than replace an earlier version."""

    @abstractmethod
    def replace(self, slug: str, rel: str, data: bytes) -> Artifact:
        """Replace one file at once (readers see the old bytes or the new): ``agreement.yaml`` only."""

    @abstractmethod
    def create(self, slug: str, data: bytes) -> Path:
        """Create a new agreement with ``data`` as its ``agreement.yaml``; AgreementExists if it is taken."""

    @abstractmethod
    def publish(self, slug: str, source: Path, rel: str) -> list[Artifact]:
        """Put a finished local folder at ``rel`` inside the agreement, all at once; never over an existing one."""

    def inputs(self, slug: str | None = None) -> bytes:
        """What a read-only view depends on, cheaply: the store's identity and every agreement's head
        (``heads``). ``slug`` names the agreement a view is about (checked to exist); the others count
        too (a guard may look at them). A memo key, never a proof: `verify` checks the content."""
        if slug is not None:
            self.agreement_file(slug)
        return "\n".join([self.identity, *(f"{name} {head}" for name, head in self.heads().items())]).encode()

    @property
    def identity(self) -> str:
        """Which store this is, the same from any working folder (a memo key)."""
        return self.location

    @abstractmethod
    def heads(self) -> dict[str, str]:
        """Per agreement, a short text that changes whenever its data or history does (a memo key, never a proof)."""

    def head(self, slug: str) -> str:
        """``heads()[slug]`` of one agreement ("" when there is none); stores answer it without the others."""
        return self.heads().get(slug, "")

    @abstractmethod
    def history(self, slug: str) -> list[dict[str, Any]]:
        """The agreement's history, every hash, the chain and the head checked."""

    @abstractmethod
    def history_bytes(self, slug: str) -> bytes:
        """The history exactly as stored: one canonical JSON line per entry, each ending in a newline."""

    def history_path(self, slug: str) -> Path:
        """The history as messages name it (``FILE:N: entry N: ...``)."""
        return self.folder(slug) / "history.jsonl"

    @abstractmethod
    def append(self, slug: str, entries: list[dict[str, Any]], entry: dict[str, Any]) -> dict[str, Any]:
        """Chain ``entry`` after ``entries``; call while ``writing``."""

    @abstractmethod
    def import_agreement(self, slug: str, files: Mapping[str, bytes], history: bytes) -> None:
        """Put a whole agreement (its files and its history's bytes, kept verbatim) at once; AgreementExists if taken."""

    # Signed checkpoints of the whole store (``workflow.commands.checkpoint``): each written once, never changed.

    @abstractmethod
    def put_checkpoint(self, name: str, data: bytes) -> None:
        """Keep one checkpoint under ``name``; raise FileExistsError rather than replace one."""

    @abstractmethod
    def checkpoints(self) -> list[str]:
        """The names of the stored checkpoints, oldest first (``checkpoint_order``)."""

    @abstractmethod
    def read_checkpoint(self, name: str) -> bytes:
        """The bytes of one stored checkpoint; FileNotFoundError if there is none of that name."""

    # Shared data of the whole store (the web's accounts, its secret): small, read whole, changed under a lock.

    @abstractmethod
    def read_shared(self, name: str) -> bytes | None:
        """The bytes kept under ``name`` (``check_shared_name``), or None if nothing is kept yet."""

    @abstractmethod
    def update_shared(self, name: str, change: Callable[[bytes | None], bytes]) -> bytes:
        """Replace the bytes under ``name`` with ``change(current)`` (None when there are none), atomically and
        under a store-wide lock on ``name``: two writers never lose each other's change. Returns the new bytes;
        if ``change`` raises, nothing is kept."""

    def close(self) -> None:  # noqa: B027 - a folder holds nothing open; database stores close connections
        """Let go of connections (database stores)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"


class FolderStore(Store):
    """A folder of agreements: ``ROOT/<slug>/agreement.yaml`` plus what the tool writes beside it.

    The one place that opens, writes, renames, lists or locks anything under the root: commands and
    documents go through these methods (``read``, ``write``, ``files``, ``append`` ...).
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.url = self.location = str(root)

    def folder(self, slug: str) -> Path:
        """The folder of one agreement (the slug is checked, and a symlink may not lead out of the root)."""
        path = self.root / check_slug(slug)
        if path.is_symlink() and not path.resolve().is_relative_to(self.root.resolve()):
            raise MouError(
                _("{path} is a link to {target}, outside {root}; agreements must live inside it").format(
                    path=path, target=path.resolve(), root=self.root
                )
            )
        return path

    def agreement_file(self, slug: str) -> Path:
        """``agreement.yaml`` of an existing agreement."""
        path = self.folder(slug) / AGREEMENT_FILE
        if not path.is_file():
            raise AgreementNotFound(slug, self.root, list(self.slugs()))
        return path

    def slugs(self) -> Iterator[str]:
        """Slugs of every agreement under the root, sorted."""
        return iter(name for name in self._names() if _is_file(os.path.join(self.root, name, AGREEMENT_FILE)))

    def _names(self) -> list[str]:
        """The names under the root that could be slugs, sorted."""
        try:
            return sorted(e.name for e in os.scandir(self.root) if _SLUG.match(e.name))
        except OSError:  # no root (yet), or not a folder
            return []

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

    # Files of one agreement, by their path inside its folder ("documents/fgd/x-v1.docx").

    def path(self, slug: str, rel: str = "") -> Path:
        """Where a file lives on disk: for messages, and for external programs (LibreOffice) that read it."""
        return self.folder(slug) / _relative(rel) if rel else self.folder(slug)

    def read(self, slug: str, rel: str) -> bytes:
        """The bytes of one file of the agreement."""
        return (self.folder(slug) / _relative(rel)).read_bytes()

    def size(self, slug: str, rel: str) -> int:
        """The size of one file in bytes."""
        return (self.folder(slug) / _relative(rel)).stat().st_size

    def exists(self, slug: str, rel: str) -> bool:
        """Whether the agreement has this file."""
        return (self.folder(slug) / _relative(rel)).is_file()

    def files(self, slug: str, under: str = "") -> list[str]:
        """Every file under one sub-folder of the agreement (all of it when ``under`` is empty), sorted, with ``/``."""
        folder = self.folder(slug)
        base = folder / _relative(under) if under else folder
        if not base.is_dir():
            return []
        found = (p.relative_to(folder).as_posix() for p in base.rglob("*") if p.is_file())
        return sorted(rel for rel in found if rel not in _NOT_FILES and not _TEMPORARY.match(rel.rsplit("/", 1)[-1]))

    def sha256(self, slug: str, rel: str) -> str:
        """SHA-256 of one file's bytes, read in chunks."""
        import hashlib

        h = hashlib.sha256()
        with (self.folder(slug) / _relative(rel)).open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()

    def write(self, slug: str, rel: str, data: bytes) -> Artifact:
        """Create one file atomically; raise FileExistsError rather than replace an earlier version."""
        import hashlib

        pure = _relative(rel)
        write_new(self.folder(slug) / pure, data)
        return Artifact(pure.as_posix(), hashlib.sha256(data).hexdigest())

    def replace(self, slug: str, rel: str, data: bytes) -> Artifact:
        """Replace one file atomically (readers see the old bytes or the new): ``agreement.yaml`` only."""
        import hashlib

        pure = _relative(rel)
        write_atomic(self.folder(slug) / pure, data)
        return Artifact(pure.as_posix(), hashlib.sha256(data).hexdigest())

    def create(self, slug: str, data: bytes) -> Path:
        """Create a new agreement with ``data`` as its ``agreement.yaml``; AgreementExists if it is taken."""
        from workflow.errors import AgreementExists

        target = self.folder(slug) / AGREEMENT_FILE
        if target.exists():
            raise AgreementExists(slug, self.root)
        try:
            write_new(target, data)
        except FileExistsError as err:
            raise AgreementExists(slug, self.root) from err
        return target

    def publish(self, slug: str, source: Path, rel: str) -> list[Artifact]:
        """Put a finished folder (built anywhere, e.g. a temporary folder) at ``rel`` inside the agreement.

        The folder is copied into a private staging folder beside its place (``mou-bag-*``, removed by
        ``recover`` if the writer is killed) and renamed into place all at once; an existing ``rel`` is
        never replaced. Returns an Artifact per file, hashed from the bytes copied.
        """
        import hashlib
        import shutil
        import tempfile  # only when writing: its import costs a cold `mou status` 4 ms

        target = self.folder(slug) / _relative(rel)
        if target.exists():
            raise FileExistsError(target)
        staging = Path(tempfile.mkdtemp(prefix="mou-bag-", dir=self.folder(slug)))
        try:
            out = []
            for path in sorted(p for p in source.rglob("*") if p.is_file()):
                inner = path.relative_to(source).as_posix()
                data = path.read_bytes()
                write_new(staging / inner, data)
                out.append(Artifact(f"{_relative(rel).as_posix()}/{inner}", hashlib.sha256(data).hexdigest()))
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(staging, target)
            fsync_dir(target.parent)
            return out
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    @property
    def identity(self) -> str:
        """The root, resolved: ``agreements`` seen from two folders are two stores."""
        return str(self.root.resolve())

    def heads(self) -> dict[str, str]:
        """Size, modification and change times and inode of each agreement's ``agreement.yaml``,
        ``history.jsonl`` and ``history.head`` (no file is read): any write changes the change time,
        which no user tool sets, so an edited, replaced or tampered file gives a new head. Sorted by slug.

        Plain ``os`` calls on text paths: over 1.000 agreements pathlib's objects cost more than the stats."""
        out = {}
        for name in self._names():
            head = _head(os.path.join(self.root, name))
            if head:
                out[name] = head
        return out

    def head(self, slug: str) -> str:
        return _head(os.path.join(self.root, slug)) if _SLUG.match(slug) else ""

    # The history: append-only, hash-chained (``workflow.records.history``).

    def history(self, slug: str) -> list[dict[str, Any]]:
        """The agreement's history, every hash, the chain and the head checked."""
        from workflow.records import history

        return history.check_chain(self.folder(slug))

    def history_path(self, slug: str) -> Path:
        """The history file, for messages (``FILE:N: entry N: ...``)."""
        from workflow.records.history import HISTORY_FILE

        return self.folder(slug) / HISTORY_FILE

    def append(self, slug: str, entries: list[dict[str, Any]], entry: dict[str, Any]) -> dict[str, Any]:
        """Chain ``entry`` after ``entries``; call while ``writing``."""
        from workflow.records import history

        return history.append(self.folder(slug), entries, entry)

    def history_bytes(self, slug: str) -> bytes:
        """``history.jsonl`` as it is (empty before the first entry)."""
        from workflow.records.history import HISTORY_FILE

        path = self.folder(slug) / HISTORY_FILE
        return path.read_bytes() if path.is_file() else b""

    def import_agreement(self, slug: str, files: Mapping[str, bytes], history: bytes) -> None:
        """Build the agreement's folder in a staging folder under the root and rename it into place."""
        import json
        import shutil
        import tempfile

        from workflow.errors import AgreementExists
        from workflow.records.history import HEAD_FILE, HISTORY_FILE, canonical

        target = self.folder(slug)
        if target.exists():
            raise AgreementExists(slug, self.root)
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".mou-import-{slug}-", dir=self.root))
        try:
            for rel, data in files.items():
                write_new(staging / _relative(rel), data)
            if history:
                write_new(staging / HISTORY_FILE, history)
                last = json.loads(history.rstrip(b"\n").rsplit(b"\n", 1)[-1])
                head = canonical({"seq": last["seq"], "hash": last["hash"]}) + "\n"
                write_new(staging / HEAD_FILE, head.encode())
            try:
                os.rename(staging, target)  # fails if the folder appeared meanwhile: nothing is merged
            except OSError as err:
                raise AgreementExists(slug, self.root) from err
            fsync_dir(self.root)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    # Signed checkpoints: ``ROOT/.checkpoints/<name>`` (a dot folder, so never taken for an agreement).

    def put_checkpoint(self, name: str, data: bytes) -> None:
        """Create ``ROOT/.checkpoints/NAME`` atomically; raise FileExistsError rather than replace it."""
        write_new(self.root / CHECKPOINTS_DIR / check_checkpoint_name(name), data)

    def checkpoints(self) -> list[str]:
        """The names of the files in ``ROOT/.checkpoints/``, oldest first (a writer's temporary files left out)."""
        folder = self.root / CHECKPOINTS_DIR
        if not folder.is_dir():
            return []
        names = (p.name for p in folder.iterdir() if p.is_file() and _CHECKPOINT_NAME.match(p.name))
        return sorted(names, key=checkpoint_order)

    def read_checkpoint(self, name: str) -> bytes:
        """The bytes of ``ROOT/.checkpoints/NAME``."""
        return (self.root / CHECKPOINTS_DIR / check_checkpoint_name(name)).read_bytes()

    # Shared data: ``ROOT/.mou/<name>`` (a dot folder, mode 0700; files 0600: they may hold password hashes).

    def read_shared(self, name: str) -> bytes | None:
        """The bytes of ``ROOT/.mou/NAME`` (replaced atomically, so never half), or None if there is none."""
        try:
            return (self.root / SHARED_DIR / check_shared_name(name)).read_bytes()
        except FileNotFoundError:
            return None

    def update_shared(self, name: str, change: Callable[[bytes | None], bytes], *, timeout: float = 30.0) -> bytes:
        """Under the lock ``ROOT/.mou/NAME.lock`` (``workflow.records.locking``), read ``ROOT/.mou/NAME``, apply
        ``change`` and replace the file atomically (a new file of mode 0600, fsynced, renamed into place)."""
        folder = self._shared_folder()
        target = folder / check_shared_name(name)
        lock = folder / f"{name}.lock"  # a folder: POSIX locks it itself, Windows a ``.lock`` file inside it
        lock.mkdir(mode=0o700, exist_ok=True)
        fd = locking.acquire(lock, timeout)
        if fd is None:
            raise MouError(
                _("{name}: shared data of the store {store} stayed locked by another process for {seconds} s").format(
                    name=name, store=self.root, seconds=round(timeout)
                )
            )
        try:
            try:
                current: bytes | None = target.read_bytes()
            except FileNotFoundError:
                current = None
            data = change(current)
            if not isinstance(data, bytes):
                raise TypeError(f"update_shared({name!r}): the change returned {type(data).__name__}, not bytes")
            write_atomic(target, data)  # mkstemp makes it 0600, os.replace keeps the mode
            if os.name == "posix":
                os.chmod(target, 0o600)
            return data
        finally:
            locking.release(fd)

    def _shared_folder(self) -> Path:
        """``ROOT/.mou``, made if missing, mode 0700 (whatever the umask); a link there is refused."""
        folder = self.root / SHARED_DIR
        if folder.is_symlink():
            raise MouError(_("{path} is a link; the store's shared data must live in a folder of its own").format(path=folder))
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if os.name == "posix" and (folder.stat().st_mode & 0o777) != 0o700:
            os.chmod(folder, 0o700)
        return folder


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
    from workflow.records.history import repair_tail

    if repair_tail(folder):  # half a line of a killed append, never acknowledged by history.head
        touched.append(folder / "history.jsonl")
    log = folder / "history.jsonl"
    recorded: set[str] = set()
    if log.is_file():
        # one entry per b"\n"-ended line, as workflow.records.history writes it; str.splitlines would also cut
        # at U+2028, U+2029 and U+0085, which canonical JSON leaves unescaped inside a note
        for line in log.read_bytes().splitlines():
            try:
                recorded.update(slashed(a["path"]) for a in json.loads(line).get("artifacts", []))
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


def slashed(recorded: str) -> str:
    """A recorded path with ``/`` between its parts, however it was written: on Windows ``str()`` of a
    relative path gives ``documents\\fgd\\...``. A no-op on POSIX, where ``\\`` may be part of a name."""
    return recorded.replace(os.sep, "/")


def _inside_recorded_bag(rel: str, recorded: set[str]) -> bool:
    """Files of an archive bag are recorded through the bag's manifests, not one by one."""
    parts = rel.split("/")
    return parts[0] == "archive" and len(parts) > 2 and f"archive/{parts[1]}/manifest-sha256.txt" in recorded


def _head(folder: str) -> str:
    """The head of the agreement in ``folder`` (see ``FolderStore.heads``), "" when it has no agreement.yaml."""
    parts = []
    for file in (AGREEMENT_FILE, "history.jsonl", "history.head"):
        try:
            st = os.stat(os.path.join(folder, file))
        except OSError:
            if file == AGREEMENT_FILE:
                return ""
            parts.append("-")
            continue
        if file == AGREEMENT_FILE and not stat.S_ISREG(st.st_mode):
            return ""
        parts.append(f"{st.st_size}.{st.st_mtime_ns}.{st.st_ctime_ns}.{st.st_ino}")
    return " ".join(parts)


def _is_file(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
