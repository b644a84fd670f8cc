"""Which story a new article joins, and the upkeep of the stories' profiles.

Storage (storage/linking.py) keeps the profiles and the term index; the
judgement is digests.linking's. This module asks the one and hands the answers to the
other, so an article's text is never sent down into storage to be judged there.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import aiosqlite

from digests.linking import (
    Candidate,
    Decision,
    LinkConfig,
    Signature,
    choose,
    fold,
    lookup_terms,
    merge,
    signature,
)
from digests.model import Digested
from storage import linking as index
from storage.db import Database


async def candidates(
    db: Database, sig: Signature, now: datetime, config: LinkConfig
) -> list[Candidate]:
    """Stories active in the quiet window that share one of `sig`'s lookup terms (one
    statement, bounded by the index whatever the archive size)."""
    since = now - timedelta(days=config.quiet_after_days)
    return await index.candidates(db.conn, lookup_terms(sig), since, config.max_candidates)


async def find_story(
    db: Database, article: Digested, now: datetime, config: LinkConfig | None = None
) -> Decision:
    """The story `article` continues (Decision.story_id), or None to start a new one.

    Read-only; call it before the posting transaction, then `index_article` inside it.
    """
    config = config or LinkConfig()
    sig = signature(article)
    return choose(sig, await candidates(db, sig, now, config), now, config)


async def index_article(
    tx: aiosqlite.Connection, story_id: int, article: Digested, now: datetime
) -> None:
    """Fold a just-stored article into its story's profile and the term index.

    Call inside the posting transaction, after the article row is inserted, so the index
    never names an article that a rollback removed.
    """
    sig = signature(article)
    stored = await index.profile(tx, story_id)
    if stored is None:
        await index.save_profile(tx, story_id, sig, 1, now)
        return
    profile = merge(stored.signature, sig, stored.size)
    await index.save_profile(tx, story_id, profile, stored.size + 1, max(stored.last_update, now))


async def rebuild_story(tx: aiosqlite.Connection, story_id: int) -> None:
    """Recompute a story's profile and index rows from the articles it now holds.

    For admin corrections (/move, /split): call for the story an article left and the one
    it joined, in the same transaction as the UPDATE. A story left without articles drops
    out of the index.
    """
    held = await index.story_articles(tx, story_id)
    profile, size = fold(signature(article) for article, _ in held)
    if profile is None:
        await index.drop_profile(tx, story_id)
        return
    await index.save_profile(tx, story_id, profile, size, max(at for _, at in held))
