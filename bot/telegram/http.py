"""PTB's request interface over aiohttp, for the outbox sender.

Why not PTB's default HTTPXRequest for the outbox: in `benchmarks/fanout.py` the sender's
CPU per message with httpx is too much for one core to keep up with the 1000 messages a
second of Telegram's paid broadcasts, and most of it is httpx/httpcore's per-request
machinery (a JSON body instead of PTB's url-encoded form saves little). aiohttp, a well-kept
client with a C HTTP parser, costs a fraction of that.

Only the transport between PTB and the server changes: PTB still builds every request and
maps every answer (429, 403, migration, 5xx...) to its exceptions in `BaseRequest`, so the
rest of the bot sees exactly what it would see with HTTPXRequest.
"""

from __future__ import annotations

import json
import re
from urllib.request import getproxies

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.telegram.errors import QuietJSON


class AiohttpRequest(QuietJSON, BaseRequest):
    """A `telegram.request.BaseRequest` on one `aiohttp.ClientSession`.

    Mirrors HTTPXRequest: the same timeout defaults, `connection_pool_size` as the most
    connections open at once, multipart bodies for uploads (`json_parameters` as fields,
    `multipart_data` as files), timeouts raised as `TimedOut` and every other transport
    failure as `NetworkError`. Differences, and why:

    * Requests without files carry a JSON body (`RequestData.parameters`, UTF-8) instead of
      a url-encoded form: the same parameters, at a fraction of the CPU (see the module).
    * aiohttp has no per-write timeout, so the whole request is capped at the sum of the
      connect, pool, write and read timeouts; a stalled upload cannot hang for ever.
    * aiohttp reports pool waiting and connecting as one timeout: both give `TimedOut`.
    * Proxies come from HTTP_PROXY / HTTPS_PROXY / NO_PROXY as aiohttp's `trust_env` reads
      them (not ALL_PROXY or SOCKS), switched on only when one is set (`_proxy_configured`).
    * The session opens on first use as well as in `initialize`, because the outbox's own
      bot is never initialised (it needs no getMe) and aiohttp needs a running loop.
    """

    __slots__ = (
        "_connect_timeout",
        "_default_timeout",
        "_media_write_timeout",
        "_pool_size",
        "_pool_timeout",
        "_read_timeout",
        "_session",
        "_write_timeout",
    )

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._default_timeout = _client_timeout(
            read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        self._open()

    async def shutdown(self) -> None:
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
                trust_env=_proxy_configured(),
            )
        return self._session

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._open()
        files = (
            request_data.multipart_data
            if request_data is not None and request_data.contains_files
            else None
        )
        body: aiohttp.FormData | bytes | None = None
        headers: dict[str, str] | None = None
        if request_data is not None and files:
            body = aiohttp.FormData(request_data.json_parameters)
            for name, (filename, content, mime_type) in files.items():
                body.add_field(name, content, filename=filename, content_type=mime_type)
        elif request_data is not None:
            body = json.dumps(
                request_data.parameters, ensure_ascii=False, separators=(",", ":")
            ).encode()
            headers = {"Content-Type": "application/json"}

        given = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        if not files and all(isinstance(t, DefaultValue) for t in given):
            timeout = self._default_timeout  # the outbox's case: no ClientTimeout to build
        else:
            timeout = _client_timeout(
                _or(read_timeout, self._read_timeout),
                _or(write_timeout, self._media_write_timeout if files else self._write_timeout),
                _or(connect_timeout, self._connect_timeout),
                _or(pool_timeout, self._pool_timeout),
            )

        try:
            async with session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's ServerTimeoutError is one too
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(scrub(f"aiohttp.{type(exc).__name__}: {exc}", url)) from exc


_TOKEN_IN_PATH = re.compile(r"/bot[^/\s]+/")


def scrub(text: str, url: str = "") -> str:
    """`text` without the bot token that Bot API URLs carry (`/bot<token>/method`).

    Some aiohttp errors quote the whole request URL (TooManyRedirects, InvalidURL...), and
    their text travels on: the outbox stores it in deliveries.last_error and reports show
    it, where a token would be readable by anyone with the database. The token taken from
    `url` is removed wherever else it appears too (a redirect target, a quoted URL).
    """
    found = _TOKEN_IN_PATH.search(url)
    if found is not None:
        token = found.group()[len("/bot") : -1]
        text = text.replace(token, "<token>")
    return _TOKEN_IN_PATH.sub("/bot<token>/", text)


def _proxy_configured() -> bool:
    """Whether the environment names a proxy aiohttp would use (HTTP_PROXY, HTTPS_PROXY).

    Only then is aiohttp's `trust_env` worth its price: with it, every request looks up the
    proxy and ~/.netrc in worker threads: two thread hops, which nearly double the sender's
    CPU per message in the fan-out benchmark. Without a proxy it would only add ~/.netrc
    credentials for the Bot API host, which takes none: the token in the URL is the
    authentication.
    """
    return any(scheme in ("http", "https") for scheme in getproxies())


def _or(value: ODVInput[float], default: float | None) -> float | None:
    """PTB passes DEFAULT_NONE for "use your default" and None for "no timeout"."""
    return default if isinstance(value, DefaultValue) else value


def _client_timeout(
    read: float | None, write: float | None, connect: float | None, pool: float | None
) -> aiohttp.ClientTimeout:
    parts = (read, write, connect, pool)
    return aiohttp.ClientTimeout(
        total=None if None in parts else sum(p for p in parts if p is not None),
        connect=None if connect is None or pool is None else connect + pool,
        sock_connect=connect,
        sock_read=read,
    )
