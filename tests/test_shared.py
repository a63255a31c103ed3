"""Shared data of a store and the authenticated account of a history entry (issue 18, the web application).

``Store.read_shared``/``update_shared`` keep small store-wide data (the web's accounts, its secret) in
every backend: the folder's ``.mou/`` (0700, files 0600, never taken for an agreement), SQLite's and
PostgreSQL's ``shared`` table; an update is a read-modify-write that never loses a concurrent one.

An entry recorded under ``Settings.account`` carries ``"account": {"login", "via": "web", "v": 1}``;
`mou verify` accepts exactly that shape and refuses any other, naming the entry in one line, while every
history written before (by the command line) verifies unchanged.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import cli
import workflow
from tests.conftest import PROJECT, SLUG
from workflow.commands.stores import copy_agreements
from workflow.errors import MouError
from workflow.records import history
from workflow.records.store import SHARED_DIR, FolderStore, Store
from workflow.records.stores import open_store

KINDS = ["folder", "sqlite", "postgresql"]
OPD = "Dinas Tenaga Kerja Kabupaten Buton"


def new_url(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A brand-new, empty store of ``kind`` (PostgreSQL: a fresh database of the session's cluster)."""
    if kind == "folder":
        return str(tmp_path / "agreements")
    if kind == "sqlite":
        return f"sqlite://{tmp_path / 'mou.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def url(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    return new_url(kind, tmp_path, request)


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    with open_store(url) as opened:
        yield opened


def mou(*args: str) -> Result:
    return CliRunner().invoke(cli.main, list(args), catch_exceptions=False)


def bump(current: bytes | None) -> bytes:
    return str(int(current or b"0") + 1).encode()


# --- read and update, every backend ------------------------------------------------------------------------


def test_nothing_is_kept_until_the_first_update(store: Store) -> None:
    assert store.read_shared("accounts") is None


def test_update_returns_and_keeps_the_new_bytes(store: Store, url: str) -> None:
    seen: list[bytes | None] = []

    def change(current: bytes | None) -> bytes:
        seen.append(current)
        return (current or b"") + b"+"

    assert store.update_shared("accounts", change) == b"+"
    assert store.update_shared("accounts", change) == b"++"
    assert seen == [None, b"+"]
    assert store.read_shared("accounts") == b"++"
    with open_store(url) as again:  # another connection, another process would see the same
        assert again.read_shared("accounts") == b"++"


def test_bytes_are_kept_exactly_and_names_are_apart(store: Store) -> None:
    secret = secrets.token_bytes(32) + b"\x00\xff"
    store.update_shared("web-secret", lambda _old: secret)
    store.update_shared("accounts", lambda _old: b'{"v": 1}')
    assert store.read_shared("web-secret") == secret
    assert store.read_shared("accounts") == b'{"v": 1}'
    store.update_shared("accounts", lambda _old: b"")
    assert store.read_shared("accounts") == b""  # empty bytes are data, not "nothing kept"


def test_a_failed_change_keeps_nothing(store: Store) -> None:
    store.update_shared("accounts", lambda _old: b"before")

    def broken(_old: bytes | None) -> bytes:
        raise MouError("refused")

    with pytest.raises(MouError, match="refused"):
        store.update_shared("accounts", broken)
    assert store.read_shared("accounts") == b"before"
    assert store.update_shared("accounts", lambda old: (old or b"") + b"!") == b"before!"


@pytest.mark.parametrize("name", ["", "Accounts", "1st", "-x", "a" * 42, "../accounts", ".mou", "a b", "a_b", "akun\n"])
def test_a_name_outside_the_pattern_is_refused(store: Store, name: str) -> None:
    with pytest.raises(MouError, match="is not a name of shared data"):
        store.read_shared(name)
    with pytest.raises(MouError, match="is not a name of shared data"):
        store.update_shared(name, lambda _old: b"x")


def test_a_name_of_41_characters_is_taken(store: Store) -> None:
    name = "a" + "0" * 40
    assert store.update_shared(name, lambda _old: b"x") == b"x"
    assert store.read_shared(name) == b"x"


COUNTER = """
import sys
from workflow.records.stores import open_store

def bump(current):
    return str(int(current or b"0") + 1).encode()

with open_store(sys.argv[1]) as store:
    for _ in range(int(sys.argv[2])):
        store.update_shared("counter", bump)
"""


def test_concurrent_updates_never_lose_one(store: Store, url: str) -> None:
    """8 processes each incrementing a counter 50 times: exactly 400, on every backend."""
    store.update_shared("counter", lambda _old: b"0")
    procs = [
        subprocess.Popen([sys.executable, "-c", COUNTER, url, "50"], cwd=PROJECT, stderr=subprocess.PIPE, text=True)
        for _ in range(8)
    ]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, errors
    assert store.read_shared("counter") == b"400"


# --- where the folder keeps it -------------------------------------------------------------------------------


def test_the_folder_keeps_it_private(tmp_path: Path) -> None:
    """``ROOT/.mou`` is 0700 and its files 0600 whatever the umask: they hold password hashes."""
    root = tmp_path / "agreements"
    old = os.umask(0o022)
    try:
        FolderStore(root).update_shared("accounts", lambda _old: b"{}")
        FolderStore(root).update_shared("web-secret", lambda _old: b"s" * 32)
    finally:
        os.umask(old)
    folder = root / SHARED_DIR
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "accounts").stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "web-secret").stat().st_mode) == 0o600
    assert (folder / "accounts").read_bytes() == b"{}"
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]  # no writer's leftovers


def test_a_loose_folder_is_made_private_again(tmp_path: Path) -> None:
    root = tmp_path / "agreements"
    (root / SHARED_DIR).mkdir(parents=True, mode=0o755)
    os.chmod(root / SHARED_DIR, 0o755)
    FolderStore(root).update_shared("accounts", lambda _old: b"{}")
    assert stat.S_IMODE((root / SHARED_DIR).stat().st_mode) == 0o700


def test_dot_mou_is_never_an_agreement(root: Path) -> None:
    """`mou list`, `slugs()`, the memo heads and `mou verify` of the whole store never see ``.mou``."""
    store = FolderStore(root)
    store.update_shared("accounts", lambda _old: b'{"v": 1, "accounts": {}}')
    store.update_shared("web-secret", lambda _old: secrets.token_bytes(32))
    assert list(store.slugs()) == [SLUG]
    assert list(store.heads()) == [SLUG]
    listed = mou("--root", str(root), "list")
    assert listed.exit_code == 0, listed.stderr
    assert ".mou" not in listed.stdout and SLUG in listed.stdout
    checked = mou("--root", str(root), "verify")
    assert checked.exit_code == 0, checked.stderr
    assert ".mou" not in checked.stdout + checked.stderr


# --- databases: the ``shared`` table ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_database_made_before_shared_data_gets_the_table_on_open(url: str, kind: str) -> None:
    with open_store(url) as first:
        first.create(SLUG, b"x: 1\n")
    drop_shared(url)  # as a database made before issue 18
    with open_store(url) as opened:
        assert list(opened.slugs()) == [SLUG]
        assert table_exists(url)  # opening alone made it
        assert opened.read_shared("accounts") is None
        assert opened.update_shared("accounts", lambda _old: b"{}") == b"{}"
    with open_store(url) as again:
        assert again.read_shared("accounts") == b"{}"


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_update_shared_inside_a_command_is_part_of_its_transaction(url: str, kind: str) -> None:
    """Inside ``writing`` the change commits or rolls back with the command."""
    with open_store(url) as store:
        store.create(SLUG, b"x: 1\n")
        with pytest.raises(RuntimeError), store.writing(SLUG):
            store.update_shared("accounts", lambda _old: b"lost")
            raise RuntimeError("the command failed")
        assert store.read_shared("accounts") is None
        with store.writing(SLUG):
            store.update_shared("accounts", lambda _old: b"kept")
        assert store.read_shared("accounts") == b"kept"


def drop_shared(url: str) -> None:
    if url.startswith("sqlite:"):
        db = sqlite3.connect(url.removeprefix("sqlite://"), isolation_level=None)
        db.execute("DROP TABLE shared")
        db.close()
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as pg:
        pg.execute("DROP TABLE shared")


def table_exists(url: str) -> bool:
    if url.startswith("sqlite:"):
        db = sqlite3.connect(url.removeprefix("sqlite://"), isolation_level=None)
        found = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'shared'").fetchone()
        db.close()
        return found is not None
    import psycopg

    with psycopg.connect(url, autocommit=True) as pg:
        row = pg.execute("SELECT to_regclass('shared') IS NOT NULL").fetchone()
        return bool(row and row[0])


# --- who acted, authenticated: the ``account`` of an entry ---------------------------------------------------


@pytest.fixture
def example(kind: str, root: Path, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The location of a store of each kind holding the shipped example (no history yet)."""
    if kind == "folder":
        return str(root)
    target = new_url(kind, tmp_path, request)
    with open_store(target) as into:
        copy_agreements(FolderStore(root), into)
    return target


def log_meeting(location: str, note: str, account: str | None) -> dict[str, Any]:
    settings = workflow.Settings.from_environment().but(account=account)
    with open_store(location) as store, workflow.use_settings(settings):
        return workflow.log(store, SLUG, "meeting", actor=OPD, note=note)


def test_an_entry_made_through_the_web_carries_the_account(example: str) -> None:
    web = log_meeting(example, "lewat web", "hukum")
    cli_entry = log_meeting(example, "lewat baris perintah", None)
    assert web["account"] == {"login": "hukum", "via": "web", "v": 1}
    assert set(web) == {*history.FIELDS, "account"}
    assert set(cli_entry) == set(history.FIELDS)  # the command line records exactly today's fields
    checked = mou("--store", example, "verify")
    assert checked.exit_code == 0, checked.stderr
    assert checked.stdout.startswith(f"{SLUG}: ok - 2 entries")
    shown = mou("--store", example, "history", SLUG)
    assert shown.exit_code == 0, shown.stderr
    first, third = shown.stdout.splitlines()[0], shown.stdout.splitlines()[2]
    assert first.endswith(f"{OPD} (opd_teknis) [web: hukum]"), first
    assert third.endswith(f"{OPD} (opd_teknis)"), third
    as_json = json.loads(mou("--store", example, "history", SLUG, "--json").stdout)
    assert as_json[0]["account"] == {"login": "hukum", "via": "web", "v": 1} and "account" not in as_json[1]


def test_the_history_names_the_account_in_indonesian_too(root: Path) -> None:
    log_meeting(str(root), "x", "siti.hukum")
    shown = CliRunner().invoke(cli.main, ["--root", str(root), "history", SLUG], env={"MOU_LANG": "id"})
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.splitlines()[0].endswith("(opd_teknis) [web: siti.hukum]")


def test_an_empty_login_is_never_recorded(root: Path) -> None:
    with pytest.raises(MouError, match="account: expected exactly login"):
        log_meeting(str(root), "x", "")
    assert FolderStore(root).history(SLUG) == []


TAMPERED = {
    "an extra key": {"login": "hukum", "via": "web", "v": 1, "admin": True},
    "v=2": {"login": "hukum", "via": "web", "v": 2},
    "an empty login": {"login": "", "via": "web", "v": 1},
    "v=true": {"login": "hukum", "via": "web", "v": True},
    "via cli": {"login": "hukum", "via": "cli", "v": 1},
    "a login that is a number": {"login": 7, "via": "web", "v": 1},
    "not an object": "hukum",
}


@pytest.mark.parametrize("case", list(TAMPERED))
def test_a_tampered_account_fails_verify_naming_the_entry(root: Path, case: str) -> None:
    """Rewritten with fresh hashes and head, so only the shape of ``account`` is wrong: one line, entry 2."""
    for n in range(3):
        log_meeting(str(root), f"rapat {n}", "hukum")
    rewrite(root / SLUG, 2, lambda entry: {**entry, "account": TAMPERED[case]})
    result = mou("--root", str(root), "verify", SLUG)
    assert result.exit_code == 1, result.stdout
    path = root / SLUG / history.HISTORY_FILE
    assert result.stderr.startswith(f"Error: {path}:2: entry 2: account: expected exactly login"), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_an_account_on_an_entry_with_another_field_missing_is_refused(root: Path) -> None:
    log_meeting(str(root), "x", "hukum")
    rewrite(root / SLUG, 1, lambda entry: {k: v for k, v in entry.items() if k != "stage"})
    result = mou("--root", str(root), "verify", SLUG)
    assert result.exit_code == 1
    assert ":1: entry 1: expected an object with exactly the fields seq, ts, actor" in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_tampered_account_in_a_database_fails_verify(tmp_path: Path, root: Path) -> None:
    target = f"sqlite://{tmp_path / 'mou.db'}"
    with open_store(target) as into:
        copy_agreements(FolderStore(root), into)
    log_meeting(target, "x", "hukum")
    db = sqlite3.connect(target.removeprefix("sqlite://"), isolation_level=None)
    (line,) = db.execute("SELECT line FROM history WHERE slug = ? AND seq = 1", (SLUG,)).fetchone()
    entry = json.loads(line)
    entry["account"]["v"] = 2
    entry["hash"] = history.entry_hash(entry)
    db.execute("DROP TRIGGER history_never_changed")
    db.execute(
        "UPDATE history SET line = ?, hash = ? WHERE slug = ? AND seq = 1", (history.canonical(entry), entry["hash"], SLUG)
    )
    db.execute("UPDATE agreements SET head_hash = ? WHERE slug = ?", (entry["hash"], SLUG))
    db.close()
    result = mou("--store", target, "verify", SLUG)
    assert result.exit_code == 1
    with open_store(target) as store:
        name = store.history_path(SLUG)
    assert result.stderr.startswith(f"Error: {name}:1: entry 1: account: expected exactly login"), result.stderr
    assert result.stderr.count("\n") == 1


def rewrite(folder: Path, seq: int, change: Any) -> None:
    """Change entry ``seq`` and re-chain every entry from it (fresh hashes, a new head): a careful forger."""
    path = folder / history.HISTORY_FILE
    entries = [json.loads(line) for line in path.read_bytes().splitlines()]
    entries[seq - 1] = change(entries[seq - 1])
    prev = entries[seq - 2]["hash"] if seq > 1 else history.GENESIS
    for entry in entries[seq - 1 :]:
        entry["prev"] = prev
        entry["hash"] = prev = history.entry_hash(entry)
    path.write_bytes(b"".join((history.canonical(e) + "\n").encode() for e in entries))
    head = history.canonical({"seq": entries[-1]["seq"], "hash": entries[-1]["hash"]}) + "\n"
    (folder / history.HEAD_FILE).write_bytes(head.encode())


def test_the_demo_history_verifies_unchanged(demo_out: Path, tmp_path: Path) -> None:
    """A history written before the field existed (the demo's, every entry by the command line) is untouched."""
    import shutil

    agreements = tmp_path / "agreements"
    shutil.copytree(demo_out / "agreements", agreements)
    before = (agreements / SLUG / history.HISTORY_FILE).read_bytes()
    assert b'"account"' not in before
    result = mou("--root", str(agreements), "verify")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"{SLUG}: ok - ")
    assert (agreements / SLUG / history.HISTORY_FILE).read_bytes() == before
