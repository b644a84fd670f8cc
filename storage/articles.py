"""Queries on articles: dedupe by content hash, and what a subscriber has not yet received."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from digests.model import Digested, Fact
from storage.db import Database
from storage.timeutil import from_db, to_db

log = logging.getLogger(__name__)


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


def _facts(row: aiosqlite.Row) -> tuple[Fact, ...]:
    """The stored key facts; a row whose facts cannot be read (edited by hand, a bad restore)
    loses only them: digests read many articles at once, and one such row must not keep a
    whole batch of readers from their morning."""
    try:
        return tuple(Fact(f["kind"], f["text"]) for f in json.loads(row["facts"]))
    except (ValueError, TypeError, KeyError):
        log.warning("article %s: stored facts unreadable, shown without them", row["id"])
        return ()


def _from_row(row: aiosqlite.Row) -> StoredArticle:
    facts = _facts(row)
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


async def owe_updates(tx: aiosqlite.Connection, article_id: int) -> None:
    """The article now sits in a story whose followers may not have it: an admin moved it
    there. The runner tells them as it tells them of a newly posted article."""
    await tx.execute("UPDATE articles SET updates_pending = 1 WHERE id = ?", (article_id,))


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


async def received_later(db: Database, chat_id: int, article: StoredArticle) -> bool:
    """Whether this chat was given an article of the same story posted after `article`
    (timeline order): then `article` is behind the news they have, not news.

    Walks the story's later articles (none, for a newly posted one) and probes `received`
    by its primary key, never the chat's whole history: it runs once per follower.
    """
    row = await db.fetchone(
        "SELECT 1 FROM articles a WHERE a.story_id = ? AND (a.posted_at, a.id) > (?, ?)"
        " AND EXISTS (SELECT 1 FROM received r WHERE r.chat_id = ? AND r.article_id = a.id)"
        " LIMIT 1",
        [article.story_id, to_db(article.posted_at), article.id, chat_id],
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


# Many readers' digests are chosen from one window of articles: these queries answer for a
# whole batch of chats or stories at once, and each is an index range or probe per item
# (the ids go in as one JSON array, so a batch never meets SQLite's parameter limit).


async def received_from(
    db: Database, chat_ids: Sequence[int], min_article_id: int
) -> dict[int, set[int]]:
    """The articles with ids from `min_article_id` on that each chat was given.

    A range on the received primary key (chat_id, article_id): the cost follows the window,
    not a reader's whole history.
    """
    rows = await db.fetchall(
        "SELECT r.chat_id, r.article_id FROM received r"
        " WHERE r.chat_id IN (SELECT value FROM json_each(?)) AND r.article_id >= ?",
        [json.dumps(list(chat_ids)), min_article_id],
    )
    out: dict[int, set[int]] = {}
    for chat_id, article_id in rows:
        out.setdefault(chat_id, set()).add(article_id)
    return out


async def received_facts_before(
    db: Database, chat_ids: Sequence[int], story_ids: Iterable[int], before: datetime
) -> dict[tuple[int, int], list[str]]:
    """Per (chat, story): the fact texts of the story's articles posted before `before`
    that the chat was given (the part of `received_facts` older than a digest window).

    Walks each story's older articles by the articles_story index and probes `received`
    by its primary key for every chat, never a chat's whole history.
    """
    stories = sorted(set(story_ids))
    if not stories or not chat_ids:
        return {}
    rows = await db.fetchall(
        "SELECT r.chat_id, a.story_id, a.facts FROM articles a CROSS JOIN received r"
        " WHERE a.story_id IN (SELECT value FROM json_each(?)) AND a.posted_at < ?"
        " AND r.chat_id IN (SELECT value FROM json_each(?)) AND r.article_id = a.id",
        [json.dumps(stories), to_db(before), json.dumps(list(chat_ids))],
    )
    out: dict[tuple[int, int], list[str]] = {}
    for chat_id, story_id, facts in rows:
        out.setdefault((chat_id, story_id), []).extend(f["text"] for f in json.loads(facts))
    return out


async def stories_older_than(db: Database, story_ids: Iterable[int], before: datetime) -> set[int]:
    """Which of these stories have an article posted before `before`."""
    stories = sorted(set(story_ids))
    if not stories:
        return set()
    rows = await db.fetchall(
        "SELECT s.value FROM json_each(?) s WHERE EXISTS"
        " (SELECT 1 FROM articles a WHERE a.story_id = s.value AND a.posted_at < ?)",
        [json.dumps(stories), to_db(before)],
    )
    return {int(r[0]) for r in rows}


async def counts_in_stories(db: Database, story_ids: Iterable[int]) -> dict[int, int]:
    """How many articles each of these stories has (all of them, not only a window's)."""
    stories = sorted(set(story_ids))
    if not stories:
        return {}
    rows = await db.fetchall(
        "SELECT a.story_id, count(*) FROM articles a"
        " WHERE a.story_id IN (SELECT value FROM json_each(?)) GROUP BY a.story_id",
        [json.dumps(stories)],
    )
    return {int(r[0]): int(r[1]) for r in rows}
