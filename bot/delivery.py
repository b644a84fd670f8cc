"""The outbox sender: paces messages to Telegram's limits and maps each failure to an action.

Progress is written after every message, so a crash resends at most the messages that were
in flight (one per concurrent worker); everything else resumes from the database.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

from bot.clock import Clock
from bot.replies import Reply
from storage import deliveries, subscribers
from storage.db import Database

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A send failed; the subclass says what to do about it."""


class RecipientGone(DeliveryError):
    """Blocked, deactivated, kicked or unknown chat: stop sending to it."""


class RateLimited(DeliveryError):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


class ChatMoved(DeliveryError):
    def __init__(self, new_chat_id: int) -> None:
        super().__init__(f"migrated to {new_chat_id}")
        self.new_chat_id = new_chat_id


class BadEntities(DeliveryError):
    """Telegram could not parse our HTML: resend as plain text rather than lose the message."""


class Transient(DeliveryError):
    """Network trouble or a 5xx: worth retrying later."""


class Rejected(DeliveryError):
    """Any other refusal: retrying would not help."""


class Transport(Protocol):
    async def send(self, chat_id: int, reply: Reply, *, plain: bool = False) -> None:
        """Send one message or raise a DeliveryError subclass."""
        ...


@dataclass
class SendReport:
    sent: int = 0
    deliveries_done: int = 0
    retried: int = 0
    failed: int = 0
    newly_inactive: int = 0
    migrated: int = 0
    plain_fallbacks: int = 0
    seconds: float = 0.0

    def add(self, other: SendReport) -> None:
        for name in (
            "sent",
            "deliveries_done",
            "retried",
            "failed",
            "newly_inactive",
            "migrated",
            "plain_fallbacks",
            "seconds",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


_TAG = re.compile(r"<[^>]*>")


def plain_text(html_text: str) -> str:
    return html.unescape(_TAG.sub("", html_text))


class Pacer:
    """Spaces sends to `rate` a second overall; a 429 pauses everyone for its retry_after."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if self.interval == 0.0 and self._next == 0.0:
            return
        async with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            await asyncio.sleep(delay)

    def pause(self, seconds: float) -> None:
        self._next = max(self._next, time.monotonic() + seconds)


@dataclass
class Sender:
    db: Database
    transport: Transport
    clock: Clock
    rate: float = 30.0
    per_chat_interval: float = 1.0
    concurrency: int = 8
    max_attempts: int = 8
    quick_retries: int = 3
    max_inline_wait: float = 60.0
    only_chat: int | None = None
    _pacer: Pacer = field(init=False)
    _lock: asyncio.Lock = field(init=False, default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self._pacer = Pacer(self.rate)

    async def run_once(self, batch: int = 1000) -> SendReport:
        """Send every delivery that is due now; returns what happened."""
        total = SendReport()
        started = time.monotonic()
        async with self._lock:
            seen: set[int] = set()
            gate = asyncio.Semaphore(self.concurrency)
            while True:
                due = [
                    d
                    for d in await deliveries.due(self.db, self.clock.now(), batch, self.only_chat)
                    if d.id not in seen
                ]
                if not due:
                    break
                seen.update(d.id for d in due)
                results = await asyncio.gather(*(self._guarded(gate, d) for d in due))
                for r in results:
                    total.add(r)
        total.seconds = time.monotonic() - started
        return total

    async def _guarded(self, gate: asyncio.Semaphore, item: deliveries.Delivery) -> SendReport:
        async with gate:
            return await self._deliver(item)

    async def _deliver(self, item: deliveries.Delivery) -> SendReport:
        report = SendReport()
        chat_id = item.chat_id
        parts = [Reply.from_json(p) for p in item.parts]
        index = item.parts_sent
        quick = 0
        while index < len(parts):
            await self._pacer.wait()
            try:
                await self._send_with_fallback(chat_id, parts[index], report)
            except RateLimited as exc:
                self._pacer.pause(exc.retry_after)
                report.retried += 1
                if exc.retry_after <= self.max_inline_wait and quick < self.quick_retries:
                    quick += 1
                    await asyncio.sleep(exc.retry_after)
                    continue
                await self._later(item, str(exc), timedelta(seconds=exc.retry_after))
                return report
            except ChatMoved as exc:
                await subscribers.migrate_chat(self.db, chat_id, exc.new_chat_id)
                chat_id = exc.new_chat_id
                report.migrated += 1
                continue
            except Transient as exc:
                report.retried += 1
                if quick < self.quick_retries:
                    await asyncio.sleep(0.5 * 2**quick)
                    quick += 1
                    continue
                await self._later(item, str(exc), self._backoff(item.attempts))
                return report
            except RecipientGone as exc:
                if await subscribers.deactivate(self.db, chat_id, self.clock.now()):
                    report.newly_inactive += 1
                await deliveries.fail(self.db, item.id, f"recipient gone: {exc}")
                report.failed += 1
                return report
            except DeliveryError as exc:
                log.warning("delivery %s to %s rejected: %s", item.id, chat_id, exc)
                await deliveries.fail(self.db, item.id, str(exc))
                report.failed += 1
                return report
            index += 1
            quick = 0
            report.sent += 1
            done = index == len(parts)
            await deliveries.part_sent(self.db, item.id, index, done, self.clock.now())
            if not done and self.per_chat_interval > 0:
                await asyncio.sleep(self.per_chat_interval)
        report.deliveries_done += 1
        return report

    async def _send_with_fallback(self, chat_id: int, reply: Reply, report: SendReport) -> None:
        try:
            await self.transport.send(chat_id, reply)
        except BadEntities as exc:
            log.error("HTML rejected for chat %s, resending as plain text: %s", chat_id, exc)
            report.plain_fallbacks += 1
            await self.transport.send(
                chat_id, Reply(plain_text(reply.text), reply.buttons), plain=True
            )

    async def _later(self, item: deliveries.Delivery, error: str, wait: timedelta) -> None:
        if item.attempts + 1 >= self.max_attempts:
            log.error("delivery %s to %s failed for good: %s", item.id, item.chat_id, error)
            await deliveries.fail(self.db, item.id, error)
        else:
            await deliveries.retry_later(self.db, item.id, error, self.clock.now() + wait)

    @staticmethod
    def _backoff(attempts: int) -> timedelta:
        return timedelta(seconds=min(30 * 2**attempts, 3600))
