"""What the SQLite and PostgreSQL stores share: the tables, the write path and the local copies.

The shape is the folder's, kept by a database:

- ``agreements``: one row per agreement, with the head of its history (``head_seq``, ``head_hash``, the
  database's ``history.head``) and the SHA-256 of its current ``agreement.yaml``;
- ``history``: one row per entry, holding the entry's canonical JSON line *verbatim*, so the bytes of a
  history are the same in every store and ``mou verify`` checks them with the same code. Triggers
  refuse to change or remove a row and refuse a row that does not extend the head;
- ``files``: every file of an agreement by its path (``documents/fgd/x-v1.docx``), naming its content by
  SHA-256; written once, except ``agreement.yaml``;
- blobs: the contents, by SHA-256 (where depends on the database: ``blob_get``/``blob_put``).
- ``checkpoints``: the store's signed checkpoints by name (``workflow.commands.checkpoint``); written once.
- ``shared``: the store's shared data by name (the web's accounts, its secret): the one table whose rows
  change, each change a read-modify-write in one transaction under a lock on the name.

A command's writes happen inside ``writing(slug)``: one transaction, holding the agreement's lock, so a
command applies whole or not at all. Outside it, each write is its own small transaction.
"""

from __future__ import annotations

import hashlib
import json
import os
from abc import abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from workflow.errors import AgreementExists, AgreementNotFound, MouError
from workflow.i18n import _
from workflow.records.store import (
    AGREEMENT_FILE,
    Artifact,
    Store,
    _relative,
    check_checkpoint_name,
    check_shared_name,
    check_slug,
    checkpoint_order,
)

SCHEMA_VERSION = "1"
GENESIS = "0" * 64


class DatabaseStore(Store):
    """A store kept by a database (see the module); subclasses speak SQLite or PostgreSQL.

    ``mark`` is the driver's parameter placeholder. Subclasses provide ``_connection()`` (connected, the
    schema in place), ``_begin_writing(slug)``, ``_commit()``, ``_rollback()``, ``blob_get``,
    ``blob_put`` and ``_translate(err)`` (a driver error as a one-line MouError, or None).
    """

    mark = "?"

    def __init__(self, url: str, location: str) -> None:
        self.url, self.location = url, location
        self._writing: str | None = None
        self._local: Path | None = None

    # -- what subclasses provide -------------------------------------------------------------------

    @abstractmethod
    def _connection(self) -> Any:
        """The open connection (opened on first use, the schema created if missing)."""

    @abstractmethod
    def _begin_writing(self, slug: str) -> None:
        """Start the command's transaction and take the agreement's lock (AgreementBusy after 30 s)."""

    @abstractmethod
    def _commit(self) -> None: ...

    @abstractmethod
    def _rollback(self) -> None: ...

    @abstractmethod
    def blob_get(self, sha256: str) -> bytes:
        """The bytes stored under ``sha256`` (FileNotFoundError if none)."""

    @abstractmethod
    def blob_put(self, sha256: str, data: bytes) -> None:
        """Keep ``data`` under its SHA-256 (a no-op when it is already kept)."""

    checkpoint_schema: tuple[str, ...] = ()
    """The statements (also part of the schema) that make the ``checkpoints`` table and its triggers: run
    by the first checkpoint written to a database made before checkpoints existed."""

    shared_schema: tuple[str, ...] = ()
    """The statements (also part of the schema) that make the ``shared`` table: run when a database made
    before shared data existed is opened (or, if that was not allowed, by the first ``update_shared``)."""

    def _lock_shared(self, name: str) -> None:
        """Inside the unit's transaction, take the lock on shared data ``name`` (PostgreSQL: an advisory lock)."""

    @abstractmethod
    def _has_table(self, name: str) -> bool:
        """Whether the database has the table ``name``."""

    # -- SQL helpers ---------------------------------------------------------------------------------

    def _sql(self, query: str) -> str:
        return query.replace("?", self.mark) if self.mark != "?" else query

    def _rows(self, query: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        cur = self._connection().execute(self._sql(query), args)
        return list(cur.fetchall())

    def _one(self, query: str, args: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
        rows = self._rows(query, args)
        return rows[0] if rows else None

    def _run(self, query: str, args: tuple[Any, ...] = ()) -> None:
        self._connection().execute(self._sql(query), args)

    @contextmanager
    def _unit(self) -> Iterator[None]:
        """A write outside ``writing``: its own transaction. Inside, part of the command's."""
        if self._writing is not None:
            yield
            return
        self._begin_unit()
        try:
            yield
        except BaseException:
            self._rollback()
            raise
        self._commit()

    def _begin_unit(self) -> None:
        self._run("BEGIN")

    # -- the root: local copies for messages and external programs ---------------------------------

    @property
    def root(self) -> Path:
        """Where files are copied when a program needs a path: ``<cache>/stores/<hash of the store>/``."""
        if self._local is None:
            from workflow import config

            cache = config.current().cache
            name = hashlib.sha256(self.location.encode()).hexdigest()[:16]
            if cache is not None:
                self._local = cache / "stores" / name
            else:
                import tempfile

                self._local = Path(tempfile.gettempdir()) / f"mou-store-{os.getuid() if hasattr(os, 'getuid') else 0}-{name}"
        return self._local

    @root.setter
    def root(self, value: Path) -> None:
        self._local = value

    @property
    def where(self) -> Path:
        return Path(self.url)

    def path(self, slug: str, rel: str = "") -> Path:
        """A local copy of the file, written from the store (kept up to date); the folder when ``rel`` is empty."""
        folder = self.folder(slug)
        if not rel:
            folder.mkdir(parents=True, exist_ok=True)
            return folder
        pure = _relative(rel)
        target = folder / pure
        row = self._one("SELECT sha256 FROM files WHERE slug = ? AND path = ?", (slug, pure.as_posix()))
        if row is None:
            if self._under(slug, pure.as_posix()):  # a folder of the agreement (an archive bag)
                for inner in self.files(slug, pure.as_posix()):
                    self.path(slug, inner)
            return target
        data = self.blob_get(row[0])
        try:
            same = target.read_bytes() == data
        except OSError:
            same = False
        if not same:
            from workflow.records.files import write_atomic

            write_atomic(target, data)
        return target

    def history_path(self, slug: str) -> Path:
        return self.where / check_slug(slug) / "history.jsonl"

    # -- agreements and files ------------------------------------------------------------------------

    def slugs(self) -> Iterator[str]:
        return iter([r[0] for r in self._rows("SELECT slug FROM agreements ORDER BY slug")])

    def _known(self, slug: str) -> bool:
        return self._one("SELECT 1 FROM agreements WHERE slug = ?", (check_slug(slug),)) is not None

    def agreement_file(self, slug: str) -> Path:
        """The name messages give the agreement's data (``sqlite:///srv/mou.db/<slug>/agreement.yaml``):
        not a local file, so nobody edits a copy that the store would not see (`mou data put` changes it)."""
        if not self.exists(slug, AGREEMENT_FILE):
            raise AgreementNotFound(slug, self.url, list(self.slugs()))
        return self.where / check_slug(slug) / AGREEMENT_FILE

    def exists(self, slug: str, rel: str) -> bool:
        row = self._one("SELECT 1 FROM files WHERE slug = ? AND path = ?", (check_slug(slug), _relative(rel).as_posix()))
        return row is not None

    def _file(self, slug: str, rel: str) -> tuple[str, int]:
        pure = _relative(rel).as_posix()
        row = self._one("SELECT sha256, size FROM files WHERE slug = ? AND path = ?", (check_slug(slug), pure))
        if row is None:
            raise FileNotFoundError(f"{self.url}/{slug}/{pure}")
        return str(row[0]), int(row[1])

    def read(self, slug: str, rel: str) -> bytes:
        return self.blob_get(self._file(slug, rel)[0])

    def size(self, slug: str, rel: str) -> int:
        return self._file(slug, rel)[1]

    def _under(self, slug: str, under: str) -> bool:
        return bool(self.files(slug, under))

    def files(self, slug: str, under: str = "") -> list[str]:
        base = _relative(under).as_posix() + "/" if under else ""
        paths = [str(r[0]) for r in self._rows("SELECT path FROM files WHERE slug = ?", (check_slug(slug),))]
        return sorted(p for p in paths if p.startswith(base))

    def _insert_file(self, slug: str, rel: str, data: bytes) -> Artifact:
        pure = _relative(rel).as_posix()
        sha = hashlib.sha256(data).hexdigest()
        if self.exists(slug, pure):
            raise FileExistsError(f"{self.url}/{slug}/{pure}")
        self.blob_put(sha, data)
        self._run("INSERT INTO files (slug, path, sha256, size) VALUES (?, ?, ?, ?)", (slug, pure, sha, len(data)))
        return Artifact(pure, sha)

    def write(self, slug: str, rel: str, data: bytes) -> Artifact:
        with self._unit():
            if not self._known(slug):
                raise AgreementNotFound(slug, self.url, list(self.slugs()))
            return self._insert_file(slug, rel, data)

    def replace(self, slug: str, rel: str, data: bytes) -> Artifact:
        pure = _relative(rel).as_posix()
        if pure != AGREEMENT_FILE:
            raise MouError(
                _("{path}: only {file} is ever replaced; every other file is kept as written").format(
                    path=pure, file=AGREEMENT_FILE
                )
            )
        sha = hashlib.sha256(data).hexdigest()
        with self._unit():
            if not self._known(slug):
                raise AgreementNotFound(slug, self.url, list(self.slugs()))
            self.blob_put(sha, data)
            self._run("UPDATE files SET sha256 = ?, size = ? WHERE slug = ? AND path = ?", (sha, len(data), slug, pure))
            self._run("UPDATE agreements SET data_sha256 = ? WHERE slug = ?", (sha, slug))
        return Artifact(pure, sha)

    def create(self, slug: str, data: bytes) -> Path:
        check_slug(slug)
        with self._unit():
            if self._known(slug):
                raise AgreementExists(slug, self.url)
            self._run(
                "INSERT INTO agreements (slug, head_seq, head_hash, data_sha256) VALUES (?, 0, ?, ?)",
                (slug, GENESIS, hashlib.sha256(data).hexdigest()),
            )
            self._insert_file(slug, AGREEMENT_FILE, data)
        return self.where / slug / AGREEMENT_FILE

    def publish(self, slug: str, source: Path, rel: str) -> list[Artifact]:
        base = _relative(rel).as_posix()
        with self._unit():
            if not self._known(slug):
                raise AgreementNotFound(slug, self.url, list(self.slugs()))
            if self.files(slug, base) or self.exists(slug, base):
                raise FileExistsError(f"{self.url}/{slug}/{base}")
            return [
                self._insert_file(slug, f"{base}/{p.relative_to(source).as_posix()}", p.read_bytes())
                for p in sorted(p for p in source.rglob("*") if p.is_file())
            ]

    def heads(self) -> dict[str, str]:
        rows = self._rows("SELECT slug, head_seq, head_hash, data_sha256 FROM agreements ORDER BY slug")
        return {str(r[0]): f"{r[1]} {r[2]} {r[3]}" for r in rows}

    def head(self, slug: str) -> str:
        r = self._one("SELECT head_seq, head_hash, data_sha256 FROM agreements WHERE slug = ?", (slug,))
        return f"{r[0]} {r[1]} {r[2]}" if r else ""

    # -- the command's transaction ---------------------------------------------------------------------

    @contextmanager
    def lock(self, slug: str, *, timeout: float = 30.0) -> Iterator[None]:
        with self.writing(slug):
            yield

    @contextmanager
    def writing(self, slug: str) -> Iterator[None]:
        """One transaction for the whole command, under the agreement's lock; rolled back if it fails."""
        check_slug(slug)
        if self._writing is not None:
            raise MouError(_("{slug}: already writing {other} in this command").format(slug=slug, other=self._writing))
        self._begin_writing(slug)
        self._writing = slug
        try:
            if not self._known(slug):
                raise AgreementNotFound(slug, self.url, list(self.slugs()))
            yield
        except BaseException:
            self._writing = None
            self._rollback()
            raise
        self._writing = None
        self._commit()

    # -- the history ------------------------------------------------------------------------------------

    def history_bytes(self, slug: str) -> bytes:
        lines = self._rows("SELECT line FROM history WHERE slug = ? ORDER BY seq", (check_slug(slug),))
        return b"".join(str(r[0]).encode("utf-8") + b"\n" for r in lines)

    def history(self, slug: str) -> list[dict[str, Any]]:
        """The history and its head read by one statement (one snapshot, whatever a writer does meanwhile)."""
        from workflow.records import history

        rows = self._rows(
            "SELECT a.head_seq, a.head_hash, h.line FROM agreements a LEFT JOIN history h ON h.slug = a.slug"
            " WHERE a.slug = ? ORDER BY h.seq",
            (check_slug(slug),),
        )
        if not rows:
            raise AgreementNotFound(slug, self.url, list(self.slugs()))
        head = (int(rows[0][0]), str(rows[0][1])) if int(rows[0][0]) else None
        raw = b"".join(str(r[2]).encode("utf-8") + b"\n" for r in rows if r[2] is not None)
        return history.check_lines(self.history_path(slug), raw, head)

    def append(self, slug: str, entries: list[dict[str, Any]], entry: dict[str, Any]) -> dict[str, Any]:
        from workflow.records.history import canonical, entry_hash

        prev = entries[-1]["hash"] if entries else GENESIS
        entry = {**entry, "seq": len(entries) + 1, "prev": prev}
        entry["hash"] = entry_hash(entry)
        with self._unit():
            self._run(
                "INSERT INTO history (slug, seq, prev, hash, line) VALUES (?, ?, ?, ?, ?)",
                (slug, entry["seq"], prev, entry["hash"], canonical(entry)),
            )
        return entry

    def import_agreement(self, slug: str, files: Mapping[str, bytes], history: bytes) -> None:
        check_slug(slug)
        if AGREEMENT_FILE not in files:
            raise MouError(_("{slug}: no {file} to copy").format(slug=slug, file=AGREEMENT_FILE))
        with self._unit():
            if self._known(slug):
                raise AgreementExists(slug, self.url)
            self._run(
                "INSERT INTO agreements (slug, head_seq, head_hash, data_sha256) VALUES (?, 0, ?, ?)",
                (slug, GENESIS, hashlib.sha256(files[AGREEMENT_FILE]).hexdigest()),
            )
            for rel, data in sorted(files.items()):
                self._insert_file(slug, rel, data)
            for raw in history.split(b"\n")[:-1] if history else []:
                line = raw.decode("utf-8")
                fields = json.loads(line)
                self._run(
                    "INSERT INTO history (slug, seq, prev, hash, line) VALUES (?, ?, ?, ?, ?)",
                    (slug, fields["seq"], fields["prev"], fields["hash"], line),
                )

    # -- signed checkpoints: the ``checkpoints`` table, one row each, never changed or removed --------------

    def _checkpoint_table(self, *, create: bool) -> bool:
        """Whether the ``checkpoints`` table is there; with ``create``, make it if it is not (inside the unit)."""
        if self._has_table("checkpoints"):
            return True
        if create:
            for statement in self.checkpoint_schema:
                self._run(statement)
        return create

    def put_checkpoint(self, name: str, data: bytes) -> None:
        check_checkpoint_name(name)
        with self._unit():
            self._checkpoint_table(create=True)
            if self._one("SELECT 1 FROM checkpoints WHERE name = ?", (name,)) is not None:
                raise FileExistsError(f"{self.url}/.checkpoints/{name}")
            self._run("INSERT INTO checkpoints (name, data) VALUES (?, ?)", (name, data))

    def checkpoints(self) -> list[str]:
        if not self._checkpoint_table(create=False):
            return []
        return sorted((str(r[0]) for r in self._rows("SELECT name FROM checkpoints")), key=checkpoint_order)

    def read_checkpoint(self, name: str) -> bytes:
        check_checkpoint_name(name)
        found = self._checkpoint_table(create=False)
        row = self._one("SELECT data FROM checkpoints WHERE name = ?", (name,)) if found else None
        if row is None:
            raise FileNotFoundError(f"{self.url}/.checkpoints/{name}")
        return bytes(row[0])

    # -- shared data: the ``shared`` table, one row per name, changed under a lock -----------------------

    def read_shared(self, name: str) -> bytes | None:
        check_shared_name(name)
        if not self._has_table("shared"):
            return None
        row = self._one("SELECT data FROM shared WHERE name = ?", (name,))
        return None if row is None else bytes(row[0])

    def update_shared(self, name: str, change: Callable[[bytes | None], bytes]) -> bytes:
        check_shared_name(name)
        with self._unit():
            if not self._has_table("shared"):
                for statement in self.shared_schema:
                    self._run(statement)
            self._lock_shared(name)
            row = self._one("SELECT data FROM shared WHERE name = ?", (name,))
            data = change(None if row is None else bytes(row[0]))
            if not isinstance(data, bytes):
                raise TypeError(f"update_shared({name!r}): the change returned {type(data).__name__}, not bytes")
            self._run(
                "INSERT INTO shared (name, data) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET data = excluded.data",
                (name, data),
            )
        return data


def blob_name(sha256: str) -> PurePosixPath:
    """Where a blob lives in a folder of blobs: ``ab/abcdef...`` (256 sub-folders, none too large)."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise MouError(_("{value} is not a SHA-256").format(value=repr(sha256)))
    return PurePosixPath(sha256[:2]) / sha256
