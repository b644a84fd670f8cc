"""Storing an article in a story (new or continued, deduplicated by content) and the
admins' corrections of where articles belong. Where an article comes from is bot.ingest."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from bot import texts
from bot.ingest.sources import Source
from bot.linking import find_story, index_article, rebuild_story
from digests.article import MAX_INPUT_CHARS, content_hash, digest_article
from digests.model import Digested
from storage import articles, follows, stories
from storage.db import Database
from storage.errors import Duplicate


@dataclass(frozen=True, slots=True)
class PostResult:
    article_id: int
    story_id: int
    story_title: str
    new_story: bool
    duplicate: bool
    article: Digested
    truncated: bool


async def post_article(
    db: Database, source: Source, *, posted_by: int | None, now: datetime
) -> PostResult:
    """Digest, dedupe and store one article; raises digests.article.ArticleError on bad text.

    The text pipeline runs in a worker thread: a 5 MB paste must not stall other chats.
    """
    article = await asyncio.to_thread(digest_article, source.text, source.title)
    truncated = len(source.text) > MAX_INPUT_CHARS
    digest_hash = content_hash(article.body)
    duplicate = await _duplicate_of(db, digest_hash, article, truncated)
    if duplicate is not None:
        return duplicate
    decision = await find_story(db, article, now)
    try:
        return await store_article(
            db,
            article,
            decision.story_id,
            source_url=source.url,
            posted_by=posted_by,
            now=now,
            truncated=truncated,
        )
    except Duplicate:
        # The same article may have been stored by a concurrent post between our check and
        # the insert: then it is a duplicate now. Anything else is a real error.
        duplicate = await _duplicate_of(db, digest_hash, article, truncated)
        if duplicate is None:
            raise
        return duplicate


async def store_article(
    db: Database,
    article: Digested,
    story_id: int | None,
    *,
    source_url: str | None,
    posted_by: int | None,
    now: datetime,
    truncated: bool = False,
) -> PostResult:
    """Store a digested article in the story linking chose (None: a new story) and index it,
    in one transaction. The evaluation replays call this too, so they store exactly as a
    post does."""
    joined: tuple[int, str] | None = None
    async with db.transaction() as tx:
        # The story was chosen outside this transaction: another process (`khabar ingest`
        # next to the bot) may have emptied it since. Check again here, where nothing can
        # change under us, so an emptied story never comes back to life.
        if story_id is not None:
            joined = await stories.live_in(tx, story_id)
        if joined is None:
            story_id = await stories.create(tx, article.title, now)
        else:
            # The admin knows the story by the title it had before this article.
            story_id = joined[0]
            await stories.touch(tx, story_id, now)
        article_id = await articles.insert(
            tx,
            story_id=story_id,
            article=article,
            content_hash=content_hash(article.body),
            source_url=source_url,
            posted_by=posted_by,
            posted_at=now,
            updates_pending=joined is not None,
        )
        await stories.refresh_title(tx, story_id)
        await index_article(tx, story_id, article, now)
    if joined is None:
        return PostResult(article_id, story_id, article.title, True, False, article, truncated)
    return PostResult(article_id, story_id, joined[1], False, False, article, truncated)


async def _duplicate_of(
    db: Database, digest_hash: str, article: Digested, truncated: bool
) -> PostResult | None:
    existing = await articles.find_by_hash(db, digest_hash)
    if existing is None:
        return None
    story = await stories.get(db, existing.story_id)
    title = story.title if story else ""
    return PostResult(existing.id, existing.story_id, title, False, True, article, truncated)


async def move_article(db: Database, article_id: int, story_id: int, now: datetime) -> None:
    """An admin's correction: the article belongs to another story.

    Both stories are retitled after their newest article. An emptied story keeps its row
    (its number is never given to another story: old buttons and links carry it) and
    records where its articles went; its followers follow the target instead, so nobody
    loses the thread they were following. The target's followers are owed an update, as
    for a newly posted article (bot.updates tells each only what is new to them).
    """
    article = await articles.get(db, article_id)
    if article is None:
        raise KeyError(article_id)
    old = article.story_id
    async with db.transaction() as tx:
        await articles.set_story(tx, article_id, story_id)
        await articles.owe_updates(tx, article_id)
        await stories.touch(tx, story_id, now)
        await stories.refresh_title(tx, old)
        await stories.refresh_title(tx, story_id)
        await rebuild_story(tx, old)
        await rebuild_story(tx, story_id)
        if await articles.count_in_story(tx, old) == 0:
            await follows.move_followers(tx, old, story_id)
            await stories.mark_emptied(tx, old, story_id)


async def split_article(db: Database, article_id: int, now: datetime) -> int:
    """An admin's correction: the article starts a story of its own; returns its id.

    The story it left is retitled after the newest article it still holds. The article
    takes the updates' path like any article that changes story, so the rule of who is told
    lives in bot.updates alone (nobody follows a story this new: none go out).
    """
    article = await articles.get(db, article_id)
    if article is None:
        raise KeyError(article_id)
    async with db.transaction() as tx:
        story_id = await stories.create(tx, article.title, now)
        await articles.set_story(tx, article_id, story_id)
        await articles.owe_updates(tx, article_id)
        await stories.refresh_title(tx, article.story_id)
        await rebuild_story(tx, article.story_id)
        await rebuild_story(tx, story_id)
    return story_id


async def missing_story_text(db: Database, story_id: int) -> str:
    """What to tell a reader who names a story number that has no articles.

    A number is never reused, so an old button or link may name a story an admin emptied
    with /move: say where its articles went instead of just "not found".
    """
    gone = await stories.emptied(db, story_id)
    if gone is None:
        return texts.STORY_NOT_FOUND.format(id=story_id)
    if gone.moved_to is None:
        return texts.STORY_EMPTIED.format(id=story_id)
    return texts.STORY_MOVED.format(id=story_id, target=gone.moved_to)
