"""The real python-telegram-bot application over HTTP against a local Bot API server."""

from __future__ import annotations

import asyncio
import copy
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot import texts
from bot.clock import ManualClock
from storage import subscribers
from tests.conftest import ADMIN, READER, fixture_text
from tests.support.botapi import FakeBotAPI
from tests.support.botrun import LiveBot, fast_settings

TOKEN = "123456:TEST-token-that-must-not-leak"


@dataclass
class Running:
    api: FakeBotAPI
    clock: ManualClock
    app: Any

    async def ask(self, user: int, text: str, **extra: Any) -> str:
        """Send a message as `user` and return the text of the bot's next reply."""
        before = len(self.api.messages_to(user))
        self.api.push_message(user, text, first_name="राधा", **extra)
        sent = await self.api.wait_for(lambda s: len([m for m in s if m.chat_id == user]) > before)
        return [m for m in sent if m.chat_id == user][before].plain_text or ""


@pytest.fixture
async def running(tmp_path: Path, clock: ManualClock) -> AsyncIterator[Running]:
    async with FakeBotAPI() as api:
        settings = fast_settings(tmp_path / "khabar.db", api, token=TOKEN, tick_seconds=0.1)
        async with LiveBot(settings, clock) as bot:
            yield Running(api, clock, bot.app)


async def test_menu_is_registered_in_hindi_with_editor_commands_for_admins_only(
    running: Running,
) -> None:
    await running.api.wait_for_request("setMyCommands", count=3)
    menu = running.api.commands
    names = [c["command"] for c in menu["hi"]]
    assert names == [name for name, _d, admin_only in texts.COMMANDS if not admin_only]
    assert "post" not in names and "help" in names
    assert menu[""] == menu["hi"]
    editors = running.api.commands_by_scope[(f"chat:{ADMIN}", "")]
    assert [c["command"] for c in editors] == [name for name, _d, _a in texts.COMMANDS]


async def test_reader_and_editor_end_to_end(running: Running) -> None:
    welcome = await running.ask(READER, "/start")
    assert "07:00" in welcome and "Asia/Kolkata" in welcome
    posted = await running.ask(ADMIN, "/post " + fixture_text("metro.txt"))
    assert "#1" in posted
    refused = await running.ask(READER, "/post " + fixture_text("monsoon.txt"))
    assert refused == texts.NOT_ADMIN
    digest = await running.ask(READER, "/digest")
    assert "मेट्रो" in digest and "#1" in digest
    usage = await running.ask(READER, "/time 25:99")
    assert "24 घंटे" in usage
    assert "Mars/Base" not in await running.ask(READER, "/tz Mars/Base")


async def test_document_post_and_story_button(running: Running) -> None:
    running.api.push_message(
        ADMIN,
        None,
        document=("page.html", fixture_text("page.html").encode(), "text/html"),
        caption="/post",
    )
    sent = await running.api.wait_for(1)
    assert "#1" in (sent[-1].plain_text or "")
    await running.ask(READER, "/stories")
    listing = running.api.messages_to(READER)[-1]
    assert listing.reply_markup is not None
    button = listing.reply_markup["inline_keyboard"][0][0]
    assert button["callback_data"] == "story:1"
    running.api.push_callback(READER, "story:1", listing.message_id)
    await running.api.wait_for_request("answerCallbackQuery")
    shown = await running.api.wait_for(lambda s: len([m for m in s if m.chat_id == READER]) == 2)
    assert "कहानी #1" in (shown[-1].plain_text or "")


async def test_morning_digest_arrives_when_the_clock_reaches_the_time(running: Running) -> None:
    await running.ask(READER, "/start")
    await running.ask(ADMIN, "/post " + fixture_text("metro.txt"))
    await running.ask(READER, "/time 10:31")  # the clock shows 10:30 in Kolkata
    other = 43
    await running.ask(other, "/start")  # subscribed at 07:00: not due now
    await asyncio.sleep(0.4)  # several ticks pass before the time
    assert len(running.api.messages_to(READER)) == 2  # welcome and the /time answer
    running.clock.advance(timedelta(minutes=1, seconds=1))
    sent = await running.api.wait_for(lambda s: len([m for m in s if m.chat_id == READER]) == 3)
    digest = [m for m in sent if m.chat_id == READER][-1]
    assert "मेट्रो" in (digest.plain_text or "") and digest.parse_mode == "HTML"
    await asyncio.sleep(0.4)
    assert len(running.api.messages_to(READER)) == 3  # the digest, exactly once
    assert len(running.api.messages_to(other)) == 1  # only the welcome


async def test_blocked_reader_is_marked_inactive(running: Running) -> None:
    await running.ask(READER, "/start")
    await running.ask(ADMIN, "/post " + fixture_text("metro.txt"))
    await running.ask(READER, "/time 10:31")
    running.api.block(READER)
    running.clock.advance(timedelta(minutes=2))
    await running.api.wait_for_request("sendMessage", count=4)
    db = running.app.bot_data.db
    for _ in range(100):
        sub = await subscribers.get(db, READER)
        if sub is not None and not sub.active:
            break
        await asyncio.sleep(0.05)
    assert sub is not None and not sub.active
    assert "1 निष्क्रिय" in await running.ask(ADMIN, "/stats")


async def test_khabar_run_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        env = dict(os.environ)
        env.update(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=api.base_url,
            KHABAR_DB=str(tmp_path / "run.db"),
            KHABAR_ADMINS=str(ADMIN),
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "-v",
            "run",
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            api.push_message(READER, "/start")
            sent = await api.wait_for(1, timeout=30)
            assert "07:00" in (sent[0].plain_text or "")
        finally:
            proc.send_signal(signal.SIGTERM)
            output, _ = await asyncio.wait_for(proc.communicate(), timeout=30)
        assert proc.returncode == 0, output.decode()
        assert TOKEN not in output.decode()
        assert "<token>" in output.decode()  # debug logging did try to print it
        assert TOKEN.split(":")[1] not in output.decode()


async def test_follow_button_toggles_and_update_reaches_the_follower(running: Running) -> None:
    await running.ask(READER, "/start")
    await running.ask(43, "/start")
    await running.ask(ADMIN, "/post " + fixture_text("metro.txt"))
    await running.ask(READER, "/digest")
    digest = running.api.messages_to(READER)[-1]
    assert digest.reply_markup is not None
    assert digest.reply_markup["inline_keyboard"][0][0]["callback_data"] == "f:1"
    running.api.push_callback(READER, "f:1", digest.message_id)
    await running.api.wait_for_request("editMessageReplyMarkup")
    edited = running.api.messages_to(READER)[-1]
    assert edited.reply_markup is not None
    assert edited.reply_markup["inline_keyboard"][0][0]["callback_data"] == "u:1"
    answers = await running.api.wait_for_request("answerCallbackQuery")
    assert "फॉलो" in answers[-1].params.get("text", "")
    before = len(running.api.messages_to(READER))
    posted = await running.ask(ADMIN, "/post " + fixture_text("metro_opened.txt"))
    assert "#1" in posted
    sent = await running.api.wait_for(lambda s: len([m for m in s if m.chat_id == READER]) > before)
    update = [m for m in sent if m.chat_id == READER][-1]
    assert "कहानी #1 में नया" in (update.plain_text or "") and "52 हज़ार" in (update.plain_text or "")
    await asyncio.sleep(0.3)
    assert len(running.api.messages_to(43)) == 1  # the non-follower: only its welcome


async def test_a_double_tap_on_follow_is_not_an_error(running: Running) -> None:
    await running.ask(READER, "/start")
    await running.ask(ADMIN, "/post " + fixture_text("metro.txt"))
    await running.ask(READER, "/stories")
    listing = running.api.messages_to(READER)[-1]
    shown = copy.deepcopy(listing.reply_markup)
    running.api.push_callback(READER, "f:1", listing.message_id)
    await running.api.wait_for_request("editMessageReplyMarkup")
    before = len(running.api.messages_to(READER))
    # The second tap arrives with the keyboard as the reader saw it before the first.
    listing.message["reply_markup"] = shown
    running.api.push_callback(READER, "f:1", listing.message_id)
    await running.api.wait_for_request("answerCallbackQuery", count=2)
    await asyncio.sleep(0.2)
    assert running.api.faults["not_modified"] == 1  # Telegram refused the same keyboard
    assert len(running.api.messages_to(READER)) == before  # and the reader saw no error


async def test_commands_for_another_bot_are_ignored(running: Running) -> None:
    await running.ask(READER, "/start")
    running.api.push_message(READER, "/stop@SomeOtherBot")
    assert "07:00" in await running.ask(READER, "/time@khabar_test_bot")
    assert len(running.api.messages_to(READER)) == 2  # nothing answered the other bot's /stop


@pytest.mark.parametrize("failures", [1, 2])
async def test_a_failed_readers_menu_does_not_stop_the_bot(
    tmp_path: Path, clock: ManualClock, caplog: pytest.LogCaptureFixture, failures: int
) -> None:
    """One 502 on setMyCommands must not end `khabar run` (exit 2): the menu is a nicety,
    so the bot starts, says which menu it could not set, and answers readers."""
    async with FakeBotAPI() as api:
        api.fail_next(count=failures, status=502, method="setMyCommands")
        settings = fast_settings(tmp_path / "khabar.db", api, token=TOKEN, tick_seconds=0.1)
        async with LiveBot(settings, clock):
            api.push_message(READER, "/start")
            sent = await api.wait_for(1)
            assert "07:00" in (sent[0].plain_text or "")
            calls = api.calls("setMyCommands")
            assert len(calls) == 3  # both readers' menus and the admin's were still tried
            assert api.faults["injected_502"] == failures
            # The menus after the failed ones were still set.
            assert (f"chat:{ADMIN}", "") in api.commands_by_scope
            if failures == 1:
                assert "hi" in api.commands
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert sum("readers' menu" in w for w in warnings) == failures, warnings
    assert not any("<html" in w for w in warnings), warnings  # the proxy's page stays out


async def test_a_removed_admin_gets_the_readers_menu_back(
    tmp_path: Path, clock: ManualClock
) -> None:
    """Telegram keeps a chat's menu until it is deleted: an editor taken out of
    KHABAR_ADMINS must lose /post from it, not see it for ever and be refused on using it."""
    former = 777
    db_path = tmp_path / "khabar.db"
    async with FakeBotAPI() as api:
        both = fast_settings(db_path, api, token=TOKEN, admins=frozenset({ADMIN, former}))
        async with LiveBot(both, clock):
            await api.wait_for_request("setMyCommands", count=4)
        assert (f"chat:{former}", "") in api.commands_by_scope
        async with LiveBot(both.with_(admins=frozenset({ADMIN})), clock):
            await api.wait_for_request("deleteMyCommands")
        assert (f"chat:{former}", "") not in api.commands_by_scope
        assert (f"chat:{ADMIN}", "") in api.commands_by_scope
        deletes = len(api.calls("deleteMyCommands"))
        async with LiveBot(both.with_(admins=frozenset({ADMIN})), clock):
            await api.wait_for_request("setMyCommands", count=10)
        assert len(api.calls("deleteMyCommands")) == deletes  # taken back once, not each start


async def test_taking_a_menu_back_is_retried_until_telegram_answers(
    tmp_path: Path, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A 502 on deleteMyCommands keeps the chat on the list for the next start; "chat not
    found" (nothing left to take back) clears it."""
    db_path = tmp_path / "khabar.db"
    async with FakeBotAPI() as api:
        both = fast_settings(db_path, api, token=TOKEN, admins=frozenset({ADMIN, 777, 888}))
        async with LiveBot(both, clock):
            await api.wait_for_request("setMyCommands", count=5)
        api.fail_next(count=2, status=502, method="deleteMyCommands")
        alone = both.with_(admins=frozenset({ADMIN}))
        async with LiveBot(alone, clock):
            await api.wait_for_request("deleteMyCommands", count=2)
        assert ("chat:777", "") in api.commands_by_scope  # still there: Telegram failed
        api.fail_next(
            count=1,
            status=400,
            method="deleteMyCommands",
            chat_id=None,
            description="Bad Request: chat not found",
        )
        async with LiveBot(alone, clock):
            await api.wait_for_request("deleteMyCommands", count=4)
        async with LiveBot(alone, clock):
            await api.wait_for_request("setMyCommands", count=11)
        assert len(api.calls("deleteMyCommands")) == 4  # both chats forgotten after start 3
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert sum("could not take the editors' menu back" in w for w in warnings) == 2, warnings
    assert not any("<html" in w for w in warnings), warnings


async def test_move_into_a_followed_story_reaches_its_follower(running: Running) -> None:
    await running.ask(READER, "/start")
    await running.ask(ADMIN, "/post " + fixture_text("metro.txt"))  # story 1
    assert "नई कहानी #2" in await running.ask(ADMIN, "/post " + fixture_text("monsoon.txt"))
    assert "फॉलो कर रहे हैं" in await running.ask(READER, "/follow 1")
    before = len(running.api.messages_to(READER))
    moved = await running.ask(ADMIN, "/move 2 1")
    assert "कहानी #1" in moved and "फॉलोअर: 1 को अभी अपडेट" in moved
    sent = await running.api.wait_for(lambda s: len([m for m in s if m.chat_id == READER]) > before)
    update = [m for m in sent if m.chat_id == READER][-1]
    assert "कहानी #1 में नया" in (update.plain_text or "")
    assert "106 प्रतिशत" in (update.plain_text or "")
