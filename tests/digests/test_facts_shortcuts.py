"""Fact extraction's shortcuts give exactly what the straightforward computation gives.

Each test runs a shortcut next to a plain reference (on the fixtures, hand-picked cases and
random texts from an alphabet chosen to reach its edge cases: letter-name characters, town
endings, nukta, joiners), so a change that breaks the equivalence fails here.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from digests import normalize
from digests.clean import clean_text
from digests.facts import MAX_PER_KIND, _rank, _sentences_with_pos, _words
from digests.facts.candidate import Shown, phrase_key
from digests.facts.lexicon import (
    CALENDAR,
    GENERIC_SPEAKERS,
    INDEFINITE,
    MEDIA_SOURCES,
    ROLES,
    TIME_WORDS,
)
from digests.facts.numbers import _PERCENT, _percent_end
from digests.facts.quotes import (
    _after_last_sentence_end,
    direct_quotes,
    first_quote,
    reported_speech,
    speaker,
)
from digests.facts.tokens import Tokens, _fold_marked_words, fold_keys, is_number, split_parts
from digests.facts.when import _NUMERIC_DATE_IN_TEXT, _digit_separated
from digests.facts.who import _glossed_by_brackets, _glossed_by_search
from digests.facts.wordkinds import ACRONYM, is_acronym, is_town, word_kinds
from digests.sentences import (
    split_paragraph_sentences,
    word_tokens,
)
from digests.stopwords import STOPWORDS
from digests.wordchars import WORD_CHARS, WORD_RE

FIXTURES = Path(__file__).parent / "fixtures"

_QUOTE_PIECES = [
    "राम कुमार ने कहा कि ",
    "पुलिस के मुताबिक, ",
    "WhatsApp ने बयान जारी कर बताया-\n\n",
    "“हम इस मामले की जांच कर रहे हैं और जल्द जवाब देंगे”",
    "“ठीक है”",
    "‘यह बहुत बड़ा फैसला है जो सबको मानना होगा’",
    "सभी स्कूल सोमवार तक बंद रहेंगे। ",
    "एक युवक ने बताया कि वह घर पर था। ",
    "मंत्री ने कहा कि सरकार हर परिवार को मदद देगी। ",
    "\n\n",
]


def _texts() -> list[str]:
    texts = [clean_text(p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.iterdir())]
    rng = random.Random(3)
    for _ in range(300):
        texts.append("".join(rng.choices(_QUOTE_PIECES, k=rng.randint(1, 8))))
    return texts


def test_first_quote_is_the_best_ranked_of_all_quotes() -> None:
    """A card shows one quote: the first found must be the best of every quote, ranked."""
    assert MAX_PER_KIND["quote"] == 1
    for text in _texts():
        sentences = _sentences_with_pos(text, split_paragraph_sentences(text))
        for shown in ("", text[: len(text) // 2]):
            direct = list(direct_quotes(text, Shown(shown)))
            every = direct or list(reported_speech(sentences, Shown(shown)))
            best = sorted(every, key=_rank)[0] if every else None
            assert first_quote(text, sentences, Shown(shown)) == best, text


def _random_strings(alphabet: list[str], count: int, longest: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(alphabet, k=rng.randint(0, longest))) for _ in range(count)]


_HINDI = ["क", "ा", "ि", "ं", "़", "्", "ड", "\u200c", "\u200d", " ", "-", ".", ",", "।"]
_LATIN = ["a", "B", "z", "1", "०", "&", "'", "(", ")", ":", "\n", "\t", "\xa0"]


# quotes ------------------------------------------------------------------------------------

_SENTENCE_START = re.compile(r"(?:[।!?]|\.\s|\n)(?!.*(?:[।!?]|\.\s|\n))", flags=re.DOTALL)


def test_last_sentence_end_found_from_the_end() -> None:
    alphabet = [*"ab .।!?\n\t", ". ", ".\u00a0", "1.2"]
    for text in _random_strings(alphabet, 5000, 20, seed=7):
        m = _SENTENCE_START.search(text)
        assert _after_last_sentence_end(text) == (m.end() if m else 0), repr(text)


# words and tokens ------------------------------------------------------------------------


def test_possessive_word_patterns_find_the_same_words() -> None:
    greedy_words = re.compile(f"[{WORD_CHARS}]+(?:[-.][{WORD_CHARS}]+)*")
    char = f"[{WORD_CHARS}\u200c\u200d]"
    greedy_split = re.compile(f"({char}+(?:[-.]{char}+)*)")
    for text in _random_strings(_HINDI + _LATIN, 3000, 30, seed=1):
        assert WORD_RE.findall(text) == greedy_words.findall(text), repr(text)
        assert split_parts(text) == greedy_split.split(text), repr(text)


def test_marked_words_are_folded_as_a_whole_fold_would() -> None:
    for text in _random_strings([*_HINDI, "ग", " "], 3000, 40, seed=2):
        tok = Tokens.of(text)
        assert tok.keys == fold_keys(tok.words, text), repr(text)
    many = "ज़ि़ले " * 30  # more marks than are found one by one
    tok = Tokens.of(many)
    assert tok.keys == fold_keys(tok.words, many)
    assert _fold_marked_words(tok.words, many, tok.starts) == ["जिले"] * 30


def _reference_speaker(context: str) -> str:
    """speaker() the plain way, on a whole Tokens of the window."""
    at = context.rfind(" ने")
    if at < 0:
        return ""
    tok = Tokens.of(context[max(0, at - 80) : at + 4])
    keys = tok.keys
    if "ने" not in keys:
        return ""
    ne = len(keys) - 1 - keys[::-1].index("ने")
    first = ne
    while first > 0 and ne - first < 4 and tok.seps[first] == " ":
        key = keys[first - 1]
        if key in STOPWORDS or key in TIME_WORDS or key in CALENDAR or is_number(key):
            break
        first -= 1
    roles = [k for k in range(first, ne - 1) if keys[k] in ROLES]
    if roles:
        first = roles[-1] + 1
    if first == ne or keys[ne - 1] in GENERIC_SPEAKERS or keys[ne - 1] in MEDIA_SOURCES:
        return ""
    if first > 0 and keys[first - 1] in INDEFINITE:
        return ""
    return tok.span(first, ne - 1)


def test_speaker_span_is_the_text_between_its_words() -> None:
    alphabet = ["राम", "श्याम", "मंत्री", "एक", "रिपोर्ट", " ", "-", ",", " ने", "़", "\u200d", "5"]
    for text in _random_strings(alphabet, 3000, 25, seed=3):
        assert speaker(text) == _reference_speaker(text), repr(text)


def test_phrase_key_words_are_the_folded_words() -> None:
    for text in _random_strings(_HINDI + _LATIN + ["İ", "ß"], 3000, 30, seed=4):
        reference = frozenset(word_tokens(normalize.fold_nukta(text).casefold()))
        assert _words(phrase_key(text), text) == reference, repr(text)


# tokens and word kinds ----------------------------------------------------------------------


def test_positions_index_every_word_in_order() -> None:
    tok = Tokens.of("राम ने कहा कि राम और श्याम ने राम को देखा")
    assert list(tok.positions("राम")) == [0, 4, 8]
    assert list(tok.positions("ने")) == [1, 7]
    assert list(tok.positions("सीता")) == []
    assert tok.where(frozenset(["राम", "ने"])) == [0, 1, 4, 7, 8]


def test_word_kinds_remembered_between_texts_give_the_same_answers() -> None:
    first = Tokens.of("एएनआई के मुताबिक सीतापुर और लखनऊ में बारिश हुई").vocabulary
    second = Tokens.of("सीतापुर में एएनआई और डीसीजीआई").vocabulary
    for vocabulary in (first, second, first):
        kinds = word_kinds(vocabulary)
        assert set(kinds.acronyms) == {k for k in vocabulary if is_acronym(k)}
        assert set(kinds.towns) == {k for k in vocabulary if is_town(k)}
    assert set(word_kinds(second).acronyms) == {"एएनआई", "डीसीजीआई"}
    assert set(word_kinds(first).towns) == {"सीतापुर"}


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


# numbers, dates, glosses and acronyms -------------------------------------------------------
def test_percent_probe_agrees_with_the_regex() -> None:
    alphabet = ["5", " ", "\t", "\xa0", "%", "प्रतिशत", "फीसदी", "फ़ीसदी", "प", "फ", "x"]
    texts = [*_random_strings(alphabet, 3000, 8, seed=13), "5" + " " * 20 + "%"]
    for text in texts:
        m = _PERCENT.match(text, 1)
        assert _percent_end(text, 1) == (m.end() if m else -1), repr(text)


def test_numeric_dates_need_a_separator_between_digits() -> None:
    alphabet = ["1", "२", "/", "-", ".", " ", "a"]
    for text in _random_strings(alphabet, 5000, 14, seed=14):
        if _NUMERIC_DATE_IN_TEXT.search(text):
            assert _digit_separated(text), repr(text)


def test_glosses_found_from_brackets_as_by_search() -> None:
    names = ["इसरो", "संगठन", "NSO", "भारतीय अंतरिक्ष"]
    alphabet = [*names, " (", "(", ")", " ", "और"]
    for text in _random_strings(alphabet, 2000, 12, seed=15):
        glossed = _glossed_by_brackets(text, max(map(len, names)))
        for name in names:
            for gloss in names:
                expected = _glossed_by_search(text, name, gloss)
                assert glossed(text, name, gloss) == expected, (text, name, gloss)


def test_acronym_letters_shortcut_agrees_with_the_regex() -> None:
    alphabet = ["ए", "बी", "सी", "डी", "आई", "एक्स", "क", "ा", " "]
    for word in _random_strings(alphabet, 3000, 7, seed=16):
        expected = 2 <= len(word) <= 18 and ACRONYM.fullmatch(word) is not None
        assert is_acronym(word) == expected, word
