"""The Telegram front end: a thin python-telegram-bot layer over the command layer.

Handlers only translate an Update into an `Incoming`, ask `Khabar` for replies and send
them; the outbox sender reaches Telegram through `TelegramTransport`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import ssl
import time
import warnings
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, RequestData
from telegram.warnings import PTBUserWarning

from bot import texts
from bot.clock import Clock, SystemClock
from bot.commands import Khabar
from bot.config import Settings
from bot.delivery import (
    BadEntities,
    ChatMoved,
    RateLimited,
    RecipientGone,
    Rejected,
    Transient,
    plain_text,
)
from bot.posting import MAX_FILE_BYTES
from bot.replies import Button, Document, Incoming, Reply
from bot.runner import Runner
from storage.db import Database

log = logging.getLogger(__name__)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.text, callback_data=b.data, url=b.url) for b in row]
            for row in reply.buttons
        ]
    )


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def translate_error(exc: TelegramError) -> Exception:
    """Map python-telegram-bot's exceptions to what the outbox sender should do."""
    if isinstance(exc, RetryAfter):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return RateLimited(_seconds(exc.retry_after))
    if isinstance(exc, ChatMigrated):
        return ChatMoved(exc.new_chat_id)
    if isinstance(exc, Forbidden):
        return RecipientGone(exc.message)
    if isinstance(exc, BadRequest):
        text = exc.message.lower()
        if "chat not found" in text or "user not found" in text or "peer_id_invalid" in text:
            return RecipientGone(exc.message)
        if "can't parse entities" in text or "can't find end" in text:
            return BadEntities(exc.message)
        return Rejected(exc.message)
    if isinstance(exc, NetworkError):  # TimedOut, 5xx, dropped connections
        return Transient(exc.message)
    if isinstance(exc, InvalidToken):
        # The token, not the recipient, is wrong (revoked, or a 404 from a misrouted base
        # URL): keep the deliveries for when it is fixed instead of failing every one.
        return Transient(exc.message)
    return Rejected(exc.message)


_PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY")


class KeepAliveRequest(BaseRequest):
    """A small HTTP/1.1 keep-alive client for the outbox: JSON bodies, no uploads.

    Why not PTB's default HTTPXRequest: httpx costs 1.7-2 ms of CPU per sendMessage here
    (form-encoding the Hindi text, httpcore's per-request machinery, and a failed
    `import sniffio` on every lock when sniffio is not installed), which caps a bot at
    about 500 messages a second on one core, below Telegram's 1000/s paid broadcasts.
    This client needs about a tenth of that. PTB still builds the requests and maps every
    error (429, 403, migration...) through BaseRequest, so behaviour is unchanged; only
    the bytes on the wire differ (a JSON body, which the Bot API accepts). It does not
    read proxy settings: the transport keeps httpx when any *_PROXY variable is set.
    """

    USER_AGENT = "khabar (python-telegram-bot)"

    def __init__(
        self,
        pool_size: int = 16,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        write_timeout: float = 10.0,
        pool_timeout: float = 10.0,
        idle_seconds: float = 5.0,
    ) -> None:
        """`idle_seconds`: reuse a connection only this long after its last answer (httpx's
        keep-alive expiry too), so a server that closed it meanwhile rarely costs a retry."""
        self._slots = asyncio.Semaphore(pool_size)
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._pool_timeout = pool_timeout
        self._idle_seconds = idle_seconds
        self._idle: dict[tuple[str, int, bool], list[_Connection]] = {}
        self._tls: ssl.SSLContext | None = None

    @property
    def read_timeout(self) -> float:
        return self._read_timeout

    async def initialize(self) -> None:
        """Connections open on first use."""

    async def shutdown(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                connection.writer.close()
        self._idle.clear()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if request_data is not None and request_data.contains_files:
            raise NetworkError("KeepAliveRequest does not upload files")
        parts = urlsplit(url)
        tls = parts.scheme == "https"
        key = (parts.hostname or "", parts.port or (443 if tls else 80), tls)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        body = (
            b""
            if request_data is None
            else json.dumps(
                request_data.parameters, ensure_ascii=False, separators=(",", ":")
            ).encode("utf-8")
        )
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"User-Agent: {self.USER_AGENT}\r\nAccept: application/json\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode("latin-1")
        if self._slots.locked():
            try:
                async with asyncio.timeout(_timeout(pool_timeout, self._pool_timeout)):
                    await self._slots.acquire()
            except TimeoutError as exc:
                raise TimedOut("Pool timeout: the request was not sent") from exc
        else:
            await self._slots.acquire()  # free: no timer needed
        try:
            connection = self._reuse(key) or await self._connect(
                key, _timeout(connect_timeout, self._connect_timeout)
            )
            try:
                connection.writer.write(head + body)
                async with asyncio.timeout(_timeout(write_timeout, self._write_timeout)):
                    await connection.writer.drain()
                async with asyncio.timeout(_timeout(read_timeout, self._read_timeout)):
                    status, payload, keep = await _read_response(connection.reader)
            except TimeoutError as exc:
                connection.writer.close()
                raise TimedOut from exc
            except (OSError, EOFError, ValueError, asyncio.LimitOverrunError) as exc:
                connection.writer.close()
                raise NetworkError(f"connection error: {exc!r}") from exc
            if keep:
                connection.idle_since = time.monotonic()
                self._idle.setdefault(key, []).append(connection)
            else:
                connection.writer.close()
            return status, payload
        finally:
            self._slots.release()

    def _reuse(self, key: tuple[str, int, bool]) -> _Connection | None:
        idle = self._idle.get(key)
        now = time.monotonic()
        while idle:
            connection = idle.pop()
            if (
                now - connection.idle_since < self._idle_seconds
                and not connection.reader.at_eof()
                and not connection.writer.is_closing()
            ):
                return connection
            connection.writer.close()
        return None

    async def _connect(self, key: tuple[str, int, bool], timeout: float | None) -> _Connection:
        host, port, tls = key
        if tls and self._tls is None:
            self._tls = ssl.create_default_context()
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host, port, ssl=self._tls if tls else None), timeout
            )
        except TimeoutError as exc:
            raise TimedOut("Connect timed out") from exc
        except OSError as exc:
            raise NetworkError(f"connect failed: {exc!r}") from exc
        return _Connection(reader, writer)


@dataclass(slots=True)
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = 0.0


def _timeout(value: ODVInput[float], default: float) -> float | None:
    """PTB passes DEFAULT_NONE for "use your default" and None for "no timeout"."""
    return default if isinstance(value, DefaultValue) else value


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Status, body and whether the connection may be reused (HTTP/1.1 framing)."""
    status_line = await reader.readuntil(b"\r\n")
    version, status = status_line.split(b" ", 2)[:2]
    headers: dict[str, str] = {}
    while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    keep = version == b"HTTP/1.1" and headers.get("connection", "").lower() != "close"
    code = int(status)
    if code in (204, 304) or code < 200:
        return code, b"", keep
    if "chunked" in headers.get("transfer-encoding", "").lower():
        chunks = []
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        while await reader.readuntil(b"\r\n") != b"\r\n":
            pass  # trailers
        payload = b"".join(chunks)
    elif "content-length" in headers:
        payload = await reader.readexactly(int(headers["content-length"]))
    else:
        payload = await reader.read()
        keep = False
    return code, payload, keep


class TelegramTransport:
    """Sends outbox messages: with its own keep-alive bot when it can, else the app's bot."""

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
        if not settings.lean_http or any(
            os.environ.get(v) or os.environ.get(v.lower()) for v in _PROXY_VARIABLES
        ):
            return cls(application, paid_broadcast=settings.paid_broadcast)
        assert settings.token is not None
        requests = (KeepAliveRequest(settings.send_concurrency + 2), KeepAliveRequest(1))
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


async def send_replies(message: Message, replies: list[Reply]) -> None:
    """Answer in the chat; HTML the server rejects is resent as plain text, never dropped."""
    for reply in replies:
        try:
            await message.reply_text(reply.text, reply_markup=keyboard(reply))
        except BadRequest as exc:
            if not isinstance(translate_error(exc), BadEntities):
                raise
            log.error("reply HTML rejected (%s); sending plain text", exc.message)
            await message.reply_text(
                plain_text(reply.text), parse_mode=None, reply_markup=keyboard(reply)
            )


def _khabar(context: ContextTypes.DEFAULT_TYPE) -> Khabar:
    return context.application.bot_data["khabar"]


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every message goes to the command layer, which knows what to do with it."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or update.effective_chat is None:
        return
    khabar = _khabar(context)
    replied = message.reply_to_message
    incoming = Incoming(
        user_id=user.id,
        chat_id=update.effective_chat.id,
        text=message.text or message.caption or "",
        first_name=user.first_name,
        reply_to_text=(replied.text or replied.caption) if replied else None,
        document=await _document(message, khabar, user.id),
    )
    await send_replies(message, await khabar.handle(incoming))


async def _document(message: Message, khabar: Khabar, user_id: int) -> Document | None:
    """Download a posted file, but only for admins and within the size cap."""
    doc = message.document
    if doc is None or not khabar.is_admin(user_id):
        return None
    if doc.file_size is not None and doc.file_size > MAX_FILE_BYTES:
        return Document(doc.file_name or "file", b"", too_large=True)
    file = await doc.get_file()
    data = await file.download_as_bytearray()
    return Document(doc.file_name or "file", bytes(data))


def buttons_of(message: object) -> tuple[tuple[Button, ...], ...]:
    """The inline keyboard of a message, as the command layer's buttons."""
    markup = getattr(message, "reply_markup", None)
    if not isinstance(markup, InlineKeyboardMarkup):
        return ()
    return tuple(
        tuple(
            Button(
                b.text,
                data=b.callback_data if isinstance(b.callback_data, str) else None,
                url=b.url,
            )
            for b in row
        )
        for row in markup.inline_keyboard
    )


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press: answer it, flip the pressed toggle in place, send any replies."""
    query = update.callback_query
    if query is None or query.data is None or update.effective_chat is None:
        return
    message = query.message
    result = await _khabar(context).handle_callback(
        query.from_user.id, update.effective_chat.id, query.data, buttons_of(message)
    )
    await query.answer(result.toast)
    if result.buttons is not None and isinstance(message, Message):
        await message.edit_reply_markup(keyboard(Reply("", result.buttons)))
    if result.replies and isinstance(message, Message):
        await send_replies(message, list(result.replies))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log every handler failure and tell the user something, never the traceback."""
    log.error(
        "update %s caused an error", getattr(update, "update_id", "?"), exc_info=context.error
    )
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, texts.INTERNAL_ERROR)
        except TelegramError:
            log.warning("could not tell chat %s about the error", update.effective_chat.id)


def bot_commands() -> list[BotCommand]:
    return [BotCommand(name, desc) for name, desc, _admin in texts.COMMANDS]


def build_application(
    settings: Settings, clock: Clock | None = None
) -> Application[Any, Any, Any, Any, Any, Any]:
    """Wire the application; the database opens in post_init, inside the running loop."""
    if not settings.token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    clock = clock or SystemClock()

    async def post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        db = await Database(settings.db_path).open()
        app.bot_data["db"] = db
        transport = TelegramTransport.for_settings(app, settings)
        app.bot_data["transport"] = transport
        runner = Runner(db, settings, clock, transport)
        app.bot_data["khabar"] = Khabar(db, settings, clock, on_outbox=runner.wake)
        app.bot_data["runner"] = runner
        commands = bot_commands()
        await app.bot.set_my_commands(commands)
        await app.bot.set_my_commands(commands, language_code="hi")
        runner.start()
        assert app.job_queue is not None

        async def tick(_: ContextTypes.DEFAULT_TYPE) -> None:
            # app.running turns False as soon as stop() begins, which then waits for us.
            await runner.tick(should_stop=lambda: not app.running)

        # The schedule is in the database: one repeating job finds whoever is due, and
        # its first run right after start catches up what fell due while we were down.
        app.job_queue.run_repeating(
            tick,
            interval=settings.tick_seconds,
            first=0.1,
            name="digest-tick",
            job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        log.info("Khabar is running (database %s)", settings.db_path)

    async def post_stop(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        runner: Runner | None = app.bot_data.get("runner")
        if runner is not None:
            await runner.stop()  # the messages in flight finish; the rest stays pending
        transport: TelegramTransport | None = app.bot_data.get("transport")
        if transport is not None:
            await transport.close()

    async def post_shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        db: Database | None = app.bot_data.get("db")
        if db is not None:
            await db.close()

    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url or "")
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=ZoneInfo(settings.tz),
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .build()
    )
    application.add_handler(CallbackQueryHandler(on_callback))
    application.add_handler(MessageHandler(filters.ALL & ~filters.UpdateType.EDITED, on_message))
    application.add_error_handler(on_error)
    return application


def run(settings: Settings) -> None:
    """Long polling until SIGINT/SIGTERM; PTB's run_polling installs the signal handlers."""
    application = build_application(settings)
    application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
