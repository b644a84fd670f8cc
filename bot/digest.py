"""Choosing and rendering what goes into a subscriber's digest."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from bot.replies import Reply
from digests.dates import format_date
from digests.model import DigestItem
from digests.render import render_digest
from storage import articles, stories
from storage.articles import StoredArticle
from storage.db import Database

# A new subscriber's first digest reaches back this far, not into the whole archive.
UNSEEN_WINDOW = timedelta(days=3)
RECENT_WINDOW = timedelta(hours=24)
MAX_STORIES = 10


@dataclass(frozen=True, slots=True)
class Digest:
    replies: list[Reply]
    article_ids: list[int]


async def _items(
    db: Database, chosen: list[StoredArticle], zone: ZoneInfo
) -> tuple[list[DigestItem], list[int]]:
    """One item per story, newest day first, then the bigger thread, then the newer."""
    by_story: dict[int, list[StoredArticle]] = defaultdict(list)
    for art in chosen:
        by_story[art.story_id].append(art)

    def rank(group: list[StoredArticle]) -> tuple[object, ...]:
        newest = max(a.posted_at for a in group)
        return (newest.astimezone(zone).date(), len(group), newest)

    groups = sorted(by_story.values(), key=rank, reverse=True)[:MAX_STORIES]
    items: list[DigestItem] = []
    ids: list[int] = []
    for group in groups:
        newest = max(group, key=lambda a: (a.posted_at, a.id))
        story = await stories.get(db, newest.story_id)
        items.append(
            DigestItem(
                story_id=newest.story_id,
                title=newest.title,
                summary=newest.summary,
                facts=newest.facts,
                url=newest.source_url,
                posted_at=newest.posted_at,
                article_count=story.article_count if story else len(group),
            )
        )
        ids.extend(a.id for a in group)
    return items, ids


async def build_digest(
    db: Database, chat_id: int, *, now: datetime, tz: str, fallback_recent: bool
) -> Digest | None:
    """The stories this chat has not received; with fallback_recent, else the last 24 hours.

    Returns None when there is nothing to send: a scheduled digest is never empty.
    """
    zone = ZoneInfo(tz)
    chosen = await articles.not_received(db, chat_id, now - UNSEEN_WINDOW)
    header = texts.DIGEST_HEADER
    if not chosen and fallback_recent:
        chosen = await articles.posted_since(db, now - RECENT_WINDOW)
        header = texts.DIGEST_HEADER_RECENT
    if not chosen:
        return None
    items, ids = await _items(db, chosen, zone)
    heading = header.format(date=format_date(now.astimezone(zone)))
    return Digest([Reply(text) for text in render_digest(heading, items)], ids)
