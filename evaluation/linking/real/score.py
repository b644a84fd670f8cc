"""Replay the real-news set as a posting stream and score the stories it builds, pair by pair.

    python evaluation/linking/real/score.py --dev ../shared/eval/dev.jsonl [--set set.tsv]
        [--seed N] [--half A|B|all] [--threshold T] [--baseline] [--crossval]
        [--core] [--background N] [-v]

The stream: every article of set.tsv (all of dev.jsonl), or one half of it, in an order
shuffled by --seed, posted at synthetic times starting STREAM_START and spaced
min(10 minutes, 6 days / n) apart, so the whole stream falls inside the 7-day quiet window:
what is measured is content matching, never the window. --core keeps only the articles of
events with two or more articles and the distractors (a stream as dense in continuations
as a set built around stories; without it, about 600 unrelated single articles come too).

The current linker is replayed through the real posting path on a temporary SQLite file:
digest_article, bot.linking.find_story, then (as bot/posting.py does) a new story or the
chosen one, the article row and index_article in one transaction. An article whose digested
body repeats a stored one is a duplicate and lands in that article's story, as posting does.

--baseline instead joins each article to the earlier article it shares most content words
with (cosine of TF-IDF vectors over digests.linking.terms_of of headline and body, idf from
the replayed articles) when that cosine reaches --threshold; otherwise it starts a story.

Scores are pairwise over articles: a predicted pair is two articles in one final story, a
gold pair two articles with one event label; precision, recall and F1 of predicted against
gold. -v names every wrong merge (a story holding several events) and wrong split (an event
spread over several stories) with its headlines.

Halves: EVENTS are split, not articles. Multi-article events are ordered by the SHA-1 of
their slug and dealt alternately to A and B; a distractor (note `distractor:EVENT`) goes to
the half of the event it resembles, so each half keeps its hard cases; the remaining single
articles are dealt alternately the same way. The split is the same on every run.

--crossval replays both streams (the full one and --core's) of each half at every threshold
of the sweep, picks the threshold with the best mean F1 of the two streams on one half and
reports it on the other (both ways), for the current linker and the baseline; --core and
--half do not apply to it.

--background N first stores N synthetic articles 60 to 90 days before the stream (outside
the quiet window: never candidates, they only change the archive's statistics). Each is a
mutation of a dev article: a random subset of its sentences plus one or two sentences of
another dev article, shuffled, under its headline with a word dropped. The stream is then
replayed on an empty and on the primed archive and the share of link decisions (new story,
or the story started by which stream article) that agree is reported.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import hashlib
import itertools
import json
import math
import random
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.linking import find_story, index_article
from bot.posting import store_article
from digests.article import ArticleError, content_hash, digest_article
from digests.linking import DEFAULT_THRESHOLD, LinkConfig, terms_of
from digests.model import Digested
from storage import articles, stories
from storage.db import Database

HERE = Path(__file__).resolve().parent
STREAM_START = datetime(2024, 1, 1, 6, 0, tzinfo=UTC)
STREAM_SPAN = timedelta(days=6)
STREAM_STEP = timedelta(minutes=10)
BACKGROUND_AGE = timedelta(days=60)
LINKER_SWEEP = (0.08, 0.10, 0.12, 0.14, 0.16, 0.18, 0.20, 0.22, 0.24, 0.26, 0.28, 0.30, 0.32, 0.35)
BASELINE_SWEEP = (0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50, 0.60)
BASELINE_THRESHOLD = 0.30


@dataclass(frozen=True)
class Label:
    event: str
    note: str

    @property
    def distracts(self) -> str | None:
        """The event this single article was chosen to resemble, if it is a distractor."""
        if not self.note.startswith("distractor:"):
            return None
        return self.note.removeprefix("distractor:").split()[0]


@dataclass(frozen=True)
class Item:
    key: str
    at: datetime
    article: Digested


@dataclass
class Run:
    """Final story of every article, and every link decision (None: a new story; else the
    stream article that started the story joined)."""

    story: dict[str, int] = field(default_factory=dict)
    decision: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Score:
    predicted: int
    gold: int
    right: int

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self) -> str:
        return (
            f"P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}"
            f"  (pairs: predicted {self.predicted}, gold {self.gold}, right {self.right})"
        )


# --- the set ------------------------------------------------------------------------------


def read_labels(path: Path) -> dict[str, Label]:
    with path.open(encoding="utf-8", newline="") as f:
        return {
            row["id"]: Label(row["event"], row.get("note") or "")
            for row in csv.DictReader(f, delimiter="\t")
        }


def read_dev(path: Path) -> dict[str, dict[str, str]]:
    rows = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            rows[row["id"]] = row
    return rows


def _hash(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


def halves(labels: Mapping[str, Label]) -> dict[str, str]:
    """Half ("A" or "B") of every event, as the module docstring describes."""
    sizes = Counter(label.event for label in labels.values())
    multi = sorted((e for e, n in sizes.items() if n > 1), key=_hash)
    half = {event: "AB"[i % 2] for i, event in enumerate(multi)}
    rest = []
    for label in labels.values():
        if label.event in half:
            continue
        target = label.distracts
        if target in half:
            half[label.event] = half[target]
        else:
            rest.append(label.event)
    for i, event in enumerate(sorted(set(rest), key=_hash)):
        half[event] = "AB"[i % 2]
    return half


def stream_order(keys: Iterable[str], seed: int) -> list[tuple[str, datetime]]:
    """The keys in a seeded shuffled order, with posting times inside STREAM_SPAN."""
    order = sorted(keys)
    random.Random(seed).shuffle(order)
    step = min(STREAM_STEP, STREAM_SPAN / max(len(order), 1))
    return [(key, STREAM_START + i * step) for i, key in enumerate(order)]


def digest_all(dev: Mapping[str, Mapping[str, str]], keys: Iterable[str]) -> dict[str, Digested]:
    """Digested articles by key; an article posting would refuse is left out (and named)."""
    out = {}
    for key in keys:
        row = dev[key]
        try:
            out[key] = digest_article(row["text"], row["title"])
        except ArticleError as err:
            print(f"skipped {key}: {err}", file=sys.stderr)
    return out


# --- replays ------------------------------------------------------------------------------


async def _store(db: Database, story_id: int | None, article: Digested, at: datetime) -> int:
    """Store as a post does (bot.posting.store_article); returns the story it landed in."""
    stored = await store_article(db, article, story_id, source_url=None, posted_by=None, now=at)
    return stored.story_id


async def _prime(db: Database, background: Sequence[Digested], before: datetime) -> None:
    """Store and index the background articles, one story each, in a few big transactions."""
    for start in range(0, len(background), 500):
        async with db.transaction() as tx:
            for i, article in enumerate(background[start : start + 500], start):
                at = before - BACKGROUND_AGE - timedelta(minutes=4 * i)
                story_id = await stories.create(tx, article.title, at)
                await articles.insert(
                    tx,
                    story_id=story_id,
                    article=article,
                    content_hash=f"background-{i}-{content_hash(article.body)}",
                    source_url=None,
                    posted_by=None,
                    posted_at=at,
                )
                await index_article(tx, story_id, article, at)


async def replay_linker(
    items: Sequence[Item],
    threshold: float,
    path: Path,
    background: Sequence[Digested] = (),
) -> Run:
    config = LinkConfig(threshold=threshold)
    run = Run()
    founder: dict[int, str] = {}
    by_hash: dict[str, int] = {}
    async with Database(path) as db:
        if background:
            await _prime(db, background, items[0].at)
        for item in items:
            digest_hash = content_hash(item.article.body)
            if digest_hash in by_hash:  # posting answers "already stored" and keeps its story
                story_id = by_hash[digest_hash]
                run.story[item.key] = story_id
                run.decision[item.key] = founder[story_id]
                continue
            decision = await find_story(db, item.article, item.at, config)
            story_id = await _store(db, decision.story_id, item.article, item.at)
            founder.setdefault(story_id, item.key)
            by_hash[digest_hash] = story_id
            run.story[item.key] = story_id
            run.decision[item.key] = None if decision.story_id is None else founder[story_id]
    return run


def tfidf_vectors(items: Sequence[Item]) -> dict[str, dict[str, float]]:
    """L2-normalised TF-IDF vectors of headline + body content words, idf over `items`."""
    counts = {i.key: Counter(terms_of(f"{i.article.title}\n{i.article.body}")) for i in items}
    df: Counter[str] = Counter()
    for c in counts.values():
        df.update(c.keys())
    n = len(items)
    vectors = {}
    for key, c in counts.items():
        vec = {t: (1 + math.log(k)) * (math.log((n + 1) / (df[t] + 1)) + 1) for t, k in c.items()}
        norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
        vectors[key] = {t: w / norm for t, w in vec.items()}
    return vectors


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def replay_baseline(
    items: Sequence[Item], threshold: float, vectors: Mapping[str, Mapping[str, float]]
) -> Run:
    run = Run()
    founder: dict[int, str] = {}
    earlier: list[str] = []
    for item in items:
        best, best_score = None, -1.0
        for other in earlier:
            score = cosine(vectors[item.key], vectors[other])
            if score > best_score:
                best, best_score = other, score
        if best is not None and best_score >= threshold:
            story_id = run.story[best]
            run.decision[item.key] = founder[story_id]
        else:
            story_id = len(founder) + 1
            founder[story_id] = item.key
            run.decision[item.key] = None
        run.story[item.key] = story_id
        earlier.append(item.key)
    return run


# --- scoring ------------------------------------------------------------------------------


def _pairs(groups: Mapping[str, object]) -> set[tuple[str, str]]:
    members: dict[object, list[str]] = defaultdict(list)
    for key, group in groups.items():
        members[group].append(key)
    out: set[tuple[str, str]] = set()
    for keys in members.values():
        out.update(itertools.combinations(sorted(keys), 2))
    return out


def score(run: Run, gold: Mapping[str, str]) -> Score:
    predicted, wanted = _pairs(run.story), _pairs({k: gold[k] for k in run.story})
    return Score(len(predicted), len(wanted), len(predicted & wanted))


def bcubed(run: Run, gold: Mapping[str, str]) -> tuple[float, float]:
    """B-cubed precision and recall: per-article shares, averaged over articles, so one big
    event (the farmers' protest has 26 articles, 325 pairs) does not outweigh all others."""
    story_of, keys = run.story, list(run.story)
    by_story: Counter[int] = Counter(story_of.values())
    by_event: Counter[str] = Counter(gold[k] for k in keys)
    both: Counter[tuple[int, str]] = Counter((story_of[k], gold[k]) for k in keys)
    p = sum(both[story_of[k], gold[k]] / by_story[story_of[k]] for k in keys) / len(keys)
    r = sum(both[story_of[k], gold[k]] / by_event[gold[k]] for k in keys) / len(keys)
    return p, r


def report(name: str, run: Run, gold: Mapping[str, str]) -> str:
    p, r = bcubed(run, gold)
    return f"{name}: {score(run, gold).line()}\n{' ' * len(name)}  B-cubed P {p:.3f}  R {r:.3f}"


def errors(run: Run, gold: Mapping[str, str], titles: Mapping[str, str]) -> list[str]:
    """Wrong merges (stories holding several events) and wrong splits (events spread over
    several stories), with the headlines of the articles concerned."""
    by_story: dict[int, list[str]] = defaultdict(list)
    by_event: dict[str, list[str]] = defaultdict(list)
    for key, story_id in run.story.items():
        by_story[story_id].append(key)
        by_event[gold[key]].append(key)
    lines = []
    for story_id, keys in sorted(by_story.items()):
        events = {gold[k] for k in keys}
        if len(events) > 1:
            lines.append(f"WRONG MERGE story #{story_id}: {', '.join(sorted(events))}")
            lines += [f"    {gold[k]:36.36} {k:18} {titles[k][:70]}" for k in keys]
    for event, keys in sorted(by_event.items()):
        parts = {run.story[k] for k in keys}
        if len(parts) > 1:
            lines.append(f"WRONG SPLIT {event}: {len(keys)} articles in {len(parts)} stories")
            lines += [f"    #{run.story[k]:<5} {k:18} {titles[k][:70]}" for k in keys]
    return lines


# --- background ---------------------------------------------------------------------------


def _sentences(text: str) -> list[str]:
    parts = [s.strip() for s in text.replace("\n", " ").split("।")]
    return [s + "।" for s in parts if len(s.split()) >= 3]


def background_articles(pool: Sequence[Digested], n: int, seed: int) -> list[Digested]:
    """N mutations of the pool's articles (see the module docstring); linking reads only the
    headline and body, so summary and facts are left empty rather than recomputed."""
    rng = random.Random(f"background-{seed}")
    out = []
    for i in range(n):
        base = pool[i % len(pool)]
        other = pool[rng.randrange(len(pool))]
        own = _sentences(base.body) or [base.body]
        kept = rng.sample(own, max(1, round(len(own) * rng.uniform(0.5, 0.8))))
        foreign = _sentences(other.body)
        kept += rng.sample(foreign, min(len(foreign), rng.randint(1, 2)))
        rng.shuffle(kept)
        words = base.title.split()
        if len(words) > 3:
            del words[rng.randrange(len(words))]
        out.append(Digested(title=" ".join(words), body=" ".join(kept), summary="", facts=()))
    return out


# --- driver -------------------------------------------------------------------------------


def _items(digested: Mapping[str, Digested], keys: Iterable[str], seed: int) -> list[Item]:
    return [Item(k, at, digested[k]) for k, at in stream_order(keys, seed) if k in digested]


def _crossval(
    name: str,
    streams: Mapping[str, Mapping[str, list[Item]]],
    gold: Mapping[str, str],
    sweep: Sequence[float],
    run_at: Callable[[Sequence[Item], float], Run],
) -> None:
    """Sweep each stream ("full", "core") of each half; choose a threshold on one half by
    the mean F1 of its two streams and report it on the other half, both ways."""
    table = {
        (stream, h): {t: score(run_at(items, t), gold) for t in sweep}
        for stream, by_half in streams.items()
        for h, items in by_half.items()
    }
    for stream in streams:
        print(f"\n{name}, {stream} stream: threshold sweep")
        for t in sweep:
            print(f"  {t:5.2f}  A {table[stream, 'A'][t].line()}")
            print(f"         B {table[stream, 'B'][t].line()}")

    def criterion(h: str, t: float) -> float:
        return sum(table[stream, h][t].f1 for stream in streams) / len(streams)

    for tuned, held in (("A", "B"), ("B", "A")):
        best = max(sweep, key=lambda t: (criterion(tuned, t), -t))
        print(f"{name}: chosen on {tuned}: {best:.2f} (mean F1 {criterion(tuned, best):.3f})")
        for stream in streams:
            print(f"    held-out {held}, {stream:4} stream: {table[stream, held][best].line()}")
    pooled = max(sweep, key=lambda t: (criterion("A", t) + criterion("B", t), -t))
    print(f"{name}: best on both halves together: {pooled:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", type=Path, required=True, help="path to dev.jsonl")
    parser.add_argument("--set", type=Path, default=HERE / "set.tsv")
    parser.add_argument("--seed", type=int, default=1, help="stream order")
    parser.add_argument("--half", choices=("A", "B", "all"), default="all")
    parser.add_argument("--threshold", type=float, help="join threshold (default: shipped)")
    parser.add_argument("--baseline", action="store_true", help="score the naive baseline")
    parser.add_argument("--crossval", action="store_true", help="tune on one half, test other")
    parser.add_argument(
        "--core", action="store_true", help="only articles of 2+ article events and distractors"
    )
    parser.add_argument("--background", type=int, default=0, metavar="N", help="drift check")
    parser.add_argument("-v", "--verbose", action="store_true", help="name merges and splits")
    args = parser.parse_args(argv)
    if args.background and (args.baseline or args.crossval):
        parser.error("--background measures the linker's archive: not with --baseline/--crossval")
    if args.crossval and (args.core or args.half != "all"):
        parser.error("--crossval replays both streams of both halves: not with --core/--half")

    labels = read_labels(args.set)
    dev = read_dev(args.dev)
    missing = labels.keys() - dev.keys()
    if missing:
        raise SystemExit(f"{len(missing)} labelled ids are not in {args.dev}")
    gold = {k: label.event for k, label in labels.items()}
    titles = {k: dev[k]["title"] for k in labels}
    half = halves(labels)
    digested = digest_all(dev, sorted(labels))
    sizes = Counter(gold.values())
    core = {k for k, lab in labels.items() if sizes[lab.event] > 1 or lab.distracts}
    kept = [k for k in labels if k in core or not args.core]
    keys_of = {h: [k for k in kept if half[gold[k]] == h] for h in "AB"}
    keys_of["all"] = kept

    with tempfile.TemporaryDirectory() as tmp:
        counter = itertools.count()

        def linker(items: Sequence[Item], t: float, bg: Sequence[Digested] = ()) -> Run:
            path = Path(tmp) / f"replay-{next(counter)}.db"
            return asyncio.run(replay_linker(items, t, path, bg))

        def baseline(items: Sequence[Item], t: float) -> Run:
            return replay_baseline(items, t, tfidf_vectors(items))

        if args.crossval:
            streams = {
                stream: {
                    h: _items(digested, [k for k in keys if half[gold[k]] == h], args.seed)
                    for h in "AB"
                }
                for stream, keys in (("full", sorted(labels)), ("core", sorted(core)))
            }
            for stream, by_half in streams.items():
                sizes = {h: (len(v), len({gold[i.key] for i in v})) for h, v in by_half.items()}
                print(f"{stream} stream, halves (articles, events): {sizes}; seed {args.seed}")
            _crossval("linker", streams, gold, LINKER_SWEEP, linker)
            _crossval("baseline", streams, gold, BASELINE_SWEEP, baseline)
            return 0

        items = _items(digested, keys_of[args.half], args.seed)
        events = Counter(gold[i.key] for i in items)
        print(
            f"half {args.half}: {len(items)} articles, {len(events)} events"
            f" ({sum(1 for n in events.values() if n > 1)} with 2+ articles); seed {args.seed};"
            f" stream {items[0].at:%Y-%m-%d %H:%M} .. {items[-1].at:%Y-%m-%d %H:%M} UTC"
        )
        if args.baseline:
            threshold = BASELINE_THRESHOLD if args.threshold is None else args.threshold
            run = baseline(items, threshold)
            print(report(f"baseline (TF-IDF cosine >= {threshold})", run, gold))
        else:
            threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
            run = linker(items, threshold)
            print(report(f"linker (threshold {threshold})", run, gold))
        if args.verbose:
            print("\n".join(errors(run, gold, titles)))
        if args.background:
            pool = [digested[k] for k in sorted(digested)]
            background = background_articles(pool, args.background, args.seed)
            primed = linker(items, threshold, background)
            print(report(f"linker after {len(background)} background articles", primed, gold))
            same = sum(run.decision[k] == primed.decision[k] for k in run.decision)
            joins = [k for k in run.decision if run.decision[k] or primed.decision[k]]
            same_joins = sum(run.decision[k] == primed.decision[k] for k in joins)
            print(
                f"decisions that agree, empty vs primed archive: {same}/{len(run.decision)}"
                f" = {same / len(run.decision):.1%}; among articles joined in either run:"
                f" {same_joins}/{len(joins)} = {same_joins / max(len(joins), 1):.1%}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
