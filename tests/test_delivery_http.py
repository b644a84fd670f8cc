"""The outbox's keep-alive HTTP client: framing, reuse, failures as PTB exceptions, and
when the transport keeps PTB's httpx client instead."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.config import Settings
from bot.telegram_app import KeepAliveRequest, TelegramTransport
from tests.support.botapi import FakeBotAPI

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@pytest.fixture
async def raw_server() -> AsyncIterator[Callable[[Handler], Awaitable[str]]]:
    """A hand-written HTTP server, to answer in ways aiohttp never would."""
    servers: list[asyncio.Server] = []

    async def start(handler: Handler) -> str:
        server = await asyncio.start_server(handler, "127.0.0.1", 0)
        servers.append(server)
        port = server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/bot123:x/sendMessage"

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


async def _read_request(reader: asyncio.StreamReader) -> dict:
    length = 0
    while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(await reader.readexactly(length) or b"{}")


OK = b'{"ok":true,"result":true}'


async def test_chunked_answers_and_connection_close_are_framed(raw_server) -> None:  # type: ignore[no-untyped-def]
    connections = 0

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await _read_request(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5\r\n"
            + OK[:5]
            + b"\r\n"
            + f"{len(OK) - 5:x}".encode()
            + b"\r\n"
            + OK[5:]
            + b"\r\n0\r\n\r\n"
        )
        await _read_request(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % len(OK) + OK
        )
        await writer.drain()
        writer.close()

    url = await raw_server(handler)
    request = KeepAliveRequest()
    assert await request.post(url) is True  # chunked, connection kept
    assert await request.post(url) is True  # same connection, then closed by the server
    assert await request.post(url) is True  # a new connection
    assert connections == 2
    await request.shutdown()


async def test_a_silent_server_is_a_timeout_and_a_closed_port_a_network_error(
    raw_server,  # type: ignore[no-untyped-def]
) -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        await asyncio.sleep(5)

    url = await raw_server(silent)
    request = KeepAliveRequest(read_timeout=0.2)
    with pytest.raises(TimedOut):
        await request.post(url)
    with pytest.raises(NetworkError):
        await request.post("http://127.0.0.1:9/bot123:x/sendMessage")  # discard port: refused
    await request.shutdown()


async def test_telegram_errors_are_ptbs_exceptions_and_bodies_are_json() -> None:
    async with FakeBotAPI() as api:
        api.add_chats([5])
        request = KeepAliveRequest()
        url = f"{api.base_url}123:x/sendMessage"

        def data(**kwargs: object) -> RequestData:
            return RequestData([RequestParameter.from_input(k, v) for k, v in kwargs.items()])

        result = await request.post(url, data(chat_id=5, text="<b>नमस्ते</b>", parse_mode="HTML"))
        assert result["text"] == "नमस्ते"
        assert api.calls("sendMessage")[0].params["chat_id"] == 5  # a JSON number, not a form
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await request.post(url, data(chat_id=6, text="x"))
        api.fail_next(1, status=429, retry_after=3)
        with pytest.raises(RetryAfter):
            await request.post(url, data(chat_id=5, text="x"))
        api.drop_next(1)
        with pytest.raises(NetworkError):
            await request.post(url, data(chat_id=5, text="x"))
        assert await request.post(url, data(chat_id=5, text="फिर")) is not None
        await request.shutdown()


def test_transport_keeps_httpx_behind_a_proxy_or_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(db_path=tmp_path / "k.db", token="1:x")

    class App:
        bot = object()

    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert TelegramTransport.for_settings(None, settings).bot is not None
    lean = TelegramTransport.for_settings(App(), settings)  # type: ignore[arg-type]
    assert lean.bot is not App.bot
    assert TelegramTransport.for_settings(App(), settings.with_(lean_http=False)).bot is App.bot  # type: ignore[arg-type]
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    assert TelegramTransport.for_settings(App(), settings).bot is App.bot  # type: ignore[arg-type]


def test_new_settings_from_the_environment(tmp_path: Path) -> None:
    env = {
        "KHABAR_DB": str(tmp_path / "k.db"),
        "KHABAR_SEND_RATE": "900",
        "KHABAR_SEND_CONCURRENCY": "32",
        "KHABAR_PAID_BROADCAST": "yes",
        "KHABAR_LEAN_HTTP": "0",
        "KHABAR_RETRY_BASE_SECONDS": "0.5",
    }
    settings = Settings.from_env(env)
    assert (settings.send_rate, settings.send_concurrency, settings.retry_base) == (900, 32, 0.5)
    assert settings.paid_broadcast and not settings.lean_http
    defaults = Settings.from_env({"KHABAR_DB": str(tmp_path / "k.db")})
    assert (defaults.send_concurrency, defaults.paid_broadcast, defaults.lean_http) == (
        8,
        False,
        True,
    )
