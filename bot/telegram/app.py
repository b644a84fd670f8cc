"""The Application as `khabar run` (and the tests) use it: the Bot API connection, the
update handlers, the digest tick on the JobQueue, and the services each stage creates
and releases (post_init, post_stop, post_shutdown)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from zoneinfo import ZoneInfo

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    Defaults,
    MessageHandler,
    filters,
)

from bot.clock import Clock, SystemClock
from bot.commands import Khabar
from bot.config import Settings
from bot.database import database
from bot.recovery import PostRecovery, interrupted_posts
from bot.runner import Runner
from bot.telegram.errors import QuietHTTPXRequest
from bot.telegram.incoming import on_callback, on_error, on_message
from bot.telegram.menus import register_menus
from bot.telegram.order import ChatOrderedProcessor
from bot.telegram.services import CONTEXT_TYPES, Context, services
from bot.telegram.transport import TelegramTransport

log = logging.getLogger(__name__)


def build_application(
    settings: Settings, clock: Clock | None = None
) -> Application[Any, Any, Any, Any, Any, Any]:
    """Wire the application; the database opens in post_init, inside the running loop."""
    if not settings.token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    clock = clock or SystemClock()

    async def post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        held = services(app)
        # lifecycle.serve opens the database before Telegram is contacted; tests do not.
        db = held.db or await database(settings.db_path).open()
        held.db = db
        transport = TelegramTransport.for_settings(app, settings)
        held.transport = transport
        runner = Runner(db, settings, clock, transport)
        khabar = Khabar(db, settings, clock, on_outbox=runner.wake)
        held.khabar = khabar
        held.runner = runner
        # Before polling starts: every post journaled now was cut short by the last stop.
        recovery = PostRecovery(khabar, transport, await interrupted_posts(khabar))
        held.recovery = recovery
        await register_menus(app.bot, settings.admins, db, clock)
        runner.start()
        recovery.start()  # beside the bot: a page may be slow, other chats need answers
        assert app.job_queue is not None

        async def tick(_: Context) -> None:
            # app.running turns False as soon as stop() begins, which then waits for us.
            try:
                await runner.tick(should_stop=lambda: not app.running)
            except asyncio.CancelledError:
                # A stop that lands while a tick runs cancels the job; APScheduler would log
                # that as a failed job with a traceback. Nothing is lost: the schedule is in
                # the database and the next start's first tick catches up.
                log.info("tick cancelled by shutdown; the next start catches up")

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
        held = services(app)
        if held.recovery is not None:
            await held.recovery.stop()  # before the transport it tells admins through closes
        if held.runner is not None:
            await held.runner.stop()  # the messages in flight finish; the rest stays pending
        if held.transport is not None:
            await held.transport.close()

    async def post_shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        held = services(app)
        if held.db is not None:
            await held.db.close()

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
        .context_types(CONTEXT_TYPES)
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
