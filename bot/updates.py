"""Follow-up updates: when an article joins a story, tell each follower only what is new.

Each follower is compared fact by fact with the articles of the story that were actually
delivered to them (following a story marks nothing as received); an article that adds
nothing new to someone who already has part of the story sends nothing. An update that
would land in their quiet hours is not sent: the article stays unread and their next
digest carries it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import texts
from bot.cards import card_item
from bot.config import DEFAULT_TZ, parse_hhmm
from bot.replies import Button, Reply
from digests.model import Fact
from digests.novelty import new_facts
from digests.render import escape, render_item
from storage import articles, deliveries, follows, stories, subscribers
from storage.articles import StoredArticle
from storage.db import Database

log = logging.getLogger(__name__)

BATCH = 500


def in_quiet_hours(local: time, start: str | None, end: str | None) -> bool:
    """Whether a local time falls in [start, end), a window that may wrap past midnight."""
    if not start or not end:
        return False
    begin, finish = parse_hhmm(start), parse_hhmm(end)
    if begin == finish:
        return False
    if begin < finish:
        return begin <= local < finish
    return local >= begin or local < finish


def reader_zone(tz: str) -> ZoneInfo:
    """A subscriber's zone, or the default one when this host cannot load theirs.

    A name the host's tz database lacks must not cost the reader their updates; and the
    /post reply (follower_timing) and the sender (_one) must decide alike, so both use this.
    """
    try:
        return ZoneInfo(tz)
    except (ValueError, OSError, ZoneInfoNotFoundError):
        log.warning("unknown time zone %r: using %s", tz, DEFAULT_TZ)
        return ZoneInfo(DEFAULT_TZ)


def story_buttons(story_id: int, following: bool) -> tuple[Button, ...]:
    """The follow toggle for one story; callback data stays far below Telegram's 64 bytes."""
    if following:
        return (Button(texts.UNFOLLOW_BUTTON.format(story=story_id), data=f"u:{story_id}"),)
    return (Button(texts.FOLLOW_BUTTON.format(story=story_id), data=f"f:{story_id}"),)


def update_message(
    story_id: int, story_title: str, article: StoredArticle, fresh: Sequence[Fact]
) -> Reply:
    card = render_item(card_item(story_id, article, facts=fresh, facts_label=texts.NEW_FACTS_LABEL))
    head = texts.UPDATE_HEADER.format(story=story_id, title=escape(story_title))
    buttons = (
        (
            *story_buttons(story_id, following=True),
            Button(texts.STORY_BUTTON.format(story=story_id), data=f"story:{story_id}"),
        ),
    )
    return Reply(f"{head}\n\n{card}", buttons)


@dataclass(frozen=True, slots=True)
class FollowerTiming:
    """When a story's active followers would get an update posted now."""

    now: int = 0  # outside their quiet hours: the update goes out at once
    morning: int = 0  # in their quiet hours: the article waits for their next digest


async def follower_timing(db: Database, story_id: int, now: datetime) -> FollowerTiming:
    """Split the story's active followers by quiet hours, as `_one` will decide them.

    One grouped query and a check per distinct (zone, quiet hours), so it stays cheap for
    a story with many followers; it cannot know yet who will find nothing new.
    """
    awake = asleep = 0
    for tz, start, end, count in await follows.active_followers_by_settings(db, story_id):
        local = now.astimezone(reader_zone(tz)).time()
        if in_quiet_hours(local, start, end):
            asleep += count
        else:
            awake += count
    return FollowerTiming(awake, asleep)


@dataclass
class UpdateReport:
    enqueued: int = 0
    nothing_new: int = 0
    quiet: int = 0
    already_had: int = 0
    behind: int = 0  # older than an article of the story the follower already has


async def send_pending_updates(db: Database, now: datetime) -> UpdateReport:
    """Fan out every article that still owes its followers an update.

    Runs in the background runner, not in the admin's /post: a story with 100k followers
    must not hold up the bot's answers. Safe to repeat after a crash: an update already in
    the outbox (or an article already given) is skipped.
    """
    total = UpdateReport()
    while pending := await articles.updates_pending(db):
        for article_id in pending:
            report = await fan_out(db, article_id, now)
            await articles.updates_done(db, article_id)
            total.enqueued += report.enqueued
            total.nothing_new += report.nothing_new
            total.quiet += report.quiet
            total.already_had += report.already_had
            total.behind += report.behind
    return total


async def fan_out(db: Database, article_id: int, now: datetime) -> UpdateReport:
    """Enqueue an update for every follower of the article's story who has something new."""
    report = UpdateReport()
    article = await articles.get(db, article_id)
    if article is None:
        return report
    story = await stories.get(db, article.story_id)
    if story is None:
        return report
    # The story's title follows its newest article, usually this one, whose headline the
    # card already shows: the header names the story by the headline it had before.
    title = await articles.title_before(db, article) or story.title
    after = 0
    while chats := await follows.followers(db, story.id, after, BATCH):
        after = chats[-1]
        for chat_id in chats:
            try:
                await _one(db, chat_id, story.id, title, article, now, report)
            except Exception:
                log.exception("update for chat %s on article %s failed", chat_id, article_id)
    return report


async def _one(
    db: Database,
    chat_id: int,
    story_id: int,
    story_title: str,
    article: StoredArticle,
    now: datetime,
    report: UpdateReport,
) -> None:
    if await articles.was_received(db, chat_id, article.id):
        report.already_had += 1
        return
    if await articles.received_later(db, chat_id, article):
        # Counted as given, so no digest offers it as news either.
        report.behind += 1
        async with db.transaction() as tx:
            await deliveries.mark_received(tx, chat_id, [article.id], None, now)
        return
    fresh = new_facts(article.facts, await articles.received_facts(db, chat_id, story_id))
    # "Nothing new" needs something old: a follower who has received none of the story
    # (following marks nothing) learns all of this article, facts or not (a short article
    # may have none), and marking it received here would also keep it out of their digest.
    if not fresh and await articles.received_any(db, chat_id, story_id):
        report.nothing_new += 1
        async with db.transaction() as tx:
            await deliveries.mark_received(tx, chat_id, [article.id], None, now)
        return
    sub = await subscribers.get(db, chat_id)
    if sub is None:
        return
    local = now.astimezone(reader_zone(sub.tz)).time()
    if in_quiet_hours(local, sub.quiet_start, sub.quiet_end):
        report.quiet += 1
        return
    reply = update_message(story_id, story_title, article, fresh)
    async with db.transaction() as tx:
        delivery_id = await deliveries.enqueue(
            tx,
            chat_id=chat_id,
            kind="update",
            dedupe_key=f"update:{chat_id}:{article.id}",
            parts=[reply.to_json()],
            now=now,
        )
        if delivery_id is None:
            report.already_had += 1
            return
        await deliveries.mark_received(tx, chat_id, [article.id], delivery_id, now)
    report.enqueued += 1
