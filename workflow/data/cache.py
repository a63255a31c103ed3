"""A per-user cache of validated agreements, keyed by the bytes of the file and the code that read it.

Parsing and validating ``agreement.yaml`` is a pure function of its bytes and of the model code, and
costs about a millisecond and a half; `mou list` over a thousand agreements would spend most of its
time doing it again. Like Python's own ``__pycache__``, the result is kept and reused while neither the
file nor the code changed. The cache lives outside the agreements folder (``$MOU_CACHE``, else
``$XDG_CACHE_HOME/mou``, else ``~/.cache/mou``), in a folder only the user can read, so nothing in a
shared or archived folder changes; ``MOU_CACHE=off`` turns it off. Entries are pickles, so a folder
that is not the user's own or that others can write to is never used. A missing, unreadable or damaged
entry is a miss, never an error; an invalid file is never cached, so its problems are always reported.

Language: a parsed document or a validated agreement holds no text for a reader (the problems of an invalid
file are raised, never stored, and are worded afresh in the reader's language each time), so ``cached``
keys need no language. The remembered views of ``memo`` and ``memo_rows`` are text a person reads: the
active language is part of their keys, so a view remembered in English is never shown to an Indonesian
reader (the catalogs are files of the package, so ``code_fingerprint`` changes with a new translation).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
_CODE = ("model.py", "schema.py", "yaml.py", "cache.py")
"""The modules whose code decides what a cached value is: any change to them makes a new key."""


def folder() -> Path | None:
    """Where entries live, or None when the cache is off (``Settings.cache``)."""
    from workflow import config

    return config.current().cache


@cache
def _fingerprint() -> bytes:
    import pickle

    here = Path(__file__).resolve().parent
    h = hashlib.sha256(f"{pickle.HIGHEST_PROTOCOL}".encode())
    for name in _CODE:
        h.update((here / name).read_bytes())
    return h.digest()


@cache
def _private(where: Path) -> bool:
    """Entries are code to the unpickler: use a folder only if it is ours and nobody else can write to it."""
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = where.stat()
    except OSError:
        return False
    if not hasattr(os, "getuid"):  # Windows: no POSIX owner or mode bits; the folder is the user's profile
        return where.is_dir()
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def cached(kind: str, raw: bytes, build: Callable[[], T]) -> T:
    """``build()``, or the value it returned before for the same ``kind``, ``raw`` bytes and code."""
    where = folder()
    if where is None or not _private(where):
        return build()
    import pickle

    key = hashlib.sha256(_fingerprint() + kind.encode() + b"\0" + raw).hexdigest()
    path = where / f"{kind}-{key}.pickle"
    try:
        value: T = pickle.loads(path.read_bytes())
        return value
    except Exception:  # a missing or damaged entry of our own cache is a miss, rebuilt below
        pass
    value = build()
    _store(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value


def _store(path: Path, data: bytes) -> None:
    """Write an entry atomically; a cache that cannot be written is silently not used."""
    import tempfile  # only when writing: its import costs a cold `mou status` 4 ms

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass


def _reader(kind: str) -> bytes:
    """``kind`` and the active language: the first part of the key of a remembered text a person reads."""
    from workflow import i18n

    return kind.encode() + b"\0" + i18n.language().encode()


def memo(kind: str, key: bytes, build: Callable[[], bytes]) -> bytes:
    """``build()``, or the bytes it returned before for the same ``kind``, ``key`` and language (no pickle: plain bytes).

    For views that are a pure function of inputs the caller names in ``key`` (see
    ``workflow.commands.views``). A missing entry is a miss; an entry is written only after ``build``
    returned, so a failure is never remembered.
    """
    where = folder()
    if where is None or not _private(where):
        return build()
    digest = hashlib.sha256(_reader(kind) + b"\0" + key).hexdigest()
    path = where / f"{kind}-{digest}.out"
    try:
        return path.read_bytes()
    except OSError:
        pass
    value = build()
    _store(path, value)
    return value


def memo_rows(kind: str, key: bytes, heads: Mapping[str, str], build: Callable[[str], str]) -> dict[str, str]:
    """Per name of ``heads``: the text ``build(name)`` gave before for the same head (``key`` and language), else now.

    One file per ``kind`` and ``key`` holds every name's head and text, so a view over 10.000 agreements
    after one of them changed builds one row, not 10.000. Rewritten only when a row was built.
    """
    import json

    where = folder()
    if where is None or not _private(where):
        return {name: build(name) for name in heads}
    digest = hashlib.sha256(_reader(kind) + b"\0" + key).hexdigest()
    path = where / f"{kind}-{digest}.json"
    try:
        before = json.loads(path.read_bytes())
        if not isinstance(before, dict):
            before = {}
    except (OSError, ValueError):
        before = {}
    out: dict[str, str] = {}
    kept: dict[str, list[str]] = {}
    built = False
    for name, head in heads.items():
        got = before.get(name)
        if isinstance(got, list) and len(got) == 2 and got[0] == head and isinstance(got[1], str):
            out[name] = got[1]
        else:
            out[name] = build(name)
            built = True
        kept[name] = [head, out[name]]
    if built or len(before) != len(kept):
        _store(path, json.dumps(kept, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return out


def code_fingerprint(extra: tuple[Path, ...] = ()) -> bytes:
    """Size and times of every source file of the package (and of ``extra`` files and folders): a new
    install or an edited module gives a new fingerprint. Costs a directory walk, no reads."""
    from workflow import shipped

    parts: list[str] = []
    for top in (shipped.code(), *extra):
        parts += _stats(top)
    return "\n".join(parts).encode()


def _stats(top: Path) -> list[str]:
    """``path size mtime_ns ctime_ns`` of a file, or of every file under a folder (``__pycache__`` left out)."""
    try:
        if top.is_file():
            st = top.stat()
            return [f"{top} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}"]
        out: list[str] = []
        for entry in sorted(os.scandir(top), key=lambda e: e.name):
            if entry.is_dir() and entry.name != "__pycache__":
                out += _stats(Path(entry.path))
            elif entry.is_file() and not entry.name.endswith(".pyc"):
                st = entry.stat()
                out.append(f"{entry.path} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}")
        return out
    except OSError:
        return [f"{top} ?"]
