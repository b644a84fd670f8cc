"""Queries on post_journal: the posts whose outcome is not known yet (see migration 007)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, Row
from storage.timeutil import from_db, to_db

# The front ends a post can come through: each finishes only its own interrupted posts,
# since only it can tell their chats.
TELEGRAM = "telegram"
TERMINAL = "terminal"


@dataclass(frozen=True, slots=True)
class JournalFile:
    name: str
    content: bytes


@dataclass(frozen=True, slots=True)
class JournaledPost:
    id: int
    origin: str
    chat_id: int
    user_id: int
    text: str
    file: JournalFile | None
    received_at: datetime


async def record(
    db: Database,
    *,
    origin: str,
    chat_id: int,
    user_id: int,
    text: str,
    file: JournalFile | None,
    now: datetime,
) -> int:
    """Journal a post before its slow work; returns the entry's id."""
    async with db.transaction() as tx:
        cursor = await tx.execute(
            "INSERT INTO post_journal"
            " (origin, chat_id, user_id, text, file_name, file_bytes, received_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                origin,
                chat_id,
                user_id,
                text,
                None if file is None else file.name,
                None if file is None else file.content,
                to_db(now),
            ),
        )
        entry = cursor.lastrowid
        await cursor.close()
    assert entry is not None
    return entry


async def remove(db: Database, entry: int) -> None:
    """The post's outcome is known (and, after a restart, told): forget it."""
    await db.execute("DELETE FROM post_journal WHERE id = ?", [entry])


async def pending(db: Database, origin: str, chat_id: int | None = None) -> list[JournaledPost]:
    """The posts a front end left unfinished, oldest first (optionally one chat's only)."""
    sql = "SELECT * FROM post_journal WHERE origin = ?"
    params: list[object] = [origin]
    if chat_id is not None:
        sql += " AND chat_id = ?"
        params.append(chat_id)
    rows = await db.fetchall(sql + " ORDER BY id", params)
    return [_entry(row) for row in rows]


def _entry(row: Row) -> JournaledPost:
    received = from_db(row["received_at"])
    assert received is not None  # NOT NULL
    file = None
    if row["file_name"] is not None:
        file = JournalFile(row["file_name"], bytes(row["file_bytes"] or b""))
    return JournaledPost(
        id=row["id"],
        origin=row["origin"],
        chat_id=row["chat_id"],
        user_id=row["user_id"],
        text=row["text"],
        file=file,
        received_at=received,
    )


async def count(db: Database) -> int:
    return int(await db.scalar("SELECT count(*) FROM post_journal"))
