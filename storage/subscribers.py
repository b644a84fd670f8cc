"""Queries on subscribers: who gets a digest, when, and in which zone."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.db import Database
from storage.timeutil import from_db, to_db


@dataclass(frozen=True, slots=True)
class Subscriber:
    chat_id: int
    first_name: str | None
    active: bool
    digest_time: str
    tz: str
    next_digest_at: datetime | None
    last_digest_at: datetime | None
    created_at: datetime
    quiet_start: str | None = None
    quiet_end: str | None = None


_COLUMNS = (
    "chat_id, first_name, active, digest_time, tz, next_digest_at, last_digest_at, created_at"
)
_SELECT = f"SELECT {_COLUMNS}, quiet_start, quiet_end FROM subscribers"


def _from_row(row: aiosqlite.Row) -> Subscriber:
    created = from_db(row["created_at"])
    assert created is not None
    return Subscriber(
        chat_id=row["chat_id"],
        first_name=row["first_name"],
        active=bool(row["active"]),
        digest_time=row["digest_time"],
        tz=row["tz"],
        next_digest_at=from_db(row["next_digest_at"]),
        last_digest_at=from_db(row["last_digest_at"]),
        created_at=created,
        quiet_start=row["quiet_start"],
        quiet_end=row["quiet_end"],
    )


async def get(db: Database, chat_id: int) -> Subscriber | None:
    row = await db.fetchone(f"{_SELECT} WHERE chat_id = ?", [chat_id])
    return None if row is None else _from_row(row)


async def create(
    db: Database,
    *,
    chat_id: int,
    first_name: str | None,
    digest_time: str,
    tz: str,
    next_digest_at: datetime,
    now: datetime,
) -> None:
    await db.execute(
        f"INSERT INTO subscribers ({_COLUMNS}, updated_at) VALUES (?, ?, 1, ?, ?, ?, NULL, ?, ?)",
        [chat_id, first_name, digest_time, tz, to_db(next_digest_at), to_db(now), to_db(now)],
    )


async def activate(db: Database, chat_id: int, next_digest_at: datetime, now: datetime) -> None:
    await db.execute(
        "UPDATE subscribers SET active = 1, next_digest_at = ?, updated_at = ? WHERE chat_id = ?",
        [to_db(next_digest_at), to_db(now), chat_id],
    )


async def deactivate(db: Database, chat_id: int, now: datetime, reason: str) -> tuple[bool, int]:
    """Stop sending to a chat; its settings and follows stay for a later /start.

    Its pending deliveries are given up (none surfaces stale after a comeback), and their
    articles no longer count as received, so the stories can still reach the reader.
    Returns (whether it was active, how many deliveries were given up).
    """
    async with db.transaction() as tx:
        cur = await tx.execute(
            "UPDATE subscribers SET active = 0, next_digest_at = NULL, updated_at = ?"
            " WHERE chat_id = ? AND active = 1",
            (to_db(now), chat_id),
        )
        was_active = cur.rowcount > 0
        await tx.execute(
            "DELETE FROM received WHERE chat_id = ? AND delivery_id IN"
            " (SELECT id FROM deliveries WHERE chat_id = ? AND state = 'pending')",
            (chat_id, chat_id),
        )
        cur = await tx.execute(
            "UPDATE deliveries SET state = 'failed', last_error = ?"
            " WHERE chat_id = ? AND state = 'pending'",
            (reason[:500], chat_id),
        )
        return was_active, cur.rowcount


async def set_schedule(
    db: Database,
    chat_id: int,
    *,
    digest_time: str,
    tz: str,
    next_digest_at: datetime | None,
    now: datetime,
) -> None:
    await db.execute(
        "UPDATE subscribers SET digest_time = ?, tz = ?, next_digest_at = ?, updated_at = ?"
        " WHERE chat_id = ?",
        [
            digest_time,
            tz,
            None if next_digest_at is None else to_db(next_digest_at),
            to_db(now),
            chat_id,
        ],
    )


async def due(
    db: Database, now: datetime, limit: int = 500, chat_id: int | None = None
) -> list[Subscriber]:
    """Active subscribers whose digest time has come; `chat_id` narrows it to one chat."""
    rows = await db.fetchall(
        f"{_SELECT} WHERE active = 1 AND next_digest_at <= ?"
        " AND (? IS NULL OR chat_id = ?) ORDER BY next_digest_at LIMIT ?",
        [to_db(now), chat_id, chat_id, limit],
    )
    return [_from_row(r) for r in rows]


async def advance(
    tx: aiosqlite.Connection,
    chat_id: int,
    *,
    next_digest_at: datetime,
    last_digest_at: datetime | None,
    expected: datetime | None = None,
) -> bool:
    """Move the next due time on; last_digest_at only changes when a digest was enqueued.

    With `expected`, only if the row still has that due time and is active: a reader's
    /time, /tz or /stop that landed while the tick worked wins over the tick's stale copy.
    Returns whether the row was changed.
    """
    cur = await tx.execute(
        "UPDATE subscribers SET next_digest_at = ?,"
        " last_digest_at = coalesce(?, last_digest_at) WHERE chat_id = ? AND active = 1"
        " AND (? IS NULL OR next_digest_at = ?)",
        (
            to_db(next_digest_at),
            None if last_digest_at is None else to_db(last_digest_at),
            chat_id,
            None if expected is None else to_db(expected),
            None if expected is None else to_db(expected),
        ),
    )
    return cur.rowcount > 0


async def migrate_chat(db: Database, old_chat_id: int, new_chat_id: int) -> None:
    """Telegram moved a group to a supergroup id; ON UPDATE CASCADE carries its history."""
    await db.execute(
        "UPDATE subscribers SET chat_id = ? WHERE chat_id = ?", [new_chat_id, old_chat_id]
    )


async def counts(db: Database) -> tuple[int, int]:
    row = await db.fetchone(
        "SELECT coalesce(sum(active), 0), coalesce(sum(1 - active), 0) FROM subscribers"
    )
    assert row is not None
    return int(row[0]), int(row[1])


async def set_quiet(
    db: Database, chat_id: int, start: str | None, end: str | None, now: datetime
) -> None:
    await db.execute(
        "UPDATE subscribers SET quiet_start = ?, quiet_end = ?, updated_at = ? WHERE chat_id = ?",
        [start, end, to_db(now), chat_id],
    )


async def due_times(tx: aiosqlite.Connection, chat_ids: Sequence[int]) -> dict[int, str]:
    """The stored next_digest_at of these chats, as text, for the active ones."""
    async with tx.execute(
        "SELECT chat_id, next_digest_at FROM subscribers"
        " WHERE chat_id IN (SELECT value FROM json_each(?)) AND active = 1",
        (json.dumps(list(chat_ids)),),
    ) as cur:
        return {r[0]: r[1] for r in await cur.fetchall() if r[1] is not None}


async def advance_many(
    tx: aiosqlite.Connection,
    rows: Iterable[tuple[int, datetime, datetime | None, datetime | None]],
) -> None:
    """`advance` for many (chat_id, next_digest_at, last_digest_at, expected) at once."""
    params = []
    for chat_id, next_at, last_at, expected in rows:
        was = None if expected is None else to_db(expected)
        last = None if last_at is None else to_db(last_at)
        params.append((to_db(next_at), last, chat_id, was, was))
    await tx.executemany(
        "UPDATE subscribers SET next_digest_at = ?,"
        " last_digest_at = coalesce(?, last_digest_at) WHERE chat_id = ? AND active = 1"
        " AND (? IS NULL OR next_digest_at = ?)",
        params,
    )
