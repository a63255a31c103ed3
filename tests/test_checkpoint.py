"""Signed checkpoints (issue 20, point 4): a history rewritten consistently before a checkpoint is caught.

Every hash of a history can be recomputed after a change, and then `mou verify` alone passes: the known
gap. A checkpoint signs every agreement's head with an Ed25519 key kept off the server; `mou verify
--checkpoint ... --public-key ...` then proves each history still extends its signed head. The rewrites
here recompute every hash with the project's own code (``workflow.records.history``), in a folder and,
as a database's administrator could with the triggers out of the way, in SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import cli
from tests.conftest import SLUG, stand_in_pdfs
from workflow.commands.checkpoint import FORMAT, fingerprint, make_checkpoint, open_checkpoint, verify_checkpoint
from workflow.commands.stores import copy_agreements
from workflow.records import history
from workflow.records.store import FolderStore, Store
from workflow.records.stores import open_store

KINDS = ["folder", "sqlite", "postgresql"]
OPD = "Dinas Tenaga Kerja Kabupaten Buton"
DOES_NOT_VERIFY = "checkpoint signature does not verify with"


def mou(*args: str) -> Result:
    """`mou ARGS...` through CliRunner, stderr kept apart."""
    return CliRunner().invoke(cli.main, list(args), catch_exceptions=False)


def ok(result: Result) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout


def failed(result: Result) -> str:
    """The stderr of a command that failed with exit 1 (no traceback)."""
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    return result.stderr


# --- the demo in a store of each kind, and a key pair ------------------------------------------------------


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    """(private, public): a key pair made by `mou checkpoint --new-key`, outside the store."""
    private = tmp_path / "usb" / "mou-key"
    out = ok(mou("--root", str(tmp_path / "unused"), "checkpoint", "--new-key", str(private)))
    assert f"private key: {private} (mode 0600)" in out and "Keep the private key off the server" in out
    return private, private.with_name("mou-key.pub")


@pytest.fixture
def demo_agreements(demo_out: Path, tmp_path: Path) -> Path:
    """A private copy of the session's `mou demo` agreements (signed, archived, a quarter of payments)."""
    target = tmp_path / "agreements"
    shutil.copytree(demo_out / "agreements", target)
    return target


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def location(kind: str, demo_agreements: Path, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """Where the demo agreement lives: the folder itself, or a SQLite or PostgreSQL copy made by `mou store copy`."""
    if kind == "folder":
        return str(demo_agreements)
    url = f"sqlite://{tmp_path / 'mou.db'}" if kind == "sqlite" else str(request.getfixturevalue("pg_url"))
    ok(mou("--root", str(demo_agreements), "store", "copy", "--to", url))
    return url


@pytest.fixture
def store(location: str) -> Iterator[Store]:
    with open_store(location) as opened:
        yield opened


def checkpoint(location: str, private: Path) -> dict[str, Any]:
    """`mou checkpoint --key PRIVATE --json` on the store: what it printed."""
    made: dict[str, Any] = json.loads(ok(mou("--store", location, "checkpoint", "--key", str(private), "--json")))
    return made


def verify(location: str, which: str, public: Path, *slug: str) -> Result:
    return mou("--store", location, "verify", *slug, "--checkpoint", which, "--public-key", str(public))


# --- rewriting a history consistently, as someone with write access to the store could -------------------


def rewritten(entries: list[dict[str, Any]], change: Callable[[int, dict[str, Any]], None]) -> list[dict[str, Any]]:
    """``entries`` with ``change(seq, body)`` applied, every seq, prev and hash recomputed by the project's code."""
    out: list[dict[str, Any]] = []
    for n, e in enumerate(entries, 1):
        body = {k: v for k, v in e.items() if k not in ("seq", "prev", "hash")}
        change(n, body)
        body |= {"seq": n, "prev": out[-1]["hash"] if out else history.GENESIS}
        body["hash"] = history.entry_hash(body)
        out.append(body)
    return out


def replace_history(location: str, entries: list[dict[str, Any]]) -> None:
    """Put ``entries`` in place of the agreement's history, head included, past whatever the store guards."""
    if location.startswith("sqlite:"):
        db = sqlite3.connect(location.removeprefix("sqlite://"), isolation_level=None)
        for trigger in ("history_never_changed", "history_never_removed", "history_extends_the_head", "history_moves_the_head"):
            db.execute(f"DROP TRIGGER {trigger}")
        db.execute("DELETE FROM history WHERE slug = ?", (SLUG,))
        for e in entries:
            db.execute(
                "INSERT INTO history (slug, seq, prev, hash, line) VALUES (?, ?, ?, ?, ?)",
                (SLUG, e["seq"], e["prev"], e["hash"], history.canonical(e)),
            )
        db.execute("UPDATE agreements SET head_seq = ?, head_hash = ? WHERE slug = ?", (len(entries), entries[-1]["hash"], SLUG))
        db.close()
    elif location.startswith("postgresql:"):
        import psycopg

        with psycopg.connect(location, autocommit=True) as pg:
            pg.execute("SET session_replication_role = replica")  # as a superuser would, past the triggers
            pg.execute("DELETE FROM history WHERE slug = %s", (SLUG,))
            for e in entries:
                pg.execute(
                    "INSERT INTO history (slug, seq, prev, hash, line) VALUES (%s, %s, %s, %s, %s)",
                    (SLUG, e["seq"], e["prev"], e["hash"], history.canonical(e)),
                )
            pg.execute(
                "UPDATE agreements SET head_seq = %s, head_hash = %s WHERE slug = %s", (len(entries), entries[-1]["hash"], SLUG)
            )
    else:  # the folder: rebuilt line by line with the project's own append, history.head included
        folder = Path(location) / SLUG
        (folder / history.HISTORY_FILE).unlink()
        rebuilt: list[dict[str, Any]] = []
        for e in entries:
            rebuilt.append(history.append(folder, rebuilt, {k: v for k, v in e.items() if k not in ("seq", "prev", "hash")}))
        assert rebuilt == entries


def first_payment(store: Store) -> int:
    return next(e["seq"] for e in store.history(SLUG) if e["event"] == "log:payment")


# --- 1. keys ----------------------------------------------------------------------------------------------


def test_a_key_pair_is_made_once_and_the_private_key_is_private(keys: tuple[Path, Path], tmp_path: Path) -> None:
    """The private key is PEM Ed25519 readable by its owner only; neither file is ever replaced."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

    private, public = keys
    assert isinstance(serialization.load_pem_private_key(private.read_bytes(), None), Ed25519PrivateKey)
    assert isinstance(serialization.load_pem_public_key(public.read_bytes()), Ed25519PublicKey)
    if os.name == "posix":
        assert private.stat().st_mode & 0o777 == 0o600
    before = private.read_bytes(), public.read_bytes()
    error = failed(mou("--root", str(tmp_path), "checkpoint", "--new-key", str(private)))
    assert error.startswith(f"Error: {private} exists; a key is never replaced\nHint: choose another file")
    private.unlink()  # the public key alone is in the way: nothing is written either
    error = failed(mou("--root", str(tmp_path), "checkpoint", "--new-key", str(private)))
    assert error.startswith(f"Error: {public} exists; a key is never replaced")
    assert not private.exists() and public.read_bytes() == before[1]


def test_checkpoint_needs_one_of_its_options_and_verify_needs_both(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    private, public = keys
    both = mou("--root", str(tmp_path), "checkpoint", "--new-key", str(tmp_path / "k"), "--key", str(private))
    assert both.exit_code == 2 and "not both" in both.stderr
    alone = mou("--root", str(tmp_path), "verify", "--checkpoint", "latest")
    assert alone.exit_code == 2 and "--checkpoint and --public-key go together" in alone.stderr
    error = failed(mou("--root", str(tmp_path), "checkpoint", "--key", str(public)))
    assert f"Error: {public} is not an unencrypted Ed25519 private key in PEM" in error


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_signing_with_a_key_others_can_read_warns(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    private, _ = keys
    private.chmod(0o644)
    result = mou("--root", str(tmp_path / "empty"), "checkpoint", "--key", str(private))
    assert result.exit_code == 0 and "0 agreements, stored in" in result.stdout
    assert (
        result.stderr == f"Warning: other users can read the private key {private}; chmod 600 it, or keep it off this machine\n"
    )


# --- 2. a checkpoint: signed, stored, listed, verified ---------------------------------------------------------


def test_a_checkpoint_is_stored_listed_and_verifies(location: str, store: Store, keys: tuple[Path, Path], tmp_path: Path) -> None:
    private, public = keys
    assert failed(verify(location, "latest", public)).startswith(f"Error: no checkpoint is stored in {store.url}\n")
    made = checkpoint(location, private)
    entries = store.history(SLUG)
    assert made["agreements"] == {SLUG: {"seq": len(entries), "head": entries[-1]["hash"]}}
    assert made["name"] == made["time"].replace(":", "-") + ".json"
    assert len(made["fingerprint"]) == 24 and made["fingerprint"].count("-") == 4  # ABCD-EF01-2345-6789-ABCD

    assert store.checkpoints() == [made["name"]]  # kept in the store ...
    envelope = json.loads(store.read_checkpoint(made["name"]))
    assert envelope["statement"] == {"agreements": made["agreements"], "format": FORMAT, "store": store.url, "time": made["time"]}
    assert fingerprint(envelope["statement"]) == made["fingerprint"]
    listed = ok(mou("--store", location, "checkpoint"))  # ... and listed
    assert listed == f"{made['name']}  {made['time']}  {made['fingerprint']}  1 agreement\n"

    again = checkpoint(location, private)  # a second one within the same second gets its own name, after it
    assert store.checkpoints() == [made["name"], again["name"]]
    copy = tmp_path / "checkpoint.json"
    copy.write_bytes(store.read_checkpoint(made["name"]))
    for which, name, expected in (
        ("latest", again["name"], again),
        (made["name"], made["name"], made),
        (str(copy), str(copy), made),
    ):
        out = ok(verify(location, which, public))
        assert out.startswith(f"{SLUG}: ok - ")
        assert out.endswith(
            f"checkpoint {name} of {expected['time']}: ok - 1 agreement, each extending its signed head"
            f" (fingerprint {expected['fingerprint']})\n"
        )
    ok(verify(location, "latest", public, SLUG))
    error = failed(verify(location, "2020-01-01T00-00-00Z.json", public))
    assert error.startswith(f"Error: 2020-01-01T00-00-00Z.json: no such file, nor a checkpoint of that name in {store.url}")
    assert "Hint: mou checkpoint lists the stored checkpoints" in error


def test_the_folder_keeps_checkpoints_beside_the_agreements_never_as_one(demo_agreements: Path, keys: tuple[Path, Path]) -> None:
    made = checkpoint(str(demo_agreements), keys[0])
    assert (demo_agreements / ".checkpoints" / made["name"]).is_file()
    assert list(FolderStore(demo_agreements).slugs()) == [SLUG]
    assert ok(mou("--root", str(demo_agreements), "list")).startswith(SLUG)
    assert ok(mou("--root", str(demo_agreements), "verify")).startswith(f"{SLUG}: ok - ")


# --- 3. what a checkpoint catches --------------------------------------------------------------------------------


def test_a_consistent_rewrite_before_the_checkpoint_is_caught(location: str, store: Store, keys: tuple[Path, Path]) -> None:
    """A payment's SP2D reference and date changed and every hash recomputed: `verify` alone passes (the known
    gap); with the checkpoint it fails naming the agreement, the checkpoint's time and the entry."""
    private, public = keys
    made = checkpoint(location, private)
    seq, head = made["agreements"][SLUG]["seq"], made["agreements"][SLUG]["head"]
    payment = first_payment(store)

    def forge(n: int, body: dict[str, Any]) -> None:
        if n == payment:
            body["data"] = {**body["data"], "reference": "SP2D-PALSU-001", "date": "2025-07-16"}

    forged = rewritten(store.history(SLUG), forge)
    replace_history(location, forged)
    assert ok(mou("--store", location, "verify")).startswith(f"{SLUG}: ok - {seq} entries")  # the gap, as before
    error = failed(verify(location, "latest", public))
    assert error == (
        f"Error: {SLUG}: the history no longer extends the checkpoint of {made['time']}: "
        f"entry {seq} is now {forged[-1]['hash'][:16]}, was {head[:16]}\n"
    )


def test_entries_appended_after_the_checkpoint_keep_it_holding(demo_agreements: Path, keys: tuple[Path, Path]) -> None:
    private, public = keys
    root = str(demo_agreements)
    made = checkpoint(root, private)
    for note in ("Kartu peserta dicetak ulang", "Rapat koordinasi triwulan IV"):
        ok(mou("--root", root, "log", SLUG, "issue", "--note", note, "--as", OPD))
    out = ok(verify(root, "latest", public))
    assert f"{SLUG}: ok - {made['agreements'][SLUG]['seq'] + 2} entries" in out
    assert f"checkpoint {made['name']} of {made['time']}: ok - 1 agreement, each extending its signed head" in out


def test_a_rewrite_that_also_appends_is_caught(demo_agreements: Path, keys: tuple[Path, Path]) -> None:
    """Appending after the rewrite does not hide it: the checkpointed entry itself is no longer the same."""
    private, public = keys
    root = str(demo_agreements)
    made = checkpoint(root, private)
    store = FolderStore(demo_agreements)
    payment = first_payment(store)
    replace_history(root, rewritten(store.history(SLUG), lambda n, b: b.update(note="dibayar tunai") if n == payment else None))
    ok(mou("--root", root, "log", SLUG, "issue", "--note", "setelah penulisan ulang", "--as", OPD))
    assert "the history no longer extends the checkpoint of " + made["time"] in failed(verify(root, "latest", public))


def test_a_truncated_history_and_a_removed_agreement_are_caught(demo_agreements: Path, keys: tuple[Path, Path]) -> None:
    private, public = keys
    root = str(demo_agreements)
    made = checkpoint(root, private)
    seq = made["agreements"][SLUG]["seq"]
    store = FolderStore(demo_agreements)
    replace_history(root, store.history(SLUG)[:-2])  # the last two entries gone, the head moved back with them
    problems = verify_checkpoint(store, store.read_checkpoint(made["name"]), public.read_bytes())
    assert problems == [f"{SLUG}: has {seq - 2} entries, fewer than the {seq} checkpointed at {made['time']}"]
    assert f"Error: {SLUG}: has {seq - 2} entries, fewer than the {seq}" in failed(verify(root, "latest", public))

    shutil.move(demo_agreements / SLUG, demo_agreements.parent / "elsewhere")
    problems = verify_checkpoint(store, store.read_checkpoint(made["name"]), public.read_bytes())
    assert problems == [f"{SLUG}: in the checkpoint of {made['time']} with {seq} entries, but no longer in {store.url}"]


# --- 4. the checkpoint itself: one changed byte, another key -------------------------------------------------------


def test_a_changed_byte_or_another_key_does_not_verify(demo_agreements: Path, keys: tuple[Path, Path], tmp_path: Path) -> None:
    private, public = keys
    root = str(demo_agreements)
    made = checkpoint(root, private)
    data = FolderStore(demo_agreements).read_checkpoint(made["name"])

    changed = bytearray(data)
    at = data.index(b'"seq":') + len(b'"seq":')  # the checkpointed number of entries: 32 -> 22
    changed[at] ^= 0x01
    tampered = tmp_path / "tampered.json"
    tampered.write_bytes(bytes(changed))
    error = failed(verify(root, str(tampered), public))
    assert error == f"Error: {tampered}: {DOES_NOT_VERIFY} {public}: the checkpoint was changed after it was signed\n"

    other = tmp_path / "other-key"
    ok(mou("--root", root, "checkpoint", "--new-key", str(other)))
    error = failed(verify(root, "latest", other.with_name("other-key.pub")))
    assert error.startswith(f"Error: {made['name']}: {DOES_NOT_VERIFY} {other}.pub: it names another key (sha256 ")

    for n in range(len(data)):  # every single byte changed, wherever it is, is refused
        flipped = bytearray(data)
        flipped[n] ^= 0x01
        opened, problems = open_checkpoint(bytes(flipped), public.read_bytes(), key_name="KEY", name="CP")
        assert opened is None, n
        assert len(problems) == 1 and problems[0].startswith(f"CP: {DOES_NOT_VERIFY} KEY"), (n, problems)
    opened, problems = open_checkpoint(data, public.read_bytes())
    assert opened is not None and problems == [] and opened.fingerprint == made["fingerprint"]


# --- 5. the stores keep checkpoints written once ------------------------------------------------------------------


def test_a_checkpoint_is_written_once_in_every_store(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = {"folder": str(tmp_path / "agreements"), "sqlite": f"sqlite://{tmp_path / 'mou.db'}"}.get(kind)
    url = url or str(request.getfixturevalue("pg_url"))
    with open_store(url) as store:
        assert store.checkpoints() == []
        store.put_checkpoint("2026-12-01T06-30-00Z.json", b"first\n")
        store.put_checkpoint("2026-12-01T06-30-00Z.2.json", b"second\n")
        store.put_checkpoint("2026-11-01T06-30-00Z.json", b"earlier\n")
        with pytest.raises(FileExistsError):
            store.put_checkpoint("2026-12-01T06-30-00Z.json", b"replaced\n")
        assert store.checkpoints() == ["2026-11-01T06-30-00Z.json", "2026-12-01T06-30-00Z.json", "2026-12-01T06-30-00Z.2.json"]
        assert store.read_checkpoint("2026-12-01T06-30-00Z.json") == b"first\n"
        with pytest.raises(FileNotFoundError):
            store.read_checkpoint("2020-01-01T00-00-00Z.json")
        assert list(store.slugs()) == []
    if kind == "sqlite":
        db = sqlite3.connect(tmp_path / "mou.db", isolation_level=None)
        for sql in ("UPDATE checkpoints SET data = x'00'", "DELETE FROM checkpoints"):
            with pytest.raises(sqlite3.IntegrityError):
                db.execute(sql)
        db.execute("DROP TABLE checkpoints")  # a database made before checkpoints existed
        db.close()
    elif kind == "postgresql":
        import psycopg

        with psycopg.connect(url, autocommit=True) as pg:
            for sql in ("UPDATE checkpoints SET data = '\\x00'::bytea", "DELETE FROM checkpoints", "TRUNCATE checkpoints"):
                with pytest.raises(psycopg.errors.RaiseException):
                    pg.execute(sql)
            pg.execute("DROP TABLE checkpoints")
    if kind != "folder":
        with open_store(url) as store:
            assert store.checkpoints() == []
            store.put_checkpoint("2026-12-01T06-30-00Z.json", b"again\n")  # the table is made on the first one
            assert store.checkpoints() == ["2026-12-01T06-30-00Z.json"]


def test_a_checkpoint_copied_across_stores_catches_a_rewrite_there(
    demo_agreements: Path, keys: tuple[Path, Path], tmp_path: Path
) -> None:
    """The checkpoint file made on the folder still judges a SQLite copy: the statement names heads, not a place."""
    private, public = keys
    made = checkpoint(str(demo_agreements), private)
    saved = tmp_path / "checkpoint.json"
    saved.write_bytes(FolderStore(demo_agreements).read_checkpoint(made["name"]))
    url = f"sqlite://{tmp_path / 'copy.db'}"
    with open_store(url) as into:
        copy_agreements(FolderStore(demo_agreements), into)
        entries = into.history(SLUG)
    ok(verify(url, str(saved), public))
    replace_history(url, rewritten(entries, lambda n, b: b.update(actor="Pihak Lain") if n == 2 else None))
    assert f"Error: {SLUG}: the history no longer extends the checkpoint of {made['time']}: entry " in failed(
        verify(url, str(saved), public)
    )


# --- 6. the archive bag of a signed version carries the latest checkpoint -------------------------------------------


def test_the_archive_bag_carries_the_latest_checkpoint(
    root: Path, monkeypatch: pytest.MonkeyPatch, keys: tuple[Path, Path]
) -> None:
    from tests.test_lifecycle import KSDPK, fire, path_to, ready_agreement
    from workflow.commands.archive import archive
    from workflow.commands.demo import TKKSD
    from workflow.commands.verify import verify as verify_agreement

    stand_in_pdfs(monkeypatch)
    store = ready_agreement(root)
    for step in path_to(KSDPK, "kb_signed"):
        fire(store, KSDPK, step)
    make_checkpoint(store, keys[0])
    latest = make_checkpoint(store, keys[0])
    (written,) = archive(store, SLUG, TKKSD)
    carried = written.folder / "data" / "checkpoint.json"
    assert carried.read_bytes() == store.read_checkpoint(latest.name) == latest.data
    assert verify_agreement(store, SLUG).problem is None
    assert open_checkpoint(carried.read_bytes(), keys[1].read_bytes())[1] == []
