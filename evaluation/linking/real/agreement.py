"""How far two labelling passes agree, pair by pair, and where they disagree.

    python evaluation/linking/real/agreement.py labels_a.tsv labels_b.tsv [--dev PATH]

Two articles are a "same story" pair when a pass gives them one event. Agreement is the
F1 of one pass's pairs against the other's (symmetric), plus the pairs only one pass made;
with --dev the disagreeing pairs are printed with their headlines to settle them.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
from pathlib import Path


def read_labels(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as f:
        return {row["id"]: row["event"] for row in csv.DictReader(f, delimiter="\t")}


def same_story_pairs(labels: dict[str, str]) -> set[tuple[str, str]]:
    events: dict[str, list[str]] = {}
    for article, event in labels.items():
        events.setdefault(event, []).append(article)
    pairs: set[tuple[str, str]] = set()
    for members in events.values():
        pairs.update(itertools.combinations(sorted(members), 2))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    parser.add_argument("--dev", type=Path, help="dev.jsonl, to show the headlines")
    args = parser.parse_args()
    a, b = read_labels(args.a), read_labels(args.b)
    if a.keys() != b.keys():
        raise SystemExit(f"the passes label different articles: {len(a.keys() ^ b.keys())}")
    pa, pb = same_story_pairs(a), same_story_pairs(b)
    both = pa & pb
    f1 = 2 * len(both) / (len(pa) + len(pb)) if pa or pb else 1.0
    print(f"articles {len(a)}; pairs: A {len(pa)}, B {len(pb)}, both {len(both)}; F1 {f1:.3f}")
    titles = {}
    if args.dev:
        for line in args.dev.open(encoding="utf-8"):
            row = json.loads(line)
            titles[row["id"]] = row["title"]
    for name, only in (("only A", pa - pb), ("only B", pb - pa)):
        print(f"\n{name}: {len(only)} pairs")
        for x, y in sorted(only):
            print(f"  {x} [{a[x]} / {b[x]}] {titles.get(x, '')}")
            print(f"  {y} [{a[y]} / {b[y]}] {titles.get(y, '')}\n")


if __name__ == "__main__":
    main()
