"""`when` facts: dates and days as the article writes them.

Anchored on Babel's month and weekday names (any spelling, see calendar_hi) and grown word by
word: a day number before a month ("1 नवंबर"), a weekday before a date ("शुक्रवार, 1 नवंबर"),
a year after it, "बीते"/"पिछले" before it, "की रात" after it. Working on words rather than
one regex per shape keeps this a single pass over the article.
"""

from __future__ import annotations

import regex

from digests.facts.candidate import Candidate, phrase_key
from digests.facts.lexicon import MONTHS, WEEKDAYS
from digests.facts.tokens import DIGITS, Tokens
from digests.stopwords import word_set

RELATIVE = word_set("बीते पिछले पिछली अगले अगली आगामी इसी")
_RELATIVE_UNITS = word_set("साल वर्ष महीने हफ्ते सप्ताह")
PARTS_OF_DAY = word_set("रात सुबह शाम दोपहर तड़के")
_PART_LINKS = word_set("की को")
# Days written as words ("आठ सितम्बर", "एक मई").
_DAY_WORDS = word_set("एक दो तीन चार पांच पाँच छह सात आठ नौ दस")
_NUMERIC_DATE_IN_TEXT = regex.compile(
    r"(?<![0-9०-९./-])[0-9०-९]{1,2}([./-])[0-9०-९]{1,2}\1(?:[0-9०-९]{4}|[0-9०-९]{2})(?![0-9०-९])"
)
# A numeric date has a separator between two digits ("12/05/2020"): most articles have no
# such separator, and finding that out with str.find over a few "-" is cheaper than the
# regex's scan (more separators than this, and the regex is simply run).
_DATE_SEPARATORS = "./-"
_MAX_SEPARATORS_CHECKED = 16
CALENDAR_WORDS = MONTHS | WEEKDAYS
_YEAR = regex.compile(r"(?:19|20|१९|२०)[0-9०-९]{2}")
# A separator between a weekday and its date: " ", ", ", " (", ", (".
_WEEKDAY_DATE_SEPS = frozenset([" ", ", ", " (", ", (", ","])

# Specificity: a full date says more than a bare weekday or month.
_WEEKDAY_DATE, _DAY_MONTH, _MONTH_YEAR, _NUMERIC, _PLAIN = 3.5, 3.0, 2.5, 3.0, 2.0


def _digit_separated(text: str) -> bool:
    """Whether some ".", "/" or "-" stands between two digits (or there are many to check)."""
    if sum(text.count(sep) for sep in _DATE_SEPARATORS) > _MAX_SEPARATORS_CHECKED:
        return True
    for sep in _DATE_SEPARATORS:
        at = text.find(sep, 1)
        while at >= 0:
            if text[at - 1] in DIGITS and text[at + 1 : at + 2] in DIGITS:
                return True
            at = text.find(sep, at + 1)
    return False


def _is_day(key: str) -> bool:
    return (0 < len(key) <= 2 and all(c in DIGITS for c in key)) or key in _DAY_WORDS


def _year_after(tok: Tokens, j: int) -> int:
    """j, or j + 1 when a year follows word j ("31 मई, 2020")."""
    k = j + 1
    if k < len(tok.keys) and tok.seps[k] in (" ", ", ") and _YEAR.fullmatch(tok.keys[k]):
        return k
    return j


def _part_of_day_after(tok: Tokens, j: int) -> int:
    """j, or the last word of "की रात" / "देर रात" / "सुबह" right after word j."""
    keys, seps, n = tok.keys, tok.seps, len(tok.keys)
    k = j + 1
    if k >= n or seps[k] != " ":
        return j
    if keys[k] in PARTS_OF_DAY:
        return k
    linked = keys[k] in _PART_LINKS or keys[k] == "देर"
    if linked and k + 1 < n and seps[k + 1] == " " and keys[k + 1] in PARTS_OF_DAY:
        return k + 1
    return j


def _calendar_phrase(tok: Tokens, i: int) -> tuple[int, int, float]:
    """(first word, last word, specificity) of the date expression around word i."""
    keys, seps, n = tok.keys, tok.seps, len(tok.keys)
    first = last = i
    spec = _PLAIN
    if keys[i] in WEEKDAYS:
        j = i + 1
        if (
            j + 1 < n
            and seps[j] in _WEEKDAY_DATE_SEPS
            and _is_day(keys[j])
            and seps[j + 1] == " "
            and keys[j + 1] in MONTHS
        ):
            last, spec = _year_after(tok, j + 1), _WEEKDAY_DATE
    else:
        if i >= 1 and seps[i] == " " and _is_day(keys[i - 1]):
            first, spec = i - 1, _DAY_MONTH
        last = _year_after(tok, i)
        if last > i:
            spec = max(spec, _MONTH_YEAR)
    if first == i and i >= 1 and seps[i] == " ":
        if keys[i - 1] in RELATIVE:
            first = i - 1
        elif (i >= 2 and keys[i - 1] in _RELATIVE_UNITS and seps[i - 1] == " ") and keys[
            i - 2
        ] in RELATIVE:
            first = i - 2  # "पिछले साल मई"
    return first, _part_of_day_after(tok, last), spec


def when_candidates(
    tok: Tokens, title_key: str, lead_end: int = 0
) -> tuple[list[Candidate], list[tuple[int, int]]]:
    """Date candidates, and the character spans they cover (numbers in them are no counts).

    A date in the headline or before `lead_end` (the end of the lead) is the story's own
    date more often than a background date further down, and ranks higher.
    """
    found: list[tuple[int, int, float]] = []
    after = -1
    for i in tok.where(CALENDAR_WORDS):
        if i <= after:
            continue  # inside the previous phrase ("शुक्रवार, 1 नवंबर")
        first, last, spec = _calendar_phrase(tok, i)
        start, end = tok.starts[first], tok.end(last)
        if "(" in tok.text[start:end] and tok.seps[last + 1].startswith(")"):
            end += 1  # "गुरुवार (27 जुलाई)"
        found.append((start, end, spec))
        after = last
    if _digit_separated(tok.text):
        for m in _NUMERIC_DATE_IN_TEXT.finditer(tok.text):
            found.append((m.start(), m.end(), _NUMERIC))
    found.sort()
    counts: dict[str, int] = {}  # (a Counter costs more to make than all its counting)
    first_seen: dict[str, Candidate] = {}
    for start, end, spec in found:
        phrase = tok.text[start:end]
        key = phrase_key(phrase)
        counts[key] = counts.get(key, 0) + 1
        if key not in first_seen:
            bonus = 1.0 if (title_key and key in title_key) or start < lead_end else 0.0
            first_seen[key] = Candidate("when", phrase, spec + bonus, start)
    out = [
        Candidate(c.kind, c.text, c.score + min(counts[k] - 1, 3), c.pos)
        for k, c in first_seen.items()
    ]
    return out, [(s, e) for s, e, _ in found]
