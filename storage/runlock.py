"""One `khabar run` per database: an exclusive OS lock on a file beside it.

Two bots on one database each page through the same outbox and send every message twice,
so the second one is refused at start. The lock is flock(2) on `<database>.lock`: the
kernel releases it when its process ends, however it ends (SIGKILL and power loss
included), so there is never a stale lock to clear by hand. The file itself stays; its
content (the holder's pid) is only read to name the holder in the refusal.

The database file itself is not locked: SQLite's own POSIX locks on it are dropped when
any descriptor of that file in the process is closed, so a second descriptor on it is a
known way to corrupt a database.
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from storage.db import _check_path
from storage.errors import AlreadyRunning, DatabaseUnavailable, Problem


def lock_path(db_path: Path) -> Path:
    """The lock file beside the database, symlinks resolved: two spellings of one file
    share one lock."""
    resolved = db_path.expanduser().resolve()
    return resolved.with_name(resolved.name + ".lock")


def _holder(fd: int) -> int | None:
    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return int(text) if text.isascii() and text.isdigit() else None


@contextmanager
def hold_run_lock(db_path: Path) -> Iterator[None]:
    """Hold the run lock for the `with` block, or raise AlreadyRunning at once.

    A path that cannot hold a database is DatabaseUnavailable, as when opening it.
    """
    _check_path(db_path.expanduser())
    path = lock_path(db_path)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise DatabaseUnavailable(
            str(db_path), Problem.LOCK_FILE_OPEN, str(exc.strerror or exc), lock=str(path)
        ) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise AlreadyRunning(str(db_path), _holder(fd)) from None
            raise DatabaseUnavailable(
                str(db_path), Problem.LOCK_FILE_LOCK, str(exc.strerror or exc), lock=str(path)
            ) from exc
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)  # still ours: the lock goes only with the close below
    finally:
        os.close(fd)
