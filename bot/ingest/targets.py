"""What the arguments of `khabar ingest` name, and storing each article they stand for.

An argument is standard input ("-"), an http(s) URL, a file, or a folder (its text and HTML
files, in order). Whatever goes wrong with one (a page, a file, a full disk) becomes that
argument's short Hindi reason, and the run goes on: the other arguments may well succeed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot import texts
from bot.clock import Clock
from bot.config import Settings
from bot.ingest.files import os_reason
from bot.ingest.sources import (
    HTML_SUFFIXES,
    TEXT_SUFFIXES,
    Source,
    UndecodableFile,
    UnsupportedFile,
    read_input,
    source_from_html,
)
from bot.ingest.urls import FetchError, fetch_page, is_url
from bot.posting import PostResult, post_article
from digests.article import ArticleError, NotHindi
from storage.db import Database
from storage.errors import DiskFull, StorageError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Ingested:
    """One article's outcome: stored (`result`) or not (`problem`, the Hindi reason)."""

    target: str
    result: PostResult | None = None
    problem: str | None = None


def failure_reason(exc: Exception) -> str:
    """The short Hindi reason an error line ends with (never a class name): why an article
    was not stored, in the Hindi the rest of the CLI speaks."""
    if isinstance(exc, FetchError):
        return exc.reason
    if isinstance(exc, OSError):
        return os_reason(exc)
    if isinstance(exc, UnsupportedFile):
        return texts.ONLY_TEXT_FILES
    if isinstance(exc, UndecodableFile):
        return texts.NOT_UTF8
    if isinstance(exc, NotHindi):
        return texts.NOT_HINDI
    if isinstance(exc, ArticleError):
        return texts.NO_SENTENCES
    if isinstance(exc, DiskFull):
        return texts.DISK_FULL
    if isinstance(exc, StorageError):
        return texts.STORE_FAILED.format(detail=exc)
    return texts.UNEXPECTED_ERROR


def expand(targets: Sequence[str]) -> Iterator[tuple[str, str | None]]:
    """(target, None) for each article to store, (target, reason) for one that cannot be:
    a folder without articles is an error, not silence, and so is a target that cannot
    even be looked at."""
    for target in targets:
        try:
            found = _articles_in(target)
        except Exception as exc:
            log.debug("could not look at %s", target, exc_info=True)
            found = [(target, failure_reason(exc))]
        yield from found


def _articles_in(target: str) -> list[tuple[str, str | None]]:
    """What one ingest target stands for, as `expand` yields it."""
    path = Path(target)
    if target == "-" or is_url(target):
        return [(target, None)]
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", target):
        return [(target, texts.ONLY_HTTP)]
    if path.is_dir():
        found: list[tuple[str, str | None]] = [
            (str(child), None)
            for child in sorted(path.rglob("*"))
            if child.is_file() and child.suffix.lower() in TEXT_SUFFIXES + HTML_SUFFIXES
        ]
        return found or [(target, texts.EMPTY_FOLDER)]
    return [(target, None)]


async def target_source(target: str, settings: Settings) -> Source:
    """The raw article behind one ingest target: standard input, a URL or a file."""
    if is_url(target):
        page = await fetch_page(
            target, allow_private=settings.allow_private_urls, deadline=settings.fetch_seconds
        )
        return source_from_html(page, target)
    # Standard input ("-") is one plain-text (or HTML) article, as in `summarize -`.
    return read_input(target)


async def ingest(
    db: Database, targets: Sequence[str], settings: Settings, clock: Clock
) -> AsyncIterator[Ingested]:
    """Store the article of each target in turn, yielding each outcome as soon as it is
    known. The traceback of an unexpected error is logged only at debug level."""
    for target, problem in expand(targets):
        if problem is not None:
            yield Ingested(target, problem=problem)
            continue
        try:
            source = await target_source(target, settings)
            result = await post_article(db, source, posted_by=None, now=clock.now())
        except Exception as exc:
            log.debug("could not ingest %s", target, exc_info=True)
            yield Ingested(target, problem=failure_reason(exc))
        else:
            yield Ingested(target, result=result)
