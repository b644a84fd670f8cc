"""The outbox sender: paces messages to Telegram's limits and maps each failure to an action.

How a run works, and why:

* A producer streams due deliveries from the database by keyset pagination into a bounded
  window, and a fixed pool of workers sends them. Nothing grows with the size of the
  broadcast (no "seen" set, no coroutine per delivery), so 100k subscribers cost the same
  memory as 1k.
* A worker sends one message of a delivery at a time and records the progress (parts_sent,
  state) right after Telegram accepts it, before it sends anything else (workers that
  finish together share one transaction). A SIGKILL therefore resends at most the messages
  that were in flight, one per worker: at most `concurrency` duplicates.
* Pacing: a global pacer keeps every attempt (first sends, retries, plain-text resends) to
  at most `rate` in any one-second window, from the first send after start (a 429 pauses
  it for everyone for its retry_after); a per-chat gate keeps one chat to one message per
  `per_chat_interval` and a group to `group_per_minute`. Both outlive a run. A delivery
  that has to wait for its chat (the next part of a long digest, a second delivery to the
  same chat) is parked on a timer and its worker takes other work, so pacing one chat
  never slows the broadcast.
* Each failure maps to an action (see the DeliveryError subclasses): 429 pauses everyone
  and retries; 5xx and network errors retry with doubling delays, then go back to the
  database with a longer backoff, failing after `max_attempts`; a gone chat (403, not
  found) is marked inactive with all its pending deliveries failed; a migrated group is
  moved and resent to; HTML Telegram cannot parse is resent as plain text. Whatever
  happens to one recipient, including a bug, stays in that recipient's job.
* A graceful stop lets every message already handed to Telegram finish and be recorded,
  then leaves the rest pending in the database for the next start.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import heapq
import html
import itertools
import logging
import math
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from bot.clock import Clock
from bot.replies import Reply, fit_parts
from storage import deliveries, subscribers
from storage.db import Database
from storage.errors import Duplicate

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
    """Counters of one sender run; persisted as a delivery_reports row when it did work."""

    sent: int = 0  # messages Telegram accepted
    deliveries_done: int = 0  # deliveries with every part sent
    retried: int = 0  # resends after a 429, a 5xx or a network error
    rate_limited: int = 0  # 429 answers (also counted in retried)
    failed: int = 0  # deliveries given up for good
    newly_inactive: int = 0  # subscribers this run marked inactive
    migrated: int = 0  # chats moved to their supergroup id
    plain_fallbacks: int = 0  # messages resent as plain text
    deferred: int = 0  # deliveries put back in the database for a later run
    seconds: float = 0.0

    @property
    def did_work(self) -> bool:
        return bool(self.sent or self.failed or self.retried or self.deferred)


_TAG = re.compile(r"<[^>]*>")


def plain_text(html_text: str) -> str:
    return html.unescape(_TAG.sub("", html_text))


class Stopped(Exception):
    """The sender was asked to stop while waiting; the job goes back untouched."""


async def _sleep(seconds: float, stop: asyncio.Event) -> None:
    """Sleep, but wake at once (raising Stopped) when the sender is stopping."""
    if stop.is_set():
        raise Stopped
    if seconds <= 0:
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    if stop.is_set():
        raise Stopped


# Margin for the way from here to Telegram: `rate` sends are spread over 1 + GUARD seconds,
# so sends that arrive up to GUARD seconds closer together than they left (network jitter,
# a busy event loop on either side) still never put more than `rate` in one second.
GUARD = 0.1
# How early a send may leave against its even schedule: the timer slack of an event loop
# (epoll rounds waits up to the millisecond), so that at 1000 sends a second waking a
# little late does not lower the rate, and small enough that sends never bunch.
_SLACK = 0.005
# Waits shorter than this are plain sleeps (checked for a stop after): a cheap timer.
_SHORT_WAIT = 0.05


class Pacer:
    """At most `rate` sends in any one-second window, from the first send on.

    Two rules, both on the times sends are let go, read when each is let go (never reserved
    ahead: a waiter that wakes late, on a busy event loop or in a slow start-up, sends late
    and counts as late, so late wake-ups never bunch up, and a new pacer has no allowance
    to spend in a burst):

    * an even schedule, one send every `spacing` = (1 + GUARD) / rate seconds (a virtual
      scheduling leaky bucket, at most `_SLACK` early, so sends never leave in bursts);
    * a sliding-window log of the last `limit` sends: a send waits until the oldest of them
      is `window` old (1 + GUARD seconds at an integer rate), whatever the schedule says.

    Waiters go one at a time, in order. Every attempt comes through here: first sends,
    later parts, retries after a 429, a 5xx or a network error, plain-text resends. A 429
    pauses everyone for its retry_after; after it, the schedule restarts from the end of
    the pause, not as a burst of everything that waited.
    """

    def __init__(self, rate: float) -> None:
        self.limit = max(1, math.floor(rate)) if 0 < rate < math.inf else 0
        self.window = (1.0 + GUARD) * self.limit / rate if self.limit else 0.0
        self.spacing = self.window / self.limit if self.limit else 0.0
        self._sent: collections.deque[float] = collections.deque(maxlen=self.limit or 1)
        self._scheduled = 0.0  # when the next send is due on the even schedule
        self._paused_until = 0.0
        self._turn = asyncio.Lock()

    async def wait(self, stop: asyncio.Event) -> None:
        if stop.is_set():
            raise Stopped
        if not self.limit and time.monotonic() >= self._paused_until:
            return
        async with self._turn:
            while True:
                now = time.monotonic()
                due = self._due()
                if now >= due:
                    break
                if due - now < _SHORT_WAIT:
                    await asyncio.sleep(due - now)
                    if stop.is_set():
                        raise Stopped
                else:
                    await _sleep(due - now, stop)
            if self.limit:
                self._sent.append(now)
                self._scheduled = max(self._scheduled, now) + self.spacing

    def _due(self) -> float:
        if not self.limit:
            return self._paused_until
        due = max(self._paused_until, self._scheduled - min(_SLACK, self.spacing))
        if len(self._sent) == self.limit:
            due = max(due, self._sent[0] + self.window)
        return due

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)
        self._scheduled = max(self._scheduled, self._paused_until)

    def paused_for(self) -> float:
        return max(0.0, self._paused_until - time.monotonic())


class ChatGate:
    """When each chat may get its next message: one per `interval` seconds, and a group or
    channel (negative id) at most `group_limit` in any `group_window` seconds.

    It belongs to the sender, not to one run, so a run that starts right after another
    (new deliveries came due) still spaces a chat's messages. Every attempt counts, failed
    ones included: the interval runs from Telegram's answer, so the next message to a chat
    arrives at least `interval` after the previous one whatever the network does.
    """

    def __init__(self, interval: float, group_limit: int, group_window: float) -> None:
        self.interval = interval
        self.group_limit = group_limit
        self.group_window = group_window * (1.0 + GUARD)
        self._ready: dict[int, float] = {}  # chat -> monotonic time it may get a message
        self._groups: dict[int, collections.deque[float]] = {}  # group -> recent send times
        self._sends = 0

    @property
    def active(self) -> bool:
        return self.interval > 0

    def wait_for(self, chat: int, now: float) -> float:
        """Seconds until `chat` may get a message (a message in flight: one interval)."""
        ready = self._ready.get(chat, 0.0)
        if ready == math.inf:
            return self.interval
        return max(0.0, ready - now)

    def busy(self, chat: int) -> None:
        """A message to `chat` is on its way: nothing else goes to it until the answer."""
        self._ready[chat] = math.inf

    def free(self, chat: int) -> None:
        """Nothing was sent after all (the sender is stopping)."""
        self._ready.pop(chat, None)

    def answered(self, chat: int, now: float) -> None:
        ready = now + self.interval
        if chat < 0 and self.group_limit > 0:
            log = self._groups.setdefault(chat, collections.deque(maxlen=self.group_limit))
            log.append(now)
            if len(log) == self.group_limit:
                ready = max(ready, log[0] + self.group_window)
        self._ready[chat] = ready
        self._sends += 1
        if self._sends % 1024 == 0:
            self._prune(now)

    def _prune(self, now: float) -> None:
        for chat in [c for c, t in self._ready.items() if t <= now]:
            del self._ready[chat]
        for chat in [c for c, log in self._groups.items() if log[-1] <= now - self.group_window]:
            del self._groups[chat]


@dataclass
class _Job:
    """A delivery being worked on: its parts and how far it got."""

    item: deliveries.Delivery
    chat_id: int
    parts: list[Reply]
    index: int
    quick: int = 0  # network/5xx retries of the current part within this run
    limited: int = 0  # 429s for the current part within this run
    plain: bool = False  # Telegram could not parse the current part's HTML: send it as text


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
    max_attempts: int = 8
    quick_retries: int = 3
    max_rate_limited: int = 10  # 429s for one message in one run before deferring it
    retry_base: float = 1.0  # first in-run retry delay; doubles, capped by retry_cap
    retry_cap: float = 60.0
    defer_base: float = 30.0  # delay before a later run retries; doubles per attempt
    defer_cap: float = 3600.0
    page_size: int = 256
    only_chat: int | None = None
    _pacer: Pacer = field(init=False)
    _gate: ChatGate = field(init=False)
    _lock: asyncio.Lock = field(init=False, default_factory=asyncio.Lock)
    _stop: asyncio.Event = field(init=False, default_factory=asyncio.Event)
    # Most jobs held in memory at once during the last run: stays at the window size
    # however large the broadcast (tests and the fan-out benchmark check it).
    last_peak_jobs: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self._pacer = Pacer(self.rate)
        self._gate = ChatGate(self.per_chat_interval, self.group_per_minute, self.group_window)

    # ------------------------------------------------------------------ control

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

    # ------------------------------------------------------------------ a run

    async def run_once(self) -> SendReport:
        """Send every delivery that is due now (or until stopped); returns what happened."""
        async with self._lock:
            run = _Run(self)
            started_at = self.clock.now()
            started = time.monotonic()
            await run.execute()
            self.last_peak_jobs = run.peak
            report = run.report
            report.seconds = time.monotonic() - started
        if report.did_work:
            await self._save(report, started_at)
        return report

    async def _save(self, report: SendReport, started_at: datetime) -> None:
        finished = self.clock.now()
        try:
            await deliveries.save_report(
                self.db,
                deliveries.RunReport(
                    started_at=started_at,
                    finished_at=max(finished, started_at),
                    seconds=report.seconds,
                    messages=report.sent,
                    deliveries=report.deliveries_done,
                    retried=report.retried,
                    rate_limited=report.rate_limited,
                    failed=report.failed,
                    newly_inactive=report.newly_inactive,
                    migrated=report.migrated,
                    plain_fallbacks=report.plain_fallbacks,
                    deferred=report.deferred,
                ),
            )
        except Exception:
            log.exception("could not save the delivery report")

    # ------------------------------------------------------------------ per-message logic

    async def _step(self, run: _Run, job: _Job) -> bool:
        """Send the job's next message. True: the job goes on (requeued or parked);
        False: it is finished (done, failed or deferred) and leaves the run."""
        chat_id = job.chat_id
        reply = job.parts[job.index]
        report = run.report
        try:
            if job.plain:
                await self.transport.send(
                    chat_id, Reply(plain_text(reply.text), reply.buttons), plain=True
                )
            else:
                await self.transport.send(chat_id, reply)
        except BadEntities as exc:
            if job.plain:  # plain text has no entities to parse: never loop on it
                await deliveries.fail(self.db, job.item.id, str(exc))
                report.failed += 1
                return False
            # Resent as plain text rather than lost; through the pacers like any attempt.
            log.error("HTML rejected for chat %s, resending as plain text: %s", chat_id, exc)
            report.plain_fallbacks += 1
            job.plain = True
            run.requeue(job)
            return True
        except RateLimited as exc:
            report.retried += 1
            report.rate_limited += 1
            self._pacer.pause(exc.retry_after)
            job.limited += 1
            if job.limited <= self.max_rate_limited:
                run.requeue(job)
                return True
            await self._later(job, str(exc), timedelta(seconds=exc.retry_after), report)
            return False
        except ChatMoved as exc:
            return await self._moved(run, job, exc.new_chat_id)
        except Transient as exc:
            report.retried += 1
            if job.quick < self.quick_retries:
                delay = min(self.retry_base * 2**job.quick, self.retry_cap)
                job.quick += 1
                log.info("chat %s: %s; retrying in %.1fs", chat_id, exc, delay)
                run.park(job, delay)
                return True
            await self._later(job, str(exc), self._backoff(job.item.attempts), report)
            return False
        except RecipientGone as exc:
            run.gone.add(chat_id)
            await self._gone(chat_id, f"recipient gone: {exc}", report)
            return False
        except DeliveryError as exc:
            log.warning("delivery %s to %s rejected: %s", job.item.id, chat_id, exc)
            await deliveries.fail(self.db, job.item.id, str(exc))
            report.failed += 1
            return False
        job.index += 1
        job.quick = job.limited = 0
        job.plain = False
        report.sent += 1
        done = job.index == len(job.parts)
        await run.progress.record(job.item.id, job.index, done)
        if done:
            report.deliveries_done += 1
            return False
        run.requeue(job)  # the chat gate spaces the next part
        return True

    async def _moved(self, run: _Run, job: _Job, new_chat_id: int) -> bool:
        """The group became a supergroup: move the subscriber (ON UPDATE CASCADE carries
        its deliveries, history and follows) and resend to the new id."""
        old = job.chat_id
        try:
            await subscribers.migrate_chat(self.db, old, new_chat_id)
        except Duplicate:
            # The supergroup subscribed on its own: it gets its own deliveries, so this
            # one would be a duplicate. Retire the old id instead.
            log.warning("chat %s moved to %s, which is already subscribed", old, new_chat_id)
            run.gone.add(old)
            await self._gone(old, f"moved to subscribed {new_chat_id}", run.report)
            return False
        log.info("chat %s moved to %s", old, new_chat_id)
        run.report.migrated += 1
        job.chat_id = new_chat_id
        run.requeue(job)
        return True

    async def _gone(self, chat_id: int, error: str, report: SendReport) -> None:
        """Stop sending to a chat: inactive, and its pending deliveries (this one and any
        other) given up rather than left to arrive stale after a later /start."""
        was_active, given_up = await subscribers.deactivate(
            self.db, chat_id, self.clock.now(), error
        )
        report.newly_inactive += was_active
        report.failed += given_up
        log.info("chat %s: %s; marked inactive", chat_id, error)

    async def _later(self, job: _Job, error: str, wait: timedelta, report: SendReport) -> None:
        item = job.item
        if item.attempts + 1 >= self.max_attempts:
            log.error("delivery %s to %s failed for good: %s", item.id, job.chat_id, error)
            await deliveries.fail(self.db, item.id, error)
            report.failed += 1
        else:
            await deliveries.retry_later(self.db, item.id, error, self.clock.now() + wait)
            report.deferred += 1

    def _backoff(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.defer_base * 2**attempts, self.defer_cap))


class _Progress:
    """Group commit of per-message progress.

    Each worker waits until its own record is committed before it sends anything else, so
    at most `concurrency` messages are ever accepted by Telegram but not yet recorded (the
    duplicate bound after a SIGKILL) -- but the records of workers that finish together
    share one transaction. One write per message cost two round trips to the database
    thread, which at full rate was half of the sender's CPU.
    """

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._pending: list[tuple[tuple[int, int, bool], asyncio.Future[None]]] = []
        self._flushing = False
        self._task: asyncio.Task[None] | None = None  # held: the loop keeps only weak refs

    async def record(self, delivery_id: int, parts_sent: int, done: bool) -> None:
        future = asyncio.get_running_loop().create_future()
        self._pending.append(((delivery_id, parts_sent, done), future))
        if not self._flushing:
            self._flushing = True
            self._task = asyncio.get_running_loop().create_task(self._flush())
        await future

    async def _flush(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                try:
                    await deliveries.parts_sent_many(
                        self.db, [row for row, _ in batch], self.clock.now()
                    )
                except Exception as exc:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                else:
                    for _, future in batch:
                        if not future.done():
                            future.set_result(None)
        finally:
            self._flushing = False


class _Run:
    """One pass over the outbox: a producer, a bounded window of jobs, a worker pool.

    `window` bounds the jobs held in memory at once (queued, being sent, or parked on a
    timer for their chat); it is large enough that parked jobs cannot starve the workers
    at full rate.
    """

    def __init__(self, sender: Sender) -> None:
        self.sender = sender
        self.report = SendReport()
        # Jobs parked for their chat at full rate: rate x per-chat interval (a paid broadcast
        # at 1000/s parks up to 1000 second parts at once).
        extra = 0
        if sender.per_chat_interval > 0:
            extra = math.ceil(sender.per_chat_interval * min(sender.rate, 2000.0))
        self.window = asyncio.Semaphore(max(4 * sender.concurrency, 2 * extra))
        self.queue: asyncio.Queue[_Job | None] = asyncio.Queue()
        self.outstanding = 0
        self.peak = 0
        self.producing = True
        self.finished = asyncio.Event()
        self.progress = _Progress(sender.db, sender.clock)
        # Chats found gone in this run: their jobs already queued are dropped (the database
        # already has them failed) instead of each meeting the same 403.
        self.gone: set[int] = set()
        self.parked: list[tuple[float, int, _Job]] = []  # heap of jobs waiting for a time
        self._seq = itertools.count()
        self._timer = asyncio.Event()

    async def execute(self) -> None:
        sender = self.sender
        workers = [
            asyncio.create_task(self._worker(), name=f"khabar-send-{n}")
            for n in range(sender.concurrency)
        ]
        producer = asyncio.create_task(self._produce(), name="khabar-outbox-reader")
        timer = asyncio.create_task(self._unpark(), name="khabar-outbox-timer")
        stop = asyncio.create_task(sender._stop.wait())
        done = asyncio.create_task(self.finished.wait())
        try:
            await asyncio.wait({stop, done}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            for worker in workers:  # a hard stop: do not wait for messages in flight
                worker.cancel()
            raise
        finally:
            for task in (producer, timer, stop, done):
                task.cancel()
            # Workers finish the message in flight, then meet these markers and leave;
            # queued and parked jobs stay pending in the database.
            for _ in workers:
                self.queue.put_nowait(None)
            results = await asyncio.gather(*workers, producer, timer, return_exceptions=True)
            for result in results:
                if isinstance(result, Exception) and not isinstance(result, asyncio.CancelledError):
                    log.error("outbox task failed", exc_info=result)

    async def _produce(self) -> None:
        sender = self.sender
        after: tuple[str, int] | None = None
        try:
            while not sender.stopping:
                page = await deliveries.due_page(
                    sender.db,
                    sender.clock.now(),
                    after=after,
                    limit=sender.page_size,
                    chat_id=sender.only_chat,
                )
                if not page:
                    break
                for item in page:
                    await self.window.acquire()
                    if sender.stopping:
                        self.window.release()
                        return
                    self.outstanding += 1
                    self.peak = max(self.peak, self.outstanding)
                    self.queue.put_nowait(self._job(item))
                after = deliveries.page_key(page[-1])
        finally:
            self.producing = False
            self._check_finished()

    def _job(self, item: deliveries.Delivery) -> _Job:
        try:
            parts = fit_parts([Reply.from_json(p) for p in item.parts])
        except (KeyError, TypeError, AttributeError):
            log.exception("delivery %s has unreadable parts", item.id)
            parts = []
        return _Job(item, item.chat_id, parts, item.parts_sent)

    async def _worker(self) -> None:
        sender = self.sender
        while True:
            job = await self.queue.get()
            if job is None:
                return
            if sender.stopping:
                self._release()
                continue
            goes_on = False
            try:
                goes_on = await self._attempt(job)
            except Stopped:
                goes_on = False
            except Exception:
                # A bug or a database error for this one recipient: never stop the others.
                log.exception("delivery %s to %s failed unexpectedly", job.item.id, job.chat_id)
                with contextlib.suppress(Exception):
                    await sender._later(
                        job, "internal error", sender._backoff(job.item.attempts), self.report
                    )
            if not goes_on:
                self._release()

    async def _attempt(self, job: _Job) -> bool:
        sender = self.sender
        if job.chat_id in self.gone:
            return False
        if job.index >= len(job.parts):
            if not job.parts:
                await deliveries.fail(sender.db, job.item.id, "no parts")
                self.report.failed += 1
            else:  # every part went out before a crash, only the final write was lost
                await deliveries.part_sent(
                    sender.db, job.item.id, len(job.parts), True, sender.clock.now()
                )
                self.report.deliveries_done += 1
            return False
        chat = job.chat_id
        gate = sender._gate
        if gate.active:
            wait = gate.wait_for(chat, time.monotonic())
            if wait > 0:
                self.park(job, wait)
                return True
            gate.busy(chat)
        attempted = False
        try:
            await sender._pacer.wait(sender._stop)
            attempted = True
            return await sender._step(self, job)
        finally:
            if gate.active:
                if attempted:
                    gate.answered(chat, time.monotonic())
                else:
                    gate.free(chat)

    # ------------------------------------------------------------------ bookkeeping

    def requeue(self, job: _Job) -> None:
        self.queue.put_nowait(job)

    def park(self, job: _Job, delay: float) -> None:
        """Take the job up again after `delay` seconds, without holding a worker."""
        heapq.heappush(self.parked, (time.monotonic() + delay, next(self._seq), job))
        self._timer.set()

    async def _unpark(self) -> None:
        while True:
            self._timer.clear()
            if not self.parked:
                await self._timer.wait()
                continue
            wait = self.parked[0][0] - time.monotonic()
            if wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._timer.wait(), wait)
                continue
            _, _, job = heapq.heappop(self.parked)
            self.queue.put_nowait(job)

    def _release(self) -> None:
        self.outstanding -= 1
        self.window.release()
        self._check_finished()

    def _check_finished(self) -> None:
        if not self.producing and self.outstanding == 0:
            self.finished.set()
