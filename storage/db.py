"""The one owner of the SQLite connection: pragmas, migrations, transactions.

SQLite's exceptions end here: everything this module runs raises storage.errors instead.
Work on open that needs more than SQL (the story index of an old archive needs the text
pipeline) is given by the caller as an `on_open` hook, so storage imports nothing above it.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any, TypeAlias

import aiosqlite

from storage.errors import (
    AlreadyRunning,
    Busy,
    DatabaseUnavailable,
    DiskFull,
    Duplicate,
    Problem,
    StorageError,
)

log = logging.getLogger(__name__)

Row = aiosqlite.Row
# What `Database.transaction()` yields: the storage modules' write functions take it.
Transaction: TypeAlias = aiosqlite.Connection
# Run by `Database.open` after the migrations, inside its retries (so it must be idempotent).
OnOpen: TypeAlias = "Callable[[Database], Awaitable[object]]"
WAITING_LOG = "database %s is being written by another process (for %.0f s); still waiting"


def _migrations() -> list[tuple[int, str]]:
    """Numbered .sql files shipped in storage/migrations, in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:3].isdigit():
            found.append((int(name[:3]), entry.read_text(encoding="utf-8")))
    return sorted(found)


# How long SQLite itself waits for another process's write lock, and how long a write
# goes on retrying after that (see Database._patiently): Khabar's own transactions take
# milliseconds, so only a long migration or an operator's open transaction waits this long.
BUSY_TIMEOUT_MS = 5000
BUSY_PATIENCE = 60.0


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _check_path(path: Path) -> None:
    """Refuse a folder or a parent that cannot be made before SQLite gives a vaguer error."""
    if path.is_dir():
        raise DatabaseUnavailable(str(path), Problem.IS_FOLDER)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnavailable(str(path), Problem.NO_FOLDER, str(exc.strerror or exc)) from exc


def _problem(text: str) -> Problem:
    """Which of the problems an operator can cause SQLite's words describe."""
    lowered = text.lower()
    if "not a database" in lowered:
        return Problem.NOT_A_DATABASE
    if "unable to open" in lowered:
        return Problem.CANNOT_OPEN
    if "readonly" in lowered or "read-only" in lowered:
        return Problem.READ_ONLY
    if "locked" in lowered or "busy" in lowered:
        return Problem.BUSY
    if "malformed" in lowered or "corrupt" in lowered:
        return Problem.CORRUPT
    return Problem.OTHER


def _unavailable(path: str, exc: BaseException) -> DatabaseUnavailable:
    return DatabaseUnavailable(path, _problem(str(exc)), str(exc))


def _is_engine_error(exc: BaseException | None) -> bool:
    """An error of the engine (raw or translated), not one storage raised on purpose."""
    if isinstance(exc, (DatabaseUnavailable, AlreadyRunning)):
        return False
    return isinstance(exc, (sqlite3.Error, StorageError))


# SQLite's extended result codes for a broken UNIQUE or PRIMARY KEY constraint.
_DUPLICATE_CODES = {2067, 1555}


def _translate(exc: sqlite3.Error) -> StorageError:
    """Storage's own error for one of SQLite's, with SQLite's words as its detail."""
    code = getattr(exc, "sqlite_errorcode", 0)
    detail = str(exc)
    if isinstance(exc, sqlite3.IntegrityError) and (
        code in _DUPLICATE_CODES or "UNIQUE constraint" in detail
    ):
        return Duplicate(detail)
    if code & 0xFF == sqlite3.SQLITE_FULL:
        return DiskFull(detail)
    if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
        return Busy(detail)
    return StorageError(detail)


async def _join_worker(conn: aiosqlite.Connection) -> None:
    """Wait for the worker thread of a connection whose connect failed.

    aiosqlite stops that thread itself but does not wait: the thread then answers on an
    event loop `asyncio.run` has closed and prints "Event loop is closed".
    """
    thread = getattr(conn, "_thread", None)
    if thread is not None and thread.is_alive():
        await asyncio.to_thread(thread.join, 5)


class Database:
    """Holds the single aiosqlite connection the whole process shares.

    aiosqlite runs every statement on one worker thread, so one connection serialises
    writes without "database is locked" errors between our own tasks; WAL lets the CLI
    read while the bot writes.
    """

    def __init__(
        self,
        path: str | Path,
        busy_patience: float = BUSY_PATIENCE,
        *,
        on_open: OnOpen | None = None,
        waiting_log: str = WAITING_LOG,
    ) -> None:
        """`on_open` runs after the migrations each time the database opens; `waiting_log`
        is the WARNING logged (with the path and seconds waited) while another process
        holds the write lock, in the words of whoever reads the log."""
        self.path = str(path)
        self.busy_patience = busy_patience
        self.on_open = on_open
        self.waiting_log = waiting_log
        self._conn: aiosqlite.Connection | None = None
        # One writer at a time: a statement from another task must not land inside (and
        # roll back with) someone else's open transaction on the shared connection.
        self._write_lock = asyncio.Lock()

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    async def open(self) -> Database:
        """Connect, migrate and run `on_open`, or raise DatabaseUnavailable naming the path.

        Every failure closes the connection again: aiosqlite's worker is a non-daemon
        thread, so a connection left open on an error path kept the process alive forever
        after the error was printed.
        """
        if self.path != ":memory:":
            _check_path(Path(self.path).expanduser())
        conn = aiosqlite.connect(Path(self.path).expanduser(), isolation_level=None)
        try:
            self._conn = await conn
        except sqlite3.Error as exc:
            await _join_worker(conn)
            raise _unavailable(self.path, exc) from exc
        except BaseException:
            await _join_worker(conn)
            raise
        try:
            self._conn.row_factory = aiosqlite.Row
            await self._prepare()
        except BaseException as exc:
            await self.close()
            if _is_engine_error(exc):
                raise _unavailable(self.path, exc) from exc
            raise
        return self

    async def _prepare(self) -> None:
        """Settings, migrations and `on_open`, tried again while another process opening the
        same new file holds it: SQLite answers "database is locked" at once, without calling
        the busy handler, to a connection that meets another one's switch to WAL or its first
        reads of the new WAL. Every step is idempotent (the migrations re-read the version
        inside their transaction), so a retry is safe."""
        started = time.monotonic()
        while True:
            try:
                # First: switching a new file to WAL waits for the lock like any write.
                await self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
                await self.conn.execute("PRAGMA journal_mode = WAL")
                await self.conn.execute("PRAGMA foreign_keys = ON")
                await self.conn.execute("PRAGMA synchronous = NORMAL")
                await self.migrate()
                if self.on_open is not None:
                    await self.on_open(self)
                return
            except (sqlite3.OperationalError, Busy) as exc:
                busy = isinstance(exc, Busy) or _is_busy(exc)
                if not busy or time.monotonic() - started >= self.busy_patience:
                    raise
                if self.conn.in_transaction:
                    await self.conn.execute("ROLLBACK")
                await asyncio.sleep(0.05)

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    async def __aenter__(self) -> Database:
        return await self.open()

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: object
    ) -> None:
        """Close; a database error that ended the block becomes DatabaseUnavailable, so a
        command shows one line naming the database rather than a traceback."""
        await self.close()
        if _is_engine_error(exc):
            assert exc is not None
            raise _unavailable(self.path, exc) from exc

    async def schema_version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def migrate(self) -> None:
        """Apply each migration newer than PRAGMA user_version in its own transaction.

        Several processes may open a new database at once (`khabar ingest` started in
        parallel, the bot and the terminal chat): the version is read again inside each
        migration's write transaction, so one process applies it and the others, waiting
        on the write lock, see it done and skip it instead of creating the tables twice.
        A database from a newer Khabar is refused before anything is written to it.
        """
        known = _migrations()
        latest = known[-1][0] if known else 0
        current = await self.schema_version()
        self._refuse_newer(current, latest)
        if current == latest:
            return
        for version, sql in known:
            if version <= current:
                continue
            async with self.transaction():
                current = await self.schema_version()
                self._refuse_newer(current, latest)
                if version <= current:
                    continue
                log.info("applying schema migration %03d", version)
                for statement in _statements(sql):
                    await self.conn.execute(statement)
                await self.conn.execute(f"PRAGMA user_version = {version:d}")

    def _refuse_newer(self, found: int, latest: int) -> None:
        """A schema this version does not know could mean anything: writing to it may
        corrupt what a newer Khabar stored, so the operator is told to upgrade instead."""
        if found > latest:
            raise DatabaseUnavailable(
                self.path,
                Problem.NEWER_SCHEMA,
                f"schema {found}, known up to {latest}",
                found=found,
                latest=latest,
            )

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error; use the yielded connection.

        An SQLite error inside the block leaves it as storage's own (storage.errors)."""
        async with self._write_lock:
            try:
                await self._patiently("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise _translate(exc) from exc
            try:
                yield self.conn
            except BaseException as exc:
                # SQLite itself rolls back on some errors (a full disk, an I/O error); a
                # second ROLLBACK would fail and hide the error that matters.
                if self.conn.in_transaction:
                    await self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise _translate(exc) from exc
                raise
            else:
                try:
                    await self.conn.execute("COMMIT")
                except sqlite3.Error as exc:
                    raise _translate(exc) from exc

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one write in autocommit mode; returns the affected row count."""
        async with self._write_lock:
            try:
                cur = await self._patiently(sql, tuple(params))
                count = cur.rowcount
                await cur.close()
            except sqlite3.Error as exc:
                raise _translate(exc) from exc
            return count

    async def _patiently(self, sql: str, params: tuple[Any, ...] = ()) -> aiosqlite.Cursor:
        """Run a statement that takes the write lock, waiting out another process's writes.

        Another process (khabar ingest, the terminal chat, a migration, an operator's
        sqlite3 shell) may hold the write lock longer than SQLite's busy_timeout. A failed
        attempt changed nothing, so it is tried again, with one WARNING line per wait, until
        `busy_patience` has passed; only then does "database is locked" reach the caller.
        """
        started = time.monotonic()
        while True:
            try:
                return await self.conn.execute(sql, params)
            except sqlite3.OperationalError as exc:
                waited = time.monotonic() - started
                if not _is_busy(exc) or waited >= self.busy_patience:
                    raise
                log.warning(self.waiting_log, self.path, waited)

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        try:
            async with self.conn.execute(sql, tuple(params)) as cur:
                return await cur.fetchone()
        except sqlite3.Error as exc:
            raise _translate(exc) from exc

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        try:
            async with self.conn.execute(sql, tuple(params)) as cur:
                return list(await cur.fetchall())
        except sqlite3.Error as exc:
            raise _translate(exc) from exc

    async def scalar(self, sql: str, params: Iterable[Any] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


def _statements(script: str) -> list[str]:
    """Split a migration into statements; sqlite3.complete_statement knows about quotes."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        if not buf and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
