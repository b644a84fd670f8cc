"""Due times from the database: DST, downtime catch-up, the 20-hour rule, no empty digest."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from bot.commands import Khabar
from bot.schedule import enqueue_due_digests, next_occurrence
from storage import articles, deliveries, subscribers
from storage.db import Database
from tests.conftest import READER, Chat, fixture_text
from tests.support.terminal import TerminalOutbox


def test_next_occurrence_is_local_time_in_utc() -> None:
    after = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)  # 10:30 in Kolkata
    assert next_occurrence("07:00", "Asia/Kolkata", after) == datetime(
        2026, 11, 28, 1, 30, tzinfo=UTC
    )
    assert next_occurrence("11:00", "Asia/Kolkata", after) == datetime(
        2026, 11, 27, 5, 30, tzinfo=UTC
    )


def test_next_occurrence_keeps_local_time_across_dst() -> None:
    ny = ZoneInfo("America/New_York")
    before_spring = datetime(2026, 3, 7, 10, 0, tzinfo=UTC)  # 05:00 EST
    day1 = next_occurrence("07:00", "America/New_York", before_spring)
    day2 = next_occurrence("07:00", "America/New_York", day1)
    assert day1.astimezone(ny).hour == day2.astimezone(ny).hour == 7
    assert day2 - day1 == timedelta(hours=23)  # the spring-forward day is short
    before_fall = datetime(2026, 10, 24, 5, 0, tzinfo=UTC)  # 06:00 BST
    london1 = next_occurrence("07:00", "Europe/London", before_fall)
    london2 = next_occurrence("07:00", "Europe/London", london1)
    assert london2 - london1 == timedelta(hours=25)
    gap = next_occurrence("02:30", "America/New_York", datetime(2026, 3, 8, 5, 0, tzinfo=UTC))
    assert gap.astimezone(ny).date().isoformat() == "2026-03-08"


async def _subscribe_with_news(admin: Chat, reader: Chat) -> None:
    await reader.say("/start")
    await admin.say("/post " + fixture_text("metro.txt"))


async def test_digest_arrives_when_the_clock_reaches_the_time(
    admin: Chat,
    reader: Chat,
    db: Database,
    khabar: Khabar,
    clock: ManualClock,
) -> None:
    await _subscribe_with_news(admin, reader)
    await reader.say("/time 10:31")  # one minute ahead of 10:30 local
    terminal = TerminalOutbox(khabar)
    assert await terminal.flush() == ""
    clock.advance(timedelta(seconds=59))
    assert await terminal.flush() == ""
    clock.advance(timedelta(seconds=2))
    out = await terminal.flush()
    assert "डाइजेस्ट" in out and "मेट्रो" in out
    clock.advance(timedelta(minutes=5))
    assert await terminal.flush() == ""  # nothing sent twice


async def test_no_empty_digest_and_next_day_scheduled(
    admin: Chat,
    reader: Chat,
    db: Database,
    khabar: Khabar,
    clock: ManualClock,
) -> None:
    await reader.say("/start")
    await reader.say("/time 10:31")
    terminal = TerminalOutbox(khabar)
    clock.advance(timedelta(minutes=2))
    assert await terminal.flush() == ""
    sub = await subscribers.get(db, READER)
    assert sub is not None and sub.next_digest_at is not None
    assert sub.next_digest_at - clock.now() > timedelta(hours=23)


async def test_downtime_within_grace_catches_up_beyond_grace_skips(
    admin: Chat,
    reader: Chat,
    db: Database,
    khabar: Khabar,
    clock: ManualClock,
) -> None:
    await _subscribe_with_news(admin, reader)
    await reader.say("/time 10:31")
    terminal = TerminalOutbox(khabar)
    clock.advance(timedelta(hours=2))  # the bot was down from 10:30 to 12:30
    assert "मेट्रो" in await terminal.flush()

    other = Chat(admin.khabar, 43)
    await other.say("/start")
    await other.say("/time 12:31")
    clock.advance(timedelta(hours=4))  # down from 12:30 to 16:30: more than 3 hours late
    assert await terminal.flush() == ""
    sub = await subscribers.get(db, 43)
    assert sub is not None and sub.next_digest_at is not None
    assert sub.next_digest_at > clock.now()


async def test_never_two_morning_digests_within_twenty_hours(
    admin: Chat,
    reader: Chat,
    db: Database,
    khabar: Khabar,
    clock: ManualClock,
) -> None:
    await _subscribe_with_news(admin, reader)
    await reader.say("/time 10:31")
    terminal = TerminalOutbox(khabar)
    clock.advance(timedelta(minutes=2))
    first = await terminal.flush()
    assert first.count("आपका ख़बर डाइजेस्ट") == 1
    clock.advance(timedelta(minutes=1))
    await admin.say("/post " + fixture_text("monsoon.txt"))
    await reader.say("/time 10:40")  # move the time later on the same day
    clock.advance(timedelta(minutes=10))
    assert "आपका ख़बर डाइजेस्ट" not in await terminal.flush()
    clock.advance(timedelta(days=1))
    out = await terminal.flush()
    assert out.count("आपका ख़बर डाइजेस्ट") == 1 and "मौसम" in out


async def test_a_change_made_during_the_tick_wins_over_the_tick(
    admin: Chat, khabar: Khabar, db: Database, clock: ManualClock
) -> None:
    await admin.say("/post " + fixture_text("metro.txt"))
    readers = [Chat(khabar, 1000 + n) for n in range(150)]
    for reader in readers:
        await reader.say("/start")
        await reader.say("/time 10:31")
    clock.advance(timedelta(minutes=2))
    moved, stopped = readers[-1], readers[-2]
    tick = asyncio.create_task(enqueue_due_digests(db, clock.now(), grace=timedelta(hours=3)))
    await asyncio.sleep(0)  # the tick has read who is due
    assert "11:45" in await moved.say("/time 11:45")  # both land while the tick works
    await stopped.say("/stop")
    report = await tick
    assert report.due == 150 and report.changed == 2 and report.enqueued == 148
    sub = await subscribers.get(db, moved.user_id)
    assert sub is not None and sub.next_digest_at is not None
    assert sub.next_digest_at.astimezone(ZoneInfo("Asia/Kolkata")).strftime("%H:%M") == "11:45"
    sub = await subscribers.get(db, stopped.user_id)
    assert sub is not None and not sub.active and sub.next_digest_at is None
    assert await deliveries.pending_count(db) == 148


async def test_stop_gives_up_queued_messages_and_start_brings_the_stories_back(
    admin: Chat, reader: Chat, khabar: Khabar, db: Database, clock: ManualClock
) -> None:
    await _subscribe_with_news(admin, reader)
    await reader.say("/time 10:31")
    clock.advance(timedelta(minutes=2))
    outbox = TerminalOutbox(khabar)
    await outbox.runner.tick()  # the digest is in the outbox, not yet sent
    assert await deliveries.pending_count(db) == 1
    await reader.say("/stop")
    assert await deliveries.pending_count(db) == 0
    clock.advance(timedelta(days=30))
    await reader.say("/start")
    assert await outbox.flush() == ""  # no month-old digest
    assert not await articles.was_received(db, READER, 1)  # the story was not lost to them


async def test_old_sent_messages_are_pruned_but_not_what_was_received(
    admin: Chat, reader: Chat, khabar: Khabar, db: Database, clock: ManualClock
) -> None:
    await _subscribe_with_news(admin, reader)
    await reader.say("/time 10:31")
    outbox = TerminalOutbox(khabar)
    clock.advance(timedelta(minutes=2))
    assert "मेट्रो" in await outbox.flush()
    assert await db.scalar("SELECT count(*) FROM deliveries") == 1
    clock.advance(timedelta(days=31))
    await outbox.flush()
    assert await db.scalar("SELECT count(*) FROM deliveries") == 0
    assert await articles.was_received(db, READER, 1)  # the story still counts as given
