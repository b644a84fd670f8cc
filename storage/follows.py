"""Queries on follows: who follows which story."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

import aiosqlite

from storage.db import Database
from storage.timeutil import to_db


async def follow(db: Database, chat_id: int, story_id: int, now: datetime) -> bool:
    """True when this is a new follow."""
    changed = await db.execute(
        "INSERT INTO follows (chat_id, story_id, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        [chat_id, story_id, to_db(now)],
    )
    return changed > 0


async def unfollow(db: Database, chat_id: int, story_id: int) -> bool:
    changed = await db.execute(
        "DELETE FROM follows WHERE chat_id = ? AND story_id = ?", [chat_id, story_id]
    )
    return changed > 0


async def is_following(db: Database, chat_id: int, story_id: int) -> bool:
    row = await db.fetchone(
        "SELECT 1 FROM follows WHERE chat_id = ? AND story_id = ?", [chat_id, story_id]
    )
    return row is not None


async def followed_among(db: Database, chat_id: int, story_ids: Iterable[int]) -> set[int]:
    ids = list(story_ids)
    if not ids:
        return set()
    marks = ",".join("?" * len(ids))
    rows = await db.fetchall(
        f"SELECT story_id FROM follows WHERE chat_id = ? AND story_id IN ({marks})",
        [chat_id, *ids],
    )
    return {r[0] for r in rows}


async def stories_of(db: Database, chat_id: int) -> list[int]:
    rows = await db.fetchall(
        "SELECT story_id FROM follows WHERE chat_id = ? ORDER BY created_at DESC, story_id DESC",
        [chat_id],
    )
    return [r[0] for r in rows]


async def followers(db: Database, story_id: int, after_chat: int, limit: int) -> list[int]:
    """Active followers of a story, in pages (keyset on chat_id) so memory stays flat."""
    rows = await db.fetchall(
        "SELECT f.chat_id FROM follows f JOIN subscribers s ON s.chat_id = f.chat_id"
        " WHERE f.story_id = ? AND f.chat_id > ? AND s.active = 1"
        " ORDER BY f.chat_id LIMIT ?",
        [story_id, after_chat, limit],
    )
    return [r[0] for r in rows]


async def active_followers_by_settings(
    db: Database, story_id: int
) -> list[tuple[str, str | None, str | None, int]]:
    """Active followers of a story counted per (zone, quiet_start, quiet_end).

    Whether a follower is in quiet hours needs their zone, which SQL cannot convert; the
    distinct settings are few, so the caller checks each group instead of each follower.
    """
    rows = await db.fetchall(
        "SELECT s.tz, s.quiet_start, s.quiet_end, count(*) FROM follows f"
        " JOIN subscribers s ON s.chat_id = f.chat_id WHERE f.story_id = ? AND s.active = 1"
        " GROUP BY s.tz, s.quiet_start, s.quiet_end",
        [story_id],
    )
    return [(r[0], r[1], r[2], int(r[3])) for r in rows]


async def move_followers(tx: aiosqlite.Connection, from_story: int, to_story: int) -> None:
    """When a story is emptied by an admin's correction, its followers follow the target.

    The emptied story keeps its row (its number is never reused), so its follows are
    removed here rather than by ON DELETE CASCADE.
    """
    await tx.execute(
        "INSERT INTO follows (chat_id, story_id, created_at)"
        " SELECT chat_id, ?, created_at FROM follows WHERE story_id = ? ON CONFLICT DO NOTHING",
        (to_story, from_story),
    )
    await tx.execute("DELETE FROM follows WHERE story_id = ?", (from_story,))


async def followed_by(db: Database, chat_ids: Sequence[int]) -> dict[int, set[int]]:
    """The stories each of these chats follows (a primary-key range per chat)."""
    rows = await db.fetchall(
        "SELECT chat_id, story_id FROM follows WHERE chat_id IN (SELECT value FROM json_each(?))",
        [json.dumps(list(chat_ids))],
    )
    out: dict[int, set[int]] = {}
    for chat_id, story_id in rows:
        out.setdefault(chat_id, set()).add(story_id)
    return out
