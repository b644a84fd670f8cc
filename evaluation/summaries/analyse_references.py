"""Where ILSUM's human summaries come from, and how far whole-sentence selection can go.

    python evaluation/summaries/analyse_references.py --data ../shared/eval/dev.jsonl

Reads the eval file from the given path (nothing of it is stored in the project) and prints
the evidence behind digests/summarize.py's selector, in sections:

1. Metric check: Lead-2 with digests.rouge's tokens against the README's published figures,
   and with the variants that do not reproduce them.
2. Provenance: how many sentences a reference has, how many of them are copied from the
   article, edited or not from it, where the first copied one sits, whether the copied
   ones are a contiguous run, and the references that open with an English SEO line.
3. Sentence units: whether the reference sentences that are verbatim article sentences
   (split on "।" as the references are) are also our candidate sentences.
4. Openings: the score of starting at candidate 0..3 for each kind of article opening.
5. Length: the growth rule and its target, overall and per kind of opening.
6. Upper bounds: perfect start, perfect length, the contiguous and whole-sentence oracles.

Scores are ROUGE F1 x100 (digests.rouge) averaged over all articles, "A/B" the two halves
of benchmarks/summary_crossval.py.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations, pairwise
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from summary_crossval import half_of, prepare  # noqa: E402

from digests.dateline import dateline_only, split_dateline  # noqa: E402
from digests.evaluation import lead_sentences  # noqa: E402
from digests.rouge import mean_scores, rouge_tokens  # noqa: E402
from digests.sentences import word_tokens  # noqa: E402
from digests.summarize import (  # noqa: E402
    DEFAULT_SELECTION,
    MAX_SENTENCES,
    candidates,
    feature_opening,
    is_heading,
    summarize_paragraphs,
)

README_LEAD2 = (53.4, 45.2, 50.2)
# The first this many candidates are searched for a start or an oracle selection.
SEARCH = 12
MAX_WORDS = 60
_DANDA_SPLIT = regex.compile(r"(?<=[।?!])")
_LATIN_START = regex.compile(r"[A-Za-z0-9]")


@dataclass
class Article:
    ident: str
    half: str
    text: str
    title: str
    reference: str
    paragraphs: list[list[str]]
    cands: list[tuple[str, int]] = field(default_factory=list)
    feature: bool = False


def load(path: Path) -> list[Article]:
    out = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            paragraphs, title = prepare(row["text"], row.get("title") or "")
            art = Article(
                row["id"], half_of(row["id"]), row["text"], title, row["summary"], paragraphs
            )
            art.cands = [(s, w) for s, w, _ in candidates(paragraphs, title)]
            art.feature = feature_opening(paragraphs)
            out.append(art)
    return out


def danda_sentences(text: str) -> list[str]:
    return [s.strip() for s in _DANDA_SPLIT.split(text) if word_tokens(s)]


def fmt(scores: dict[str, float]) -> str:
    return f"{scores['rouge1']:5.2f}/{scores['rouge2']:5.2f}/{scores['rougeL']:5.2f}"


def table(
    arts: Sequence[Article], pick: Callable[[Article], str], label: str, halves: bool = True
) -> None:
    """Print mean scores of a summary rule on `arts` (and on each half)."""
    pairs = [(pick(a), a.reference) for a in arts]
    line = f"  {label:46s} {fmt(mean_scores(pairs))}"
    if halves:
        for h in "AB":
            part = [(pick(a), a.reference) for a in arts if a.half == h]
            s = mean_scores(part)
            line += f"  {h} {s['rouge2']:5.2f}/{s['rougeL']:5.2f}"
    print(line)


def grow(cands: list[tuple[str, int]], start: int, target: int, closest: bool = True) -> int:
    """How many sentences from `start` the selector takes (closest-to-target or at-most)."""
    total, k = cands[start][1], 1
    while k < MAX_SENTENCES and start + k < len(cands):
        grown = total + cands[start + k][1]
        if grown > MAX_WORDS:
            break
        if closest and not grown - target < target - total:
            break
        if not closest and grown > target:
            break
        total, k = grown, k + 1
    return k


def summary_of(a: Article, start: int, k: int) -> str:
    return " ".join(s for s, _ in a.cands[start : start + k])


def rule_start(a: Article, skip: int = DEFAULT_SELECTION.feature_skip) -> int:
    return skip if a.feature and len(a.cands) > skip else 0


def rule(target: int = DEFAULT_SELECTION.target_words, closest: bool = True) -> Callable:
    def pick(a: Article) -> str:
        if not a.cands:
            return ""
        start = rule_start(a)
        return summary_of(a, start, grow(a.cands, start, target, closest))

    return pick


def shipped(a: Article) -> str:
    """Khabar's summary, as digest_article makes it."""
    return summarize_paragraphs(a.paragraphs, a.title)


def opening_kind(a: Article) -> str:
    first = next((p[0].strip() for p in a.paragraphs if not is_heading(p)), "")
    if a.feature:
        return 'feature ("लखनऊ. ...")'
    if dateline_only(first):
        return 'dateline sentence ("बांदा।")'
    if split_dateline(first)[0]:
        return 'dateline ("लखनऊ: ...")'
    return "no dateline"


def english_seo(reference: str) -> bool:
    """A reference opening with an English line ("... On Dainik Bhaskar (दैनिक भास्कर)")."""
    head = word_tokens(reference)[:6]
    return sum(1 for t in head if _LATIN_START.match(t)) >= 5


# 1 -------------------------------------------------------------------------------------


def metric_check(arts: Sequence[Article]) -> None:
    print("1. Metric: Lead-2 on these articles (README: 53.4/45.2/50.2)")
    pairs = [(lead_sentences(a.text), a.reference) for a in arts]
    print(f"  digests.rouge (NFC, letter/mark/digit runs)    {fmt(mean_scores(pairs))}")
    import digests.rouge as rouge

    shipped = rouge.rouge_tokens
    variants = {
        "app word tokens (joined at - and .), no NFC": lambda t: [
            w.casefold() for w in word_tokens(t)
        ],
        "letter/mark/digit runs, no NFC": lambda t: [
            w.casefold() for w in rouge._TOKEN.findall(t.translate(rouge._JOINERS))
        ],
    }
    try:
        for name, tokens in variants.items():
            rouge.rouge_tokens = tokens
            print(f"  {name:46s} {fmt(mean_scores(pairs))}")
    finally:
        rouge.rouge_tokens = shipped
    zwj = sum(a.text.count("\u200d") for a in arts)
    print(f"  ZWJ characters in the articles: {zwj} (each split a word in two before)")


# 2 -------------------------------------------------------------------------------------


def _coverage(ref: Counter[str], sent: Counter[str]) -> tuple[float, float]:
    overlap = sum((ref & sent).values())
    return overlap / max(1, sum(ref.values())), overlap / max(1, sum(sent.values()))


def provenance(arts: Sequence[Article]) -> None:
    print("\n2. Provenance of the reference summaries (article and reference split on danda)")
    n_sent: Counter[int] = Counter()
    kinds: Counter[str] = Counter()
    first: Counter[str] = Counter()
    runs: Counter[str] = Counter()
    for a in arts:
        art = [Counter(rouge_tokens(s)) for s in danda_sentences(a.text)]
        refs = danda_sentences(a.reference)
        n_sent[min(len(refs), 4)] += 1
        copied = []
        for rs in refs:
            rt = Counter(rouge_tokens(rs))
            if not art:
                kinds["not from the article"] += 1
                continue
            best = max(range(len(art)), key=lambda i: sum(_coverage(rt, art[i])))
            recall, precision = _coverage(rt, art[best])
            if recall >= 0.9 and precision >= 0.9:
                kind = "copied (>=90% both ways)"
            elif recall >= 0.9:
                kind = "part of an article sentence"
            elif recall >= 0.6:
                kind = "edited (60-90% of its words)"
            else:
                kind = "not from the article"
            kinds[kind] += 1
            if kind != "not from the article":
                copied.append(best)
        first["none"] += not copied
        if copied:
            first[str(min(copied[0], 7)) + ("+" if copied[0] >= 7 else "")] += 1
        if len(copied) > 1:
            contiguous = all(b == x + 1 for x, b in pairwise(copied))
            runs["contiguous" if contiguous else "gaps or reordered"] += 1
    print(f"  sentences per reference (4 = 4+): {dict(sorted(n_sent.items()))}")
    print(f"  reference sentences: {dict(kinds.most_common())}")
    order = ["none", *map(str, range(7)), "7+"]
    print(
        "  position of the first article-derived reference sentence: "
        + ", ".join(f"{k}: {first[k]}" for k in order)
    )
    print(f"  references with 2+ article-derived sentences: {dict(runs)}")
    rw = [len(rouge_tokens(a.reference)) for a in arts]
    aw = [len(rouge_tokens(a.text)) for a in arts]
    q1, q2, q3 = statistics.quantiles(rw, n=4)
    print(
        f"  reference words: quartiles {q1:.0f}/{q2:.0f}/{q3:.0f}; "
        f"correlation with article words {statistics.correlation(rw, aw):.2f}"
    )
    seo = [a for a in arts if english_seo(a.reference)]
    print(
        f"  references opening with an English (SEO) line: {len(seo)} of {len(arts)}; "
        "Khabar on those / on the rest:"
    )
    table(seo, shipped, "English-line references")
    table([a for a in arts if not english_seo(a.reference)], shipped, "other references")


# 3 -------------------------------------------------------------------------------------


def sentence_units(arts: Sequence[Article]) -> None:
    print("\n3. Sentence units: reference sentences that are verbatim danda-split article ones")
    counts: Counter[str] = Counter()
    for a in arts:
        article_units = {tuple(rouge_tokens(s)) for s in danda_sentences(a.text)}
        ours = {tuple(rouge_tokens(s)) for s, _ in a.cands}
        split = {tuple(rouge_tokens(s)) for p in a.paragraphs for s in p}
        for rs in danda_sentences(a.reference):
            t = tuple(rouge_tokens(rs))
            if t in article_units:
                counts["verbatim article sentences"] += 1
                if t in ours:
                    counts["  also one of our candidates"] += 1
                elif t in split:
                    counts["  our sentence, filtered out of the candidates"] += 1
                else:
                    counts["  split differently by our splitter"] += 1
    for k, v in counts.items():
        print(f"  {k:48s} {v}")


# 4 -------------------------------------------------------------------------------------


def openings(arts: Sequence[Article]) -> None:
    print("\n4. Openings: score of starting at candidate 0..3 (growth rule as shipped)")
    groups: dict[str, list[Article]] = defaultdict(list)
    for a in arts:
        if a.cands:
            groups[opening_kind(a)].append(a)
    target = DEFAULT_SELECTION.target_words
    for kind, group in groups.items():
        print(f" {kind}: {len(group)} articles")
        for start in range(4):

            def pick(a: Article, start: int = start) -> str:
                s = start if len(a.cands) > start else 0
                return summary_of(a, s, grow(a.cands, s, target))

            table(group, pick, f"start at candidate {start}")
    print(" first candidate's length (no feature opening): start 0 vs start 1")
    plain = [a for a in arts if a.cands and not a.feature and len(a.cands) > 1]
    for low, high in ((0, 10), (10, 25), (25, 40), (40, 1000)):
        group = [a for a in plain if low <= a.cands[0][1] < high]
        for start in (0, 1):
            table(
                group,
                lambda a, s=start: summary_of(a, s, grow(a.cands, s, target)),
                f"{low}-{high} words, n={len(group)}, start {start}",
                halves=False,
            )


# 5 -------------------------------------------------------------------------------------


def length(arts: Sequence[Article]) -> None:
    print("\n5. Length: grow while at most T words (old rule) vs while closer to T (shipped)")
    for target in (40, 45, 50):
        table(arts, rule(target, closest=False), f"at most {target}")
    for target in (30, 35, 37, 40, 45):
        table(arts, rule(target), f"closest to {target}")
    print(" per kind of opening, closest to T:")
    groups: dict[str, list[Article]] = defaultdict(list)
    for a in arts:
        groups[opening_kind(a)].append(a)
    for kind, group in groups.items():
        for target in (30, 37, 45, 50):
            table(group, rule(target), f"{kind[:24]} T={target}")


# 6 -------------------------------------------------------------------------------------


@dataclass
class Scored:
    tokens: list[list[str]]
    ref_bigrams: Counter[tuple[str, str]]
    ref_len: int


def _r2(cand: list[str], s: Scored) -> float:
    c = Counter(pairwise(cand))
    overlap = sum((c & s.ref_bigrams).values())
    n_c, n_r = sum(c.values()), sum(s.ref_bigrams.values())
    if not overlap or not n_c or not n_r:
        return 0.0
    p, r = overlap / n_c, overlap / n_r
    return 2 * p * r / (p + r)


def upper_bounds(arts: Sequence[Article]) -> None:
    print("\n6. Upper bounds (choice by ROUGE-2 against the reference itself)")
    target = DEFAULT_SELECTION.target_words
    best: dict[str, dict[str, str]] = defaultdict(dict)
    for a in arts:
        if not a.cands:
            continue
        ref = rouge_tokens(a.reference)
        s = Scored(
            [rouge_tokens(c) for c, _ in a.cands],
            Counter(pairwise(ref)),
            len(ref),
        )
        n = min(len(a.cands), SEARCH)

        def r2(idx: Sequence[int], s: Scored = s) -> float:
            return _r2([t for i in idx for t in s.tokens[i]], s)

        def fits(idx: Sequence[int], a: Article = a) -> bool:
            return len(idx) == 1 or sum(a.cands[i][1] for i in idx) <= MAX_WORDS

        start = rule_start(a)
        options = {
            "perfect length (1-3 sentences) at the rule's start": [
                range(start, start + k) for k in (1, 2, 3) if start + k <= len(a.cands)
            ],
            "perfect start among the first 3, shipped growth": [
                range(i, i + grow(a.cands, i, target)) for i in range(min(3, n))
            ],
            f"perfect start among the first {SEARCH}, shipped growth": [
                range(i, i + grow(a.cands, i, target)) for i in range(n)
            ],
            "contiguous oracle (start and length)": [
                range(i, i + k) for i in range(n) for k in (1, 2, 3) if i + k <= len(a.cands)
            ],
            "whole-sentence oracle (any 1-3, in order)": [
                c for k in (1, 2, 3) for c in combinations(range(n), k)
            ],
        }
        for name, choices in options.items():
            chosen = max((c for c in choices if fits(c)), key=r2, default=choices[0])
            best[name][a.ident] = " ".join(a.cands[i][0] for i in chosen)
    table(arts, shipped, "shipped (digests.summarize)")
    for name, picks in best.items():
        table(arts, lambda a, p=picks: p.get(a.ident, ""), name)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="dev.jsonl")
    parser.add_argument(
        "--sections", default="123456", help="which sections to print, e.g. 156 (default all)"
    )
    args = parser.parse_args(argv)
    arts = load(args.data)
    print(f"{len(arts)} articles; scores R1/R2/RL, then R2/RL on half A and half B\n")
    steps = {
        "1": metric_check,
        "2": provenance,
        "3": sentence_units,
        "4": openings,
        "5": length,
        "6": upper_bounds,
    }
    for key in args.sections:
        steps[key](arts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
