"""Queries on stories: the threads that articles belong to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.db import Database
from storage.timeutil import from_db, to_db


@dataclass(frozen=True, slots=True)
class Story:
    id: int
    title: str
    created_at: datetime
    updated_at: datetime
    article_count: int


_SELECT = (
    "SELECT s.id, s.title, s.created_at, s.updated_at,"
    " (SELECT count(*) FROM articles a WHERE a.story_id = s.id) AS article_count"
    " FROM stories s"
)


def _from_row(row: aiosqlite.Row) -> Story:
    created, updated = from_db(row["created_at"]), from_db(row["updated_at"])
    assert created is not None and updated is not None
    return Story(row["id"], row["title"], created, updated, row["article_count"])


async def create(tx: aiosqlite.Connection, title: str, at: datetime) -> int:
    cur = await tx.execute(
        "INSERT INTO stories (title, created_at, updated_at) VALUES (?, ?, ?)",
        (title, to_db(at), to_db(at)),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


async def touch(tx: aiosqlite.Connection, story_id: int, at: datetime) -> None:
    await tx.execute("UPDATE stories SET updated_at = ? WHERE id = ?", (to_db(at), story_id))


async def get(db: Database, story_id: int) -> Story | None:
    row = await db.fetchone(f"{_SELECT} WHERE s.id = ?", [story_id])
    return None if row is None else _from_row(row)


async def recent(db: Database, limit: int = 10) -> list[Story]:
    rows = await db.fetchall(f"{_SELECT} ORDER BY s.updated_at DESC, s.id DESC LIMIT ?", [limit])
    return [_from_row(r) for r in rows]


async def count(db: Database) -> int:
    return int(await db.scalar("SELECT count(*) FROM stories"))


async def delete(tx: aiosqlite.Connection, story_id: int) -> None:
    """Remove an emptied story; its follows and seen facts go with it (ON DELETE CASCADE)."""
    await tx.execute("DELETE FROM stories WHERE id = ?", (story_id,))
