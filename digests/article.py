"""One pasted article in, one Digested out: the entry point the bot calls.

Validation lives here (not in the bot) so that every caller refuses the same inputs: text
with no Devanagari to speak of, or text with no real sentence once clutter is gone.
"""

from __future__ import annotations

import hashlib

import regex

from digests.clean import clean_text, split_title
from digests.facts import extract_facts
from digests.model import Digested
from digests.normalize import normalize_text
from digests.sentences import count_words, split_sentences, word_tokens
from digests.summarize import MAX_SUMMARY_CHARS, SHORT_SENTENCE_WORDS, summarize

# Longer input is cut (at a paragraph break when there is one): no news article is this
# long, and the cap keeps every later step fast on a runaway paste.
MAX_INPUT_CHARS = 2_000_000
# Below this share of Devanagari letters a text is not a Hindi article (Hindi news carries
# Latin names and acronyms, so the bar is well under one half).
MIN_HINDI_SHARE = 0.3
SUMMARY_WORDS = 60
FACT_LIMIT = 5

_LETTERS = regex.compile(r"\p{L}+")
_DEVANAGARI_LETTERS = regex.compile(r"[\p{L}&&\p{Script=Devanagari}]+", flags=regex.V1)
_DEVANAGARI = regex.compile(r"\p{Script=Devanagari}")


class ArticleError(ValueError):
    """The text cannot be digested; the message is for logs, the bot words its own reply."""


class EmptyArticle(ArticleError):
    """Nothing that reads as a sentence is left after cleaning."""


class NotHindi(ArticleError):
    """Too little of the text is in Devanagari to be a Hindi article."""


def truncate_input(raw: str, limit: int = MAX_INPUT_CHARS) -> str:
    """`raw` cut to at most `limit` characters, at the last paragraph or line break if any."""
    if len(raw) <= limit:
        return raw
    head = raw[:limit]
    for sep in ("\n\n", "\n"):
        cut = head.rfind(sep)
        if cut > limit // 2:
            return head[:cut]
    return head


def hindi_share(text: str) -> float:
    """Share of the letters in `text` that are Devanagari (0.0 when there are no letters)."""
    letters = sum(len(m) for m in _LETTERS.findall(text))
    if not letters:
        return 0.0
    devanagari = sum(len(m) for m in _DEVANAGARI_LETTERS.findall(text))
    return devanagari / letters


def _has_real_sentence(body: str) -> bool:
    return any(
        count_words(s) >= SHORT_SENTENCE_WORDS and _DEVANAGARI.search(s)
        for s in split_sentences(body[:MAX_SUMMARY_CHARS])
    )


def _same_words(a: str, b: str) -> bool:
    return [t.casefold() for t in word_tokens(a)] == [t.casefold() for t in word_tokens(b)]


def digest_article(raw: str, title: str | None = None) -> Digested:
    """Clean, title, check, summarise and extract facts from one article.

    Raises NotHindi or EmptyArticle (both ArticleError) for input that is not a Hindi news
    text; never raises anything else for any string.
    """
    text = clean_text(truncate_input(raw or ""))
    given = " ".join(normalize_text(title or "").split())
    if given:
        lines = text.split("\n\n")
        if lines and _same_words(lines[0], given):
            lines = lines[1:]  # the page repeats its headline as the first line
        head, body = given, "\n\n".join(lines)
    else:
        head, body = split_title(text)
    if not body.strip() and not head.strip():
        raise EmptyArticle("no text left after removing clutter")
    share = hindi_share(f"{head}\n{body}")
    if share < MIN_HINDI_SHARE:
        raise NotHindi(f"only {share:.0%} of the letters are Devanagari")
    if not _has_real_sentence(body):
        raise EmptyArticle("no sentence in the article body")
    summary = summarize(body, head, max_words=SUMMARY_WORDS)
    if not summary:
        raise EmptyArticle("no sentence fit for a summary")
    facts = extract_facts(body, head, limit=FACT_LIMIT, exclude=summary)
    return Digested(title=head, body=body, summary=summary, facts=facts)


def content_hash(body: str) -> str:
    """sha256 of the body's lower-cased word tokens, so re-pastes with other spacing or
    page clutter hash alike and are caught as duplicates."""
    words = " ".join(t.casefold() for t in word_tokens(clean_text(body)))
    return hashlib.sha256(words.encode("utf-8")).hexdigest()
