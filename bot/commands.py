"""The command layer: (user, message) in, replies out. Telegram, the terminal and the tests
all talk to the bot through `Khabar.handle`, so every front end behaves the same.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from bot import texts
from bot.clock import Clock
from bot.config import Settings
from bot.handlers import editing, following, reading, subscription
from bot.handlers.context import Context, Fetcher, Handler, pending_post_key
from bot.ingest.urls import Fetches, fetch_page
from bot.replies import Button, CallbackResult, ChatRights, Incoming, Reply, fit_parts, owns_chat
from storage import post_journal
from storage.db import Database

log = logging.getLogger(__name__)

_COMMAND = re.compile(r"/([A-Za-z0-9_]{1,64})(?:@[A-Za-z0-9_]+)?(?=\s|$)")


# name -> (handler, admin only)
COMMANDS: dict[str, tuple[Handler, bool]] = {
    "start": (subscription.start, False),
    "stop": (subscription.stop, False),
    "help": (subscription.help_, False),
    "time": (subscription.time_, False),
    "tz": (subscription.tz, False),
    "quiet": (subscription.quiet, False),
    "digest": (reading.digest, False),
    "stories": (reading.stories_, False),
    "story": (reading.story, False),
    "follow": (following.follow, False),
    "unfollow": (following.unfollow, False),
    "following": (following.following, False),
    "post": (editing.post, True),
    "cancel": (editing.cancel, True),
    "move": (editing.move, True),
    "split": (editing.split, True),
    "stats": (editing.stats, True),
}

# Commands that change the chat's own subscription: in a group only the group's admins may
# use them. /time, /tz and /quiet without an argument only show the setting.
CHANGES_SETTINGS = frozenset({"start", "stop", "follow", "unfollow"})
CHANGES_SETTINGS_WITH_ARGUMENT = frozenset({"time", "tz", "quiet"})


def changes_settings(name: str, args: str) -> bool:
    return name in CHANGES_SETTINGS or (name in CHANGES_SETTINGS_WITH_ARGUMENT and bool(args))


def parse_command(text: str) -> tuple[str, str] | None:
    """'/Time@khabar_bot 07:30' -> ('time', '07:30'); None when the text is not a command.

    Arguments keep their line breaks: '/post' carries a whole article after it.
    """
    stripped = text.lstrip()
    match = _COMMAND.match(stripped)
    if match is None:
        return None
    return match.group(1).lower(), stripped[match.end() :].strip()


class Khabar:
    """The bot's behaviour, independent of how messages arrive."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Clock,
        fetch: Fetcher | None = None,
        on_outbox: Callable[[], None] | None = None,
        origin: str = post_journal.TELEGRAM,
    ) -> None:
        """`on_outbox` is called when a post left follow-up updates to send, so the front
        end's runner sends them now rather than at its next tick. `origin` names the front
        end in the post journal (storage.post_journal)."""
        if fetch is None:
            fetch = partial(
                fetch_page,
                allow_private=settings.allow_private_urls,
                deadline=settings.fetch_seconds,
            )
        self.fetches = Fetches(fetch)
        self.ctx = Context(db, settings, clock, self.fetches, on_outbox, origin=origin)

    @property
    def db(self) -> Database:
        return self.ctx.db

    @property
    def settings(self) -> Settings:
        return self.ctx.settings

    @property
    def clock(self) -> Clock:
        return self.ctx.clock

    @property
    def on_outbox(self) -> Callable[[], None] | None:
        return self.ctx.on_outbox

    @on_outbox.setter
    def on_outbox(self, callback: Callable[[], None] | None) -> None:
        self.ctx.on_outbox = callback

    def is_admin(self, user_id: int) -> bool:
        return self.ctx.is_admin(user_id)

    def stop_fetching(self) -> None:
        """The front end is stopping: end the page fetches in flight so shutdown need not
        wait for a slow site (their /post stays journaled and is finished after restart)."""
        self.fetches.close()

    async def handle(self, msg: Incoming) -> list[Reply]:
        """Answer one message; never raises, so no input can crash a front end."""
        try:
            return fit_parts(await self._dispatch(msg))
        except Exception:
            log.exception("command failed for chat %s", msg.chat_id)
            return [Reply(texts.INTERNAL_ERROR)]

    async def handle_callback(
        self,
        user_id: int,
        chat_id: int,
        data: str,
        buttons: tuple[tuple[Button, ...], ...] = (),
        may_change_settings: ChatRights = owns_chat,
    ) -> CallbackResult:
        """A button press; `data` is what our own Button carried, `buttons` the pressed
        message's keyboard, returned with the pressed toggle flipped in place.
        `may_change_settings` is asked before a 🔔/🔕 changes the chat's follows."""
        try:
            result = await self._press(user_id, chat_id, data, buttons, may_change_settings)
            return replace(result, replies=tuple(fit_parts(list(result.replies))))
        except Exception:
            log.exception("callback %r failed for chat %s", data, chat_id)
            return CallbackResult(replies=(Reply(texts.INTERNAL_ERROR),))

    async def _press(
        self,
        user_id: int,
        chat_id: int,
        data: str,
        buttons: tuple[tuple[Button, ...], ...],
        may_change_settings: ChatRights,
    ) -> CallbackResult:
        kind, _, arg = data.partition(":")
        if not arg.isdigit() or not arg.isascii() or len(arg) > 12:
            log.warning("unknown callback data %r", data)
            return CallbackResult(toast=texts.UNKNOWN_COMMAND_SHORT)
        if kind == "story":
            replies = await self.handle(Incoming(user_id, chat_id, f"/story {arg}"))
            return CallbackResult(replies=tuple(replies))
        if kind in ("f", "u"):
            if not await may_change_settings():
                return CallbackResult(toast=texts.GROUP_ADMINS_ONLY)
            return await following.toggle(self.ctx, chat_id, kind, int(arg), buttons)
        return CallbackResult(toast=texts.UNKNOWN_COMMAND_SHORT)

    async def _dispatch(self, msg: Incoming) -> list[Reply]:
        # A forwarded "/stats" is someone else's text: running it would lend them the
        # forwarder's rights.
        parsed = None if msg.forwarded else parse_command(msg.text)
        if parsed is None:
            return await self._not_a_command(msg)
        name, args = parsed
        entry = COMMANDS.get(name)
        if entry is None:  # in a group, likely another bot's command
            return [] if msg.group else [Reply(texts.UNKNOWN_COMMAND)]
        handler, admin_only = entry
        if admin_only and not self.is_admin(msg.user_id):
            return [Reply(texts.NOT_ADMIN)]
        if changes_settings(name, args) and not await msg.may_change_settings():
            return [Reply(texts.GROUP_ADMINS_ONLY)]
        return await handler(self.ctx, msg, args)

    async def _not_a_command(self, msg: Incoming) -> list[Reply]:
        """Plain text is an article only right after the same admin's bare /post in the
        same chat (a forwarded article included); otherwise a hint, and in a group nothing:
        members chat, join and send stickers there, and none of it is for the bot."""
        key = pending_post_key(msg)
        if key in self.ctx.awaiting_post and (msg.text.strip() or msg.document):
            self.ctx.awaiting_post.discard(key)
            return await editing.post_text(self.ctx, msg, msg.text)
        if msg.group:
            return []
        if msg.forwarded:
            return [Reply(texts.FORWARDED_HINT)]
        if msg.document is not None and self.is_admin(msg.user_id):
            return [Reply(texts.POST_USAGE)]
        # Chat, an empty line, a sticker or a reader's file: the same pointer to /help.
        return [Reply(texts.PLAIN_TEXT_HINT)]
