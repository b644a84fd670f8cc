"""Fetching an article page for `/post <url>` and `khabar ingest <url>`.

The page's text is published to every reader, so the bot refuses addresses inside its own
network (loopback, private, link-local: a cloud metadata service, an admin panel) unless
the operator allows them; every redirect is checked the same way.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urljoin, urlsplit

import httpx

MAX_PAGE_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT = httpx.Timeout(15.0, connect=10.0)
USER_AGENT = "KhabarBot/0.1 (news digest bot)"


class FetchError(Exception):
    """The page could not be fetched; `reason` is short and safe to show to an admin."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_url(text: str) -> bool:
    parts = urlsplit(text.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in text.strip()


async def _check_public(url: str) -> None:
    """Refuse a URL whose host resolves to an address that is not on the public internet."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise FetchError("URL में होस्ट नहीं है")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError("होस्ट नहीं मिला") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise FetchError("यह पता निजी नेटवर्क का है, इसे नहीं खोल सकते")


async def fetch_page(
    url: str, client: httpx.AsyncClient | None = None, *, allow_private: bool = False
) -> str:
    """GET a page and decode it, refusing non-HTML/text bodies and bodies over 5 MB."""
    if not is_url(url):
        raise FetchError("URL http:// या https:// से शुरू होना चाहिए")
    own = client is None
    client = client or httpx.AsyncClient(
        timeout=TIMEOUT, follow_redirects=False, headers={"User-Agent": USER_AGENT}
    )
    try:
        for _ in range(MAX_REDIRECTS + 1):
            if not allow_private:
                await _check_public(url)
            async with client.stream("GET", url) as response:
                if response.is_redirect and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    if not is_url(url):
                        raise FetchError("अजीब रीडायरेक्ट")
                    continue
                return await _read(response)
        raise FetchError("बहुत ज़्यादा रीडायरेक्ट")
    except httpx.TimeoutException as exc:
        raise FetchError("समय सीमा ख़त्म") from exc
    except httpx.HTTPError as exc:
        raise FetchError("नेटवर्क त्रुटि") from exc
    finally:
        if own:
            await client.aclose()


async def _read(response: httpx.Response) -> str:
    if response.status_code >= 400:
        raise FetchError(f"HTTP {response.status_code}")
    kind = response.headers.get("content-type", "text/html").split(";")[0].strip()
    if not (kind.startswith("text/") or kind in ("application/xhtml+xml", "")):
        raise FetchError(f"यह वेब पन्ना नहीं, {kind} है")
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body.extend(chunk)
        if len(body) > MAX_PAGE_BYTES:
            raise FetchError("पन्ना 5 MB से बड़ा है")
    encoding = response.charset_encoding or "utf-8"
    try:
        return body.decode(encoding, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")
