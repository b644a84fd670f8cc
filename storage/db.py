"""The one owner of the SQLite connection: pragmas, migrations, transactions."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from storage import linking

log = logging.getLogger(__name__)

Row = aiosqlite.Row


def _migrations() -> list[tuple[int, str]]:
    """Numbered .sql files shipped in storage/migrations, in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:3].isdigit():
            found.append((int(name[:3]), entry.read_text(encoding="utf-8")))
    return sorted(found)


class DatabaseUnavailable(Exception):
    """The database file cannot be used; `reason` is short Hindi an operator can act on.

    The CLI prints it as one line instead of a sqlite3 traceback, so it never names the
    library, only the path and what is wrong with it.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


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
        raise DatabaseUnavailable(str(path), "यह फ़ोल्डर है, डेटाबेस फ़ाइल नहीं (--db को फ़ाइल का रास्ता दें)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnavailable(
            str(path), f"इसका फ़ोल्डर नहीं बन सका ({exc.strerror or exc})"
        ) from exc


def _sqlite_reason(exc: sqlite3.Error) -> str:
    """A Hindi reason for the errors an operator can cause, with SQLite's own words after."""
    text = str(exc)
    lowered = text.lower()
    if "not a database" in lowered:
        return f"यह SQLite डेटाबेस फ़ाइल नहीं है ({text})"
    if "unable to open" in lowered:
        return f"फ़ाइल खुल नहीं सकी: रास्ता और अनुमति जाँचें ({text})"
    if "readonly" in lowered or "read-only" in lowered:
        return f"फ़ाइल में लिखने की अनुमति नहीं ({text})"
    if "locked" in lowered or "busy" in lowered:
        return f"डेटाबेस किसी और प्रक्रिया ने रोक रखा है ({text})"
    if "malformed" in lowered or "corrupt" in lowered:
        return f"डेटाबेस फ़ाइल ख़राब है ({text})"
    return f"SQLite त्रुटि ({text})"


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

    def __init__(self, path: str | Path, busy_patience: float = BUSY_PATIENCE) -> None:
        self.path = str(path)
        self.busy_patience = busy_patience
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
        """Connect, migrate and backfill, or raise DatabaseUnavailable naming the path.

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
            raise DatabaseUnavailable(self.path, _sqlite_reason(exc)) from exc
        except BaseException:
            await _join_worker(conn)
            raise
        try:
            self._conn.row_factory = aiosqlite.Row
            await self._prepare()
        except BaseException as exc:
            await self.close()
            if isinstance(exc, sqlite3.Error):
                raise DatabaseUnavailable(self.path, _sqlite_reason(exc)) from exc
            raise
        return self

    async def _prepare(self) -> None:
        """Settings, migrations and backfill, tried again while another process opening the
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
                await self.backfill()
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() - started >= self.busy_patience:
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
        """Close; an SQLite error that ended the block becomes DatabaseUnavailable, so a
        command shows one line naming the database rather than a traceback."""
        await self.close()
        if isinstance(exc, sqlite3.Error):
            raise DatabaseUnavailable(self.path, _sqlite_reason(exc)) from exc

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
                f"डेटाबेस का स्कीमा {found} ख़बर के नए संस्करण का है, यह संस्करण {latest} तक "
                "ही जानता है: ख़बर को अपडेट करें (डेटाबेस में कुछ नहीं बदला गया)",
            )

    async def backfill(self) -> int:
        """Do the work a migration left for Python (story signatures need the text
        pipeline); returns the number of stories indexed, 0 at the cost of one lookup."""
        if not await linking.backfill_pending(self.conn):
            return 0
        async with self.transaction() as tx:
            return await linking.backfill(tx)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error; use the yielded connection."""
        async with self._write_lock:
            await self._patiently("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                # SQLite itself rolls back on some errors (a full disk, an I/O error); a
                # second ROLLBACK would fail and hide the error that matters.
                if self.conn.in_transaction:
                    await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one write in autocommit mode; returns the affected row count."""
        async with self._write_lock:
            cur = await self._patiently(sql, tuple(params))
            count = cur.rowcount
            await cur.close()
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
                log.warning(
                    "डेटाबेस %s में कोई और प्रक्रिया लिख रही है (%.0f सेकंड से); इंतज़ार जारी",
                    self.path,
                    waited,
                )

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        async with self.conn.execute(sql, tuple(params)) as cur:
            return await cur.fetchone()

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        async with self.conn.execute(sql, tuple(params)) as cur:
            return list(await cur.fetchall())

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
