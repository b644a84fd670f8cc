"""An editor's corrections reach readers as news does: an article /move'd into a followed
story tells its followers what is new to them, as a newly posted article would.

Through the command layer on a real SQLite file; what followers are sent is read from the
real runner and outbox (tests/support/terminal.py).
"""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.commands import Khabar
from storage import articles
from storage.db import Database
from tests.conftest import Chat, fixture_text
from tests.support.terminal import TerminalOutbox

NIGHT_OWL = 44  # follows from New York, where it is midnight: quiet hours
INFORMED = 45  # already read the moved article in a digest


async def _posted_apart(admin: Chat, db: Database, clock: ManualClock, name: str) -> int:
    """Post a fixture as an article of its own story (split off if linking joined it), the
    way a wrongly linked article waits for an editor's /move; returns the article id."""
    clock.advance(timedelta(hours=1))
    await admin.say("/post " + fixture_text(name))
    article_id = await articles.count(db)
    stored = await articles.get(db, article_id)
    assert stored is not None
    if stored.story_id == 1:
        await admin.say(f"/split {article_id}")
    return article_id


async def test_move_into_a_followed_story_tells_its_followers_what_is_new(
    admin: Chat, reader: Chat, khabar: Khabar, db: Database, clock: ManualClock
) -> None:
    night_owl, informed = Chat(khabar, NIGHT_OWL), Chat(khabar, INFORMED)
    for chat in (reader, night_owl, informed):
        await chat.say("/start")
    await night_owl.say("/tz America/New_York")
    await admin.say("/post " + fixture_text("metro.txt"))  # article 1, story 1
    assert "40 हज़ार" in await reader.say("/digest")
    opened = await _posted_apart(admin, db, clock, "metro_opened.txt")
    assert "52 हज़ार" in await informed.say("/digest")  # has both articles already
    for chat in (reader, night_owl, informed):
        await chat.say("/follow 1")
    outbox = TerminalOutbox(khabar)
    assert await outbox.flush() == ""

    reply = await admin.say(f"/move {opened} 1")
    assert "कहानी <b>#1</b>" in reply
    assert "फॉलोअर: 3 को अभी अपडेट" not in reply  # the night owl is in quiet hours
    assert "फॉलोअर: 2 को अभी अपडेट, 1 को उनके अगले डाइजेस्ट में (उनका शांत समय)" in reply
    sent = await outbox.flush()
    assert sent.count("कहानी #1 में नया") == 1  # the reader; the informed one had it
    assert "52 हज़ार" in sent and "🆕 नया" in sent
    assert "40 हज़ार" not in sent  # the reader was told that with the first article
    assert await outbox.flush() == ""  # once
    morning = await night_owl.say("/digest")  # what quiet hours held back
    assert "52 हज़ार" in morning


async def test_split_article_is_not_sent_again_to_the_story_it_left(
    admin: Chat, reader: Chat, khabar: Khabar, db: Database, clock: ManualClock
) -> None:
    """/split makes a story nobody follows yet: no follower note, nothing sent."""
    await reader.say("/start")
    await admin.say("/post " + fixture_text("metro.txt"))
    await reader.say("/follow 1")
    clock.advance(timedelta(hours=1))
    await admin.say("/post " + fixture_text("metro_opened.txt"))
    outbox = TerminalOutbox(khabar)
    await outbox.flush()  # whatever posting sent
    moved = await articles.get(db, 2)
    assert moved is not None
    if moved.story_id != 1:
        await admin.say("/move 2 1")
        await outbox.flush()
    reply = await admin.say("/split 2")
    assert "अलग कहानी" in reply and "फॉलोअर" not in reply
    assert await outbox.flush() == ""
