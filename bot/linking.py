"""Which story a new article joins, and the upkeep of the stories' profiles.

Storage (storage/linking.py) keeps the profiles and the term index; the
judgement is digests.linking's. This module asks the one and hands the answers to the
other, so an article's text is never sent down into storage to be judged or signed there;
that includes indexing an archive stored before the index existed (`backfill`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

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
from storage.db import Database, Transaction


async def candidates(
    db: Database, sig: Signature, now: datetime, config: LinkConfig
) -> list[Candidate]:
    """Stories active in the quiet window that share one of `sig`'s lookup terms (one
    statement, bounded by the index whatever the archive size)."""
    since = now - timedelta(days=config.quiet_after_days)
    return await index.candidates(db, lookup_terms(sig), since, config.max_candidates)


async def find_story(
    db: Database, article: Digested, now: datetime, config: LinkConfig | None = None
) -> Decision:
    """The story `article` continues (Decision.story_id), or None to start a new one.

    Read-only; call it before the posting transaction, then `index_article` inside it.
    """
    config = config or LinkConfig()
    sig = signature(article)
    return choose(sig, await candidates(db, sig, now, config), now, config)


async def index_article(tx: Transaction, story_id: int, article: Digested, now: datetime) -> None:
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


async def rebuild_story(tx: Transaction, story_id: int) -> None:
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


async def backfill(db: Database) -> int:
    """Index the articles stored before the story index existed (migration 002 leaves a
    marker for it); returns the number of stories indexed, 0 at the cost of one lookup.

    The bot's databases run it on open (bot/database.py). Idempotent: in one write
    transaction, and the marker is looked at again inside it, since another process
    opening the same archive may have done it meanwhile.
    """
    if not await index.backfill_pending(db):
        return 0
    async with db.transaction() as tx:
        if not await index.start_backfill(tx):
            return 0
        by_story: dict[int, list[Signature]] = {}
        last: dict[int, datetime] = {}
        for story_id, article, posted_at in await index.articles_to_index(tx):
            by_story.setdefault(story_id, []).append(signature(article))
            last[story_id] = max(last.get(story_id, posted_at), posted_at)
        for story_id, sigs in by_story.items():
            profile, size = fold(sigs)
            if profile is not None:
                await index.save_profile(tx, story_id, profile, size, last[story_id])
        await index.finish_backfill(tx)
        return len(by_story)
