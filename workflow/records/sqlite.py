"""One SQLite file for one office: ``sqlite:///srv/mou/mou.db`` (documents beside it, by content).

WAL journal (readers never wait for the writer), ``synchronous=FULL`` (a committed command survives a
power cut), ``BEGIN IMMEDIATE`` for a command's transaction. SQLite has one writer per database, so a
command on one agreement waits for a command on another: the right trade for one office without a
database administrator; PostgreSQL locks per agreement.

The documents (blobs) live in a folder beside the database, ``mou.db-blobs/ab/<sha256>``: the database
stays small and fast to back up, a blob is written once under its hash and never changed, and a
blob written by a command that then failed is only an unused file.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

from workflow.errors import AgreementBusy, StoreUnavailable
from workflow.i18n import _
from workflow.records.database import SCHEMA_VERSION, DatabaseStore, blob_name

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS agreements (
    slug TEXT PRIMARY KEY,
    head_seq INTEGER NOT NULL DEFAULT 0,
    head_hash TEXT NOT NULL,
    data_sha256 TEXT
);
CREATE TABLE IF NOT EXISTS history (
    slug TEXT NOT NULL REFERENCES agreements (slug),
    seq INTEGER NOT NULL,
    prev TEXT NOT NULL,
    hash TEXT NOT NULL,
    line TEXT NOT NULL,
    PRIMARY KEY (slug, seq)
);
CREATE TABLE IF NOT EXISTS files (
    slug TEXT NOT NULL REFERENCES agreements (slug),
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (slug, path)
);
CREATE TRIGGER IF NOT EXISTS history_never_changed BEFORE UPDATE ON history
BEGIN SELECT RAISE(ABORT, 'history entries are never changed'); END;
CREATE TRIGGER IF NOT EXISTS history_never_removed BEFORE DELETE ON history
BEGIN SELECT RAISE(ABORT, 'history entries are never removed'); END;
CREATE TRIGGER IF NOT EXISTS history_extends_the_head BEFORE INSERT ON history
BEGIN
    SELECT RAISE(ABORT, 'a history entry must extend the head of its agreement')
    WHERE NOT EXISTS (
        SELECT 1 FROM agreements a WHERE a.slug = NEW.slug AND a.head_seq + 1 = NEW.seq AND a.head_hash = NEW.prev
    )
    OR json_extract(NEW.line, '$.seq') IS NOT NEW.seq
    OR json_extract(NEW.line, '$.prev') IS NOT NEW.prev
    OR json_extract(NEW.line, '$.hash') IS NOT NEW.hash;
END;
CREATE TRIGGER IF NOT EXISTS history_moves_the_head AFTER INSERT ON history
BEGIN UPDATE agreements SET head_seq = NEW.seq, head_hash = NEW.hash WHERE slug = NEW.slug; END;
CREATE TRIGGER IF NOT EXISTS files_written_once BEFORE UPDATE ON files WHEN OLD.path <> 'agreement.yaml'
BEGIN SELECT RAISE(ABORT, 'files are written once'); END;
CREATE TRIGGER IF NOT EXISTS files_never_removed BEFORE DELETE ON files
BEGIN SELECT RAISE(ABORT, 'files are never removed'); END;
"""
_CHECKPOINTS = (
    "CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, data BLOB NOT NULL)",
    "CREATE TRIGGER IF NOT EXISTS checkpoints_never_changed BEFORE UPDATE ON checkpoints"
    " BEGIN SELECT RAISE(ABORT, 'checkpoints are never changed'); END",
    "CREATE TRIGGER IF NOT EXISTS checkpoints_never_removed BEFORE DELETE ON checkpoints"
    " BEGIN SELECT RAISE(ABORT, 'checkpoints are never removed'); END",
)
_SCHEMA += "".join(f"{statement};\n" for statement in _CHECKPOINTS)
_SHARED = ("CREATE TABLE IF NOT EXISTS shared (name TEXT PRIMARY KEY, data BLOB NOT NULL)",)
_SCHEMA += "".join(f"{statement};\n" for statement in _SHARED)


class SqliteStore(DatabaseStore):
    """Agreements in one SQLite file (see the module)."""

    checkpoint_schema = _CHECKPOINTS
    shared_schema = _SHARED

    def __init__(self, path: Path) -> None:
        super().__init__(f"sqlite://{path}" if path.is_absolute() else f"sqlite:{path}", "")
        self.location = self.url
        self.file = path
        self.blobs = path.with_name(path.name + "-blobs")
        self._db: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            if not self.file.parent.is_dir():
                raise StoreUnavailable(
                    _("{url}: the folder {folder} does not exist").format(url=self.url, folder=self.file.parent)
                )
            try:
                db = sqlite3.connect(self.file, timeout=30.0, isolation_level=None, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=FULL")
                db.execute("PRAGMA foreign_keys=ON")
                found = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE name IN ('meta', 'shared')")}
                if "meta" not in found:
                    version = f"INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '{SCHEMA_VERSION}');"
                    db.executescript("BEGIN IMMEDIATE;" + _SCHEMA + version + "COMMIT;")
                elif "shared" not in found:  # made before shared data existed: add the table now
                    try:
                        db.executescript("BEGIN IMMEDIATE;" + "".join(f"{s};" for s in _SHARED) + "COMMIT;")
                    except sqlite3.OperationalError:  # a read-only file: the first update_shared makes it
                        if db.in_transaction:
                            db.execute("ROLLBACK")
            except sqlite3.DatabaseError as err:
                raise StoreUnavailable(_("{url}: cannot open the database: {error}").format(url=self.url, error=err)) from err
            self._db = db
        return self._db

    def _begin_unit(self) -> None:
        self._begin_writing(_("the store"))

    def _begin_writing(self, slug: str) -> None:
        try:
            self._connection().execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            if "locked" in str(err) or "busy" in str(err):
                raise AgreementBusy(slug, 30.0) from err
            raise StoreUnavailable(f"{self.url}: {err}") from err

    def _commit(self) -> None:
        self._connection().execute("COMMIT")

    def _rollback(self) -> None:
        db = self._db
        if db is not None and db.in_transaction:
            db.execute("ROLLBACK")

    def _rows(self, query: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            return super()._rows(query, args)
        except sqlite3.IntegrityError as err:
            raise _refused(self.url, err) from err

    def _run(self, query: str, args: tuple[Any, ...] = ()) -> None:
        try:
            super()._run(query, args)
        except sqlite3.IntegrityError as err:
            raise _refused(self.url, err) from err

    def _has_table(self, name: str) -> bool:
        return self._one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)) is not None

    def blob_get(self, sha256: str) -> bytes:
        return (self.blobs / blob_name(sha256)).read_bytes()

    def blob_put(self, sha256: str, data: bytes) -> None:
        from workflow.records.files import write_new

        target = self.blobs / blob_name(sha256)
        if target.is_file():  # kept already: a blob is never rewritten (`verify` hashes what is there)
            return
        with contextlib.suppress(FileExistsError):  # another writer kept the same bytes just now
            write_new(target, data)

    def close(self) -> None:
        if self._db is not None:
            self._rollback()
            self._db.close()
            self._db = None


def _refused(url: str, err: Exception) -> Exception:
    from workflow.errors import MouError

    return MouError(_("{url}: the database refused the change: {error}").format(url=url, error=err))
