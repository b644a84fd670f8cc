"""What an admin's article becomes before the text pipeline: a `Source` of raw text.

Pasted text stays text, HTML (pasted, uploaded or fetched) is reduced to its article, an
uploaded file is taken only if it is a text or HTML file in UTF-8 under the size cap, and a
chat message that is one link is fetched. Each refusal is an exception the front end turns
into its own Hindi reply.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from bot.ingest.files import read_file, read_stream
from bot.replies import Document
from digests.extract import extract_html

MAX_FILE_BYTES = 5 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")


class UnsupportedFile(ValueError):
    """Not a .txt/.html file, or over MAX_FILE_BYTES."""


class UndecodableFile(ValueError):
    """The bytes are not UTF-8 text."""


class BadUrl(ValueError):
    """Looks like a link but is not one we can fetch."""


@dataclass(frozen=True, slots=True)
class Source:
    """Raw article text as an admin gave it, before the text pipeline."""

    text: str
    title: str | None = None
    url: str | None = None


def looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<body" in head or "<!doctype html" in head or "<p>" in head


def source_from_html(html: str, url: str | None = None) -> Source:
    title, text = extract_html(html, url)
    return Source(text=text, title=title, url=url)


def source_from_file(doc: Document) -> Source:
    name = doc.filename.lower()
    too_large = doc.too_large or len(doc.content) > MAX_FILE_BYTES
    if too_large or not name.endswith(TEXT_SUFFIXES + HTML_SUFFIXES):
        raise UnsupportedFile(doc.filename)
    try:
        text = doc.content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UndecodableFile(doc.filename) from exc
    if name.endswith(HTML_SUFFIXES) or looks_like_html(text):
        return source_from_html(text)
    return Source(text=text)


def read_input(target: str) -> Source:
    """One article from a file or standard input ("-"), read to at most the size cap."""
    if target == "-":
        name, got = "stdin.txt", read_stream(sys.stdin.buffer, MAX_FILE_BYTES)
    else:
        name, got = Path(target).name, read_file(target, MAX_FILE_BYTES)
    return source_from_file(Document(name, got.data, too_large=got.too_large))


async def message_source(
    document: Document | None, text: str, fetch: Callable[[str], Awaitable[str]]
) -> Source | None:
    """The article behind a chat message (None: there is none). Decoding and HTML
    extraction run in a worker thread: extracting a 5 MB page takes seconds, and the event
    loop answers every other chat."""
    # Imported here, not above: it loads httpx, which `khabar summarize FILE` never needs.
    from bot.ingest.urls import is_url

    if document is not None:
        return await asyncio.to_thread(source_from_file, document)
    text = text.strip()
    if not text:
        return None
    words = text.split()
    if len(words) == 1 and is_url(words[0]):
        page = await fetch(words[0])
        return await asyncio.to_thread(source_from_html, page, words[0])
    if len(words) == 1 and words[0].lower().startswith(("http", "www.")):
        raise BadUrl(words[0])
    if looks_like_html(text):
        return await asyncio.to_thread(source_from_html, text)
    return Source(text=text)
