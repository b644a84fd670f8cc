"""The morning digest through the real bot with a controlled clock: catch-up after downtime
within the grace period, the skip beyond it, the 20-hour rule, DST, and a digest too long
for one message. The JobQueue tick runs every 50 ms of real time; the clock only moves
when a test moves it."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from bot.clock import ManualClock
from digests.model import Fact
from digests.telegram_html import plain_text
from storage import subscribers
from storage.db import Database
from tests.support.botapi import FakeBotAPI, Sent
from tests.support.botrun import (
    LiveBot,
    add_article,
    add_subscribers,
    eventually,
    fast_settings,
    states,
)

READER = 42
IST = ZoneInfo("Asia/Kolkata")
HEADER = plain_text(texts.DIGEST_HEADER.split("·")[0]).strip()


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        server.add_chats([READER])
        yield server


def local(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone).astimezone(UTC)  # type: ignore[misc]


def digests(api: FakeBotAPI, chat: int = READER) -> list[Sent]:
    return [m for m in api.messages_to(chat) if HEADER in (m.plain_text or "")]


async def prepare(path: Path, now: datetime, due: datetime, **subscriber: str) -> None:
    """The database as the bot left it before going down: a subscriber due at `due`."""
    async with Database(path) as db:
        await add_subscribers(db, [READER], now=now - timedelta(days=1), next_at=due, **subscriber)
        await add_article(db, "मेट्रो की नई लाइन", "मेट्रो की नई लाइन खुली।", now=now)


async def quiet_ticks(bot: LiveBot) -> None:
    """Let several ticks pass (and the sender run) at the current clock."""
    count = len(bot.app.job_queue.jobs())
    assert count >= 1
    await asyncio.sleep(0.3)


async def test_digest_due_during_downtime_is_sent_at_start_within_grace(
    tmp_path: Path, api: FakeBotAPI
) -> None:
    due = local(IST, 2026, 11, 27, 7, 0)
    clock = ManualClock(due + timedelta(hours=2, minutes=59))  # down from 06:50 to 09:59
    await prepare(tmp_path / "k.db", clock.now(), due)
    async with LiveBot(fast_settings(tmp_path / "k.db", api), clock) as bot:
        await api.wait_for(lambda s: len(digests(api)) == 1)
        await quiet_ticks(bot)
        sub = await subscribers.get(bot.db, READER)
    assert len(digests(api)) == 1
    assert sub is not None and sub.next_digest_at == local(IST, 2026, 11, 28, 7, 0)


async def test_digest_more_than_grace_late_is_skipped_to_the_next_morning(
    tmp_path: Path, api: FakeBotAPI
) -> None:
    due = local(IST, 2026, 11, 27, 7, 0)
    clock = ManualClock(due + timedelta(hours=3, minutes=1))  # came back at 10:01
    await prepare(tmp_path / "k.db", clock.now(), due)
    async with LiveBot(fast_settings(tmp_path / "k.db", api), clock) as bot:
        await quiet_ticks(bot)
        assert digests(api) == []
        sub = await subscribers.get(bot.db, READER)
        assert sub is not None and sub.next_digest_at == local(IST, 2026, 11, 28, 7, 0)
        clock.set(local(IST, 2026, 11, 28, 7, 0, 5))
        await api.wait_for(lambda s: len(digests(api)) == 1)
        await quiet_ticks(bot)
    assert len(digests(api)) == 1


async def test_restart_right_after_the_digest_sends_nothing_twice(
    tmp_path: Path, api: FakeBotAPI
) -> None:
    due = local(IST, 2026, 11, 27, 7, 0)
    clock = ManualClock(due + timedelta(seconds=5))
    await prepare(tmp_path / "k.db", clock.now(), due)
    settings = fast_settings(tmp_path / "k.db", api)
    async with LiveBot(settings, clock):
        await api.wait_for(lambda s: len(digests(api)) == 1)
    clock.advance(timedelta(minutes=30))
    async with LiveBot(settings, clock) as bot:
        await quiet_ticks(bot)
    assert len(digests(api)) == 1


async def test_never_two_digests_within_20_hours_but_an_earlier_time_loses_no_day(
    tmp_path: Path, api: FakeBotAPI
) -> None:
    due = local(IST, 2026, 11, 27, 7, 0)
    clock = ManualClock(due)
    await prepare(tmp_path / "k.db", clock.now(), due)
    async with LiveBot(fast_settings(tmp_path / "k.db", api), clock) as bot:
        await api.wait_for(lambda s: len(digests(api)) == 1)
        clock.set(local(IST, 2026, 11, 27, 8, 0))
        api.push_message(READER, "/time 02:00")  # tomorrow 02:00: only 19 hours later
        await api.wait_for(lambda s: len(api.messages_to(READER)) == 2)
        await add_article(bot.db, "मानसून", "मानसून जल्दी आएगा।", now=clock.now())

        clock.set(local(IST, 2026, 11, 28, 2, 0, 5))
        await quiet_ticks(bot)
        assert len(digests(api)) == 1  # not yet: 07:00 yesterday was 19 hours ago
        sub = await subscribers.get(bot.db, READER)
        assert sub is not None and sub.next_digest_at == local(IST, 2026, 11, 28, 3, 0)

        clock.set(local(IST, 2026, 11, 28, 3, 0, 5))  # 20 hours: this morning's digest
        await api.wait_for(lambda s: len(digests(api)) == 2)
        await add_article(bot.db, "क्रिकेट", "फ़ाइनल आज।", now=clock.now())
        clock.set(local(IST, 2026, 11, 29, 2, 0, 5))  # and from now on at 02:00
        await api.wait_for(lambda s: len(digests(api)) == 3)
        await quiet_ticks(bot)
    assert len(digests(api)) == 3
    assert "मानसून" in (digests(api)[1].plain_text or "")


@pytest.mark.parametrize(
    ("zone_name", "days", "gaps"),
    [
        # Spring forward on Sunday 8 March 2026: that day is 23 hours long.
        ("America/New_York", [(2026, 3, 7), (2026, 3, 8), (2026, 3, 9)], [23, 24]),
        # Clocks go back on Sunday 25 October 2026: that day is 25 hours long.
        ("Europe/London", [(2026, 10, 24), (2026, 10, 25), (2026, 10, 26)], [25, 24]),
    ],
)
async def test_digest_stays_at_seven_local_across_dst(
    tmp_path: Path,
    api: FakeBotAPI,
    zone_name: str,
    days: list[tuple[int, int, int]],
    gaps: list[int],
) -> None:
    zone = ZoneInfo(zone_name)
    first = local(zone, *days[0], 7, 0)
    clock = ManualClock(first - timedelta(hours=1))
    async with Database(tmp_path / "k.db") as db:
        await add_subscribers(db, [READER], now=clock.now(), next_at=first, tz=zone_name)
    sent_at: list[datetime] = []
    async with LiveBot(fast_settings(tmp_path / "k.db", api), clock) as bot:
        for n, day in enumerate(days, start=1):
            clock.set(local(zone, *day, 6, 0))
            await add_article(bot.db, f"ख़बर {n}", f"दिन {n} की ख़बर।", now=clock.now())
            clock.set(local(zone, *day, 6, 59))
            await quiet_ticks(bot)
            assert len(digests(api)) == n - 1  # not a minute early, DST or not
            clock.set(local(zone, *day, 7, 0, 10))
            await api.wait_for(lambda s, n=n: len(digests(api)) == n)
            sent_at.append(clock.now())
        sub = await subscribers.get(bot.db, READER)
    hours = [round((b - a).total_seconds() / 3600) for a, b in itertools.pairwise(sent_at)]
    assert hours == gaps
    assert sub is not None and sub.next_digest_at is not None
    assert sub.next_digest_at.astimezone(zone).hour == 7


async def test_digest_longer_than_4096_is_split_at_story_boundaries(
    tmp_path: Path, api: FakeBotAPI
) -> None:
    due = local(IST, 2026, 11, 27, 7, 0)
    clock = ManualClock(due - timedelta(hours=1))
    sentence = "शहर में नई मेट्रो लाइन के लिए {n} नंबर का काम तेज़ी से चल रहा है। "
    async with Database(tmp_path / "k.db") as db:
        await add_subscribers(db, [READER], now=clock.now(), next_at=due)
        for n in range(1, 9):
            await add_article(
                db,
                f"ख़बर संख्या {n}",
                "".join(sentence.format(n=n) for _ in range(12)),
                facts=(Fact("number", f"{n} करोड़ रुपये"),),
                url=f"https://example.com/news/{n}?a=1&b=2",
                now=clock.now() - timedelta(minutes=n),
            )
    clock.set(due + timedelta(seconds=5))
    async with LiveBot(fast_settings(tmp_path / "k.db", api), clock) as bot:

        async def sent() -> bool:
            return (await states(bot.db)).get("sent") == 1

        await eventually(sent)
        row = await bot.db.fetchone("SELECT parts FROM deliveries")
    messages = api.messages_to(READER)
    assert row is not None and len(messages) >= 2
    assert all(len(m.plain_text or "") <= 4096 for m in messages)
    text = "\n".join(m.plain_text or "" for m in messages)
    for n in range(1, 9):
        assert text.count(f"ख़बर संख्या {n}") == 1  # each story once, none cut in two
    for message in messages:
        for button_row in (message.reply_markup or {}).get("inline_keyboard", []):
            for button in button_row:
                assert len(button["callback_data"].encode()) <= 64


async def test_shutdown_mid_tick_does_not_wait_for_every_digest_and_loses_none(
    tmp_path: Path, api: FakeBotAPI
) -> None:
    """PTB's stop() waits for a running tick; the tick notices and stops between
    subscribers, and the next start writes the rest."""
    due = local(IST, 2026, 11, 27, 7, 0)
    clock = ManualClock(due + timedelta(seconds=5))
    chats = list(range(5000, 6500))
    api.add_chats(chats)
    async with Database(tmp_path / "k.db") as db:
        await add_subscribers(db, chats, now=clock.now() - timedelta(days=1), next_at=due)
        await add_article(db, "मेट्रो की नई लाइन", "मेट्रो की नई लाइन खुली।", now=clock.now())
    settings = fast_settings(tmp_path / "k.db", api)
    bot = await LiveBot(settings, clock).start()
    try:
        await api.wait_for(lambda s: len(s) >= 20)
    finally:
        await bot.stop()
    served = len({m.chat_id for m in api.sent})
    assert served < len(chats)
    async with LiveBot(settings, clock):
        await api.wait_for(lambda s: len({m.chat_id for m in s}) == len(chats), timeout=60)
    assert sorted(api.count_by_chat().values()) == [1] * len(chats)
