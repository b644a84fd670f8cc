"""`number` facts: a figure together with what it counts ("20 भारतीय नागरिकों").

A bare number tells a reader nothing, so a figure is kept only with the words after it that
say what is counted: scale words (लाख, करोड़) are always taken, then up to three words,
stopping at a function word or a predicate ("मौजूद", "घायल") and right after a unit or a
plural noun. Numbers inside dates, clock times, phone numbers and product names are skipped.
"""

from __future__ import annotations

from bisect import bisect_left

import regex

from digests.facts.candidate import Candidate
from digests.facts.lexicon import CALENDAR, NUMBER_WORDS, PREDICATES, SCALE, UNITS
from digests.facts.tokens import Tokens, is_number
from digests.stopwords import STOPWORDS, word_set

_DIGIT_RUN = regex.compile(r"[0-9०-९]+(?:[.,][0-9०-९]+)*")
_PERCENT = regex.compile(r"\s*(?:%|प्रतिशत|फीसदी|फ़ीसदी)")
_CURRENCY = ("₹", "₹ ", "रु.", "रु. ", "Rs", "Rs.", "Rs ", "Rs. ", "$", "$ ")
_MAX_CURRENCY_CHARS = max(len(c) for c in _CURRENCY)
_MAX_NUMBER_DIGITS = 9  # longer runs are phone or account numbers
_MAX_COUNTED_WORDS = 3
_CLOCK = word_set("बजे बजकर am pm")
_MORE_THAN = word_set("ज्यादा ज़्यादा अधिक")
# Counts in digits are the precise ones; a count in words ranks below them.
_BASE, _WORD_BASE = 2.0, 1.0


# Words that end what a number counts (checked after SCALE and "से ज़्यादा"): one set, so
# each word costs one lookup.
_ENDS_COUNTED = STOPWORDS | PREDICATES | CALENDAR | NUMBER_WORDS
_SCALE_OR_UNIT = SCALE | UNITS
# What may stand right before a number that starts a figure: not a letter or digit, not
# joining punctuation ("COVID-19", "10:30"), not a Devanagari sign.
_JOINED_BEFORE = ".,:/-\u0900\u0901\u0902\u0903"
# First characters of _PERCENT after any white space: only then is the regex asked.
_PERCENT_FIRST = ("%", "प", "फ")
_PERCENT_PROBE_CHARS = 16


def _counted(tok: Tokens, i: int) -> tuple[int, int]:
    """(last word index, content words) of what the number before word i counts."""
    keys, seps = tok.keys, tok.seps
    n = len(keys)
    last, content = i - 1, 0
    j = i
    while j < n and content < _MAX_COUNTED_WORDS and seps[j] == " ":
        key = keys[j]
        if key in SCALE:
            last = j
            j += 1
            continue
        if key == "से" and j + 1 < n and keys[j + 1] in _MORE_THAN and seps[j + 1] == " ":
            j += 2  # "80 लाख से ज़्यादा वैक्सीन": carry on to what is counted
            continue
        if key in _ENDS_COUNTED or is_number(key):
            break
        last, content = j, content + 1
        j += 1
        if key in UNITS or key.endswith("ों"):
            break
    if last >= i and keys[last] in STOPWORDS:
        last -= 1
    return last, content


def _score(tok: Tokens, first: int, last: int, strong: bool, base: float) -> float:
    score = base + (1.0 if strong else 0.0)
    words = tok.keys[first : last + 1]
    if not _SCALE_OR_UNIT.isdisjoint(words):
        score += 1.0
    if words and words[-1].endswith("ों"):
        score += 1.0  # an oblique plural noun: "नागरिकों", "लोगों", a count of people/things
    return score


def _percent_end(text: str, end: int) -> int:
    """End of "%" / "प्रतिशत" / "फीसदी" right after character `end`, or -1.

    The regex is only run when the first character after the white space can start one
    (str.lstrip drops every character regex's \\s matches, and more).
    """
    probe = text[end : end + _PERCENT_PROBE_CHARS]
    first = probe.lstrip()[:1]
    if first not in _PERCENT_FIRST and (first or len(probe) < _PERCENT_PROBE_CHARS):
        return -1
    m = _PERCENT.match(text, end)
    return m.end() if m else -1


def number_candidates(tok: Tokens, date_spans: list[tuple[int, int]]) -> list[Candidate]:
    """Figures with what they count, outside the given date spans."""
    text, keys, seps, words, starts = tok.text, tok.keys, tok.seps, tok.words, tok.starts
    n = len(keys)
    spans = sorted(date_spans)
    out: list[Candidate] = []
    span_index = 0
    for m in _DIGIT_RUN.finditer(text):
        start, end = m.span()
        while span_index < len(spans) and spans[span_index][1] <= start:
            span_index += 1
        if span_index < len(spans) and spans[span_index][0] <= start < spans[span_index][1]:
            continue
        if start:
            before = text[start - 1]
            if before.isalnum() or before in _JOINED_BEFORE:
                continue  # "COVID-19", "10:30", "सी2"
        after = text[end : end + 1]
        if after and (after.isalnum() or after in ":/"):
            continue
        digits = m.group()
        if len(digits) - digits.count(",") - digits.count(".") > _MAX_NUMBER_DIGITS:
            continue
        i = bisect_left(starts, end)
        if i < n and keys[i] in _CLOCK and seps[i] == " ":
            continue  # "4 बजे" is a time of day, not a count
        first_word = bisect_left(starts, start)
        previous = words[first_word - 1] if first_word > 0 else ""
        if previous.isascii() and previous[:1].isalpha() and seps[first_word] == " ":
            continue  # "iOS 17", "watchOS 10": part of a product name
        before = text[max(0, start - _MAX_CURRENCY_CHARS) : start]
        cur = before.endswith(_CURRENCY)
        pct = _percent_end(text, end)
        if pct >= 0:
            out.append(Candidate("number", text[start:pct], _BASE + 2.0, start))
            continue
        last, content = _counted(tok, i)
        if last < i:
            if cur:
                out.append(Candidate("number", text[start - 1 : end].strip(), _BASE, start))
            continue  # a bare number (or a bare year) says nothing
        if content == 0 and not cur and len(digits) == 4:
            continue
        phrase_start = start
        if cur:
            phrase_start = start - max(len(c) for c in _CURRENCY if before.endswith(c))
        score = _score(tok, i, last, cur, _BASE)
        out.append(Candidate("number", text[phrase_start : tok.end(last)], score, start))
    for i in tok.where(NUMBER_WORDS):
        if i + 1 < n:
            last, content = _counted(tok, i + 1)
            if content:
                score = _score(tok, i + 1, last, False, _WORD_BASE)
                out.append(Candidate("number", tok.span(i, last), score, starts[i]))
    return out
