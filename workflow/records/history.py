"""The append-only, hash-chained history of one agreement (``history.jsonl``).

One canonical JSON object a line. Each entry carries the hash of the previous one and its own
``hash = sha256(canonical JSON of the entry without "hash")``; ``history.head`` names the last entry so
that a deleted tail is caught too. The current state is the replay of these entries, never stored.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from workflow.errors import HistoryBroken
from workflow.records.files import write_atomic

HISTORY_FILE = "history.jsonl"
HEAD_FILE = "history.head"
GENESIS = "0" * 64
FIELDS = (
    "seq",
    "ts",
    "actor",
    "role",
    "event",
    "from",
    "to",
    "note",
    "stage",
    "data",
    "data_sha256",
    "artifacts",
    "prev",
    "hash",
)
"""``data`` holds an event's own figures (a payment's period and amount, a claim's cases, ...)."""


def canonical(obj: Any) -> str:
    """The one byte form of an entry: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(entry: dict[str, Any]) -> str:
    """SHA-256 of the entry without its own ``hash`` field."""
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read(folder: Path) -> list[dict[str, Any]]:
    """Every entry of ``folder/history.jsonl``, each checked to be whole JSON (empty if none yet)."""
    path = folder / HISTORY_FILE
    if not path.exists():
        return []
    return _parse(path, path.read_bytes())[0]


def _loads(data: bytes) -> Any:
    """``json.loads`` with the cyclic garbage collector paused: it finds no cycles among freshly parsed
    entries, yet walks them again and again while they are built (PERFORMANCE.md, trap 3)."""
    import gc

    paused = gc.isenabled()
    gc.disable()
    try:
        return json.loads(data)
    finally:
        if paused:
            gc.enable()


def _parse(path: Path, raw: bytes) -> tuple[list[dict[str, Any]], list[bytes]]:
    """(entries, raw lines) of a history file's bytes; one JSON parse for the whole file when it is sound."""
    if raw and not raw.endswith(b"\n"):
        raise HistoryBroken(path, raw.count(b"\n") + 1, "last line is incomplete (no newline)")
    lines = raw.split(b"\n")[:-1] if raw else []
    try:  # one parse of the whole file is several times faster than a parse per line
        entries = _loads(b"[" + b",".join(lines) + b"]") if lines else []
        if len(entries) != len(lines):
            raise ValueError("a line holds more than one value")
    except (UnicodeDecodeError, ValueError):
        entries = []
        for n, line in enumerate(lines, 1):  # find the first line that is not one whole JSON value
            try:
                entries.append(json.loads(line.decode("utf-8")))
            except (UnicodeDecodeError, json.JSONDecodeError) as err:
                raise HistoryBroken(path, n, f"not valid JSON ({err})") from err
    fields, in_order = set(FIELDS), tuple(sorted(FIELDS))
    for n, entry in enumerate(entries, 1):  # a canonical line has its keys sorted: one tuple comparison
        if type(entry) is not dict or (tuple(entry) != in_order and entry.keys() != fields):
            raise HistoryBroken(path, n, f"expected an object with exactly the fields {', '.join(FIELDS)}")
    return entries, lines


def append(folder: Path, entries: list[dict[str, Any]], entry: dict[str, Any]) -> dict[str, Any]:
    """Chain ``entry`` after ``entries`` and write history and head atomically; return the entry.

    Call under the agreement's lock. The whole file is rewritten through a temporary file and a
    rename, so a crash leaves the old history or the new one, never half a line.
    """
    prev = entries[-1]["hash"] if entries else GENESIS
    entry = {**entry, "seq": len(entries) + 1, "prev": prev}
    entry["hash"] = entry_hash(entry)
    path = folder / HISTORY_FILE
    old = path.read_bytes() if path.exists() else b""
    write_atomic(path, old + (canonical(entry) + "\n").encode("utf-8"))
    write_atomic(folder / HEAD_FILE, (canonical({"seq": entry["seq"], "hash": entry["hash"]}) + "\n").encode())
    return entry


def check_chain(folder: Path) -> list[dict[str, Any]]:
    """Read the history and check every hash, the chain, the order and the head; raise on the first break."""
    path = folder / HISTORY_FILE
    entries, raw_lines = _parse(path, path.read_bytes()) if path.exists() else ([], [])
    prev = GENESIS
    sha256 = hashlib.sha256
    for n, (entry, line) in enumerate(zip(entries, raw_lines, strict=True), 1):
        stored = entry["hash"]
        # A canonical line is its hashed body with '"hash":"<64 hex>",' inserted right before '"note":'
        # (keys are sorted), so hashing the line without those 74 bytes checks content and canonical
        # form at once; only a line that fails is serialised again to name the fault.
        at = line.find(b'"hash":"')
        if at >= 0 and line.startswith(b'","note":', at + 72):
            digest = sha256(line[:at])
            digest.update(line[at + 74 :])
            fast = digest.hexdigest() == stored
        else:
            fast = False
        if not fast:
            if line.decode("utf-8") != canonical(entry):
                raise HistoryBroken(path, n, "not in canonical form (the line was edited)")
            if entry_hash(entry) != stored:
                raise HistoryBroken(path, n, "hash does not match its content (the entry was altered)")
        if entry["seq"] != n:
            raise HistoryBroken(path, n, f"sequence number {entry['seq']}, expected {n} (a line was removed, added or moved)")
        if entry["prev"] != prev:
            raise HistoryBroken(
                path, n, "previous-entry hash does not match entry " + str(n - 1) if n > 1 else "does not start the chain"
            )
        prev = stored
    head_path = folder / HEAD_FILE
    if entries or head_path.exists():
        try:
            head = json.loads(head_path.read_text(encoding="utf-8"))
            head_seq, head_hash = int(head["seq"]), str(head["hash"])
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise HistoryBroken(path, len(entries), f"{HEAD_FILE} is missing or unreadable") from err
        # the history is renamed into place before the head, so a crash between the two renames
        # leaves the head one entry behind; the next append rewrites it
        lagging = head_seq == len(entries) - 1 and head_seq >= 1 and head_hash == entries[-2]["hash"]
        if not lagging and (head_seq != len(entries) or (entries and head_hash != entries[-1]["hash"])):
            raise HistoryBroken(
                path,
                min(head_seq, len(entries)) or 1,
                f"history ends at entry {len(entries)} but {HEAD_FILE} names entry {head_seq}",
            )
    return entries
