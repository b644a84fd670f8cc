"""Reading the news: the digest on demand, the list of stories, one story's timeline."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import texts
from bot.cards import card_item
from bot.digest import build_digest
from bot.handlers.context import Context, number_arg
from bot.posting import missing_story_text
from bot.replies import Button, Incoming, Reply
from bot.updates import story_buttons
from digests.dates import format_date
from digests.event_date import event_date
from digests.render import escape, render_item
from digests.sentences import split_sentences
from storage import articles, deliveries, follows, stories, subscribers

RECENT_STORIES = 10
# A long thread shows its newest articles; the count says how many came before.
TIMELINE_ARTICLES = 15


def _first_sentence(text: str) -> str:
    sentences = split_sentences(text)
    return sentences[0] if sentences else text


def _when(article: articles.StoredArticle, zone: ZoneInfo) -> str:
    """The timeline's date of an article: the event's, where the article states one,
    else the day it was posted, labelled so the two are never taken for each other."""
    posted = article.posted_at.astimezone(zone).date()
    event = event_date(article.facts, posted)
    if event is None:
        return texts.TIMELINE_POSTED.format(date=format_date(posted))
    shown = format_date(event)
    return shown if event.year == posted.year else f"{shown} {event.year}"


async def digest(ctx: Context, msg: Incoming, args: str) -> list[Reply]:
    now = ctx.clock.now()
    sub = await subscribers.get(ctx.db, msg.chat_id)
    tz = sub.tz if sub else ctx.settings.tz
    found = await build_digest(ctx.db, msg.chat_id, now=now, tz=tz, fallback_recent=True)
    if found is None:
        return [Reply(texts.DIGEST_EMPTY)]
    if sub is not None:
        async with ctx.db.transaction() as tx:
            await deliveries.mark_received(tx, msg.chat_id, found.article_ids, None, now)
    return found.replies or [Reply(texts.DIGEST_EMPTY)]


def story_line(story: stories.Story, zone: ZoneInfo) -> str:
    return texts.STORIES_LINE.format(
        id=story.id,
        title=escape(story.title),
        count=story.article_count,
        date=format_date(story.updated_at.astimezone(zone), weekday=False),
    )


async def stories_(ctx: Context, msg: Incoming, args: str) -> list[Reply]:
    recent = await stories.recent(ctx.db, limit=RECENT_STORIES)
    if not recent:
        return [Reply(texts.STORIES_EMPTY)]
    zone = ZoneInfo(ctx.settings.tz)
    lines = [texts.STORIES_HEADER, "", *(story_line(s, zone) for s in recent)]
    lines += ["", texts.STORIES_FOOTER]
    followed = await follows.followed_among(ctx.db, msg.chat_id, [s.id for s in recent])
    rows = tuple(
        (
            Button(texts.STORY_BUTTON.format(story=s.id), data=f"story:{s.id}"),
            *story_buttons(s.id, s.id in followed),
        )
        for s in recent
    )
    return [Reply("\n".join(lines), rows)]


async def story(ctx: Context, msg: Incoming, args: str) -> list[Reply]:
    """The story as a timeline, newest last, then the newest article's card."""
    number = number_arg(args)
    if number is None:
        return [Reply(texts.STORY_USAGE)]
    found = await stories.get(ctx.db, number)
    if found is None:
        return [Reply(await missing_story_text(ctx.db, number))]
    thread = await articles.of_story(ctx.db, found.id)
    zone = ZoneInfo(ctx.settings.tz)
    head = texts.STORY_HEADER.format(
        id=found.id,
        title=escape(found.title),
        count=len(thread),
        first=format_date(found.created_at.astimezone(zone), weekday=False),
        last=format_date(found.updated_at.astimezone(zone), weekday=False),
    )
    if not thread:
        return [Reply(head)]
    shown = thread[-TIMELINE_ARTICLES:]
    skipped = len(thread) - len(shown)
    timeline = [texts.TIMELINE_EARLIER.format(count=skipped)] if skipped else []
    timeline += [
        texts.TIMELINE_LINE.format(
            n=n,
            date=_when(a, zone),
            article=a.id,
            summary=escape(_first_sentence(a.summary)),
        )
        for n, a in enumerate(shown, skipped + 1)
    ]
    newest = thread[-1]
    card = render_item(card_item(found.id, newest))
    following = await follows.is_following(ctx.db, msg.chat_id, found.id)
    text = "\n\n".join([head, "\n".join(timeline), card])
    return [Reply(text, (story_buttons(found.id, following),))]
