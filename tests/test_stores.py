"""One contract for every store (issue 17): the folder, SQLite and PostgreSQL pass the same tests.

The ``Store`` seam (create, read, write once, replace, publish, the history), a command as one
transaction, the database itself keeping the history append-only, `mou verify` catching tampering in
every backend, and the command line as a user meets it: `mou store copy` between backends byte for byte,
`mou data get/put`, and one-line errors for a store that cannot be reached, its password never shown.

PostgreSQL runs for real (``pg_cluster``/``pg_url`` in conftest.py); without its server binaries those
cases skip, like the demo-based ones without LibreOffice.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import cli
from tests.conftest import PROJECT, SLUG
from workflow.commands.stores import copy_agreements
from workflow.errors import AgreementExists, AgreementNotFound, MouError
from workflow.records.history import GENESIS, canonical
from workflow.records.store import AGREEMENT_FILE, FolderStore, Store
from workflow.records.stores import open_store
from workflow.shipped import examples

KINDS = ["folder", "sqlite", "postgresql"]
DATABASES = ["sqlite", "postgresql"]
TODAY = "2025-11-05"
OPD = "Dinas Tenaga Kerja Kabupaten Buton"
HUKUM = "Bagian Hukum Setda Kabupaten Buton"
OTHER = "kota-baubau-2026"
DOC = "documents/fgd/undangan-fgd-v1.docx"


# --- stores of each kind ------------------------------------------------------------------------------


def example_yaml() -> bytes:
    """The shipped example's agreement.yaml, as an installed mou finds it."""
    return (examples() / SLUG / AGREEMENT_FILE).read_bytes()


def new_url(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """How a user names a brand-new, empty store of ``kind`` (PostgreSQL: a fresh database of the cluster)."""
    if kind == "folder":
        return str(tmp_path / "agreements")
    if kind == "sqlite":
        return f"sqlite://{tmp_path / 'mou.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def any_store(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Store]:
    """An opened, empty store of each kind, fresh for each test."""
    with open_store(new_url(kind, tmp_path, request)) as store:
        yield store


@pytest.fixture(params=DATABASES)
def db_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An opened, empty database store (SQLite, PostgreSQL)."""
    with open_store(new_url(str(request.param), tmp_path, request)) as store:
        yield store


@pytest.fixture
def demo_agreements(demo_out: Path, tmp_path: Path) -> Path:
    """A private copy of the session's `mou demo` folder store (signed, archived, monitored)."""
    target = tmp_path / "demo-agreements"
    shutil.copytree(demo_out / "agreements", target)
    return target


@pytest.fixture
def demo_store(kind: str, demo_agreements: Path, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The location (password included) of a store of each kind holding the demo agreement."""
    if kind == "folder":
        return str(demo_agreements)
    url = new_url(kind, tmp_path, request)
    with open_store(url) as into:
        copy_agreements(FolderStore(demo_agreements), into)
    return url


def entry(n: int, note: str = "") -> dict[str, Any]:
    """A history entry as a command hands it to ``append`` (which adds seq, prev and hash)."""
    return {
        "ts": f"2025-06-{n:02d}T08:00:00Z",
        "actor": OPD,
        "role": "opd_teknis",
        "event": "log_meeting",
        "from": "implementation",
        "to": "implementation",
        "note": note or f"rapat {n}",
        "stage": None,
        "data": {},
        "data_sha256": GENESIS,
        "artifacts": [],
    }


def append(store: Store, slug: str, *notes: str) -> list[dict[str, Any]]:
    """One command appending an entry per note; the whole history after it."""
    with store.writing(slug):
        entries = store.history(slug)
        for note in notes:
            entries.append(store.append(slug, entries, entry(len(entries) + 1, note)))
    return entries


def lines(entries: list[dict[str, Any]]) -> bytes:
    """The canonical lines of ``entries``, as every backend must store them."""
    return b"".join((canonical(e) + "\n").encode("utf-8") for e in entries)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- 1. the contract -------------------------------------------------------------------------------------


def test_a_new_agreement_reads_back_as_written(any_store: Store) -> None:
    """create, then exists/read/size/sha256/files: the bytes given, and a local path holding them."""
    data = example_yaml()
    named = any_store.create(SLUG, data)
    assert named.parts[-2:] == (SLUG, AGREEMENT_FILE)  # a database store gives a name for messages, not a copy
    assert list(any_store.slugs()) == [SLUG]
    assert any_store.exists(SLUG, AGREEMENT_FILE) and not any_store.exists(SLUG, DOC)
    assert any_store.read(SLUG, AGREEMENT_FILE) == data
    assert any_store.size(SLUG, AGREEMENT_FILE) == len(data)
    assert any_store.sha256(SLUG, AGREEMENT_FILE) == sha(data)
    assert any_store.files(SLUG) == [AGREEMENT_FILE]
    assert any_store.files(SLUG, "documents") == []
    assert any_store.agreement_file(SLUG) == named
    assert any_store.path(SLUG, AGREEMENT_FILE).read_bytes() == data  # a local copy for external programs
    assert any_store.history(SLUG) == []
    assert any_store.history_bytes(SLUG) == b""


def test_a_file_is_written_once(any_store: Store) -> None:
    """write refuses an existing path (FileExistsError) and the first bytes stay; files(under) lists by folder."""
    any_store.create(SLUG, example_yaml())
    written = any_store.write(SLUG, DOC, b"first")
    assert (written.path, written.sha256) == (DOC, sha(b"first"))
    with pytest.raises(FileExistsError):
        any_store.write(SLUG, DOC, b"second")
    assert any_store.read(SLUG, DOC) == b"first"
    assert any_store.size(SLUG, DOC) == 5
    assert any_store.sha256(SLUG, DOC) == sha(b"first")

    every_byte = bytes(range(256)) * 3
    any_store.write(SLUG, "signed/kb/ttd-kb.pdf", every_byte)
    any_store.write(SLUG, "documents/kb/rancangan-kb-v1.docx", b"draft")
    assert any_store.read(SLUG, "signed/kb/ttd-kb.pdf") == every_byte
    assert any_store.files(SLUG) == [AGREEMENT_FILE, DOC, "documents/kb/rancangan-kb-v1.docx", "signed/kb/ttd-kb.pdf"]
    assert any_store.files(SLUG, "documents") == [DOC, "documents/kb/rancangan-kb-v1.docx"]
    assert any_store.files(SLUG, "documents/fgd") == [DOC]
    assert any_store.files(SLUG, "doc") == []  # a folder, not a prefix of names
    assert any_store.path(SLUG, DOC).read_bytes() == b"first"
    assert any_store.path(SLUG, "signed/kb/ttd-kb.pdf").read_bytes() == every_byte


def test_only_agreement_yaml_is_replaced(any_store: Store, kind: str) -> None:
    """replace gives the new bytes at once (the local copy too); a database store refuses any other file."""
    old = example_yaml()
    any_store.create(SLUG, old)
    local = any_store.path(SLUG, AGREEMENT_FILE)
    new = old.replace(b"venue: Ruang VVIP Kantor Bupati Buton", b"venue: Aula Kantor Bupati Buton")
    assert new != old
    replaced = any_store.replace(SLUG, AGREEMENT_FILE, new)
    assert (replaced.path, replaced.sha256) == (AGREEMENT_FILE, sha(new))
    assert any_store.read(SLUG, AGREEMENT_FILE) == new
    assert any_store.size(SLUG, AGREEMENT_FILE) == len(new)
    assert any_store.path(SLUG, AGREEMENT_FILE) == local and local.read_bytes() == new  # the local copy follows
    assert any_store.files(SLUG) == [AGREEMENT_FILE]

    any_store.write(SLUG, DOC, b"first")
    if kind != "folder":  # the folder store replaces any file it is asked to; only commands decide which
        with pytest.raises(MouError, match=r"only agreement\.yaml is ever replaced"):
            any_store.replace(SLUG, DOC, b"second")
        assert any_store.read(SLUG, DOC) == b"first"


def test_a_finished_folder_is_published_at_once(any_store: Store, tmp_path: Path) -> None:
    """publish puts a whole folder (an archive bag) under a new name, never over an existing one."""
    any_store.create(SLUG, example_yaml())
    bag = tmp_path / "bag"
    contents = {"bagit.txt": b"BagIt-Version: 1.0\n", "data/kb.pdf": b"%PDF-1.7 kb", "data/sub/notes.txt": "catatan ü\n".encode()}
    for rel, data in contents.items():
        (bag / rel).parent.mkdir(parents=True, exist_ok=True)
        (bag / rel).write_bytes(data)
    published = any_store.publish(SLUG, bag, "archive/kb-e1")
    expected = {f"archive/kb-e1/{rel}": sha(data) for rel, data in contents.items()}
    assert {a.path: a.sha256 for a in published} == expected
    assert any_store.files(SLUG, "archive") == sorted(expected)
    assert all(any_store.read(SLUG, f"archive/kb-e1/{rel}") == data for rel, data in contents.items())
    local = any_store.path(SLUG, "archive/kb-e1")
    assert (local / "data" / "sub" / "notes.txt").read_bytes() == contents["data/sub/notes.txt"]

    (bag / "extra.txt").write_bytes(b"late")
    with pytest.raises(FileExistsError):
        any_store.publish(SLUG, bag, "archive/kb-e1")
    assert any_store.files(SLUG, "archive") == sorted(expected)


NOTES = [
    "rapat koordinasi",
    'kutip "ganda", garis miring \\ dan tab\t',
    "baris\u2028pemisah\u2029paragraf\u0085",  # str.splitlines would cut here; the store must not
    "nol\x00bait",  # canonical JSON writes \u0000: PostgreSQL's jsonb cannot hold it, the line must still go in
    "Pekerja Rentan 🤝 Kabupaten Buton — ü",
]


def test_the_history_reads_back_line_for_line(any_store: Store) -> None:
    """Entries appended read back equal, and history_bytes is exactly their canonical lines, in every store."""
    any_store.create(SLUG, example_yaml())
    entries = append(any_store, SLUG, *NOTES[:3])
    entries = append(any_store, SLUG, *NOTES[3:])  # a second command continues the chain
    assert [e["seq"] for e in entries] == [1, 2, 3, 4, 5]
    assert [e["prev"] for e in entries] == [GENESIS] + [e["hash"] for e in entries[:-1]]
    assert [e["note"] for e in entries] == NOTES
    assert any_store.history(SLUG) == entries
    assert any_store.history_bytes(SLUG) == lines(entries)


def test_a_second_agreement_is_independent(any_store: Store) -> None:
    """Files and history of one agreement are not another's: the same path, its own chain from the start."""
    any_store.create(SLUG, example_yaml())
    any_store.create(OTHER, b"# another agreement\n")
    any_store.write(SLUG, DOC, b"first")
    ours = append(any_store, SLUG, "satu", "dua")
    assert list(any_store.slugs()) == [SLUG, OTHER]
    assert any_store.files(OTHER) == [AGREEMENT_FILE]
    assert any_store.history(OTHER) == [] and any_store.history_bytes(OTHER) == b""

    any_store.write(OTHER, DOC, b"first")  # the same path and bytes, in another agreement
    theirs = append(any_store, OTHER, "lain")
    assert theirs[0]["seq"] == 1 and theirs[0]["prev"] == GENESIS
    assert any_store.history(SLUG) == ours
    assert any_store.history_bytes(OTHER) == lines(theirs)
    assert any_store.read(OTHER, AGREEMENT_FILE) == b"# another agreement\n"
    assert any_store.read(SLUG, AGREEMENT_FILE) == example_yaml()


def test_an_unknown_agreement_is_named_with_the_known_ones(any_store: Store) -> None:
    any_store.create(SLUG, example_yaml())
    with pytest.raises(AgreementNotFound) as found:
        any_store.agreement_file("tidak-ada-2025")
    assert "tidak-ada-2025" in str(found.value) and SLUG in str(found.value)
    assert found.value.known == [SLUG]
    with pytest.raises(AgreementNotFound), any_store.writing("tidak-ada-2025"):
        pass


def test_an_agreement_is_created_once(any_store: Store) -> None:
    data = example_yaml()
    any_store.create(SLUG, data)
    with pytest.raises(AgreementExists, match=SLUG):
        any_store.create(SLUG, b"# taken\n")
    assert any_store.read(SLUG, AGREEMENT_FILE) == data
    assert list(any_store.slugs()) == [SLUG]


def test_an_imported_agreement_keeps_its_history_verbatim(any_store: Store, tmp_path: Path) -> None:
    """import_agreement (what `store copy` uses) keeps every byte, refuses a taken slug, and the chain goes on."""
    source = FolderStore(tmp_path / "source")
    source.create(SLUG, example_yaml())
    source.write(SLUG, DOC, b"first")
    entries = append(source, SLUG, *NOTES)
    files = {rel: source.read(SLUG, rel) for rel in source.files(SLUG)}
    raw = source.history_bytes(SLUG)

    any_store.import_agreement(SLUG, files, raw)
    assert any_store.history_bytes(SLUG) == raw
    assert any_store.history(SLUG) == entries
    assert {rel: any_store.read(SLUG, rel) for rel in any_store.files(SLUG)} == files
    with pytest.raises(AgreementExists):
        any_store.import_agreement(SLUG, {AGREEMENT_FILE: b"# other\n"}, b"")
    assert any_store.read(SLUG, AGREEMENT_FILE) == example_yaml()
    more = append(any_store, SLUG, "setelah pindah")
    assert more[-1]["seq"] == len(NOTES) + 1 and more[-1]["prev"] == entries[-1]["hash"]


def test_the_memo_key_follows_every_change(any_store: Store) -> None:
    """inputs() (what read-only views are remembered by) is stable while nothing changes, new after an entry
    or a new agreement.yaml, and refuses an unknown agreement."""
    any_store.create(SLUG, example_yaml())
    first = any_store.inputs(SLUG)
    assert any_store.inputs(SLUG) == first
    append(any_store, SLUG, "satu")
    second = any_store.inputs(SLUG)
    assert second != first
    any_store.replace(SLUG, AGREEMENT_FILE, example_yaml() + b"# diubah\n")
    assert any_store.inputs(SLUG) not in {first, second}
    with pytest.raises(AgreementNotFound):
        any_store.inputs("tidak-ada-2025")


# --- 2. one command, all or nothing --------------------------------------------------------------------


def test_a_failed_command_leaves_nothing(any_store: Store, kind: str) -> None:
    """A command that fails inside writing() leaves no file and no entry in a database store.

    The folder store keeps each write as it happens (the documented behaviour): the next writer's
    ``recover`` and `mou verify` deal with what a failed command left.
    """
    any_store.create(SLUG, example_yaml())
    with pytest.raises(RuntimeError, match="the command failed"), any_store.writing(SLUG):
        any_store.write(SLUG, DOC, b"first")
        any_store.append(SLUG, [], entry(1))
        raise RuntimeError("the command failed")
    if kind == "folder":
        assert any_store.read(SLUG, DOC) == b"first"
        assert len(any_store.history(SLUG)) == 1
        return
    assert not any_store.exists(SLUG, DOC)
    assert any_store.files(SLUG) == [AGREEMENT_FILE]
    assert any_store.history(SLUG) == [] and any_store.history_bytes(SLUG) == b""
    again = append(any_store, SLUG, "lagi")  # the store is fine afterwards: the next command starts the chain
    assert again[0]["seq"] == 1 and any_store.history_bytes(SLUG) == lines(again)


def test_another_connection_sees_a_command_whole_or_not_at_all(db_store: Store) -> None:
    """Another office reading the database sees nothing of a command until it commits, then all of it."""
    db_store.create(SLUG, example_yaml())
    with open_store(db_store.location) as other:
        with db_store.writing(SLUG):
            db_store.write(SLUG, DOC, b"first")
            done = db_store.append(SLUG, [], entry(1))
            assert not other.exists(SLUG, DOC)
            assert other.history(SLUG) == []
        assert other.read(SLUG, DOC) == b"first"
        assert other.history(SLUG) == [done]


# --- 3. append-only, kept by the database itself -----------------------------------------------------


class Raw:
    """A connection of the database's own driver, beside the store's: anyone who can reach the database."""

    def __init__(self, store: Store) -> None:
        if store.location.startswith("sqlite:"):
            self.db: Any = sqlite3.connect(store.location.removeprefix("sqlite://"), isolation_level=None)
            self.refused: type[Exception] = sqlite3.IntegrityError
            self.postgres = False
        else:
            import psycopg

            self.db = psycopg.connect(store.location, autocommit=True)
            self.refused = psycopg.errors.RaiseException
            self.postgres = True

    def run(self, sql: str, args: tuple[Any, ...] = ()) -> None:
        self.db.execute(sql.replace("?", "%s") if self.postgres else sql, args)

    def close(self) -> None:
        self.db.close()


def test_the_database_refuses_to_change_the_history(db_store: Store) -> None:
    """UPDATE, DELETE (and TRUNCATE on PostgreSQL) of history rows, or a row that does not extend the head,
    are refused by the database, whoever connects; a recorded file cannot be changed or removed either."""
    db_store.create(SLUG, example_yaml())
    db_store.write(SLUG, DOC, b"first")
    entries = append(db_store, SLUG, "satu", "dua")
    before = db_store.history_bytes(SLUG)
    raw = Raw(db_store)
    try:
        refusals = [
            ("UPDATE history SET line = replace(line, 'satu', 'SATU') WHERE slug = ? AND seq = 1", (SLUG,)),
            ("UPDATE history SET seq = seq + 10 WHERE slug = ?", (SLUG,)),
            ("DELETE FROM history WHERE slug = ? AND seq = 2", (SLUG,)),
            ("DELETE FROM history", ()),
            ("UPDATE files SET sha256 = ? WHERE slug = ? AND path = ?", (sha(b"forged"), SLUG, DOC)),
            ("DELETE FROM files WHERE slug = ? AND path = ?", (SLUG, DOC)),
        ]
        if raw.postgres:
            refusals.append(("TRUNCATE history", ()))
        # rows that do not extend the head: a fork from entry 1, a gap, a line that does not carry its columns
        fork = {**entry(3), "seq": 2, "prev": entries[0]["hash"]}
        gap = {**entry(4), "seq": 4, "prev": entries[1]["hash"]}
        stale = {**entry(3), "seq": 3, "prev": entries[0]["hash"]}
        lying = {**entry(3), "seq": 3, "prev": entries[1]["hash"]}
        insert = "INSERT INTO history (slug, seq, prev, hash, line) VALUES (?, ?, ?, ?, ?)"
        for row in (fork, gap, stale):
            row["hash"] = sha(canonical(row).encode())
            refusals.append((insert, (SLUG, row["seq"], row["prev"], row["hash"], canonical(row))))
        lying["hash"] = sha(canonical(lying).encode())
        refusals.append((insert, (SLUG, 3, lying["prev"], lying["hash"], canonical({**lying, "seq": 7}))))
        for sql, args in refusals:
            with pytest.raises(raw.refused):
                raw.run(sql, args)
    finally:
        raw.close()
    assert db_store.history_bytes(SLUG) == before
    assert db_store.history(SLUG) == entries
    assert db_store.read(SLUG, DOC) == b"first"


# --- 4. tampering, caught by `mou verify` in every backend ----------------------------------------------


def mou(*args: str, env: dict[str, str] | None = None) -> Result:
    """`mou ARGS...` through CliRunner (stderr kept apart), acting on TODAY."""
    return CliRunner().invoke(cli.main, list(args), env={"MOU_TODAY": TODAY, **(env or {})}, catch_exceptions=False)


def one_error(result: Result) -> str:
    """The one ``Error:`` line of a failed command (exit 1, no traceback, nothing else on stderr)."""
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: "), result.stderr
    return result.stderr


def tamper_history(location: str, seq: int) -> None:
    """Change one byte (a digit of the time) of history entry ``seq``, getting past the database's guards."""

    def altered(line: str) -> str:
        at = line.index('"ts":"') + len('"ts":"') + 18  # the last digit of the seconds
        return line[:at] + ("1" if line[at] != "1" else "2") + line[at + 1 :]

    if location.startswith("sqlite:"):
        db = sqlite3.connect(location.removeprefix("sqlite://"), isolation_level=None)
        (line,) = db.execute("SELECT line FROM history WHERE slug = ? AND seq = ?", (SLUG, seq)).fetchone()
        db.execute("DROP TRIGGER history_never_changed")
        db.execute("UPDATE history SET line = ? WHERE slug = ? AND seq = ?", (altered(line), SLUG, seq))
        db.close()
    elif location.startswith("postgresql:"):
        import psycopg

        with psycopg.connect(location, autocommit=True) as pg:
            row = pg.execute("SELECT line FROM history WHERE slug = %s AND seq = %s", (SLUG, seq)).fetchone()
            assert row is not None
            pg.execute("ALTER TABLE history DISABLE TRIGGER USER")
            pg.execute("UPDATE history SET line = %s WHERE slug = %s AND seq = %s", (altered(row[0]), SLUG, seq))
            pg.execute("ALTER TABLE history ENABLE TRIGGER USER")
    else:
        path = Path(location) / SLUG / "history.jsonl"
        text = path.read_bytes().decode("utf-8").split("\n")
        text[seq - 1] = altered(text[seq - 1])
        path.write_bytes("\n".join(text).encode("utf-8"))


def tamper_document(location: str, rel: str) -> None:
    """Change one byte of a recorded document where the store keeps its bytes."""
    with open_store(location) as store:
        digest = store.sha256(SLUG, rel)
    if location.startswith("sqlite:"):
        blob = Path(location.removeprefix("sqlite://") + "-blobs") / digest[:2] / digest
    elif location.startswith("postgresql:"):
        import psycopg

        with psycopg.connect(location, autocommit=True) as pg:
            pg.execute("SET session_replication_role = replica")  # as a superuser would, past the triggers
            pg.execute("UPDATE blobs SET data = overlay(data placing '\\x00'::bytea from 100) WHERE sha256 = %s", (digest,))
        return
    else:
        blob = Path(location) / SLUG / rel
    data = bytearray(blob.read_bytes())
    data[100] ^= 0xFF
    blob.write_bytes(bytes(data))


def history_name(location: str) -> str:
    """How `verify` names the agreement's history in its messages."""
    with open_store(location) as store:
        return str(store.history_path(SLUG))


def test_verify_names_an_altered_history_entry(demo_store: str) -> None:
    assert mou("--store", demo_store, "verify").exit_code == 0
    tamper_history(demo_store, 3)
    error = one_error(mou("--store", demo_store, "verify"))
    assert error == f"Error: {history_name(demo_store)}:3: entry 3: hash does not match its content (the entry was altered)\n"
    assert f"{SLUG}/history.jsonl:3: entry 3: " in error


def test_verify_names_an_altered_document(demo_store: str) -> None:
    with open_store(demo_store) as store:
        found = store.history(SLUG)
    recorded = [(n, a["path"], a["sha256"]) for n, e in enumerate(found, 1) for a in e["artifacts"]]
    shas = [s for _, _, s in recorded]
    # a document whose bytes no other entry records (a database keeps equal bytes once)
    n, rel = next((n, p) for n, p, s in recorded if p.startswith("documents/") and shas.count(s) == 1)
    assert mou("--store", demo_store, "verify").exit_code == 0
    tamper_document(demo_store, rel)
    error = one_error(mou("--store", demo_store, "verify"))
    assert error == f"Error: {history_name(demo_store)}:{n}: entry {n}: {rel} does not match its recorded SHA-256\n"


# --- 5. the command line, end to end ----------------------------------------------------------------------


def ok(result: Result) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout


def verified(location: str) -> None:
    """`mou verify` of every agreement of the store passes."""
    out = ok(mou("--store", location, "verify"))
    assert out.startswith(f"{SLUG}: ok - ") and all(": ok - " in line for line in out.splitlines()), out


def log_meeting(location: str, note: str) -> None:
    out = ok(mou("--store", location, "log", SLUG, "meeting", "--note", note, "--as", OPD))
    assert out.startswith(f"{SLUG}: meeting logged [entry "), out


def contents(location: str) -> tuple[bytes, dict[str, bytes]]:
    """Everything an agreement holds: its history's bytes and every file's."""
    with open_store(location) as store:
        return store.history_bytes(SLUG), {rel: store.read(SLUG, rel) for rel in store.files(SLUG)}


def test_store_copy_to_sqlite_then_a_command_there(demo_agreements: Path, tmp_path: Path) -> None:
    """A `mou demo` folder copied into SQLite verifies, takes a write command, and verifies again."""
    url = f"sqlite://{tmp_path / 'mou.db'}"
    out = ok(mou("--root", str(demo_agreements), "store", "copy", "--to", url))
    entries = FolderStore(demo_agreements).history_bytes(SLUG).count(b"\n")
    assert out.splitlines()[0].startswith(f"{SLUG}: {entries} entries, ")
    assert out.splitlines()[-1] == f"1 agreements copied from {demo_agreements} to {url}"
    verified(url)
    log_meeting(url, "rapat di SQLite")
    verified(url)
    raw, _ = contents(url)
    assert raw.startswith(FolderStore(demo_agreements).history_bytes(SLUG)) and raw.count(b"\n") == entries + 1


def test_store_copy_folder_postgresql_folder_is_byte_identical(demo_agreements: Path, tmp_path: Path, pg_url: str) -> None:
    """folder -> PostgreSQL -> a new folder keeps history.jsonl and every file byte for byte; a command on
    PostgreSQL appends one line that comes back to a folder as well; `mou verify` passes at each step."""
    folder = str(demo_agreements)
    log_meeting(folder, "rapat sebelum pindah")  # a command of today's code in the original folder
    verified(folder)
    original = contents(folder)

    out = ok(mou("--root", folder, "store", "copy", "--to", pg_url))
    assert pg_url not in out and ":***@" in out  # the URL is shown without its password
    verified(pg_url)
    assert contents(pg_url) == original

    back = tmp_path / "back"
    ok(mou("--store", pg_url, "store", "copy", "--to", str(back)))
    verified(str(back))
    assert (back / SLUG / "history.jsonl").read_bytes() == (demo_agreements / SLUG / "history.jsonl").read_bytes()
    assert (back / SLUG / "history.head").read_bytes() == (demo_agreements / SLUG / "history.head").read_bytes()
    assert contents(str(back)) == original

    log_meeting(pg_url, "rapat di PostgreSQL")
    verified(pg_url)
    again = tmp_path / "again"
    ok(mou("--store", pg_url, "store", "copy", "--to", str(again), SLUG))
    verified(str(again))
    raw = (again / SLUG / "history.jsonl").read_bytes()
    assert raw == contents(pg_url)[0]
    assert raw.startswith(original[0]) and raw.count(b"\n") == original[0].count(b"\n") + 1


def test_copy_into_a_store_that_has_the_agreement_changes_nothing(demo_store: str, demo_out: Path, tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(demo_out / "agreements", source)
    before = contents(demo_store)
    error = one_error(mou("--root", str(source), "store", "copy", "--to", demo_store))
    assert f"agreement '{SLUG}' already exists in " in error
    assert contents(demo_store) == before
    verified(demo_store)


def test_mou_store_names_the_store_and_root_cannot_join_it(demo_agreements: Path, tmp_path: Path) -> None:
    """MOU_STORE is the store of every command; --root on the command line wins; --store with --root is a usage error."""
    url = f"sqlite://{tmp_path / 'mou.db'}"
    ok(mou("--root", str(demo_agreements), "store", "copy", "--to", url))
    out = ok(mou("verify", env={"MOU_STORE": url}))
    assert out.startswith(f"{SLUG}: ok - ")
    empty = tmp_path / "empty"
    assert ok(mou("--root", str(empty), "list", env={"MOU_STORE": url})) == f"No agreements in {empty}.\n"
    both = mou("--store", url, "--root", str(demo_agreements), "verify")
    assert both.exit_code == 2
    assert "give --store or --root, not both" in both.stderr


def test_new_and_export_on_every_store(demo_store: str) -> None:
    """`mou new` names the store when the slug is taken and creates one from another; `mou export --jdih`
    without --out writes its listing beside the agreement (a database store: its local folder)."""
    with open_store(demo_store) as store:
        shown = store.url
    error = one_error(mou("--store", demo_store, "new", SLUG))
    assert error == f"Error: agreement '{SLUG}' already exists in {shown}; choose another slug\n"
    ok(mou("--store", demo_store, "new", OTHER, "--from", SLUG))
    assert mou("--store", demo_store, "data", "get", OTHER).stdout_bytes == contents(demo_store)[1][AGREEMENT_FILE]

    paths = [Path(line) for line in ok(mou("--store", demo_store, "export", SLUG, "--jdih")).splitlines()]
    assert [p.name for p in paths] == ["jdih.json", "jdih.csv"]
    assert json.loads(paths[0].read_text(encoding="utf-8"))[0]["status"]
    verified(demo_store)


# --- 6. mou data get / put ----------------------------------------------------------------------------------


def edited(raw: bytes, old: str, new: str) -> bytes:
    assert raw.count(old.encode()) == 1, old
    return raw.replace(old.encode(), new.encode())


def history_json(location: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(ok(mou("--store", location, "history", SLUG, "--json")))
    return found


def test_data_get_and_put(any_store: Store, tmp_path: Path) -> None:
    """data get prints agreement.yaml byte for byte; data put records the fields it changed; the same bytes: no change."""
    data = example_yaml()
    any_store.create(SLUG, data)
    where = any_store.location
    assert mou("--store", where, "data", "get", SLUG).stdout_bytes == data

    new = edited(data, "  date: 2025-05-28 ", "  date: 2025-05-27 ")
    new = edited(new, "    nomor:                            # BPJS", "    nomor: PKS/001/KC-BAUBAU/2025     # BPJS")
    file = tmp_path / "agreement.yaml"
    file.write_bytes(new)
    out = ok(mou("--store", where, "data", "put", SLUG, str(file), "--as", HUKUM, "--note", "nomor PKS"))
    assert out == f"{SLUG}: data replaced, entry 1: fgd.date, parties.partner.nomor\n"
    (recorded,) = history_json(where)
    assert recorded["event"] == "data" and recorded["data"] == {"fields": ["fgd.date", "parties.partner.nomor"]}
    assert recorded["actor"] == HUKUM and recorded["note"] == "nomor PKS" and recorded["data_sha256"] == sha(new)
    assert mou("--store", where, "data", "get", SLUG).stdout_bytes == new
    assert any_store.read(SLUG, f"data/{sha(new)}.yaml") == new  # the version the entry was recorded against
    verified(where)

    same = ok(mou("--store", where, "data", "put", SLUG, str(file), "--as", HUKUM))
    assert same == f"{SLUG}: no change (the file is the current data)\n"
    assert len(history_json(where)) == 1


BROKEN = {
    "yaml": ("  venue: Ruang VVIP Kantor Bupati Buton", '  venue: "Ruang VVIP Kantor Bupati Buton', "invalid YAML"),
    "schema": ("  date: 2025-05-28 ", "  date: 2025-13-45 ", "fgd.date: 2025-13-45 is not a day of the calendar"),
}


@pytest.mark.parametrize("problem", sorted(BROKEN))
def test_data_put_refuses_a_broken_file(any_store: Store, tmp_path: Path, problem: str) -> None:
    """A YAML or schema error is refused with exit 1 and a message naming the line; nothing changes."""
    data = example_yaml()
    any_store.create(SLUG, data)
    where = any_store.location
    old, new, says = BROKEN[problem]
    file = tmp_path / "agreement.yaml"
    file.write_bytes(edited(data, old, new))
    error = one_error(mou("--store", where, "data", "put", SLUG, str(file), "--as", HUKUM))
    assert says in error
    line = next(n for n, text in enumerate(data.decode().splitlines(), 1) if text.startswith(old))
    assert error.startswith(f"Error: {file}:{line}: "), error  # the file given, at the line changed
    assert mou("--store", where, "data", "get", SLUG).stdout_bytes == data
    assert history_json(where) == []
    assert any_store.files(SLUG) == [AGREEMENT_FILE]


# --- 7. a store that cannot be opened: one line, exit 1, no password --------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


UNREACHABLE: dict[str, tuple[Callable[[Any, Path], str], str]] = {
    # the URL (from the cluster, None for a case without PostgreSQL, and the test's folder), what the error says
    "wrong password": (
        lambda c, _: f"postgresql://mou:WRONG-{c.password}@127.0.0.1:{c.port}/postgres",
        'password authentication failed for user "mou"',
    ),
    "password in the query": (
        lambda c, _: f"postgresql://mou@127.0.0.1:{c.port}/postgres?password=WRONG-{c.password}",
        'password authentication failed for user "mou"',
    ),
    "no such database": (lambda c, _: c.url("tidak_ada"), 'database "tidak_ada" does not exist'),
    "nothing listens": (lambda c, _: f"postgresql://mou:{c.password}@127.0.0.1:{_free_port()}/postgres", "Connection refused"),
    "unknown scheme": (lambda c, _: "nosuch://x", "nosuch://x: unknown kind of store 'nosuch'"),
    "no such folder": (lambda c, tmp: f"sqlite://{tmp / 'tidak-ada' / 'x.db'}", "tidak-ada does not exist"),
}
NEEDS_POSTGRES = {"wrong password", "password in the query", "no such database", "nothing listens"}


@pytest.mark.parametrize("case", list(UNREACHABLE))
def test_a_store_that_cannot_be_opened_is_one_line(case: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    make, says = UNREACHABLE[case]
    cluster = request.getfixturevalue("pg_cluster") if case in NEEDS_POSTGRES else None
    error = one_error(mou("--store", make(cluster, tmp_path), "verify"))
    assert says in error
    if cluster is not None:
        assert cluster.password not in error
        assert error.startswith("Error: cannot connect to the store postgresql://mou")


def test_the_program_itself_prints_one_line_without_the_password(pg_cluster: Any) -> None:
    """The installed `mou`, as a user runs it: a wrong password is one line on stderr, exit 1, the password masked."""
    secret = f"WRONG-{pg_cluster.password}"
    url = f"postgresql://mou:{secret}@127.0.0.1:{pg_cluster.port}/postgres"
    program = PROJECT / ".venv" / "bin" / "mou"
    if not program.exists():
        pytest.skip("no .venv/bin/mou")
    done = subprocess.run([str(program), "--store", url, "list"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"Error: cannot connect to the store postgresql://mou:***@127.0.0.1:{pg_cluster.port}/postgres: "
        'password authentication failed for user "mou"'
    ]
    assert secret not in done.stderr
