"""Replay the labelled linking set through the real storage path and score the joins.

    python evaluation/linking/score.py --dev /work/shared/eval/dev.jsonl [--background] [-v]

Each article of set.jsonl is digested with digests.article.digest_article, placed with
bot.linking.find_story at its `at` time, stored (a new story or the chosen one) and
indexed with index_article, exactly as posting does, on a fresh temporary SQLite file per
threshold. Definitions (see README.md):

- an article *should join* when an earlier article of the set has its group;
- a *join* is right when the story it joined was started by an article of its group;
- recall = right joins / articles that should join; precision = right joins / all joins;
- wrongly merged = joins into another group's story; wrongly split = articles that should
  join but started a new story.

--background first indexes every other dev article 60 days before the set (outside the
quiet window, so never a candidate): a running archive must link the set as a new one does.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot.linking import find_story
from bot.posting import store_article
from digests.article import content_hash, digest_article
from digests.linking import DEFAULT_THRESHOLD, LinkConfig
from digests.model import Digested
from storage.db import Database

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SWEEP = (0.10, 0.15, 0.20, 0.22, 0.24, 0.26, 0.28, 0.30, 0.32, 0.35, 0.40)


@dataclass(frozen=True)
class Item:
    key: str
    group: str
    at: datetime
    article: Digested


@dataclass
class Outcome:
    threshold: float
    should_join: int
    joins: int
    right: int
    merged: int
    split: int
    lines: list[str]

    @property
    def precision(self) -> float:
        return self.right / self.joins if self.joins else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.should_join if self.should_join else 1.0


def load_set(path: Path, dev: dict[str, dict[str, str]]) -> list[Item]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        if rec["source"] == "dev":
            row = dev[rec["key"]]
            article = digest_article(row["text"], row["title"])
        elif rec["source"] == "demo":
            article = digest_article((REPO / rec["path"]).read_text(encoding="utf-8"))
        else:
            article = digest_article(rec["text"], rec["title"])
        items.append(Item(rec["key"], rec["group"], datetime.fromisoformat(rec["at"]), article))
    return items


async def _store(db: Database, story_id: int | None, article: Digested, at: datetime) -> int:
    """Store as a post does (bot.posting.store_article); returns the story it landed in."""
    stored = await store_article(db, article, story_id, source_url=None, posted_by=None, now=at)
    return stored.story_id


async def replay(
    items: list[Item], background: list[Digested], threshold: float, workdir: Path
) -> Outcome:
    config = LinkConfig(threshold=threshold)
    path = workdir / f"linking-{threshold:.3f}.db"
    founder: dict[int, str] = {}
    seen_groups: set[str] = set()
    out = Outcome(threshold, 0, 0, 0, 0, 0, [])
    async with Database(path) as db:
        if background:
            old = items[0].at - timedelta(days=60)
            for article in background:
                await _store(db, None, article, old)
        for item in items:
            decision = await find_story(db, item.article, item.at, config)
            should = item.group in seen_groups
            out.should_join += should
            if decision.story_id is None:
                verdict = "split" if should else "ok-new"
                out.split += should
            else:
                out.joins += 1
                if founder[decision.story_id] == item.group:
                    out.right += 1
                    verdict = "ok-join"
                else:
                    out.merged += 1
                    verdict = f"MERGED into {founder[decision.story_id]}"
            story_id = await _store(db, decision.story_id, item.article, item.at)
            founder.setdefault(story_id, item.group)
            seen_groups.add(item.group)
            out.lines.append(
                f"{item.key:24} {item.group:28} score {decision.score:.3f} -> #{story_id:<4}"
                f" {verdict}"
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", type=Path, required=True, help="path to dev.jsonl")
    parser.add_argument("--set", type=Path, default=HERE / "set.jsonl")
    parser.add_argument("--background", action="store_true", help="prime idf with dev")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every decision")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args(argv)

    dev = {}
    for line in args.dev.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            dev[row["id"]] = row
    items = load_set(args.set, dev)
    used = {i.key for i in items}
    background: list[Digested] = []
    if args.background:
        hashes: set[str] = set()
        for key, row in sorted(dev.items()):
            article = digest_article(row["text"], row["title"])
            digest_hash = content_hash(article.body)
            if key not in used and digest_hash not in hashes:  # dev repeats a few texts
                hashes.add(digest_hash)
                background.append(article)
    groups = {i.group for i in items}
    print(
        f"{len(items)} articles, {len(groups)} stories;"
        f" background {len(background)} articles; chosen threshold {args.threshold}"
    )
    thresholds = sorted(set(SWEEP) | {args.threshold})
    with tempfile.TemporaryDirectory() as tmp:
        outcomes = [asyncio.run(replay(items, background, t, Path(tmp))) for t in thresholds]
    print(
        f"{'threshold':>9} {'precision':>9} {'recall':>6} {'joins':>5} {'right':>5}"
        f" {'merged':>6} {'split':>5}  (should join: {outcomes[0].should_join})"
    )
    for o in outcomes:
        mark = "  <- chosen" if o.threshold == args.threshold else ""
        print(
            f"{o.threshold:9.3f} {o.precision:9.3f} {o.recall:6.3f} {o.joins:5d} {o.right:5d}"
            f" {o.merged:6d} {o.split:5d}{mark}"
        )
    if args.verbose:
        chosen = next(o for o in outcomes if o.threshold == args.threshold)
        print()
        print("\n".join(chosen.lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
