"""The date an article's event happened, read from its `when` facts.

A story's timeline is about events, not about when an editor posted: "सोमवार, 7 दिसंबर"
in an article posted on a Saturday is the day the story moved. Only a fact naming a day of
a month ("7 दिसंबर", "7 दिसंबर 2026", "07/12/2026", day and month first as Indian papers
write them) is a date; a bare weekday ("सोमवार") or month is not, and an article without
such a fact has no event date (the caller shows the posting date instead, labelled).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import regex

from digests.calendar_hi import MONTH_NAMES, month_pattern
from digests.model import Fact
from digests.normalize import fold_nukta

_DIGIT = r"[0-9०-९]"
_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_DAY_MONTH = regex.compile(
    rf"(?<!{_DIGIT})({_DIGIT}{{1,2}})\s+({month_pattern()})(?:\s*,?\s*({_DIGIT}{{4}}))?"
)
_NUMERIC = regex.compile(
    rf"(?<!{_DIGIT})({_DIGIT}{{1,2}})([./-])({_DIGIT}{{1,2}})\2({_DIGIT}{{4}}|{_DIGIT}{{2}})(?!{_DIGIT})"
)
# Extra spellings the month pattern accepts, by month number.
_EXTRA = {"अप्रेल": 4, "अक्तूबर": 10}


def _number(text: str) -> int:
    return int(text.translate(_DEVANAGARI_DIGITS))


def _month(name: str) -> int | None:
    key = fold_nukta(name).replace("म्ब", "ंब").replace("म्प", "ंप")
    for n, month in enumerate(MONTH_NAMES, 1):
        if fold_nukta(month) == key:
            return n
    return _EXTRA.get(key)


def _nearest(day: int, month: int, posted: date) -> date | None:
    """The day-month with no year written: the one nearest the posting date (news reports
    what just happened or is about to, so "7 दिसंबर" posted on 27 November is next month's)."""
    found: list[date] = []
    for year in (posted.year - 1, posted.year, posted.year + 1):
        try:
            found.append(date(year, month, day))
        except ValueError:  # 29 फ़रवरी in a common year, 31 of a 30-day month
            continue
    return min(found, key=lambda d: abs(d - posted), default=None)


def _dated(day: int, month: int, year: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str, posted: date) -> date | None:
    """The first date named in a `when` fact's text, or None."""
    folded = fold_nukta(text)
    match = _DAY_MONTH.search(folded)
    if match is not None:
        month = _month(match[2])
        if month is not None:
            day = _number(match[1])
            if match[3]:
                return _dated(day, month, _number(match[3]))
            return _nearest(day, month, posted)
    match = _NUMERIC.search(folded)
    if match is not None:
        year = _number(match[4])
        if year < 100:
            year += 2000
        return _dated(_number(match[1]), _number(match[3]), year)
    return None


def event_date(facts: Iterable[Fact], posted: date) -> date | None:
    """The date of the article's first `when` fact that names one (facts come best first)."""
    for fact in facts:
        if fact.kind == "when":
            found = parse_date(fact.text, posted)
            if found is not None:
                return found
    return None
