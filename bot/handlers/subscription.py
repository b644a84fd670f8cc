"""Readers' own settings: subscribe, stop, digest time, time zone, quiet hours, help."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import texts
from bot.config import parse_zone
from bot.handlers.context import Context, clock_range, clock_time, number_arg
from bot.handlers.following import follow
from bot.handlers.reading import story
from bot.replies import Incoming, Reply
from bot.schedule import next_occurrence
from digests.dates import format_date_time
from digests.render import escape
from storage import stories, subscribers

DEEP_LINK_STORY = "story_"


def _greeting_name(first_name: str | None) -> str:
    return f", {escape(first_name.strip())}" if first_name and first_name.strip() else ""


async def start(ctx: Context, msg: Incoming, args: str) -> list[Reply]:
    """Subscribe or resume; `/start story_N` (a deep link) also follows and shows story N."""
    now = ctx.clock.now()
    sub = await subscribers.get(ctx.db, msg.chat_id)
    name = _greeting_name(msg.first_name)
    if sub is None:
        await ctx.subscribe(msg.chat_id, msg.first_name)
        tz, at = ctx.settings.tz, ctx.settings.digest_time
        template = texts.WELCOME
    elif not sub.active:
        tz, at = sub.tz, sub.digest_time
        await subscribers.activate(ctx.db, msg.chat_id, next_occurrence(at, tz, now), now)
        template = texts.WELCOME_BACK
    else:
        tz, at = sub.tz, sub.digest_time
        template = texts.ALREADY_SUBSCRIBED
    replies = [Reply(template.format(name=name, time=at, tz=tz))]
    payload = args.strip()
    if payload.startswith(DEEP_LINK_STORY):
        replies += await _deep_link(ctx, msg, payload[len(DEEP_LINK_STORY) :])
    return replies


async def _deep_link(ctx: Context, msg: Incoming, number_text: str) -> list[Reply]:
    """Follow and show the linked story. A link to a story that is gone says so once
    (in /follow's words, which tell where a moved story went): /follow and /story would
    each say "not found" on their own."""
    number = number_arg(number_text)
    if number is None:
        return []
    followed = await follow(ctx, msg, str(number))
    if await stories.get(ctx.db, number) is None:
        return followed
    return followed + await story(ctx, msg, str(number))


async def stop(ctx: Context, msg: Incoming, args: str) -> list[Reply]:
    """Pause the digest and follow updates alike (both go to active readers only); the
    settings and follows stay, so /start resumes both."""
    sub = await subscribers.get(ctx.db, msg.chat_id)
    if sub is None or not sub.active:
        return [Reply(texts.NOT_SUBSCRIBED)]
    await subscribers.deactivate(ctx.db, msg.chat_id, ctx.clock.now(), "stopped by the reader")
    return [Reply(texts.STOPPED)]


async def help_(ctx: Context, msg: Incoming, args: str) -> list[Reply]:
    """Readers see their own commands; the editors' commands and how to post are shown to
    admins only, since a reader could only get "admins only" from them."""
    lines = [texts.HELP_HEADER]
    lines += [f"/{name} — {desc}" for name, desc, admin in texts.COMMANDS if not admin]
    if ctx.is_admin(msg.user_id):
        lines += ["", texts.HELP_ADMIN_HEADER]
        lines += [f"/{name} — {desc}" for name, desc, admin in texts.COMMANDS if admin]
        lines += ["", texts.HELP_POSTING]
    return [Reply("\n".join(lines))]


async def _reschedule(ctx: Context, sub: subscribers.Subscriber, at: str, tz: str) -> str:
    """Store a new time or zone; returns the next digest time as the reader will see it.

    A stopped reader's setting is stored without a next digest: /start schedules it.
    """
    now = ctx.clock.now()
    next_at = next_occurrence(at, tz, now)
    await subscribers.set_schedule(
        ctx.db,
        sub.chat_id,
        digest_time=at,
        tz=tz,
        next_digest_at=next_at if sub.active else None,
        now=now,
    )
    return format_date_time(next_at.astimezone(ZoneInfo(tz)))


async def time_(ctx: Context, msg: Incoming, args: str) -> list[Reply]:
    sub = await subscribers.get(ctx.db, msg.chat_id)
    if sub is None:
        return [Reply(texts.NOT_SUBSCRIBED)]
    if not args:
        shown = texts.TIME_SHOW if sub.active else texts.TIME_SHOW_STOPPED
        return [Reply(shown.format(time=sub.digest_time, tz=sub.tz))]
    try:
        at = clock_time(args).strftime("%H:%M")
    except ValueError:
        return [Reply(texts.TIME_USAGE)]
    next_at = await _reschedule(ctx, sub, at, sub.tz)
    if not sub.active:  # nothing is scheduled: promise no time, say what brings it back
        return [Reply(texts.TIME_SET_STOPPED.format(time=at, tz=sub.tz))]
    return [Reply(texts.TIME_SET.format(time=at, tz=sub.tz, next=next_at))]


async def tz(ctx: Context, msg: Incoming, args: str) -> list[Reply]:
    sub = await subscribers.get(ctx.db, msg.chat_id)
    if sub is None:
        return [Reply(texts.NOT_SUBSCRIBED)]
    if not args:
        local = ctx.clock.now().astimezone(ZoneInfo(sub.tz)).strftime("%H:%M")
        return [Reply(texts.TZ_SHOW.format(tz=sub.tz, local=local))]
    try:
        zone = parse_zone(args)
    except ValueError:
        return [Reply(texts.TZ_USAGE)]
    next_at = await _reschedule(ctx, sub, sub.digest_time, zone.key)
    if not sub.active:
        return [Reply(texts.TZ_SET_STOPPED.format(tz=zone.key, time=sub.digest_time))]
    return [Reply(texts.TZ_SET.format(tz=zone.key, time=sub.digest_time, next=next_at))]


async def quiet(ctx: Context, msg: Incoming, args: str) -> list[Reply]:
    sub = await subscribers.get(ctx.db, msg.chat_id)
    if sub is None:
        return [Reply(texts.NOT_SUBSCRIBED)]
    arg = args.strip().lower()
    if not arg:
        if sub.quiet_start and sub.quiet_end:
            shown = texts.QUIET_SHOW.format(start=sub.quiet_start, end=sub.quiet_end, tz=sub.tz)
            return [Reply(shown)]
        return [Reply(texts.QUIET_OFF_SHOW)]
    if arg in ("off", "बंद", "none"):
        await subscribers.set_quiet(ctx.db, msg.chat_id, None, None, ctx.clock.now())
        return [Reply(texts.QUIET_OFF)]
    try:
        begin, finish = clock_range(arg)
    except ValueError:
        return [Reply(texts.QUIET_USAGE)]
    if begin == finish:
        return [Reply(texts.QUIET_USAGE)]
    first, last = begin.strftime("%H:%M"), finish.strftime("%H:%M")
    await subscribers.set_quiet(ctx.db, msg.chat_id, first, last, ctx.clock.now())
    return [Reply(texts.QUIET_SET.format(start=first, end=last, tz=sub.tz))]
