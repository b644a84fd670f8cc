"""The second round of speed shortcuts gives exactly what the slower way gave.

As in test_digests_fast_paths: each shortcut is checked against the straightforward
computation it replaced, on random strings from an alphabet chosen to hit its edge cases.
"""

from __future__ import annotations

import random
import re
import unicodedata
from itertools import islice

from digests import clutter, dateline, normalize, unicode_ranges, wordchars
from digests.facts import _words
from digests.facts.candidate import phrase_key
from digests.facts.lexicon import (
    CALENDAR,
    GENERIC_SPEAKERS,
    INDEFINITE,
    MEDIA_SOURCES,
    ROLES,
    TIME_WORDS,
)
from digests.facts.numbers import _PERCENT, _percent_end
from digests.facts.quotes import speaker
from digests.facts.tokens import Tokens, _fold_marked_words, fold_keys, is_number, split_parts
from digests.facts.when import _NUMERIC_DATE_IN_TEXT, _digit_separated
from digests.facts.who import _glossed_by_brackets, _glossed_by_search
from digests.facts.wordkinds import ACRONYM, is_acronym
from digests.sentences import word_tokens
from digests.stopwords import STOPWORDS
from digests.wordchars import WORD_CHARS, WORD_RE


def _random_strings(alphabet: list[str], count: int, longest: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(alphabet, k=rng.randint(0, longest))) for _ in range(count)]


_HINDI = ["क", "ा", "ि", "ं", "़", "्", "ड", "\u200c", "\u200d", " ", "-", ".", ",", "।"]
_LATIN = ["a", "B", "z", "1", "०", "&", "'", "(", ")", ":", "\n", "\t", "\xa0"]


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
    """speaker() as it was, on a whole Tokens of the window."""
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


# article and normalize ---------------------------------------------------------------------


def test_line_words_are_counted_as_runs_of_word_characters() -> None:
    runs = re.compile(f"[{WORD_CHARS}]+")
    alphabet = ["राम", "a", "-", ".", " ", ",", "-.", "\u200d"]
    texts = [*_random_strings(alphabet, 2000, 40, seed=7), "शब्द " * 70, "शब्द-" * 70]
    for text in texts:
        expected = sum(1 for _ in islice(runs.finditer(text), 26))
        assert clutter._words_up_to(text, 25) == expected, repr(text)


def test_single_spacing_without_a_split() -> None:
    for text in _random_strings(["a", " ", "\t", "\xa0", "\n", "क"], 2000, 12, seed=8):
        assert clutter._single_spaced(text) == " ".join(text.split()), repr(text)


def test_visible_characters_without_a_split() -> None:
    for text in _random_strings(["a", " ", "\t", "\xa0", "\u2028", "क", "\x1c"], 2000, 20, 9):
        assert dateline._visible_chars(text) == len("".join(text.split())), repr(text)
    for text in _random_strings(["a", " ", "\t"], 500, 400, seed=10):
        assert dateline._more_visible_chars(text, 63) == (len("".join(text.split())) > 63)


def test_dateline_shortcut_before_the_cache_changes_no_answer() -> None:
    alphabet = ["नई", "दिल्ली", " ", ":", "ः", "|", "(", ")", "भाषा", "।", ",", "12", "मई"]
    for text in _random_strings(alphabet, 2000, 14, seed=11):
        assert dateline.split_dateline(text) == dateline._split_marked_dateline(text), text


def test_pointer_sentences_need_a_reading_verb() -> None:
    alphabet = ["ये", "भी", "पढ़ें", "पढ़िए", "देखें", "Read", "rEaD", "also", " ", ":", "-", "क"]
    for text in _random_strings(alphabet, 3000, 8, seed=12):
        head = normalize.fold_nukta(text[:40])
        expected = bool(clutter._POINTER_SENTENCE.match(head))
        assert clutter.is_pointer_sentence(text) == expected, repr(text)


# facts ---------------------------------------------------------------------------------------


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


# constants kept instead of computed at import ----------------------------------------------


def test_kept_unicode_ranges_are_unicodedatas() -> None:
    if unicodedata.unidata_version != unicode_ranges.UNIDATA_VERSION:
        return  # another Python: wordchars works the ranges out itself
    assert wordchars.class_ranges("LMN") == wordchars._WORD_RANGES
    assert wordchars.class_ranges("M") == wordchars._MARK_RANGES
    assert wordchars._class(wordchars.class_ranges("LMN")) == wordchars.WORD_CHARS
