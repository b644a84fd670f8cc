"""Extractive summary: the article's leading whole sentences, cleaned of datelines.

Hindi news puts the story in its first sentences (on the ILSUM dev set the first two
sentences score far above graph methods such as LexRank), so the summary is lead-based. The
filters only keep the lead from starting with a heading, a dateline, a quotation fragment
or an introduction such as "उन्होंने कहा-".
"""

from __future__ import annotations

from digests.dateline import split_dateline
from digests.normalize import fold_nukta
from digests.sentences import (
    count_words,
    ends_sentence,
    split_paragraph_sentences,
    word_tokens,
)
from digests.trim import truncate_words

# Sentences shorter than this are datelines ("नई दिल्ली, जेएनएन।"), captions or labels.
MIN_SENTENCE_WORDS = 5
# An article made only of shorter sentences still gets a summary from sentences this long.
SHORT_SENTENCE_WORDS = 3
# A line without a sentence end and at most this long is a heading inside the article.
MAX_HEADING_WORDS = 20
MAX_SENTENCES = 3
# The summary grows by whole sentences while it stays within this many words: about the
# length of a human summary of a Hindi news article (ILSUM median 38 words).
TARGET_WORDS = 45
# The lead is at the top: only this much of a very long body is looked at.
MAX_SUMMARY_CHARS = 100_000

_INTRO_END = ("-", ":", "ः", "–", "—", ",")


def trim_dateline(sentence: str) -> str:
    """Remove a leading dateline such as "नई दिल्ली:" from a sentence."""
    return split_dateline(sentence)[1]


def _balanced_quotes(sentence: str) -> bool:
    """False for a piece of a quotation cut by the sentence splitter."""
    return sentence.count("“") == sentence.count("”") and sentence.count('"') % 2 == 0


def is_heading(paragraph: list[str]) -> bool:
    """A paragraph that is one short line without a sentence end."""
    return (
        len(paragraph) == 1
        and not ends_sentence(paragraph[0])
        and count_words(paragraph[0]) <= MAX_HEADING_WORDS
    )


def _key(text: str) -> tuple[str, ...]:
    return tuple(fold_nukta(t).casefold() for t in word_tokens(text))


def candidate_sentences(
    body: str, title: str = "", min_words: int = MIN_SENTENCE_WORDS
) -> list[str]:
    """Sentences that may appear in a summary, in article order, datelines trimmed."""
    title_key = _key(title)
    out: list[str] = []
    for paragraph in split_paragraph_sentences(body):
        if is_heading(paragraph):
            continue
        for sentence in paragraph:
            sentence = trim_dateline(sentence.strip())
            if count_words(sentence) < min_words:
                continue
            if sentence.rstrip().endswith(_INTRO_END) or not _balanced_quotes(sentence):
                continue
            if title_key and _key(sentence) == title_key:
                continue
            out.append(sentence)
    return out


def summarize(body: str, title: str = "", max_words: int = 60) -> str:
    """One to three whole leading sentences, at most `max_words` words.

    When the first usable sentence alone is over the limit it is cut at a word boundary and
    ends with "…", so the reader still gets the lead.
    """
    if max_words <= 0:
        return ""
    head = body[:MAX_SUMMARY_CHARS]
    if len(body) > MAX_SUMMARY_CHARS and "\n" in head:
        head = head[: head.rfind("\n")]
    sentences = candidate_sentences(head, title) or candidate_sentences(
        head, title, SHORT_SENTENCE_WORDS
    )
    if not sentences:
        return ""
    first = sentences[0]
    if count_words(first) > max_words:
        return truncate_words(first, max_words)
    budget = min(max_words, TARGET_WORDS)
    chosen = [first]
    total = count_words(first)
    for sentence in sentences[1:MAX_SENTENCES]:
        n = count_words(sentence)
        if total + n > budget:
            break
        chosen.append(sentence)
        total += n
    return " ".join(chosen)
