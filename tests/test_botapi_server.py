"""The fake Bot API must look like Telegram *to PTB*: these tests drive it with a real ``Bot``
and a real ``Application``, so a mismatch shows up here and not as a puzzling bot test."""

from __future__ import annotations

import asyncio
import datetime as dtm
import os
import subprocess
import sys
import time
import warnings
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from tests.support.botapi import FakeBotAPI

TOKEN = "123:ABC"
READER = 42
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client


def retry_seconds(exc: RetryAfter) -> float:
    """PTB 22 gives an int (with a deprecation warning) or, with PTB_TIMEDELTA, a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def test_get_me_answers_as_the_khabar_bot(api: FakeBotAPI, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.first_name, me.username) == (
        123,
        True,
        "Khabar",
        "khabar_test_bot",
    )
    assert me.can_join_groups is True
    assert [c.method for c in api.requests] == ["getMe", "getMe"]  # Bot.initialize() + ours


async def test_send_message_is_recorded_and_parsed_like_telegram(api: FakeBotAPI, bot: Bot) -> None:
    api.add_chat(READER)
    message = await bot.send_message(READER, "<b>आज की</b> ख़बरें &amp; मौसम", parse_mode="HTML")

    assert message.text == "आज की ख़बरें & मौसम"
    assert message.chat.id == READER and message.chat.type == "private"
    assert message.from_user is not None and message.from_user.username == "khabar_test_bot"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bold", 0, 5)]
    [sent] = api.messages_to(READER)
    assert sent.text == "<b>आज की</b> ख़बरें &amp; मौसम"
    assert sent.plain_text == message.text
    assert (sent.parse_mode, sent.method, sent.message_id) == ("HTML", "sendMessage", 1)
    assert api.count_by_chat() == {READER: 1}


@pytest.mark.parametrize(
    ("markup", "detail"),
    [
        ("दाम < 100", 'unsupported start tag "" at byte offset'),
        ("<b>खुला", "can't find end tag corresponding to start tag"),
        ("<b>गलत</i>", "unmatched end tag"),
        ("पंक्ति<br>दो", 'unsupported start tag "br"'),
        ("<span>x</span>", 'tag "span" must have class "tg-spoiler"'),
        ("a&nbsp;b", 'unsupported html entity "&nbsp;"'),
    ],
)
async def test_bad_html_is_refused(api: FakeBotAPI, bot: Bot, markup: str, detail: str) -> None:
    api.add_chat(READER)
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(READER, markup, parse_mode="HTML")
    # PTB strips "Bad Request: " and str.capitalize()s the rest, lowering every other letter.
    assert caught.value.message.startswith("Can't parse entities: ")
    assert detail.lower() in caught.value.message
    assert api.sent == [] and api.faults["bad_request"] == 1


async def test_telegram_keeps_unknown_entities_when_not_strict() -> None:
    async with FakeBotAPI(strict_entities=False) as lax:
        lax.add_chat(READER)
        async with Bot(TOKEN, base_url=lax.base_url) as client:
            message = await client.send_message(READER, "a&nbsp;b &#2325;", parse_mode="HTML")
    assert message.text == "a&nbsp;b क"


async def test_text_limit_counts_after_entity_parsing(api: FakeBotAPI, bot: Bot) -> None:
    api.add_chat(READER)
    await bot.send_message(READER, "क" * 4096)
    await bot.send_message(READER, "<b>" + "क" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(READER, "क" * 4097)
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(READER, "&amp;" * 4097, parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"^Message text is empty$"):
        await bot.send_message(READER, "<b> </b>\n", parse_mode="HTML")
    assert len(api.sent) == 2


async def test_callback_data_is_limited_to_64_utf8_bytes(api: FakeBotAPI, bot: Bot) -> None:
    api.add_chat(READER)
    fits = InlineKeyboardMarkup([[InlineKeyboardButton("आगे", callback_data="क" * 21)]])
    await bot.send_message(READER, "ok", reply_markup=fits)  # 63 bytes
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("आगे", callback_data="x" * 65)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(READER, "no", reply_markup=too_long)
    hindi = InlineKeyboardMarkup([[InlineKeyboardButton("आगे", callback_data="क" * 22)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(READER, "no", reply_markup=hindi)  # 22 characters, 66 bytes
    url = InlineKeyboardMarkup([[InlineKeyboardButton("पढ़ें", url="https://example.org/a")]])
    await bot.send_message(READER, "link", reply_markup=url)
    assert api.sent[-1].reply_markup == {
        "inline_keyboard": [[{"text": "पढ़ें", "url": "https://example.org/a"}]]
    }


async def test_unknown_chat_is_not_found(api: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"^Chat not found$"):
        await bot.send_message(999, "hello")
    assert api.faults["chat_not_found"] == 1


async def test_blocked_and_deactivated_users_are_forbidden(api: FakeBotAPI, bot: Bot) -> None:
    api.add_chat(READER)
    api.add_chat(43)
    api.block(READER)
    api.deactivate(43)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(READER, "hello")
    with pytest.raises(Forbidden, match="user is deactivated"):
        await bot.send_chat_action(43, "typing")
    api.unblock(READER)
    await bot.send_message(READER, "welcome back")
    assert api.faults["blocked"] == 1 and api.faults["deactivated"] == 1


# PTB 22 emits PTBDeprecationWarning inside RetryAfter.__init__ unless PTB_TIMEDELTA is set.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_injected_429_raises_retry_after(api: FakeBotAPI, bot: Bot) -> None:
    api.add_chat(READER)
    api.fail_next(1, status=429, retry_after=1)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(READER, "first")
    assert retry_seconds(caught.value) == 1
    await bot.send_message(READER, "second")  # only the next one fails
    assert [s.text for s in api.sent] == ["second"]
    assert api.faults["injected_429"] == 1


async def test_server_errors_are_network_errors(api: FakeBotAPI, bot: Bot) -> None:
    api.add_chat(READER)
    api.fail_next(1, status=500)
    with pytest.raises(NetworkError) as internal:
        await bot.send_message(READER, "x")
    assert not isinstance(internal.value, BadRequest)
    assert "Internal Server Error" in internal.value.message
    api.fail_next(1, status=502, method=None, chat_id=READER)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(READER, "x")


async def test_migrated_group_raises_chat_migrated(api: FakeBotAPI, bot: Bot) -> None:
    api.add_chat(-4001)
    api.migrate(-4001, -1001234567890)
    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(-4001, "hello group")
    assert caught.value.new_chat_id == -1001234567890
    message = await bot.send_message(-1001234567890, "hello supergroup")
    assert message.chat.type == "supergroup"


async def test_dropped_connection_is_a_network_error(api: FakeBotAPI, bot: Bot) -> None:
    api.add_chat(READER)
    api.drop_next(1)
    with pytest.raises(NetworkError, match="Server disconnected"):
        await bot.send_message(READER, "lost")
    assert api.calls("sendMessage")[0].params["text"] == "lost"  # it did reach the server
    assert api.sent == [] and api.faults["dropped"] == 1


async def test_slow_answer_times_out(api: FakeBotAPI) -> None:
    api.add_chat(READER)
    async with Bot(TOKEN, base_url=api.base_url, request=HTTPXRequest(read_timeout=0.1)) as slow:
        api.set_delay(0.3)
        with pytest.raises(TimedOut):
            await slow.send_message(READER, "late")


async def test_get_updates_long_polls_and_offset_confirms(api: FakeBotAPI, bot: Bot) -> None:
    assert await bot.get_updates(timeout=0) == ()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await api.wait_for_request("getUpdates", count=2)
    started = time.monotonic()
    pushed = api.push_message(READER, "/start hi", first_name="राधा", language_code="hi")
    updates = await poll
    assert time.monotonic() - started < 1.0  # answered when the update arrived
    [update] = updates
    assert update.update_id == pushed["update_id"]
    message = update.message
    assert message is not None and message.text == "/start hi"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bot_command", 0, 6)]
    assert message.from_user is not None and message.from_user.language_code == "hi"

    assert len(await bot.get_updates(timeout=0)) == 1  # offset 0 confirms nothing
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
    assert api.pending_updates == []


async def test_second_poller_gets_conflict(api: FakeBotAPI, bot: Bot) -> None:
    # A second process polling the same token; one Bot cannot do it (its getUpdates pool is 1).
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await api.wait_for_request("getUpdates", count=1)
    async with Bot(TOKEN, base_url=api.base_url) as other:
        await other.get_updates(timeout=0)
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first
    assert api.faults["conflict"] == 1


async def test_callback_edit_flow(api: FakeBotAPI, bot: Bot) -> None:
    api.add_chat(READER)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("और", callback_data="more:1")]])
    message = await bot.send_message(READER, "पहली ख़बर", reply_markup=keyboard)
    assert message.reply_markup == keyboard

    api.push_callback(READER, "more:1", message.message_id)
    [update] = await bot.get_updates(timeout=0)
    query = update.callback_query
    assert query is not None and query.data == "more:1"
    assert query.message is not None and query.message.message_id == message.message_id
    await bot.answer_callback_query(query.id, text="ठीक")
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query.id)

    await bot.edit_message_text("दूसरी ख़बर", chat_id=READER, message_id=message.message_id)
    [sent] = api.sent
    assert (sent.text, sent.reply_markup, sent.edit_count) == ("दूसरी ख़बर", None, 1)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("दूसरी ख़बर", chat_id=READER, message_id=message.message_id)
    edited = await bot.edit_message_reply_markup(READER, message.message_id, reply_markup=keyboard)
    assert isinstance(edited, object) and sent.reply_markup is not None
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=READER, message_id=99)
    assert api.callback_answers[0]["text"] == "ठीक"


async def test_commands_are_validated_and_stored_per_language(api: FakeBotAPI, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Start")])
    await bot.set_my_commands([BotCommand("start", "शुरू करें")], language_code="hi")
    assert api.commands == {
        "": [{"command": "start", "description": "Start"}],
        "hi": [{"command": "start", "description": "शुरू करें"}],
    }
    [command] = await bot.get_my_commands(language_code="hi")
    assert command.description == "शुरू करें"
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start-Now", "x")])
    with pytest.raises(BadRequest, match="Command description must be non-empty"):
        await bot.set_my_commands([BotCommand("help", " ")])
    await bot.delete_my_commands(language_code="hi")
    assert await bot.get_my_commands(language_code="hi") == ()


async def test_documents_can_be_fetched_with_get_file(api: FakeBotAPI, bot: Bot) -> None:
    content = "शीर्षक,स्रोत\n".encode()
    api.push_message(READER, None, document=("feeds.csv", content, "text/csv"), caption="/import")
    [update] = await bot.get_updates(timeout=0)
    assert update.message is not None and update.message.document is not None
    assert update.message.caption_entities[0].type == "bot_command"
    file = await bot.get_file(update.message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == content
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("nope")
    api.add_chat(READER)
    await bot.send_document(
        READER, content, filename="copy.csv", caption="<i>प्रति</i>", parse_mode="HTML"
    )
    assert api.sent[-1].document is not None and api.sent[-1].plain_text == "प्रति"


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_rate_limits_answer_429_when_the_bot_is_too_fast(api: FakeBotAPI, bot: Bot) -> None:
    api.add_chats([READER, 43, 44, 45])
    api.enforce_limits(per_chat_per_sec=1, per_chat_burst=2, global_per_sec=3)
    await bot.send_message(READER, "1")
    await bot.send_message(READER, "2")
    with pytest.raises(RetryAfter) as per_chat:
        await bot.send_message(READER, "3")
    assert retry_seconds(per_chat.value) >= 1
    await bot.send_message(43, "other chat")
    with pytest.raises(RetryAfter):
        await bot.send_message(44, "over the global budget")
    assert api.faults["rate_limited"] == 2 and len(api.sent) == 3


async def test_unknown_method_is_404(api: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy")
    assert api.faults["not_found"] == 1


async def test_application_answers_start_over_long_polling(api: FakeBotAPI) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_user is not None
        await update.effective_message.reply_text(f"नमस्ते {update.effective_user.first_name}")

    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        api.push_message(READER, "/start", first_name="राधा")
        [reply] = await api.wait_for(1, timeout=5)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()

    assert (reply.chat_id, reply.text) == (READER, "नमस्ते राधा")
    methods = [c.method for c in api.requests]
    assert methods[:3] == ["getMe", "deleteWebhook", "getUpdates"]
    assert methods[-1] == "getUpdates"  # PTB's shutdown poll confirms what it fetched
    assert api.pending_updates == []
    assert api.faults["conflict"] == 0


async def test_control_endpoint_lets_another_process_steer() -> None:
    async with FakeBotAPI(control=True) as server, httpx.AsyncClient() as client:
        control = server.control_url
        assert (await client.post(f"{control}/add_chat", json={"chat_id": READER})).is_success
        await client.post(f"{control}/block", json={"chat_id": READER})
        await client.post(f"{control}/push_message", json={"user_id": 7, "text": "/start"})
        answer = await client.post(
            f"{server.base_url}{TOKEN}/sendMessage", data={"chat_id": 7, "text": "hi"}
        )
        assert answer.json()["result"]["text"] == "hi"
        blocked = await client.post(
            f"{server.base_url}{TOKEN}/sendMessage", json={"chat_id": READER, "text": "x"}
        )
        assert blocked.status_code == 403
        state = (await client.get(f"{control}/sent")).json()
        assert state["count_by_chat"] == {"7": 1} and state["faults"] == {"blocked": 1}
        assert state["pending_updates"] == 1


def test_standalone_process_prints_its_base_url() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with subprocess.Popen(
        [sys.executable, "-m", "tests.support.botapi", "--port", "0", "--chats", "5"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            base_url = process.stdout.readline().strip()
            assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/bot")
            sent = httpx.post(f"{base_url}{TOKEN}/sendMessage", data={"chat_id": 5, "text": "hi"})
            assert sent.json()["ok"] is True
            control = base_url.removesuffix("/bot") + "/_control/sent"
            assert httpx.get(control).json()["count"] == 1
        finally:
            process.terminate()
            assert process.wait(timeout=5) == 0
