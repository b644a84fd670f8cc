"""Following stories: commands, the 🔔/🔕 toggle buttons, and the list of follows."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from bot import texts
from bot.handlers.context import Context, number_arg
from bot.handlers.reading import story_line
from bot.replies import Button, CallbackResult, Incoming, Reply
from bot.updates import story_buttons
from digests.render import escape
from storage import articles, deliveries, follows, stories, subscribers

log = logging.getLogger(__name__)

MAX_LISTED = 50


async def start_following(ctx: Context, chat_id: int, story_id: int) -> bool:
    """Follow; the story so far counts as known, so updates start from what is new."""
    now = ctx.clock.now()
    added = await follows.follow(ctx.db, chat_id, story_id, now)
    if added:
        thread = await articles.of_story(ctx.db, story_id)
        async with ctx.db.transaction() as tx:
            await deliveries.mark_received(tx, chat_id, [a.id for a in thread], None, now)
    return added


async def follow(ctx: Context, msg: Incoming, args: str) -> list[Reply]:
    story_id = number_arg(args)
    if story_id is None:
        return [Reply(texts.FOLLOW_USAGE)]
    story = await stories.get(ctx.db, story_id)
    if story is None:
        return [Reply(texts.STORY_NOT_FOUND.format(id=story_id))]
    sub = await subscribers.get(ctx.db, msg.chat_id)
    if sub is None:
        await ctx.subscribe(msg.chat_id, msg.first_name)
        sub = await subscribers.get(ctx.db, msg.chat_id)
    assert sub is not None
    if not sub.active:  # updates only go to active readers: say so rather than pretend
        return [Reply(texts.FOLLOW_INACTIVE)]
    if not await start_following(ctx, msg.chat_id, story_id):
        return [Reply(texts.ALREADY_FOLLOWING.format(story=story_id))]
    title = escape(story.title)
    if sub.quiet_start and sub.quiet_end:
        quiet = f"{sub.quiet_start}-{sub.quiet_end}"
        text = texts.FOLLOWED.format(story=story_id, title=title, quiet=quiet)
    else:
        text = texts.FOLLOWED_NO_QUIET.format(story=story_id, title=title)
    return [Reply(text, (story_buttons(story_id, following=True),))]


async def unfollow(ctx: Context, msg: Incoming, args: str) -> list[Reply]:
    story_id = number_arg(args)
    if story_id is None:
        return [Reply(texts.UNFOLLOW_USAGE)]
    if not await follows.unfollow(ctx.db, msg.chat_id, story_id):
        return [Reply(texts.NOT_FOLLOWING.format(story=story_id))]
    buttons = (story_buttons(story_id, following=False),)
    return [Reply(texts.UNFOLLOWED.format(story=story_id), buttons)]


async def following(ctx: Context, msg: Incoming, args: str) -> list[Reply]:
    ids = await follows.stories_of(ctx.db, msg.chat_id)
    if not ids:
        return [Reply(texts.FOLLOWING_EMPTY)]
    zone = ZoneInfo(ctx.settings.tz)
    lines = [texts.FOLLOWING_HEADER, ""]
    rows = []
    for story_id in ids[:MAX_LISTED]:
        story = await stories.get(ctx.db, story_id)
        if story is not None:
            lines.append(story_line(story, zone))
            rows.append(story_buttons(story.id, following=True))
    return [Reply("\n".join(lines), tuple(rows))]


async def toggle(
    ctx: Context, chat_id: int, kind: str, story_id: int, buttons: tuple[tuple[Button, ...], ...]
) -> CallbackResult:
    """A 🔔 (kind "f") or 🔕 (kind "u") press: change the follow, flip that button in place."""
    if await stories.get(ctx.db, story_id) is None:
        return CallbackResult(toast=texts.TOAST_GONE)
    sub = await subscribers.get(ctx.db, chat_id)
    if sub is None:
        await ctx.subscribe(chat_id, None)
    elif not sub.active and kind == "f":
        return CallbackResult(toast=texts.TOAST_INACTIVE)
    if kind == "f":
        await start_following(ctx, chat_id, story_id)
        toast = texts.TOAST_FOLLOWED.format(story=story_id)
    else:
        await follows.unfollow(ctx.db, chat_id, story_id)
        toast = texts.TOAST_UNFOLLOWED.format(story=story_id)
    flipped = story_buttons(story_id, following=kind == "f")[0]
    toggles = (f"f:{story_id}", f"u:{story_id}")
    rows = tuple(tuple(flipped if b.data in toggles else b for b in row) for row in buttons)
    return CallbackResult(toast=toast, buttons=rows if rows != buttons else None)
