"""Sending outbox messages through the Bot API, and what Telegram's errors mean for them.

The outbox sender (bot.outbox) knows nothing of python-telegram-bot: `TelegramTransport`
sends one message, and `translate_error` turns PTB's exceptions into the sender's own
(rate limited, recipient gone, bad HTML, transient, rejected).
"""

from __future__ import annotations

import warnings
from datetime import timedelta
from typing import Any

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application
from telegram.request import BaseRequest
from telegram.warnings import PTBUserWarning

from bot.config import Settings
from bot.outbox.transport import (
    BadEntities,
    ChatMoved,
    RateLimited,
    RecipientGone,
    Rejected,
    Transient,
)
from bot.replies import Reply
from bot.telegram.errors import QuietHTTPXRequest, reason
from bot.telegram.http import AiohttpRequest


def seconds(value: int | timedelta) -> float:
    """A `retry_after` in seconds, whichever form PTB gave it in."""
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def translate_error(exc: TelegramError) -> Exception:
    """Map python-telegram-bot's exceptions to what the outbox sender should do."""
    message = reason(exc)  # a proxy's error page is not stored with every delivery
    if isinstance(exc, RetryAfter):
        return RateLimited(seconds(exc.retry_after))
    if isinstance(exc, ChatMigrated):
        return ChatMoved(exc.new_chat_id)
    if isinstance(exc, Forbidden):
        return RecipientGone(message)
    if isinstance(exc, BadRequest):
        text = message.lower()
        if "chat not found" in text or "user not found" in text or "peer_id_invalid" in text:
            return RecipientGone(message)
        if "can't parse entities" in text or "can't find end" in text:
            return BadEntities(message)
        return Rejected(message)
    if isinstance(exc, NetworkError):  # TimedOut, 5xx, dropped connections
        return Transient(message)
    if isinstance(exc, InvalidToken):
        # The token, not the recipient, is wrong (revoked, or a 404 from a misrouted base
        # URL): keep the deliveries for when it is fixed instead of failing every one.
        return Transient(message)
    return Rejected(message)


class TelegramTransport:
    """Sends outbox messages, through its own bot and connection pool or else the app's bot."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any] | None,
        *,
        bot: Bot | None = None,
        owned: tuple[BaseRequest, ...] = (),
        paid_broadcast: bool = False,
    ) -> None:
        """Without an application (benchmarks, scripts) `bot` is required; `owned` are the
        request objects of that bot, closed by `close`."""
        if application is None and bot is None:
            raise ValueError("TelegramTransport needs an application or a bot")
        _quiet_raw_send_advice()
        self.application = application
        self._own_bot = bot
        self._owned = owned
        self.paid_broadcast = paid_broadcast

    @classmethod
    def for_settings(
        cls, application: Application[Any, Any, Any, Any, Any, Any] | None, settings: Settings
    ) -> TelegramTransport:
        """The outbox's own bot, apart from the application's: its pool is sized to the
        sender's concurrency, and its HTTP library is `settings.outbox_http` (aiohttp by
        default: see bot.telegram.http for why, httpx for PTB's own HTTPXRequest)."""
        assert settings.token is not None
        pool = settings.send_concurrency + 2  # so no send waits for a connection
        requests: tuple[BaseRequest, BaseRequest]
        if settings.outbox_http == "httpx":
            requests = (QuietHTTPXRequest(connection_pool_size=pool), QuietHTTPXRequest(1))
        else:
            requests = (AiohttpRequest(pool), AiohttpRequest(1))
        bot = Bot(
            settings.token,
            base_url=settings.api_base_url,
            base_file_url=settings.api_file_url or "",
            request=requests[0],
            get_updates_request=requests[1],  # never used: the application polls
        )
        return cls(application, bot=bot, owned=requests, paid_broadcast=settings.paid_broadcast)

    @property
    def bot(self) -> Bot:
        if self._own_bot is not None:
            return self._own_bot
        assert self.application is not None
        return self.application.bot

    async def close(self) -> None:
        """Close the own bot's connections (it never needed initialize(): no getMe)."""
        for request in self._owned:
            await request.shutdown()

    async def send(self, chat_id: int, reply: Reply, *, plain: bool = False) -> None:
        """sendMessage through `do_api_request`: the request, the timeouts and the mapping of
        every error answer are PTB's own, but the answer stays a dict. Building a Message
        (with its entities and keyboard) for each of 100k answers nobody reads was a third
        of the sender's CPU."""
        data: dict[str, Any] = {
            "chat_id": chat_id,
            "text": reply.text,
            "link_preview_options": _NO_PREVIEW_JSON,
        }
        if not plain:
            data["parse_mode"] = ParseMode.HTML.value
        if reply.buttons:
            data["reply_markup"] = _keyboard_json(reply)
        if self.paid_broadcast:
            data["allow_paid_broadcast"] = True
        try:
            await self.bot.do_api_request("sendMessage", api_kwargs=data)
        except TelegramError as exc:
            raise translate_error(exc) from exc


_NO_PREVIEW_JSON = {"is_disabled": True}


def _quiet_raw_send_advice() -> None:
    """do_api_request advises Bot.send_message, whose Message parsing is the very cost the
    transport avoids. Ignore exactly that advice (idempotent: warnings drops duplicates);
    catch_warnings around the await instead would swap the process-wide filter list under
    other concurrent sends."""
    warnings.filterwarnings(
        "ignore",
        message=r"Please use 'Bot\.sendMessage' instead of 'Bot\.do_api_request",
        category=PTBUserWarning,
    )


def _keyboard_json(reply: Reply) -> dict[str, Any]:
    return {
        "inline_keyboard": [
            [
                {"text": b.text, **({"url": b.url} if b.url else {"callback_data": b.data})}
                for b in row
            ]
            for row in reply.buttons
        ]
    }
