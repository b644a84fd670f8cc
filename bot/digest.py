"""Choosing and rendering what goes into a subscriber's digest."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import aiosqlite

from bot import texts
from bot.replies import Reply
from bot.updates import story_buttons
from digests.dates import format_date
from digests.model import DigestItem, Fact
from digests.novelty import new_facts
from digests.render import pack_digest
from storage import articles, deliveries, follows, stories
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
    # Facts shown per followed story, remembered so later updates say only what is new.
    seen: dict[int, list[str]] = field(default_factory=dict)


def _rank(group: list[StoredArticle], zone: ZoneInfo) -> tuple[object, ...]:
    """Newest day first, then the bigger thread, then the newer."""
    newest = max(a.posted_at for a in group)
    return (newest.astimezone(zone).date(), len(group), newest)


def _story_facts(group: list[StoredArticle]) -> list[Fact]:
    """The group's facts, newest article first, without repeats."""
    ordered = sorted(group, key=lambda a: (a.posted_at, a.id), reverse=True)
    return new_facts([f for a in ordered for f in a.facts], ())


async def _items(
    db: Database, chat_id: int, chosen: list[StoredArticle], zone: ZoneInfo
) -> tuple[list[DigestItem], list[int], dict[int, list[str]]]:
    """One item per story; a followed story shows only the facts new to this reader."""
    by_story: dict[int, list[StoredArticle]] = defaultdict(list)
    for art in chosen:
        by_story[art.story_id].append(art)
    followed = await follows.followed_among(db, chat_id, by_story)
    groups = sorted(by_story.values(), key=lambda g: _rank(g, zone), reverse=True)
    items: list[DigestItem] = []
    ids: list[int] = []
    seen: dict[int, list[str]] = {}
    for group in groups:
        if len(items) == MAX_STORIES:
            break
        newest = max(group, key=lambda a: (a.posted_at, a.id))
        story_id = newest.story_id
        facts = _story_facts(group)
        label = None
        if story_id in followed:
            facts = new_facts(facts, await follows.seen_facts(db, chat_id, story_id))
            ids.extend(a.id for a in group)
            if not facts:
                continue  # nothing this follower has not heard: say nothing
            seen[story_id] = [f.text for f in facts]
            label = texts.NEW_FACTS_LABEL
        else:
            ids.extend(a.id for a in group)
        story = await stories.get(db, story_id)
        items.append(
            DigestItem(
                story_id=story_id,
                title=story.title if story and len(group) > 1 else newest.title,
                summary=newest.summary,
                facts=tuple(facts[:5]),
                url=newest.source_url,
                posted_at=newest.posted_at,
                article_count=story.article_count if story else len(group),
                facts_label=label,
            )
        )
    return items, ids, seen


async def build_digest(
    db: Database, chat_id: int, *, now: datetime, tz: str, fallback_recent: bool
) -> Digest | None:
    """The stories this chat has not received; with fallback_recent, else the last 24 hours.

    Returns None when there is nothing to send: a scheduled digest is never empty.
    """
    zone = ZoneInfo(tz)
    chosen = await articles.not_received(db, chat_id, now - UNSEEN_WINDOW)
    header = texts.DIGEST_HEADER
    items, ids, seen = await _items(db, chat_id, chosen, zone)
    if not items and fallback_recent:
        recent = await articles.posted_since(db, now - RECENT_WINDOW)
        header = texts.DIGEST_HEADER_RECENT
        items, recent_ids, seen = await _items(db, -1, recent, zone)  # no one's follows
        ids += recent_ids
        seen = {}
    if not items:
        return None if not ids else Digest([], ids, {})
    followed = await follows.followed_among(db, chat_id, {i.story_id for i in items})
    heading = header.format(date=format_date(now.astimezone(zone)))
    replies = [
        Reply(text, tuple(story_buttons(s, s in followed) for s in story_ids))
        for text, story_ids in pack_digest(heading, items)
    ]
    return Digest(replies, ids, seen)


async def record_given(
    tx: aiosqlite.Connection,
    chat_id: int,
    digest: Digest,
    delivery_id: int | None,
    now: datetime,
) -> None:
    """What this chat now has: its articles are received, its followed facts seen."""
    await deliveries.mark_received(tx, chat_id, digest.article_ids, delivery_id, now)
    for story_id, facts in digest.seen.items():
        await follows.mark_seen(tx, chat_id, story_id, facts)
