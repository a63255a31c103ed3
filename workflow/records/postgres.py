"""Agreements in PostgreSQL, for many offices: ``postgresql://user@host/db`` (libpq conventions).

One transaction per command, a per-agreement advisory lock (two agreements never wait on each other),
and triggers that refuse to change or remove a history row or to add one that does not extend the head:
the database itself keeps the history append-only, whoever connects.

The documents (blobs) live in the database too, in ``blobs`` by SHA-256: offices on different machines
share nothing but the server, a command's documents commit or roll back with its entry, and one
``pg_dump`` (or a standby) holds everything. Documents of an agreement are megabytes, not gigabytes:
well within what ``bytea`` and TOAST handle.
"""

from __future__ import annotations

import re
from typing import Any

from workflow.errors import AgreementBusy, MouError, StoreUnavailable
from workflow.i18n import _
from workflow.records.database import SCHEMA_VERSION, DatabaseStore

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS agreements (
    slug text PRIMARY KEY,
    head_seq integer NOT NULL DEFAULT 0,
    head_hash text NOT NULL,
    data_sha256 text
);
CREATE TABLE IF NOT EXISTS history (
    slug text NOT NULL REFERENCES agreements (slug),
    seq integer NOT NULL,
    prev text NOT NULL,
    hash text NOT NULL,
    line text NOT NULL,
    PRIMARY KEY (slug, seq)
);
CREATE TABLE IF NOT EXISTS blobs (sha256 text PRIMARY KEY, data bytea NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    slug text NOT NULL REFERENCES agreements (slug),
    path text NOT NULL,
    sha256 text NOT NULL REFERENCES blobs (sha256),
    size bigint NOT NULL,
    PRIMARY KEY (slug, path)
);
CREATE OR REPLACE FUNCTION mou_history_extends_the_head() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head record;
    body jsonb;
BEGIN
    SELECT head_seq, head_hash INTO head FROM agreements WHERE slug = NEW.slug FOR UPDATE;
    IF NOT FOUND OR NEW.seq <> head.head_seq + 1 OR NEW.prev <> head.head_hash THEN
        RAISE EXCEPTION 'history entry % of % does not extend the head of its history', NEW.seq, NEW.slug;
    END IF;
    -- jsonb cannot hold U+0000, which canonical JSON writes as the escape \\u0000 (a note may carry it):
    -- only seq, prev and hash are read here, so that escape is read as another one (the line is kept as is)
    body := replace(NEW.line, chr(92) || 'u0000', chr(92) || 'u0020')::jsonb;
    IF body->>'hash' IS DISTINCT FROM NEW.hash OR body->>'prev' IS DISTINCT FROM NEW.prev
       OR (body->>'seq')::integer IS DISTINCT FROM NEW.seq THEN
        RAISE EXCEPTION 'history entry % of %: its line does not carry its seq, prev and hash', NEW.seq, NEW.slug;
    END IF;
    UPDATE agreements SET head_seq = NEW.seq, head_hash = NEW.hash WHERE slug = NEW.slug;
    RETURN NEW;
END $$;
CREATE OR REPLACE FUNCTION mou_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0];
END $$;
CREATE OR REPLACE TRIGGER history_extends_the_head BEFORE INSERT ON history
    FOR EACH ROW EXECUTE FUNCTION mou_history_extends_the_head();
CREATE OR REPLACE TRIGGER history_never_changed BEFORE UPDATE OR DELETE ON history
    FOR EACH ROW EXECUTE FUNCTION mou_refuse('history entries are never changed or removed');
CREATE OR REPLACE TRIGGER history_never_truncated BEFORE TRUNCATE ON history
    FOR EACH STATEMENT EXECUTE FUNCTION mou_refuse('history entries are never removed');
CREATE OR REPLACE TRIGGER files_written_once BEFORE UPDATE ON files
    FOR EACH ROW WHEN (OLD.path <> 'agreement.yaml') EXECUTE FUNCTION mou_refuse('files are written once');
CREATE OR REPLACE TRIGGER files_never_removed BEFORE DELETE ON files
    FOR EACH ROW EXECUTE FUNCTION mou_refuse('files are never removed');
CREATE OR REPLACE TRIGGER blobs_never_changed BEFORE UPDATE OR DELETE ON blobs
    FOR EACH ROW EXECUTE FUNCTION mou_refuse('stored documents are never changed or removed');
"""
_CHECKPOINTS = (
    "CREATE TABLE IF NOT EXISTS checkpoints (name text PRIMARY KEY, data bytea NOT NULL)",
    "CREATE OR REPLACE TRIGGER checkpoints_never_changed BEFORE UPDATE OR DELETE ON checkpoints"
    " FOR EACH ROW EXECUTE FUNCTION mou_refuse('checkpoints are never changed or removed')",
    "CREATE OR REPLACE TRIGGER checkpoints_never_truncated BEFORE TRUNCATE ON checkpoints"
    " FOR EACH STATEMENT EXECUTE FUNCTION mou_refuse('checkpoints are never removed')",
)
_SCHEMA += "".join(f"{statement};\n" for statement in _CHECKPOINTS)
_SHARED = ("CREATE TABLE IF NOT EXISTS shared (name text PRIMARY KEY, data bytea NOT NULL)",)
_SCHEMA += "".join(f"{statement};\n" for statement in _SHARED)
_SCHEMA_LOCK = 0x6D6F75  # "mou": two first connections do not both create the tables


class PostgresStore(DatabaseStore):
    """Agreements in a PostgreSQL database (see the module). Connects on first use."""

    mark = "%s"
    checkpoint_schema = (f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})", *_CHECKPOINTS)  # one first writer makes them
    shared_schema = (f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})", *_SHARED)

    def __init__(self, conninfo: str) -> None:
        super().__init__(redacted(conninfo), conninfo)
        self._db: Any = None
        self._open = False  # a transaction (a command's, or one write's) is open on the connection
        self._gone = False  # the connection was lost inside it: no new connection until it ends

    def _connection(self) -> Any:
        if self._db is None:
            import psycopg

            if self._gone:  # a fresh connection would write outside the lost transaction, unlocked
                raise StoreUnavailable(
                    _("lost the connection to the store {url} during the command; nothing of it was recorded").format(
                        url=self.url
                    )
                )

            try:
                db = psycopg.connect(self.location, autocommit=True, connect_timeout=10)
            except psycopg.Error as err:
                raise StoreUnavailable(
                    _("cannot connect to the store {url}: {reason}").format(url=self.url, reason=_reason(err))
                ) from err
            try:
                found = db.execute("SELECT to_regclass('meta') IS NOT NULL, to_regclass('shared') IS NOT NULL").fetchone()
                if found is None or found[0] is not True:
                    with db.transaction():
                        db.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                        db.execute(_SCHEMA)
                        db.execute(
                            "INSERT INTO meta (key, value) VALUES ('schema', %s) ON CONFLICT DO NOTHING", (SCHEMA_VERSION,)
                        )
                elif found[1] is not True:  # made before shared data existed: add the table now
                    try:
                        with db.transaction():
                            for statement in self.shared_schema:
                                db.execute(statement)
                    except psycopg.errors.InsufficientPrivilege:  # a role that may not create it: the first update_shared
                        pass
            except psycopg.Error as err:
                db.close()
                raise StoreUnavailable(
                    _("cannot prepare the store {url}: {reason}").format(url=self.url, reason=_reason(err))
                ) from err
            self._db = db
        return self._db

    def _call(self, query: str, args: tuple[Any, ...], fetch: bool) -> list[tuple[Any, ...]]:
        import psycopg

        try:
            cur = self._connection().execute(self._sql(query), args)
            return list(cur.fetchall()) if fetch else []
        except (psycopg.errors.RaiseException, psycopg.IntegrityError) as err:  # a trigger's or a constraint's refusal
            raise MouError(_("{url}: the database refused the change: {error}").format(url=self.url, error=_reason(err))) from err
        except psycopg.errors.LockNotAvailable as err:
            raise AgreementBusy(self._writing or _("the store"), 30.0) from err
        except psycopg.errors.IntegrityError as err:  # e.g. two writers adding the same file outside a command
            raise MouError(_("{url}: the database refused the change: {error}").format(url=self.url, error=_reason(err))) from err
        except (psycopg.OperationalError, psycopg.InterfaceError) as err:
            self._lost()
            raise StoreUnavailable(
                _("lost the connection to the store {url}: {reason}").format(url=self.url, reason=_reason(err))
            ) from err

    def _rows(self, query: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self._call(query, args, True)

    def _run(self, query: str, args: tuple[Any, ...] = ()) -> None:
        self._call(query, args, False)

    def _lost(self) -> None:
        db, self._db, self._writing = self._db, None, None
        self._gone = self._open
        if db is not None:
            db.close()

    def _begin_unit(self) -> None:
        self._run("BEGIN")
        self._open = True

    def _begin_writing(self, slug: str) -> None:
        self._begin_unit()
        try:
            self._run("SET LOCAL lock_timeout = '30s'")
            self._run("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (slug,))
        except AgreementBusy:
            self._rollback()
            raise AgreementBusy(slug, 30.0) from None
        except MouError:
            self._rollback()
            raise

    def _commit(self) -> None:
        """COMMIT, told apart: a connection lost now leaves the outcome unknown; an aborted transaction is refused."""
        import psycopg

        try:
            db = self._connection()  # StoreUnavailable when the connection was lost earlier in the command
            try:
                status = db.execute("COMMIT").statusmessage
            except (psycopg.OperationalError, psycopg.InterfaceError) as err:
                self._lost()
                raise StoreUnavailable(
                    _(
                        "lost the connection to the store {url} while committing ({reason}): the change may"
                        " have been recorded or not; look at the agreement's history once the store is back"
                    ).format(url=self.url, reason=_reason(err))
                ) from err
            except psycopg.Error as err:  # refused at commit (a deferred check, a serialization failure)
                raise MouError(
                    _("{url}: the database refused the change: {error}").format(url=self.url, error=_reason(err))
                ) from err
            if status != "COMMIT":  # PostgreSQL answers COMMIT of a failed transaction with ROLLBACK, not an error
                raise MouError(
                    _("{url}: the command's transaction had failed and was rolled back; nothing of it was recorded").format(
                        url=self.url
                    )
                )
        finally:
            self._open = self._gone = False

    def _rollback(self) -> None:
        self._open = self._gone = False
        if self._db is None:
            return
        import psycopg

        try:
            self._db.execute("ROLLBACK")
        except psycopg.Error:
            self._lost()

    def _lock_shared(self, name: str) -> None:
        """Wait (up to 30 s) for the transaction-scoped advisory lock on shared data ``name``: a key apart from
        the agreements' (``shared:`` before the name), so the lock on ``accounts`` never waits for an agreement."""
        self._run("SET LOCAL lock_timeout = '30s'")
        self._run("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"shared:{name}",))

    def _has_table(self, name: str) -> bool:
        row = self._one("SELECT to_regclass(%s) IS NOT NULL", (name,))
        return row is not None and row[0] is True

    def blob_get(self, sha256: str) -> bytes:
        row = self._one("SELECT data FROM blobs WHERE sha256 = %s", (sha256,))
        if row is None:
            raise FileNotFoundError(f"{self.url}: blob {sha256}")
        return bytes(row[0])

    def blob_put(self, sha256: str, data: bytes) -> None:
        self._run("INSERT INTO blobs (sha256, data) VALUES (%s, %s) ON CONFLICT DO NOTHING", (sha256, data))

    def close(self) -> None:
        if self._db is not None:
            self._rollback()
            if self._db is not None:
                self._db.close()
            self._db = None


def _reason(err: Exception) -> str:
    """The driver's message in one line, without libpq's 'connection to server at ... failed:' preamble."""
    text = "; ".join(part.strip() for part in str(err).splitlines() if part.strip())
    if "failed: " in text:
        text = text.rsplit("failed: ", 1)[-1]
    return text.replace("FATAL:  ", "").strip() or type(err).__name__


def redacted(url: str) -> str:
    """``url`` without its password, for messages: ``postgresql://mou:***@host/db``.

    The password may also be a query parameter (``?password=...``, libpq conventions): masked too.
    """
    url = re.sub(r"(?<=://)([^:/@]*):[^@/]*@", r"\1:***@", url)
    return re.sub(r"(?i)([?&]password=)[^&#]*", r"\1***", url)
