"""The outbox sender through the real bot: PTB over HTTP against FakeBotAPI, one test per
failure Telegram can answer with, and the guarantees around them (exactly once, pacing,
one recipient never stopping the others, a graceful stop, the per-run report)."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.outbox.sender import Sender
from bot.replies import Button, Reply
from storage import deliveries, subscribers
from storage.db import Database
from tests.support.botapi import FakeBotAPI
from tests.support.botrun import (
    ADMIN,
    LiveBot,
    add_article,
    add_subscribers,
    enqueue,
    eventually,
    fast_settings,
    reports_show,
    states,
)

CHATS = list(range(100, 120))


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


async def _subscribe(bot: LiveBot, clock: ManualClock, chats: list[int]) -> None:
    """Subscribers whose own digest is not due today: only what a test enqueues is sent."""
    await add_subscribers(bot.db, chats, now=clock.now(), next_at=clock.now() + timedelta(days=1))


async def _broadcast(bot: LiveBot, clock: ManualClock, chats: list[int], parts: list[str]) -> None:
    for chat in chats:
        await enqueue(bot.db, chat, parts, now=clock.now(), key=f"digest:{chat}:test")
    bot.runner.wake()


async def _drained(bot: LiveBot, timeout: float = 5.0) -> None:
    async def done() -> bool:
        return "pending" not in await states(bot.db)

    await eventually(done, timeout, "the outbox to drain")


def _sends_to(api: FakeBotAPI, chat: int) -> int:
    return len([c for c in api.calls("sendMessage") if int(c.params["chat_id"]) == chat])


async def test_blocked_readers_become_inactive_and_everyone_else_gets_theirs(
    tmp_path: Path, clock: ManualClock, api: FakeBotAPI
) -> None:
    api.add_chats(CHATS)
    gone = {103: api.block, 107: api.deactivate, 111: api.kick}
    for chat, fault in gone.items():
        fault(chat)
    async with LiveBot(fast_settings(tmp_path / "k.db", api), clock) as bot:
        await _subscribe(bot, clock, CHATS)
        # An update also waits for 103 (held for later): it must not arrive stale if they
        # come back one day.
        later = clock.now() + timedelta(hours=1)
        await enqueue(
            bot.db, 103, ["अपडेट"], now=clock.now(), key="u:103:0", kind="update", not_before=later
        )
        await _broadcast(bot, clock, CHATS, ["<b>डाइजेस्ट</b> भाग 1", "भाग 2"])
        await _drained(bot)
        assert api.count_by_chat() == {c: 2 for c in CHATS if c not in gone}
        for chat in gone:
            sub = await subscribers.get(bot.db, chat)
            assert sub is not None and not sub.active
            assert _sends_to(api, chat) == 1  # stopped at the first 403
        assert await states(bot.db) == {"sent": len(CHATS) - 3, "failed": 4}

        # Later deliveries never go to them again; to others they do.
        await enqueue(bot.db, 103, ["अपडेट"], now=clock.now(), key="update:103:1", kind="update")
        await enqueue(bot.db, 100, ["अपडेट"], now=clock.now(), key="update:100:1", kind="update")
        bot.runner.wake()
        await api.wait_for(lambda sent: len([m for m in sent if m.chat_id == 100]) == 3)
        await asyncio.sleep(0.2)
        assert _sends_to(api, 103) == 1
        report = await deliveries.latest_report(bot.db)  # the run that sent only 103's
        assert report is not None and report.sent == 1


async def test_chat_not_found_marks_the_subscriber_inactive(
    tmp_path: Path, clock: ManualClock, api: FakeBotAPI
) -> None:
    api.add_chats([100, 102])  # 101 never started the bot: "Bad Request: chat not found"
    async with LiveBot(fast_settings(tmp_path / "k.db", api), clock) as bot:
        await _subscribe(bot, clock, [100, 101, 102])
        await _broadcast(bot, clock, [100, 101, 102], ["डाइजेस्ट"])
        await _drained(bot)
        assert api.count_by_chat() == {100: 1, 102: 1}
        assert api.faults["chat_not_found"] == 1
        sub = await subscribers.get(bot.db, 101)
        assert sub is not None and not sub.active and sub.next_digest_at is None
        await reports_show(bot.db, {"messages": 2, "failed": 1, "newly_inactive": 1})


async def test_429_pauses_every_send_for_retry_after_then_delivers_once(
    tmp_path: Path, clock: ManualClock, api: FakeBotAPI
) -> None:
    api.add_chats(CHATS)
    async with LiveBot(fast_settings(tmp_path / "k.db", api), clock) as bot:
        await _subscribe(bot, clock, CHATS)
        api.fail_next(1, status=429, retry_after=1)
        await _broadcast(bot, clock, CHATS, ["डाइजेस्ट"])
        await _drained(bot, timeout=10)
        assert api.count_by_chat() == {c: 1 for c in CHATS}
        calls = sorted(c.at for c in api.calls("sendMessage"))
        limited = calls[0]  # the first request got the 429
        # Requests already on the wire may land just after it; then nothing for a second.
        assert not [t for t in calls if limited + 0.3 < t < limited + 0.95]
        assert calls[-1] >= limited + 0.95
        # The pause may end one sender run and the rest go out in the next: add them up.
        await reports_show(bot.db, {"messages": len(CHATS), "rate_limited": 1, "failed": 0})


async def test_server_errors_and_dropped_connections_are_retried_and_delivered_once(
    tmp_path: Path, clock: ManualClock, api: FakeBotAPI
) -> None:
    api.add_chats(CHATS)
    async with LiveBot(fast_settings(tmp_path / "k.db", api), clock) as bot:
        await _subscribe(bot, clock, CHATS)
        api.fail_next(2, status=500)
        api.fail_next(1, status=502)  # nginx's HTML page, as Telegram's front end sends
        api.drop_next(2)  # connection closed without an answer
        await _broadcast(bot, clock, CHATS, ["डाइजेस्ट"])
        await _drained(bot)
        assert api.count_by_chat() == {c: 1 for c in CHATS}
        assert api.faults["injected_500"] == 2 and api.faults["injected_502"] == 1
        assert api.faults["dropped"] == 2
        await reports_show(bot.db, {"retried": 5, "failed": 0})


async def test_slow_answers_are_waited_for_in_parallel_and_delivered_once(
    tmp_path: Path, clock: ManualClock, api: FakeBotAPI
) -> None:
    chats = CHATS[:8]
    api.add_chats(chats)
    async with LiveBot(fast_settings(tmp_path / "k.db", api, send_concurrency=4), clock) as bot:
        await _subscribe(bot, clock, chats)
        api.set_delay(0.3)
        await _broadcast(bot, clock, chats, ["डाइजेस्ट"])
        await _drained(bot)
        assert api.count_by_chat() == {c: 1 for c in chats}
        assert not api.faults  # nothing timed out and was resent
        # Each request is in flight from its arrival to its answer: while one answer is
        # awaited others go out, but never more than the four the sender allows.
        arrived = {int(c.params["chat_id"]): c.at for c in api.calls("sendMessage")}
        answered = {m.chat_id: m.at for m in api.sent}
        in_flight = [
            sum(arrived[other] <= arrived[chat] < answered[other] for other in chats)
            for chat in chats
        ]
        assert 1 < max(in_flight) <= 4, in_flight


async def test_migrated_group_is_moved_and_delivered_to_its_new_id(
    tmp_path: Path, clock: ManualClock, api: FakeBotAPI
) -> None:
    group, supergroup = -4001, -1004001
    api.add_chat(group)
    api.migrate(group, supergroup)
    api.add_chats([100])
    async with LiveBot(fast_settings(tmp_path / "k.db", api), clock) as bot:
        await _subscribe(bot, clock, [group, 100])
        _story, article = await add_article(bot.db, "पुरानी ख़बर", "सार।", now=clock.now())
        async with bot.db.transaction() as tx:
            await deliveries.mark_received(tx, group, [article], None, clock.now())
        await _broadcast(bot, clock, [group, 100], ["भाग 1", "भाग 2"])
        await _drained(bot)
        assert api.count_by_chat() == {supergroup: 2, 100: 2}
        assert await subscribers.get(bot.db, group) is None
        moved = await subscribers.get(bot.db, supergroup)
        assert moved is not None and moved.active
        # ON UPDATE CASCADE carried the outbox row and the reading history along.
        row = await bot.db.fetchone(
            "SELECT chat_id, state FROM deliveries WHERE dedupe_key = ?", [f"digest:{group}:test"]
        )
        assert row is not None and (row[0], row[1]) == (supergroup, "sent")
        received = await bot.db.fetchall("SELECT chat_id FROM received")
        assert [r[0] for r in received] == [supergroup]
        await reports_show(bot.db, {"migrated": 1})


async def test_html_telegram_cannot_parse_is_resent_as_plain_text(
    tmp_path: Path, clock: ManualClock, api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    api.add_chats([100])
    async with LiveBot(fast_settings(tmp_path / "k.db", api), clock) as bot:
        await _subscribe(bot, clock, [100])
        with caplog.at_level(logging.ERROR, logger="bot.outbox"):
            await _broadcast(bot, clock, [100], ["<b>बारिश <i>का अलर्ट</b> &lt;आज&gt;"])
            await _drained(bot)
        [message] = api.messages_to(100)
        assert message.parse_mode is None
        assert message.text == "बारिश का अलर्ट <आज>"
        assert api.faults["bad_request"] == 1  # the HTML attempt was refused once
        assert "resending as plain text" in caplog.text
        await reports_show(bot.db, {"plain_fallbacks": 1, "failed": 0})


async def test_one_message_a_second_per_chat_without_slowing_the_others(
    tmp_path: Path, clock: ManualClock, api: FakeBotAPI
) -> None:
    """A single worker: if waiting for one chat held it, everyone would wait too."""
    api.add_chats(CHATS)
    # A whole second per chat leaves the other chats' 19 round trips room on a busy machine.
    settings = fast_settings(tmp_path / "k.db", api, per_chat_interval=1.0, send_concurrency=1)
    async with LiveBot(settings, clock) as bot:
        await _subscribe(bot, clock, CHATS)
        busy = CHATS[0]
        await enqueue(bot.db, busy, ["भाग 1", "भाग 2", "भाग 3"], now=clock.now(), key="d:busy")
        await enqueue(bot.db, busy, ["अपडेट"], now=clock.now(), key="u:busy", kind="update")
        await _broadcast(bot, clock, CHATS[1:], ["डाइजेस्ट"])
        await _drained(bot)
        times = [m.at for m in api.messages_to(busy)]
        assert len(times) == 4
        assert all(b - a >= 0.9 for a, b in itertools.pairwise(times))  # arrival jitter
        others = [m.at for m in api.sent if m.chat_id != busy]
        assert len(others) == len(CHATS) - 1 and max(others) < times[1]


async def test_overall_rate_is_paced_so_telegram_never_answers_429(
    tmp_path: Path, clock: ManualClock, api: FakeBotAPI
) -> None:
    chats = list(range(1000, 1060))
    api.add_chats(chats)
    api.enforce_limits(per_chat_per_sec=1.0, global_per_sec=40.0, global_burst=5)
    settings = fast_settings(tmp_path / "k.db", api, send_rate=40.0, per_chat_interval=1.0)
    async with LiveBot(settings, clock) as bot:
        await _subscribe(bot, clock, chats)
        started = time.monotonic()
        await _broadcast(bot, clock, chats, ["डाइजेस्ट"])
        await _drained(bot, timeout=10)
        took = time.monotonic() - started
        assert api.count_by_chat() == {c: 1 for c in chats}
        assert api.faults["rate_limited"] == 0
        assert took >= (len(chats) - 1) / 40.0 * 0.95


async def test_graceful_stop_finishes_the_messages_in_flight_and_restart_resumes(
    tmp_path: Path, clock: ManualClock, api: FakeBotAPI
) -> None:
    chats = CHATS[:12]
    api.add_chats(chats)
    settings = fast_settings(tmp_path / "k.db", api, send_concurrency=3)
    bot = await LiveBot(settings, clock).start()
    try:
        await _subscribe(bot, clock, chats)
        api.set_delay(0.3)
        await _broadcast(bot, clock, chats, ["डाइजेस्ट"])
        await api.wait_for_request("sendMessage", count=3)
        db_path = settings.db_path
    finally:
        await bot.stop()  # as on SIGTERM: the three answers in flight are awaited
    accepted = len(api.sent)
    assert 3 <= accepted < len(chats)
    async with Database(db_path) as db:
        assert (await states(db)).get("sent") == accepted  # every accepted message recorded
    api.set_delay(0.0)
    async with LiveBot(settings, clock) as again:
        again.runner.wake()
        await _drained(again)
    assert api.count_by_chat() == {c: 1 for c in chats}


async def test_parts_over_4096_are_split_and_oversized_callback_data_dropped(
    tmp_path: Path, clock: ManualClock, api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    api.add_chats([100])
    sentence = "मेट्रो की नई लाइन पर आज से सेवा शुरू हुई। "
    long_text = "<b>लंबी ख़बर</b>\n" + sentence * 150  # ~6000 characters
    buttons = ((Button("फ़ॉलो", data="f:1"), Button("बहुत लंबा", data="x" * 65)),)
    async with LiveBot(fast_settings(tmp_path / "k.db", api), clock) as bot:
        await _subscribe(bot, clock, [100])
        await enqueue(bot.db, 100, [Reply(long_text, buttons)], now=clock.now(), key="d:long")
        bot.runner.wake()
        await _drained(bot)
    sent = api.messages_to(100)
    assert len(sent) == 2
    assert all(len(m.plain_text or "") <= 4096 for m in sent)
    assert sent[0].reply_markup is None
    assert sent[1].reply_markup == {"inline_keyboard": [[{"text": "फ़ॉलो", "callback_data": "f:1"}]]}
    joined = "".join(m.plain_text or "" for m in sent).replace(" ", "").replace("\n", "")
    assert joined.count("सेवा") == 150
    assert "callback data is 65 bytes" in caplog.text


async def test_stats_shows_the_latest_broadcast_report(
    tmp_path: Path, clock: ManualClock, api: FakeBotAPI
) -> None:
    api.add_chats(CHATS[:5])
    api.block(CHATS[0])
    async with LiveBot(fast_settings(tmp_path / "k.db", api), clock) as bot:
        await _subscribe(bot, clock, CHATS[:5])
        api.fail_next(1, status=500)
        await _broadcast(bot, clock, CHATS[:5], ["डाइजेस्ट"])
        await _drained(bot)
        api.push_message(ADMIN, "/stats")
        sent = await api.wait_for(lambda s: any(m.chat_id == ADMIN for m in s))
    stats = next(m for m in sent if m.chat_id == ADMIN).plain_text or ""
    assert "पिछला प्रसारण" in stats
    assert "4 संदेश भेजे, 1 दोबारा भेजे, 1 विफल, 1 नए निष्क्रिय" in stats


async def test_one_recipients_unexpected_error_does_not_stop_the_others(
    tmp_path: Path, clock: ManualClock, api: FakeBotAPI
) -> None:
    """Even a bug (an exception the sender does not know) stays with its recipient."""
    api.add_chats(CHATS[:6])

    class Exploding:
        def __init__(self, inner: object) -> None:
            self.inner = inner

        async def send(self, chat_id: int, reply: Reply, *, plain: bool = False) -> None:
            if chat_id == CHATS[2]:
                raise RuntimeError("boom")
            await self.inner.send(chat_id, reply, plain=plain)  # type: ignore[attr-defined]

    async with LiveBot(fast_settings(tmp_path / "k.db", api), clock) as bot:
        await _subscribe(bot, clock, CHATS[:6])
        bot.runner.sender.transport = Exploding(bot.runner.sender.transport)
        await _broadcast(bot, clock, CHATS[:6], ["डाइजेस्ट"])

        async def settled() -> bool:
            return (await states(bot.db)).get("sent") == 5

        await eventually(settled)
        row = await bot.db.fetchone(
            "SELECT state, attempts, last_error FROM deliveries WHERE chat_id = ?", [CHATS[2]]
        )
    assert row is not None and tuple(row) == ("pending", 1, "internal error")
    assert api.count_by_chat() == {c: 1 for c in CHATS[:6] if c != CHATS[2]}


# ---------------------------------------------------------------------- without HTTP


class Recorder:
    """A transport that only counts, to look at the sender itself."""

    def __init__(self) -> None:
        self.sent: Counter[int] = Counter()

    async def send(self, chat_id: int, reply: Reply, *, plain: bool = False) -> None:
        await asyncio.sleep(0)
        self.sent[chat_id] += 1


async def test_memory_stays_bounded_however_large_the_outbox(
    db: Database, clock: ManualClock
) -> None:
    """The sender streams the outbox: the jobs it holds at once do not grow with it."""
    chats = list(range(10_000, 13_000))
    await add_subscribers(db, chats, now=clock.now(), next_at=clock.now() + timedelta(days=1))
    async with db.transaction() as tx:
        for chat in chats:
            await deliveries.enqueue(
                tx,
                chat_id=chat,
                kind="digest",
                dedupe_key=f"digest:{chat}:x",
                parts=[{"text": "डाइजेस्ट", "buttons": []}],
                now=clock.now(),
            )
    transport = Recorder()
    sender = Sender(db, transport, clock, rate=0, per_chat_interval=0, concurrency=8)
    report = await sender.run_once()
    assert report.sent == len(chats) and set(transport.sent.values()) == {1}
    assert sender.last_peak_jobs <= 4 * 8


async def test_chat_migration_cascades_with_foreign_keys_on(
    db: Database, clock: ManualClock
) -> None:
    assert await db.scalar("PRAGMA foreign_keys") == 1
    await add_subscribers(db, [-4001], now=clock.now(), next_at=clock.now())
    _story, article = await add_article(db, "ख़बर", "सार।", now=clock.now())
    delivery = await enqueue(db, -4001, ["x"], now=clock.now(), key="digest:-4001:x")
    async with db.transaction() as tx:
        await deliveries.mark_received(tx, -4001, [article], delivery, clock.now())
    await subscribers.migrate_chat(db, -4001, -1004001)
    assert await db.scalar("SELECT chat_id FROM deliveries") == -1004001
    assert await db.scalar("SELECT chat_id FROM received") == -1004001
    assert await db.fetchall("PRAGMA foreign_key_check") == []


def test_run_report_knows_whether_a_run_did_work(clock: ManualClock) -> None:
    now = clock.now()
    assert not deliveries.RunReport(now, now).did_work
    assert deliveries.RunReport(now, now, deferred=1).did_work


async def test_each_due_delivery_is_taken_once_whatever_its_time_format(
    db: Database, clock: ManualClock
) -> None:
    """The keyset cursor compares stored text: a not_before written with fractions of a
    second (by some other writer) must not be fetched again after itself."""
    chats = [201, 202, 203]
    await add_subscribers(db, chats, now=clock.now(), next_at=clock.now() + timedelta(days=1))
    for chat in chats:
        await enqueue(db, chat, ["डाइजेस्ट"], now=clock.now(), key=f"digest:{chat}:x")
    await db.execute(
        "UPDATE deliveries SET not_before = ? WHERE chat_id = 202",
        [(clock.now() - timedelta(seconds=1)).isoformat(timespec="microseconds")],
    )
    transport = Recorder()
    sender = Sender(db, transport, clock, rate=0, per_chat_interval=0, concurrency=1, page_size=1)
    await sender.run_once()
    assert transport.sent == {201: 1, 202: 1, 203: 1}
