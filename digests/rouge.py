"""ROUGE-1/2/L F1 for Hindi, to measure summaries against human references.

rouge-score's default tokenizer keeps only ASCII letters and digits and so scores every
Hindi pair 0; here words are the same Devanagari-aware tokens the rest of the package uses
(vowel signs stay attached), lower-cased, with no stemming.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from digests.sentences import word_tokens

# LCS is quadratic in length; summaries are far shorter than this.
MAX_TOKENS = 2_000


def rouge_tokens(text: str) -> list[str]:
    """Lower-cased word tokens, capped at MAX_TOKENS."""
    return [t.casefold() for t in word_tokens(text)[:MAX_TOKENS]]


def _f1(overlap: int, candidate: int, reference: int) -> float:
    if not overlap or not candidate or not reference:
        return 0.0
    precision, recall = overlap / candidate, overlap / reference
    return 2 * precision * recall / (precision + recall)


def _ngrams(tokens: list[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _ngram_f1(cand: list[str], ref: list[str], n: int) -> float:
    c, r = _ngrams(cand, n), _ngrams(ref, n)
    return _f1(sum((c & r).values()), sum(c.values()), sum(r.values()))


def _lcs_length(a: list[str], b: list[str]) -> int:
    if not a or not b:
        return 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def rouge_scores(candidate: str, reference: str) -> dict[str, float]:
    """F1 of ROUGE-1, ROUGE-2 and ROUGE-L (keys "rouge1", "rouge2", "rougeL"), 0..1."""
    cand, ref = rouge_tokens(candidate), rouge_tokens(reference)
    return {
        "rouge1": _ngram_f1(cand, ref, 1),
        "rouge2": _ngram_f1(cand, ref, 2),
        "rougeL": _f1(_lcs_length(cand, ref), len(cand), len(ref)),
    }


def mean_scores(pairs: Iterable[tuple[str, str]]) -> dict[str, float]:
    """Average rouge_scores over (candidate, reference) pairs, x100 for reporting."""
    totals: Counter[str] = Counter()
    count = 0
    for candidate, reference in pairs:
        for key, value in rouge_scores(candidate, reference).items():
            totals[key] += value
        count += 1
    return (
        {key: 100 * totals[key] / count for key in ("rouge1", "rouge2", "rougeL")} if count else {}
    )
