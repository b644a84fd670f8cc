"""Digest cards are rendered once and shared by readers, so a shared card must never be
stale: after a story gains or loses an article, or in another database, readers see the
card of what is stored now. And the morning tick, which prepares a whole batch of readers
at once, gives each of them the digest their own history calls for.

Everything goes through the command layer and the scheduler on real SQLite files.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot import texts
from bot.clock import ManualClock
from bot.commands import Khabar
from bot.digest import build_digest
from bot.schedule import enqueue_due_digests
from digests.model import Fact
from storage import subscribers
from storage.db import Database
from tests.conftest import Chat, fixture_text
from tests.support.botrun import add_article, add_subscribers
from tests.support.terminal import TerminalOutbox

METRO = "शहर की नई मेट्रो लाइन सोमवार से यात्रियों के लिए खुलेगी"
OPENED = "पूर्व-पश्चिम मेट्रो लाइन पर पहले दिन 52 हज़ार लोगों ने सफ़र किया"
REPORTS = "इस ख़बर पर 2 रिपोर्ट"


async def _post(admin: Chat, clock: ManualClock, name: str) -> str:
    clock.advance(timedelta(hours=1))
    return await admin.say("/post " + fixture_text(name))


async def test_a_shared_card_shows_the_article_that_joined_its_story_since(
    admin: Chat, khabar: Khabar, clock: ManualClock
) -> None:
    first, second, third = Chat(khabar, 501), Chat(khabar, 502), Chat(khabar, 503)
    for chat in (first, second, third):
        await chat.say("/start")
    await _post(admin, clock, "metro.txt")
    card = await first.say("/digest")  # renders (and keeps) the one-article card
    assert METRO in card and REPORTS not in card
    await _post(admin, clock, "metro_opened.txt")  # joins story #1
    card = await second.say("/digest")
    assert OPENED in card and "52 हज़ार" in card and REPORTS in card
    assert (await third.say("/digest")).count(REPORTS) == 1


async def test_a_card_counts_the_reports_left_after_a_split(
    admin: Chat, reader: Chat, khabar: Khabar, clock: ManualClock
) -> None:
    other = Chat(khabar, 77)
    await reader.say("/start")
    await other.say("/start")
    await _post(admin, clock, "metro.txt")
    await _post(admin, clock, "metro_opened.txt")
    assert REPORTS in await reader.say("/digest")
    await admin.say("/split 2")
    card = await other.say("/digest")
    assert METRO in card and OPENED in card and REPORTS not in card


async def test_equal_story_numbers_in_two_databases_get_their_own_cards(
    tmp_path: Path, clock: ManualClock
) -> None:
    now = clock.now()
    for name, title in (("a.db", "पहली ख़बर का शीर्षक"), ("b.db", "दूसरी ख़बर का शीर्षक")):
        async with Database(tmp_path / name) as db:
            await add_article(db, title, f"{title} यहाँ है।", now=now - timedelta(hours=1))
            digest = await build_digest(db, 5, now=now, tz="Asia/Kolkata", fallback_recent=False)
        assert digest is not None and title in digest.replies[0].text


async def test_one_tick_gives_each_reader_of_a_batch_what_their_history_calls_for(
    tmp_path: Path, clock: ManualClock
) -> None:
    """Readers prepared together: one new to everything, one who knows a story (only its
    new facts, marked new), one who knows all of it (not shown again), one in another zone."""
    now = clock.now()
    async with Database(tmp_path / "k.db") as db:
        await add_subscribers(db, [1, 2, 3], now=now - timedelta(days=2), next_at=now)
        await add_subscribers(
            db, [4], now=now - timedelta(days=2), next_at=now, tz="America/New_York"
        )
        old = (Fact("number", "40 स्टेशन"), Fact("where", "दिल्ली"))
        story, first = await add_article(
            db, "मेट्रो की योजना", "मेट्रो बनेगी।", facts=old, now=now - timedelta(days=5)
        )
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO received (chat_id, article_id, delivery_id, received_at)"
                " VALUES (2, ?, NULL, '2026-01-01T00:00:00+00:00'),"
                " (3, ?, NULL, '2026-01-01T00:00:00+00:00')",
                (first, first),
            )
        await add_article(db, "बारिश का अनुमान", "बारिश होगी।", now=now - timedelta(hours=3))
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO articles (story_id, content_hash, title, body, summary, facts,"
                " posted_by, posted_at) VALUES (?, 'h-new', 'मेट्रो खुली', 'मेट्रो खुली।',"
                " 'मेट्रो खुली।', ?, 1, ?)",
                (
                    story,
                    '[{"kind": "number", "text": "52 हज़ार यात्री"},'
                    ' {"kind": "where", "text": "दिल्ली"}]',
                    (now - timedelta(hours=2)).isoformat(),
                ),
            )
        # Reader 3 also had today's metro article: nothing about the metro is new to them.
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO received (chat_id, article_id, delivery_id, received_at)"
                " SELECT 3, id, NULL, '2026-01-01T00:00:00+00:00' FROM articles"
                " WHERE content_hash = 'h-new'"
            )
        report = await enqueue_due_digests(db, now, grace=timedelta(hours=3), batch=3)
        rows = await db.fetchall("SELECT chat_id, parts FROM deliveries ORDER BY chat_id")
        texts_by_chat = {r["chat_id"]: r["parts"] for r in rows}
        follow_up = await subscribers.get(db, 1)
    assert report.due == 4 and report.enqueued == 4
    fresh, knows, knows_all, zoned = (texts_by_chat[c] for c in (1, 2, 3, 4))
    for digest in (fresh, zoned):
        assert "मेट्रो खुली" in digest and "बारिश" in digest and texts.NEW_FACTS_LABEL not in digest
        assert "40 स्टेशन" not in digest  # older than the window: only a count of reports
    assert "मेट्रो खुली" in knows and texts.NEW_FACTS_LABEL in knows
    assert "52 हज़ार यात्री" in knows and "📍" not in knows  # दिल्ली they knew
    assert "मेट्रो" not in knows_all and "बारिश" in knows_all
    assert follow_up is not None and follow_up.last_digest_at == now


async def test_scheduled_digests_still_flow_after_a_story_changed_between_ticks(
    admin: Chat, khabar: Khabar, db: Database, clock: ManualClock
) -> None:
    early, late = Chat(khabar, 601), Chat(khabar, 602)
    for chat, at in ((early, "10:31"), (late, "12:31")):
        await chat.say("/start")
        await chat.say(f"/time {at}")
    await admin.say("/post " + fixture_text("metro.txt"))
    outbox = TerminalOutbox(khabar)
    clock.advance(timedelta(minutes=2))
    assert METRO in await outbox.flush()
    await admin.say("/post " + fixture_text("metro_opened.txt"))
    clock.advance(timedelta(hours=2))
    out = await outbox.flush()
    assert OPENED in out and REPORTS in out


async def test_the_morning_tick_reads_no_table_whole(tmp_path: Path, clock: ManualClock) -> None:
    """Every query the tick makes is an index search: its cost per reader follows the
    window and the reader, not the archive or the readership."""
    now = clock.now()
    statements: list[str] = []
    async with Database(tmp_path / "k.db") as db:
        await add_subscribers(db, range(1, 6), now=now - timedelta(days=2), next_at=now)
        for hours in (100, 30, 2):  # one article older than the window
            await add_article(
                db,
                "ख़बर",
                "ख़बर है।",
                facts=(Fact("where", "पटना"),),
                now=now - timedelta(hours=hours),
            )
        await db.conn.set_trace_callback(statements.append)
        await enqueue_due_digests(db, now, grace=timedelta(hours=3))
        await db.conn.set_trace_callback(None)
        reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert len(reads) >= 5
        for sql in reads:
            plan = " | ".join(r[3] for r in await db.fetchall("EXPLAIN QUERY PLAN " + sql))
            scans = [
                step
                for step in plan.split(" | ")
                if step.startswith("SCAN") and "VIRTUAL TABLE" not in step
            ]
            assert not scans, f"{sql}\n{plan}"


async def test_an_article_with_unreadable_stored_facts_keeps_no_reader_from_the_morning(
    admin: Chat, khabar: Khabar, db: Database, clock: ManualClock
) -> None:
    """The morning tick reads the window once for a batch of readers: one damaged row must
    cost only its own facts, not every reader's digest."""
    readers = [Chat(khabar, 701), Chat(khabar, 702)]
    for chat in readers:
        await chat.say("/start")
        await chat.say("/time 10:31")
    await admin.say("/post " + fixture_text("metro.txt"))
    await admin.say("/post " + fixture_text("monsoon.txt"))
    await db.execute("UPDATE articles SET facts = '{broken' WHERE id = 1")
    clock.advance(timedelta(minutes=2))
    out = await TerminalOutbox(khabar).flush()
    assert out.count(METRO) == len(readers)
    assert "मानसून" in out
