"""The append-only, hash-chained history of one agreement (``history.jsonl``).

One canonical JSON object a line. Each entry carries the hash of the previous one and its own
``hash = sha256(canonical JSON of the entry without "hash")``; ``history.head`` names the last entry so
that a deleted tail is caught too. The current state is the replay of these entries, never stored.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from workflow.errors import HistoryBroken
from workflow.i18n import _
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
ACCOUNT = "account"
"""The one optional field: who the web authenticated, ``{"login": LOGIN, "via": "web", "v": 1}``. An entry
recorded by the command line has exactly ``FIELDS``, so every history written before it verifies unchanged."""
ACCOUNT_FIELDS = ("login", "via", "v")


def account_refusal(value: Any) -> str | None:
    """Why ``value`` is not a well-formed ``account`` field of an entry, or None when it is one."""
    if (
        type(value) is dict
        and value.keys() == set(ACCOUNT_FIELDS)
        and type(value["login"]) is str
        and value["login"]
        and value["via"] == "web"
        and type(value["v"]) is int
        and value["v"] == 1
    ):
        return None
    found = canonical(value)
    return _('account: expected exactly login (a non-empty name), via "web" and v 1; found {found}').format(
        found=found if len(found) <= 80 else found[:77] + "..."
    )


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
    """Every entry of ``folder/history.jsonl``, each checked to be whole JSON (empty if none yet); an
    incomplete last line (an append in flight) is left out."""
    path = folder / HISTORY_FILE
    if not path.exists():
        return []
    raw = path.read_bytes()
    end = raw.rfind(b"\n") + 1
    return _parse(path, raw if end == len(raw) else raw[:end])[0]


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
    """(entries, raw lines) of whole lines (``raw`` empty or ending in a newline); one JSON parse for the
    whole file when it is sound."""
    lines = raw.split(b"\n")[:-1] if raw else []
    try:  # one parse of the whole file is several times faster than a parse per line
        entries = _loads(b"[" + b",".join(lines) + b"]") if lines else []
        if len(entries) != len(lines):
            raise ValueError("a line holds more than one value")  # i18n: not translated (caught below, never shown)
    except (UnicodeDecodeError, ValueError):
        entries = []
        for n, line in enumerate(lines, 1):  # find the first line that is not one whole JSON value
            try:
                entries.append(json.loads(line.decode("utf-8")))
            except (UnicodeDecodeError, json.JSONDecodeError) as err:
                raise HistoryBroken(path, n, _("not valid JSON ({error})").format(error=err)) from err
    fields, in_order = set(FIELDS), tuple(sorted(FIELDS))
    with_account = fields | {ACCOUNT}
    for n, entry in enumerate(entries, 1):  # a canonical line has its keys sorted: one tuple comparison
        if type(entry) is not dict or (tuple(entry) != in_order and entry.keys() != fields):
            if type(entry) is dict and entry.keys() == with_account:
                refusal = account_refusal(entry[ACCOUNT])
                if refusal is None:
                    continue
                raise HistoryBroken(path, n, refusal)
            raise HistoryBroken(
                path, n, _("expected an object with exactly the fields {fields}").format(fields=", ".join(FIELDS))
            )
    return entries, lines


_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


def _seek_read(fd: int, count: int, offset: int) -> bytes:
    """``os.pread`` for Windows, which lacks it."""
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, count)


_pread = getattr(os, "pread", _seek_read)


def append(folder: Path, entries: list[dict[str, Any]], entry: dict[str, Any]) -> dict[str, Any]:
    """Chain ``entry`` after ``entries``, append its line in place and move the head; return the entry.

    Call under the agreement's lock, after ``repair_tail``. The line goes to the end of the file in one
    ``write`` and is fsynced before ``history.head`` is replaced atomically to name it: the cost does not
    grow with the history. A writer killed mid-line leaves an incomplete last line that the head does not
    name: readers ignore it and the next writer's ``repair_tail`` cuts it off; killed between the line and
    the head, it leaves the head one entry behind, which ``check_lines`` accepts and this append moves on.
    """
    prev = entries[-1]["hash"] if entries else GENESIS
    entry = {**entry, "seq": len(entries) + 1, "prev": prev}
    entry["hash"] = entry_hash(entry)
    line = (canonical(entry) + "\n").encode("utf-8")
    path = folder / HISTORY_FILE
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | _BINARY, 0o600)
    try:
        size = os.fstat(fd).st_size
        if size and _pread(fd, 1, size - 1) != b"\n":  # never glue a line onto one a killed writer left
            raise HistoryBroken(path, len(entries) + 1, _("last line is incomplete (no newline)"))
        done = os.write(fd, line)
        while done < len(line):  # a short write (a full disk) is not expected, yet never leaves a line unfinished
            done += os.write(fd, line[done:])
        os.fsync(fd)
    finally:
        os.close(fd)
    # write_atomic fsyncs the folder too, which makes a newly created history.jsonl durable as well
    write_atomic(folder / HEAD_FILE, (canonical({"seq": entry["seq"], "hash": entry["hash"]}) + "\n").encode())
    return entry


def parse_head(text: str | bytes) -> tuple[int, str]:
    """(seq, hash) of the text of ``history.head``; ValueError (or KeyError, TypeError) if it is not one."""
    head = json.loads(text)
    return int(head["seq"]), str(head["hash"])


def _read_head(folder: Path) -> tuple[int, str] | None:
    """The head of ``folder``, None when there is no head file; raises if it is there but unreadable."""
    try:
        text = (folder / HEAD_FILE).read_bytes()
    except FileNotFoundError:
        return None
    return parse_head(text)


def repair_tail(folder: Path) -> bool:
    """Cut off an incomplete last line left by a writer killed mid-append; return whether it did.

    Call under the agreement's lock, before any write. The bytes after the last newline are removed only
    when ``history.head`` names the complete part (its last entry, or the one before when the head lags):
    then that line was never acknowledged. Anything else is left for ``verify`` to report. Reads only the
    end of the file and the head.
    """
    path = folder / HISTORY_FILE
    try:
        fd = os.open(path, os.O_RDWR | _BINARY)
    except FileNotFoundError:
        return False
    try:
        size = os.fstat(fd).st_size
        if not size or _pread(fd, 1, size - 1) == b"\n":
            return False
        end, last = _last_line(fd, size)
        try:
            head = _read_head(folder)
        except (OSError, ValueError, KeyError, TypeError):
            return False
        if last is None:  # no complete line: only a first append was cut short
            named = head is None
        else:
            try:
                entry = json.loads(last)
                seq, own, prev = entry["seq"], entry["hash"], entry["prev"]
            except (ValueError, KeyError, TypeError):
                return False
            named = head is not None and (head == (seq, own) or (head[0] >= 1 and head[0] + 1 == seq and head[1] == prev))
        if not named:
            return False
        os.ftruncate(fd, end)
        os.fsync(fd)
        return True
    finally:
        os.close(fd)


def _last_line(fd: int, size: int) -> tuple[int, bytes | None]:
    """(offset just after the last newline, the last complete line or None), reading back from the end."""
    chunk, buf, pos = 1 << 16, b"", size
    while pos > 0:  # gather bytes from the end until the last two newlines (or the start) are in hand
        step = min(chunk, pos)
        pos -= step
        buf = _pread(fd, step, pos) + buf
        last = buf.rfind(b"\n")
        if last >= 0 and (buf.rfind(b"\n", 0, last) >= 0 or pos == 0):
            start = buf.rfind(b"\n", 0, last) + 1
            return pos + last + 1, buf[start:last]
    return 0, None


def check_chain(folder: Path) -> list[dict[str, Any]]:
    """Read the history and check every hash, the chain, the order and the head; raise on the first break.

    The head is read before the history: it is replaced only after the line it names is written, so
    the history read next holds at least the entries it names.
    """
    path = folder / HISTORY_FILE
    try:
        head = _read_head(folder)
    except (OSError, ValueError, KeyError, TypeError) as err:
        entries = check_lines(path, path.read_bytes() if path.exists() else b"", None)
        raise HistoryBroken(path, len(entries) or 1, _("{file} is missing or unreadable").format(file=HEAD_FILE)) from err
    return check_lines(path, path.read_bytes() if path.exists() else b"", head)


def check_lines(name: Path, raw: bytes, head: tuple[int, str] | None) -> list[dict[str, Any]]:
    """Check a whole history given as bytes against its head: every hash, the chain, the order; the entries.

    ``name`` is the history's name in messages; ``head`` is (seq, hash) of the last acknowledged entry,
    None when there is none (no head file). An incomplete last line (no newline) that the head does not
    name is an append in flight, or one killed before ``repair_tail`` ran: it is ignored. Raises
    HistoryBroken on the first break.
    """
    end = raw.rfind(b"\n") + 1
    entries, raw_lines = _parse(name, raw if end == len(raw) else raw[:end])
    if end < len(raw) and head is not None and head[0] > len(entries):  # the head names the incomplete line
        raise HistoryBroken(name, len(entries) + 1, _("last line is incomplete (no newline)"))
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
                raise HistoryBroken(name, n, _("not in canonical form (the line was edited)"))
            if entry_hash(entry) != stored:
                raise HistoryBroken(name, n, _("hash does not match its content (the entry was altered)"))
        if entry["seq"] != n:
            raise HistoryBroken(
                name,
                n,
                _("sequence number {seq}, expected {n} (a line was removed, added or moved)").format(seq=entry["seq"], n=n),
            )
        if entry["prev"] != prev:
            raise HistoryBroken(
                name,
                n,
                _("previous-entry hash does not match entry {n}").format(n=n - 1) if n > 1 else _("does not start the chain"),
            )
        prev = stored
    if entries or head is not None:
        if head is None:
            raise HistoryBroken(name, len(entries), _("{file} is missing or unreadable").format(file=HEAD_FILE))
        head_seq, head_hash = head
        # a line is written before the head that names it, so a writer killed between the two leaves
        # the head one entry behind; the next append moves it on
        lagging = head_seq == len(entries) - 1 and head_seq >= 1 and head_hash == entries[-2]["hash"]
        if not lagging and (head_seq != len(entries) or (entries and head_hash != entries[-1]["hash"])):
            raise HistoryBroken(
                name,
                min(head_seq, len(entries)) or 1,
                _("history ends at entry {last} but {file} names entry {seq}").format(
                    last=len(entries), file=HEAD_FILE, seq=head_seq
                ),
            )
    return entries
