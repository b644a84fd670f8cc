"""Reading a file or standard input the user named, without trusting its size or its kind.

A path can name /dev/zero, a FIFO nobody writes to, or a file far larger than anything
Khabar takes. Reading such a thing whole runs out of memory or never returns, so every
read here is bounded: a whole article is read to at most `limit + 1` bytes (one more than
allowed is enough to know it is too large), a JSONL file one bounded line at a time. What
a path names is checked by stat before it is opened, and opened without blocking, so a FIFO
cannot stall the open itself.

The Hindi reason for a file that cannot be read lives here too, next to the reads that fail.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from dataclasses import dataclass

# typing is not imported at run time: `khabar summarize --jsonl` starts faster without it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import BinaryIO

# Opening a FIFO for reading waits for a writer unless O_NONBLOCK is given; on a regular
# file the flag changes nothing. Not every platform has the flags.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)

# Skipping the rest of an over-long line reads it in pieces of this size.
_SKIP_CHUNK = 1 << 16

# A JSONL line longer than this is skipped unread: a whole article (MAX_INPUT_CHARS
# characters, each written as a 6-byte \\u escape) still fits.
MAX_JSONL_LINE = 16 * 1024 * 1024


class NotARegularFile(OSError):
    """A FIFO, device or socket where a file was expected: reading one may never end."""

    def __init__(self, path: str) -> None:
        super().__init__(errno.EINVAL, "not a regular file", path)


@dataclass(frozen=True, slots=True)
class Bounded:
    """At most `limit` bytes of an input; `too_large` when there was more."""

    data: bytes
    too_large: bool


def _check_kind(mode: int, path: str, *, pipes: bool) -> None:
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
    if not (stat.S_ISREG(mode) or (pipes and stat.S_ISFIFO(mode))):
        raise NotARegularFile(path)


def open_input(path: str, *, pipes: bool = False) -> BinaryIO:
    """Open `path` for reading; anything but a regular file (or, with `pipes`, a FIFO or
    pipe such as a shell's `<(...)`) raises NotARegularFile before any byte is read.

    The kind is checked twice: by path before opening (so a device is never opened) and on
    the open descriptor (the path may have been replaced in between).
    """
    _check_kind(os.stat(path).st_mode, path, pipes=pipes)
    # A FIFO that is taken waits for its writer, as `cat` does; one that is refused is
    # never waited for, even if the path became a FIFO since the check.
    fd = os.open(path, _OPEN_FLAGS if pipes else _OPEN_FLAGS | _NONBLOCK)
    try:
        _check_kind(os.fstat(fd).st_mode, path, pipes=pipes)
        if not pipes:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_stream(stream: BinaryIO, limit: int) -> Bounded:
    """At most `limit` bytes of an open stream (standard input), and whether it had more."""
    data = stream.read(limit + 1)
    return Bounded(data[:limit], len(data) > limit)


def read_file(path: str, limit: int) -> Bounded:
    """At most `limit` bytes of the regular file at `path`, and whether it had more."""
    with open_input(path) as handle:
        return read_stream(handle, limit)


def bounded_lines(stream: BinaryIO, max_line: int) -> Iterator[bytes | None]:
    """Each line of `stream` (newline included), or None for a line over `max_line` bytes,
    whose rest is skipped without being kept."""
    while line := stream.readline(max_line + 1):
        if len(line) <= max_line or line.endswith(b"\n"):
            yield line
            continue
        while (rest := stream.readline(_SKIP_CHUNK)) and not rest.endswith(b"\n"):
            pass
        yield None


def open_lines(target: str) -> Iterator[str | None]:
    """Lines of a file or pipe, or of standard input for "-", decoded as UTF-8 (bad bytes
    replaced); None stands for a line over MAX_JSONL_LINE bytes."""
    if target == "-":
        yield from _decoded(bounded_lines(sys.stdin.buffer, MAX_JSONL_LINE))
        return
    with open_input(target, pipes=True) as handle:
        yield from _decoded(bounded_lines(handle, MAX_JSONL_LINE))


def _decoded(lines: Iterator[bytes | None]) -> Iterator[str | None]:
    for raw in lines:
        yield None if raw is None else raw.decode("utf-8", "replace")


def os_reason(exc: OSError) -> str:
    """A short Hindi reason for a file that cannot be read, instead of "[Errno 2] ..."."""
    from bot import texts  # only when there is an error to tell

    if isinstance(exc, NotARegularFile):
        return texts.FILE_NOT_REGULAR
    if isinstance(exc, FileNotFoundError):
        return texts.FILE_NOT_FOUND
    if isinstance(exc, IsADirectoryError):
        return texts.FILE_IS_FOLDER
    if isinstance(exc, PermissionError):
        return texts.FILE_NO_PERMISSION
    return texts.FILE_UNREADABLE.format(detail=exc.strerror or type(exc).__name__)
