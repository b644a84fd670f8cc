"""Editors' commands: posting articles (what a message names is bot.ingest), correcting story
links, and the numbers."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts
from bot.cards import card_item
from bot.handlers.context import Context, number_arg, pending_post_key
from bot.ingest.sources import (
    MAX_FILE_BYTES,
    BadUrl,
    UndecodableFile,
    UnsupportedFile,
    message_source,
)
from bot.ingest.urls import FetchError, FetchStopped
from bot.posting import PostResult, missing_story_text, move_article, post_article, split_article
from bot.replies import Document, Incoming, Reply
from bot.updates import FollowerTiming, follower_timing
from digests.article import EmptyArticle, NotHindi
from digests.dates import format_date, format_date_time
from digests.render import escape, render_item
from storage import articles, deliveries, post_journal, stories, subscribers


async def cancel(ctx: Context, msg: Incoming, args: str) -> list[Reply]:
    """Drop a waiting /post; with none waiting, say so rather than confirm a no-op."""
    if pending_post_key(msg) not in ctx.awaiting_post:
        return [Reply(texts.NOTHING_TO_CANCEL)]
    ctx.awaiting_post.discard(pending_post_key(msg))
    return [Reply(texts.POST_CANCELLED)]


async def post(ctx: Context, msg: Incoming, args: str) -> list[Reply]:
    """`/post` with the article, as a reply to it, as a file's caption, or alone (then the
    admin's next message in this chat is the article)."""
    if msg.document is None and not args and not msg.reply_to_text:
        ctx.awaiting_post.add(pending_post_key(msg))
        return [Reply(texts.POST_WAITING)]
    return await post_text(ctx, msg, args or (msg.reply_to_text or ""))


@dataclass(frozen=True, slots=True)
class PostOutcome:
    """What became of a post: the admin's reply, whether the article is stored (new or a
    duplicate), and whether the outcome is final: a post the stopping bot could not finish
    stays journaled for the next start."""

    reply: Reply
    stored: bool = False
    final: bool = True


async def post_text(ctx: Context, msg: Incoming, text: str) -> list[Reply]:
    """Journal the post, work it out, forget it once its outcome is known. Telegram has
    already confirmed the update, so a post cut short by a crash or a restart lives on
    only in the journal, to be finished at the next start (see bot.recovery)."""
    file = _journal_file(msg.document)
    if file is None and not text.strip():  # nothing to keep: answered without slow work
        return [(await post_outcome(ctx, msg, text)).reply]
    entry = await post_journal.record(
        ctx.db,
        origin=ctx.origin,
        chat_id=msg.chat_id,
        user_id=msg.user_id,
        text=text,
        file=file,
        now=ctx.clock.now(),
    )
    try:
        outcome = await post_outcome(ctx, msg, text)
    except Exception:
        # The front end answers with the generic error: that is the post's outcome too.
        with contextlib.suppress(Exception):
            await post_journal.remove(ctx.db, entry)
        raise
    if outcome.final:
        await post_journal.remove(ctx.db, entry)
    return [outcome.reply]


def _journal_file(document: Document | None) -> post_journal.JournalFile | None:
    """A posted file worth journaling: one over the size cap is refused without any work."""
    if document is None or document.too_large:
        return None
    return post_journal.JournalFile(document.filename, document.content)


async def post_outcome(ctx: Context, msg: Incoming, text: str) -> PostOutcome:
    """Fetch, extract, digest and store the article of a post, or say why not."""
    try:
        source = await message_source(msg.document, text, ctx.fetch)
    except FetchStopped:
        return PostOutcome(Reply(texts.POST_AFTER_RESTART), final=False)
    except BadUrl:
        return PostOutcome(Reply(texts.FETCH_BAD_URL))
    except FetchError as exc:
        return PostOutcome(Reply(texts.FETCH_FAILED.format(reason=escape(exc.reason))))
    except UnsupportedFile:
        mb = MAX_FILE_BYTES // (1024 * 1024)
        return PostOutcome(Reply(texts.POST_BAD_FILE.format(mb=mb)))
    except UndecodableFile:
        return PostOutcome(Reply(texts.POST_BAD_ENCODING))
    if source is None:
        return PostOutcome(Reply(texts.POST_USAGE))
    try:
        result = await post_article(ctx.db, source, posted_by=msg.user_id, now=ctx.clock.now())
    except NotHindi:
        return PostOutcome(Reply(texts.POST_NOT_HINDI))
    except EmptyArticle:
        return PostOutcome(Reply(texts.POST_EMPTY))
    timing = FollowerTiming()
    if not result.duplicate and not result.new_story:
        timing = await follower_timing(ctx.db, result.story_id, ctx.clock.now())
        ctx.outbox_written()  # the runner sends the followers' updates in the background
    return PostOutcome(Reply(describe_post(result, timing)), stored=True)


def followers_note(timing: FollowerTiming) -> str:
    """Who of the story's followers hears of the post, and when, without promising a
    message: a follower to whom the article adds nothing new gets none."""
    parts = []
    if timing.now:
        parts.append(texts.FOLLOWERS_NOW.format(count=timing.now))
    if timing.morning:
        parts.append(texts.FOLLOWERS_MORNING.format(count=timing.morning))
    return texts.FOLLOWERS_NOTE.format(parts=", ".join(parts)) if parts else ""


def describe_post(result: PostResult, timing: FollowerTiming | None = None) -> str:
    """The admin's confirmation: which story (new or continued), then the card."""
    if result.duplicate:
        return texts.POST_DUPLICATE.format(story=result.story_id)
    if result.new_story:
        head = texts.POST_SAVED_NEW.format(story=result.story_id, article=result.article_id)
    else:
        head = texts.POST_SAVED_CONTINUED.format(
            story=result.story_id,
            article=result.article_id,
            title=escape(result.story_title),
            followers=followers_note(timing or FollowerTiming()),
        )
    card = render_item(card_item(result.story_id, result.article))
    parts = [head, card]
    if result.truncated:
        parts.append(texts.POST_TRUNCATED)
    return "\n\n".join(parts)


async def move(ctx: Context, msg: Incoming, args: str) -> list[Reply]:
    numbers = [number_arg(part) for part in args.split()]
    if len(numbers) != 2 or None in numbers:
        return [Reply(texts.MOVE_USAGE)]
    article_id, story_id = numbers
    assert article_id is not None and story_id is not None
    article = await articles.get(ctx.db, article_id)
    if article is None:
        return [Reply(texts.ARTICLE_NOT_FOUND.format(article=article_id))]
    story = await stories.get(ctx.db, story_id)
    if story is None:  # unknown, or emptied by an earlier /move: say where it went
        return [Reply(await missing_story_text(ctx.db, story_id))]
    if article.story_id == story_id:
        return [Reply(texts.MOVE_SAME.format(article=article_id, story=story_id))]
    now = ctx.clock.now()
    await move_article(ctx.db, article_id, story_id, now)
    timing = await _tell_followers(ctx, story_id, now)
    done = texts.MOVED.format(
        article=article_id,
        story=story_id,
        title=escape(story.title),
        followers=followers_note(timing),
    )
    return [Reply(done)]


async def split(ctx: Context, msg: Incoming, args: str) -> list[Reply]:
    article_id = number_arg(args)
    if article_id is None:
        return [Reply(texts.SPLIT_USAGE)]
    article = await articles.get(ctx.db, article_id)
    if article is None:
        return [Reply(texts.ARTICLE_NOT_FOUND.format(article=article_id))]
    story = await stories.get(ctx.db, article.story_id)
    if story is not None and story.article_count == 1:
        return [Reply(texts.SPLIT_ALONE.format(article=article_id, story=story.id))]
    now = ctx.clock.now()
    new_story = await split_article(ctx.db, article_id, now)
    timing = await _tell_followers(ctx, new_story, now)
    done = texts.SPLIT_DONE.format(
        article=article_id,
        story=new_story,
        title=escape(article.title),
        followers=followers_note(timing),
    )
    return [Reply(done)]


async def _tell_followers(ctx: Context, story_id: int, now: datetime) -> FollowerTiming:
    """An article an admin put into a story reaches its followers as a newly posted one
    would: the runner sends the updates in the background; the reply says who gets one."""
    timing = await follower_timing(ctx.db, story_id, now)
    ctx.outbox_written()
    return timing


def _last_run(run: deliveries.RunReport | None, zone: ZoneInfo) -> str:
    """/stats' last line: the latest sender run, or that there has been none yet."""
    if run is None:
        return texts.STATS_NO_RUN
    return texts.STATS_LAST_RUN.format(
        run_at=format_date_time(run.started_at.astimezone(zone)),
        run_sent=run.sent,
        run_retried=run.retried,
        run_failed=run.failed,
        run_inactive=run.newly_inactive,
        run_seconds=f"{run.seconds:.1f}",
    )


async def stats(ctx: Context, msg: Incoming, args: str) -> list[Reply]:
    now = ctx.clock.now()
    zone = ZoneInfo(ctx.settings.tz)
    local_midnight = datetime.combine(now.astimezone(zone).date(), datetime.min.time(), zone)
    active, inactive = await subscribers.counts(ctx.db)
    # The latest sender run's report (the morning broadcast, or whatever ran since).
    run = await deliveries.latest_report(ctx.db)
    return [
        Reply(
            texts.STATS.format(
                active=active,
                inactive=inactive,
                articles=await articles.count(ctx.db),
                stories=await stories.count(ctx.db),
                date=format_date(now.astimezone(zone), weekday=False),
                digests_today=await deliveries.sent_since(ctx.db, local_midnight, kind="digest"),
                pending=await deliveries.pending_count(ctx.db),
                last_run=_last_run(run, zone),
            )
        )
    ]
