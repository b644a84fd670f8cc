"""Choosing and rendering what goes into a subscriber's digest."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from bot.replies import Reply
from bot.updates import story_buttons
from digests.dates import format_date
from digests.model import DigestItem, Fact
from digests.novelty import new_facts
from digests.render import pack_digest
from storage import articles, follows, stories
from storage.articles import StoredArticle
from storage.db import Database

# A new subscriber's first digest reaches back this far, not into the whole archive.
UNSEEN_WINDOW = timedelta(days=3)
RECENT_WINDOW = timedelta(hours=24)
MAX_STORIES = 10
MAX_FACTS = 5


@dataclass(frozen=True, slots=True)
class Digest:
    """Messages to send (possibly none) and the articles they account for.

    `replies` is empty when every unread article only repeated what the reader knew: those
    articles still count as given, so they are not offered again.
    """

    replies: list[Reply]
    article_ids: list[int]


def _rank(group: list[StoredArticle], zone: ZoneInfo) -> tuple[object, ...]:
    """Newest day first, then the bigger thread, then the newer."""
    newest = max(a.posted_at for a in group)
    return (newest.astimezone(zone).date(), len(group), newest)


def _group_facts(group: list[StoredArticle]) -> list[Fact]:
    """The group's facts, newest article first, without repeats."""
    ordered = sorted(group, key=lambda a: (a.posted_at, a.id), reverse=True)
    return new_facts([f for a in ordered for f in a.facts], ())


async def _item(db: Database, chat_id: int | None, group: list[StoredArticle]) -> DigestItem | None:
    """One story's card; for a story the reader already knows, only the facts new to them
    (None when there are none: a continued story that adds nothing is not shown)."""
    newest = max(group, key=lambda a: (a.posted_at, a.id))
    story = await stories.get(db, newest.story_id)
    known = [] if chat_id is None else await articles.received_facts(db, chat_id, newest.story_id)
    facts = new_facts(_group_facts(group), known)
    if known and not facts:
        return None
    # The card's summary comes from the article that tells this reader the most news, and
    # so does its headline: an older headline over a newer summary would contradict it.
    lead = max(group, key=lambda a: (len(new_facts(a.facts, known)), a.posted_at, a.id))
    return DigestItem(
        story_id=newest.story_id,
        title=lead.title,
        summary=lead.summary,
        facts=tuple(facts[:MAX_FACTS]),
        url=lead.source_url,
        posted_at=newest.posted_at,
        article_count=story.article_count if story else len(group),
        facts_label=texts.NEW_FACTS_LABEL if known else None,
    )


async def _items(
    db: Database, chat_id: int | None, chosen: list[StoredArticle], zone: ZoneInfo
) -> tuple[list[DigestItem], list[int]]:
    by_story: dict[int, list[StoredArticle]] = defaultdict(list)
    for art in chosen:
        by_story[art.story_id].append(art)
    items: list[DigestItem] = []
    ids: list[int] = []
    for group in sorted(by_story.values(), key=lambda g: _rank(g, zone), reverse=True):
        if len(items) == MAX_STORIES:
            break
        ids.extend(a.id for a in group)
        item = await _item(db, chat_id, group)
        if item is not None:
            items.append(item)
    return items, ids


async def build_digest(
    db: Database, chat_id: int, *, now: datetime, tz: str, fallback_recent: bool
) -> Digest | None:
    """The stories this chat has not received; with fallback_recent, else the last 24 hours.

    Returns None when there is nothing at all: a scheduled digest is never empty.
    """
    zone = ZoneInfo(tz)
    chosen = await articles.not_received(db, chat_id, now - UNSEEN_WINDOW)
    header = texts.DIGEST_HEADER
    items, ids = await _items(db, chat_id, chosen, zone)
    if not items and fallback_recent:
        # Nothing unread: the last day's stories again, in full.
        items, _ = await _items(
            db, None, await articles.posted_since(db, now - RECENT_WINDOW), zone
        )
        header = texts.DIGEST_HEADER_RECENT
    if not items:
        return Digest([], ids) if ids else None
    followed = await follows.followed_among(db, chat_id, {i.story_id for i in items})
    heading = header.format(date=format_date(now.astimezone(zone)))
    replies = [
        Reply(text, tuple(story_buttons(s, s in followed) for s in story_ids))
        for text, story_ids in pack_digest(heading, items)
    ]
    return Digest(replies, ids)
