"""The background half of the bot: the periodic tick and the outbox sender loop.

Both front ends own one: Telegram drives `tick` from python-telegram-bot's JobQueue, the
terminal chat from a plain asyncio loop. The sender runs as its own task so a long
broadcast never makes ticks overlap.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.config import Settings
from bot.outbox.sender import Sender
from bot.outbox.transport import Transport
from bot.schedule import TickReport, enqueue_due_digests
from bot.tasks import finish_or_cancel
from bot.updates import send_pending_updates
from storage import deliveries
from storage.db import Database

log = logging.getLogger(__name__)

# Sent and failed messages are kept this long (for /stats and support), then deleted.
KEEP_DELIVERIES = timedelta(days=30)
PRUNE_EVERY = timedelta(days=1)


class Runner:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Clock,
        transport: Transport,
        only_chat: int | None = None,
    ) -> None:
        """`only_chat` confines the runner to one chat: the terminal must not deliver (and
        so mark as sent) digests meant for Telegram subscribers sharing the database."""
        self.db = db
        self.settings = settings
        self.clock = clock
        self.sender = Sender(
            db,
            transport,
            clock,
            rate=settings.send_rate,
            per_chat_interval=settings.per_chat_interval,
            concurrency=settings.send_concurrency,
            retry_base=settings.retry_base,
            only_chat=only_chat,
        )
        if settings.send_rate > 30 and not settings.paid_broadcast:
            log.warning(
                "KHABAR_SEND_RATE=%s is above Telegram's free ~30/s: expect 429s unless "
                "KHABAR_PAID_BROADCAST=1",
                settings.send_rate,
            )
        self.only_chat = only_chat
        self.last_tick: TickReport | None = None
        self.last_send: deliveries.RunReport | None = None
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._pruned_at: datetime | None = None

    async def tick(self, should_stop: Callable[[], bool] | None = None) -> TickReport:
        """Enqueue every digest that is due, then let the sender loop work the outbox.

        Stops early (the rest stays due) when the runner or `should_stop` says so: the
        JobQueue waits for a running tick before the application can stop.
        """

        def stopping() -> bool:
            return self._stopping or (should_stop is not None and should_stop())

        report = await enqueue_due_digests(
            self.db,
            self.clock.now(),
            grace=self.settings.grace,
            chat_id=self.only_chat,
            should_stop=stopping,
        )
        if report.due:
            log.info("tick: %s", report)
        await self._prune()
        self.last_tick = report
        self._wake.set()
        return report

    async def _prune(self) -> None:
        """Once a day, drop delivered messages older than the retention period."""
        now = self.clock.now()
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        removed = await deliveries.prune(self.db, now - KEEP_DELIVERIES)
        if removed:
            log.info("pruned %d old deliveries", removed)

    def wake(self) -> None:
        """Something was just written to the outbox: send it now, not at the next tick."""
        self._wake.set()

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self.sender.resume()
            self._task = asyncio.create_task(self._send_loop(), name="khabar-sender")

    async def stop(self, timeout: float = 10.0) -> None:
        """Let the messages in flight finish and be recorded, then end the loop; what was
        not sent yet stays pending in the outbox for the next start (cancel if it hangs)."""
        if self._task is None:
            return
        self._stopping = True
        self.sender.request_stop()
        self._wake.set()
        await finish_or_cancel(self._task, timeout)
        self._task = None

    async def drain(self) -> None:
        """Stop the loop, then send what is due in the foreground once more: the terminal
        chat does this before it exits, so a reply's follow-up is not left unseen."""
        await self.stop()
        self._stopping = False
        self.sender.resume()
        await self.run_once()

    async def run_once(self) -> deliveries.RunReport:
        """One pass of everything in the foreground: due digests, owed updates, sending."""
        await self.tick()
        await send_pending_updates(self.db, self.clock.now())
        return await self.sender.run_once()

    async def _send_loop(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.tick_seconds)
            self._wake.clear()
            if self._stopping:
                break
            try:
                updates = await send_pending_updates(self.db, self.clock.now())
                if updates.enqueued:
                    log.info("updates: %s", updates)
                report = await self.sender.run_once()
            except Exception:
                log.exception("outbox sender failed; retrying on the next tick")
                continue
            if report.did_work:
                log.info("sent: %s", report)
                self.last_send = report
                # Deliveries may have come due while the run worked: look again now.
                self._wake.set()
