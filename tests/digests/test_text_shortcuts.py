"""The text pipeline's shortcuts give exactly what the straightforward computation gives.

Each test checks a shortcut against a plain reference, kept here, on hand-picked cases and
on random strings from an alphabet chosen to reach its edge cases, so a change that breaks
the equivalence fails here rather than as a slightly different summary.
"""

from __future__ import annotations

import random
import re
import sys
import unicodedata
from itertools import chain, islice

import pytest
import regex

from bot import cli
from digests import clutter, dateline, normalize, sentences, summarize, unicode_ranges, wordchars
from digests.article import MIN_HINDI_SHARE, hindi_share, too_little_hindi
from digests.calendar_hi import MONTH_NAMES, WEEKDAY_NAMES, month_names, weekday_names
from digests.clutter import is_clutter_line
from digests.dateline import _plausible_place, dateline_only
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


# normalize ---------------------------------------------------------------------------------

_DEVANAGARI = "\u0900-\u097f\ua8e0-\ua8ff"
_REFERENCE_STRAY_JOINER = re.compile(
    rf"(?<![{_DEVANAGARI}])[\u200c\u200d]+|[\u200c\u200d]+(?![{_DEVANAGARI}])"
)


def test_stray_joiners_go_as_the_first_pattern_removed_them() -> None:
    alphabet = ["क", "\ua8e0", "a", " ", "\u200c", "\u200d", "\u200d\u200d", "\n"]
    for text in _random_strings(alphabet, 5000, 12, seed=21):
        expected = _REFERENCE_STRAY_JOINER.sub("", text)
        assert normalize._STRAY_JOINER.sub("", text) == expected, repr(text)


def test_composing_nukta_found_as_by_its_pairs() -> None:
    pairs = ("\u0928\u093c", "\u0930\u093c", "\u0933\u093c", "\u094d\u093c")
    alphabet = ["न", "र", "ळ", "क", "\u094d", "\u093c", "\u093e", " "]
    for text in _random_strings(alphabet, 5000, 10, seed=22):
        expected = any(pair in text for pair in pairs)
        assert bool(normalize._COMPOSING_NUKTA.search(text)) == expected, repr(text)


def test_printable_plain_characters_are_newline_or_printable_and_plain() -> None:
    for code in [*range(0x10000), 0x1F600, 0x1D400, 0xE0001]:
        char = chr(code)
        expected = char == "\n" or (
            char.isprintable() and not normalize._NEEDS_UNICODEDATA.search(char)
        )
        assert (normalize._NOT_PRINTABLE_PLAIN.search(char) is None) == expected, hex(code)


def test_space_by_newline_found_as_by_in() -> None:
    for text in _random_strings(["a", "क", " ", "\n", "  "], 5000, 12, seed=27):
        expected = " \n" in text or "\n " in text
        assert bool(normalize._SPACE_BY_NEWLINE.search(text)) == expected, repr(text)


# wordchars ---------------------------------------------------------------------------------


@pytest.mark.parametrize("also", ["", "\u200c\u200d", "_-a\u0915\uffff"])
def test_negated_word_class_is_the_word_class_at_every_code_point(also: str) -> None:
    word = re.compile(f"[{wordchars.WORD_CHARS}{re.escape(also)}]")
    negated = re.compile(
        f"[^{wordchars.negated_word_class(also) if also else wordchars.NOT_WORD_CHARS}]"
    )
    mismatches = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if (word.match(chr(code)) is None) != (negated.match(chr(code)) is None)
    ]
    assert mismatches == []


def test_words_found_as_with_the_word_class_twice() -> None:
    chars = wordchars.WORD_CHARS
    reference = re.compile(f"[{chars}]++(?:[-.][{chars}]++)*+")
    alphabet = [*"कि a1-._ ।", "\u0301", "\U0001d400", "\U0001f600", "\ud800", "\u200d"]
    for text in _random_strings(alphabet, 10000, 16, seed=33):
        assert wordchars.WORD_RE.findall(text) == reference.findall(text), repr(text)


# sentences ---------------------------------------------------------------------------------


def test_danda_ends_split_as_with_a_repeated_danda() -> None:
    reference = re.compile("(।+[\"'”’»)\\]]*)")
    alphabet = [*"कख ग।\"'”’»)],", "।।", "। "]
    for text in _random_strings(alphabet, 5000, 20, seed=23):
        assert sentences._DANDA_END.split(text) == reference.split(text), repr(text)


def test_token_before_a_full_stop_found_backwards_as_forwards() -> None:
    reference = regex.compile(r"[\p{L}\p{M}]+$")
    alphabet = [*"कखा्ि aZ1२ ,(", "\u0301", "डॉ", "\u200d"]
    for text in _random_strings(alphabet, 5000, 15, seed=26):
        found, expected = sentences._TOKEN_BEFORE.search(text), reference.search(text)
        assert (found and found.group(0)) == (expected and expected.group(0)), repr(text)


# clutter -----------------------------------------------------------------------------------


def _reference_is_clutter_line(line: str) -> bool:
    """is_clutter_line the plain way: words counted first, then the rules that they allow."""
    text = line.strip()
    if not text:
        return True
    if len(text) > clutter._MAX_LABEL_CHARS:
        return clutter._is_promo_paragraph(text)
    if not clutter._LETTER_OR_DIGIT.search(text):
        return True
    folded = normalize.fold_nukta(text).casefold()
    key = normalize.single_spaced(folded).rstrip(clutter._TRAILING_PUNCT)
    if key in clutter._EXACT:
        return True
    words = clutter._words_up_to(text, clutter._MAX_PREFIX_WORDS)
    short_label = words <= clutter._MAX_BYLINE_WORDS and "।" not in text
    if short_label and (
        clutter._BYLINE_PREFIX.match(folded)
        or clutter._BYLINE.match(text)
        or (":" in text and clutter._TIMESTAMP.search(text))
        or clutter._RELATIVE_TIME.match(key)
    ):
        return True
    if words <= clutter._MAX_PREFIX_WORDS:
        if clutter._POINTER_PREFIX.match(folded) or clutter._CAPTION.match(text):
            return True
        if clutter._SOCIAL.match(key):
            return True
        if "।" not in text and clutter._PLUG.search(folded):
            return True
    return clutter._is_promo_paragraph(text)


# Pieces of every rule, and plain words to push a line past 12 and 25 words.
_CLUTTER_ALPHABET = [
    "By ",
    "Rahul ",
    "Updated: ",
    "10:32 AM IST ",
    "2 घंटे पहले",
    "फोटो: ",
    "ये भी पढ़ें: ",
    "(",
    ")",
    "Facebook ",
    "Twitter ",
    "मेंबर बनें ",
    "शब्द ",
    "नया शब्द ",
    "।",
    " ",
    "-",
]


@pytest.mark.parametrize(
    "line",
    [
        "By Rahul Sharma",
        "Updated: 01 Nov 2019, 10:32 AM IST",
        "फोटो: PTI",
        "ये भी पढ़ें: " + "शब्द " * 30,
        "(मेंबर बनें " + "शब्द " * 30 + ")",
        "Facebook Twitter WhatsApp",
        "शब्द " * 12 + "Updated: 10:32 AM IST",
    ],
)
def test_clutter_rules_count_words_only_after_a_match(line: str) -> None:
    assert is_clutter_line(line) == _reference_is_clutter_line(line)


def test_clutter_lines_match_the_reference_on_random_lines() -> None:
    for line in _random_strings(_CLUTTER_ALPHABET, 6000, 40, seed=24):
        assert is_clutter_line(line) == _reference_is_clutter_line(line), repr(line)


# article -----------------------------------------------------------------------------------


def _reference_hindi_share(text: str) -> float:
    """hindi_share the plain way: two counts of byte pairs, two deleting translations."""
    encoded = text.encode("utf-8", "replace")
    devanagari = encoded.count(b"\xe0\xa4") + encoded.count(b"\xe0\xa5")
    ascii_letters = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    other = len(encoded.translate(None, bytes(b for b in range(256) if b not in ascii_letters)))
    other += len(encoded.translate(None, bytes(b for b in range(256) if not 0xC2 <= b < 0xE0)))
    letters = devanagari + other
    return devanagari / letters if letters else 0.0


def test_hindi_share_as_with_two_pair_counts() -> None:
    alphabet = [
        *"कञॿऀ।॥ aZé ",
        "\u0980",  # Bengali, the next block: E0 A6 80
        "\u08ff",  # E0 A3 BF
        "\u0800",
        "\u0925",  # E0 A4 A5: an A5 that is not a second byte
        "\u0965",  # E0 A5 A5
        "\U0001f600",
        "\ud800",  # a lone surrogate, encoded as "?"
    ]
    for text in _random_strings(alphabet, 5000, 30, seed=25):
        assert hindi_share(text) == _reference_hindi_share(text), repr(text)


def test_too_little_hindi_decides_as_the_full_share() -> None:
    # Alphabets around the 30 % bar: Devanagari, other letters, and characters that are no
    # letter at all (which make the share of characters lower than the share of letters).
    alphabet = [*"कखा aZé 1.,“", "\U0001f600", "\ud800"]
    for text in _random_strings(alphabet, 20000, 24, seed=31):
        share = hindi_share(text)
        expected = None if share >= MIN_HINDI_SHARE else share
        assert too_little_hindi(text) == expected, repr(text)


# summarize ---------------------------------------------------------------------------------


def test_selection_is_a_frozen_hashable_value() -> None:
    assert summarize.Selection(37, 2) == summarize.DEFAULT_SELECTION
    chosen = summarize.Selection(target_words=15)
    assert (chosen.target_words, chosen.feature_skip) == (15, 2)
    assert repr(chosen) == "Selection(target_words=15, feature_skip=2)"
    assert {summarize.Selection(30, 0): 1}[summarize.Selection(30, 0)] == 1
    with pytest.raises(AttributeError):
        chosen.target_words = 3  # type: ignore[misc]


def _reference_selection(
    paragraphs: list[list[str]], title: str, selection: summarize.Selection, max_words: int = 60
) -> str:
    """summarize_paragraphs the plain way: candidates pulled until one does not fit."""
    skip = selection.feature_skip if summarize.feature_opening(paragraphs) else 0
    pool = summarize.candidates(paragraphs, title)
    head = list(islice(pool, skip + 1))
    if not head:
        pool = summarize.candidates(paragraphs, title, summarize.SHORT_SENTENCE_WORDS)
        head = list(islice(pool, skip + 1))
    if not head:
        return ""
    start = skip if len(head) > skip else 0
    rest = chain(head[start + 1 :], pool)
    first, total, first_key = head[start]
    if total > max_words:
        return truncate_words(first, max_words)
    chosen = [first]
    chosen_words = [summarize._word_set(first_key)]
    for sentence, words, key in rest:
        if len(chosen) == summarize.MAX_SENTENCES:
            break
        new_words = summarize._word_set(key)
        if any(summarize._restates(new_words, earlier) for earlier in chosen_words):
            continue
        grown = total + words
        if grown > max_words or not summarize._closer(total, grown, selection.target_words):
            break
        chosen.append(sentence)
        chosen_words.append(new_words)
        total += words
    return " ".join(chosen)


def test_summary_stops_at_the_target_as_the_full_loop_did() -> None:
    rng = random.Random(28)
    words = ["राम", "ने", "कहा", "दिल्ली", "में", "बारिश", "हुई", "और", "लोग", "खुश", "हैं"]
    for _ in range(3000):
        pool = [" ".join(rng.choices(words, k=rng.randint(2, 30))) + "।" for _ in range(6)]
        sentences_ = rng.choices(pool, k=rng.randint(1, 8))  # repeats: restated sentences
        paragraphs = [sentences_[i : i + 2] for i in range(0, len(sentences_), 2)]
        if rng.random() < 0.2:
            paragraphs.insert(0, ["लखनऊ."])  # a feature-style opening
        selection = summarize.Selection(rng.randint(10, 60), rng.randint(0, 3))
        title = rng.choice(["", pool[0][:-1]])
        expected = _reference_selection(paragraphs, title, selection)
        found = summarize.summarize_paragraphs(paragraphs, title, selection=selection)
        assert found == expected, paragraphs


# bot.cli: `summarize --jsonl IN` without argparse -------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["summarize", "--jsonl", "in.jsonl"], "in.jsonl"),
        (["summarize", "--jsonl", "-"], "-"),
        (["summarize", "--jsonl", "--json"], None),  # argparse: --jsonl lacks its argument
        (["summarize", "--jsonl", "-x"], None),
        (["summarize", "--jsonl=in.jsonl"], None),
        (["-v", "summarize", "--jsonl", "in.jsonl"], None),
        (["summarize", "in.txt", "--json"], None),
    ],
)
def test_only_the_plain_jsonl_command_skips_argparse(argv: list[str], expected: str | None) -> None:
    assert cli._plain_jsonl_run(argv) == expected


def test_other_command_lines_still_meet_argparse(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["summarize", "--jsonl", "--json"])
    assert exited.value.code == 2
    assert "--jsonl: expected one argument" in capsys.readouterr().err


# normalize_text ----------------------------------------------------------------------------

_MARK_RUN = re.compile(f"([{MARK_CHARS}]{{4}})[{MARK_CHARS}]+")


def _reference_normalize(raw: str) -> str:
    """normalize_text without its shortcuts: unicodedata on every suspect text."""
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


def test_a_long_line_without_dandas_stays_one_sentence() -> None:
    line = "शब्द " * 100_000  # a quadratic scan would take minutes here (no timing asserted)
    assert _split_paragraph(line) == [line.strip()]


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


# clutter and datelines ----------------------------------------------------------------------


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


def test_kept_unicode_ranges_are_unicodedatas() -> None:
    if unicodedata.unidata_version != unicode_ranges.UNIDATA_VERSION:
        return  # another Python: wordchars works the ranges out itself
    assert wordchars.class_ranges("LMN") == wordchars._WORD_RANGES
    assert wordchars.class_ranges("M") == wordchars._MARK_RANGES
    assert wordchars._class(wordchars.class_ranges("LMN")) == wordchars.WORD_CHARS
