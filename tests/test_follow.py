"""Story threads through the command layer: follow, updates with only what is new, quiet
hours, the timeline, and the admins' corrections."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

from bot import texts
from bot.clock import ManualClock
from bot.commands import Khabar
from digests.article import digest_article
from digests.novelty import new_facts
from storage import articles, stories
from storage.db import Database
from tests.conftest import FIXTURES, READER, Chat, fixture_text
from tests.support.terminal import TerminalOutbox

OTHER = 43


async def _thread(admin: Chat, reader: Chat) -> None:
    await reader.say("/start")
    await Chat(admin.khabar, OTHER).say("/start")
    await admin.say("/post " + fixture_text("metro.txt"))


async def test_follow_unfollow_and_following(admin: Chat, reader: Chat) -> None:
    await _thread(admin, reader)
    replies = await reader.send("/follow 1")
    assert "फॉलो कर रहे हैं" in replies[0].text and "22:00-07:00" in replies[0].text
    assert [b.data for row in replies[0].buttons for b in row] == ["u:1"]
    assert await reader.say("/follow 1") == texts.ALREADY_FOLLOWING.format(story=1)
    assert "#1" in await reader.say("/following")
    assert await reader.say("/follow") == texts.FOLLOW_USAGE
    assert await reader.say("/follow abc") == texts.FOLLOW_USAGE
    assert await reader.say("/follow 99") == texts.STORY_NOT_FOUND.format(id=99)
    assert "बंद" in await reader.say("/unfollow 1")
    assert await reader.say("/unfollow 1") == texts.NOT_FOLLOWING.format(story=1)
    assert await reader.say("/following") == texts.FOLLOWING_EMPTY


async def test_buttons_toggle_in_place(admin: Chat, reader: Chat, khabar: Khabar) -> None:
    await _thread(admin, reader)
    listing = (await reader.send("/stories"))[0]
    assert [b.data for b in listing.buttons[0]] == ["story:1", "f:1"]
    pressed = await khabar.handle_callback(READER, READER, "f:1", listing.buttons)
    assert pressed.toast == texts.TOAST_FOLLOWED.format(story=1)
    assert pressed.buttons is not None
    assert [b.data for b in pressed.buttons[0]] == ["story:1", "u:1"]
    assert "#1" in await reader.say("/following")
    again = await khabar.handle_callback(READER, READER, "u:1", pressed.buttons)
    assert again.buttons is not None and [b.data for b in again.buttons[0]][1] == "f:1"
    assert await reader.say("/following") == texts.FOLLOWING_EMPTY
    gone = await khabar.handle_callback(READER, READER, "f:999", ())
    assert gone.toast == texts.TOAST_GONE
    junk = await khabar.handle_callback(READER, READER, "zz:" + "9" * 40, ())
    assert junk.toast and not junk.replies


async def test_digest_has_a_follow_button_per_story(admin: Chat, reader: Chat) -> None:
    await _thread(admin, reader)
    await admin.say("/post " + fixture_text("monsoon.txt"))
    digest = await reader.send("/digest")
    data = [b.data for r in digest for row in r.buttons for b in row]
    assert sorted(data) == ["f:1", "f:2"]
    assert all(len(d.encode()) <= 64 for d in data if d)


async def test_deep_link_subscribes_follows_and_shows(admin: Chat, khabar: Khabar) -> None:
    await admin.say("/post " + fixture_text("metro.txt"))
    newcomer = Chat(khabar, 77)
    text = await newcomer.say("/start story_1")
    assert "नमस्ते" in text and "फॉलो कर रहे हैं" in text and "कहानी #1" in text
    assert "#1" in await newcomer.say("/following")


async def test_update_reaches_followers_only_and_says_what_is_new(
    admin: Chat, reader: Chat, khabar: Khabar
) -> None:
    await _thread(admin, reader)
    outbox = TerminalOutbox(khabar)
    assert "40 हज़ार" in await reader.say("/digest")  # what the reader was actually given
    await reader.say("/follow 1")
    posted = await admin.say("/post " + fixture_text("metro_opened.txt"))
    assert "पुरानी कहानी <b>#1</b>" in posted and "फॉलोअर: 1 को अभी अपडेट" in posted
    sent = await outbox.flush()
    assert "कहानी #1 में नया" in sent and "🆕 नया" in sent
    assert "52 हज़ार" in sent  # the new figure
    assert "40 हज़ार" not in sent  # already told in the first article
    assert sent.count("कहानी #1 में नया") == 1  # only the follower, once
    assert await outbox.flush() == ""
    digest = await Chat(khabar, OTHER).say("/digest")
    assert "कहानी #1 में नया" not in digest  # a non-follower gets it in the digest only


async def test_nothing_new_sends_nothing(admin: Chat, reader: Chat, khabar: Khabar) -> None:
    first = digest_article(fixture_text("metro.txt"))
    again = digest_article(fixture_text("metro_again.txt"))
    assert new_facts(again.facts, [f.text for f in first.facts]) == []  # the premise
    await _thread(admin, reader)
    outbox = TerminalOutbox(khabar)
    await reader.say("/digest")  # the first article reaches the reader
    await reader.say("/follow 1")
    assert "#1" in await admin.say("/post " + fixture_text("metro_again.txt"))
    assert await outbox.flush() == ""


async def test_quiet_hours_hold_updates_for_the_morning_digest(
    admin: Chat, reader: Chat, khabar: Khabar, clock: ManualClock
) -> None:
    await _thread(admin, reader)
    outbox = TerminalOutbox(khabar)
    await reader.say("/digest")  # the first article reaches the reader
    await reader.say("/follow 1")
    assert "22:00-07:00" in await reader.say("/quiet")
    clock.advance(timedelta(hours=13))  # 23:30 in Kolkata
    posted = await admin.say("/post " + fixture_text("metro_opened.txt"))
    assert "फॉलोअर: 1 को उनके अगले डाइजेस्ट में" in posted and "को अभी" not in posted
    assert await outbox.flush() == ""
    clock.advance(timedelta(hours=8))  # 07:30: the 07:00 digest is due
    morning = await outbox.flush()
    assert "आपका ख़बर डाइजेस्ट" in morning and "52 हज़ार" in morning
    assert "🆕 नया" in morning and "40 हज़ार" not in morning


async def test_quiet_off_and_bad_quiet(
    admin: Chat, reader: Chat, khabar: Khabar, clock: ManualClock
) -> None:
    await _thread(admin, reader)
    outbox = TerminalOutbox(khabar)
    await reader.say("/follow 1")
    for bad in ("25:00-07:00", "22:00", "22:00-22:00", "abc"):
        assert await reader.say(f"/quiet {bad}") == texts.QUIET_USAGE, bad
    assert await reader.say("/quiet off") == texts.QUIET_OFF
    assert await reader.say("/quiet") == texts.QUIET_OFF_SHOW
    clock.advance(timedelta(hours=13))  # 23:30, but quiet hours are off
    await admin.say("/post " + fixture_text("metro_opened.txt"))
    assert "कहानी #1 में नया" in await outbox.flush()
    assert "23:00-06:30" in await reader.say("/quiet 23:00-6:30")


async def test_story_timeline(admin: Chat, reader: Chat, clock: ManualClock) -> None:
    await _thread(admin, reader)
    clock.advance(timedelta(days=1))
    await admin.say("/post " + fixture_text("metro_opened.txt"))
    text = await reader.say("/story 1")
    assert "2 लेख" in text
    assert text.index("1. ") < text.index("2. ")
    assert "28 नवंबर" in text and "27 नवंबर" in text  # dates in Hindi, newest last
    assert text.index("27 नवंबर") < text.index("28 नवंबर", text.index("2. "))


async def test_admin_move_and_split(admin: Chat, reader: Chat, db: Database) -> None:
    await _thread(admin, reader)
    await admin.say("/post " + fixture_text("metro_opened.txt"))  # article 2 joins story 1
    await admin.say("/post " + fixture_text("monsoon.txt"))  # article 3, story 2
    assert await reader.say("/split 2") == texts.NOT_ADMIN
    assert await reader.say("/move 2 2") == texts.NOT_ADMIN
    for bad in ("", "x", "2 x", "1 2 3"):
        assert await admin.say(f"/move {bad}") == texts.MOVE_USAGE
    assert await admin.say("/split") == texts.SPLIT_USAGE
    assert await admin.say("/split 99") == texts.ARTICLE_NOT_FOUND.format(article=99)
    assert await admin.say("/move 2 99") == texts.STORY_NOT_FOUND.format(id=99)
    assert await admin.say("/move 2 1") == texts.MOVE_SAME.format(article=2, story=1)
    assert "अलग कहानी" in await admin.say("/split 2")
    moved = await articles.get(db, 2)
    assert moved is not None and moved.story_id == 3
    assert "अकेला" in await admin.say("/split 3")
    await reader.say("/follow 3")
    assert "कहानी <b>#1</b>" in await admin.say("/move 2 1")
    assert await stories.get(db, 3) is None  # the emptied story is out of sight
    assert "#1" in await reader.say("/following")  # and its follower follows the target


async def test_digest_shows_a_continued_story_once_with_what_is_new(
    admin: Chat, reader: Chat, clock: ManualClock
) -> None:
    await _thread(admin, reader)
    assert "40 हज़ार" in await reader.say("/digest")
    clock.advance(timedelta(hours=2))
    await admin.say("/post " + fixture_text("metro_again.txt"))
    clock.advance(timedelta(minutes=5))
    await admin.say("/post " + fixture_text("metro_opened.txt"))
    await admin.say("/post " + fixture_text("monsoon.txt"))
    text = await reader.say("/digest")
    assert text.count("#1") == 1  # one card for the whole thread
    assert "🆕 नया" in text and "52 हज़ार" in text and "40 हज़ार" not in text
    # The card is the newest article's, headline and summary, not the first article's
    # (which announced an opening the new summary reports as done).
    assert "पहले दिन 52 हज़ार लोगों ने सफ़र किया" in text
    assert "शहर की नई मेट्रो लाइन सोमवार से यात्रियों के लिए खुलेगी" not in text
    assert "3 रिपोर्ट" in text and "मौसम" in text


async def test_long_answers_are_split_to_fit_telegram(
    admin: Chat, reader: Chat, khabar: Khabar, db: Database, clock: ManualClock
) -> None:
    from digests.telegram_html import visible_length

    await _thread(admin, reader)
    base = fixture_text("metro_opened.txt")
    for n in range(40):  # forty follow-ups, each a little different, all on story 1
        clock.advance(timedelta(minutes=5))
        await admin.say(f"/post {base}\nअपडेट संख्या {n}: स्टेशन {n} पर {n + 3} नई मशीनें लगीं।")
    assert (await stories.get(db, 1)).article_count == 41  # type: ignore[union-attr]
    story = await reader.send("/story 1")
    assert "… इससे पहले 26 लेख" in story[0].text
    for n in range(60):  # sixty separate stories, made so with the admins' /split
        posted = await admin.say(f"/post {fixture_text('monsoon.txt')}\nविशेष {n}: {'बारिश ' * n}")
        if "पुरानी कहानी" in posted:
            article = posted.split("लेख ", 1)[1].split(" ", 1)[0]
            await admin.say(f"/split {article}")
    for story in await stories.recent(db, limit=100):
        await reader.say(f"/follow {story.id}")
    replies = await reader.send("/following")
    assert len(replies) >= 2 and all(visible_length(r.text) <= 4096 for r in replies)
    assert replies[-1].buttons  # the keyboard goes with the last part


async def test_a_stopped_reader_is_told_to_start_before_following(
    admin: Chat, reader: Chat, khabar: Khabar
) -> None:
    await _thread(admin, reader)
    await reader.say("/stop")
    assert await reader.say("/follow 1") == texts.FOLLOW_INACTIVE
    pressed = await khabar.handle_callback(READER, READER, "f:1", ())
    assert pressed.toast == texts.TOAST_INACTIVE
    assert await reader.say("/following") == texts.FOLLOWING_EMPTY
    await reader.say("/start")
    assert "फॉलो कर रहे हैं" in await reader.say("/follow 1")


async def test_an_ingested_continuation_reaches_followers_too(
    admin: Chat, reader: Chat, khabar: Khabar, clock: ManualClock
) -> None:
    await _thread(admin, reader)
    await reader.say("/follow 1")
    env = {**os.environ, "KHABAR_DB": str(khabar.settings.db_path)}
    clock.advance(timedelta(hours=1))
    at = clock.now().isoformat()
    ingest = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.support.at_time",
            at,
            "ingest",
            str(FIXTURES / "metro_opened.txt"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=FIXTURES.parents[1],  # where `tests.support` imports from
        timeout=120,
        check=False,
    )
    assert ingest.stdout.startswith("#1\tnew"), ingest.stderr
    sent = await TerminalOutbox(khabar).flush()  # the running bot's next pass
    assert "कहानी #1 में नया" in sent and "52 हज़ार" in sent
