"""Precision and recall of Khabar's key facts against the hand-written gold set.

    python evaluation/facts/score.py --dev ../shared/eval/dev.jsonl \
        --sample ../shared/samples/quint-whatsapp-pegasus.txt

`gold.jsonl` (next to this script) holds, per article, only its id (a dev id, or the sample's
file name under `sample`) and the facts a careful editor would put on the card: the article
texts stay where they are, so the gold set ships nothing from the eval data. Articles are
digested exactly as the bot does (`digest_article(text, title)`), five facts at most.

Matching. Each fact becomes a set of word keys: Devanagari-aware word tokens, nukta-folded
and lower-cased, with common Hindi case endings removed (नागरिकों ~ नागरिक) and quotation
marks ignored. A predicted fact matches a gold fact of the same kind when the Dice overlap
of their word sets, 2|P∩G| / (|P|+|G|), is at least 0.6: "शुक्रवार, 1 नवंबर की रात" matches
"शुक्रवार, 1 नवंबर" (0.75) and a quote cut at 20 words still matches the whole quoted
sentence, while two names sharing one word of two ("पंजाब सरकार" vs "पंजाब पुलिस", 0.5) or a
different person ("नरेंद्र मोदी" vs "राहुल गांधी", 0.0) do not. Matching is one-to-one,
best overlaps first. A `who` fact lists several names ("WhatsApp, NSO, CERT-IN"); each name
is scored as one item, since each is a claim that can be right or wrong on its own.

Precision = matched predicted items / predicted items; recall = matched gold items / gold
items, overall and per kind. Five facts cannot cover a gold list of seven, so recall has a
ceiling below 1 by design: the gold lists what is worth showing, not what fits.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from digests.article import ArticleError, digest_article
from digests.model import FACT_KINDS
from digests.normalize import fold_nukta
from digests.sentences import word_tokens

GOLD = Path(__file__).with_name("gold.jsonl")
MATCH_DICE = 0.6
_ENDINGS = ("ियों", "ाओं", "ों", "ें", "ाएं", "ाएँ", "े", "ी", "ा")

Item = tuple[str, str]  # (kind, text)


def _stem(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            return word[: -len(ending)]
    return word


def fact_words(text: str) -> frozenset[str]:
    """The word keys a fact is compared by."""
    return frozenset(_stem(w) for w in word_tokens(fold_nukta(text).casefold()))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """2|A∩B| / (|A|+|B|), 0 for two empty sets."""
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 0.0


def predicted_items(facts: Iterable[tuple[str, str]]) -> list[Item]:
    """Facts as scored items: a `who` list counts once per name."""
    items: list[Item] = []
    for kind, text in facts:
        parts = text.split(", ") if kind == "who" else [text]
        items.extend((kind, part) for part in parts if part.strip())
    return items


def match(predicted: list[Item], gold: list[Item]) -> int:
    """Number of one-to-one matches (same kind, Dice >= MATCH_DICE), best overlaps first."""
    pairs = []
    for i, (pkind, ptext) in enumerate(predicted):
        for j, (gkind, gtext) in enumerate(gold):
            if pkind == gkind:
                score = dice(fact_words(ptext), fact_words(gtext))
                if score >= MATCH_DICE:
                    pairs.append((score, i, j))
    used_p: set[int] = set()
    used_g: set[int] = set()
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
    return len(used_p)


def _articles(dev: Path, sample: Path) -> dict[str, tuple[str, str | None]]:
    """id -> (text, title) for the dev articles and the sample file (keyed by file name)."""
    out: dict[str, tuple[str, str | None]] = {}
    with dev.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            out[row["id"]] = (row["text"], row.get("title"))
    out[sample.name] = (sample.read_text(encoding="utf-8"), None)
    return out


def _gold_rows() -> Iterator[dict]:
    with GOLD.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def score(dev: Path, sample: Path, verbose: bool = False) -> dict[str, Counter[str]]:
    """Counters of predicted/gold/matched items per kind (and "all")."""
    articles = _articles(dev, sample)
    counts: dict[str, Counter[str]] = {k: Counter() for k in (*FACT_KINDS, "all")}
    for row in _gold_rows():
        key = row.get("sample") or row["id"]
        if key not in articles:
            print(f"missing article: {key}", file=sys.stderr)
            continue
        text, title = articles[key]
        try:
            facts = [(f.kind, f.text) for f in digest_article(text, title).facts]
        except ArticleError:
            facts = []
        predicted = predicted_items(facts)
        gold = [(f["kind"], f["text"]) for f in row["facts"]]
        for kind in FACT_KINDS:
            p = [x for x in predicted if x[0] == kind]
            g = [x for x in gold if x[0] == kind]
            m = match(p, g)
            for name, value in (("predicted", len(p)), ("gold", len(g)), ("matched", m)):
                counts[kind][name] += value
                counts["all"][name] += value
        if verbose:
            print(f"{row['id']}:")
            for kind, text in predicted:
                hit = match([(kind, text)], gold)
                print(f"  {'+' if hit else '-'} [{kind}] {text}")
    return counts


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "  - "


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dev", type=Path, required=True, help="dev.jsonl with id/title/text")
    parser.add_argument("--sample", type=Path, required=True, help="the seed sample .txt")
    parser.add_argument("-v", "--verbose", action="store_true", help="list each prediction")
    args = parser.parse_args(argv)
    counts = score(args.dev, args.sample, args.verbose)
    articles = sum(1 for _ in _gold_rows())
    print(f"facts vs gold ({articles} articles, match = same kind and Dice >= {MATCH_DICE})")
    print(f"{'kind':8s} {'pred':>5s} {'gold':>5s} {'match':>6s} {'P':>5s} {'R':>5s}")
    for kind in (*FACT_KINDS, "all"):
        c = counts[kind]
        print(
            f"{kind:8s} {c['predicted']:5d} {c['gold']:5d} {c['matched']:6d} "
            f"{_ratio(c['matched'], c['predicted']):>5s} {_ratio(c['matched'], c['gold']):>5s}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
