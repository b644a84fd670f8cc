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
    post_article,
    source_from_file,
    source_from_html,
)
from bot.replies import Button, Incoming, Reply
from bot.schedule import next_occurrence
from digests.article import EmptyArticle, NotHindi
from digests.dates import format_date, format_date_time
from digests.model import DigestItem
from digests.render import escape, render_item
from storage import articles, deliveries, stories, subscribers
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
    ) -> None:
        self.db = db
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

    async def handle_callback(self, user_id: int, chat_id: int, data: str) -> list[Reply]:
        """A button press; data is what our own Button put there (at most 64 bytes)."""
        kind, _, arg = data.partition(":")
        if kind == "story":
            return await self.handle(Incoming(user_id, chat_id, f"/story {arg}"))
        log.warning("unknown callback data %r", data)
        return [Reply(texts.UNKNOWN_COMMAND)]

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

    async def _start(self, msg: Incoming, args: str) -> list[Reply]:
        now = self.clock.now()
        sub = await subscribers.get(self.db, msg.chat_id)
        name = _greeting_name(msg.first_name)
        if sub is None:
            tz, at = self.settings.tz, self.settings.digest_time
            await subscribers.create(
                self.db,
                chat_id=msg.chat_id,
                first_name=msg.first_name,
                digest_time=at,
                tz=tz,
                next_digest_at=next_occurrence(at, tz, now),
                now=now,
            )
            template = texts.WELCOME
        elif not sub.active:
            tz, at = sub.tz, sub.digest_time
            await subscribers.activate(self.db, msg.chat_id, next_occurrence(at, tz, now), now)
            template = texts.WELCOME_BACK
        else:
            tz, at = sub.tz, sub.digest_time
            template = texts.ALREADY_SUBSCRIBED
        return [Reply(template.format(name=name, time=at, tz=tz))]

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
        return digest.replies

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
        buttons = [Button(f"📖 #{s.id}", data=f"story:{s.id}") for s in recent]
        rows = tuple(tuple(buttons[i : i + 5]) for i in range(0, len(buttons), 5))
        return [Reply("\n".join(lines), rows)]

    async def _story(self, msg: Incoming, args: str) -> list[Reply]:
        number = args.strip().lstrip("#")
        if not number.isdigit() or len(number) > 12:
            return [Reply(texts.STORY_USAGE)]
        story = await stories.get(self.db, int(number))
        if story is None:
            return [Reply(texts.STORY_NOT_FOUND.format(id=int(number)))]
        thread = await articles.of_story(self.db, story.id)
        zone = ZoneInfo(self.settings.tz)
        head = texts.STORY_HEADER.format(
            id=story.id,
            title=escape(story.title),
            count=len(thread),
            first=format_date(story.created_at.astimezone(zone), weekday=False),
            last=format_date(story.updated_at.astimezone(zone), weekday=False),
        )
        newest = thread[-1]
        card = render_item(
            DigestItem(
                story_id=story.id,
                title=newest.title,
                summary=newest.summary,
                facts=newest.facts,
                url=newest.source_url,
                posted_at=newest.posted_at,
                article_count=len(thread),
            )
        )
        return [Reply(f"{head}\n\n{card}")]

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
        return [Reply(self.describe_post(result))]

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

    def describe_post(self, result: PostResult) -> str:
        """The admin's confirmation: which story, then the card readers will see."""
        if result.duplicate:
            return texts.POST_DUPLICATE.format(story=result.story_id)
        head = (texts.POST_SAVED_NEW if result.new_story else texts.POST_SAVED_CONTINUED).format(
            story=result.story_id
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

    async def _stats(self, msg: Incoming, args: str) -> list[Reply]:
        now = self.clock.now()
        zone = ZoneInfo(self.settings.tz)
        local_midnight = datetime.combine(now.astimezone(zone).date(), datetime.min.time(), zone)
        active, inactive = await subscribers.counts(self.db)
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
                )
            )
        ]
