"""The one platform-specific piece of the store: an exclusive, non-blocking lock on an agreement folder.

On POSIX the lock is ``flock`` on the folder's own descriptor, so it creates no file and the files
inside can be replaced by rename while it is held. Windows cannot open a directory for locking, so
there the lock is ``msvcrt.locking`` on the first byte of ``<folder>/.lock``: a file created on first
use and never removed (removing it could let two writers lock two different files). ``.lock`` is
not a leftover of a killed writer: ``workflow.records.store.recover`` and ``verify`` leave it alone.

``fcntl`` and ``msvcrt`` are imported only on the platform that has them, so every module of the
package imports on any operating system. The lock is released when the descriptor is closed,
including when the process dies.
"""

from __future__ import annotations

import errno
import os
import sys
import time
from pathlib import Path

LOCK_FILE = ".lock"
"""Name of the lock file inside an agreement folder (Windows only; POSIX creates no file)."""

POLL = 0.02
"""Seconds between two attempts while another process holds the lock."""


def open_lock_file(folder: Path) -> int:
    """Open (creating it if needed) ``folder/.lock`` for the Windows lock; the caller closes the descriptor.

    Platform-neutral on purpose, so that its behaviour can be tested everywhere.
    """
    return os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)  # not inherited by children (PEP 446)


if sys.platform == "win32":
    import msvcrt

    def _open(folder: Path) -> int:
        return open_lock_file(folder)

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)  # msvcrt.locking locks from the current position
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # one byte; locking past the end of the file is allowed
        except OSError as err:
            if err.errno in (errno.EACCES, errno.EDEADLOCK):  # another handle holds it
                return False
            raise
        return True

    def _release(fd: int) -> None:
        # Windows releases the locks of a closed handle only "eventually": unlock explicitly first.
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        finally:
            os.close(fd)

else:
    import fcntl

    def _open(folder: Path) -> int:
        return os.open(folder, os.O_RDONLY)

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another open file description holds it
            return False
        return True

    def _release(fd: int) -> None:
        os.close(fd)  # closing the descriptor releases the lock


def acquire(folder: Path, timeout: float) -> int | None:
    """Lock ``folder``, retrying every ``POLL`` seconds for up to ``timeout`` seconds.

    Returns the descriptor that holds the lock (give it to ``release``), or None if another process
    held the lock for the whole time.
    """
    fd = _open(folder)
    deadline = time.monotonic() + timeout
    locked = False
    try:
        while not (locked := _try_lock(fd)) and time.monotonic() <= deadline:
            time.sleep(POLL)
    finally:
        if not locked:
            os.close(fd)
    return fd if locked else None


def release(fd: int) -> None:
    """Release a lock taken by ``acquire`` and close its descriptor."""
    _release(fd)
