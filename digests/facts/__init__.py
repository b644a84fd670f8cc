"""Key facts (when, number, who, quote, where) picked out of a Hindi article by patterns.

There is no offline Hindi entity recogniser, so each kind has narrow patterns whose output is
always the article's own words (one module per kind). Candidates are scored (how specific,
how often repeated, whether the headline has them) and the best of each kind comes first,
so a short card still covers when, who and how many; a fact whose words are inside another
fact of its kind is not repeated.
"""

from __future__ import annotations

from collections.abc import Iterator

from digests.facts.candidate import Candidate, Shown, phrase_key
from digests.facts.numbers import number_candidates
from digests.facts.quotes import MAX_QUOTE_WORDS, first_quote
from digests.facts.tokens import Tokens
from digests.facts.when import when_candidates
from digests.facts.where import where_candidates
from digests.facts.who import who_candidate
from digests.facts.wordkinds import word_kinds
from digests.model import Fact
from digests.normalize import fold_nukta
from digests.sentences import split_paragraph_sentences, word_tokens

__all__ = ["KIND_ORDER", "MAX_FACT_CHARS", "MAX_QUOTE_WORDS", "extract_facts", "facts_from"]

# A second fact of a kind already on the card must be at least this strong (a full date,
# a count with its unit or scale, a quotation with its speaker, a place named repeatedly).
SECOND_FACT_MIN_SCORE = 3.0
# At most this many facts of a kind on a card, so a short card is not three figures in a
# row; a card has one key statement.
MAX_PER_KIND = {"when": 2, "who": 1, "number": 2, "where": 2, "quote": 1}
# Order in which kinds are offered when several compete for a short card.
KIND_ORDER = ("when", "who", "number", "where", "quote")
_KIND_RANK = {kind: rank for rank, kind in enumerate(KIND_ORDER)}
# Fact extraction looks at the opening of very long texts only: facts of a news story are
# in its first screens, and every pattern stays linear in this bound.
MAX_FACT_CHARS = 60_000
# The lead: a date in these first sentences is the story's own date.
_LEAD_SENTENCES = 2


def _sentences_with_pos(text: str, paragraphs: list[list[str]]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    cursor = 0
    for paragraph in paragraphs:
        for sentence in paragraph:
            pos = text.find(sentence[:20], cursor)
            pos = cursor if pos < 0 else pos
            out.append((sentence, pos))
            cursor = pos
    return out


def _candidates(
    text: str, title: str, paragraphs: list[list[str]], shown: Shown
) -> Iterator[Candidate]:
    full = f"{title}\n{text}" if title else text
    tok = Tokens.of(full)
    title_key = phrase_key(title)
    title_keys = frozenset(title_key.split())
    sentences = _sentences_with_pos(text, paragraphs)
    lead = sentences[_LEAD_SENTENCES][1] if len(sentences) > _LEAD_SENTENCES else len(text)
    offset = len(full) - len(text)
    when, date_spans = when_candidates(tok, title_key, lead + offset)
    yield from when
    yield from number_candidates(tok, date_spans)
    kinds = word_kinds(tok.vocabulary)  # for `who` and `where`
    who = who_candidate(tok, title_keys, kinds)
    if who:
        yield who
    # A card has room for one quote (MAX_PER_KIND), the first one found: reported speech
    # ranks below a quotation with its speaker, so it is only looked for without one.
    quote = first_quote(text, sentences, shown)
    if quote:
        yield quote
    yield from where_candidates(
        tok, sentences, body_start=offset, title_keys=title_keys, kinds=kinds
    )


def _rank(candidate: Candidate) -> tuple[float, int]:
    """Best first: the highest score, then the earliest in the text."""
    return -candidate.score, candidate.pos


def _words(key: str, text: str) -> frozenset[str]:
    """The case- and nukta-folded words of a fact's `text`, whose phrase_key is `key`.

    Read from the key, which is already folded, unless the text has a joiner: phrase_key
    drops joiners, and a joiner splits a word here (case-folding the whole text gives the
    same words as folding each word: folding keeps every character a word character or
    not, and never makes a "-" or ".").
    """
    if "\u200c" in text or "\u200d" in text:
        return frozenset(word_tokens(fold_nukta(text).casefold()))
    return frozenset(word_tokens(key))


def facts_from(
    text: str,
    title: str,
    paragraphs: list[list[str]],
    limit: int = 5,
    exclude: str = "",
) -> tuple[Fact, ...]:
    """extract_facts on a text already split into paragraphs of sentences (no re-splitting)."""
    if limit <= 0 or not (text or title):
        return ()
    by_kind: dict[str, list[Candidate]] = {kind: [] for kind in KIND_ORDER}
    for candidate in _candidates(text, title, paragraphs, Shown(exclude)):
        if candidate.text.strip():
            by_kind[candidate.kind].append(candidate)
    for ranked in by_kind.values():
        if len(ranked) > 1:
            ranked.sort(key=_rank)
    facts: list[Fact] = []
    # The facts chosen of each kind as (phrase_key, text); their words are only worked out
    # when a second fact of the kind is weighed against them.
    chosen: dict[str, list[tuple[str, str]]] = {kind: [] for kind in KIND_ORDER}
    seen: set[str] = set()
    depth = max(map(len, by_kind.values()))
    for rank in range(depth):
        if len(facts) >= limit:
            break
        for kind in KIND_ORDER:
            if rank >= len(by_kind[kind]) or len(facts) >= limit:
                continue
            candidate = by_kind[kind][rank]
            if rank and candidate.score < SECOND_FACT_MIN_SCORE:
                continue
            earlier = chosen[kind]
            if len(earlier) >= MAX_PER_KIND[kind]:
                continue  # a weak second fact of a kind pads the card, it tells little
            key = phrase_key(candidate.text)
            if key in seen:
                continue
            if earlier:
                words = _words(key, candidate.text)
                if any(words <= w or w <= words for w in (_words(*e) for e in earlier)):
                    continue  # "13 फरवरी" after "13 फरवरी की शाम"
            seen.add(key)
            earlier.append((key, candidate.text))
            facts.append(Fact(kind, candidate.text))
    # Picked best-first across kinds, shown grouped by kind: a card reads "when, when, who,
    # number, quote", never a second date after the quote.
    return tuple(sorted(facts, key=lambda f: _KIND_RANK[f.kind]))


def extract_facts(
    body: str, title: str = "", limit: int = 5, exclude: str = ""
) -> tuple[Fact, ...]:
    """Up to `limit` key facts, the best of each kind first, in the article's own words.

    `exclude` is text already shown to the reader (the summary): a quote repeated from it
    is not offered again.
    """
    text = body[:MAX_FACT_CHARS]
    return facts_from(text, title, split_paragraph_sentences(text), limit, exclude)
