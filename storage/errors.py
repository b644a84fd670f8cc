"""The errors storage raises, so no caller handles a database engine's own exceptions.

Each carries plain English detail (the engine's own words) and structured fields; what a
reader or an operator is told about one is the bot's to say (bot/database.py, bot/texts.py).
"""

from __future__ import annotations

from enum import Enum


class StorageError(Exception):
    """Storage could not do what was asked; str() is the engine's own words."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Duplicate(StorageError):
    """A row with the same unique key is already stored (a concurrent writer may have got
    there between a caller's check and its insert)."""


class Busy(StorageError):
    """Another process held the database's write lock past all of storage's patience."""


class DiskFull(StorageError):
    """The disk (or its quota) is full: nothing of the failed write was stored."""


class Problem(Enum):
    """Why a database file cannot be used, for the caller to explain."""

    IS_FOLDER = "is a folder"
    NO_FOLDER = "its folder cannot be made"
    NOT_A_DATABASE = "not a database"
    CANNOT_OPEN = "cannot be opened"
    READ_ONLY = "read-only"
    BUSY = "held by another process"
    CORRUPT = "corrupt"
    NEWER_SCHEMA = "schema of a newer version"
    LOCK_FILE_OPEN = "run lock file cannot be opened"
    LOCK_FILE_LOCK = "run lock file cannot be locked"
    OTHER = "database error"


class DatabaseUnavailable(StorageError):
    """The database file at `path` cannot be used, for the reason `problem`.

    `detail` is the system's or engine's words; `found`/`latest` are the schema versions
    for NEWER_SCHEMA, `lock` the lock file's path for the LOCK_FILE problems.
    """

    def __init__(
        self,
        path: str,
        problem: Problem,
        detail: str = "",
        *,
        found: int = 0,
        latest: int = 0,
        lock: str = "",
    ) -> None:
        super().__init__(detail)
        self.args = (f"{path}: {problem.value}" + (f" ({detail})" if detail else ""),)
        self.path = path
        self.problem = problem
        self.found = found
        self.latest = latest
        self.lock = lock


class AlreadyRunning(StorageError):
    """Another living process holds the database's run lock; `pid` is it, when known."""

    def __init__(self, path: str, pid: int | None) -> None:
        super().__init__(f"{path}: held by {pid}")
        self.path = path
        self.pid = pid
