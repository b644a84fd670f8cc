"""Two-fold cross-validation of the summary selector's two parameters on the dev set.

    python benchmarks/summary_crossval.py --data ../shared/eval/dev.jsonl

The dev articles are split in two halves by a hash of their id (stable, no seed to pick).
On each half every setting of the grid below is scored (ROUGE F1 x100, Devanagari-aware
tokens); the setting best on one half (by ROUGE-2, then ROUGE-L) is then scored on the other
half, which it has not seen. If the tuned values only fitted noise, the held-out figures
would fall well below the tuned ones and the two halves would pick different values.

Parameters (digests.summarize.Selection):
  target_words  the summary grows by whole sentences while that brings it closer to this
                many words
  feature_skip  sentences skipped after a "City." dateline (feature-style opening)

Articles are prepared as `khabar eval` prepares them (digests.article.digest_article: clean,
drop a first line that repeats the given title, split), so the shipped setting's figures here
are the `khabar eval` figures of the same articles.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digests.clean import clean_text  # noqa: E402
from digests.evaluation import lead_sentences  # noqa: E402
from digests.normalize import normalize_text  # noqa: E402
from digests.rouge import mean_scores  # noqa: E402
from digests.sentences import split_paragraph_sentences, word_tokens  # noqa: E402
from digests.summarize import DEFAULT_SELECTION, Selection, summarize_paragraphs  # noqa: E402

TARGET_WORDS = (30, 33, 35, 37, 40, 43, 45, 50)
FEATURE_SKIPS = (0, 1, 2, 3)


@dataclass(frozen=True, slots=True)
class Item:
    paragraphs: list[list[str]]
    title: str
    text: str
    reference: str


def half_of(ident: str) -> str:
    """ "A" or "B", from the id's hash: the same split on every run and every machine."""
    return "AB"[hashlib.sha1(ident.encode("utf-8")).digest()[0] % 2]


def _words(text: str) -> list[str]:
    return [t.casefold() for t in word_tokens(text)]


def prepare(text: str, title: str) -> tuple[list[list[str]], str]:
    """(paragraphs, title) as digest_article hands them to the summariser.

    The page's repeated headline is dropped from the body, as digest_article does; the dev
    articles all have titles, so its derived-title branch is not needed here.
    """
    given = " ".join(normalize_text(title).split())
    lines = clean_text(text).split("\n\n")
    if given and lines and _words(lines[0]) == _words(given):
        lines = lines[1:]
    return split_paragraph_sentences("\n\n".join(lines)), given


def load(path: Path) -> dict[str, list[Item]]:
    halves: dict[str, list[Item]] = {"A": [], "B": []}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            paragraphs, title = prepare(row["text"], row.get("title") or "")
            item = Item(paragraphs, title, row["text"], row["summary"])
            halves[half_of(row["id"])].append(item)
    return halves


def score(items: Sequence[Item], selection: Selection) -> dict[str, float]:
    pairs = [
        (summarize_paragraphs(i.paragraphs, i.title, 60, selection), i.reference) for i in items
    ]
    return mean_scores(pairs)


def fmt(scores: dict[str, float]) -> str:
    return f"{scores['rouge1']:5.1f}/{scores['rouge2']:5.1f}/{scores['rougeL']:5.1f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="dev.jsonl")
    args = parser.parse_args(argv)
    halves = load(args.data)
    grid = [Selection(t, s) for t, s in product(TARGET_WORDS, FEATURE_SKIPS)]
    table = {h: {sel: score(items, sel) for sel in grid} for h, items in halves.items()}
    print(f"halves: A {len(halves['A'])} articles, B {len(halves['B'])} articles (by id hash)")
    print("ROUGE F1 x100 as R1/R2/RL")
    for tuned, held in (("A", "B"), ("B", "A")):
        best = max(grid, key=lambda s: (table[tuned][s]["rouge2"], table[tuned][s]["rougeL"]))
        print(
            f"tuned on {tuned}: target_words={best.target_words} feature_skip={best.feature_skip}"
            f"  {tuned} (tuned) {fmt(table[tuned][best])}"
            f"  {held} (held out) {fmt(table[held][best])}"
        )
    shipped = DEFAULT_SELECTION
    print("ROUGE-2 by setting, A / B (how flat the optimum is):")
    for skip in FEATURE_SKIPS:
        cells = "  ".join(
            f"{t}:{table['A'][Selection(t, skip)]['rouge2']:4.1f}/"
            f"{table['B'][Selection(t, skip)]['rouge2']:4.1f}"
            for t in TARGET_WORDS
        )
        print(f"  feature_skip={skip}  {cells}")
    for h, items in halves.items():
        lead = mean_scores((lead_sentences(i.text), i.reference) for i in items)
        print(
            f"half {h}: shipped (target_words={shipped.target_words}, "
            f"feature_skip={shipped.feature_skip}) {fmt(table[h][shipped])}   Lead-2 {fmt(lead)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
