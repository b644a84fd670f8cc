"""Who may do what in which chat: forwarded messages, a bare /post's chat, and groups,
through the command layer (the Telegram front end's side is in test_telegram_groups.py)."""

from __future__ import annotations

import pytest

from bot import texts
from bot.commands import Khabar
from bot.replies import Document
from storage import articles, follows, subscribers
from storage.db import Database
from tests.conftest import ADMIN, READER, Chat, fixture_text

GROUP = -100_123_456_789
MEMBER = 77


class Rights:
    """The front end's answer to "may this sender change the group's settings", counting
    how often the command layer asked (asking Telegram costs a request)."""

    def __init__(self, allowed: bool) -> None:
        self.allowed = allowed
        self.asked = 0

    async def __call__(self) -> bool:
        self.asked += 1
        return self.allowed


def in_group(khabar: Khabar, user_id: int, rights: Rights) -> Chat:
    return Chat(khabar, user_id, "समूह सदस्य", chat_id=GROUP, may_change_settings=rights)


@pytest.mark.parametrize("command", ["/stats", "/move 1 2", "/split 2", "/post नया लेख"])
async def test_a_forwarded_command_is_never_run(admin: Chat, db: Database, command: str) -> None:
    await admin.say("/post " + fixture_text("metro.txt"))
    await admin.say("/post " + fixture_text("monsoon.txt"))
    answer = await admin.say(command, forwarded=True)
    assert answer == texts.FORWARDED_HINT
    assert (await articles.get(db, 1)).story_id == 1  # type: ignore[union-attr]
    assert (await articles.get(db, 2)).story_id == 2  # type: ignore[union-attr]
    assert await articles.count(db) == 2


async def test_a_forwarded_command_in_a_group_is_ignored(khabar: Khabar, db: Database) -> None:
    boss = in_group(khabar, ADMIN, Rights(True))
    await boss.say("/start")
    assert await boss.send("/stop", forwarded=True) == []
    sub = await subscribers.get(db, GROUP)
    assert sub is not None and sub.active


async def test_a_forwarded_article_completes_a_bare_post(admin: Chat, db: Database) -> None:
    """Forwarding a news message after /post is how editors post from channels."""
    assert await admin.say("/post") == texts.POST_WAITING
    assert "#1" in await admin.say(fixture_text("metro.txt"), forwarded=True)
    assert await articles.count(db) == 1


async def test_a_bare_post_in_a_group_waits_only_in_that_group(
    khabar: Khabar, admin: Chat, db: Database
) -> None:
    in_the_group = in_group(khabar, ADMIN, Rights(True))
    member = in_group(khabar, MEMBER, Rights(False))
    assert await in_the_group.say("/post") == texts.POST_WAITING
    # The admin's private chat, and another member's message in the group, are not it.
    assert await admin.say(fixture_text("metro.txt")) == texts.PLAIN_TEXT_HINT
    assert await admin.say("/cancel") == texts.NOTHING_TO_CANCEL
    assert await member.send(fixture_text("monsoon.txt")) == []
    assert await articles.count(db) == 0
    assert "#1" in await in_the_group.say(fixture_text("metro.txt"))
    assert await articles.count(db) == 1


async def test_cancel_drops_only_that_chats_waiting_post(khabar: Khabar, admin: Chat) -> None:
    in_the_group = in_group(khabar, ADMIN, Rights(True))
    await in_the_group.say("/post")
    await admin.say("/post")
    assert await in_the_group.say("/cancel") == texts.POST_CANCELLED
    assert await in_the_group.say("/cancel") == texts.NOTHING_TO_CANCEL
    assert await admin.say("/cancel") == texts.POST_CANCELLED


async def test_a_group_hears_only_commands(khabar: Khabar, reader: Chat) -> None:
    member = in_group(khabar, MEMBER, Rights(False))
    assert await member.send("नमस्ते सबको") == []
    assert await member.send("") == []  # a sticker, a photo, a join
    assert await member.send("", document=Document("a.txt", b"x")) == []
    assert await member.send("/weather") == []  # another bot's command
    assert await reader.say("") == texts.PLAIN_TEXT_HINT  # a sticker in private still gets it
    assert "/digest" in await member.say("/help")


@pytest.mark.parametrize(
    "command", ["/start", "/stop", "/time 08:00", "/tz Asia/Dubai", "/quiet off", "/follow 1"]
)
async def test_only_group_admins_change_the_groups_settings(
    khabar: Khabar, admin: Chat, db: Database, command: str
) -> None:
    await admin.say("/post " + fixture_text("metro.txt"))
    boss = in_group(khabar, 5, Rights(True))
    await boss.say("/start")
    before = await subscribers.get(db, GROUP)
    rights = Rights(False)
    member = in_group(khabar, MEMBER, rights)
    assert await member.say(command) == texts.GROUP_ADMINS_ONLY
    assert rights.asked == 1
    assert await subscribers.get(db, GROUP) == before
    assert await follows.stories_of(db, GROUP) == []


async def test_members_still_read_and_see_the_settings(
    khabar: Khabar, admin: Chat, db: Database
) -> None:
    await admin.say("/post " + fixture_text("metro.txt"))
    boss = in_group(khabar, 5, Rights(True))
    assert "07:00" in await boss.say("/start")
    assert "#1" in await boss.say("/follow 1")
    assert "08:00" in await boss.say("/time 08:00")
    rights = Rights(False)
    member = in_group(khabar, MEMBER, rights)
    assert "08:00" in await member.say("/time")
    assert "Asia/Kolkata" in await member.say("/tz")
    assert "मेट्रो" in await member.say("/digest")
    assert "#1" in await member.say("/following")
    assert rights.asked == 0  # reading never costs a question to Telegram


async def test_a_follow_button_in_a_group_is_for_its_admins(
    khabar: Khabar, admin: Chat, db: Database
) -> None:
    await admin.say("/post " + fixture_text("metro.txt"))
    await in_group(khabar, 5, Rights(True)).say("/start")
    refused = await khabar.handle_callback(MEMBER, GROUP, "f:1", (), Rights(False))
    assert refused.toast == texts.GROUP_ADMINS_ONLY and refused.buttons is None
    assert await follows.stories_of(db, GROUP) == []
    pressed = await khabar.handle_callback(5, GROUP, "f:1", (), Rights(True))
    assert pressed.toast and "#1" in pressed.toast
    shown = await khabar.handle_callback(MEMBER, GROUP, "story:1", (), Rights(False))
    assert shown.replies and "कहानी #1" in shown.replies[0].text


async def test_a_private_chat_is_its_readers_own(reader: Chat, db: Database) -> None:
    assert "07:00" in await reader.say("/start")
    assert "08:00" in await reader.say("/time 08:00")
    sub = await subscribers.get(db, READER)
    assert sub is not None and sub.digest_time == "08:00"
