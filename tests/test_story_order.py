"""Readers are told a story in order: once a newer article of a story was delivered, an
older one is never presented as news, neither in the next digest nor as an update.

Through the command layer on a real SQLite file, with the real runner and outbox.
"""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.commands import Khabar
from storage import articles
from storage.db import Database
from tests.conftest import Chat, fixture_text
from tests.support.terminal import TerminalOutbox

METRO = "शहर की नई मेट्रो लाइन सोमवार से यात्रियों के लिए खुलेगी"
OPENED = "पूर्व-पश्चिम मेट्रो लाइन पर पहले दिन 52 हज़ार लोगों ने सफ़र किया"


async def test_after_an_update_on_a_newer_article_the_digest_does_not_offer_the_older_one(
    admin: Chat, reader: Chat, khabar: Khabar, db: Database, clock: ManualClock
) -> None:
    await reader.say("/start")
    await reader.say("/quiet off")
    await admin.say("/post " + fixture_text("metro.txt"))  # article 1, story 1
    await reader.say("/follow 1")  # following marks nothing: article 1 is still unread
    clock.advance(timedelta(hours=1))
    await admin.say("/post " + fixture_text("metro_opened.txt"))
    opened = await articles.get(db, 2)
    assert opened is not None and opened.story_id == 1  # the premise: one story
    outbox = TerminalOutbox(khabar)
    update = await outbox.flush()
    assert "कहानी #1 में नया" in update and OPENED in update
    digest = await reader.say("/digest")
    assert METRO not in digest and "40 हज़ार" not in digest  # article 1 is not news now
    assert "🆕 नया" not in digest
    assert METRO not in await reader.say("/digest")  # and it does not come back later


async def test_an_older_article_moved_in_after_a_newer_one_was_delivered_sends_no_update(
    admin: Chat, reader: Chat, khabar: Khabar, db: Database, clock: ManualClock
) -> None:
    await reader.say("/start")
    await reader.say("/quiet off")
    await admin.say("/post " + fixture_text("metro_opened.txt"))  # article 1, story 1
    await admin.say("/post " + fixture_text("monsoon.txt"))  # article 2, story 2
    await reader.say("/follow 1")
    outbox = TerminalOutbox(khabar)
    clock.advance(timedelta(hours=1))
    later = fixture_text("metro_opened.txt") + "\nभीड़ के कारण 20 अतिरिक्त ट्रेनें चलीं।"
    await admin.say("/post " + later)  # article 3
    newest = await articles.get(db, 3)
    assert newest is not None
    if newest.story_id != 1:
        await admin.say("/move 3 1")
    assert "कहानी #1 में नया" in await outbox.flush()  # the reader has story 1's newest
    await admin.say("/move 2 1")  # the monsoon article is older than what the reader has
    assert await outbox.flush() == ""
    assert "106 प्रतिशत" not in await reader.say("/digest")


AGAIN = "सोमवार से खुलेगी पूर्व-पश्चिम मेट्रो लाइन"


def _card(digest: str, story: int) -> str:
    """The digest card of one story: from its headline line to the next blank line."""
    return next(block for block in digest.split("\n\n") if f"</b> #{story}" in block)


async def test_a_story_card_is_one_article_its_newest_headline_summary_and_facts(
    admin: Chat, reader: Chat, clock: ManualClock, db: Database
) -> None:
    await reader.say("/start")
    await admin.say("/post " + fixture_text("metro_opened.txt"))
    clock.advance(timedelta(hours=1))
    await admin.say("/post " + fixture_text("metro_again.txt"))  # newest, fewer facts
    again = await articles.get(db, 2)
    assert again is not None and again.story_id == 1  # the premise: one story
    card = _card(await reader.say("/digest"), 1)
    assert AGAIN in card and "7 दिसंबर" in card and "2 रिपोर्ट" in card
    assert again.summary.split("।")[0] in card
    # Nothing of the other article: not its headline, summary or facts.
    assert OPENED not in card and "52 हज़ार" not in card and "3 स्टेशनों" not in card


async def test_a_known_story_card_shows_the_newest_article_and_its_facts_new_to_the_reader(
    admin: Chat, reader: Chat, clock: ManualClock, db: Database
) -> None:
    await reader.say("/start")
    await admin.say("/post " + fixture_text("metro.txt"))
    assert "40 हज़ार" in await reader.say("/digest")
    clock.advance(timedelta(hours=1))
    await admin.say("/post " + fixture_text("metro_again.txt"))  # nothing new to the reader
    clock.advance(timedelta(hours=1))
    await admin.say("/post " + fixture_text("metro_opened.txt"))  # the news, newest
    card = _card(await reader.say("/digest"), 1)
    assert OPENED in card and "52 हज़ार" in card and "🆕 नया" in card
    assert AGAIN not in card and "40 हज़ार" not in card and "7 दिसंबर" not in card
