"""The story-linking index: which stored story a new article continues.

Tables (migration 002): story_profiles holds each story's running signature, story_terms its
heaviest terms keyed by (term, last_update), term_df the document frequency of every term
for idf, link_meta the article count. A new article looks up only its LOOKUP_TERMS most
distinctive terms, at most PER_TERM_STORIES recent stories each, and scores at most
`max_candidates` profiles: the work per article is bounded by those constants and B-tree
depth, never by the size of the archive.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from digests.linking import (
    Candidate,
    Decision,
    LinkConfig,
    Signature,
    choose,
    deserialize,
    idf_from_counts,
    merge,
    serialize,
    signature,
)
from digests.model import Digested, Fact
from storage.db import Database
from storage.timeutil import from_db, to_db

# The new article's terms used to find candidates, by weight x idf. Ten distinctive terms
# find a same-story profile even when the wording differs (it needs to share only one).
LOOKUP_TERMS = 10
# Most recent stories fetched per looked-up term: a common term ("सरकार") cannot drag in
# thousands of rows, and a rare one rarely has this many.
PER_TERM_STORIES = 40
# Terms of a story profile put in story_terms (the profile itself keeps MAX_TERMS).
INDEX_TERMS = 30
# SQLite host-parameter batches (the compiled limit is 32766; stay far below).
_BATCH = 500


def index_terms(profile: Signature) -> list[str]:
    """The profile terms written to story_terms: its INDEX_TERMS heaviest content terms."""
    return [t for t, w in profile.terms.items() if w > 0][:INDEX_TERMS]


async def _rows(conn: aiosqlite.Connection, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    async with conn.execute(sql, tuple(params)) as cur:
        return list(await cur.fetchall())


async def _df(
    conn: aiosqlite.Connection, terms: Iterable[str], with_count: bool = False
) -> tuple[dict[str, int], int]:
    """Document frequency of each of `terms` found in term_df, and (when `with_count`) the
    number of indexed articles, fetched in the same statement to save a thread round trip."""
    wanted = list(dict.fromkeys(terms))
    found: dict[str, int] = {}
    n_docs = 0
    for i in range(0, max(len(wanted), 1), _BATCH):
        chunk = wanted[i : i + _BATCH]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT 0, term, df FROM term_df WHERE term IN ({marks})"
        if with_count and i == 0:
            sql += " UNION ALL SELECT 1, name, value FROM link_meta WHERE name = 'articles'"
        for is_count, term, df in await _rows(conn, sql, chunk):
            if is_count:
                n_docs = int(df)
            else:
                found[term] = df
    return found, n_docs


async def _candidates_for(
    conn: aiosqlite.Connection, lookup: Sequence[tuple[str, float]], since: str, limit: int
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
        params += [weight, term, since, PER_TERM_STORIES]
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


async def candidates(
    conn: aiosqlite.Connection, sig: Signature, now: datetime, config: LinkConfig
) -> tuple[list[Candidate], dict[str, float]]:
    """Candidate stories for `sig` and the idf of every term involved (new and candidates).

    Three statements whatever the archive size: df of the new terms (with N), candidates
    with their profiles, df of the candidates' other terms.
    """
    df, n_docs = await _df(conn, sig.terms, with_count=True)
    idf = idf_from_counts(df, n_docs, sig.terms)
    # A term no indexed article has (df 0) cannot lead to a story: look up the most
    # distinctive of the others. Place markers weigh 0 and are never looked up.
    known = [t for t in sig.terms if sig.terms[t] > 0 and df.get(t, 0) > 0]
    ranked = sorted(known, key=lambda t: (-sig.terms[t] * idf[t], t))[:LOOKUP_TERMS]
    lookup = [(t, sig.terms[t] * idf[t]) for t in ranked]
    since = to_db(now - timedelta(days=config.quiet_after_days))
    found = await _candidates_for(conn, lookup, since, config.max_candidates)
    extra = {t for c in found for t in c.signature.terms if t not in idf}
    if extra:
        idf.update(idf_from_counts((await _df(conn, extra))[0], n_docs, extra))
    return found, idf


async def find_story(
    db: Database, article: Digested, now: datetime, config: LinkConfig | None = None
) -> Decision:
    """The story `article` continues (Decision.story_id), or None to start a new one.

    Read-only; call it before the posting transaction, then `index_article` inside it.
    """
    config = config or LinkConfig()
    sig = signature(article)
    found, idf = await candidates(db.conn, sig, now, config)
    return choose(sig, found, now, idf, config)


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


async def _drop_profile(tx: aiosqlite.Connection, story_id: int) -> None:
    await tx.execute("DELETE FROM story_terms WHERE story_id = ?", (story_id,))
    await tx.execute("DELETE FROM story_profiles WHERE story_id = ?", (story_id,))


async def _count_terms(tx: aiosqlite.Connection, terms: Iterable[str], articles: int) -> None:
    """Add one document per term to term_df, and `articles` to the article count."""
    await tx.executemany(
        "INSERT INTO term_df (term, df) VALUES (?, 1) ON CONFLICT (term) DO UPDATE SET df = df + 1",
        [(t,) for t in terms],
    )
    await tx.execute("UPDATE link_meta SET value = value + ? WHERE name = 'articles'", (articles,))


async def index_article(
    tx: aiosqlite.Connection, story_id: int, article: Digested, now: datetime
) -> None:
    """Fold a just-stored article into its story's profile, the term index and idf.

    Call inside the posting transaction, after the article row is inserted, so the index
    never names an article that a rollback removed.
    """
    sig = signature(article)
    await _count_terms(tx, sig.terms, 1)
    rows = await _rows(
        tx,
        "SELECT signature, size, last_update FROM story_profiles WHERE story_id = ?",
        (story_id,),
    )
    stamp = to_db(now)
    if rows:
        old, size, last = rows[0]
        profile = merge(deserialize(old), sig, size)
        await _write_profile(tx, story_id, profile, size + 1, max(last, stamp))
    else:
        await _write_profile(tx, story_id, sig, 1, stamp)


def _digested(title: str, body: str, summary: str, facts: str) -> Digested:
    parsed = tuple(Fact(f["kind"], f["text"]) for f in json.loads(facts or "[]"))
    return Digested(title=title, body=body, summary=summary, facts=parsed)


def _fold(sigs: Iterable[Signature]) -> tuple[Signature | None, int]:
    """A story profile built from its articles' signatures in posting order."""
    profile: Signature | None = None
    size = 0
    for sig in sigs:
        profile = sig if profile is None else merge(profile, sig, size)
        size += 1
    return profile, size


async def rebuild_story(tx: aiosqlite.Connection, story_id: int) -> None:
    """Recompute a story's profile and index rows from the articles it now holds.

    For admin corrections (/move, /split): call for the story an article left and the one
    it joined, in the same transaction as the UPDATE. A story left without articles drops
    out of the index. term_df is untouched: moving an article changes no article's terms.
    """
    rows = await _rows(
        tx,
        "SELECT title, body, summary, facts, posted_at FROM articles"
        " WHERE story_id = ? ORDER BY posted_at, id",
        (story_id,),
    )
    profile, size = _fold(signature(_digested(*r[:4])) for r in rows)
    if profile is None:
        await _drop_profile(tx, story_id)
        return
    await _write_profile(tx, story_id, profile, size, max(r[4] for r in rows))


async def backfill(db: Database) -> int:
    """Index articles stored before schema 2 (once); returns the number of stories indexed.

    Migration 002 leaves a 'backfill_pending' marker when it finds articles; call this right
    after Database.open(). Without the marker it returns 0 at the cost of one lookup.
    The whole index is rebuilt in one transaction, so it is also safe after articles were
    posted (and indexed) between the migration and this call.
    """
    marker = await db.scalar("SELECT value FROM link_meta WHERE name = 'backfill_pending'")
    if not marker:
        return 0
    stories = 0
    async with db.transaction() as tx:
        # Another process opening the database at the same time may have done it already.
        async with tx.execute("SELECT value FROM link_meta WHERE name = 'backfill_pending'") as cur:
            if not await cur.fetchone():
                return 0
        for table in ("story_terms", "story_profiles", "term_df"):
            await tx.execute(f"DELETE FROM {table}")
        await tx.execute("UPDATE link_meta SET value = 0 WHERE name = 'articles'")
        df: Counter[str] = Counter()
        n_articles = 0
        current: int | None = None
        sigs: list[Signature] = []
        last = ""

        async def flush() -> None:
            nonlocal stories
            profile, size = _fold(sigs)
            if current is not None and profile is not None:
                await _write_profile(tx, current, profile, size, last)
                stories += 1

        async with tx.execute(
            "SELECT story_id, title, body, summary, facts, posted_at FROM articles"
            " ORDER BY story_id, posted_at, id"
        ) as cur:
            rows = list(await cur.fetchall())
        for story_id, title, body, summary, facts, posted_at in rows:
            if story_id != current:
                await flush()
                current, sigs, last = story_id, [], ""
            sig = signature(_digested(title, body, summary, facts))
            sigs.append(sig)
            df.update(sig.terms.keys())
            n_articles += 1
            last = max(last, posted_at)
        await flush()
        await tx.executemany("INSERT INTO term_df (term, df) VALUES (?, ?)", list(df.items()))
        await tx.execute("UPDATE link_meta SET value = ? WHERE name = 'articles'", (n_articles,))
        await tx.execute("DELETE FROM link_meta WHERE name = 'backfill_pending'")
    return stories
