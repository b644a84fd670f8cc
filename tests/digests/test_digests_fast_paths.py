"""The shortcuts taken for speed (issue 3) give exactly what the slower way gave.

Each test checks a fast path against the straightforward computation it replaced, on
hand-picked cases and on random strings from an alphabet chosen to hit its edge cases, so a
change that breaks the equivalence fails here rather than as a slightly different summary.
"""

from __future__ import annotations

import random
import re
import time
import unicodedata

import pytest
import regex

from digests import sentences
from digests.calendar_hi import MONTH_NAMES, WEEKDAY_NAMES, month_names, weekday_names
from digests.dateline import _plausible_place, dateline_only
from digests.facts.quotes import _after_last_sentence_end
from digests.facts.tokens import Tokens
from digests.facts.wordkinds import is_acronym, is_town, word_kinds
from digests.normalize import normalize_text
from digests.sentences import (
    _split_at_dandas,
    _split_paragraph,
    count_words,
    ends_sentence,
    has_words,
)
from digests.trim import truncate_words
from digests.wordchars import MARK_CHARS, WORD_CHARS


def _random_strings(alphabet: list[str], count: int, longest: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(alphabet, k=rng.randint(0, longest))) for _ in range(count)]


# normalize_text ----------------------------------------------------------------------------

_MARK_RUN = re.compile(f"([{MARK_CHARS}]{{4}})[{MARK_CHARS}]+")


def _reference_normalize(raw: str) -> str:
    """normalize_text as it was before the fast path: unicodedata on every suspect text."""
    if not raw:
        return ""
    text = raw
    flat = text.replace("\n", "")
    if not flat.isprintable():
        if not flat.replace("\u200c", "").replace("\u200d", "").isprintable():
            text = regex.sub(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]", "\n", text)
            text = regex.sub(
                r"[[\p{Cf}\p{Co}\p{Cs}\p{Cc}]--[\n\t\u200c\u200d]]+", "", text, flags=regex.V1
            )
            text = regex.sub(r"[[\p{Zs}\t]--[ ]]", " ", text, flags=regex.V1)
        text = unicodedata.normalize("NFC", text)
        text = regex.sub(
            "(?<![\u0900-\u097f\ua8e0-\ua8ff])[\u200c\u200d]+"
            "|[\u200c\u200d]+(?![\u0900-\u097f\ua8e0-\ua8ff])",
            "",
            text,
        )
    else:
        text = unicodedata.normalize("NFC", text)
    text = _MARK_RUN.sub(r"\1", text)
    text = regex.sub(" {2,}", " ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


_NORMALIZE_ALPHABET = [
    *'कखगजडढनरळय अआइ ािीुेोौंँः़्।.,"“”-\n',
    "\u0958",  # क़ precomposed: NFC decomposes it
    "\u095c",  # ड़ precomposed
    "\u095d",  # ढ़ precomposed
    "\u0929",  # ऩ composed
    "\u0928\u093c",  # न + nukta: NFC composes
    "\u094d\u093c",  # virama before nukta: NFC reorders
    "\u0951",  # Vedic stress sign
    "\u0301",  # combining acute
    "e\u0301",
    "\u00e9",
    "\u200c",
    "\u200d",
    "\u200b",
    "\u00a0",
    "\u2000",  # NFC maps it to U+2002
    "\t",
    "\r\n",
    "\U0001d400",
    "  ",
    "A",
]


@pytest.mark.parametrize(
    "text",
    [
        "पढ़ें \u095c\u093f बढ़ी",
        "\u095c\u093c\u093e\u0902\u0902\u0902",
        "क" + "\u093e" * 6,
        "\u0928\u093c\u093e",
        "क\u094d\u093c",
        " पहली \n दूसरी ",
        "\u2000ड़",
        "नया\u200cशब्द A\u200dB",
    ],
)
def test_normalize_matches_unicodedata_on_edge_cases(text: str) -> None:
    assert normalize_text(text) == _reference_normalize(text)


def test_normalize_matches_unicodedata_on_random_text() -> None:
    for text in _random_strings(_NORMALIZE_ALPHABET, 4000, 30, seed=11):
        assert normalize_text(text) == _reference_normalize(text), repr(text)


# sentences ---------------------------------------------------------------------------------


def _reference_ends_sentence(text: str) -> bool:
    return bool(regex.search(r"[।॥?!.…][\"'”’»)\]]*$", text.rstrip()))


@pytest.mark.parametrize(
    "text", ["वह आया।", "वह आया", "“वह आया।”", "वह आया।) ", "))", "", "?", "a.\n", "a”"]
)
def test_ends_sentence_without_regex(text: str) -> None:
    assert ends_sentence(text) == _reference_ends_sentence(text)


def test_danda_only_paragraphs_split_as_the_scanner_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alphabet = [*"कख ग।\"'”’»)],-:", "। ", " ।", "।।"]
    texts = _random_strings(alphabet, 5000, 30, seed=3)
    fast = [_split_paragraph(text) for text in texts]
    assert fast == [_split_at_dandas(text) for text in texts]
    monkeypatch.setattr(sentences, "_NOT_DANDA_ENDS", ("",))  # every paragraph: the scanner
    assert [_split_paragraph(text) for text in texts] == fast


def test_danda_split_is_linear_on_a_long_line_without_dandas() -> None:
    line = "शब्द " * 100_000  # a quadratic scan of this takes minutes
    start = time.perf_counter()
    assert _split_paragraph(line) == [line.strip()]
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize("n", [0, 1, 3, 5])
def test_has_words_is_count_words_at_least(n: int) -> None:
    for text in ["", "एक", "एक दो", "एक दो तीन", "एक, दो - तीन. चार", "CERT-IN 2.5 और"]:
        assert has_words(text, n) == (count_words(text) >= n)


# truncate_words ----------------------------------------------------------------------------


def _reference_truncate(text: str, max_words: int) -> str:
    if max_words <= 0 or not text:
        return ""
    end = -1
    for count, m in enumerate(re.finditer(f"[{WORD_CHARS}]+(?:[-.][{WORD_CHARS}]+)*", text), 1):
        if count > max_words:
            return regex.sub(r"[\s,;:।॥.\-–—(“‘\"']+$", "", text[:end]) + "…"
        end = m.end()
    return text


def test_truncate_words_matches_the_word_loop() -> None:
    alphabet = [*"कख ग।, -.", "शब्द ", "CERT-IN ", "2.5 "]
    for text in _random_strings(alphabet, 3000, 40, seed=5):
        for budget in (0, 1, 3, 8):
            assert truncate_words(text, budget) == _reference_truncate(text, budget)
    long_text = "शब्द " * 1000  # beyond the findall shortcut's length
    assert truncate_words(long_text, 3) == _reference_truncate(long_text, 3)


# quotes ------------------------------------------------------------------------------------

_SENTENCE_START = re.compile(r"(?:[।!?]|\.\s|\n)(?!.*(?:[।!?]|\.\s|\n))", flags=re.DOTALL)


def test_last_sentence_end_found_from_the_end() -> None:
    alphabet = [*"ab .।!?\n\t", ". ", ".\u00a0", "1.2"]
    for text in _random_strings(alphabet, 5000, 20, seed=7):
        m = _SENTENCE_START.search(text)
        assert _after_last_sentence_end(text) == (m.end() if m else 0), repr(text)


# datelines ---------------------------------------------------------------------------------


def test_dateline_only_shortcut_changes_no_answer() -> None:
    pattern = regex.compile(
        r"^(?P<place>[\p{L}\p{M}]+(?:[ /][\p{L}\p{M}]+){0,2})\s*(?:\([^()]{1,30}\))?"
        r"(?:,\s*[\p{L}\p{M} ]{1,20})?\s*[।.|:ः]$"
    )
    alphabet = ["नई ", "दिल्ली", "लखनऊ", " ", "/", "(", ")", ",", "।", ".", ":", "भाषा", "12", "\t"]
    for text in [*_random_strings(alphabet, 5000, 25, seed=9), "लखनऊ।", "नई दिल्ली, जेएनएन।"]:
        m = pattern.match(text.strip())
        expected = m.group("place") if m and _plausible_place(m.group("place"), "") else None
        assert dateline_only(text) == expected, repr(text)


# facts -------------------------------------------------------------------------------------


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


# constants kept instead of computed at import ----------------------------------------------


def test_calendar_names_are_babels() -> None:
    assert month_names() == MONTH_NAMES
    assert weekday_names() == WEEKDAY_NAMES


def test_word_chars_are_letters_marks_and_digits_of_the_bmp() -> None:
    word = re.compile(f"[{WORD_CHARS}]")
    mark = re.compile(f"[{MARK_CHARS}]")
    for cp in range(0, 0x10000, 7):
        major = unicodedata.category(chr(cp))[0]
        assert bool(word.match(chr(cp))) == (major in "LMN"), hex(cp)
        assert bool(mark.match(chr(cp))) == (major == "M"), hex(cp)
