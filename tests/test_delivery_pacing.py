"""Pacing against a Bot API that counts in a sliding window: no second, wherever it starts,
may hold more sends than the rate, from the first send after start, with every attempt
(retries after a 5xx, plain-text resends, later parts) counted.

The server answers 429 to the call that would exceed the limit, so each test checks both
what the server refused and the busiest window it saw; neither depends on how fast this
machine is (a slow machine only spreads the sends out further).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.outbox.sender import Sender
from bot.telegram.transport import TelegramTransport
from storage.db import Database
from tests.support.botapi import FakeBotAPI, busiest_window
from tests.support.botrun import (
    LiveBot,
    add_subscribers,
    enqueue,
    eventually,
    fast_settings,
    report_totals,
    states,
)
from tests.support.crash import crash_and_restart, prepare

RATE = 20


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        server.limit_window(RATE)
        yield server


async def _send_to(bot: LiveBot, clock: ManualClock, chats: list[int], parts: list[str]) -> None:
    await add_subscribers(bot.db, chats, now=clock.now(), next_at=clock.now() + timedelta(days=1))
    for chat in chats:
        await enqueue(bot.db, chat, parts, now=clock.now(), key=f"digest:{chat}:test")
    bot.runner.wake()


async def _drained(bot: LiveBot, timeout: float) -> None:
    async def done() -> bool:
        return "pending" not in await states(bot.db)

    await eventually(done, timeout, "the outbox to drain")


async def test_a_broadcast_never_puts_more_than_the_rate_in_any_second_even_after_a_stall(
    tmp_path: Path, clock: ManualClock, api: FakeBotAPI
) -> None:
    """A busy event loop (digests being built, a slow start) must not turn the sends that
    waited into a burst when it frees up."""
    chats = list(range(1000, 1080))
    api.add_chats(chats)
    settings = fast_settings(
        tmp_path / "k.db", api, send_rate=float(RATE), per_chat_interval=1.0, send_concurrency=8
    )
    async with LiveBot(settings, clock) as bot:
        await _send_to(bot, clock, chats, ["डाइजेस्ट"])
        await api.wait_for(RATE // 2)
        time.sleep(0.5)  # blocks the loop the sender runs on, as a long synchronous job would
        await _drained(bot, timeout=60)
    assert api.count_by_chat() == {c: 1 for c in chats}
    assert api.faults["window_exceeded"] == 0
    assert api.busiest() <= RATE


async def test_retries_after_5xx_and_later_parts_count_against_the_same_limit(
    tmp_path: Path, clock: ManualClock, api: FakeBotAPI
) -> None:
    chats = list(range(2000, 2030))
    api.add_chats(chats)
    api.fail_next(20, status=500)
    api.fail_next(10, status=502, description=None)
    settings = fast_settings(
        tmp_path / "k.db", api, send_rate=float(RATE), per_chat_interval=0.2, send_concurrency=8
    )
    async with LiveBot(settings, clock) as bot:
        await _send_to(bot, clock, chats, ["भाग 1", "भाग 2"])
        await _drained(bot, timeout=60)
        totals = await report_totals(bot.db)
    assert api.count_by_chat() == {c: 2 for c in chats}
    assert api.faults["injected_500"] + api.faults["injected_502"] == 30
    assert totals["rate_limited"] == 0
    assert api.faults["window_exceeded"] == 0
    assert api.busiest() <= RATE
    for chat in chats:  # every attempt to one chat, refused ones included, is spaced
        times = [c.at for c in api.calls("sendMessage") if int(c.params["chat_id"]) == chat]
        assert all(b - a >= 0.2 for a, b in itertools.pairwise(times)), chat


async def test_a_plain_text_resend_waits_for_its_chat_like_any_attempt(
    tmp_path: Path, clock: ManualClock, api: FakeBotAPI
) -> None:
    api.add_chats([100])
    settings = fast_settings(tmp_path / "k.db", api, per_chat_interval=0.3)
    async with LiveBot(settings, clock) as bot:
        await _send_to(bot, clock, [100], ["<b>बारिश <i>का अलर्ट</b>"])
        await _drained(bot, timeout=10)
    html, plain = api.calls("sendMessage")
    assert api.faults["bad_request"] == 1 and plain.params.get("parse_mode") is None
    assert plain.at - html.at >= 0.3


async def test_a_group_gets_at_most_its_limit_a_minute(
    tmp_path: Path, clock: ManualClock, api: FakeBotAPI
) -> None:
    """Telegram's 20 a minute to one group, scaled down to 3 in any second."""
    group = -100123
    api.add_chat(group, title="समूह")
    settings = fast_settings(tmp_path / "k.db", api)
    transport = TelegramTransport.for_settings(None, settings)
    try:
        async with Database(settings.db_path) as db:
            await add_subscribers(db, [group], now=clock.now(), next_at=clock.now())
            await enqueue(db, group, [f"भाग {n}" for n in range(1, 8)], now=clock.now())
            sender = Sender(
                db, transport, clock, per_chat_interval=0.01, group_per_minute=3, group_window=1.0
            )
            report = await asyncio.wait_for(sender.run_once(), 30)
    finally:
        await transport.close()
    assert report.sent == 7
    times = [m.at for m in api.messages_to(group)]
    assert len(times) == 7
    assert busiest_window(times, 1.0) <= 3


async def test_no_burst_after_a_sigkill_and_restart(tmp_path: Path) -> None:
    """The real `khabar run`, killed mid-broadcast and started again: the sends of both
    processes, the restart included, never exceed the rate in any second."""
    db_path = tmp_path / "khabar.db"
    chats = await prepare(db_path, 60)
    async with FakeBotAPI() as api:
        api.add_chats(chats)
        api.set_delay(0.01)  # several sends on the wire at the kill
        api.limit_window(RATE)
        result = await asyncio.wait_for(
            crash_and_restart(api, db_path, chats, kill_after=25, rate=RATE, timeout=60), 120
        )
        report = "\n".join(result.lines())
        assert result.accepted_at_kill[0] < len(chats), report  # the kill was mid-broadcast
        assert result.lost == 0 and result.pending_after == 0, report
        assert api.faults["window_exceeded"] == 0, report
        assert api.busiest() <= RATE, report
