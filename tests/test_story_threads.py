"""Story threads as readers and editors see them over time: titles that follow the news,
numbers that are never reused, following that hides nothing, and honest /post replies.

Everything goes through the command layer on a real SQLite file, as tests/test_follow.py.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest

import bot.posting
from bot import texts
from bot.clock import ManualClock
from bot.commands import Khabar
from bot.config import Settings
from bot.linking import find_story
from bot.posting import move_article
from bot.texts import STORY_MOVED, SUBSCRIBED_BY_FOLLOW, TOAST_FOLLOW_MOVED
from bot.updates import story_buttons
from digests.article import digest_article
from storage import articles, stories, subscribers
from storage.db import Database
from tests.conftest import ADMIN, READER, Chat, fixture_text
from tests.support.terminal import TerminalOutbox

METRO = "शहर की नई मेट्रो लाइन सोमवार से यात्रियों के लिए खुलेगी"
OPENED = "पूर्व-पश्चिम मेट्रो लाइन पर पहले दिन 52 हज़ार लोगों ने सफ़र किया"
MONSOON = "मौसम विभाग ने इस साल सामान्य से ज़्यादा बारिश का अनुमान जताया"
STRANGER = 99
# A real follow-up of the metro story with no facts at all (no number, date, quote or
# speaker): such short articles exist, and must still reach followers.
CROWDS = (
    "मेट्रो लाइन पर यात्रियों की भीड़\n\n"
    "पूर्व-पश्चिम मेट्रो लाइन के स्टेशनों पर यात्रियों की भारी भीड़ देखी गई। "
    "मेट्रो निगम ने यात्रियों से धैर्य रखने की अपील की।"
)


async def _post(admin: Chat, clock: ManualClock, name: str) -> str:
    """Post a fixture an hour after the previous one, so "newest" is unambiguous."""
    clock.advance(timedelta(hours=1))
    return await admin.say("/post " + fixture_text(name))


def _listed(listing: str, number: int) -> str:
    """The /stories line of story `number` ('' when it is not listed)."""
    return next((line for line in listing.splitlines() if f"<b>#{number}</b>" in line), "")


async def test_title_follows_the_newest_article_through_posts_moves_and_splits(
    admin: Chat, reader: Chat, clock: ManualClock
) -> None:
    await _post(admin, clock, "metro.txt")  # article 1, story 1
    assert "पुरानी कहानी <b>#1</b>" in await _post(admin, clock, "metro_opened.txt")  # 2
    await _post(admin, clock, "monsoon.txt")  # article 3, story 2
    listing = await reader.say("/stories")
    assert OPENED in _listed(listing, 1) and METRO not in listing
    assert f"कहानी #1: {OPENED}" in await reader.say("/story 1")

    await admin.say("/move 2 2")  # the metro update wrongly into the monsoon story
    listing = await reader.say("/stories")
    assert METRO in _listed(listing, 1)  # story 1 is back to its only article
    assert MONSOON in _listed(listing, 2)  # the monsoon article is story 2's newest

    assert "अलग कहानी <b>#3</b>" in await admin.say("/split 3")
    listing = await reader.say("/stories")
    # Story 2 now holds only the metro update, and is titled after it, not "monsoon".
    assert OPENED in _listed(listing, 2) and MONSOON in _listed(listing, 3)
    assert f"कहानी #2: {OPENED}" in await reader.say("/story 2")


async def test_a_continuation_still_links_after_the_title_changed(
    admin: Chat, db: Database, clock: ManualClock
) -> None:
    """Linking matches article text, not the story title: a retitled story still attracts
    its follow-ups."""
    await _post(admin, clock, "metro.txt")
    await _post(admin, clock, "metro_opened.txt")
    story = await stories.get(db, 1)
    assert story is not None and story.title == OPENED
    reply = await _post(admin, clock, "metro_again.txt")
    # Joined story 1, named by the title it had before this article retitled it.
    assert "पुरानी कहानी <b>#1</b>" in reply and f"«{OPENED}»" in reply
    story = await stories.get(db, 1)
    assert story is not None and story.article_count == 3


async def test_digest_card_headline_matches_its_summary_for_a_reader_who_knows_the_story(
    admin: Chat, reader: Chat, clock: ManualClock
) -> None:
    await reader.say("/start")
    await _post(admin, clock, "metro.txt")
    assert METRO in await reader.say("/digest")
    await _post(admin, clock, "metro_opened.txt")
    card = await reader.say("/digest")
    assert "52 हज़ार" in card  # the update's summary...
    assert OPENED in card and METRO not in card  # ...under the update's own headline


async def test_story_numbers_are_never_reused(
    admin: Chat, reader: Chat, khabar: Khabar, db: Database, clock: ManualClock
) -> None:
    await reader.say("/start")
    await _post(admin, clock, "metro.txt")  # article 1, story 1
    await _post(admin, clock, "monsoon.txt")  # article 2, story 2
    await _post(admin, clock, "metro_opened.txt")  # article 3 joins story 1
    assert "अलग कहानी <b>#3</b>" in await admin.say("/split 3")
    listing = await reader.send("/stories")  # a message with 🔔 #3 in it, kept by the reader
    await reader.say("/follow 3")
    assert "कहानी <b>#1</b>" in await admin.say("/move 3 1")  # story 3 is now empty

    assert _listed(await reader.say("/stories"), 3) == ""
    assert "#3" not in await reader.say("/digest")
    assert "2 लेख" in _listed(await reader.say("/stories"), 1)  # both articles in #1
    following = await reader.say("/following")
    assert "#1" in following and "#3 " not in following  # the follow moved to the target
    # A fresh split gets a fresh number: #3 still means "the story merged into #1".
    assert "अलग कहानी <b>#4</b>" in await admin.say("/split 3")
    assert await reader.say("/follow 3") == STORY_MOVED.format(id=3, target=1)
    assert await reader.say("/story 3") == STORY_MOVED.format(id=3, target=1)
    assert await admin.say("/move 1 3") == STORY_MOVED.format(id=3, target=1)
    pressed = await khabar.handle_callback(READER, READER, "f:3", listing[0].buttons)
    assert pressed.toast == TOAST_FOLLOW_MOVED.format(story=3, target=1)
    assert await stories.count(db) == 3  # /stats counts the live stories #1, #2 and #4


async def test_emptied_story_points_along_a_chain_of_moves(
    admin: Chat, reader: Chat, clock: ManualClock
) -> None:
    await _post(admin, clock, "metro.txt")  # 1 -> #1
    await _post(admin, clock, "monsoon.txt")  # 2 -> #2
    await _post(admin, clock, "metro_opened.txt")  # 3 -> #1
    await admin.say("/split 3")  # #3
    await admin.say("/move 3 2")  # #3 emptied into #2
    await admin.say("/move 3 1")  # and the article moves on to #1; #3 points via #2
    await admin.say("/move 2 1")  # #2 emptied into #1 as well
    assert await reader.say("/follow 3") == STORY_MOVED.format(id=3, target=1)
    assert await reader.say("/follow 2") == STORY_MOVED.format(id=2, target=1)


async def test_following_does_not_hide_the_story_from_the_digest(
    admin: Chat, reader: Chat, clock: ManualClock
) -> None:
    await reader.say("/start")
    await _post(admin, clock, "metro.txt")
    await _post(admin, clock, "monsoon.txt")
    assert "#1" in await reader.say("/stories")  # the reader only saw the title
    await reader.say("/follow 1")
    digest = await reader.say("/digest")
    assert "#1" in digest and "40 हज़ार" in digest and "#2" in digest


async def test_updates_tell_what_was_not_delivered_to_the_follower(
    admin: Chat, reader: Chat, khabar: Khabar, clock: ManualClock
) -> None:
    """A follower who never received the story gets the whole news of the update; one who
    read it gets only what is new to them."""
    informed = Chat(khabar, 43)
    await reader.say("/start")
    await informed.say("/start")
    await reader.say("/quiet off")
    await informed.say("/quiet off")
    await _post(admin, clock, "metro.txt")
    assert "40 हज़ार" in await informed.say("/digest")
    await reader.say("/follow 1")
    await informed.say("/follow 1")
    outbox = TerminalOutbox(khabar)
    await _post(admin, clock, "metro_opened.txt")
    sent = await outbox.flush()
    updates = sent.split("कहानी #1 में नया")[1:]
    assert len(updates) == 2 and all("52 हज़ार" in u for u in updates)
    # Named by the headline before this news; the card below carries the new headline.
    assert sent.count(f"कहानी #1 में नया: {METRO}") == 2 and OPENED in updates[0]
    assert sum("नगर निगम" in u for u in updates) == 1  # only the reader who never got it
    # The first article is older than the update the reader got: not news to them, so
    # their digest has nothing new and shows the last day's stories again, labelled so.
    digest = await reader.say("/digest")
    assert "नई ख़बर नहीं थी" in digest and "🆕 नया" not in digest


async def test_follow_before_start_says_the_digest_started(
    admin: Chat, reader: Chat, khabar: Khabar, db: Database, clock: ManualClock
) -> None:
    await _post(admin, clock, "metro.txt")
    stranger = Chat(khabar, STRANGER)
    replies = await stranger.send("/follow 1")
    notice = SUBSCRIBED_BY_FOLLOW.format(time="07:00", tz="Asia/Kolkata")
    assert "फॉलो कर रहे हैं" in replies[0].text and notice in replies[0].text
    assert "/stop" in notice
    sub = await subscribers.get(db, STRANGER)
    assert sub is not None and sub.active and sub.next_digest_at is not None
    assert "#1" in await stranger.say("/following")
    # A subscriber is not told again; /start afterwards is an ordinary "already subscribed".
    await reader.say("/start")
    assert notice not in await reader.say("/follow 1")
    assert "पहले से सदस्य" in await stranger.say("/start")


async def test_bell_button_before_start_says_so_and_a_stray_unfollow_subscribes_nobody(
    admin: Chat, khabar: Khabar, db: Database, clock: ManualClock
) -> None:
    await _post(admin, clock, "metro.txt")
    unfollowed = await khabar.handle_callback(STRANGER + 1, STRANGER + 1, "u:1", ())
    assert unfollowed.toast and await subscribers.get(db, STRANGER + 1) is None
    pressed = await khabar.handle_callback(STRANGER, STRANGER, "f:1", ())
    assert pressed.toast == texts.TOAST_FOLLOWED.format(story=1)
    assert [r.text for r in pressed.replies] == [
        SUBSCRIBED_BY_FOLLOW.format(time="07:00", tz="Asia/Kolkata")
    ]
    assert "#1" in await Chat(khabar, STRANGER).say("/following")


async def test_post_reply_says_which_followers_hear_now_and_which_in_their_next_digest(
    admin: Chat, reader: Chat, khabar: Khabar, db: Database, clock: ManualClock
) -> None:
    night_owl = Chat(khabar, 43)
    for chat in (reader, night_owl):
        await chat.say("/start")
    await night_owl.say("/quiet off")
    await _post(admin, clock, "metro.txt")
    for chat in (reader, night_owl):
        await chat.say("/digest")
        await chat.say("/follow 1")
    clock.advance(timedelta(hours=12))  # about 23:30 in Kolkata: the reader's quiet hours
    posted = await admin.say("/post " + fixture_text("metro_opened.txt"))
    assert "फॉलोअर: 1 को अभी अपडेट, 1 को उनके अगले डाइजेस्ट में" in posted
    await TerminalOutbox(khabar).flush()
    rows = await db.fetchall("SELECT chat_id FROM deliveries WHERE kind = 'update'")
    assert [r[0] for r in rows] == [43]  # the reply matched what was sent
    await reader.say("/stop")
    later = await admin.say("/post " + fixture_text("metro_again.txt"))
    assert "अगले डाइजेस्ट" not in later and "फॉलोअर: 1 को अभी अपडेट" in later  # active only


async def test_migration_retitles_old_stories_and_unhides_stories_followed_before(
    tmp_path: Path,
) -> None:
    """Schema 4 to 5: titles follow the newest article, and the "received" rows the old
    follow code wrote (at the follow's created_at, with no delivery) are dropped, so a
    story followed before the upgrade reaches the digest; real deliveries stay."""
    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    for name in sorted(resources.files("storage.migrations").iterdir(), key=lambda e: e.name):
        if name.name.endswith(".sql") and name.name[:3] <= "004":
            con.executescript(name.read_text(encoding="utf-8"))
    con.execute("PRAGMA user_version = 4")
    at = "2026-11-27T05:00:00+00:00"
    later = "2026-11-28T05:00:00+00:00"
    followed = "2026-11-28T06:00:00+00:00"
    con.execute("INSERT INTO stories VALUES (1, ?, ?, ?)", (METRO, at, later))
    for number, (title, when) in enumerate([(METRO, at), (OPENED, later)], 1):
        con.execute(
            "INSERT INTO articles (id, story_id, content_hash, title, body, summary, facts,"
            " posted_at) VALUES (?, 1, ?, ?, 'पाठ', 'सार', '[]', ?)",
            (number, f"h{number}", title, when),
        )
    for chat in (READER, 43, 44):
        con.execute(
            "INSERT INTO subscribers (chat_id, digest_time, tz, created_at, updated_at)"
            " VALUES (?, '07:00', 'Asia/Kolkata', ?, ?)",
            (chat, at, at),
        )
        con.execute("INSERT INTO follows VALUES (?, 1, ?)", (chat, followed))
    con.execute(
        "INSERT INTO deliveries (id, chat_id, kind, dedupe_key, parts, state, not_before,"
        " created_at) VALUES (1, 43, 'digest', 'digest:43', '[]', 'sent', ?, ?)",
        (at, at),
    )
    con.executemany(
        "INSERT INTO received VALUES (?, ?, ?, ?)",
        [
            (READER, 1, None, followed),  # the old follow marked the whole story...
            (READER, 2, None, followed),
            (43, 1, 1, at),  # ...except what a real digest had already delivered
            (43, 2, None, followed),
            (44, 1, None, at),  # a /digest reply (no delivery row) before the follow
            (44, 2, None, followed),
        ],
    )
    con.commit()
    con.close()
    async with Database(path) as db:
        assert await db.schema_version() >= 5
        story = await stories.get(db, 1)
        assert story is not None and story.title == OPENED
        assert await stories.emptied(db, 1) is None
        rows = await db.fetchall("SELECT chat_id, article_id FROM received ORDER BY 1, 2")
        assert [tuple(r) for r in rows] == [(43, 1), (44, 1)]
        clock = ManualClock(datetime(2026, 11, 28, 7, 0, tzinfo=UTC))
        khabar = Khabar(db, Settings(db_path=path, admins=frozenset({ADMIN})), clock)
        digest = await Chat(khabar, READER).say("/digest")
        assert "#1" in digest and OPENED in digest  # no longer hidden by the old follow


async def test_a_follower_who_has_nothing_of_the_story_gets_a_factless_update(
    admin: Chat, reader: Chat, khabar: Khabar, clock: ManualClock
) -> None:
    """ "Nothing new" needs something old: with nothing of the story received, even an
    article without facts is news to the follower, while one who read the story is spared."""
    assert digest_article(CROWDS).facts == ()  # the premise: no facts to compare
    informed = Chat(khabar, 43)
    for chat in (reader, informed):
        await chat.say("/start")
        await chat.say("/quiet off")
    await _post(admin, clock, "metro.txt")
    assert "40 हज़ार" in await informed.say("/digest")
    await reader.say("/follow 1")
    await informed.say("/follow 1")
    outbox = TerminalOutbox(khabar)
    clock.advance(timedelta(hours=1))
    assert "पुरानी कहानी <b>#1</b>" in await admin.say("/post " + CROWDS)
    sent = await outbox.flush()
    assert sent.count("कहानी #1 में नया") == 1 and "धैर्य रखने की अपील" in sent
    # It went to the reader (now it is theirs), not to the one who already knew the story:
    # neither has news left, so each digest shows the last day's stories again, so labelled.
    assert "नई ख़बर नहीं थी" in await informed.say("/digest")
    assert "नई ख़बर नहीं थी" in await reader.say("/digest")


async def test_unfollowing_an_emptied_story_unfollows_where_it_went(
    admin: Chat, reader: Chat, khabar: Khabar, clock: ManualClock
) -> None:
    """/move hands #3's follows to #1; stopping #3 from an old 🔕 or by number must stop
    what keeps sending updates, #1, and say so."""
    await reader.say("/start")
    await reader.say("/quiet off")
    await _post(admin, clock, "metro.txt")  # article 1, story 1
    await _post(admin, clock, "monsoon.txt")  # article 2, story 2
    await _post(admin, clock, "metro_opened.txt")  # article 3 joins story 1
    await admin.say("/split 3")  # story 3
    await reader.say("/follow 3")
    old = (story_buttons(3, following=True),)  # 🔕 #3 under an old update
    await admin.say("/move 3 1")  # #3 emptied; the reader now follows #1
    assert "#1" in await reader.say("/following")

    pressed = await khabar.handle_callback(READER, READER, "u:3", old)
    assert pressed.toast == texts.TOAST_UNFOLLOWED_MOVED.format(story=3, target=1)
    assert pressed.buttons is not None and [b.data for b in pressed.buttons[0]] == ["f:3"]
    assert await reader.say("/following") == texts.FOLLOWING_EMPTY
    again = await khabar.handle_callback(READER, READER, "u:3", old)
    assert again.toast == texts.TOAST_NOT_FOLLOWING_MOVED.format(story=3, target=1)

    await reader.say("/follow 1")
    assert await reader.say("/unfollow 3") == texts.UNFOLLOWED_MOVED.format(story=3, target=1)
    assert await reader.say("/following") == texts.FOLLOWING_EMPTY
    assert await reader.say("/unfollow 3") == texts.NOT_FOLLOWING_MOVED.format(story=3, target=1)
    outbox = TerminalOutbox(khabar)
    await outbox.flush()
    await _post(admin, clock, "metro_again.txt")
    assert "कहानी #1 में नया" not in await outbox.flush()  # no more updates for #1


async def test_a_story_emptied_while_posting_does_not_come_back(
    admin: Chat, khabar: Khabar, db: Database, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process (khabar ingest beside the bot) empties the chosen story between the
    linking decision and the insert: the article goes where that story's articles went."""
    await _post(admin, clock, "metro.txt")  # article 1, story 1
    await _post(admin, clock, "monsoon.txt")  # article 2, story 2

    async def decide_then_empty(*args: object, **kwargs: object) -> object:
        decision = await find_story(*args, **kwargs)  # type: ignore[arg-type]
        assert decision.story_id == 1  # the continuation picks the metro story...
        await move_article(db, 1, 2, clock.now())  # ...which is emptied into #2 meanwhile
        return decision

    monkeypatch.setattr(bot.posting, "find_story", decide_then_empty)
    reply = await _post(admin, clock, "metro_opened.txt")
    assert f"पुरानी कहानी <b>#2</b> «{MONSOON}»" in reply
    assert await stories.get(db, 1) is None  # still emptied, not alive with a stale moved_to
    gone = await stories.emptied(db, 1)
    assert gone is not None and gone.moved_to == 2
    posted = await articles.get(db, 3)
    assert posted is not None and posted.story_id == 2
    assert await stories.count(db) == 1
    # With nowhere live to go, the article starts a new story rather than revive #1.
    async with db.transaction() as tx:
        await tx.execute("UPDATE stories SET moved_to = NULL WHERE id = 1")
        assert await stories.live_in(tx, 1) is None
        assert await stories.live_in(tx, 2) == (2, OPENED)
        assert await stories.live_in(tx, 99) is None


async def test_a_bad_time_zone_counts_as_the_default_in_the_reply_and_the_sender(
    admin: Chat, reader: Chat, khabar: Khabar, db: Database, clock: ManualClock
) -> None:
    """A zone this host cannot load is read as the default (Asia/Kolkata) both by the /post
    reply and by the sender, so the reply never promises what the sender does not do."""
    await reader.say("/start")
    await _post(admin, clock, "metro.txt")  # 11:30 in Kolkata
    await reader.say("/follow 1")
    await db.execute("UPDATE subscribers SET tz = 'Mars/Olympus_Mons' WHERE chat_id = ?", [READER])
    outbox = TerminalOutbox(khabar)
    posted = await _post(admin, clock, "metro_opened.txt")  # 12:30 there: not quiet
    assert "फॉलोअर: 1 को अभी अपडेट" in posted
    assert "52 हज़ार" in await outbox.flush()  # and the sender did send it
    clock.advance(timedelta(hours=10))  # 23:30 in Kolkata: quiet hours
    posted = await admin.say("/post " + CROWDS)
    assert "फॉलोअर: 1 को उनके अगले डाइजेस्ट में" in posted and "को अभी" not in posted
    assert "कहानी #1 में नया" not in await outbox.flush()
