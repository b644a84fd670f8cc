"""The Telegram front end: a thin python-telegram-bot layer over the command layer.

Handlers only translate an Update into an `Incoming`, ask `Khabar` for replies and send
them; the outbox sender reaches Telegram through `TelegramTransport`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import signal
import warnings
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
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
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest
from telegram.warnings import PTBUserWarning

from bot import texts
from bot.clock import Clock, SystemClock
from bot.commands import Khabar
from bot.config import Settings
from bot.database import database
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
from bot.recovery import PostRecovery, interrupted_posts
from bot.replies import Button, Document, Incoming, Reply
from bot.runner import Runner
from bot.telegram_errors import QuietHTTPXRequest, quiet_ptb_shutdown, reason
from bot.telegram_groups import is_forwarded, is_group, is_service, settings_rights
from bot.telegram_http import AiohttpRequest
from bot.telegram_order import ChatOrderedProcessor
from storage import menus
from storage.db import Database
from storage.errors import DatabaseUnavailable

# python-telegram-bot 22.2+ warns on every 429 (even inside its own RetryAfter.__init__)
# unless the process opts in to the coming behaviour, `retry_after` as a timedelta, which
# translate_error already handles. Set before the library makes any request.
os.environ.setdefault("PTB_TIMEDELTA", "1")

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
    message = reason(exc)  # a proxy's error page is not stored with every delivery
    if isinstance(exc, RetryAfter):
        return RateLimited(_seconds(exc.retry_after))
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
        default: see bot.telegram_http for why, httpx for PTB's own HTTPXRequest)."""
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


_ADDRESSED = re.compile(r"/[A-Za-z0-9_]+@([A-Za-z0-9_]+)")


def addressed_elsewhere(text: str, username: str | None) -> bool:
    """A command with another bot's @name after it."""
    match = _ADDRESSED.match(text.lstrip())
    return bool(match and username and match.group(1).lower() != username.lower())


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every message goes to the command layer, which knows what to do with it; Telegram's
    service messages (joins, pins ...) are not messages to the bot."""
    message = update.effective_message
    user = update.effective_user
    chat = update.effective_chat
    if message is None or user is None or chat is None or is_service(update):
        return
    text = message.text or message.caption or ""
    if addressed_elsewhere(text, context.bot.username):
        return  # "/stop@OtherBot" in a group is not for us
    khabar = _khabar(context)
    replied = message.reply_to_message
    incoming = Incoming(
        user_id=user.id,
        chat_id=chat.id,
        text=text,
        first_name=user.first_name,
        reply_to_text=(replied.text or replied.caption) if replied else None,
        document=await _document(message, khabar, user.id),
        group=is_group(chat),
        forwarded=is_forwarded(message),
        may_change_settings=settings_rights(context.bot, chat, user, message.sender_chat),
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
    chat = update.effective_chat
    result = await _khabar(context).handle_callback(
        query.from_user.id,
        chat.id,
        query.data,
        buttons_of(message),
        settings_rights(context.bot, chat, query.from_user),
    )
    try:
        await query.answer(result.toast)
    except BadRequest as exc:  # "query is too old": the press still took effect
        log.info("could not answer a button press: %s", exc.message)
    if result.buttons is not None and isinstance(message, Message):
        try:
            await message.edit_reply_markup(keyboard(Reply("", result.buttons)))
        except BadRequest as exc:  # a double tap: the keyboard already shows the new state
            if "not modified" not in exc.message.lower():
                raise
    if result.replies and isinstance(message, Message):
        await send_replies(message, list(result.replies))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log every handler failure and tell the user something, never the traceback.

    A network failure (a 502 during an outage) is one WARNING line: its traceback says
    nothing the line does not, and the proxy's error page stays out of the log.
    """
    update_id = getattr(update, "update_id", "?")
    if isinstance(context.error, NetworkError):
        log.warning("update %s: Telegram did not answer (%s)", update_id, reason(context.error))
    else:
        log.error("update %s caused an error", update_id, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, texts.INTERNAL_ERROR)
        except TelegramError:
            log.warning("could not tell chat %s about the error", update.effective_chat.id)


def bot_commands(editor: bool = False) -> list[BotCommand]:
    """The command menu: readers' commands, or every command for an editor's chat."""
    return [
        BotCommand(name, desc)
        for name, desc, admin_only in texts.COMMANDS
        if editor or not admin_only
    ]


async def register_menus(
    bot: Bot, admins: frozenset[int], db: Database | None = None, clock: Clock | None = None
) -> None:
    """Readers' menu for everyone (in Hindi and as the default); the editors' commands only
    in each admin's private chat, so a reader is never offered /post to be refused.

    Telegram answers "chat not found" for an admin who has not opened the bot yet: that
    admin keeps the readers' menu until the next start, and the bot starts anyway. Any
    other failure (a 502, a timeout) only costs a menu as well: Telegram keeps the menu
    set at the previous start, and a missing menu is no reason not to deliver the news.

    With the database, the chats given the editors' menu are remembered, and someone no
    longer in KHABAR_ADMINS gets the readers' menu back (Telegram keeps a chat's menu until
    it is deleted and cannot list such chats); a failed delete is tried again next start.
    """
    readers = bot_commands()
    for language in ("", "hi"):
        try:
            await bot.set_my_commands(readers, language_code=language or None)
        except TelegramError as exc:
            log.warning(
                "could not set the readers' menu (%s): %s", language or "default", reason(exc)
            )
    editors = bot_commands(editor=True)
    now = (clock or SystemClock()).now()
    for admin in sorted(admins):
        if db is not None:  # first: a timed-out set may still have reached Telegram
            await menus.remember_editor_menu(db, admin, now)
        try:
            await bot.set_my_commands(editors, scope=BotCommandScopeChat(admin))
        except TelegramError as exc:
            log.warning(
                "could not set the editors' menu in admin %s's chat: %s", admin, reason(exc)
            )
    if db is None:
        return
    for former in sorted(await menus.editor_menu_chats(db) - admins):
        try:
            await bot.delete_my_commands(scope=BotCommandScopeChat(former))
        except BadRequest as exc:  # "chat not found": there is no menu left to take back
            log.info("editors' menu of former admin %s already gone: %s", former, reason(exc))
        except TelegramError as exc:
            log.warning("could not take the editors' menu back from %s: %s", former, reason(exc))
            continue
        await menus.forget_editor_menu(db, former)
        log.info("editors' menu taken back from %s (no longer in KHABAR_ADMINS)", former)


def build_application(
    settings: Settings, clock: Clock | None = None
) -> Application[Any, Any, Any, Any, Any, Any]:
    """Wire the application; the database opens in post_init, inside the running loop."""
    if not settings.token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    clock = clock or SystemClock()

    async def post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        # `serve` opens the database before Telegram is contacted (see there); tests do not.
        db: Database = app.bot_data.get("db") or await database(settings.db_path).open()
        app.bot_data["db"] = db
        transport = TelegramTransport.for_settings(app, settings)
        app.bot_data["transport"] = transport
        runner = Runner(db, settings, clock, transport)
        khabar = Khabar(db, settings, clock, on_outbox=runner.wake)
        app.bot_data["khabar"] = khabar
        app.bot_data["runner"] = runner
        # Before polling starts: every post journaled now was cut short by the last stop.
        recovery = PostRecovery(khabar, transport, await interrupted_posts(khabar))
        app.bot_data["recovery"] = recovery
        await register_menus(app.bot, settings.admins, db, clock)
        runner.start()
        recovery.start()  # beside the bot: a page may be slow, other chats need answers
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
        recovery: PostRecovery | None = app.bot_data.get("recovery")
        if recovery is not None:
            await recovery.stop()  # before the transport it tells admins through closes
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
        # PTB's own pool sizes, with requests that keep proxies' error pages out of the log.
        .request(QuietHTTPXRequest(connection_pool_size=256))
        .get_updates_request(QuietHTTPXRequest(connection_pool_size=1))
        # A slow /post must not keep other chats waiting; each chat stays in order.
        .concurrent_updates(ChatOrderedProcessor())
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


class RedactSecret(logging.Filter):
    """Replaces a secret in every log line, exception text and traceback included.

    python-telegram-bot logs Bot API URLs, which carry the token, at DEBUG, and its
    InvalidToken says "The token `...` was rejected": a logged traceback of it would print
    the token although the README promises it never is.
    """

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def redact(self, text: str) -> str:
        return text.replace(self.secret, "<token>") if self.secret else text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: still never let the secret through
            message = f"{record.msg} {record.args}"
        if self.secret in message or record.args:
            # Merge the arguments in now: a token inside them must not survive formatting.
            record.msg = self.redact(message)
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class StartupError(Exception):
    """`khabar run` could not start; the message is for the operator and holds no secret."""


TOKEN_REJECTED = (
    "Telegram ने बॉट टोकन (TELEGRAM_BOT_TOKEN) अस्वीकार कर दिया। BotFather से सही टोकन लें "
    "(/mybots → API Token) और फिर चलाएँ; TELEGRAM_API_BASE_URL बदला है तो वह भी जाँचें। "
    "(The bot token was rejected.)"
)

# Waits between start-up attempts while Telegram cannot be reached: the network (or a
# self-hosted Bot API server) may come up after the bot does, so it never gives up.
FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 30.0


async def wait_for_telegram(
    application: Application[Any, Any, Any, Any, Any, Any], stop: asyncio.Event
) -> bool:
    """Initialise the application (getMe) until Telegram answers; False if `stop` was set.

    PTB's own `bootstrap_retries` logs failed attempts only at DEBUG and an invalid token
    with a traceback, so the first contact is made here: one WARNING line per failed
    attempt, and InvalidToken raised at once (retrying a revoked token helps nobody).
    """
    delay = FIRST_RETRY_SECONDS
    attempt = 0
    while not stop.is_set():
        attempt += 1
        try:
            await application.initialize()
        except InvalidToken:
            raise
        except (NetworkError, RetryAfter) as exc:
            wait = _seconds(exc.retry_after) if isinstance(exc, RetryAfter) else delay
            log.warning(
                "Telegram तक नहीं पहुँच सके (कोशिश %d: %s); %.0f सेकंड बाद फिर कोशिश",
                attempt,
                reason(exc),
                wait,
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)
            delay = min(delay * 2, MAX_RETRY_SECONDS)
            continue
        log.info("Telegram से जुड़ गए: @%s", application.bot.username)
        return True
    return False


def run(settings: Settings) -> None:
    """Long polling until SIGINT/SIGTERM, which stop the bot at every stage of start-up.

    Raises StartupError (token-free, no traceback needed) when the bot cannot start, and
    DatabaseUnavailable when the database cannot be opened. Everything is released here,
    whichever way the bot ended: a connection left open keeps the process alive
    (aiosqlite's worker thread is not a daemon).
    """
    if not settings.token:
        raise StartupError("TELEGRAM_BOT_TOKEN सेट नहीं है।")
    redact = RedactSecret(settings.token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
    quiet_ptb_shutdown()
    application = build_application(settings)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(serve(application, settings))
    except InvalidToken:
        raise StartupError(TOKEN_REJECTED) from None
    except DatabaseUnavailable:
        raise
    except Exception as exc:
        log.debug("start-up failed", exc_info=True)
        detail = redact.redact(str(exc)) or type(exc).__name__
        raise StartupError(f"ख़बर शुरू नहीं हो सका: {detail}") from None
    finally:
        if not loop.is_closed():
            loop.run_until_complete(_release(application))
            loop.close()


async def serve(application: Application[Any, Any, Any, Any, Any, Any], settings: Settings) -> None:
    """Open the database, start the bot, run until SIGINT/SIGTERM, then stop in order.

    The stages are driven here rather than by `Application.run_polling`: its start-up
    (getMe, deleteWebhook with `bootstrap_retries=-1`, post_init) cannot be interrupted by
    `stop_running`, which only acts once the application runs, so a Telegram that answered
    getMe and then stopped answering left SIGTERM ignored while the outbox already sent.
    Here the whole start-up is one task the signal cancels; whatever it had started (the
    outbox runner, the updater, the application) is then stopped like after a normal run:
    the messages in flight finish, the rest stays pending, and the process exits 0.

    The database opens first, so a bad path fails at once even with the network down,
    instead of hiding behind endless "cannot reach Telegram" warnings.
    """
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    signals = (signal.SIGINT, signal.SIGTERM)
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    stopped = asyncio.create_task(stop.wait(), name="khabar-stop-signal")
    try:
        application.bot_data["db"] = await database(settings.db_path).open()
        start_up = asyncio.create_task(_start_up(application, stop), name="khabar-start-up")
        await asyncio.wait({start_up, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if not start_up.done():
            start_up.cancel()
            await asyncio.gather(start_up, return_exceptions=True)
            log.info("stopped during start-up")
        elif start_up.result():  # raises what made the start-up fail
            await stopped
        else:
            log.info("stopped before the bot started")
    finally:
        stopped.cancel()
        try:
            await _shut_down(application)
        finally:
            for sig in signals:
                loop.remove_signal_handler(sig)


async def _start_up(
    application: Application[Any, Any, Any, Any, Any, Any], stop: asyncio.Event
) -> bool:
    """run_polling's start-up stages, in its order; False if `stop` came first.

    Once Telegram has answered, later network failures (deleteWebhook, getUpdates) are
    PTB's to retry, indefinitely: the task is cancelled if a signal comes meanwhile.
    """
    if not await wait_for_telegram(application, stop):
        return False
    if application.post_init:
        await application.post_init(application)
    assert application.updater is not None
    await application.updater.start_polling(
        allowed_updates=Update.ALL_TYPES,
        drop_pending_updates=False,
        bootstrap_retries=-1,
        error_callback=_polling_failed,
    )
    await application.start()
    return True


def _polling_failed(exc: TelegramError) -> None:
    """A failed getUpdates, which PTB retries: one WARNING line where PTB's default logs a
    whole traceback for every 502 of a Telegram outage."""
    log.warning("Telegram से अपडेट नहीं मिले (%s); PTB फिर कोशिश करेगा", reason(exc))


async def _shut_down(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """run_polling's stopping stages, each only for what was started.

    post_stop runs even when the application never reached `start` (a signal during
    deleteWebhook): post_init may already have started the outbox runner, whose messages
    in flight must finish. A cancelled start_polling leaves the updater marked running
    (PTB only resets that on an Exception), so `stop` is still called for it. Page fetches
    in flight end first (see stop_fetching): their /post is told the bot is stopping.
    """
    stop_fetching(application)
    updater = application.updater
    if updater is not None and updater.running:
        await updater.stop()
    if application.running:
        await application.stop()
    if application.post_stop:
        await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown:
        await application.post_shutdown(application)


def stop_fetching(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """End the page fetches of /post commands in flight: `Application.stop` waits for every
    update being handled, and a slow site would hold it up to the whole fetch deadline."""
    khabar: Khabar | None = application.bot_data.get("khabar")
    if khabar is not None:
        khabar.stop_fetching()


async def _release(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Stop and close whatever is still running or open, whichever way run ended.

    Each step is a no-op for what PTB's post_stop/post_shutdown already released.
    """
    recovery: PostRecovery | None = application.bot_data.get("recovery")
    if recovery is not None:
        await recovery.stop()
    runner: Runner | None = application.bot_data.get("runner")
    if runner is not None:
        await runner.stop()
    current = asyncio.current_task()
    leftovers = [task for task in asyncio.all_tasks() if task is not current]
    for task in leftovers:  # e.g. a post_init a signal interrupted
        task.cancel()
    await asyncio.gather(*leftovers, return_exceptions=True)
    transport: TelegramTransport | None = application.bot_data.get("transport")
    if transport is not None:
        await transport.close()
    db: Database | None = application.bot_data.get("db")
    if db is not None:
        await db.close()
    with contextlib.suppress(Exception):
        await application.bot.shutdown()
