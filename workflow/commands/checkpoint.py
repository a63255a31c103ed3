"""Signed checkpoints: `mou checkpoint` and `mou verify --checkpoint`.

The hash chain of a history catches any single change, but not a history rewritten consistently: every
hash recomputed after a payment, an approval or a scan was changed. A checkpoint closes that gap the way
transparency logs do. It is a small statement of every agreement's head (the number of entries and the
hash of the last one) at a UTC time, signed with an Ed25519 key that is kept off the server, and stored
in the store. Later, with the public key, `verify_checkpoint` proves that every history still *extends*
its checkpointed head: entry N is still the entry whose hash was signed. As the hash of entry N covers
entry N-1's hash and so on back to the first, anything before the checkpoint that was rewritten shows.

The statement, in canonical JSON (sorted keys, no spaces, UTF-8)::

    {"agreements": {"<slug>": {"head": "<sha256>", "seq": N}, ...}, "format": "mou-checkpoint/1",
     "store": "<store>", "time": "2026-12-01T06:30:00Z"}

is signed as those bytes and kept in an envelope, canonical JSON too and ending in a newline::

    {"public_key_sha256": "<hex>", "signature": "<base64>", "statement": {...}}

``public_key_sha256`` is the SHA-256 of the raw 32-byte public key: it names the key, it proves nothing.
The fingerprint (``ABCD-EF01-2345-6789-ABCD``: the first 20 hex digits of the SHA-256 of the statement's
bytes) is short enough to print in the monev report or read over the phone: whoever keeps it can later
tell that the checkpoint shown to them is the one made that day, even without the public key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workflow.errors import HistoryBroken, MouError
from workflow.records.history import canonical
from workflow.records.store import Store

if TYPE_CHECKING:  # cryptography is imported only by the checkpoint commands
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

FORMAT = "mou-checkpoint/1"
LATEST = "latest"
"""What ``--checkpoint`` may say instead of a file or a name: the last checkpoint stored."""
_ENVELOPE = ("public_key_sha256", "signature", "statement")
_STATEMENT = ("agreements", "format", "store", "time")


@dataclass(frozen=True)
class KeyPair:
    """The two files `new_key` wrote and the SHA-256 that names the public key in every checkpoint."""

    private: Path
    public: Path
    public_key_sha256: str


@dataclass(frozen=True)
class Checkpoint:
    """One signed checkpoint: its name in the store, its time, the heads it states and its fingerprint."""

    name: str
    time: str
    store: str
    agreements: dict[str, dict[str, Any]]
    """Per slug, ``{"seq": N, "head": "<sha256 of entry N>"}`` (``seq`` 0 and no head: no entry yet)."""
    fingerprint: str
    public_key_sha256: str
    data: bytes
    """The envelope exactly as stored."""


def new_key(private_path: Path, public_path: Path) -> KeyPair:
    """Make an Ed25519 key pair: the private key (PEM, PKCS #8, mode 0600) and the public key (PEM).

    Refuses to replace either file: a replaced private key can no longer sign for checkpoints made
    with it, and a replaced public key would make every earlier checkpoint fail to verify.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if Path(private_path).resolve() == Path(public_path).resolve():
        raise MouError(f"{private_path}: the private and the public key need two different files", rule="checkpoint.key_exists")
    for path in (private_path, public_path):
        if os.path.lexists(path):
            raise MouError(f"{path} exists; a key is never replaced", file=path, rule="checkpoint.key_exists")
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    _create(private_path, private, 0o600)
    try:
        _create(public_path, public, 0o644)
    except BaseException:
        Path(private_path).unlink(missing_ok=True)
        raise
    return KeyPair(Path(private_path), Path(public_path), key_sha256(key.public_key()))


def _create(path: Path, data: bytes, mode: int) -> None:
    """Create ``path`` with ``data`` (never replacing a file), then give it ``mode``.

    ``write_new`` writes through a temporary file that ``mkstemp`` makes readable by its owner only,
    so a private key is never readable by others, not even for a moment.
    """
    from workflow.records.files import write_new

    try:
        write_new(Path(path), data)
    except FileExistsError as err:
        raise MouError(f"{path} exists; a key is never replaced", file=path, rule="checkpoint.key_exists") from err
    os.chmod(path, mode)


def key_sha256(public: Ed25519PublicKey) -> str:
    """SHA-256 of the raw 32 bytes of a public key: the name a checkpoint gives its key."""
    from cryptography.hazmat.primitives import serialization

    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def fingerprint(statement: dict[str, Any]) -> str:
    """The short fingerprint of a statement: the first 20 hex digits of its SHA-256, in groups of four."""
    digest = hashlib.sha256(canonical(statement).encode("utf-8")).hexdigest()[:20].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 20, 4))


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 private key in the PEM file ``path``; MouError naming the file if it is not one."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except OSError as err:
        raise MouError(f"{path}: cannot read the private key ({err.strerror or err})", file=path, rule="checkpoint.key") from err
    except (ValueError, TypeError) as err:
        raise MouError(
            f"{path} is not an unencrypted Ed25519 private key in PEM ({err})", file=path, rule="checkpoint.key"
        ) from err
    if not isinstance(key, Ed25519PrivateKey):
        raise MouError(f"{path} is not an Ed25519 private key", file=path, rule="checkpoint.key")
    return key


def load_public_key(pem: bytes, name: str = "the public key") -> Ed25519PublicKey:
    """The Ed25519 public key in ``pem``; MouError naming it (``name``) if it is not one."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as err:
        raise MouError(f"{name} is not an Ed25519 public key in PEM ({err})", rule="checkpoint.key") from err
    if not isinstance(key, Ed25519PublicKey):
        raise MouError(f"{name} is not an Ed25519 public key", rule="checkpoint.key")
    return key


def heads(store: Store) -> dict[str, dict[str, Any]]:
    """Every agreement's head: ``{"seq": N, "head": hash of entry N}``, each history checked first."""
    out: dict[str, dict[str, Any]] = {}
    for slug in store.slugs():
        entries = store.history(slug)  # every hash, the chain and the head: a broken history is not signed
        out[slug] = {"seq": len(entries), "head": entries[-1]["hash"] if entries else ""}
    return out


def make_checkpoint(store: Store, key_path: Path, *, now: datetime | None = None) -> Checkpoint:
    """Sign every agreement's head with the private key at ``key_path`` and keep the checkpoint in the store.

    A broken history (HistoryBroken) is refused before anything is signed: a checkpoint states heads
    that `verify` found sound. ``now`` is the time stated (default: the clock, in UTC, to the second).
    """
    key = load_private_key(key_path)
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    time = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    statement = {"agreements": heads(store), "format": FORMAT, "store": store.url, "time": time}
    signature = key.sign(canonical(statement).encode("utf-8"))
    envelope = {
        "public_key_sha256": key_sha256(key.public_key()),
        "signature": base64.b64encode(signature).decode("ascii"),
        "statement": statement,
    }
    data = (canonical(envelope) + "\n").encode("utf-8")
    name = _put(store, moment.strftime("%Y-%m-%dT%H-%M-%SZ"), data)
    return _checkpoint(name, envelope, data)


def _put(store: Store, stamp: str, data: bytes) -> str:
    """Store ``data`` as ``STAMP.json``, or ``STAMP.2.json`` ... when a checkpoint of that second is there."""
    for number in range(1, 1000):
        name = f"{stamp}.json" if number == 1 else f"{stamp}.{number}.json"
        try:
            store.put_checkpoint(name, data)
        except FileExistsError:
            continue
        return name
    raise MouError(f"{store.url}: too many checkpoints made at {stamp}")


def _checkpoint(name: str, envelope: dict[str, Any], data: bytes) -> Checkpoint:
    statement = envelope["statement"]
    return Checkpoint(
        name=name,
        time=statement["time"],
        store=statement["store"],
        agreements=statement["agreements"],
        fingerprint=fingerprint(statement),
        public_key_sha256=envelope["public_key_sha256"],
        data=data,
    )


def find_checkpoint(store: Store, which: str | Path) -> tuple[str, bytes]:
    """(name, bytes) of the checkpoint ``which`` names: a file, the name of a stored one, or ``latest``."""
    text = str(which)
    if Path(text).is_file():
        return text, Path(text).read_bytes()
    stored = store.checkpoints()
    if text == LATEST:
        if not stored:
            raise MouError(f"no checkpoint is stored in {store.url}", rule="checkpoint.none_stored")
        return stored[-1], store.read_checkpoint(stored[-1])
    if text in stored:
        return text, store.read_checkpoint(text)
    known = f"; stored: {', '.join(stored[-5:])}" if stored else f"; {store.url} stores none"
    raise MouError(f"{text}: no such file, nor a checkpoint of that name in {store.url}{known}", rule="checkpoint.not_found")


def stored_checkpoints(store: Store) -> list[Checkpoint | tuple[str, str]]:
    """Every checkpoint kept in the store, oldest first, as written (its signature not checked: `verify` does);
    one that is not a checkpoint as mou writes it is (name, why)."""
    out: list[Checkpoint | tuple[str, str]] = []
    for name in store.checkpoints():
        data = store.read_checkpoint(name)
        try:
            envelope = json.loads(data.decode("utf-8"))
            _check_shape(envelope)
        except (UnicodeDecodeError, ValueError) as err:
            out.append((name, str(err)))
            continue
        out.append(_checkpoint(name, envelope, data))
    return out


def open_checkpoint(
    data: bytes, public_key_pem: bytes, *, key_name: str = "the public key", name: str = "checkpoint"
) -> tuple[Checkpoint | None, list[str]]:
    """(the checkpoint, []) when ``data`` is a checkpoint signed by the key in ``public_key_pem``; else (None, why).

    The file must be byte for byte what `make_checkpoint` wrote: its JSON in canonical form, the
    signature over the statement good for that key, and the key it names that key.
    """
    from cryptography.exceptions import InvalidSignature

    public = load_public_key(public_key_pem, key_name)
    refused = f"{name}: checkpoint signature does not verify with {key_name}"
    try:
        envelope = json.loads(data.decode("utf-8"))
        _check_shape(envelope)
    except (UnicodeDecodeError, ValueError) as err:
        return None, [f"{refused}: the file is not a checkpoint as mou writes it ({err})"]
    if data not in {(canonical(envelope) + "\n").encode("utf-8"), canonical(envelope).encode("utf-8")}:
        return None, [f"{refused}: the file is not byte for byte as it was written (changed after it was signed)"]
    ours, theirs = key_sha256(public), envelope["public_key_sha256"]
    try:
        public.verify(base64.b64decode(envelope["signature"], validate=True), canonical(envelope["statement"]).encode("utf-8"))
    except (InvalidSignature, ValueError):
        if theirs != ours:
            return None, [f"{refused}: it names another key (sha256 {theirs[:16]}, this key is {ours[:16]})"]
        return None, [f"{refused}: the checkpoint was changed after it was signed"]
    if theirs != ours:
        return None, [f"{refused}: the key it names was changed (sha256 {theirs[:16]}, this key is {ours[:16]})"]
    return _checkpoint(name, envelope, data), []


def _check_shape(envelope: Any) -> None:
    """ValueError unless ``envelope`` has the fields and types `make_checkpoint` writes."""
    if not isinstance(envelope, dict) or sorted(envelope) != list(_ENVELOPE):
        raise ValueError(f"expected an object with exactly {', '.join(_ENVELOPE)}")
    statement = envelope["statement"]
    if not isinstance(statement, dict) or sorted(statement) != list(_STATEMENT):
        raise ValueError(f"expected a statement with exactly {', '.join(_STATEMENT)}")
    if statement["format"] != FORMAT:
        raise ValueError(f"format {statement['format']!r}, expected {FORMAT}")
    if not all(isinstance(envelope[k], str) for k in ("public_key_sha256", "signature")):
        raise ValueError("public_key_sha256 and signature must be text")
    if not isinstance(statement["time"], str) or not isinstance(statement["store"], str):
        raise ValueError("time and store must be text")
    agreements = statement["agreements"]
    if not isinstance(agreements, dict):
        raise ValueError("agreements must be an object")
    for slug, head in agreements.items():
        if not isinstance(head, dict) or sorted(head) != ["head", "seq"]:
            raise ValueError(f"{slug}: expected an object with exactly head, seq")
        if type(head["seq"]) is not int or head["seq"] < 0 or not isinstance(head["head"], str):
            raise ValueError(f"{slug}: seq must be a whole number and head text")


def verify_checkpoint(
    store: Store,
    checkpoint_bytes: bytes,
    public_key_pem: bytes,
    *,
    key_name: str = "the public key",
    name: str = "checkpoint",
    slugs: list[str] | None = None,
) -> list[str]:
    """Every problem of a checkpoint against the store now, as one line each (none: it holds).

    The signature must verify with the public key; then every agreement it states (those in ``slugs``
    only, when given) must still be in the store, with at least as many entries, entry ``seq`` still the
    entry whose hash was signed (its hash covers every entry before it), and its history sound.
    Agreements made after the checkpoint are not in it, and are not judged by it.
    """
    checkpoint, problems = open_checkpoint(checkpoint_bytes, public_key_pem, key_name=key_name, name=name)
    if checkpoint is None:
        return problems
    when = checkpoint.time
    present = set(store.slugs())
    for slug, head in sorted(checkpoint.agreements.items()):
        if slugs is not None and slug not in slugs:
            continue
        seq, signed = head["seq"], head["head"]
        if slug not in present:
            problems.append(f"{slug}: in the checkpoint of {when} with {seq} entries, but no longer in {store.url}")
            continue
        try:
            entries = store.history(slug)
        except HistoryBroken as err:
            problems.append(f"{slug}: the history cannot be compared with the checkpoint of {when}: {err}")
            continue
        if len(entries) < seq:
            problems.append(f"{slug}: has {len(entries)} entries, fewer than the {seq} checkpointed at {when}")
        elif seq and entries[seq - 1]["hash"] != signed:
            now = entries[seq - 1]["hash"][:16]
            problems.append(
                f"{slug}: the history no longer extends the checkpoint of {when}: entry {seq} is now {now}, was {signed[:16]}"
            )
    return problems
