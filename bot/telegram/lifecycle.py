"""Starting and stopping `khabar run`: long polling until SIGINT/SIGTERM, Telegram waited
for while it cannot be reached, every stage stopped in order whichever way the run ends,
and the token kept out of every log line."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot import texts
from bot.config import Settings
from bot.database import database
from bot.telegram.app import build_application
from bot.telegram.errors import quiet_ptb_shutdown, reason
from bot.telegram.services import services
from bot.telegram.transport import seconds
from storage.errors import DatabaseUnavailable

log = logging.getLogger(__name__)


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
            wait = seconds(exc.retry_after) if isinstance(exc, RetryAfter) else delay
            log.warning(
                texts.TELEGRAM_UNREACHABLE_LOG,
                attempt,
                reason(exc),
                wait,
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)
            delay = min(delay * 2, MAX_RETRY_SECONDS)
            continue
        log.info(texts.TELEGRAM_CONNECTED_LOG, application.bot.username)
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
        raise StartupError(texts.TOKEN_MISSING)
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
        raise StartupError(texts.TOKEN_REJECTED) from None
    except DatabaseUnavailable:
        raise
    except Exception as exc:
        log.debug("start-up failed", exc_info=True)
        detail = redact.redact(str(exc)) or type(exc).__name__
        raise StartupError(texts.STARTUP_FAILED.format(detail=detail)) from None
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
        services(application).db = await database(settings.db_path).open()
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
    log.warning(texts.POLLING_FAILED_LOG, reason(exc))


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
    khabar = services(application).khabar
    if khabar is not None:
        khabar.stop_fetching()


async def _release(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Stop and close whatever is still running or open, whichever way run ended.

    Each step is a no-op for what PTB's post_stop/post_shutdown already released.
    """
    held = services(application)
    if held.recovery is not None:
        await held.recovery.stop()
    if held.runner is not None:
        await held.runner.stop()
    current = asyncio.current_task()
    leftovers = [task for task in asyncio.all_tasks() if task is not current]
    for task in leftovers:  # e.g. a post_init a signal interrupted
        task.cancel()
    await asyncio.gather(*leftovers, return_exceptions=True)
    if held.transport is not None:
        await held.transport.close()
    if held.db is not None:
        await held.db.close()
    with contextlib.suppress(Exception):
        await application.bot.shutdown()
