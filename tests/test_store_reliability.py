"""Reliability of the database stores, measured as tests/test_reliability.py measures the folder store.

On SQLite and on a real PostgreSQL server (tests/pgcluster.py): real `mou --store URL` processes killed
at random moments, racing writers on one agreement, random byte changes in the stored history lines and
blobs, and (PostgreSQL) the server crashed with ``pg_ctl stop -m immediate`` during 100 concurrent
writes. The harnesses are slow (`make test-fast` leaves them out; CI runs them); the three checks of
how a PostgreSQL command ends when its connection is lost or its transaction failed are quick.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PROJECT, SLUG
from workflow.commands.demo import OPD
from workflow.commands.stores import copy_agreements
from workflow.commands.verify import verify
from workflow.records.store import FolderStore
from workflow.records.stores import open_store

ENV = {**os.environ, "PYTHONPATH": str(PROJECT), "MOU_ACTOR": OPD}


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store of each database kind: a SQLite file, or a fresh database on the session's server."""
    if request.param == "sqlite":
        return f"sqlite://{tmp_path / 'mou.db'}"
    return str(request.getfixturevalue("pg_url"))


def _filled(demo_out: Path, url: str) -> str:
    with open_store(url) as store:
        copy_agreements(FolderStore(demo_out / "agreements"), store)
    return url


@pytest.fixture
def demo_store(demo_out: Path, store_url: str) -> str:
    """The session's demo agreement (signed, archived, a quarter of monitoring) copied into the store."""
    return _filled(demo_out, store_url)


def _checked(url: str) -> Any:
    with open_store(url) as store:
        return verify(store, SLUG)


def _notes(url: str) -> list[str]:
    with open_store(url) as store:
        return [e["note"] for e in store.history(SLUG)]


def _mou(url: str, *args: str, env: dict[str, str] | None = None, **kw: Any) -> subprocess.Popen[bytes]:
    kw.setdefault("stdout", subprocess.DEVNULL)
    kw.setdefault("stderr", subprocess.DEVNULL)
    return subprocess.Popen([sys.executable, "-m", "cli", "--store", url, *args], cwd=PROJECT, env=env or ENV, **kw)


def _blob_temps(url: str) -> list[Path]:
    """Temporary files a killed SQLite writer left among the blobs (none for PostgreSQL: blobs are rows)."""
    if not url.startswith("sqlite:"):
        return []
    blobs = Path(url.removeprefix("sqlite://") + "-blobs")
    return [p for p in blobs.rglob("*") if p.name.endswith(".tmp")]


# ---------------------------------------------------------------- kills


@pytest.mark.slow
def test_fifty_kills_never_break_an_agreement(demo_out: Path, demo_store: str) -> None:
    """Real `mou --store URL` processes (render, advance, log, participants import, report) killed at random moments.

    After each kill the same command runs again to completion: then verify passes and the command applied
    once or twice, never half (its note is recorded by the killed run whole, or not at all).
    """
    url = demo_store
    rng = random.Random(20251117)
    listing = demo_out / "CONTOH-peserta-p3ke.csv"
    commands: dict[str, list[str]] = {
        "render": ["render", SLUG, "--stage", "fgd"],
        "advance": ["advance", SLUG, "record_monitoring", "--note", "{note}"],
        "log": ["log", SLUG, "meeting", "--note", "{note}"],
        "import": ["participants", "import", SLUG, str(listing), "--quiet"],
        "report": ["report", SLUG, "--period", "2025-Q3"],
    }
    names = list(commands)
    kills = dict.fromkeys(names, 0)
    duration = dict.fromkeys(names, 0.5)  # learned from each rerun, so kills land mid-command
    finished_first = rounds = 0
    with open_store(url) as store:
        before = len(store.history(SLUG))
    while sum(kills.values()) < 50:
        assert rounds < 250, f"only {sum(kills.values())} kills in {rounds} rounds"
        name = names[rounds % len(names)]
        note = f"{name}-{rounds}"
        args = [a.replace("{note}", note) for a in commands[name]]
        rounds += 1
        proc = _mou(url, *args)
        time.sleep(rng.uniform(0.2, 1.0) * duration[name])
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills[name] += 1
        else:
            finished_first += 1
        proc.wait()
        started = time.monotonic()
        rerun = _mou(url, *args, stderr=subprocess.PIPE)
        _, err = rerun.communicate(timeout=120)
        assert rerun.returncode == 0, (rounds, name, err)
        duration[name] = time.monotonic() - started
        checked = _checked(url)
        assert checked.problem is None, (rounds, name, checked.problem)
        added = checked.entries - before
        assert 0 <= added <= 2, (rounds, name, added)  # the killed run applied whole or not at all, the rerun once
        if "{note}" in commands[name]:
            assert 1 <= _notes(url).count(note) <= 2, (rounds, name)
        before = checked.entries
    verified = _mou(url, "verify", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = verified.communicate(timeout=120)
    assert verified.returncode == 0, err
    assert out.decode().startswith(f"{SLUG}: ok - {before} entries")
    leftovers = _blob_temps(url)
    print(
        f"\n{url.split(':')[0]}: kills by command {kills}; rounds {rounds}; runs that finished before their kill: "
        f"{finished_first}; temporary blob files left by killed writers: {len(leftovers)}"
    )
    assert min(kills.values()) >= 5  # every command was killed mid-way several times


# ---------------------------------------------------------------- racing writers

WRITER = """
import sys
from workflow.commands.monitoring import log
from workflow.records.stores import open_store
with open_store(sys.argv[1]) as store:
    for i in range(int(sys.argv[3])):
        log(store, "buton-bpjstk-2025", "note", actor="Dinas Tenaga Kerja Kabupaten Buton", note=f"{sys.argv[2]}-{i}")
"""
EACH = 150  # 8 x 150 = 1.200 appends: about 15 s on PostgreSQL, 8 s on SQLite (2 cores)


@pytest.mark.slow
def test_eight_writers_log_on_one_agreement(demo_store: str) -> None:
    """8 processes each log 150 milestones on ONE agreement at once: all 1.200 recorded, in one valid chain."""
    url = demo_store
    before = _checked(url).entries
    started = time.monotonic()
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, url, f"w{w}", str(EACH)], cwd=PROJECT, env=ENV, stderr=subprocess.PIPE)
        for w in range(8)
    ]
    results = [p.communicate(timeout=300) for p in procs]
    elapsed = time.monotonic() - started
    assert [p.returncode for p in procs] == [0] * 8, [err for _, err in results]
    checked = _checked(url)
    assert checked.problem is None
    assert checked.entries == before + 8 * EACH
    notes = [n for n in _notes(url) if n[:1] == "w"]
    assert sorted(notes) == sorted(f"w{w}-{i}" for w in range(8) for i in range(EACH))
    print(f"\n{url.split(':')[0]}: {8 * EACH} appends by 8 processes in {elapsed:.1f} s ({8 * EACH / elapsed:.0f}/s)")


# ---------------------------------------------------------------- tampering


class _Tamperer:
    """Changes stored bytes behind the store's back (as someone with the database file or a superuser would)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sqlite = url.startswith("sqlite:")
        if self.sqlite:
            self.file = Path(url.removeprefix("sqlite://"))
            self.db: Any = sqlite3.connect(self.file, isolation_level=None)
            # the triggers refuse to change a history row: someone with the file simply drops them
            self.triggers = self.db.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'history'"
            ).fetchall()
            for name, _ in self.triggers:
                self.db.execute(f"DROP TRIGGER {name}")
        else:
            import psycopg

            self.db = psycopg.connect(url, autocommit=True)
            for table in ("history", "blobs"):  # the owner of the tables can switch their triggers off
                self.db.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")

    def lines(self) -> dict[int, bytes]:
        rows = self.db.execute("SELECT seq, line FROM history WHERE slug = 'buton-bpjstk-2025' ORDER BY seq").fetchall()
        return {int(seq): line.encode("utf-8") if isinstance(line, str) else bytes(line) for seq, line in rows}

    def set_line(self, seq: int, raw: bytes) -> bool:
        """Store ``raw`` as the line of entry ``seq``; False when the database cannot hold those bytes as text."""
        if self.sqlite:
            try:
                value: Any = raw.decode("utf-8")
            except UnicodeDecodeError:
                value = raw  # SQLite keeps any bytes: a hex editor's change is stored as they are
            self.db.execute("UPDATE history SET line = ? WHERE slug = ? AND seq = ?", (value, SLUG, seq))
            return True
        if b"\0" in raw:
            return False
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return False  # PostgreSQL refuses invalid UTF-8 in a text column: no one can store it
        self.db.execute("UPDATE history SET line = %s WHERE slug = %s AND seq = %s", (text, SLUG, seq))
        return True

    def blob(self, sha: str) -> bytes:
        if self.sqlite:
            return (Path(str(self.file) + "-blobs") / sha[:2] / sha).read_bytes()
        return bytes(self.db.execute("SELECT data FROM blobs WHERE sha256 = %s", (sha,)).fetchone()[0])

    def set_blob(self, sha: str, data: bytes) -> None:
        if self.sqlite:
            (Path(str(self.file) + "-blobs") / sha[:2] / sha).write_bytes(data)
        else:
            self.db.execute("UPDATE blobs SET data = %s WHERE sha256 = %s", (data, sha))

    def close(self) -> None:
        if self.sqlite:
            for _, sql in self.triggers:
                self.db.execute(sql)
        else:
            for table in ("history", "blobs"):
                self.db.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        self.db.close()


@pytest.fixture
def tamperer(demo_store: str) -> Iterator[_Tamperer]:
    t = _Tamperer(demo_store)
    yield t
    t.close()


@pytest.mark.slow
def test_three_hundred_random_byte_changes_are_all_detected(demo_store: str, tamperer: _Tamperer) -> None:
    """300 seeded single-byte changes in the stored history lines and in the blobs of the documents, the
    signed files and the archive: `verify` catches every one and names the entry or the file."""
    url = demo_store
    with open_store(url) as store:
        files = {rel: store.sha256(SLUG, rel) for rel in store.files(SLUG)}
    data_blobs = {sha for rel, sha in files.items() if rel == "agreement.yaml" or rel.startswith("data/")}
    users: dict[str, list[str]] = {}
    for rel, sha in files.items():
        if rel.split("/")[0] in {"documents", "signed", "archive", "participants", "reviews"} and sha not in data_blobs:
            users.setdefault(sha, []).append(rel)
    blobs = sorted(users)
    lines = tamperer.lines()
    rng = random.Random(300)
    detected = refused = 0
    kinds = {"line": 0, "blob": 0}
    with open_store(url) as store:
        while detected < 300:
            assert refused < 300, "too many changes the database cannot hold"
            if rng.random() < 0.5:
                seq = rng.choice(sorted(lines))
                original = lines[seq]
                data = bytearray(original)
                pos = rng.randrange(len(data))
                data[pos] = (data[pos] + rng.randrange(1, 256)) % 256
                if not tamperer.set_line(seq, bytes(data)):
                    refused += 1
                    continue
                names = ["history.jsonl"]
                kind, undo = "line", (str(seq), original)
            else:
                sha = rng.choice(blobs)
                original = tamperer.blob(sha)
                data = bytearray(original)
                pos = rng.randrange(len(data))
                data[pos] = (data[pos] + rng.randrange(1, 256)) % 256
                tamperer.set_blob(sha, bytes(data))
                names = [Path(rel).name for rel in users[sha]] + [Path(rel).parent.name for rel in users[sha]]
                kind, undo = "blob", (sha, original)
            try:
                checked = verify(store, SLUG)
                problems = [p for p in [checked.problem, *checked.frozen] if p]
                assert problems, (kind, names, pos)
                assert "\n" not in problems[0]
                named = "entry " in problems[0] or any(name in problems[0] for name in names)
                assert named, (kind, names, pos, problems[0])
                detected += 1
                kinds[kind] += 1
            finally:
                if kind == "line":
                    tamperer.set_line(int(undo[0]), undo[1])
                else:
                    tamperer.set_blob(str(undo[0]), undo[1])
        assert verify(store, SLUG).problem is None
    print(f"\n{url.split(':')[0]}: tamperings detected: {detected} ({kinds}) across {len(lines)} lines and {len(blobs)} blobs")


# ---------------------------------------------------------------- the server crashes (issue 17)

WRITES = 100
AT_ONCE = 10


@pytest.mark.slow
def test_server_crash_during_a_hundred_writes(demo_out: Path, pg_cluster: Any, pg_url: str) -> None:
    """PostgreSQL stopped with `pg_ctl stop -m immediate` during 100 concurrent `mou log` commands (10 at a
    time) while at least 3 of them are inside their transaction; started again; crashed a second time.

    Every command either applied fully (exit 0, its entry present once and whole) or exited 1 with one
    line `Error: ...` and no traceback. After the restart `mou verify` passes and the entries added are
    exactly those of the commands that exited 0, except for a command that lost its connection while
    committing: it says so, and its entry may be there or not (the server may have committed it).
    """
    import psycopg

    url = _filled(demo_out, pg_url)
    dbname = url.rsplit("/", 1)[1]
    before = _notes(url)
    results: dict[int, tuple[int, str, str]] = {}
    finished = threading.Event()
    done = [0]
    happened: list[str] = []

    def inside() -> int:
        """How many clients of the test database are inside a transaction now."""
        try:
            with psycopg.connect(pg_cluster.admin_conninfo(), autocommit=True, connect_timeout=2) as admin:
                sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND xact_start IS NOT NULL"
                row = admin.execute(sql, (dbname,)).fetchone()
                return int(row[0]) if row else 0
        except psycopg.Error:
            return 0

    def operator() -> None:
        # (action, once this many more commands finished, then crash when this many clients are inside a
        # transaction). To make the crash land inside transactions on any machine, however slow its
        # process start-up, the operator holds the agreement's advisory lock first: the commands that
        # reach the database then wait inside their transaction (BEGIN done, the lock requested), and
        # the server is stopped while they do (after 20 s at most, whatever number waits).
        plan = [("crash", 5, 3), ("start", 15, 0), ("crash", 10, 3)]
        for action, more, busy in plan:
            after = done[0] + more
            while not finished.is_set() and done[0] < after:
                time.sleep(0.002)
            if finished.is_set():
                return
            if action == "start":
                pg_cluster.start()
                happened.append(f"start after {done[0]} finished")
                continue
            holder = None
            try:
                holder = psycopg.connect(pg_cluster.admin_conninfo(dbname), autocommit=True, connect_timeout=2)
                holder.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", (SLUG,))
            except psycopg.Error:
                holder = None
            deadline = time.monotonic() + 20
            while not finished.is_set() and time.monotonic() < deadline and inside() < busy:
                time.sleep(0.01)
            clients = inside()
            pg_cluster.stop(mode="immediate")
            if holder is not None:
                with contextlib.suppress(psycopg.Error):
                    holder.close()
            happened.append(f"crash after {done[0]} finished, {clients} inside a transaction")

    thread = threading.Thread(target=operator)
    thread.start()
    try:
        running: dict[int, subprocess.Popen[bytes]] = {}
        started = 0
        while started < WRITES or running:
            while started < WRITES and len(running) < AT_ONCE:
                note = f"fault-{started}"
                args = ["log", SLUG, "meeting", "--note", note]
                running[started] = _mou(url, *args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                started += 1
            for i, proc in list(running.items()):
                if proc.poll() is not None:
                    stdout, stderr = proc.communicate()
                    results[i] = (proc.returncode, stdout.decode(), stderr.decode())
                    del running[i]
                    done[0] += 1
            time.sleep(0.005)
    finally:
        finished.set()
        thread.join()
        pg_cluster.start()
    codes = [results[i][0] for i in range(WRITES)]
    ok = {i for i in range(WRITES) if results[i][0] == 0}
    for i, (code, out, err) in results.items():
        assert "Traceback" not in err, (i, err)
        if code == 0:
            assert out.startswith(f"{SLUG}: meeting logged [entry "), (i, out)
        else:
            assert code == 1, (i, code, err)
            assert err.startswith("Error: ") and err.count("\n") == 1, (i, err)
    ambiguous = {i for i in range(WRITES) if results[i][0] == 1 and " while committing (" in results[i][2]}
    checked = _checked(url)
    assert checked.problem is None, checked.problem
    verified = _mou(url, "verify", stderr=subprocess.PIPE)
    assert verified.communicate(timeout=120)[1] == b""
    assert verified.returncode == 0
    notes = _notes(url)
    assert notes[: len(before)] == before
    added = notes[len(before) :]
    assert len(added) == len(set(added))  # none recorded twice
    recorded = {int(n.removeprefix("fault-")) for n in added}
    assert ok <= recorded, sorted(ok - recorded)  # every command that said "logged" is there
    assert recorded - ok <= ambiguous, sorted(recorded - ok)  # and only those, but for a commit of unknown outcome
    reasons: dict[str, int] = {}
    for code, _, err in results.values():
        if code:
            line = err.strip().replace(url.split("@")[1], "HOST/DB")
            reasons[line] = reasons.get(line, 0) + 1
    print(
        f"\n{'; '.join(happened)}; exited 0: {codes.count(0)}, exited 1: {codes.count(1)}; entries added:"
        f" {len(recorded)} (of commands that exited 1: {len(recorded - ok)}; lost while committing: {len(ambiguous)})"
    )
    for line, n in sorted(reasons.items(), key=lambda kv: -kv[1]):
        print(f"  {n:3d} x {line}")
    assert codes.count(0) >= 5  # some commands did finish before the crash
    hit = sum(n for line, n in reasons.items() if "lost the connection" in line)
    assert hit >= 1  # and a crash hit commands inside their transaction


# ---------------------------------------------------------------- how a PostgreSQL command ends (quick)


def _pg_store(pg_url: str) -> Any:
    from workflow.records.postgres import PostgresStore

    store = PostgresStore(pg_url)
    store.create(SLUG, (PROJECT / "agreements" / SLUG / "agreement.yaml").read_bytes())
    return store


def _terminate(pg_cluster: Any, pg_url: str, store: Any) -> None:
    """The server ends the store's connection (as a restart, a failover or an administrator would)."""
    import psycopg

    pid = store._connection().info.backend_pid
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_a_connection_lost_at_commit_says_the_outcome_is_unknown(pg_cluster: Any, pg_url: str) -> None:
    from workflow.errors import StoreUnavailable

    store = _pg_store(pg_url)
    with pytest.raises(StoreUnavailable) as caught, store.writing(SLUG):
        store.append(SLUG, [], {"event": "log:note", "note": "x"})
        _terminate(pg_cluster, pg_url, store)
    message = str(caught.value)
    assert "\n" not in message and ":***@" in message and pg_cluster.password not in message
    assert " while committing (" in message and "may have been recorded or not" in message
    assert store.history(SLUG) == []  # this time the server had not committed it (it cannot be known at COMMIT)
    store.close()


def test_a_lost_connection_is_not_replaced_inside_a_command(pg_cluster: Any, pg_url: str) -> None:
    """A command that catches the loss and goes on writes nothing on a new connection: it fails as a whole."""
    from workflow.errors import MouError, StoreUnavailable

    store = _pg_store(pg_url)
    with pytest.raises(StoreUnavailable) as caught, store.writing(SLUG):
        store.write(SLUG, "documents/a.txt", b"a")
        _terminate(pg_cluster, pg_url, store)
        with pytest.raises(StoreUnavailable, match="lost the connection"):
            store.read(SLUG, "documents/a.txt")
        with contextlib.suppress(MouError):  # code that takes a store error for "not there" and goes on (as extended_by does)
            store.write(SLUG, "documents/b.txt", b"b")
        store.append(SLUG, [], {"event": "log:note", "note": "x"})
    assert str(caught.value).endswith("during the command; nothing of it was recorded")
    assert store.files(SLUG) == ["agreement.yaml"]  # neither file, no entry: the command applied not at all
    assert store.history(SLUG) == []
    store.close()


def test_a_transaction_that_failed_inside_a_command_is_not_reported_as_committed(pg_url: str) -> None:
    """PostgreSQL answers COMMIT of a failed transaction with ROLLBACK and no error: the store says so."""
    from workflow.errors import MouError

    store = _pg_store(pg_url)
    with pytest.raises(MouError) as caught, store.writing(SLUG):
        store.write(SLUG, "documents/a.txt", b"a")
        with contextlib.suppress(MouError):
            store.append(SLUG, [{"hash": "f" * 64}], {"event": "log:note", "note": "x"})  # refused by the trigger
    assert str(caught.value).endswith("the command's transaction had failed and was rolled back; nothing of it was recorded")
    assert store.files(SLUG) == ["agreement.yaml"]
    store.close()
