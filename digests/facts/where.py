"""`where` facts: the dateline's place, and places the story happens in.

The dateline ("चंडीगढ़:", "लखनऊ.") is the surest place and ranks first. Other places are
known names or town-like words (digests/places.py) before "में"/"से"/"पहुंचे" or a word
of travel ("वेस्टइंडीज दौरे"), any mention of a venue ("लोकसभा", "व्हाइट हाउस"), or any
name before "गांव"/"जिले"/"शहर" ("कैमला गांव", "करनाल जिले").
"""

from __future__ import annotations

from digests.dateline import dateline_only, split_dateline
from digests.facts.candidate import Candidate, phrase_key
from digests.facts.lexicon import (
    CALENDAR,
    GENERIC,
    PLACE_NOUNS,
    PLACE_POSTPOSITIONS,
    ROLES,
    TOUR_WORDS,
)
from digests.facts.tokens import Tokens, is_number
from digests.facts.wordkinds import WordKinds, word_kinds
from digests.places import PLACE_FIRST_WORDS, PLACE_KEYS, VENUES, is_place
from digests.stopwords import STOPWORDS

# The dateline outranks any repeated place: it is where the report comes from.
_DATELINE_SCORE, _PLACE_SCORE = 6.0, 1.5
# "हरियाणा के यमुना नगर में": up to this many words between "के" and the postposition.
_MAX_INNER_PLACE_WORDS = 2
_TITLE_BONUS = 1.0
# The dateline is in the report's first sentences.
_DATELINE_SENTENCES = 3


def _place_at(tok: Tokens, i: int) -> int | None:
    """Last word of the known or town-like place starting at word i, if one does."""
    keys = tok.keys
    if (
        keys[i] in PLACE_FIRST_WORDS
        and i + 1 < len(tok.keys)
        and tok.seps[i + 1] == " "
        and is_place(f"{keys[i]} {keys[i + 1]}")
    ):
        return i + 1
    return i if is_place(keys[i]) else None


def _marked_after(tok: Tokens, j: int) -> bool:
    """Whether a place ending at word j is followed by "में", "से", "गांव", "के पास"..."""
    k = j + 1
    if k >= len(tok.keys) or tok.seps[k] != " ":
        return False
    key = tok.keys[k]
    if key in PLACE_POSTPOSITIONS or key in PLACE_NOUNS or key in TOUR_WORDS:
        return True
    return key == "के" and k + 1 < len(tok.keys) and tok.keys[k + 1] == "पास"


def _inner_place(tok: Tokens, j: int) -> tuple[int, int] | None:
    """ "हरियाणा के यमुना नगर में": the place named inside the place ending at word j."""
    keys, n = tok.keys, len(tok.keys)
    ke = j + 1
    if ke >= n or keys[ke] != "के":
        return None
    for size in range(1, _MAX_INNER_PLACE_WORDS + 1):
        post = ke + size + 1
        if post >= n or keys[post] not in PLACE_POSTPOSITIONS or not tok.spaced(j, post):
            continue
        if all(_name_like(keys[k]) for k in range(ke + 1, post)):
            return ke + 1, post - 1
    return None


def _name_like(key: str) -> bool:
    """A word that can be (part of) a place's name: not a function word or common noun."""
    return not (
        key in STOPWORDS or key in GENERIC or key in ROLES or key in CALENDAR or is_number(key)
    )


def _place_words(tok: Tokens, kinds: WordKinds) -> frozenset[str]:
    """The words of the text a place can start with: known places and town-like names."""
    # Read off the text's hundred-odd words (not the longer list of known places).
    return PLACE_KEYS.intersection(tok.vocabulary) | kinds.towns


def where_candidates(
    tok: Tokens,
    sentences: list[tuple[str, int]],
    body_start: int = 0,
    title_keys: frozenset[str] = frozenset(),
    kinds: WordKinds | None = None,
) -> list[Candidate]:
    """The dateline place (if any) and places named with a postposition or place noun.

    Places are read from the body (from character `body_start` of `tok`); one the headline
    also names ranks higher. `kinds` is word_kinds(tok.vocabulary) when the caller has it.
    """
    if kinds is None:
        kinds = word_kinds(tok.vocabulary)
    out: list[Candidate] = []
    for n, (sentence, pos) in enumerate(sentences[:_DATELINE_SENTENCES]):
        # A sentence that is only a place ("बांदा।") is a dateline only as the first one;
        # a dateline with its sentence ("नई दिल्ली: ...") may follow a standfirst.
        place = (dateline_only(sentence) if n == 0 else None) or split_dateline(sentence)[0]
        if place:
            out.append(Candidate("where", place, _DATELINE_SCORE, pos))
            break
    # Places are found from the few place words in the text (a set intersection), not by
    # visiting every "में" and "से": there are many more of those.
    spans: list[tuple[int, int]] = []
    first_body_word = tok.index_at(body_start)
    for i in tok.where(_place_words(tok, kinds)):
        if i < first_body_word:
            continue
        last = _place_at(tok, i)
        if last is None:
            continue
        if _marked_after(tok, last) or " ".join(tok.keys[i : last + 1]) in VENUES:
            spans.append((i, last))
        inner = _inner_place(tok, last)
        if inner:
            spans.append(inner)
    for i in tok.where(PLACE_NOUNS):  # "कैमला गांव": any proper-looking word before it
        k = i - 1
        if k >= first_body_word and tok.seps[i] == " " and _name_like(tok.keys[k]):
            spans.append((k, k))
    counts: dict[str, int] = {}  # (a Counter costs more to make than all its counting)
    first: dict[str, tuple[str, int]] = {}
    for span in sorted(set(spans)):
        phrase = tok.span(*span)
        key = phrase_key(phrase)
        counts[key] = counts.get(key, 0) + 1
        first.setdefault(key, (phrase, tok.starts[span[0]]))
    for key, n in counts.items():
        phrase, pos = first[key]
        bonus = _TITLE_BONUS if title_keys.issuperset(key.split()) else 0.0
        out.append(Candidate("where", phrase, _PLACE_SCORE + min(n - 1, 3) + bonus, pos))
    return out
