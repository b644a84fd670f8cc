"""When each subscriber's morning digest is due, and the tick that enqueues due digests.

The schedule lives in the database (subscribers.next_digest_at), not in one JobQueue job per
subscriber: a periodic tick asks who is due, so a restart loses nothing and 100k subscribers
cost no 100k in-memory jobs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import parse_hhmm
from bot.digest import Digest, build_digest
from storage import deliveries, subscribers
from storage.db import Database

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
    same local day impossible even if two ticks race. `should_stop` is asked before each
    subscriber: a shutdown does not wait for the whole morning's digests to be written
    (each subscriber's is its own transaction; the rest are still due at the next start).
    """
    report = TickReport()
    while True:
        due = await subscribers.due(db, now, limit=batch, chat_id=chat_id)
        if not due:
            return report
        for sub in due:
            if should_stop is not None and should_stop():
                return report
            report.due += 1
            try:
                await _enqueue_one(db, sub, now, grace, report)
            except Exception:
                # One bad row must not stall everyone behind it: log, retry in an hour.
                log.exception("digest for chat %s could not be prepared", sub.chat_id)
                await _advance(db, sub.chat_id, now + timedelta(hours=1))


async def _enqueue_one(
    db: Database,
    sub: subscribers.Subscriber,
    now: datetime,
    grace: timedelta,
    report: TickReport,
) -> None:
    assert sub.next_digest_at is not None
    following = next_occurrence(sub.digest_time, sub.tz, now)
    if now - sub.next_digest_at > grace:
        report.skipped_late += 1
        await _advance(db, sub.chat_id, following, sub.next_digest_at)
        return
    if sub.last_digest_at is not None and now - sub.last_digest_at < MIN_GAP:
        # Too soon after the last digest. A second one for the same local day is skipped
        # to the next day; a new day's digest (the reader moved their time earlier, or a
        # long grace let yesterday's go out late) only waits until the 20 hours are up,
        # instead of the reader losing that day's digest altogether.
        report.skipped_gap += 1
        zone = ZoneInfo(sub.tz)
        same_day = (
            sub.last_digest_at.astimezone(zone).date() == sub.next_digest_at.astimezone(zone).date()
        )
        later = following if same_day else min(following, sub.last_digest_at + MIN_GAP)
        await _advance(db, sub.chat_id, later, sub.next_digest_at)
        return
    digest = await build_digest(db, sub.chat_id, now=now, tz=sub.tz, fallback_recent=False)
    if digest is not None and not digest.replies:
        # Only stories with nothing new to this reader: they count as given.
        async with db.transaction() as tx:
            await deliveries.mark_received(tx, sub.chat_id, digest.article_ids, None, now)
        digest = None
    if digest is None:
        report.nothing_new += 1
        await _advance(db, sub.chat_id, following, sub.next_digest_at)
        return
    local_day = sub.next_digest_at.astimezone(ZoneInfo(sub.tz)).date().isoformat()
    try:
        await _write_digest(db, sub, digest, local_day, following, now, report)
    except _Changed:
        report.changed += 1


async def _write_digest(
    db: Database,
    sub: subscribers.Subscriber,
    digest: Digest,
    local_day: str,
    following: datetime,
    now: datetime,
    report: TickReport,
) -> None:
    """Enqueue, mark received and move the due time on in one transaction, or not at all."""
    async with db.transaction() as tx:
        delivery_id = await deliveries.enqueue(
            tx,
            chat_id=sub.chat_id,
            kind="digest",
            dedupe_key=f"digest:{sub.chat_id}:{local_day}",
            parts=[r.to_json() for r in digest.replies],
            now=now,
        )
        if delivery_id is not None:
            await deliveries.mark_received(tx, sub.chat_id, digest.article_ids, delivery_id, now)
        moved = await subscribers.advance(
            tx,
            sub.chat_id,
            next_digest_at=following,
            last_digest_at=now if delivery_id else None,
            expected=sub.next_digest_at,
        )
        if not moved:
            raise _Changed  # rolls the enqueue back: the reader's change wins
    if delivery_id is not None:
        report.enqueued += 1


class _Changed(Exception):
    """The subscriber's row changed while the tick worked on a stale copy of it."""


async def _advance(
    db: Database, chat_id: int, following: datetime, expected: datetime | None = None
) -> None:
    async with db.transaction() as tx:
        await subscribers.advance(
            tx, chat_id, next_digest_at=following, last_digest_at=None, expected=expected
        )
