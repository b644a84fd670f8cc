"""Round 2 of the facts speed-up gives exactly what the straightforward computation gives.

The vocabulary became a frozenset, so `where` may walk either side of an intersection and
word_kinds compares sets rather than a dict's keys. Each test compares with the plain
per-word computation, on hand-picked cases and random texts from an alphabet chosen to hit
the edge cases (letter-name characters, town endings, nukta, joiners).
"""

from __future__ import annotations

import random

from digests.facts.lexicon import ROLES
from digests.facts.tokens import Tokens
from digests.facts.wordkinds import is_acronym, is_town, word_kinds

_PIECES = (
    "ए",
    "एन",
    "आई",
    "सी",
    "डी",
    "जी",
    "के",
    "पी",
    "डब्ल्यू",
    "पुर",
    "पुरा",
    "बाद",
    "गढ",
    "गढ़",
    "गंज",
    "सीता",
    "अली",
    "मुरादा",
    "ज़",
    "\u200d",
    "\u200c",
    "राम",
    "ने",
)


def _random_text(rng: random.Random) -> str:
    words = ["".join(rng.choices(_PIECES, k=rng.randint(1, 7))) for _ in range(rng.randint(0, 30))]
    return " ".join(words)


def test_where_matches_a_scan_of_the_words_for_sets_larger_and_smaller_than_the_text() -> None:
    rng = random.Random(7)
    small = frozenset(["राम", "ने", "सीतापुर"])
    for _ in range(300):
        tok = Tokens.of(_random_text(rng) + " मुख्यमंत्री राम ने कहा")
        for words in (small, ROLES, frozenset(tok.keys[::2])):
            assert tok.where(words) == [i for i, k in enumerate(tok.keys) if k in words]
        assert tok.vocabulary == frozenset(tok.keys)


def test_word_kinds_of_unseen_and_seen_words_match_the_per_word_tests() -> None:
    rng = random.Random(11)
    for _ in range(300):
        vocabulary = Tokens.of(_random_text(rng)).vocabulary
        for _twice in range(2):  # unseen words the first time, remembered ones the second
            kinds = word_kinds(vocabulary)
            assert set(kinds.acronyms) == {k for k in vocabulary if is_acronym(k)}
            assert set(kinds.towns) == {k for k in vocabulary if is_town(k)}


def test_word_kinds_hand_picked() -> None:
    vocabulary = Tokens.of(
        "एएनआई डब्ल्यूएचओ के सीतापुर अलीगढ़ मुरादाबाद हजरतगंज पुर एएनआईएएनआईएएनआईएएनआई"
    ).vocabulary
    kinds = word_kinds(vocabulary)
    assert {"एएनआई", "डब्ल्यूएचओ"} <= set(kinds.acronyms)
    assert "के" not in kinds.acronyms  # one letter name is a word, not an acronym
    assert "एएनआईएएनआईएएनआईएएनआई" not in kinds.acronyms  # longer than any acronym
    assert {"सीतापुर", "अलीगढ", "मुरादाबाद", "हजरतगंज"} <= set(kinds.towns)
    assert "पुर" not in kinds.towns  # the ending alone is no town
