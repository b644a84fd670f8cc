"""Following stories: commands, the 🔔/🔕 toggle buttons, and the list of follows."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from bot import texts
from bot.handlers.context import Context, number_arg
from bot.handlers.reading import story_line
from bot.posting import missing_story_text
from bot.replies import Button, CallbackResult, Incoming, Reply
from bot.updates import story_buttons
from digests.render import escape
from storage import follows, stories, subscribers

log = logging.getLogger(__name__)

MAX_LISTED = 50


async def start_following(ctx: Context, chat_id: int, story_id: int) -> bool:
    """Follow; True when this is a new follow.

    Nothing is marked as received: a reader who only saw the story's title in /stories has
    not read it, so their next digest still brings it, and updates compare each new article
    with what was actually delivered to them (storage.articles.received_facts).
    """
    return await follows.follow(ctx.db, chat_id, story_id, ctx.clock.now())


async def _subscribe_for_updates(ctx: Context, chat_id: int, first_name: str | None) -> str:
    """Make a subscriber of someone who follows before /start, and the notice saying so.

    Updates go only to subscribers, and updates held back by quiet hours arrive in the
    next digest, so a follower needs the digest too; it must not start silently.
    """
    await ctx.subscribe(chat_id, first_name)
    return texts.SUBSCRIBED_BY_FOLLOW.format(time=ctx.settings.digest_time, tz=ctx.settings.tz)


async def follow(ctx: Context, msg: Incoming, args: str) -> list[Reply]:
    story_id = number_arg(args)
    if story_id is None:
        return [Reply(texts.FOLLOW_USAGE)]
    story = await stories.get(ctx.db, story_id)
    if story is None:
        return [Reply(await missing_story_text(ctx.db, story_id))]
    sub = await subscribers.get(ctx.db, msg.chat_id)
    notice = None
    if sub is None:
        notice = await _subscribe_for_updates(ctx, msg.chat_id, msg.first_name)
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
    if notice:
        text = f"{text}\n\n{notice}"
    return [Reply(text, (story_buttons(story_id, following=True),))]


async def _moved_target(ctx: Context, story_id: int) -> int | None:
    """The live story that holds an emptied story's articles (and so its follows), if any.

    /move hands an emptied story's follows to the target, so a reader who says "stop #4"
    means the story they now follow in its place.
    """
    if await stories.get(ctx.db, story_id) is not None:
        return None
    gone = await stories.emptied(ctx.db, story_id)
    return None if gone is None else gone.moved_to


async def unfollow(ctx: Context, msg: Incoming, args: str) -> list[Reply]:
    story_id = number_arg(args)
    if story_id is None:
        return [Reply(texts.UNFOLLOW_USAGE)]
    target = await _moved_target(ctx, story_id)
    if target is not None:
        if not await follows.unfollow(ctx.db, msg.chat_id, target):
            return [Reply(texts.NOT_FOLLOWING_MOVED.format(story=story_id, target=target))]
        buttons = (story_buttons(target, following=False),)
        return [Reply(texts.UNFOLLOWED_MOVED.format(story=story_id, target=target), buttons)]
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
    if kind == "u" and (target := await _moved_target(ctx, story_id)) is not None:
        return await _unfollow_moved(ctx, chat_id, story_id, target, buttons)
    if await stories.get(ctx.db, story_id) is None:
        gone = await stories.emptied(ctx.db, story_id)
        if gone is not None and gone.moved_to is not None:
            return CallbackResult(
                toast=texts.TOAST_FOLLOW_MOVED.format(story=story_id, target=gone.moved_to)
            )
        return CallbackResult(toast=texts.TOAST_GONE)
    sub = await subscribers.get(ctx.db, chat_id)
    notices: tuple[Reply, ...] = ()
    if sub is None and kind == "f":  # a 🔕 from a stranger needs no subscription
        notices = (Reply(await _subscribe_for_updates(ctx, chat_id, None)),)
    elif sub is not None and not sub.active and kind == "f":
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
    return CallbackResult(toast=toast, buttons=rows if rows != buttons else None, replies=notices)


async def _unfollow_moved(
    ctx: Context,
    chat_id: int,
    story_id: int,
    target: int,
    buttons: tuple[tuple[Button, ...], ...],
) -> CallbackResult:
    """🔕 #N on an old message after /move emptied N: stop following the story its articles
    (and its follows) went to, since that is what keeps sending this reader updates.

    The button turns into 🔔 #N, whose press then says where the story is now.
    """
    if not await follows.unfollow(ctx.db, chat_id, target):
        return CallbackResult(
            toast=texts.TOAST_NOT_FOLLOWING_MOVED.format(story=story_id, target=target)
        )
    flipped = story_buttons(story_id, following=False)[0]
    rows = tuple(tuple(flipped if b.data == f"u:{story_id}" else b for b in row) for row in buttons)
    return CallbackResult(
        toast=texts.TOAST_UNFOLLOWED_MOVED.format(story=story_id, target=target),
        buttons=rows if rows != buttons else None,
    )
