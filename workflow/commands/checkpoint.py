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
from workflow.i18n import _
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
        raise MouError(
            _("{path}: the private and the public key need two different files").format(path=private_path),
            rule="checkpoint.key_exists",
        )
    for path in (private_path, public_path):
        if os.path.lexists(path):
            raise MouError(_("{path} exists; a key is never replaced").format(path=path), file=path, rule="checkpoint.key_exists")
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
        raise MouError(
            _("{path} exists; a key is never replaced").format(path=path), file=path, rule="checkpoint.key_exists"
        ) from err
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
        raise MouError(
            _("{path}: cannot read the private key ({reason})").format(path=path, reason=err.strerror or err),
            file=path,
            rule="checkpoint.key",
        ) from err
    except (ValueError, TypeError) as err:
        raise MouError(
            _("{path} is not an unencrypted Ed25519 private key in PEM ({error})").format(path=path, error=err),
            file=path,
            rule="checkpoint.key",
        ) from err
    if not isinstance(key, Ed25519PrivateKey):
        raise MouError(_("{path} is not an Ed25519 private key").format(path=path), file=path, rule="checkpoint.key")
    return key


def load_public_key(pem: bytes, name: str | None = None) -> Ed25519PublicKey:
    """The Ed25519 public key in ``pem``; MouError naming it (``name``, default "the public key") if it is not one."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    name = name or _("the public key")
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as err:
        raise MouError(
            _("{name} is not an Ed25519 public key in PEM ({error})").format(name=name, error=err), rule="checkpoint.key"
        ) from err
    if not isinstance(key, Ed25519PublicKey):
        raise MouError(_("{name} is not an Ed25519 public key").format(name=name), rule="checkpoint.key")
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
    raise MouError(_("{store}: too many checkpoints made at {stamp}").format(store=store.url, stamp=stamp))


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
            raise MouError(_("no checkpoint is stored in {store}").format(store=store.url), rule="checkpoint.none_stored")
        return stored[-1], store.read_checkpoint(stored[-1])
    if text in stored:
        return text, store.read_checkpoint(text)
    if stored:
        message = _("{name}: no such file, nor a checkpoint of that name in {store}; stored: {stored}").format(
            name=text, store=store.url, stored=", ".join(stored[-5:])
        )
    else:
        message = _("{name}: no such file, nor a checkpoint of that name in {store}; {store} stores none").format(
            name=text, store=store.url
        )
    raise MouError(message, rule="checkpoint.not_found")


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
    data: bytes, public_key_pem: bytes, *, key_name: str | None = None, name: str = "checkpoint"
) -> tuple[Checkpoint | None, list[str]]:
    """(the checkpoint, []) when ``data`` is a checkpoint signed by the key in ``public_key_pem``; else (None, why).

    The file must be byte for byte what `make_checkpoint` wrote: its JSON in canonical form, the
    signature over the statement good for that key, and the key it names that key.
    """
    from cryptography.exceptions import InvalidSignature

    key_name = key_name or _("the public key")
    public = load_public_key(public_key_pem, key_name)
    refused = _("{name}: checkpoint signature does not verify with {key}").format(name=name, key=key_name)
    try:
        envelope = json.loads(data.decode("utf-8"))
        _check_shape(envelope)
    except (UnicodeDecodeError, ValueError) as err:
        return None, [_("{refused}: the file is not a checkpoint as mou writes it ({error})").format(refused=refused, error=err)]
    if data not in {(canonical(envelope) + "\n").encode("utf-8"), canonical(envelope).encode("utf-8")}:
        return None, [
            _("{refused}: the file is not byte for byte as it was written (changed after it was signed)").format(refused=refused)
        ]
    ours, theirs = key_sha256(public), envelope["public_key_sha256"]
    try:
        public.verify(base64.b64decode(envelope["signature"], validate=True), canonical(envelope["statement"]).encode("utf-8"))
    except (InvalidSignature, ValueError):
        if theirs != ours:
            return None, [
                _("{refused}: it names another key (sha256 {named}, this key is {ours})").format(
                    refused=refused, named=theirs[:16], ours=ours[:16]
                )
            ]
        return None, [_("{refused}: the checkpoint was changed after it was signed").format(refused=refused)]
    if theirs != ours:
        return None, [
            _("{refused}: the key it names was changed (sha256 {named}, this key is {ours})").format(
                refused=refused, named=theirs[:16], ours=ours[:16]
            )
        ]
    return _checkpoint(name, envelope, data), []


def _check_shape(envelope: Any) -> None:
    """ValueError unless ``envelope`` has the fields and types `make_checkpoint` writes."""
    if not isinstance(envelope, dict) or sorted(envelope) != list(_ENVELOPE):
        raise ValueError(_("expected an object with exactly {fields}").format(fields=", ".join(_ENVELOPE)))
    statement = envelope["statement"]
    if not isinstance(statement, dict) or sorted(statement) != list(_STATEMENT):
        raise ValueError(_("expected a statement with exactly {fields}").format(fields=", ".join(_STATEMENT)))
    if statement["format"] != FORMAT:
        raise ValueError(_("format {value}, expected {format}").format(value=repr(statement["format"]), format=FORMAT))
    if not all(isinstance(envelope[k], str) for k in ("public_key_sha256", "signature")):
        raise ValueError(_("public_key_sha256 and signature must be text"))
    if not isinstance(statement["time"], str) or not isinstance(statement["store"], str):
        raise ValueError(_("time and store must be text"))
    agreements = statement["agreements"]
    if not isinstance(agreements, dict):
        raise ValueError(_("agreements must be an object"))
    for slug, head in agreements.items():
        if not isinstance(head, dict) or sorted(head) != ["head", "seq"]:
            raise ValueError(_("{slug}: expected an object with exactly head, seq").format(slug=slug))
        if type(head["seq"]) is not int or head["seq"] < 0 or not isinstance(head["head"], str):
            raise ValueError(_("{slug}: seq must be a whole number and head text").format(slug=slug))


def verify_checkpoint(
    store: Store,
    checkpoint_bytes: bytes,
    public_key_pem: bytes,
    *,
    key_name: str | None = None,
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
            problems.append(
                _("{slug}: in the checkpoint of {when} with {seq} entries, but no longer in {store}").format(
                    slug=slug, when=when, seq=seq, store=store.url
                )
            )
            continue
        try:
            entries = store.history(slug)
        except HistoryBroken as err:
            problems.append(
                _("{slug}: the history cannot be compared with the checkpoint of {when}: {error}").format(
                    slug=slug, when=when, error=err
                )
            )
            continue
        if len(entries) < seq:
            problems.append(
                _("{slug}: has {count} entries, fewer than the {seq} checkpointed at {when}").format(
                    slug=slug, count=len(entries), seq=seq, when=when
                )
            )
        elif seq and entries[seq - 1]["hash"] != signed:
            now = entries[seq - 1]["hash"][:16]
            problems.append(
                _("{slug}: the history no longer extends the checkpoint of {when}: entry {seq} is now {now}, was {was}").format(
                    slug=slug, when=when, seq=seq, now=now, was=signed[:16]
                )
            )
    return problems
