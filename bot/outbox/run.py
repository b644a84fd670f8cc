"""One pass over the outbox: every delivery due now, sent within the limits, or until stopped.

How a run works, and why:

* A producer streams due deliveries from the database by keyset pagination into a bounded
  window, and a fixed pool of workers sends them. Nothing grows with the size of the
  broadcast (no "seen" set, no coroutine per delivery), so 100k subscribers cost the same
  memory as 1k.
* A worker sends one message of a delivery at a time and records the progress (parts_sent,
  state) right after Telegram accepts it, before it sends anything else (`Progress`). A
  SIGKILL therefore resends at most the messages that were in flight, one per worker: at
  most `concurrency` duplicates.
* Every attempt waits for the sender's pacer and chat gate (`bot.outbox.pacing`). A
  delivery that has to wait for its chat (the next part of a long digest, a second
  delivery to the same chat) is parked on a timer and its worker takes other work, so
  pacing one chat never slows the broadcast.
* A failed send does what `bot.outbox.policy` says. Whatever happens to one recipient,
  including a bug, stays in that recipient's job.
* A stop lets every message already handed to Telegram finish and be recorded, then leaves
  the rest pending in the database for the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import math
import time
from dataclasses import dataclass

from bot.clock import Clock
from bot.outbox import policy
from bot.outbox.pacing import ChatGate, Pacer, Stopped
from bot.outbox.policy import Defer, DropChat, GiveUp, Limits, MoveChat, SendAgain, Tries
from bot.outbox.progress import Progress
from bot.outbox.transport import DeliveryError, RateLimited, Transient, Transport
from bot.replies import Reply, fit_parts
from digests.telegram_html import plain_text
from storage import deliveries, subscribers
from storage.db import Database
from storage.deliveries import RunReport
from storage.errors import Duplicate

log = logging.getLogger(__name__)


@dataclass
class Job:
    """A delivery being worked on: its parts, how far it got, how its next part was tried."""

    item: deliveries.Delivery
    chat_id: int
    parts: list[Reply]
    index: int
    tries: Tries


class Run:
    """A producer, a bounded window of jobs, a worker pool; `execute` returns the report.

    `window` bounds the jobs held in memory at once (queued, being sent, or parked on a
    timer for their chat); it is large enough that parked jobs cannot starve the workers
    at full rate.
    """

    def __init__(
        self,
        *,
        db: Database,
        transport: Transport,
        clock: Clock,
        pacer: Pacer,
        gate: ChatGate,
        stop: asyncio.Event,
        limits: Limits,
        rate: float,
        concurrency: int,
        page_size: int,
        only_chat: int | None,
    ) -> None:
        self.db = db
        self.transport = transport
        self.clock = clock
        self.pacer = pacer
        self.gate = gate
        self.stop = stop
        self.limits = limits
        self.concurrency = concurrency
        self.page_size = page_size
        self.only_chat = only_chat
        now = clock.now()
        self.report = RunReport(started_at=now, finished_at=now)
        # Jobs parked for their chat at full rate: rate x per-chat interval (a paid broadcast
        # at 1000/s parks up to 1000 second parts at once).
        extra = 0
        if gate.interval > 0:
            extra = math.ceil(gate.interval * min(rate, 2000.0))
        self.window = asyncio.Semaphore(max(4 * concurrency, 2 * extra))
        self.queue: asyncio.Queue[Job | None] = asyncio.Queue()
        self.outstanding = 0
        self.peak = 0  # most jobs held at once
        self.producing = True
        self.finished = asyncio.Event()
        self.progress = Progress(db, clock)
        # Chats found gone in this run: their jobs already queued are dropped (the database
        # already has them failed) instead of each meeting the same 403.
        self.gone: set[int] = set()
        self.parked: list[tuple[float, int, Job]] = []  # heap of jobs waiting for a time
        self._seq = itertools.count()
        self._timer = asyncio.Event()

    async def execute(self) -> RunReport:
        started = time.monotonic()
        workers = [
            asyncio.create_task(self._worker(), name=f"khabar-send-{n}")
            for n in range(self.concurrency)
        ]
        producer = asyncio.create_task(self._produce(), name="khabar-outbox-reader")
        timer = asyncio.create_task(self._unpark(), name="khabar-outbox-timer")
        stop = asyncio.create_task(self.stop.wait())
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
        self.report.seconds = time.monotonic() - started
        self.report.finished_at = max(self.clock.now(), self.report.started_at)
        return self.report

    async def _produce(self) -> None:
        after: tuple[str, int] | None = None
        try:
            while not self.stop.is_set():
                page = await deliveries.due_page(
                    self.db,
                    self.clock.now(),
                    after=after,
                    limit=self.page_size,
                    chat_id=self.only_chat,
                )
                if not page:
                    break
                for item in page:
                    await self.window.acquire()
                    if self.stop.is_set():
                        self.window.release()
                        return
                    self.outstanding += 1
                    self.peak = max(self.peak, self.outstanding)
                    self.queue.put_nowait(self._job(item))
                after = deliveries.page_key(page[-1])
        finally:
            self.producing = False
            self._check_finished()

    def _job(self, item: deliveries.Delivery) -> Job:
        try:
            parts = fit_parts([Reply.from_json(p) for p in item.parts])
        except (KeyError, TypeError, AttributeError):
            log.exception("delivery %s has unreadable parts", item.id)
            parts = []
        return Job(item, item.chat_id, parts, item.parts_sent, Tries(attempts=item.attempts))

    async def _worker(self) -> None:
        while True:
            job = await self.queue.get()
            if job is None:
                return
            if self.stop.is_set():
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
                    wait = policy.backoff(job.tries, self.limits)
                    later = policy.later(job.tries, wait, self.limits)
                    await self._put_back(job, later, "internal error")
            if not goes_on:
                self._release()

    async def _attempt(self, job: Job) -> bool:
        if job.chat_id in self.gone:
            return False
        if job.index >= len(job.parts):
            if not job.parts:
                await deliveries.fail(self.db, job.item.id, "no parts")
                self.report.failed += 1
            else:  # every part went out before a crash, only the final write was lost
                await deliveries.part_sent(
                    self.db, job.item.id, len(job.parts), True, self.clock.now()
                )
                self.report.deliveries_done += 1
            return False
        chat = job.chat_id
        gate = self.gate
        if gate.active:
            wait = gate.wait_for(chat, time.monotonic())
            if wait > 0:
                self._park(job, wait)
                return True
            gate.busy(chat)
        attempted = False
        try:
            await self.pacer.wait(self.stop)
            attempted = True
            return await self._send(job)
        finally:
            if gate.active:
                if attempted:
                    gate.answered(chat, time.monotonic())
                else:
                    gate.free(chat)

    # ------------------------------------------------------------------ one message

    async def _send(self, job: Job) -> bool:
        """Send the job's next message. True: the job goes on (requeued or parked);
        False: it is finished (done, failed or deferred) and leaves the run."""
        reply = job.parts[job.index]
        try:
            if job.tries.plain:
                await self.transport.send(
                    job.chat_id, Reply(plain_text(reply.text), reply.buttons), plain=True
                )
            else:
                await self.transport.send(job.chat_id, reply)
        except DeliveryError as exc:
            return await self._failed(job, exc)
        job.index += 1
        job.tries = Tries(attempts=job.item.attempts)
        self.report.sent += 1
        done = job.index == len(job.parts)
        await self.progress.record(job.item.id, job.index, done)
        if done:
            self.report.deliveries_done += 1
            return False
        self._requeue(job)  # the chat gate spaces the next part
        return True

    async def _failed(self, job: Job, error: DeliveryError) -> bool:
        """Do what the failure policy says about a message Telegram did not take."""
        report = self.report
        chat_id = job.chat_id
        if isinstance(error, RateLimited | Transient):
            report.retried += 1
        if isinstance(error, RateLimited):
            report.rate_limited += 1
        if (pause := policy.pause(error)) > 0:
            self.pacer.pause(pause)
        action = policy.decide(error, job.tries, self.limits)
        match action:
            case SendAgain(tries=tries, delay=delay):
                if tries.plain and not job.tries.plain:
                    log.error(
                        "HTML rejected for chat %s, resending as plain text: %s", chat_id, error
                    )
                    report.plain_fallbacks += 1
                job.tries = tries
                if delay is not None:
                    log.info("chat %s: %s; retrying in %.1fs", chat_id, error, delay)
                    self._park(job, delay)
                else:
                    self._requeue(job)
                return True
            case MoveChat(new_chat_id=new_chat_id):
                return await self._moved(job, new_chat_id)
            case DropChat():
                self.gone.add(chat_id)
                await self._drop(chat_id, f"recipient gone: {error}")
                return False
            case Defer() | GiveUp():
                await self._put_back(job, action, str(error))
                return False

    async def _moved(self, job: Job, new_chat_id: int) -> bool:
        """The group became a supergroup: move the subscriber (ON UPDATE CASCADE carries
        its deliveries, history and follows) and resend to the new id."""
        old = job.chat_id
        try:
            await subscribers.migrate_chat(self.db, old, new_chat_id)
        except Duplicate:
            # The supergroup subscribed on its own: it gets its own deliveries, so this
            # one would be a duplicate. Retire the old id instead.
            log.warning("chat %s moved to %s, which is already subscribed", old, new_chat_id)
            self.gone.add(old)
            await self._drop(old, f"moved to subscribed {new_chat_id}")
            return False
        log.info("chat %s moved to %s", old, new_chat_id)
        self.report.migrated += 1
        job.chat_id = new_chat_id
        self._requeue(job)
        return True

    async def _drop(self, chat_id: int, error: str) -> None:
        """Stop sending to a chat: inactive, and its pending deliveries (this one and any
        other) given up rather than left to arrive stale after a later /start."""
        was_active, given_up = await subscribers.deactivate(
            self.db, chat_id, self.clock.now(), error
        )
        self.report.newly_inactive += was_active
        self.report.failed += given_up
        log.info("chat %s: %s; marked inactive", chat_id, error)

    async def _put_back(self, job: Job, action: Defer | GiveUp, error: str) -> None:
        """The job leaves the run: back to the database for a later one, or failed."""
        item = job.item
        if isinstance(action, Defer):
            await deliveries.retry_later(self.db, item.id, error, self.clock.now() + action.wait)
            self.report.deferred += 1
            return
        if action.exhausted:
            log.error("delivery %s to %s failed for good: %s", item.id, job.chat_id, error)
        else:
            log.warning("delivery %s to %s rejected: %s", item.id, job.chat_id, error)
        await deliveries.fail(self.db, item.id, error)
        self.report.failed += 1

    # ------------------------------------------------------------------ bookkeeping

    def _requeue(self, job: Job) -> None:
        self.queue.put_nowait(job)

    def _park(self, job: Job, delay: float) -> None:
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
