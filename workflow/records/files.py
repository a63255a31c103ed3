"""Atomic file writes: readers see the old bytes or the new, never half; an earlier version is never replaced."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` all at once: readers see the old file or the new, never half."""
    tmp = _temp_beside(path, data)
    try:
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_new(path: Path, data: bytes) -> None:
    """Create ``path`` with ``data`` atomically; raise FileExistsError rather than replace it."""
    tmp = _temp_beside(path, data)
    try:
        os.link(tmp, path)  # fails if the name exists: an earlier version is never replaced
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)


def _temp_beside(path: Path, data: bytes) -> Path:
    import tempfile  # only when writing: its import costs a cold `mou status` 4 ms

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
