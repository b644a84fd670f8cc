"""The outbox's HTTP layer: AiohttpRequest against the fake Bot API (bodies, every failure
as PTB's exception, timeouts, dropped connections, proxies, uploads), and how the transport
and the settings choose between it and PTB's HTTPXRequest."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.request import HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.config import ConfigError, Settings
from bot.outbox.transport import RateLimited, RecipientGone, Transient
from bot.replies import Reply
from bot.telegram.http import AiohttpRequest, _proxy_configured, scrub
from bot.telegram.transport import TelegramTransport, translate_error
from tests.support.botapi import FakeBotAPI

_PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY")


def data(**kwargs: object) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in kwargs.items()])


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        server.add_chats([5, 6])
        yield server


@pytest.fixture
async def request_() -> AsyncIterator[AiohttpRequest]:
    request = AiohttpRequest(4)
    yield request
    await request.shutdown()


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def _url(api: FakeBotAPI, method: str = "sendMessage") -> str:
    return f"{api.base_url}123:x/{method}"


async def test_a_message_goes_as_json_and_comes_back_parsed(
    api: FakeBotAPI, request_: AiohttpRequest
) -> None:
    result = await request_.post(
        _url(api),
        data(
            chat_id=5,
            text="<b>नमस्ते</b> 🙂",
            parse_mode="HTML",
            reply_markup={"inline_keyboard": [[{"text": "🔔", "callback_data": "f:1"}]]},
        ),
    )
    assert isinstance(result, dict) and result["text"] == "नमस्ते 🙂"
    params = api.calls("sendMessage")[0].params
    assert params["chat_id"] == 5  # a JSON number: the body was JSON, not a form
    assert params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "f:1"
    assert len(api.messages_to(5)) == 1


# PTB's own RetryAfter.__init__ reads its deprecated int-valued retry_after.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_error_answers_are_ptbs_exceptions(api: FakeBotAPI, request_: AiohttpRequest) -> None:
    url = _url(api)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await request_.post(url, data(chat_id=7, text="x"))
    api.fail_next(1, status=400, description="Bad Request: can't parse entities")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await request_.post(url, data(chat_id=5, text="x"))
    api.block(6)
    with pytest.raises(Forbidden, match="blocked"):
        await request_.post(url, data(chat_id=6, text="x"))
    api.fail_next(1, status=429, retry_after=3)
    with pytest.raises(RetryAfter) as rate_limited:
        await request_.post(url, data(chat_id=5, text="x"))
    mapped = translate_error(rate_limited.value)  # reads retry_after without PTB's warning
    assert isinstance(mapped, RateLimited) and mapped.retry_after == 3
    api.fail_next(1, status=500)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await request_.post(url, data(chat_id=5, text="x"))
    api.fail_next(1, status=502)  # nginx's HTML page, not JSON
    with pytest.raises(NetworkError, match="Bad Gateway") as bad_gateway:
        await request_.post(url, data(chat_id=5, text="x"))
    stored = str(translate_error(bad_gateway.value))  # what deliveries.last_error keeps
    assert stored == "Bad Gateway (502)", stored  # the page itself stays out
    api.migrate(5, -1005)
    with pytest.raises(ChatMigrated) as moved:
        await request_.post(url, data(chat_id=5, text="x"))
    assert moved.value.new_chat_id == -1005
    assert await request_.post(url, data(chat_id=-1005, text="फिर")) is not None
    assert not api.messages_to(7) and not api.messages_to(6)


async def test_a_dropped_connection_is_a_network_error_and_the_next_request_works(
    api: FakeBotAPI, request_: AiohttpRequest
) -> None:
    url = _url(api)
    assert await request_.post(url, data(chat_id=5, text="एक"))  # a kept-alive connection
    api.drop_next(1)
    with pytest.raises(NetworkError) as dropped:
        await request_.post(url, data(chat_id=5, text="दो"))
    assert not isinstance(dropped.value, TimedOut)
    assert await request_.post(url, data(chat_id=5, text="तीन"))
    assert [m.text for m in api.messages_to(5)] == ["एक", "तीन"]  # the dropped one was not acted on
    assert api.faults["dropped"] == 1


async def test_slow_answers_time_out_and_a_closed_port_is_a_network_error(
    api: FakeBotAPI,
) -> None:
    request = AiohttpRequest(1, read_timeout=0.2)
    try:
        api.set_delay(1.0)
        with pytest.raises(TimedOut):
            await request.post(_url(api), data(chat_id=5, text="x"))
        # A per-call timeout wins over the default, as with HTTPXRequest.
        assert await request.post(_url(api), data(chat_id=5, text="x"), read_timeout=3)
        api.set_delay(0)
        with pytest.raises(NetworkError) as refused:
            await request.post("http://127.0.0.1:9/bot123:x/sendMessage")  # discard: refused
        assert not isinstance(refused.value, TimedOut)
    finally:
        await request.shutdown()


async def test_a_full_pool_times_out_instead_of_waiting_for_ever(api: FakeBotAPI) -> None:
    request = AiohttpRequest(1, pool_timeout=0.1, connect_timeout=0.1)
    try:
        api.set_delay(1.0)
        slow = asyncio.create_task(request.post(_url(api), data(chat_id=5, text="x")))
        await asyncio.sleep(0.1)  # the only connection is now busy
        with pytest.raises(TimedOut):
            await request.post(_url(api), data(chat_id=6, text="y"))
        assert await slow
    finally:
        await request.shutdown()


async def test_uploads_are_multipart_like_httpx(api: FakeBotAPI) -> None:
    request, updates = AiohttpRequest(2), AiohttpRequest(1)
    bot = Bot("123:x", base_url=api.base_url, request=request, get_updates_request=updates)
    try:
        await bot.send_document(5, b"<html>khabar</html>", filename="a.html", caption="नमस्ते")
    finally:
        await request.shutdown()
        await updates.shutdown()
    params = api.calls("sendDocument")[0].params
    assert params["caption"] == "नमस्ते"
    assert params["document"].content == b"<html>khabar</html>"
    assert params["document"].filename == "a.html"


async def test_an_environment_proxy_is_used(
    api: FakeBotAPI, no_proxy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fake server doubles as an HTTP proxy: a request for a host that does not exist
    reaches it only through HTTP_PROXY."""
    assert not _proxy_configured()
    proxy = api.base_url.removesuffix("/bot")
    monkeypatch.setenv("HTTP_PROXY", proxy)
    assert _proxy_configured()
    request = AiohttpRequest(1)
    try:
        assert await request.post(
            "http://api.telegram.invalid/bot123:x/sendMessage", data(chat_id=5, text="x")
        )
    finally:
        await request.shutdown()
    assert len(api.messages_to(5)) == 1
    monkeypatch.setenv("NO_PROXY", "*")
    assert _proxy_configured()  # aiohttp itself applies NO_PROXY per host


@pytest.mark.parametrize("library", ["aiohttp", "httpx"])
async def test_transport_sends_with_its_own_bot_and_chosen_library(
    api: FakeBotAPI, tmp_path: Path, library: str
) -> None:
    settings = Settings(
        db_path=tmp_path / "k.db", token="123:x", api_base_url=api.base_url, outbox_http=library
    )
    transport = TelegramTransport.for_settings(None, settings)
    expected = AiohttpRequest if library == "aiohttp" else HTTPXRequest
    assert isinstance(transport.bot.request, expected)
    try:
        await transport.send(5, Reply("<b>सुबह</b> की खबरें"))
        api.block(6)
        with pytest.raises(RecipientGone):
            await transport.send(6, Reply("x"))
        api.fail_next(1, status=500)
        with pytest.raises(Transient):
            await transport.send(5, Reply("x"))
    finally:
        await transport.close()
    assert [m.plain_text for m in api.messages_to(5)] == ["सुबह की खबरें"]  # parsed as HTML


def test_outbox_settings_from_the_environment(tmp_path: Path) -> None:
    env = {
        "KHABAR_DB": str(tmp_path / "k.db"),
        "KHABAR_SEND_RATE": "900",
        "KHABAR_SEND_CONCURRENCY": "32",
        "KHABAR_PAID_BROADCAST": "yes",
        "KHABAR_OUTBOX_HTTP": " HTTPX ",
        "KHABAR_RETRY_BASE_SECONDS": "0.5",
    }
    settings = Settings.from_env(env)
    assert (settings.send_rate, settings.send_concurrency, settings.retry_base) == (900, 32, 0.5)
    assert settings.paid_broadcast and settings.outbox_http == "httpx"
    defaults = Settings.from_env({"KHABAR_DB": str(tmp_path / "k.db")})
    assert (defaults.send_concurrency, defaults.paid_broadcast, defaults.outbox_http) == (
        8,
        False,
        "aiohttp",
    )
    with pytest.raises(ConfigError, match="KHABAR_OUTBOX_HTTP"):
        Settings.from_env({**env, "KHABAR_OUTBOX_HTTP": "urllib"})


SECRET_TOKEN = "123456:SECRET-must-not-reach-the-database"


@pytest.fixture
async def redirect_loop() -> AsyncIterator[str]:
    """A loopback server that redirects every request to itself, as a misconfigured proxy
    in front of a self-hosted Bot API might: aiohttp's TooManyRedirects quotes the URL."""

    async def again(request: web.Request) -> web.Response:
        raise web.HTTPFound(str(request.url))

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", again)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/bot"
    await runner.cleanup()


async def test_transport_errors_never_carry_the_token(
    redirect_loop: str, tmp_path: Path, no_proxy: None
) -> None:
    """The outbox stores str(error) in deliveries.last_error: a redirect loop or an invalid
    URL (errors whose aiohttp text includes the request URL) must leave the token out."""
    errors: list[str] = []
    for base in (redirect_loop, "http://127.0.0.1:99999/bot"):  # 99999: not a valid port
        settings = Settings(db_path=tmp_path / "k.db", token=SECRET_TOKEN, api_base_url=base)
        transport = TelegramTransport.for_settings(None, settings)
        try:
            with pytest.raises(Transient) as caught:
                await transport.send(5, Reply("x"))
        finally:
            await transport.close()
        errors.append(str(caught.value))
    redirects, invalid = errors
    assert "TooManyRedirects" in redirects and "/bot<token>/sendMessage" in redirects
    assert "InvalidUrl" in invalid and "/bot<token>/sendMessage" in invalid
    for text in errors:
        assert "SECRET" not in text and "123456" not in text, text


def test_scrub_removes_the_token_wherever_the_url_put_it() -> None:
    url = f"https://api.telegram.org/bot{SECRET_TOKEN}/sendMessage"
    text = f"redirected to https://x.example/file/bot{SECRET_TOKEN}/a.pdf?t={SECRET_TOKEN}"
    assert scrub(text, url) == "redirected to https://x.example/file/bot<token>/a.pdf?t=<token>"
    assert scrub("aiohttp.ServerDisconnectedError: Server disconnected", url) == (
        "aiohttp.ServerDisconnectedError: Server disconnected"
    )
