"""Queries on articles: dedupe by content hash, and what a subscriber has not yet received."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from digests.model import Digested, Fact
from storage.db import Database
from storage.timeutil import from_db, to_db


@dataclass(frozen=True, slots=True)
class StoredArticle:
    id: int
    story_id: int
    title: str
    summary: str
    facts: tuple[Fact, ...]
    source_url: str | None
    posted_at: datetime


_COLUMNS = "a.id, a.story_id, a.title, a.summary, a.facts, a.source_url, a.posted_at"


def _from_row(row: aiosqlite.Row) -> StoredArticle:
    facts = tuple(Fact(f["kind"], f["text"]) for f in json.loads(row["facts"]))
    posted = from_db(row["posted_at"])
    assert posted is not None
    return StoredArticle(
        id=row["id"],
        story_id=row["story_id"],
        title=row["title"],
        summary=row["summary"],
        facts=facts,
        source_url=row["source_url"],
        posted_at=posted,
    )


def facts_json(facts: Iterable[Fact]) -> str:
    return json.dumps([{"kind": f.kind, "text": f.text} for f in facts], ensure_ascii=False)


async def find_by_hash(db: Database, content_hash: str) -> StoredArticle | None:
    row = await db.fetchone(
        f"SELECT {_COLUMNS} FROM articles a WHERE content_hash = ?", [content_hash]
    )
    return None if row is None else _from_row(row)


async def get(db: Database, article_id: int) -> StoredArticle | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM articles a WHERE id = ?", [article_id])
    return None if row is None else _from_row(row)


async def insert(
    tx: aiosqlite.Connection,
    *,
    story_id: int,
    article: Digested,
    content_hash: str,
    source_url: str | None,
    posted_by: int | None,
    posted_at: datetime,
    updates_pending: bool = False,
) -> int:
    cur = await tx.execute(
        "INSERT INTO articles (story_id, content_hash, title, body, summary, facts,"
        " source_url, posted_by, posted_at, updates_pending)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            story_id,
            content_hash,
            article.title,
            article.body,
            article.summary,
            facts_json(article.facts),
            source_url,
            posted_by,
            to_db(posted_at),
            int(updates_pending),
        ),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


async def updates_pending(db: Database, limit: int = 20) -> list[int]:
    """Articles whose followers have not all been given their update yet, oldest first."""
    rows = await db.fetchall(
        "SELECT id FROM articles WHERE updates_pending = 1 ORDER BY id LIMIT ?", [limit]
    )
    return [r[0] for r in rows]


async def updates_done(db: Database, article_id: int) -> None:
    await db.execute("UPDATE articles SET updates_pending = 0 WHERE id = ?", [article_id])


async def of_story(db: Database, story_id: int) -> list[StoredArticle]:
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM articles a WHERE story_id = ? ORDER BY posted_at, id", [story_id]
    )
    return [_from_row(r) for r in rows]


async def not_received(db: Database, chat_id: int, since: datetime) -> list[StoredArticle]:
    """Articles posted since `since` that were never given to this chat, newest first."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM articles a WHERE a.posted_at >= ? AND NOT EXISTS"
        " (SELECT 1 FROM received r WHERE r.chat_id = ? AND r.article_id = a.id)"
        " ORDER BY a.posted_at DESC, a.id DESC",
        [to_db(since), chat_id],
    )
    return [_from_row(r) for r in rows]


async def posted_since(db: Database, since: datetime) -> list[StoredArticle]:
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM articles a WHERE a.posted_at >= ?"
        " ORDER BY a.posted_at DESC, a.id DESC",
        [to_db(since)],
    )
    return [_from_row(r) for r in rows]


async def count(db: Database) -> int:
    return int(await db.scalar("SELECT count(*) FROM articles"))


async def was_received(db: Database, chat_id: int, article_id: int) -> bool:
    row = await db.fetchone(
        "SELECT 1 FROM received WHERE chat_id = ? AND article_id = ?", [chat_id, article_id]
    )
    return row is not None


async def set_story(tx: aiosqlite.Connection, article_id: int, story_id: int) -> None:
    await tx.execute("UPDATE articles SET story_id = ? WHERE id = ?", (story_id, article_id))


async def count_in_story(tx: aiosqlite.Connection, story_id: int) -> int:
    async with tx.execute("SELECT count(*) FROM articles WHERE story_id = ?", (story_id,)) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def received_facts(db: Database, chat_id: int, story_id: int) -> list[str]:
    """The fact texts of every article of a story this chat was given: what they know."""
    rows = await db.fetchall(
        "SELECT a.facts FROM articles a JOIN received r ON r.article_id = a.id"
        " WHERE r.chat_id = ? AND a.story_id = ?",
        [chat_id, story_id],
    )
    return [f["text"] for row in rows for f in json.loads(row[0])]


async def received_any(db: Database, chat_id: int, story_id: int) -> bool:
    """Whether this chat was given any article of the story.

    An article with no facts adds nothing to `received_facts`, so an empty fact list does
    not tell a reader who knows the story from one who has never seen it.
    """
    row = await db.fetchone(
        "SELECT 1 FROM received r JOIN articles a ON a.id = r.article_id"
        " WHERE r.chat_id = ? AND a.story_id = ? LIMIT 1",
        [chat_id, story_id],
    )
    return row is not None


async def title_before(db: Database, article: StoredArticle) -> str | None:
    """The headline of the story's article just before `article` (timeline order), or None.

    An update names the story by it: the story's own title is already the new article's
    headline, which the update's card shows right below.
    """
    row = await db.fetchone(
        "SELECT title FROM articles WHERE story_id = ? AND (posted_at, id) < (?, ?)"
        " ORDER BY posted_at DESC, id DESC LIMIT 1",
        [article.story_id, to_db(article.posted_at), article.id],
    )
    return None if row is None else str(row[0])
