"""Queries on stories: the threads that articles belong to.

A story's number is never reused: a story emptied by an admin's /move keeps its row, with
no articles and `moved_to` naming where they went, because old buttons, deep links and
messages still carry its number. Every query here that readers see skips such rows.
"""

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


@dataclass(frozen=True, slots=True)
class Emptied:
    """A story whose articles were all moved away by an admin."""

    id: int
    # The live story that now holds them (following /move chains), or None when unknown.
    moved_to: int | None


_HAS_ARTICLES = "EXISTS (SELECT 1 FROM articles a WHERE a.story_id = s.id)"
_SELECT = (
    "SELECT s.id, s.title, s.created_at, s.updated_at,"
    " (SELECT count(*) FROM articles a WHERE a.story_id = s.id) AS article_count"
    " FROM stories s"
)
# The newest article by the same order the timeline uses (posted_at, then id).
_NEWEST_TITLE = (
    "SELECT a.title FROM articles a WHERE a.story_id = stories.id"
    " ORDER BY a.posted_at DESC, a.id DESC LIMIT 1"
)
# A /move chain longer than this is corrupt data, not history: stop following it.
_MAX_HOPS = 50


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


async def refresh_title(tx: aiosqlite.Connection, story_id: int) -> None:
    """Title the story after its newest article, so /stories and /story N never show a
    headline its latest news contradicts. Call whenever the story gains or loses an
    article (post, /move, /split), in the same transaction. An emptied story keeps its
    last title."""
    await tx.execute(
        f"UPDATE stories SET title = ({_NEWEST_TITLE}) WHERE id = ?"
        " AND EXISTS (SELECT 1 FROM articles a WHERE a.story_id = stories.id)",
        (story_id,),
    )


async def get(db: Database, story_id: int) -> Story | None:
    """A story with articles; None for an unknown or emptied number (see `emptied`)."""
    row = await db.fetchone(f"{_SELECT} WHERE s.id = ? AND {_HAS_ARTICLES}", [story_id])
    return None if row is None else _from_row(row)


async def recent(db: Database, limit: int = 10) -> list[Story]:
    rows = await db.fetchall(
        f"{_SELECT} WHERE {_HAS_ARTICLES} ORDER BY s.updated_at DESC, s.id DESC LIMIT ?", [limit]
    )
    return [_from_row(r) for r in rows]


async def count(db: Database) -> int:
    """Stories readers can see (emptied ones are history, not news)."""
    return int(await db.scalar(f"SELECT count(*) FROM stories s WHERE {_HAS_ARTICLES}"))


async def mark_emptied(tx: aiosqlite.Connection, story_id: int, moved_to: int) -> None:
    """Keep an emptied story's row (and so its number) and remember where its articles went.

    Deleting it would let SQLite hand the number to the next new story. Its follows are the
    caller's to move (storage.follows.move_followers); its linking profile is already gone
    (bot.linking.rebuild_story drops a story without articles).
    """
    await tx.execute("UPDATE stories SET moved_to = ? WHERE id = ?", (moved_to, story_id))


async def live_in(tx: aiosqlite.Connection, story_id: int) -> tuple[int, str] | None:
    """Inside a write transaction: the live story `story_id` stands for, and its title.

    The story itself while it has articles; if a /move emptied it since the caller chose it
    (another process, such as `khabar ingest` next to the bot, may have), the story its
    articles went to, following moved_to. None when that leads nowhere live. Read in the
    transaction, so nothing can empty the answer before the caller's insert commits.
    """
    current = story_id
    for _ in range(_MAX_HOPS):
        async with tx.execute(
            f"SELECT s.title, s.moved_to, {_HAS_ARTICLES} AS live FROM stories s WHERE s.id = ?",
            (current,),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        if row["live"]:
            return current, str(row["title"])
        if row["moved_to"] is None or row["moved_to"] == current:
            return None
        current = int(row["moved_to"])
    return None


async def emptied(db: Database, story_id: int) -> Emptied | None:
    """If `story_id` is a story whose articles were moved away, where they are now.

    Follows moved_to through later /moves to the story that holds them today; None when
    the number is unknown or the story still has articles.
    """
    current, target = story_id, None
    for _ in range(_MAX_HOPS):
        row = await db.fetchone(
            f"SELECT s.moved_to, {_HAS_ARTICLES} AS live FROM stories s WHERE s.id = ?",
            [current],
        )
        if row is None:
            return None if current == story_id else Emptied(story_id, None)
        if row["live"]:
            return None if current == story_id else Emptied(story_id, target)
        if row["moved_to"] is None or row["moved_to"] == current:
            return Emptied(story_id, None)
        current = target = int(row["moved_to"])
    return Emptied(story_id, None)
