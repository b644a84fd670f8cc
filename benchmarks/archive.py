"""A realistic news archive and readership for the morning-tick benchmark, built with SQL.

Posting 100k articles through the text pipeline would take hours; the digest tick only reads
what posting stored (titles, summaries, facts, story threads, what each reader received), so
the rows are written directly with executemany and INSERT ... SELECT, from a handful of
real-looking Hindi templates with varying numbers, places and names.

Shape (defaults): 100k articles stored; 1,000 stories with articles in the 3-day digest
window (1,300 articles there; a fifth of those stories continue an older thread); each
reader received the top stories of the two earlier mornings and some older history; 10% of
readers follow three running stories and were given their earlier articles.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from storage.db import Database
from storage.timeutil import to_db

TITLES = [
    "{place} में मेट्रो की नई लाइन शुरू, {n} स्टेशन जुड़े",
    "{place}: मानसून से {n} गाँवों में बाढ़, राहत कार्य जारी",
    "क्रिकेट: भारत ने {n} रन से मैच जीता",
    "{place} के स्कूलों में {n} नई किताबें बाँटी गईं",
    "बिजली के दाम पर आयोग का फ़ैसला, {n} लाख उपभोक्ताओं पर असर",
    "{place} में सड़क हादसा, {n} लोग घायल",
    "{name} ने {place} में नई योजना की घोषणा की",
]
SUMMARIES = [
    "{place} में {weekday} को {n} करोड़ रुपये की परियोजना का उद्घाटन हुआ। {name} ने कहा कि"
    " इससे रोज़ाना हज़ारों लोगों को फ़ायदा होगा।",
    "मौसम विभाग के अनुसार {place} और आसपास के ज़िलों में अगले {n} दिन भारी बारिश हो सकती है।"
    " प्रशासन ने लोगों से सावधान रहने की अपील की है।",
    "{name} की अगुवाई में टीम ने {place} में खेले गए मुक़ाबले में {n} रन बनाए। दर्शकों ने स्टेडियम में जमकर जश्न मनाया।",
    "राज्य सरकार ने {place} के {n} स्कूलों के लिए नई सुविधाओं को मंज़ूरी दी। शिक्षा मंत्री"
    " {name} ने इसे बड़ा क़दम बताया।",
]
PLACES = ["दिल्ली", "मुंबई", "लखनऊ", "पटना", "जयपुर", "भोपाल", "कोलकाता", "चेन्नई", "पुणे"]
NAMES = ["नरेंद्र मोदी", "राहुल गांधी", "योगी आदित्यनाथ", "नीतीश कुमार", "ममता बनर्जी"]
WEEKDAYS = ["सोमवार", "मंगलवार", "बुधवार", "गुरुवार", "शुक्रवार", "शनिवार", "रविवार"]
WINDOW = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class Shape:
    stored: int = 100_000
    window_stories: int = 1_000
    # Stories in the window with a second article there, and ones continuing an older thread.
    window_second: float = 0.3
    window_continued: float = 0.2
    followers: float = 0.1
    follows_each: int = 3
    history: int = 20  # older articles each reader was given


def _article(rng: random.Random, story: int, n: int, at: datetime) -> tuple[object, ...]:
    fill = {
        "place": rng.choice(PLACES),
        "name": rng.choice(NAMES),
        "weekday": rng.choice(WEEKDAYS),
        "n": rng.randint(2, 900),
    }
    facts = [
        {"kind": "when", "text": f"{fill['weekday']} को"},
        {"kind": "number", "text": f"{rng.randint(2, 900)} करोड़ रुपये"},
        {"kind": "who", "text": fill["name"]},
        {"kind": "where", "text": fill["place"]},
    ]
    summary = rng.choice(SUMMARIES).format(**fill)
    return (
        story,
        f"bench-{n}",
        rng.choice(TITLES).format(**fill),
        summary,
        summary,
        json.dumps(facts[: rng.randint(2, 4)], ensure_ascii=False),
        f"https://example.com/khabar/{n}",
        to_db(at),
    )


async def build_archive(path: Path, now: datetime, shape: Shape, seed: int = 7) -> None:
    """Stories and articles only; `add_readers` adds a readership to a copy of it."""
    rng = random.Random(seed)
    window_start = now - WINDOW
    window_articles = int(shape.window_stories * (1 + shape.window_second))
    continued = int(shape.window_stories * shape.window_continued)
    old_articles = shape.stored - window_articles
    # Older threads: about three articles each over the year before the window.
    old_stories = max(continued, old_articles // 3)
    rows: list[tuple[object, ...]] = []
    story_times: dict[int, datetime] = {}
    for n in range(old_articles):
        story = 1 + (n % old_stories)
        at = window_start - timedelta(minutes=rng.randint(1, 365 * 24 * 60))
        story_times[story] = max(story_times.get(story, at), at)
        rows.append(_article(rng, story, n, at))
    # Window stories: the first `continued` carry on the newest older threads.
    newest_old = sorted(story_times, key=story_times.__getitem__, reverse=True)[:continued]
    fresh = range(old_stories + 1, old_stories + 1 + shape.window_stories - continued)
    window_story_ids = [*newest_old, *fresh]
    for i in range(window_articles):
        story = window_story_ids[i % len(window_story_ids)]
        at = now - timedelta(minutes=rng.randint(1, int(WINDOW.total_seconds() // 60) - 1))
        story_times[story] = max(story_times.get(story, at), at)
        rows.append(_article(rng, story, old_articles + i, at))
    async with Database(path) as db:
        async with db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO stories (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
                [(s, "कहानी", to_db(at), to_db(at)) for s, at in story_times.items()],
            )
            await tx.executemany(
                "INSERT INTO articles (story_id, content_hash, title, body, summary, facts,"
                " source_url, posted_by, posted_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)",
                rows,
            )
            await tx.execute(
                "UPDATE stories SET title = (SELECT a.title FROM articles a"
                " WHERE a.story_id = stories.id ORDER BY a.posted_at DESC, a.id DESC LIMIT 1)"
            )
        await db.conn.execute("ANALYZE")


async def add_readers(path: Path, now: datetime, size: int, shape: Shape) -> None:
    """`size` subscribers due at `now`, with what earlier mornings gave them and follows."""
    window_start = to_db(now - WINDOW)
    yesterday = to_db(now - timedelta(days=1))
    first, stamp = 100_000_000, to_db(now - timedelta(days=1))
    async with Database(path) as db:
        for start in range(0, size, 20_000):
            chunk = range(first + start, first + min(size, start + 20_000))
            async with db.transaction() as tx:
                await tx.executemany(
                    "INSERT INTO subscribers (chat_id, first_name, active, digest_time, tz,"
                    " next_digest_at, last_digest_at, created_at, updated_at)"
                    " VALUES (?, 'पाठक', 1, '07:00', 'Asia/Kolkata', ?, ?, ?, ?)",
                    [(c, to_db(now), stamp, stamp, stamp) for c in chunk],
                )
        async with db.transaction() as tx:
            # The two earlier mornings: the 20 most recent stories before yesterday's 07:00.
            await tx.execute(
                "CREATE TEMP TABLE given AS SELECT a.id FROM articles a WHERE a.story_id IN"
                " (SELECT story_id FROM articles WHERE posted_at >= ? AND posted_at < ?"
                "  GROUP BY story_id ORDER BY max(posted_at) DESC LIMIT 20)"
                " UNION SELECT id FROM (SELECT id FROM articles WHERE posted_at < ?"
                "  ORDER BY posted_at DESC LIMIT ?)",
                (window_start, yesterday, window_start, shape.history),
            )
            await tx.execute(
                "INSERT INTO received (chat_id, article_id, delivery_id, received_at)"
                " SELECT s.chat_id, g.id, NULL, ? FROM subscribers s CROSS JOIN given g",
                (stamp,),
            )
            # Followers follow running threads (window stories with older articles) and
            # were given those older articles, so their cards show only what is new.
            await tx.execute(
                "CREATE TEMP TABLE running AS SELECT story_id, row_number() OVER"
                " (ORDER BY story_id) - 1 AS n FROM articles GROUP BY story_id"
                " HAVING min(posted_at) < ? AND max(posted_at) >= ?",
                (window_start, window_start),
            )
            every = max(1, round(1 / shape.followers))
            await tx.execute(
                "CREATE TEMP TABLE followed AS SELECT s.chat_id, r.story_id FROM subscribers s"
                " JOIN running r ON ((r.n - s.chat_id) % (SELECT count(*) FROM running)"
                " + (SELECT count(*) FROM running)) % (SELECT count(*) FROM running) < ?"
                " WHERE s.chat_id % ? = 0",
                (shape.follows_each, every),
            )
            await tx.execute(
                "INSERT INTO follows (chat_id, story_id, created_at)"
                " SELECT chat_id, story_id, ? FROM followed",
                (stamp,),
            )
            await tx.execute(
                "INSERT INTO received (chat_id, article_id, delivery_id, received_at)"
                " SELECT f.chat_id, a.id, NULL, ? FROM followed f JOIN articles a"
                " ON a.story_id = f.story_id WHERE a.posted_at < ? ON CONFLICT DO NOTHING",
                (stamp, window_start),
            )
        await db.conn.execute("ANALYZE")
