"""Fetching an article page for `/post <url>` and `khabar ingest <url>`."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

MAX_PAGE_BYTES = 5 * 1024 * 1024
TIMEOUT = httpx.Timeout(15.0, connect=10.0)
USER_AGENT = "KhabarBot/0.1 (+https://github.com/khabar)"


class FetchError(Exception):
    """The page could not be fetched; `reason` is short and safe to show to an admin."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_url(text: str) -> bool:
    parts = urlsplit(text.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in text.strip()


async def fetch_page(url: str, client: httpx.AsyncClient | None = None) -> str:
    """GET a page and decode it, refusing non-HTML/text bodies and bodies over 5 MB."""
    if not is_url(url):
        raise FetchError("URL http:// या https:// से शुरू होना चाहिए")
    own = client is None
    client = client or httpx.AsyncClient(
        timeout=TIMEOUT, follow_redirects=True, headers={"User-Agent": USER_AGENT}
    )
    try:
        async with client.stream("GET", url) as response:
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
    except httpx.TimeoutException as exc:
        raise FetchError("समय सीमा ख़त्म") from exc
    except httpx.HTTPError as exc:
        raise FetchError("नेटवर्क त्रुटि") from exc
    finally:
        if own:
            await client.aclose()
