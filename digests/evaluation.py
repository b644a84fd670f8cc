"""Khabar's summaries against human references, next to the Lead-2 baseline.

Every run scores both on the same articles, so the margin over "read the first two
sentences" is always in view. Lead-2 is defined as in the ILSUM eval README: the first two
sentences of the raw article text, split after "।", "?" and "!" only (not at "." or line
breaks); with digests.rouge's tokens this gives 53.38/45.17/50.21 on dev.jsonl, the README's
53.4/45.2/50.2. Pure: the caller reads the reference file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import regex

from digests.article import ArticleError, digest_article
from digests.rouge import mean_scores
from digests.sentences import count_words

_LEAD_SPLIT = regex.compile(r"(?<=[।?!])")
LEAD_SENTENCES = 2


@dataclass(frozen=True, slots=True)
class Reference:
    """One article with its human-written summary."""

    text: str
    summary: str
    title: str | None = None


@dataclass(frozen=True, slots=True)
class SystemScores:
    """Mean ROUGE-1/2/L F1 (x100) and mean words per summary of one system."""

    name: str
    rouge1: float
    rouge2: float
    rougeL: float  # the metric's usual name
    words: float


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Khabar and Lead-2 on the same articles; `failed` articles got an empty summary."""

    articles: int
    failed: int
    khabar: SystemScores
    lead: SystemScores


def lead_sentences(text: str, n: int = LEAD_SENTENCES) -> str:
    """The first `n` sentences of `text`, split the way the ILSUM README's Lead-n is."""
    sentences: list[str] = []
    for piece in _LEAD_SPLIT.split(text):
        piece = piece.strip()
        if piece:
            sentences.append(piece)
            if len(sentences) == n:
                break
    return " ".join(sentences)


def _scores(name: str, pairs: list[tuple[str, str]]) -> SystemScores:
    means = mean_scores(pairs)
    words = sum(count_words(candidate) for candidate, _ in pairs) / len(pairs) if pairs else 0.0
    return SystemScores(
        name,
        means.get("rouge1", 0.0),
        means.get("rouge2", 0.0),
        means.get("rougeL", 0.0),
        words,
    )


def evaluate(references: Iterable[Reference]) -> Evaluation:
    """Summarise every reference article with Khabar and with Lead-2, and score both."""
    ours: list[tuple[str, str]] = []
    lead: list[tuple[str, str]] = []
    failed = 0
    for ref in references:
        try:
            summary = digest_article(ref.text, ref.title).summary
        except ArticleError:
            summary = ""
            failed += 1
        ours.append((summary, ref.summary))
        lead.append((lead_sentences(ref.text), ref.summary))
    return Evaluation(len(ours), failed, _scores("khabar", ours), _scores("lead-2", lead))


def format_evaluation(result: Evaluation, source: str = "") -> str:
    """The side-by-side table `khabar eval` prints."""
    where = f" vs {source}" if source else ""
    lines = [
        f"ROUGE F1 x100 on {result.articles} articles{where} (Devanagari-aware tokens)",
        f"{'system':8s} {'R1':>6s} {'R2':>6s} {'RL':>6s} {'words':>6s}",
    ]
    for s in (result.khabar, result.lead):
        lines.append(f"{s.name:8s} {s.rouge1:6.2f} {s.rouge2:6.2f} {s.rougeL:6.2f} {s.words:6.1f}")
    k, b = result.khabar, result.lead
    lines.append(
        f"{'margin':8s} {k.rouge1 - b.rouge1:+6.2f} {k.rouge2 - b.rouge2:+6.2f} "
        f"{k.rougeL - b.rougeL:+6.2f} {k.words - b.words:+6.1f}"
    )
    if result.failed:
        lines.append(f"({result.failed} articles had no Khabar summary and score 0)")
    return "\n".join(lines)
