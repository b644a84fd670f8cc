"""The story index on real SQLite files: placement, quiet window, rebuild after a move,
candidate lookup through the index only, and the backfill of schema-1 archives."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest

import digests.linking as pure
from bot import linking as placing
from bot.database import database
from digests.article import content_hash
from digests.linking import LinkConfig, Signature
from digests.model import Digested
from storage import articles, stories
from storage.db import Database
from storage.timeutil import to_db

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def art(title: str, body: str) -> Digested:
    return Digested(title=title, body=body, summary=body.split("।")[0], facts=())


BRIDGE_FALLS = art(
    "नदीपुर में निर्माणाधीन पुल का हिस्सा गिरा, तीन मजदूर घायल",
    "नदीपुर में नदी पर बन रहे पुल का स्लैब बुधवार को गिर गया। तीन मजदूर घायल हुए। पुल का"
    " निर्माण लोक निर्माण विभाग की देखरेख में एक ठेकेदार कर रहा था।",
)
BRIDGE_PROBE = art(
    "पुल हादसा: जांच समिति गठित, ठेकेदार का भुगतान रोका",
    "नदीपुर में निर्माणाधीन पुल का स्लैब गिरने की जांच के लिए समिति बनी। लोक निर्माण विभाग"
    " ने ठेकेदार का भुगतान रोक दिया। घायल मजदूरों की हालत स्थिर है।",
)
BRIDGE_REPORT = art(
    "पुल की जांच रिपोर्ट: कमजोर सरिया से गिरा स्लैब",
    "नदीपुर पुल की जांच समिति ने रिपोर्ट सौंपी। स्लैब में कमजोर सरिया लगा था। ठेकेदार को"
    " काली सूची में डालने की सिफारिश की गई।",
)
EXAM_LEAK = art(
    "शिक्षक भर्ती परीक्षा का पेपर लीक, परीक्षा रद्द",
    "लोक सेवा आयोग ने शिक्षक भर्ती परीक्षा रद्द कर दी। प्रश्नपत्र सोशल मीडिया पर वायरल हुआ"
    " था। चार लाख अभ्यर्थी परीक्षा देने वाले थे।",
)
EXAM_ARRESTS = art(
    "पेपर लीक मामले में पांच गिरफ्तार",
    "शिक्षक भर्ती परीक्षा का प्रश्नपत्र लीक करने वाले गिरोह के पांच लोग गिरफ्तार हुए।"
    " आयोग ने परीक्षा पहले ही रद्द कर दी थी। अभ्यर्थी नाराज हैं।",
)
CRICKET = art(
    "टाइटन्स ने जीता टी20 लीग का खिताब",
    "टाइटन्स ने फाइनल में किंग्स को छह रन से हराया। कप्तान ने अर्धशतक बनाया। स्टेडियम में तीस हजार दर्शक थे।",
)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "linking.db") as database:
        yield database


async def post(
    db: Database, article: Digested, at: datetime, *, new: bool = False
) -> tuple[int, bool]:
    """What bot/posting.py does with the linking engine: (story id, joined an old story).

    `new` starts a story whatever the decision, as an admin's /split would.
    """
    decision = await placing.find_story(db, article, at)
    if new:
        decision = pure.Decision(None, decision.score)
    async with db.transaction() as tx:
        story_id = decision.story_id or await stories.create(tx, article.title, at)
        if decision.story_id is not None:
            await stories.touch(tx, story_id, at)
        await articles.insert(
            tx,
            story_id=story_id,
            article=article,
            content_hash=content_hash(article.title + article.body),
            source_url=None,
            posted_by=None,
            posted_at=at,
        )
        await placing.index_article(tx, story_id, article, at)
    return story_id, decision.story_id is not None


async def profile_size(db: Database, story_id: int) -> int | None:
    return await db.scalar("SELECT size FROM story_profiles WHERE story_id = ?", [story_id])


async def test_follow_up_joins_and_other_news_starts_a_story(db: Database) -> None:
    bridge, joined = await post(db, BRIDGE_FALLS, T0)
    assert not joined
    exam, joined = await post(db, EXAM_LEAK, T0 + timedelta(hours=2))
    assert not joined and exam != bridge
    assert await post(db, BRIDGE_PROBE, T0 + timedelta(days=1)) == (bridge, True)
    assert await post(db, EXAM_ARRESTS, T0 + timedelta(days=2)) == (exam, True)
    cricket, joined = await post(db, CRICKET, T0 + timedelta(days=2, hours=1))
    assert not joined and cricket not in (bridge, exam)
    assert await profile_size(db, bridge) == 2
    story = await stories.get(db, bridge)
    assert story is not None and story.title == BRIDGE_FALLS.title  # the first title stays


async def test_story_quiet_for_longer_than_the_window_is_not_joined(db: Database) -> None:
    bridge, _ = await post(db, BRIDGE_FALLS, T0)
    late = T0 + timedelta(days=8)
    decision = await placing.find_story(db, BRIDGE_PROBE, late)
    assert decision.story_id is None
    in_window = await placing.find_story(db, BRIDGE_PROBE, late, LinkConfig(quiet_after_days=10))
    assert in_window.story_id == bridge


async def replay_stream(path: Path, history: int) -> list[tuple[int | None, float]]:
    """Post a fixed stream on a database first holding `history` old bridge stories (outside
    the quiet window); each post's decision as (stream position of the article whose story
    it joined, or None; score)."""
    async with Database(path) as db:
        for i in range(history):
            old = art(f"नदीपुर पुल {i} की मरम्मत", f"नदीपुर पुल का स्लैब, ठेकेदार और मजदूर {i}।")
            await post(db, old, T0 - timedelta(days=60, minutes=i), new=True)
        founders: dict[int, int] = {}
        out: list[tuple[int | None, float]] = []
        stream = (BRIDGE_FALLS, EXAM_LEAK, BRIDGE_PROBE, CRICKET, EXAM_ARRESTS, BRIDGE_REPORT)
        for k, article in enumerate(stream):
            decision = await placing.find_story(db, article, T0 + timedelta(hours=k))
            story_id, _ = await post(db, article, T0 + timedelta(hours=k))
            founders.setdefault(story_id, k)
            joined = None if decision.story_id is None else founders[decision.story_id]
            out.append((joined, decision.score))
        return out


async def test_a_busy_archive_does_not_change_how_posts_link(tmp_path: Path) -> None:
    """The same posts link the same way, with the same scores, on a new database and on
    one holding 300 older stories in the same words: the decision weighs terms among the
    competing stories, never by counts over the archive."""
    fresh = await replay_stream(tmp_path / "fresh.db", 0)
    busy = await replay_stream(tmp_path / "busy.db", 300)
    assert [joined for joined, _ in fresh] == [None, None, 0, None, 1, 0]
    assert busy == fresh


async def test_rebuild_story_after_a_move(db: Database) -> None:
    bridge, _ = await post(db, BRIDGE_FALLS, T0)
    exam, _ = await post(db, EXAM_LEAK, T0 + timedelta(hours=1))
    # The admin moves the exam article into the bridge story (a wrong move, on purpose):
    # the exam story is left empty and must leave the index, the bridge story grows.
    async with db.transaction() as tx:
        await tx.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (bridge, exam))
        await placing.rebuild_story(tx, exam)
        await placing.rebuild_story(tx, bridge)
    assert await profile_size(db, exam) is None
    assert await db.scalar("SELECT count(*) FROM story_terms WHERE story_id = ?", [exam]) == 0
    assert await profile_size(db, bridge) == 2
    last = await db.scalar("SELECT last_update FROM story_profiles WHERE story_id = ?", [bridge])
    assert last == to_db(T0 + timedelta(hours=1))
    # Exam news now finds the bridge story, the only one that holds exam terms.
    decision = await placing.find_story(db, EXAM_ARRESTS, T0 + timedelta(days=1))
    assert decision.story_id == bridge
    # And after moving it back out (a /split into a new story), each story is itself again.
    async with db.transaction() as tx:
        new_story = await stories.create(tx, EXAM_LEAK.title, T0)
        await tx.execute(
            "UPDATE articles SET story_id = ? WHERE title = ?", (new_story, EXAM_LEAK.title)
        )
        await placing.rebuild_story(tx, bridge)
        await placing.rebuild_story(tx, new_story)
    assert await profile_size(db, bridge) == 1
    decision = await placing.find_story(db, EXAM_ARRESTS, T0 + timedelta(days=1))
    assert decision.story_id == new_story


async def test_rebuild_matches_incremental_indexing(db: Database) -> None:
    bridge, _ = await post(db, BRIDGE_FALLS, T0)
    await post(db, BRIDGE_PROBE, T0 + timedelta(days=1))
    await post(db, BRIDGE_REPORT, T0 + timedelta(days=2))

    async def state() -> tuple[Signature, tuple[object, ...], list[tuple[object, ...]]]:
        row = await db.fetchone(
            "SELECT signature, size, last_update FROM story_profiles WHERE story_id = ?",
            [bridge],
        )
        assert row is not None
        terms = await db.fetchall("SELECT * FROM story_terms ORDER BY story_id, term")
        return pure.deserialize(row[0]), (row[1], row[2]), [tuple(r) for r in terms]

    sig_before, meta_before, terms_before = await state()
    async with db.transaction() as tx:
        await placing.rebuild_story(tx, bridge)
    sig_after, meta_after, terms_after = await state()
    assert meta_before == meta_after == (3, to_db(T0 + timedelta(days=2)))
    assert terms_before == terms_after
    # Incremental merges start from the stored (rounded) profile: equal to 1e-4.
    assert sig_before.terms.keys() == sig_after.terms.keys()
    assert all(abs(sig_before.terms[t] - w) < 1e-4 for t, w in sig_after.terms.items())


async def test_only_stories_sharing_an_indexed_term_are_scored(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    bridge, _ = await post(db, BRIDGE_FALLS, T0)
    cricket, _ = await post(db, CRICKET, T0 + timedelta(hours=1))
    scored: list[Signature] = []
    real = pure.similarity

    def spy(a: Signature, b: Signature, idf: dict[str, float]) -> float:
        scored.append(b)
        return real(a, b, idf)

    monkeypatch.setattr(pure, "similarity", spy)
    now = T0 + timedelta(days=1)
    found = await placing.candidates(db, pure.signature(BRIDGE_PROBE), now, LinkConfig())
    assert [c.story_id for c in found] == [bridge]
    decision = await placing.find_story(db, BRIDGE_PROBE, now)
    assert decision.story_id == bridge
    assert scored
    assert all("टाइटन्स" not in s.terms for s in scored)  # the cricket story never scored
    assert cricket not in [c.story_id for c in found]


async def test_candidates_are_capped_however_many_stories_share_terms(db: Database) -> None:
    for i in range(30):
        body = f"नदीपुर पुल स्लैब मजदूर ठेकेदार घटना{i}क।"
        await post(db, art(f"पुल गिरा {i}", body), T0 + timedelta(minutes=i), new=True)
    config = LinkConfig(max_candidates=5)
    found = await placing.candidates(
        db, pure.signature(BRIDGE_PROBE), T0 + timedelta(hours=1), config
    )
    assert len(found) == 5
    assert await stories.count(db) == 30


def _schema_one_database(path: Path) -> None:
    """A database as the app left it before migration 002: schema 1 with articles."""
    sql = (resources.files("storage.migrations") / "001_initial.sql").read_text("utf-8")
    con = sqlite3.connect(path)
    con.executescript(sql)
    con.execute("PRAGMA user_version = 1")
    rows = [(1, BRIDGE_FALLS, T0), (1, BRIDGE_PROBE, T0 + timedelta(days=1)), (2, CRICKET, T0)]
    for story_id, title in ((1, BRIDGE_FALLS.title), (2, CRICKET.title)):
        con.execute(
            "INSERT INTO stories (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
            (story_id, title, to_db(T0), to_db(T0)),
        )
    for story_id, article, at in rows:
        con.execute(
            "INSERT INTO articles (story_id, content_hash, title, body, summary, facts,"
            " posted_at) VALUES (?, ?, ?, ?, ?, '[]', ?)",
            (story_id, article.title, article.title, article.body, article.summary, to_db(at)),
        )
    con.commit()
    con.close()


async def test_backfill_indexes_articles_stored_by_schema_one(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _schema_one_database(path)
    async with database(path) as db:  # migration 002 leaves the marker, open() backfills
        assert (
            await db.scalar("SELECT value FROM link_meta WHERE name = 'backfill_pending'") is None
        )
        assert await profile_size(db, 1) == 2
        assert await profile_size(db, 2) == 1
        decision = await placing.find_story(db, BRIDGE_REPORT, T0 + timedelta(days=2))
        assert decision.story_id == 1
        assert await placing.backfill(db) == 0  # nothing left to do
        # Run by hand again (the marker set anew), it rebuilds the same index.
        before = [tuple(r) for r in await db.fetchall("SELECT * FROM story_terms")]
        await db.execute("INSERT INTO link_meta (name, value) VALUES ('backfill_pending', 1)")
        assert await placing.backfill(db) == 2
        assert [tuple(r) for r in await db.fetchall("SELECT * FROM story_terms")] == before


async def test_fresh_database_needs_no_backfill(db: Database) -> None:
    assert await placing.backfill(db) == 0
