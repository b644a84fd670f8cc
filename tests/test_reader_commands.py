"""What readers type on a phone, and what the bot answers, through the command layer on a
real SQLite file: Devanagari digits and dashes, settings changed while stopped, /help
by role, and the small replies (nothing to cancel, no broadcast yet, plain text)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import texts
from bot.clock import ManualClock
from bot.commands import Khabar
from bot.replies import Document
from bot.telegram.menus import bot_commands
from digests.model import DigestItem
from digests.render import render_item
from storage import follows, subscribers
from storage.db import Database
from tests.conftest import READER, Chat, fixture_text
from tests.support.terminal import TerminalOutbox


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("०७:३०", "07:30"),
        ("७:०५", "07:05"),
        ("7:5", "07:05"),
        ("7", "07:00"),
        ("२३", "23:00"),
        ("0:00", "00:00"),
        ("23:59", "23:59"),
        ("7.30", "07:30"),
    ],
)
async def test_time_accepts_what_phones_type(
    reader: Chat, db: Database, typed: str, stored: str
) -> None:
    await reader.say("/start")
    reply = await reader.say(f"/time {typed}")
    assert f"<b>{stored}</b>" in reply and "अगला" in reply
    sub = await subscribers.get(db, READER)
    assert sub is not None and sub.digest_time == stored


@pytest.mark.parametrize(
    "bad", ["24:00", "07:60", "२४:००", "7:", "007:00", "7:005", "7.5", "-1", "7 बजे", "abc"]
)
async def test_time_still_rejects_impossible_times(reader: Chat, db: Database, bad: str) -> None:
    await reader.say("/start")
    assert await reader.say(f"/time {bad}") == texts.TIME_USAGE
    sub = await subscribers.get(db, READER)
    assert sub is not None and sub.digest_time == "07:00"


@pytest.mark.parametrize(
    "typed",
    [
        "२२:००-०७:००",
        "22:00–07:00",  # en dash, as phone keyboards put it
        "22:00—07:00",  # em dash
        "22:00 - 07:00",
        "22:00 – 07:00",
        "22-7",
        "22:00 से 07:00",
    ],
)
async def test_quiet_accepts_dashes_spaces_and_devanagari(
    reader: Chat, db: Database, typed: str
) -> None:
    await reader.say("/start")
    await reader.say("/quiet off")
    assert await reader.say(f"/quiet {typed}") == texts.QUIET_SET.format(
        start="22:00", end="07:00", tz="Asia/Kolkata"
    )
    sub = await subscribers.get(db, READER)
    assert sub is not None and (sub.quiet_start, sub.quiet_end) == ("22:00", "07:00")


@pytest.mark.parametrize("bad", ["22:00–24:00", "22:00—", "22:00-07:00-08:00", "22:00 07:00"])
async def test_quiet_still_rejects_bad_ranges(reader: Chat, bad: str) -> None:
    await reader.say("/start")
    assert await reader.say(f"/quiet {bad}") == texts.QUIET_USAGE


async def test_story_and_follow_numbers_in_devanagari(
    admin: Chat, reader: Chat, db: Database
) -> None:
    await admin.say("/post " + fixture_text("metro.txt"))
    await reader.say("/start")
    assert "कहानी #1:" in await reader.say("/story १")
    assert "कहानी #1:" in await reader.say("/story #१")
    await reader.say("/follow १")  # following.py reads numbers with the same helper
    assert await follows.stories_of(db, READER) == [1]
    assert await reader.say("/story ३") == texts.STORY_NOT_FOUND.format(id=3)


@pytest.mark.parametrize("bad", ["0", "-1", "०", "#0", "00"])
async def test_story_zero_and_negatives_get_the_usage_hint(reader: Chat, bad: str) -> None:
    assert await reader.say(f"/story {bad}") == texts.STORY_USAGE


async def test_time_and_tz_after_stop_are_saved_but_promise_nothing(
    admin: Chat, reader: Chat, db: Database, khabar: Khabar, clock: ManualClock
) -> None:
    await admin.say("/post " + fixture_text("metro.txt"))
    await reader.say("/start")
    await reader.say("/stop")
    reply = await reader.say("/time 10:31")  # a minute after "now" (10:30 in Kolkata)
    assert reply == texts.TIME_SET_STOPPED.format(time="10:31", tz="Asia/Kolkata")
    assert "अगला" not in reply and "/start" in reply
    assert "रुकी" in await reader.say("/time")
    reply = await reader.say("/tz Asia/Dubai")
    assert reply == texts.TZ_SET_STOPPED.format(tz="Asia/Dubai", time="10:31")
    assert "अगला" not in reply
    await reader.say("/tz Asia/Kolkata")
    sub = await subscribers.get(db, READER)
    assert sub is not None and sub.digest_time == "10:31" and sub.next_digest_at is None

    terminal = TerminalOutbox(khabar)
    clock.advance(timedelta(minutes=2))
    assert await terminal.flush() == ""  # stopped: no digest at the saved time

    assert "10:31" in await reader.say("/start")  # the saved time is the one used
    clock.advance(timedelta(days=1) - timedelta(minutes=1))
    assert "मेट्रो" in await terminal.flush()


async def test_deep_link_to_a_missing_story_says_not_found_once(khabar: Khabar) -> None:
    newcomer = Chat(khabar, 77)
    replies = await newcomer.send("/start story_999")
    not_found = texts.STORY_NOT_FOUND.format(id=999)
    assert [r.text for r in replies].count(not_found) == 1
    assert "नमस्ते" in replies[0].text and len(replies) == 2


async def test_help_shows_editor_commands_to_admins_only(admin: Chat, reader: Chat) -> None:
    readers_help = await reader.say("/help")
    admins_help = await admin.say("/help")
    for name, description, admin_only in texts.COMMANDS:
        line = f"/{name} — {description}"
        assert line in admins_help
        assert (line in readers_help) != admin_only, name
    assert texts.HELP_ADMIN_HEADER not in readers_help and "लेख कैसे भेजें" not in readers_help
    assert texts.HELP_POSTING in admins_help
    # The Telegram menus match: readers' commands for everyone, all of them for editors.
    assert [c.command for c in bot_commands()] == [n for n, _d, a in texts.COMMANDS if not a]
    assert [c.command for c in bot_commands(editor=True)] == [n for n, _d, _a in texts.COMMANDS]


async def test_cancel_with_nothing_waiting(admin: Chat, db: Database) -> None:
    assert await admin.say("/cancel") == texts.NOTHING_TO_CANCEL
    assert await admin.say("/post") == texts.POST_WAITING
    assert await admin.say("/cancel") == texts.POST_CANCELLED
    assert await admin.say("/cancel") == texts.NOTHING_TO_CANCEL
    assert await admin.say(fixture_text("metro.txt")) == texts.PLAIN_TEXT_HINT  # not posted


async def test_stats_before_and_after_the_first_broadcast(
    admin: Chat, reader: Chat, khabar: Khabar, clock: ManualClock
) -> None:
    await admin.say("/post " + fixture_text("metro.txt"))
    await reader.say("/start")
    before = await admin.say("/stats")
    assert before.endswith(texts.STATS_NO_RUN)
    assert "(—)" not in before and "सेकंड" not in before
    assert "सदस्य: 1 सक्रिय" in before and "क़तार" in before

    await reader.say("/time 10:31")
    clock.advance(timedelta(minutes=2))
    assert "मेट्रो" in await TerminalOutbox(khabar).flush()
    after = await admin.say("/stats")
    assert texts.STATS_NO_RUN not in after
    assert "पिछला प्रसारण (" in after and "1 संदेश भेजे" in after


def test_report_count_line_has_the_nukta() -> None:
    item = DigestItem(story_id=4, title="शीर्षक", summary="सार।", facts=(), article_count=3)
    card = render_item(item)
    assert "📰 इस ख़बर पर 3 रिपोर्ट" in card and "खबर" not in card


@pytest.mark.parametrize("text", ["", "   ", "\n", "नमस्ते", "आज क्या ख़बर है?"])
async def test_plain_and_empty_messages_get_the_same_helpful_hint(reader: Chat, text: str) -> None:
    reply = await reader.say(text)
    assert reply == texts.PLAIN_TEXT_HINT and "/help" in reply


async def test_a_readers_file_gets_the_same_hint(reader: Chat, admin: Chat) -> None:
    sticker = Document("photo.jpg", b"\xff\xd8\xff")
    assert await reader.say("", document=sticker) == texts.PLAIN_TEXT_HINT
    assert await admin.say("", document=sticker) == texts.POST_USAGE


async def test_stop_says_follow_updates_stop_too_and_start_resumes_them(
    admin: Chat, reader: Chat, khabar: Khabar, db: Database
) -> None:
    await reader.say("/start")
    await admin.say("/post " + fixture_text("metro.txt"))
    await reader.say("/follow 1")
    outbox = TerminalOutbox(khabar)

    stopped = await reader.say("/stop")
    assert stopped == texts.STOPPED
    assert "डाइजेस्ट" in stopped and "अपडेट" in stopped and "/start" in stopped
    await admin.say("/post " + fixture_text("metro_opened.txt"))
    assert "कहानी #1 में नया" not in await outbox.flush()  # what /stop said is true

    assert await follows.stories_of(db, READER) == [1]  # kept for /start to resume

    assert "फिर से स्वागत" in await reader.say("/start")
    sub = await subscribers.get(db, READER)
    assert sub is not None and sub.active  # updates go to active followers again
