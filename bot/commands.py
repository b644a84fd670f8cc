"""The command layer: (user, message) in, replies out. Telegram, the terminal and the tests
all talk to the bot through `Khabar.handle`, so every front end behaves the same.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts
from bot.clock import Clock
from bot.config import Settings, parse_hhmm, parse_zone
from bot.digest import build_digest
from bot.fetch import FetchError, fetch_page, is_url
from bot.posting import (
    MAX_FILE_BYTES,
    PostResult,
    Source,
    UndecodableFile,
    UnsupportedFile,
    looks_like_html,
    move_article,
    post_article,
    source_from_file,
    source_from_html,
    split_article,
)
from bot.replies import Button, CallbackResult, Incoming, Reply
from bot.schedule import next_occurrence
from bot.updates import fan_out, story_buttons
from digests.article import EmptyArticle, NotHindi
from digests.dates import format_date, format_date_time
from digests.model import DigestItem
from digests.render import escape, render_item
from digests.sentences import split_sentences
from storage import articles, deliveries, follows, stories, subscribers
from storage.db import Database

log = logging.getLogger(__name__)

Handler = Callable[[Incoming, str], Awaitable[list[Reply]]]
Fetcher = Callable[[str], Awaitable[str]]


_COMMAND = re.compile(r"/([A-Za-z0-9_]{1,64})(?:@[A-Za-z0-9_]+)?(?=\s|$)")


def parse_command(text: str) -> tuple[str, str] | None:
    """'/Time@khabar_bot 07:30' -> ('time', '07:30'); None when the text is not a command.

    Arguments keep their line breaks: '/post' carries a whole article after it.
    """
    stripped = text.lstrip()
    match = _COMMAND.match(stripped)
    if match is None:
        return None
    return match.group(1).lower(), stripped[match.end() :].strip()


def number_arg(args: str) -> int | None:
    """'#12' or '12' -> 12; None for anything else (huge numbers included)."""
    number = args.strip().lstrip("#")
    return int(number) if number.isdigit() and number.isascii() and len(number) <= 12 else None


def first_sentence(text: str) -> str:
    sentences = split_sentences(text)
    return sentences[0] if sentences else text


class BadUrl(ValueError):
    """Looks like a link but is not one we can fetch."""


def _greeting_name(first_name: str | None) -> str:
    return f", {escape(first_name.strip())}" if first_name and first_name.strip() else ""


class Khabar:
    """The bot's behaviour, independent of how messages arrive."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Clock,
        fetch: Fetcher = fetch_page,
        on_outbox: Callable[[], None] | None = None,
    ) -> None:
        """`on_outbox` is called after updates were written to the outbox, so the front
        end's sender can send them now rather than at its next tick."""
        self.db = db
        self.on_outbox = on_outbox
        self.settings = settings
        self.clock = clock
        self.fetch = fetch
        self._awaiting_post: set[int] = set()
        self._commands: dict[str, tuple[Handler, bool]] = {
            "start": (self._start, False),
            "stop": (self._stop, False),
            "help": (self._help, False),
            "digest": (self._digest, False),
            "time": (self._time, False),
            "tz": (self._tz, False),
            "stories": (self._stories, False),
            "follow": (self._follow, False),
            "unfollow": (self._unfollow, False),
            "following": (self._following, False),
            "quiet": (self._quiet, False),
            "move": (self._move, True),
            "split": (self._split, True),
            "story": (self._story, False),
            "cancel": (self._cancel, False),
            "post": (self._post, True),
            "stats": (self._stats, True),
        }

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.settings.admins

    async def handle(self, msg: Incoming) -> list[Reply]:
        """Answer one message; never raises, so no input can crash a front end."""
        try:
            return await self._dispatch(msg)
        except Exception:
            log.exception("command failed for chat %s", msg.chat_id)
            return [Reply(texts.INTERNAL_ERROR)]

    async def handle_callback(
        self,
        user_id: int,
        chat_id: int,
        data: str,
        buttons: tuple[tuple[Button, ...], ...] = (),
    ) -> CallbackResult:
        """A button press; `data` is what our own Button carried, `buttons` the pressed
        message's keyboard, returned with the pressed toggle flipped in place."""
        try:
            return await self._callback(user_id, chat_id, data, buttons)
        except Exception:
            log.exception("callback %r failed for chat %s", data, chat_id)
            return CallbackResult(replies=(Reply(texts.INTERNAL_ERROR),))

    async def _callback(
        self, user_id: int, chat_id: int, data: str, buttons: tuple[tuple[Button, ...], ...]
    ) -> CallbackResult:
        kind, _, arg = data.partition(":")
        if not arg.isdigit() or len(arg) > 12:
            log.warning("unknown callback data %r", data)
            return CallbackResult(toast=texts.UNKNOWN_COMMAND_SHORT)
        story_id = int(arg)
        if kind == "story":
            replies = await self.handle(Incoming(user_id, chat_id, f"/story {story_id}"))
            return CallbackResult(replies=tuple(replies))
        if kind not in ("f", "u"):
            return CallbackResult(toast=texts.UNKNOWN_COMMAND_SHORT)
        if await stories.get(self.db, story_id) is None:
            return CallbackResult(toast=texts.TOAST_GONE)
        if await subscribers.get(self.db, chat_id) is None:
            await self._subscribe(chat_id, None)
        if kind == "f":
            await self._do_follow(chat_id, story_id)
            toast = texts.TOAST_FOLLOWED.format(story=story_id)
        else:
            await follows.unfollow(self.db, chat_id, story_id)
            toast = texts.TOAST_UNFOLLOWED.format(story=story_id)
        flipped = story_buttons(story_id, following=kind == "f")[0]
        new_rows = tuple(
            tuple(flipped if b.data in (f"f:{story_id}", f"u:{story_id}") else b for b in row)
            for row in buttons
        )
        return CallbackResult(toast=toast, buttons=new_rows if new_rows != buttons else None)

    async def _dispatch(self, msg: Incoming) -> list[Reply]:
        parsed = parse_command(msg.text)
        if parsed is None:
            if msg.user_id in self._awaiting_post and (msg.text.strip() or msg.document):
                self._awaiting_post.discard(msg.user_id)
                return await self._post_from(msg, msg.text)
            if msg.document is not None:
                return [
                    Reply(
                        texts.POST_USAGE
                        if self.is_admin(msg.user_id)
                        else texts.UNSUPPORTED_MESSAGE
                    )
                ]
            if not msg.text.strip():
                return [Reply(texts.UNSUPPORTED_MESSAGE)]
            return [Reply(texts.PLAIN_TEXT_HINT)]
        name, args = parsed
        entry = self._commands.get(name)
        if entry is None:
            return [Reply(texts.UNKNOWN_COMMAND)]
        handler, admin_only = entry
        if admin_only and not self.is_admin(msg.user_id):
            return [Reply(texts.NOT_ADMIN)]
        return await handler(msg, args)

    # -- subscription --------------------------------------------------------------------

    async def _subscribe(self, chat_id: int, first_name: str | None) -> None:
        now = self.clock.now()
        tz, at = self.settings.tz, self.settings.digest_time
        await subscribers.create(
            self.db,
            chat_id=chat_id,
            first_name=first_name,
            digest_time=at,
            tz=tz,
            next_digest_at=next_occurrence(at, tz, now),
            now=now,
        )

    async def _start(self, msg: Incoming, args: str) -> list[Reply]:
        now = self.clock.now()
        sub = await subscribers.get(self.db, msg.chat_id)
        name = _greeting_name(msg.first_name)
        if sub is None:
            await self._subscribe(msg.chat_id, msg.first_name)
            tz, at = self.settings.tz, self.settings.digest_time
            template = texts.WELCOME
        elif not sub.active:
            tz, at = sub.tz, sub.digest_time
            await subscribers.activate(self.db, msg.chat_id, next_occurrence(at, tz, now), now)
            template = texts.WELCOME_BACK
        else:
            tz, at = sub.tz, sub.digest_time
            template = texts.ALREADY_SUBSCRIBED
        replies = [Reply(template.format(name=name, time=at, tz=tz))]
        payload = args.strip()
        if payload.startswith("story_") and payload[6:].isdigit():
            # A deep link t.me/<bot>?start=story_N: subscribe, follow N and show it.
            replies += await self._follow(msg, payload[6:])
            replies += await self._story(msg, payload[6:])
        return replies

    async def _stop(self, msg: Incoming, args: str) -> list[Reply]:
        sub = await subscribers.get(self.db, msg.chat_id)
        if sub is None or not sub.active:
            return [Reply(texts.NOT_SUBSCRIBED)]
        await subscribers.deactivate(self.db, msg.chat_id, self.clock.now())
        return [Reply(texts.STOPPED)]

    async def _help(self, msg: Incoming, args: str) -> list[Reply]:
        lines = [texts.HELP_HEADER]
        lines += [f"/{name} — {desc}" for name, desc, admin in texts.COMMANDS if not admin]
        lines += ["", texts.HELP_ADMIN_HEADER]
        lines += [f"/{name} — {desc}" for name, desc, admin in texts.COMMANDS if admin]
        lines += ["", texts.HELP_POSTING]
        return [Reply("\n".join(lines))]

    # -- schedule ------------------------------------------------------------------------

    async def _time(self, msg: Incoming, args: str) -> list[Reply]:
        sub = await subscribers.get(self.db, msg.chat_id)
        if sub is None:
            return [Reply(texts.NOT_SUBSCRIBED)]
        if not args:
            return [Reply(texts.TIME_SHOW.format(time=sub.digest_time, tz=sub.tz))]
        try:
            at = parse_hhmm(args).strftime("%H:%M")
        except ValueError:
            return [Reply(texts.TIME_USAGE)]
        next_at = await self._reschedule(sub, at, sub.tz)
        return [Reply(texts.TIME_SET.format(time=at, tz=sub.tz, next=next_at))]

    async def _tz(self, msg: Incoming, args: str) -> list[Reply]:
        sub = await subscribers.get(self.db, msg.chat_id)
        if sub is None:
            return [Reply(texts.NOT_SUBSCRIBED)]
        if not args:
            local = self.clock.now().astimezone(ZoneInfo(sub.tz)).strftime("%H:%M")
            return [Reply(texts.TZ_SHOW.format(tz=sub.tz, local=local))]
        try:
            zone = parse_zone(args)
        except ValueError:
            return [Reply(texts.TZ_USAGE)]
        next_at = await self._reschedule(sub, sub.digest_time, zone.key)
        return [Reply(texts.TZ_SET.format(tz=zone.key, time=sub.digest_time, next=next_at))]

    async def _reschedule(self, sub: subscribers.Subscriber, at: str, tz: str) -> str:
        now = self.clock.now()
        next_at = next_occurrence(at, tz, now)
        await subscribers.set_schedule(
            self.db,
            sub.chat_id,
            digest_time=at,
            tz=tz,
            next_digest_at=next_at if sub.active else None,
            now=now,
        )
        return format_date_time(next_at.astimezone(ZoneInfo(tz)))

    # -- reading -------------------------------------------------------------------------

    async def _digest(self, msg: Incoming, args: str) -> list[Reply]:
        now = self.clock.now()
        sub = await subscribers.get(self.db, msg.chat_id)
        tz = sub.tz if sub else self.settings.tz
        digest = await build_digest(self.db, msg.chat_id, now=now, tz=tz, fallback_recent=True)
        if digest is None:
            return [Reply(texts.DIGEST_EMPTY)]
        if sub is not None:
            async with self.db.transaction() as tx:
                await deliveries.mark_received(tx, msg.chat_id, digest.article_ids, None, now)
        return digest.replies or [Reply(texts.DIGEST_EMPTY)]

    async def _stories(self, msg: Incoming, args: str) -> list[Reply]:
        recent = await stories.recent(self.db, limit=10)
        if not recent:
            return [Reply(texts.STORIES_EMPTY)]
        zone = ZoneInfo(self.settings.tz)
        lines = [texts.STORIES_HEADER, ""]
        for story in recent:
            lines.append(
                texts.STORIES_LINE.format(
                    id=story.id,
                    title=escape(story.title),
                    count=story.article_count,
                    date=format_date(story.updated_at.astimezone(zone), weekday=False),
                )
            )
        lines += ["", texts.STORIES_FOOTER]
        followed = await follows.followed_among(self.db, msg.chat_id, [s.id for s in recent])
        rows = tuple(
            (
                Button(texts.STORY_BUTTON.format(story=s.id), data=f"story:{s.id}"),
                *story_buttons(s.id, s.id in followed),
            )
            for s in recent
        )
        return [Reply("\n".join(lines), rows)]

    async def _story(self, msg: Incoming, args: str) -> list[Reply]:
        number = number_arg(args)
        if number is None:
            return [Reply(texts.STORY_USAGE)]
        story = await stories.get(self.db, number)
        if story is None:
            return [Reply(texts.STORY_NOT_FOUND.format(id=number))]
        thread = await articles.of_story(self.db, story.id)
        zone = ZoneInfo(self.settings.tz)
        head = texts.STORY_HEADER.format(
            id=story.id,
            title=escape(story.title),
            count=len(thread),
            first=format_date(story.created_at.astimezone(zone), weekday=False),
            last=format_date(story.updated_at.astimezone(zone), weekday=False),
        )
        if not thread:
            return [Reply(head)]
        timeline = [
            texts.TIMELINE_LINE.format(
                n=n,
                date=format_date(a.posted_at.astimezone(zone)),
                article=a.id,
                summary=escape(first_sentence(a.summary)),
            )
            for n, a in enumerate(thread, 1)
        ]
        newest = thread[-1]
        card = render_item(
            DigestItem(
                story_id=story.id,
                title=newest.title,
                summary=newest.summary,
                facts=newest.facts,
                url=newest.source_url,
                posted_at=newest.posted_at,
            )
        )
        following = await follows.is_following(self.db, msg.chat_id, story.id)
        text = "\n\n".join([head, "\n".join(timeline), card])
        return [Reply(text, (story_buttons(story.id, following),))]

    # -- follows -------------------------------------------------------------------------

    async def _do_follow(self, chat_id: int, story_id: int) -> bool:
        """Follow; the story so far counts as known, so updates start from what is new."""
        added = await follows.follow(self.db, chat_id, story_id, self.clock.now())
        if added:
            thread = await articles.of_story(self.db, story_id)
            async with self.db.transaction() as tx:
                await deliveries.mark_received(
                    tx, chat_id, [a.id for a in thread], None, self.clock.now()
                )
        return added

    async def _follow(self, msg: Incoming, args: str) -> list[Reply]:
        story_id = number_arg(args)
        if story_id is None:
            return [Reply(texts.FOLLOW_USAGE)]
        story = await stories.get(self.db, story_id)
        if story is None:
            return [Reply(texts.STORY_NOT_FOUND.format(id=story_id))]
        sub = await subscribers.get(self.db, msg.chat_id)
        if sub is None:
            await self._subscribe(msg.chat_id, msg.first_name)
            sub = await subscribers.get(self.db, msg.chat_id)
        assert sub is not None
        if not await self._do_follow(msg.chat_id, story_id):
            return [Reply(texts.ALREADY_FOLLOWING.format(story=story_id))]
        title = escape(story.title)
        if sub.quiet_start and sub.quiet_end:
            quiet = f"{sub.quiet_start}-{sub.quiet_end}"
            text = texts.FOLLOWED.format(story=story_id, title=title, quiet=quiet)
        else:
            text = texts.FOLLOWED_NO_QUIET.format(story=story_id, title=title)
        return [Reply(text, (story_buttons(story_id, following=True),))]

    async def _unfollow(self, msg: Incoming, args: str) -> list[Reply]:
        story_id = number_arg(args)
        if story_id is None:
            return [Reply(texts.UNFOLLOW_USAGE)]
        if not await follows.unfollow(self.db, msg.chat_id, story_id):
            return [Reply(texts.NOT_FOLLOWING.format(story=story_id))]
        return [
            Reply(
                texts.UNFOLLOWED.format(story=story_id), (story_buttons(story_id, following=False),)
            )
        ]

    async def _following(self, msg: Incoming, args: str) -> list[Reply]:
        ids = await follows.stories_of(self.db, msg.chat_id)
        if not ids:
            return [Reply(texts.FOLLOWING_EMPTY)]
        lines = [texts.FOLLOWING_HEADER, ""]
        rows = []
        zone = ZoneInfo(self.settings.tz)
        for story_id in ids[:50]:
            story = await stories.get(self.db, story_id)
            if story is None:
                continue
            lines.append(
                texts.STORIES_LINE.format(
                    id=story.id,
                    title=escape(story.title),
                    count=story.article_count,
                    date=format_date(story.updated_at.astimezone(zone), weekday=False),
                )
            )
            rows.append(story_buttons(story.id, following=True))
        return [Reply("\n".join(lines), tuple(rows))]

    async def _quiet(self, msg: Incoming, args: str) -> list[Reply]:
        sub = await subscribers.get(self.db, msg.chat_id)
        if sub is None:
            return [Reply(texts.NOT_SUBSCRIBED)]
        arg = args.strip().lower()
        if not arg:
            if sub.quiet_start and sub.quiet_end:
                return [
                    Reply(
                        texts.QUIET_SHOW.format(start=sub.quiet_start, end=sub.quiet_end, tz=sub.tz)
                    )
                ]
            return [Reply(texts.QUIET_OFF_SHOW)]
        if arg in ("off", "बंद", "none"):
            await subscribers.set_quiet(self.db, msg.chat_id, None, None, self.clock.now())
            return [Reply(texts.QUIET_OFF)]
        start, sep, end = arg.replace(" ", "").partition("-")
        try:
            begin, finish = parse_hhmm(start), parse_hhmm(end)
        except ValueError:
            return [Reply(texts.QUIET_USAGE)]
        if not sep or begin == finish:
            return [Reply(texts.QUIET_USAGE)]
        start_s, end_s = begin.strftime("%H:%M"), finish.strftime("%H:%M")
        await subscribers.set_quiet(self.db, msg.chat_id, start_s, end_s, self.clock.now())
        return [Reply(texts.QUIET_SET.format(start=start_s, end=end_s, tz=sub.tz))]

    # -- editors -------------------------------------------------------------------------

    async def _cancel(self, msg: Incoming, args: str) -> list[Reply]:
        self._awaiting_post.discard(msg.user_id)
        return [Reply(texts.POST_CANCELLED)]

    async def _post(self, msg: Incoming, args: str) -> list[Reply]:
        if msg.document is None and not args and not msg.reply_to_text:
            self._awaiting_post.add(msg.user_id)
            return [Reply(texts.POST_WAITING)]
        text = args or (msg.reply_to_text or "")
        return await self._post_from(msg, text)

    async def _post_from(self, msg: Incoming, text: str) -> list[Reply]:
        try:
            source = await self._source(msg, text)
        except BadUrl:
            return [Reply(texts.FETCH_BAD_URL)]
        except FetchError as exc:
            return [Reply(texts.FETCH_FAILED.format(reason=escape(exc.reason)))]
        except UnsupportedFile:
            return [Reply(texts.POST_BAD_FILE.format(mb=MAX_FILE_BYTES // (1024 * 1024)))]
        except UndecodableFile:
            return [Reply(texts.POST_BAD_ENCODING)]
        if source is None:
            return [Reply(texts.POST_USAGE)]
        try:
            result = await post_article(
                self.db, source, posted_by=msg.user_id, now=self.clock.now()
            )
        except NotHindi:
            return [Reply(texts.POST_NOT_HINDI)]
        except EmptyArticle:
            return [Reply(texts.POST_EMPTY)]
        followers = 0
        if not result.duplicate and not result.new_story:
            followers = await follows.follower_count(self.db, result.story_id)
            if followers:
                await fan_out(self.db, result.article_id, self.clock.now())
                if self.on_outbox is not None:
                    self.on_outbox()
        return [Reply(self.describe_post(result, followers))]

    async def _source(self, msg: Incoming, text: str) -> Source | None:
        if msg.document is not None:
            return source_from_file(msg.document)
        text = text.strip()
        if not text:
            return None
        first_token = text.split(maxsplit=1)[0]
        if is_url(first_token) and len(text.split()) == 1:
            return source_from_html(await self.fetch(first_token), first_token)
        if first_token.lower().startswith(("http", "www.")) and len(text.split()) == 1:
            raise BadUrl(first_token)
        if looks_like_html(text):
            return source_from_html(text)
        return Source(text=text)

    def describe_post(self, result: PostResult, followers: int = 0) -> str:
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
                followers=texts.POST_FOLLOWERS.format(count=followers) if followers else "",
            )
        card = render_item(
            DigestItem(
                story_id=result.story_id,
                title=result.article.title,
                summary=result.article.summary,
                facts=result.article.facts,
            )
        )
        parts = [head, card]
        if result.truncated:
            parts.append(texts.POST_TRUNCATED)
        return "\n\n".join(parts)

    async def _move(self, msg: Incoming, args: str) -> list[Reply]:
        parts = args.split()
        if len(parts) != 2 or None in (number_arg(parts[0]), number_arg(parts[1])):
            return [Reply(texts.MOVE_USAGE)]
        article_id, story_id = number_arg(parts[0]), number_arg(parts[1])
        assert article_id is not None and story_id is not None
        article = await articles.get(self.db, article_id)
        if article is None:
            return [Reply(texts.ARTICLE_NOT_FOUND.format(article=article_id))]
        story = await stories.get(self.db, story_id)
        if story is None:
            return [Reply(texts.STORY_NOT_FOUND.format(id=story_id))]
        if article.story_id == story_id:
            return [Reply(texts.MOVE_SAME.format(article=article_id, story=story_id))]
        await move_article(self.db, article_id, story_id, self.clock.now())
        return [
            Reply(texts.MOVED.format(article=article_id, story=story_id, title=escape(story.title)))
        ]

    async def _split(self, msg: Incoming, args: str) -> list[Reply]:
        article_id = number_arg(args)
        if article_id is None:
            return [Reply(texts.SPLIT_USAGE)]
        article = await articles.get(self.db, article_id)
        if article is None:
            return [Reply(texts.ARTICLE_NOT_FOUND.format(article=article_id))]
        story = await stories.get(self.db, article.story_id)
        if story is not None and story.article_count == 1:
            return [Reply(texts.SPLIT_ALONE.format(article=article_id, story=story.id))]
        new_story = await split_article(self.db, article_id, self.clock.now())
        return [
            Reply(
                texts.SPLIT_DONE.format(
                    article=article_id, story=new_story, title=escape(article.title)
                )
            )
        ]

    async def _stats(self, msg: Incoming, args: str) -> list[Reply]:
        now = self.clock.now()
        zone = ZoneInfo(self.settings.tz)
        local_midnight = datetime.combine(now.astimezone(zone).date(), datetime.min.time(), zone)
        active, inactive = await subscribers.counts(self.db)
        # The latest sender run's report (the morning broadcast, or whatever ran since).
        run = await deliveries.latest_report(self.db)
        return [
            Reply(
                texts.STATS.format(
                    active=active,
                    inactive=inactive,
                    articles=await articles.count(self.db),
                    stories=await stories.count(self.db),
                    date=format_date(now.astimezone(zone), weekday=False),
                    digests_today=await deliveries.sent_since(
                        self.db, local_midnight, kind="digest"
                    ),
                    pending=await deliveries.pending_count(self.db),
                    run_at=format_date_time(run.started_at.astimezone(zone)) if run else "—",
                    run_sent=run.messages if run else 0,
                    run_retried=run.retried if run else 0,
                    run_failed=run.failed if run else 0,
                    run_inactive=run.newly_inactive if run else 0,
                    run_seconds=f"{run.seconds:.1f}" if run else 0,
                )
            )
        ]
