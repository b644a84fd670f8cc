"""Fetching an article page for `/post <url>` and `khabar ingest <url>`.

The page's text is published to every reader, so the bot refuses addresses inside its own
network (loopback, private, link-local: a cloud metadata service, an admin panel) unless
the operator allows them; every redirect is checked the same way.

Everything here treats the remote side as hostile: a fetch has one deadline for the whole
request (redirects and body included), because per-read timeouts let a page that sends a
byte every few seconds hold a fetch open for ever; and an address or a charset the page
chose never raises anything but FetchError.
"""

from __future__ import annotations

import asyncio
import codecs
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from urllib.parse import SplitResult, urljoin, urlsplit

import httpx

from bot import texts

MAX_PAGE_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
# Per step (connect, each read); DEADLINE_SECONDS bounds the fetch as a whole.
TIMEOUT = httpx.Timeout(15.0, connect=10.0)
DEADLINE_SECONDS = 30.0
USER_AGENT = "KhabarBot/0.1 (news digest bot)"

# Codecs Python knows that turn bytes into text but are not how any web page is encoded:
# they raise on ordinary bytes ("undefined" always does) or reject errors="replace".
NOT_PAGE_CODECS = frozenset(
    {"undefined", "idna", "punycode", "unicode-escape", "raw-unicode-escape"}
)


class FetchError(Exception):
    """The page could not be fetched; `reason` is short and safe to show to an admin."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FetchStopped(FetchError):
    """The bot is stopping: the page was not judged, so the post is finished after restart."""

    def __init__(self) -> None:
        super().__init__(texts.FETCH_STOPPING)


def is_url(text: str) -> bool:
    """An http(s) link, whether or not its address can be used: one that cannot (a host
    like "a℀@b", a port out of range) is refused by fetch_page with the reason, rather than
    mistaken for a file name or plain text."""
    text = text.strip()
    if " " in text:
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return text.lower().startswith(("http://", "https://"))
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _address(url: str, bad: str = texts.FETCH_BAD_ADDRESS) -> SplitResult:
    """The parts of a URL about to be fetched; FetchError(`bad`) for one whose host or port
    the URL libraries refuse (NFKC-unsafe characters, a broken IPv6 literal, port 99999)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError when out of range
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as exc:
        raise FetchError(bad) from exc
    if parts.scheme not in ("http", "https"):
        raise FetchError(texts.FETCH_NOT_HTTP)
    if not parts.hostname:
        raise FetchError(texts.FETCH_NO_HOST)
    return parts


async def _check_public(parts: SplitResult) -> None:
    """Refuse a URL whose host resolves to an address that is not on the public internet."""
    host = parts.hostname
    assert host is not None  # _address checked it
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(texts.FETCH_HOST_NOT_FOUND) from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise FetchError(texts.FETCH_PRIVATE_ADDRESS)


async def fetch_page(
    url: str,
    client: httpx.AsyncClient | None = None,
    *,
    allow_private: bool = False,
    deadline: float = DEADLINE_SECONDS,
) -> str:
    """GET a page and decode it, refusing non-HTML/text bodies and bodies over 5 MB.

    `deadline` (seconds) bounds everything: name lookups, redirects and the body.
    """
    if not is_url(url):
        raise FetchError(texts.FETCH_NOT_HTTP)
    own = client is None
    client = client or httpx.AsyncClient(
        timeout=TIMEOUT, follow_redirects=False, headers={"User-Agent": USER_AGENT}
    )
    try:
        async with asyncio.timeout(deadline):
            return await _follow(client, url, allow_private)
    except TimeoutError as exc:
        raise FetchError(texts.FETCH_DEADLINE_PASSED.format(seconds=deadline)) from exc
    except httpx.TimeoutException as exc:
        raise FetchError(texts.FETCH_TIMED_OUT) from exc
    except httpx.HTTPError as exc:
        raise FetchError(texts.FETCH_NETWORK_ERROR) from exc
    finally:
        if own:
            await client.aclose()


async def _follow(client: httpx.AsyncClient, url: str, allow_private: bool) -> str:
    """The page at `url`, after at most MAX_REDIRECTS redirects, each checked like `url`."""
    parts = _address(url)
    for _ in range(MAX_REDIRECTS + 1):
        if not allow_private:
            await _check_public(parts)
        async with client.stream("GET", url) as response:
            if response.is_redirect and "location" in response.headers:
                try:
                    url = urljoin(url, response.headers["location"])
                except ValueError as exc:
                    raise FetchError(texts.FETCH_BAD_REDIRECT_ADDRESS) from exc
                if not is_url(url):
                    raise FetchError(texts.FETCH_BAD_REDIRECT)
                parts = _address(url, texts.FETCH_BAD_REDIRECT_ADDRESS)
                continue
            return await _read(response)
    raise FetchError(texts.FETCH_TOO_MANY_REDIRECTS)


async def _read(response: httpx.Response) -> str:
    if response.status_code >= 400:
        raise FetchError(f"HTTP {response.status_code}")
    kind = response.headers.get("content-type", "text/html").split(";")[0].strip()
    if not (kind.startswith("text/") or kind in ("application/xhtml+xml", "")):
        raise FetchError(texts.FETCH_NOT_A_PAGE.format(kind=kind))
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body.extend(chunk)
        if len(body) > MAX_PAGE_BYTES:
            raise FetchError(texts.FETCH_TOO_LARGE)
    # In a worker thread: detecting the encoding of a 5 MB page that is not UTF-8 takes
    # a good part of a second, and the event loop answers every other chat meanwhile.
    return await asyncio.to_thread(decode_page, bytes(body), response.charset_encoding)


def page_codec(charset: str | None) -> str | None:
    """The Python codec for a page's declared charset; None when there is none or it is
    not one a page can be written in (unknown, bytes-to-bytes, or in NOT_PAGE_CODECS)."""
    if not charset:
        return None
    try:
        info = codecs.lookup(charset.strip())
    except LookupError:
        return None
    if not info._is_text_encoding or info.name in NOT_PAGE_CODECS:
        return None
    return info.name


def decode_page(body: bytes, charset: str | None) -> str:
    """The page's text: in its declared charset when that is a real page encoding (bytes
    that do not fit become U+FFFD, as browsers show them), otherwise detected the way
    trafilatura decodes pages it downloads itself (UTF-8 first, then charset_normalizer)."""
    # Imported here: trafilatura costs every command a quarter of a second at start-up.
    from trafilatura.utils import decode_file

    codec = page_codec(charset)
    if codec is not None:
        try:
            return body.decode(codec, errors="replace")
        except (LookupError, ValueError):  # a codec that cannot replace: detect instead
            pass
    return decode_file(body, max_size=MAX_PAGE_BYTES)


class Fetches:
    """The page fetches a front end has in flight, so that stopping the bot ends them at
    once: each ends with FetchStopped, which leaves the /post journaled for the next start,
    and later fetches fail the same way straight away."""

    def __init__(self, fetch: Callable[[str], Awaitable[str]]) -> None:
        self._fetch = fetch
        self._running: set[asyncio.Task[str]] = set()
        self._closed = False

    async def __call__(self, url: str) -> str:
        if self._closed:
            raise FetchStopped()
        task = asyncio.create_task(self._fetch(url), name="khabar-fetch")
        self._running.add(task)
        try:
            return await task  # cancelling the caller cancels the fetch with it
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if self._closed and current is not None and not current.cancelling():
                raise FetchStopped() from None  # close() ended it, not our caller
            raise
        finally:
            self._running.discard(task)

    def close(self) -> None:
        """End every fetch in flight and refuse new ones (the bot is stopping)."""
        self._closed = True
        for task in self._running:
            task.cancel()
