"""The command layer on a real SQLite file: what readers and editors see."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp import web

from bot import texts
from bot.clock import ManualClock
from bot.commands import Khabar
from bot.config import Settings
from bot.replies import Document
from storage import articles, stories, subscribers
from storage.db import Database
from tests.conftest import ADMIN, READER, Chat, fixture_text


async def test_start_subscribes_with_default_time_and_zone(reader: Chat, db: Database) -> None:
    reply = await reader.say("/start")
    assert "07:00" in reply and "Asia/Kolkata" in reply and "राधा" in reply
    sub = await subscribers.get(db, READER)
    assert sub is not None and sub.active and sub.digest_time == "07:00"
    assert "पहले से सदस्य" in await reader.say("/start")


async def test_stop_keeps_data_and_start_resumes(reader: Chat, db: Database) -> None:
    await reader.say("/start")
    await reader.say("/time 06:15")
    assert await reader.say("/stop") == texts.STOPPED
    sub = await subscribers.get(db, READER)
    assert sub is not None and not sub.active and sub.next_digest_at is None
    assert "फिर से स्वागत" in await reader.say("/start")
    sub = await subscribers.get(db, READER)
    assert sub is not None and sub.active and sub.digest_time == "06:15"
    assert sub.next_digest_at is not None
    assert await reader.say("/stop") == texts.STOPPED
    assert await reader.say("/stop") == texts.NOT_SUBSCRIBED


async def test_help_lists_every_command_to_admins(admin: Chat) -> None:
    reply = await admin.say("/help")
    for name, description, _admin in texts.COMMANDS:
        assert f"/{name} — {description}" in reply
    assert "अकेली पंक्ति में" in reply  # how to paste a multi-line article


async def test_admin_post_stores_and_answers_with_summary(admin: Chat, db: Database) -> None:
    reply = await admin.say("/post " + fixture_text("metro.txt"))
    assert "#1" in reply and "नई कहानी" in reply
    assert "मेट्रो" in reply
    assert await articles.count(db) == 1
    again = await admin.say("/post\n" + fixture_text("metro.txt"))
    assert "पहले से" in again and "#1" in again
    assert await articles.count(db) == 1


async def test_post_as_reply_and_as_next_message(admin: Chat, db: Database) -> None:
    reply = await admin.say("/post", reply_to_text=fixture_text("metro.txt"))
    assert "#1" in reply
    assert await admin.say("/post") == texts.POST_WAITING
    assert "#2" in await admin.say(fixture_text("monsoon.txt"))
    assert await admin.say("/post") == texts.POST_WAITING
    assert await admin.say("/cancel") == texts.POST_CANCELLED
    assert await admin.say("नमस्ते") == texts.PLAIN_TEXT_HINT
    assert await articles.count(db) == 2


async def test_post_documents(admin: Chat, db: Database) -> None:
    txt = Document("metro.txt", fixture_text("metro.txt").encode())
    assert "#1" in await admin.say("/post", document=txt)
    page = Document("page.html", fixture_text("page.html").encode())
    reply = await admin.say("/post", document=page)
    assert "#2" in reply and "अंतरिक्ष" in reply
    assert "होम" not in reply  # navigation is not article text
    bad = Document("photo.jpg", b"\xff\xd8\xff")
    assert "सिर्फ़ .txt या .html" in await admin.say("/post", document=bad)
    latin1 = Document("old.txt", "café".encode("latin-1"))
    assert await admin.say("/post", document=latin1) == texts.POST_BAD_ENCODING
    huge = Document("big.txt", b"", too_large=True)
    assert "सिर्फ़ .txt या .html" in await admin.say("/post", document=huge)
    assert await articles.count(db) == 2


@pytest.fixture
async def page_server() -> AsyncIterator[str]:
    """A news page on 127.0.0.1, and a public-looking link that redirects to it."""
    app = web.Application()
    page = fixture_text("page.html")

    async def serve(_: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html")

    async def hop(_: web.Request) -> web.Response:
        raise web.HTTPFound("/khabar")

    app.router.add_get("/khabar", serve)
    app.router.add_get("/hop", hop)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def test_post_url_fetches_and_extracts(
    db: Database, settings: Settings, clock: ManualClock, page_server: str
) -> None:
    admin = Chat(Khabar(db, settings.with_(allow_private_urls=True), clock), ADMIN)
    reply = await admin.say(f"/post {page_server}/hop")  # redirects are followed
    assert "#1" in reply and "अंतरिक्ष" in reply
    stored = await articles.get(db, 1)
    assert stored is not None and stored.source_url == f"{page_server}/hop"
    assert "HTTP 404" in await admin.say(f"/post {page_server}/missing")
    assert await admin.say("/post https//broken") == texts.FETCH_BAD_URL


async def test_post_url_refuses_addresses_inside_our_network(
    admin: Chat, db: Database, page_server: str
) -> None:
    for url in (f"{page_server}/khabar", "http://localhost:9/", "http://169.254.169.254/x"):
        assert "निजी नेटवर्क" in await admin.say(f"/post {url}"), url
    assert await articles.count(db) == 0


async def test_bad_articles_get_hindi_answers(admin: Chat, db: Database) -> None:
    assert await admin.say("/post " + fixture_text("english.txt")) == texts.POST_NOT_HINDI
    assert await admin.say("/post\n" + fixture_text("clutter_only.txt")) in (
        texts.POST_EMPTY,
        texts.POST_NOT_HINDI,
    )
    assert await articles.count(db) == 0


async def test_non_admin_cannot_post_or_see_stats(reader: Chat, db: Database) -> None:
    assert await reader.say("/post " + fixture_text("metro.txt")) == texts.NOT_ADMIN
    assert await reader.say("/stats") == texts.NOT_ADMIN
    assert await articles.count(db) == 0


async def test_digest_gives_unread_then_recent(admin: Chat, reader: Chat) -> None:
    assert await reader.say("/digest") == texts.DIGEST_EMPTY
    await reader.say("/start")
    await admin.say("/post " + fixture_text("metro.txt"))
    await admin.say("/post " + fixture_text("monsoon.txt"))
    first = await reader.say("/digest")
    assert "डाइजेस्ट" in first and "मेट्रो" in first and "मानसून" in first
    assert first.index("मौसम") < first.index("मेट्रो")  # newest first
    second = await reader.say("/digest")
    assert "पिछले 24 घंटे" in second and "मेट्रो" in second


async def test_digest_never_repeats_a_story(admin: Chat, reader: Chat, clock: ManualClock) -> None:
    await reader.say("/start")
    await admin.say("/post " + fixture_text("metro.txt"))
    assert "मेट्रो" in await reader.say("/digest")
    clock.advance(timedelta(hours=1))
    await admin.say("/post " + fixture_text("monsoon.txt"))
    fresh = await reader.say("/digest")
    assert "मौसम" in fresh and "मेट्रो" not in fresh


async def test_time_and_zone(reader: Chat, db: Database) -> None:
    assert await reader.say("/time 07:30") == texts.NOT_SUBSCRIBED
    await reader.say("/start")
    assert "07:00" in await reader.say("/time")
    for bad in ("25:99", "24:00", "07:60", "abc", "-1:00", "07:30 extra", "9" * 20 + ":00"):
        assert await reader.say(f"/time {bad}") == texts.TIME_USAGE, bad
    assert "06:45" in await reader.say("/time 6:45")
    for bad in ("Mars/Base", "../../etc/passwd", "/etc/localtime", "Asia", "localtime"):
        assert await reader.say(f"/tz {bad}") == texts.TZ_USAGE, bad
    assert "Asia/Dubai" in await reader.say("/tz asia/dubai")
    reply = await reader.say("/tz Europe/London")
    assert "Europe/London" in reply
    sub = await subscribers.get(db, READER)
    assert sub is not None and sub.tz == "Europe/London" and sub.digest_time == "06:45"
    assert "Europe/London" in await reader.say("/tz")


async def test_stories_and_story(admin: Chat, reader: Chat, khabar: Khabar) -> None:
    assert await reader.say("/stories") == texts.STORIES_EMPTY
    await admin.say("/post " + fixture_text("metro.txt"))
    await admin.say("/post " + fixture_text("monsoon.txt"))
    replies = await reader.send("/stories")
    assert "#1" in replies[0].text and "#2" in replies[0].text
    data = [b.data for row in replies[0].buttons for b in row]
    assert data == ["story:2", "f:2", "story:1", "f:1"]
    assert all(len(d.encode()) <= 64 for d in data if d)
    pressed = await khabar.handle_callback(READER, READER, "story:1")
    assert "कहानी #1" in pressed.replies[0].text and "मेट्रो" in pressed.replies[0].text
    assert await reader.say("/story abc") == texts.STORY_USAGE
    assert await reader.say("/story") == texts.STORY_USAGE
    assert await reader.say("/story 99") == texts.STORY_NOT_FOUND.format(id=99)
    assert "कहानी #2" in await reader.say("/story #2")


async def test_stats_counts(admin: Chat, reader: Chat, db: Database) -> None:
    await reader.say("/start")
    await Chat(admin.khabar, 77).say("/start")
    await Chat(admin.khabar, 77).say("/stop")
    await admin.say("/post " + fixture_text("metro.txt"))
    reply = await admin.say("/stats")
    assert "1 सक्रिय, 1 निष्क्रिय" in reply
    assert "लेख: 1" in reply and "कहानियाँ: 1" in reply
    assert await stories.count(db) == 1


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "/",
        "/@",
        "/unknown",
        "/START@other_bot",
        "\u200b\u200d",
        "🙂" * 5000,
        "/time\x00",
        "/story 99999999999999999999",
        "/tz " + "a" * 10_000,
        "\ud800",
    ],
)
async def test_odd_input_never_crashes(reader: Chat, text: str) -> None:
    reply = await reader.say(text)
    assert reply and reply != texts.INTERNAL_ERROR


async def test_unknown_command_and_plain_text(reader: Chat) -> None:
    assert await reader.say("/weather") == texts.UNKNOWN_COMMAND
    assert await reader.say("आज क्या ख़बर है?") == texts.PLAIN_TEXT_HINT
