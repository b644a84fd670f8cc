"""When each subscriber's morning digest is due, and the tick that enqueues due digests.

The schedule lives in the database (subscribers.next_digest_at), not in one JobQueue job per
subscriber: a periodic tick asks who is due, so a restart loses nothing and 100k subscribers
cost no 100k in-memory jobs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import parse_hhmm
from bot.digest import UNSEEN_WINDOW, Digest, Readers, Window, digest_for
from storage import deliveries, subscribers
from storage.db import Database
from storage.timeutil import to_db

log = logging.getLogger(__name__)

# Never two morning digests closer than this, whatever the user does with /time and /tz.
MIN_GAP = timedelta(hours=20)


def next_occurrence(hhmm: str, tz: str, after: datetime) -> datetime:
    """The first local `hhmm` in zone `tz` strictly after `after`, in UTC.

    Built from the local calendar date, so it stays at 07:00 local across DST changes; a
    time that falls in a spring-forward gap (02:30 on that night) is read with the offset
    before the change, so it lands an hour later on the clock (03:30).
    """
    at = parse_hhmm(hhmm)
    zone = ZoneInfo(tz)
    local_day = after.astimezone(zone).date()
    for offset in range(3):
        day = local_day + timedelta(days=offset)
        candidate = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a local time recurs within three days")


@dataclass
class TickReport:
    due: int = 0
    enqueued: int = 0
    nothing_new: int = 0
    skipped_late: int = 0
    skipped_gap: int = 0
    changed: int = 0  # the reader changed time, zone or subscription meanwhile


@dataclass
class _Step:
    """What the tick does for one due subscriber, written with the rest of its batch.

    `expected` is the due time the tick read: the move to `following` only happens if the
    row still has it, so a reader's /time, /tz or /stop meanwhile wins over a stale copy.
    """

    sub: subscribers.Subscriber
    kind: str  # "digest" (to choose), "late", "gap" or "error"
    following: datetime
    expected: datetime | None
    digest: Digest | None = None  # with messages: enqueue it
    given: list[int] = field(default_factory=list)  # counted as given, nothing to send
    local_day: str = ""


async def enqueue_due_digests(
    db: Database,
    now: datetime,
    *,
    grace: timedelta,
    batch: int = 500,
    chat_id: int | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> TickReport:
    """Write a digest into the outbox for every subscriber whose time has come.

    A digest that fell due more than `grace` ago (the bot was down) is skipped to the next
    day rather than arriving at an odd hour; the dedupe key makes a second enqueue for the
    same local day impossible even if two ticks race. Subscribers are streamed in batches:
    the window of recent articles is read once per batch, and a batch is written in one
    transaction. `should_stop` is asked before each subscriber: a shutdown writes what is
    ready and leaves the rest due for the next start.
    """
    report = TickReport()
    while True:
        due = await subscribers.due(db, now, limit=batch, chat_id=chat_id)
        if not due:
            return report
        if not await _batch(db, due, now, grace, report, should_stop):
            return report


def _failed(sub: subscribers.Subscriber, now: datetime) -> _Step:
    # One bad row must not stall everyone behind it: it is logged and retried in an hour.
    log.exception("digest for chat %s could not be prepared", sub.chat_id)
    return _Step(sub, "error", now + timedelta(hours=1), None)


async def _batch(
    db: Database,
    due: list[subscribers.Subscriber],
    now: datetime,
    grace: timedelta,
    report: TickReport,
    should_stop: Callable[[], bool] | None,
) -> bool:
    """Prepare and write one batch of due subscribers; False when asked to stop."""
    planned: list[_Step] = []
    for sub in due:
        try:
            planned.append(_plan(sub, now, grace))
        except Exception:
            planned.append(_failed(sub, now))
    readers: Readers | None = None
    wanted = [s for s in planned if s.kind == "digest"]
    if wanted:
        readers = Readers(db, await Window.load(db, now - UNSEEN_WINDOW))
        await readers.load([(s.sub.chat_id, ZoneInfo(s.sub.tz)) for s in wanted])
    steps: list[_Step] = []
    going = True
    for step in planned:
        if should_stop is not None and should_stop():
            going = False
            break
        report.due += 1
        if step.kind == "late":
            report.skipped_late += 1
        elif step.kind == "gap":
            report.skipped_gap += 1
        elif step.kind == "digest":
            assert readers is not None
            try:
                await _choose(readers, step, now, report)
            except Exception:
                step = _failed(step.sub, now)
        steps.append(step)
    await _write(db, steps, now, report)
    return going


def _plan(sub: subscribers.Subscriber, now: datetime, grace: timedelta) -> _Step:
    """Whether a due subscriber gets a digest chosen now, or only a later due time."""
    assert sub.next_digest_at is not None
    following = next_occurrence(sub.digest_time, sub.tz, now)
    if now - sub.next_digest_at > grace:
        return _Step(sub, "late", following, sub.next_digest_at)
    if sub.last_digest_at is not None and now - sub.last_digest_at < MIN_GAP:
        # Too soon after the last digest. A second one for the same local day is skipped
        # to the next day; a new day's digest (the reader moved their time earlier, or a
        # long grace let yesterday's go out late) only waits until the 20 hours are up,
        # instead of the reader losing that day's digest altogether.
        zone = ZoneInfo(sub.tz)
        same_day = (
            sub.last_digest_at.astimezone(zone).date() == sub.next_digest_at.astimezone(zone).date()
        )
        later = following if same_day else min(following, sub.last_digest_at + MIN_GAP)
        return _Step(sub, "gap", later, sub.next_digest_at)
    return _Step(sub, "digest", following, sub.next_digest_at)


async def _choose(readers: Readers, step: _Step, now: datetime, report: TickReport) -> None:
    sub = step.sub
    assert sub.next_digest_at is not None
    zone = ZoneInfo(sub.tz)
    digest = await digest_for(readers, sub.chat_id, now=now, zone=zone)
    if digest is None or not digest.replies:
        # Nothing new; stories with nothing new to this reader count as given.
        report.nothing_new += 1
        step.given = digest.article_ids if digest is not None else []
        return
    step.digest = digest
    step.local_day = sub.next_digest_at.astimezone(zone).date().isoformat()


async def _write(db: Database, steps: list[_Step], now: datetime, report: TickReport) -> None:
    """Write a batch's outcomes in one transaction; should that fail, each on its own, so
    one bad row costs only its own subscriber an hour."""
    if not steps:
        return
    try:
        enqueued, changed = await _write_steps(db, steps, now)
    except Exception:
        if len(steps) == 1:
            log.exception("digest for chat %s could not be written", steps[0].sub.chat_id)
            async with db.transaction() as tx:
                await subscribers.advance(
                    tx,
                    steps[0].sub.chat_id,
                    next_digest_at=now + timedelta(hours=1),
                    last_digest_at=None,
                )
            return
        for step in steps:
            await _write(db, [step], now, report)
        return
    report.enqueued += enqueued
    report.changed += changed


async def _write_steps(db: Database, steps: list[_Step], now: datetime) -> tuple[int, int]:
    """Enqueue, mark received and move due times on for a batch; (enqueued, changed)."""
    sending = [s for s in steps if s.digest is not None]
    async with db.transaction() as tx:
        await deliveries.mark_received_many(
            tx, [(s.sub.chat_id, s.given, None) for s in steps if s.given], now
        )
        # Checked inside the write transaction, so nothing can change them before commit.
        stored = await subscribers.due_times(tx, [s.sub.chat_id for s in sending])
        live = [
            s
            for s in sending
            if s.expected is not None and stored.get(s.sub.chat_id) == to_db(s.expected)
        ]
        ids = await deliveries.enqueue_many(
            tx,
            [
                (s.sub.chat_id, _dedupe_key(s), [r.to_json() for r in s.digest.replies])
                for s in live
                if s.digest is not None
            ],
            now,
        )
        await deliveries.mark_received_many(
            tx,
            [
                (s.sub.chat_id, s.digest.article_ids, ids[_dedupe_key(s)])
                for s in live
                if s.digest is not None and _dedupe_key(s) in ids
            ],
            now,
        )
        await subscribers.advance_many(
            tx,
            [
                (s.sub.chat_id, s.following, now if _dedupe_key(s) in ids else None, s.expected)
                for s in live
            ]
            + [(s.sub.chat_id, s.following, None, s.expected) for s in steps if s.digest is None],
        )
    return len(ids), len(sending) - len(live)


def _dedupe_key(step: _Step) -> str:
    return f"digest:{step.sub.chat_id}:{step.local_day}"
