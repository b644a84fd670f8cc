"""Groups, forwarded and service messages through the real python-telegram-bot app over
HTTP against the local Bot API server (group admins come from its getChatMember)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot import texts
from bot.clock import ManualClock
from storage import articles, follows, subscribers
from tests.conftest import ADMIN, fixture_text
from tests.support.botapi import MEMBER_STATUSES, FakeBotAPI, photo, sticker
from tests.support.botrun import LiveBot, fast_settings

GROUP = -1_001_234_567_890  # a supergroup
BOSS = 5  # the group's administrator (not an editor of Khabar)
MEMBER = 77
ANONYMOUS_ADMIN = 1087968824  # @GroupAnonymousBot, as Telegram sends it
HELP = "ख़बर के कमांड"  # how /help's answer begins


@dataclass
class Running:
    api: FakeBotAPI
    app: Any

    async def reply(self, chat_id: int, push: Callable[[], object]) -> str:
        """Do `push` and return the text of the bot's next message to `chat_id`."""
        before = len(self.api.messages_to(chat_id))
        push()
        sent = await self.api.wait_for(
            lambda s: len([m for m in s if m.chat_id == chat_id]) > before
        )
        return [m for m in sent if m.chat_id == chat_id][before].plain_text or ""

    async def ask(self, user: int, text: str, *, chat_id: int | None = None, **extra: Any) -> str:
        chat = user if chat_id is None else chat_id
        return await self.reply(
            chat, lambda: self.api.push_message(user, text, chat_id=chat, **extra)
        )

    def count(self, chat_id: int) -> int:
        return len(self.api.messages_to(chat_id))

    async def only_help_answered_since(self, count: int, chat_id: int, user: int = BOSS) -> None:
        """Send /help, wait for its answer, and check that the chat got nothing else since
        it had `count` messages: updates are handled in order, so whatever came before /help
        and got no answer by then was ignored."""
        self.api.push_message(user, "/help", chat_id=chat_id)

        def answered(sent: list[Any]) -> bool:
            mine = [m for m in sent if m.chat_id == chat_id][count:]
            return any((m.plain_text or "").startswith(HELP) for m in mine)

        await self.api.wait_for(answered)
        assert [m.plain_text for m in self.api.messages_to(chat_id)][count:][0].startswith(HELP)
        assert self.count(chat_id) == count + 1

    @property
    def db(self) -> Any:
        return self.app.bot_data.db


@pytest.fixture
async def running(tmp_path: Path, clock: ManualClock) -> AsyncIterator[Running]:
    async with FakeBotAPI() as api:
        api.add_chat(GROUP, title="ख़बर समूह")
        api.set_member_status(GROUP, BOSS, "administrator")
        settings = fast_settings(tmp_path / "khabar.db", api, tick_seconds=0.1)
        async with LiveBot(settings, clock) as bot:
            yield Running(api, bot.app)


async def test_a_forwarded_command_is_not_run(running: Running) -> None:
    """A forwarded /stats or /move ran with the forwarder's (an editor's) rights."""
    api = running.api
    await running.ask(ADMIN, "/post " + fixture_text("metro.txt"))
    await running.ask(ADMIN, "/post " + fixture_text("monsoon.txt"))
    stranger = api.user_origin(999, "अनजान")
    assert await running.ask(ADMIN, "/stats", forward_origin=stranger) == texts.FORWARDED_HINT
    assert await running.ask(ADMIN, "/move 2 1", forward_origin=stranger) == texts.FORWARDED_HINT
    moved = await articles.get(running.db, 2)
    assert moved is not None and moved.story_id == 2
    # In a group a forwarded command is not even answered.
    await running.ask(BOSS, "/start", chat_id=GROUP)
    count = running.count(GROUP)
    api.push_message(BOSS, "/stop", chat_id=GROUP, forward_origin=stranger)
    await running.only_help_answered_since(count, GROUP)
    sub = await subscribers.get(running.db, GROUP)
    assert sub is not None and sub.active


async def test_a_bare_post_in_a_group_waits_for_that_group(running: Running) -> None:
    """A bare /post in a group took the editor's next private message as the article."""
    api = running.api
    assert await running.ask(ADMIN, "/post", chat_id=GROUP) == texts.POST_WAITING
    assert await running.ask(ADMIN, fixture_text("metro.txt")) == texts.PLAIN_TEXT_HINT
    api.push_message(MEMBER, fixture_text("monsoon.txt"), chat_id=GROUP)  # not the editor
    saved = await running.ask(ADMIN, fixture_text("metro.txt"), chat_id=GROUP)
    assert saved.startswith("✅") and "#1" in saved and "मेट्रो" in saved
    assert running.count(GROUP) == 2  # waiting, saved: the member got no answer
    assert await articles.count(running.db) == 1


async def test_joins_pins_stickers_and_chatter_in_a_group_get_no_answer(
    running: Running,
) -> None:
    api = running.api
    await running.ask(BOSS, "/help", chat_id=GROUP)  # a message there for the pin
    count = running.count(GROUP)
    for kind in ("new_chat_members", "left_chat_member", "new_chat_title", "pinned_message"):
        api.push_service(GROUP, MEMBER, kind)
    api.push_message(MEMBER, None, chat_id=GROUP, fields=sticker())
    api.push_message(MEMBER, None, chat_id=GROUP, fields=photo("हमारी तस्वीर"))
    api.push_message(MEMBER, "सुप्रभात सबको", chat_id=GROUP)
    api.push_message(MEMBER, "/weather", chat_id=GROUP)  # another bot's command
    await running.only_help_answered_since(count, GROUP)
    # In a private chat a sticker still gets the pointer to /help; a pin gets nothing.
    hint = await running.reply(MEMBER, lambda: api.push_message(MEMBER, None, fields=sticker()))
    assert hint == texts.PLAIN_TEXT_HINT
    count = running.count(MEMBER)
    api.push_service(MEMBER, MEMBER, "pinned_message")
    await running.only_help_answered_since(count, MEMBER, MEMBER)


@pytest.mark.parametrize("status", MEMBER_STATUSES)
async def test_only_the_groups_admins_change_its_settings(running: Running, status: str) -> None:
    """Any member could /stop or /time the whole group."""
    api = running.api
    await running.ask(BOSS, "/start", chat_id=GROUP)
    api.set_member_status(GROUP, MEMBER, status)
    answer = await running.ask(MEMBER, "/time 08:00", chat_id=GROUP)
    sub = await subscribers.get(running.db, GROUP)
    assert sub is not None
    if status in ("creator", "administrator"):
        assert "08:00" in answer and sub.digest_time == "08:00"
    else:
        assert answer == texts.GROUP_ADMINS_ONLY and sub.digest_time == "07:00"
    asked = [c.params for c in api.calls("getChatMember")]
    assert {int(p["user_id"]) for p in asked} == {BOSS, MEMBER}


async def test_members_read_without_asking_telegram(running: Running) -> None:
    api = running.api
    await running.ask(BOSS, "/start", chat_id=GROUP)
    calls = len(api.calls("getChatMember"))
    assert "07:00" in await running.ask(MEMBER, "/time", chat_id=GROUP)
    assert await running.ask(MEMBER, "/stop", chat_id=GROUP) == texts.GROUP_ADMINS_ONLY
    assert len(api.calls("getChatMember")) == calls + 1  # only for /stop
    assert await running.ask(MEMBER, "/start", chat_id=GROUP) == texts.GROUP_ADMINS_ONLY


async def test_an_anonymous_admin_is_the_groups_admin_but_a_channel_is_not(
    running: Running,
) -> None:
    api = running.api
    await running.ask(BOSS, "/start", chat_id=GROUP)
    as_channel = await running.ask(MEMBER, "/stop", chat_id=GROUP, sender_chat_id=-1_009_999)
    assert as_channel == texts.GROUP_ADMINS_ONLY
    stopped = await running.ask(ANONYMOUS_ADMIN, "/stop", chat_id=GROUP, sender_chat_id=GROUP)
    assert stopped == texts.STOPPED
    sub = await subscribers.get(running.db, GROUP)
    assert sub is not None and not sub.active
    asked = {int(c.params["user_id"]) for c in api.calls("getChatMember")}
    assert asked == {BOSS}  # neither sender on behalf of a chat was looked up


async def test_a_follow_button_in_a_group_is_for_its_admins(running: Running) -> None:
    api = running.api
    await running.ask(ADMIN, "/post " + fixture_text("metro.txt"))
    await running.ask(BOSS, "/start", chat_id=GROUP)
    await running.ask(MEMBER, "/digest", chat_id=GROUP)
    digest = api.messages_to(GROUP)[-1]
    assert digest.reply_markup is not None
    assert digest.reply_markup["inline_keyboard"][0][0]["callback_data"] == "f:1"
    api.push_callback(MEMBER, "f:1", digest.message_id, chat_id=GROUP)
    answers = await api.wait_for_request("answerCallbackQuery")
    assert answers[-1].params.get("text") == texts.GROUP_ADMINS_ONLY
    assert await follows.stories_of(running.db, GROUP) == []
    api.push_callback(BOSS, "f:1", digest.message_id, chat_id=GROUP)
    await api.wait_for_request("editMessageReplyMarkup")
    assert await follows.stories_of(running.db, GROUP) == [1]


async def test_a_failed_admin_check_refuses_and_logs_one_line(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    api = running.api
    await running.ask(BOSS, "/start", chat_id=GROUP)
    api.fail_next(count=1, status=502, method="getChatMember", chat_id=None)
    with caplog.at_level(logging.WARNING):
        answer = await running.ask(BOSS, "/stop", chat_id=GROUP)
    assert answer == texts.GROUP_ADMINS_ONLY
    sub = await subscribers.get(running.db, GROUP)
    assert sub is not None and sub.active
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("administers chat" in w for w in warnings), warnings
    assert not any(r.exc_info for r in caplog.records if r.levelname == "ERROR")


async def test_anonymous_admins_of_different_groups_do_not_wait_for_each_other(
    running: Running,
) -> None:
    """Every anonymous admin writes "from" the same service account: two groups' updates
    are still two conversations, handled side by side."""
    other = -1_009_876_543_210
    running.api.add_chat(other, title="दूसरा समूह")
    running.api.set_delay(1.0, method="sendMessage")
    for group in (GROUP, other):
        running.api.push_message(ANONYMOUS_ADMIN, "/help", chat_id=group, sender_chat_id=group)
    await running.api.wait_for(lambda s: {m.chat_id for m in s} >= {GROUP, other})
    arrived = {int(c.params["chat_id"]): c.at for c in running.api.calls("sendMessage")}
    answered = {m.chat_id: m.at for m in running.api.sent}
    first, second = sorted((GROUP, other), key=arrived.__getitem__)
    assert arrived[second] < answered[first]  # the second reply went out while the first waited
