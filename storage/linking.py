"""The story-linking index: stored story profiles and their term index.

Tables (migration 002): story_profiles holds each story's running signature, story_terms its
heaviest terms keyed by (term, last_update), link_meta the backfill marker. This module only
stores and fetches: which story an article joins is decided above it (bot/linking.py, with
digests.linking). A candidate
lookup walks at most PER_TERM_STORIES index rows per looked-up term and returns at most
`limit` profiles: its cost is bounded by those and B-tree depth, never by the archive size.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from digests.linking import Candidate, Signature, deserialize, fold, serialize, signature
from digests.model import Digested, Fact
from storage.timeutil import from_db, to_db

# Most recent stories fetched per looked-up term: a common term ("सरकार") cannot drag in
# thousands of rows, and a rare one rarely has this many.
PER_TERM_STORIES = 40
# Terms of a story profile put in story_terms (the profile itself keeps MAX_TERMS).
INDEX_TERMS = 30


@dataclass(frozen=True)
class StoredProfile:
    signature: Signature
    size: int
    last_update: datetime


def index_terms(profile: Signature) -> list[str]:
    """The profile terms written to story_terms: its INDEX_TERMS heaviest content terms."""
    return [t for t, w in profile.terms.items() if w > 0][:INDEX_TERMS]


async def _rows(conn: aiosqlite.Connection, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    async with conn.execute(sql, tuple(params)) as cur:
        return list(await cur.fetchall())


async def candidates(
    conn: aiosqlite.Connection, lookup: Sequence[tuple[str, float]], since: datetime, limit: int
) -> list[Candidate]:
    """Profiles of the stories sharing a lookup term and updated since `since`, best-covered
    first (sum of the shared lookup terms' weights), at most `limit`.

    One statement: each UNION ALL arm walks the (term, last_update) index backwards and
    stops after PER_TERM_STORIES rows, so a common term costs no more than a rare one.
    """
    if not lookup:
        return []
    arm = (
        "SELECT * FROM (SELECT story_id, ? AS w FROM story_terms"
        " WHERE term = ? AND last_update >= ? ORDER BY last_update DESC LIMIT ?)"
    )
    params: list[Any] = []
    for term, weight in lookup:
        params += [weight, term, to_db(since), PER_TERM_STORIES]
    sql = (
        f"WITH hits AS ({' UNION ALL '.join([arm] * len(lookup))}),"
        " ranked AS (SELECT story_id, sum(w) AS score FROM hits GROUP BY story_id"
        " ORDER BY score DESC, story_id DESC LIMIT ?)"
        " SELECT p.story_id, p.signature, p.last_update FROM ranked"
        " JOIN story_profiles p ON p.story_id = ranked.story_id ORDER BY ranked.score DESC"
    )
    out = []
    for story_id, text, last in await _rows(conn, sql, [*params, limit]):
        when = from_db(last)
        assert when is not None
        out.append(Candidate(story_id, deserialize(text), when))
    return out


async def profile(tx: aiosqlite.Connection, story_id: int) -> StoredProfile | None:
    """The story's stored profile, or None when it has none (no article indexed)."""
    rows = await _rows(
        tx,
        "SELECT signature, size, last_update FROM story_profiles WHERE story_id = ?",
        (story_id,),
    )
    if not rows:
        return None
    text, size, last = rows[0]
    when = from_db(last)
    assert when is not None
    return StoredProfile(deserialize(text), size, when)


async def save_profile(
    tx: aiosqlite.Connection, story_id: int, profile: Signature, size: int, last_update: datetime
) -> None:
    """Store the story's profile and replace its rows in the term index."""
    await _write_profile(tx, story_id, profile, size, to_db(last_update))


async def _write_profile(
    tx: aiosqlite.Connection, story_id: int, profile: Signature, size: int, last_update: str
) -> None:
    await tx.execute(
        "INSERT INTO story_profiles (story_id, signature, size, last_update)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (story_id) DO UPDATE SET"
        " signature = excluded.signature, size = excluded.size,"
        " last_update = excluded.last_update",
        (story_id, serialize(profile), size, last_update),
    )
    await tx.execute("DELETE FROM story_terms WHERE story_id = ?", (story_id,))
    await tx.executemany(
        "INSERT INTO story_terms (story_id, term, last_update) VALUES (?, ?, ?)",
        [(story_id, t, last_update) for t in index_terms(profile)],
    )


async def drop_profile(tx: aiosqlite.Connection, story_id: int) -> None:
    await tx.execute("DELETE FROM story_terms WHERE story_id = ?", (story_id,))
    await tx.execute("DELETE FROM story_profiles WHERE story_id = ?", (story_id,))


def _digested(title: str, body: str, summary: str, facts: str) -> Digested:
    parsed = tuple(Fact(f["kind"], f["text"]) for f in json.loads(facts or "[]"))
    return Digested(title=title, body=body, summary=summary, facts=parsed)


async def story_articles(
    tx: aiosqlite.Connection, story_id: int
) -> list[tuple[Digested, datetime]]:
    """The story's articles in posting order with their posting times (to rebuild its profile)."""
    rows = await _rows(
        tx,
        "SELECT title, body, summary, facts, posted_at FROM articles"
        " WHERE story_id = ? ORDER BY posted_at, id",
        (story_id,),
    )
    out = []
    for title, body, summary, facts, posted_at in rows:
        when = from_db(posted_at)
        assert when is not None
        out.append((_digested(title, body, summary, facts), when))
    return out


async def backfill_pending(conn: aiosqlite.Connection) -> bool:
    """Whether migration 002 left articles stored before it to be indexed."""
    rows = await _rows(conn, "SELECT value FROM link_meta WHERE name = 'backfill_pending'")
    return bool(rows and rows[0][0])


async def backfill(tx: aiosqlite.Connection) -> int:
    """Index articles stored before schema 2 (once); returns the number of stories indexed.

    The second half of migration 002, which cannot compute signatures in SQL: so this is
    the one place where storage runs the text pipeline. Call inside a write transaction;
    without the marker it does nothing (another process may have done it already). The
    whole index is rebuilt, so it is also safe after articles were posted (and indexed)
    between the migration and this call.
    """
    if not await backfill_pending(tx):
        return 0
    for table in ("story_terms", "story_profiles"):
        await tx.execute(f"DELETE FROM {table}")
    by_story: dict[int, list[Signature]] = {}
    last: dict[int, str] = {}
    rows = await _rows(
        tx,
        "SELECT story_id, title, body, summary, facts, posted_at FROM articles"
        " ORDER BY story_id, posted_at, id",
    )
    for story_id, title, body, summary, facts, posted_at in rows:
        sig = signature(_digested(title, body, summary, facts))
        by_story.setdefault(story_id, []).append(sig)
        last[story_id] = max(last.get(story_id, ""), posted_at)
    for story_id, sigs in by_story.items():
        profile, size = fold(sigs)
        if profile is not None:
            await _write_profile(tx, story_id, profile, size, last[story_id])
    await tx.execute("DELETE FROM link_meta WHERE name = 'backfill_pending'")
    return len(by_story)
