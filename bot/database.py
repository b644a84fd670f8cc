"""The database as the bot opens it, and what the bot says when it cannot be used.

Storage's Database knows only SQL; the bot adds the upkeep on open that needs the text
pipeline (indexing an archive stored before the story index existed) and the Hindi for
storage's errors. Every front end and command opens its database here.
"""

from __future__ import annotations

from pathlib import Path

from bot import linking, texts
from storage.db import BUSY_PATIENCE, Database
from storage.errors import DatabaseUnavailable, Problem

_REASONS = {
    Problem.IS_FOLDER: texts.DB_IS_FOLDER,
    Problem.NO_FOLDER: texts.DB_NO_FOLDER,
    Problem.NOT_A_DATABASE: texts.DB_NOT_A_DATABASE,
    Problem.CANNOT_OPEN: texts.DB_CANNOT_OPEN,
    Problem.READ_ONLY: texts.DB_READ_ONLY,
    Problem.BUSY: texts.DB_BUSY,
    Problem.CORRUPT: texts.DB_CORRUPT,
    Problem.NEWER_SCHEMA: texts.DB_NEWER_SCHEMA,
    Problem.LOCK_FILE_OPEN: texts.DB_LOCK_FILE_OPEN,
    Problem.LOCK_FILE_LOCK: texts.DB_LOCK_FILE_LOCK,
    Problem.OTHER: texts.DB_OTHER,
}


def database(path: str | Path, busy_patience: float = BUSY_PATIENCE) -> Database:
    """The (not yet opened) database at `path`, which backfills the story index on open
    and logs its waits for another process's writes in Hindi."""
    return Database(
        path,
        busy_patience,
        on_open=linking.backfill,
        waiting_log=texts.DATABASE_WAITING_LOG,
    )


def unavailable_reason(exc: DatabaseUnavailable) -> str:
    """Why the database cannot be used, in short Hindi an operator can act on."""
    return _REASONS[exc.problem].format(
        detail=exc.detail, found=exc.found, latest=exc.latest, lock=exc.lock
    )


def unavailable_line(exc: DatabaseUnavailable) -> str:
    """The one line a command prints instead of a traceback."""
    return texts.DATABASE_UNAVAILABLE.format(path=exc.path, reason=unavailable_reason(exc))
