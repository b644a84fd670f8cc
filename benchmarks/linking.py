"""Time to place one new article among 1k, 10k and 100k stored articles.

    python benchmarks/linking.py [--sizes 1000 10000 100000] [--probes 200]

For each size a temporary SQLite file is filled with generated articles: words drawn from a
Zipf-like vocabulary of 60k synthetic Devanagari words (the shape of real word frequencies),
each story with its own rarer topic words and names, 1-6 articles per story, 50 articles a
day so the archive spans 2k days at 100k. The fill writes the same rows index_article writes
(profiles built with the real signature/merge), in bulk, so that 100k loads in seconds.

Then `--probes` new articles (half continuing a story of the last week, half new topics) are
placed one at a time, as posting does: find_story, then one transaction that inserts the
story/article rows and calls index_article. Reported per size: median and p95 of find_story
alone and of the whole placement, in milliseconds, and how often find_story's decision equals
a full scan of every story in the quiet window ("=scan"). Target: under 5 ms at 100k.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.linking import find_story, index_article
from digests.linking import (
    Candidate,
    Decision,
    LinkConfig,
    Signature,
    choose,
    deserialize,
    merge,
    serialize,
    signature,
)
from digests.model import Digested
from storage import articles, stories
from storage.db import Database
from storage.linking import index_terms
from storage.timeutil import to_db

PER_DAY = 50
VOCAB = 60_000
START = datetime(2021, 1, 1, tzinfo=UTC)

_CONSONANTS = "कखगघचछजझटठडढतथदधनपफबभमयरलवशसह"
_VOWEL_SIGNS = ["", "ा", "ि", "ी", "ु", "ू", "े", "ै", "ो", "ौ"]


def _vocabulary(rng: random.Random) -> list[str]:
    """VOCAB distinct pseudo-Hindi words of 2-4 syllables ending in a consonant (so the
    stemmer leaves them whole, as it does most nouns)."""
    words: set[str] = set()
    while len(words) < VOCAB:
        n = rng.randint(2, 4)
        syllables = [rng.choice(_CONSONANTS) + rng.choice(_VOWEL_SIGNS) for _ in range(n - 1)]
        words.add("".join(syllables) + rng.choice(_CONSONANTS))
    return sorted(words)


@dataclass
class Generator:
    rng: random.Random
    vocab: list[str]
    cumulative: list[float]

    @classmethod
    def make(cls, seed: int) -> Generator:
        rng = random.Random(seed)
        vocab = _vocabulary(rng)
        rng.shuffle(vocab)
        weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(vocab))]
        total, cumulative = 0.0, []
        for w in weights:
            total += w
            cumulative.append(total)
        return cls(rng, vocab, cumulative)

    def common(self, k: int) -> list[str]:
        return self.rng.choices(self.vocab, cum_weights=self.cumulative, k=k)

    def topic(self) -> list[str]:
        """A story's own words: rarer vocabulary (ranks 1k-60k) plus two names."""
        words = self.rng.sample(self.vocab[1000:], 10)
        names = [f"{self.rng.choice(self.vocab[5000:])}{self.rng.choice('नमरल')}" for _ in range(2)]
        return words + names

    def article(self, topic: list[str]) -> Digested:
        title = self.rng.sample(topic, 4) + self.common(4)
        self.rng.shuffle(title)
        body = self.rng.choices(topic, k=50) + self.common(90)
        self.rng.shuffle(body)
        sentences = [" ".join(body[i : i + 14]) + "।" for i in range(0, len(body), 14)]
        return Digested(" ".join(title), "\n\n".join(sentences), sentences[0], ())


async def fill(db: Database, gen: Generator, size: int) -> tuple[datetime, list[list[str]]]:
    """Store `size` articles in stories; returns the last time and the recent topics."""
    recent: list[tuple[datetime, list[str]]] = []
    story_rows, article_rows, profile_rows, term_rows = [], [], [], []
    n = 0
    story_id = 0
    while n < size:
        story_id += 1
        topic = gen.topic()
        profile: Signature | None = None
        count = min(size - n, gen.rng.choice((1, 1, 1, 2, 2, 3, 4, 6)))
        first = START + timedelta(days=n / PER_DAY)
        last = first
        for k in range(count):
            at = START + timedelta(days=(n + k * 7) / PER_DAY)  # spread over the next hours
            article = gen.article(topic)
            sig = signature(article)
            profile = sig if profile is None else merge(profile, sig, k)
            article_rows.append(
                (story_id, f"h{story_id}-{k}", article.title, article.body, article.summary,
                 "[]", to_db(at))
            )  # fmt: skip
            last = max(last, at)
        n += count
        assert profile is not None
        story_rows.append((story_id, article_rows[-count][2], to_db(first), to_db(last)))
        profile_rows.append((story_id, serialize(profile), count, to_db(last)))
        term_rows += [(story_id, t, to_db(last)) for t in index_terms(profile)]
        recent.append((last, topic))
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO stories (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
            story_rows,
        )
        await tx.executemany(
            "INSERT INTO articles (story_id, content_hash, title, body, summary, facts,"
            " posted_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            article_rows,
        )
        await tx.executemany(
            "INSERT INTO story_profiles (story_id, signature, size, last_update)"
            " VALUES (?, ?, ?, ?)",
            profile_rows,
        )
        await tx.executemany(
            "INSERT INTO story_terms (story_id, term, last_update) VALUES (?, ?, ?)", term_rows
        )
    await db.execute("ANALYZE")
    end = max(t for t, _ in recent)
    week = [topic for t, topic in recent if end - t < timedelta(days=6)]
    return end, week


async def place(db: Database, article: Digested, now: datetime, key: str) -> tuple[float, float]:
    """Place one article as posting does; returns (find_story ms, whole placement ms)."""
    t0 = time.perf_counter()
    decision = await find_story(db, article, now)
    t1 = time.perf_counter()
    async with db.transaction() as tx:
        story_id = decision.story_id
        if story_id is None:
            story_id = await stories.create(tx, article.title, now)
        else:
            await stories.touch(tx, story_id, now)
        await articles.insert(
            tx,
            story_id=story_id,
            article=article,
            content_hash=key,
            source_url=None,
            posted_by=None,
            posted_at=now,
        )
        await index_article(tx, story_id, article, now)
    t2 = time.perf_counter()
    return (t1 - t0) * 1000, (t2 - t0) * 1000


async def full_scan(db: Database, article: Digested, now: datetime) -> Decision:
    """The decision without the index: every story of the quiet window scored (not timed;
    checks that looking up a few distinctive terms finds what a full scan would)."""
    config = LinkConfig()
    since = to_db(now - timedelta(days=config.quiet_after_days))
    rows = await db.fetchall(
        "SELECT story_id, signature, last_update FROM story_profiles WHERE last_update >= ?",
        [since],
    )
    found = [Candidate(r[0], deserialize(r[1]), datetime.fromisoformat(r[2])) for r in rows]
    return choose(signature(article), found, now, config)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def run_size(size: int, probes: int, workdir: Path) -> dict[str, float]:
    gen = Generator.make(seed=size)
    async with Database(workdir / f"bench-{size}.db") as db:
        t0 = time.perf_counter()
        end, week = await fill(db, gen, size)
        fill_s = time.perf_counter() - t0
        finds, totals, joined, agree = [], [], 0, 0
        now = end + timedelta(hours=1)
        for i in range(probes):
            topic = gen.rng.choice(week) if i % 2 == 0 and week else gen.topic()
            article = gen.article(topic)
            before = await db.scalar("SELECT count(*) FROM stories")
            scan = await full_scan(db, article, now)
            agree += scan.story_id == (await find_story(db, article, now)).story_id
            find_ms, total_ms = await place(db, article, now, f"probe-{i}")
            joined += await db.scalar("SELECT count(*) FROM stories") == before
            finds.append(find_ms)
            totals.append(total_ms)
            now += timedelta(minutes=10)
        db_mb = Path(db.path).stat().st_size / 1e6
    return {
        "size": size,
        "fill_s": fill_s,
        "db_mb": db_mb,
        "find_median": statistics.median(finds),
        "find_p95": _p95(finds),
        "place_median": statistics.median(totals),
        "place_p95": _p95(totals),
        "joined": joined / probes,
        "agree": agree / probes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--probes", type=int, default=200)
    args = parser.parse_args()
    print(f"placing {args.probes} new articles per archive size (half continue a story)")
    print(
        f"{'stored':>8} {'db MB':>6} {'fill s':>6} {'find med':>8} {'find p95':>8}"
        f" {'place med':>9} {'place p95':>9} {'joined':>6} {'=scan':>6}   (times in ms)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            r = asyncio.run(run_size(size, args.probes, Path(tmp)))
            print(
                f"{r['size']:>8} {r['db_mb']:6.1f} {r['fill_s']:6.1f} {r['find_median']:8.2f}"
                f" {r['find_p95']:8.2f} {r['place_median']:9.2f} {r['place_p95']:9.2f}"
                f" {r['joined']:6.0%} {r['agree']:6.0%}"
            )


if __name__ == "__main__":
    main()
