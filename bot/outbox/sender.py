"""The outbox sender: the long-lived part the runner drives, one run at a time.

It holds what outlives a run: its settings, the pacer and the chat gate (so a run that
starts right after another still keeps to the limits, and a 429's pause holds the next run
too), and the stop switch. Each `run_once` sends what is due (`bot.outbox.run`) and keeps
the report of a run that did any work for /stats.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.outbox.pacing import ChatGate, Pacer
from bot.outbox.policy import Limits
from bot.outbox.run import Run
from bot.outbox.transport import Transport
from storage import deliveries
from storage.db import Database
from storage.deliveries import RunReport

log = logging.getLogger(__name__)


@dataclass
class Sender:
    db: Database
    transport: Transport
    clock: Clock
    rate: float = 30.0
    per_chat_interval: float = 1.0  # 0 turns per-chat pacing off (groups' limit too)
    group_per_minute: int = 20  # Telegram's limit for one group or channel...
    group_window: float = 60.0  # ...in any window of this many seconds
    concurrency: int = 8
    max_attempts: int = 8  # runs a delivery may take before it fails for good
    quick_retries: int = 3  # in-run retries of one message after a 5xx or network error
    max_rate_limited: int = 10  # 429s for one message in one run before deferring it
    retry_base: float = 1.0  # first in-run retry delay; doubles, capped by retry_cap
    retry_cap: float = 60.0
    defer_base: float = 30.0  # delay before a later run retries; doubles per attempt
    defer_cap: float = 3600.0
    page_size: int = 256
    only_chat: int | None = None
    _pacer: Pacer = field(init=False)
    _gate: ChatGate = field(init=False)
    _limits: Limits = field(init=False)
    _lock: asyncio.Lock = field(init=False, default_factory=asyncio.Lock)
    _stop: asyncio.Event = field(init=False, default_factory=asyncio.Event)
    # Most jobs held in memory at once during the last run: stays at the window size
    # however large the broadcast (tests and the fan-out benchmark check it).
    last_peak_jobs: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self._pacer = Pacer(self.rate)
        self._gate = ChatGate(self.per_chat_interval, self.group_per_minute, self.group_window)
        self._limits = Limits(
            max_attempts=self.max_attempts,
            quick_retries=self.quick_retries,
            max_rate_limited=self.max_rate_limited,
            retry_base=self.retry_base,
            retry_cap=self.retry_cap,
            defer_base=self.defer_base,
            defer_cap=self.defer_cap,
        )

    def request_stop(self) -> None:
        """Finish the messages in flight, then end the run; the rest stays pending."""
        self._stop.set()

    def resume(self) -> None:
        """Allow runs again after a stop (the runner calls this when it starts)."""
        self._stop.clear()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def paused_for(self) -> float:
        """Seconds left of a 429 pause (it outlives the run that received it)."""
        return self._pacer.paused_for()

    async def run_once(self) -> RunReport:
        """Send every delivery that is due now (or until stopped); returns what happened."""
        async with self._lock:
            run = Run(
                db=self.db,
                transport=self.transport,
                clock=self.clock,
                pacer=self._pacer,
                gate=self._gate,
                stop=self._stop,
                limits=self._limits,
                rate=self.rate,
                concurrency=self.concurrency,
                page_size=self.page_size,
                only_chat=self.only_chat,
            )
            report = await run.execute()
            self.last_peak_jobs = run.peak
        if report.did_work:
            try:
                await deliveries.save_report(self.db, report)
            except Exception:
                log.exception("could not save the delivery report")
        return report
