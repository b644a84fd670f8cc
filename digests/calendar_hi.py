"""Hindi month and weekday names from Babel's CLDR data, as spelling-tolerant patterns.

Babel writes "फ़रवरी" and "नवंबर"; news sites also write "फरवरी" and "नवम्बर". The patterns
accept an optional nukta after every consonant and both anusvara and half-म before ब/प, so
the text matched is always the article's own spelling.

The names are kept here as Babel gives them (MONTH_NAMES, WEEKDAY_NAMES) rather than read
from Babel at import: importing babel.dates and loading its Hindi locale data takes about 30
ms, paid by every `khabar summarize` run although the names never change. A test checks that
the constants still equal Babel's data (month_names(), weekday_names()).
"""

from __future__ import annotations

from functools import cache

import regex

from digests.normalize import NUKTA, fold_nukta

LOCALE = "hi"
# Babel's get_month_names("wide", locale="hi"), January first, and get_day_names("wide"),
# Monday first (CLDR).
MONTH_NAMES = (
    "जनवरी",
    "फ़रवरी",
    "मार्च",
    "अप्रैल",
    "मई",
    "जून",
    "जुलाई",
    "अगस्त",
    "सितंबर",
    "अक्टूबर",
    "नवंबर",
    "दिसंबर",
)
WEEKDAY_NAMES = ("सोमवार", "मंगलवार", "बुधवार", "गुरुवार", "शुक्रवार", "शनिवार", "रविवार")
# Spellings CLDR does not list but Hindi papers use every day.
_EXTRA_WEEKDAYS = ("बृहस्पतिवार", "वीरवार", "इतवार")
_EXTRA_MONTHS = ("अप्रेल", "अक्तूबर")
_CONSONANT = regex.compile(r"[\u0915-\u0939\u0958-\u095f]")


def month_names() -> tuple[str, ...]:
    """Wide month names, January first, as Babel spells them for Hindi (read from Babel)."""
    from babel.dates import get_month_names

    names = get_month_names("wide", locale=LOCALE)
    return tuple(names[i] for i in range(1, 13))


def weekday_names() -> tuple[str, ...]:
    """Wide weekday names, Monday first, as Babel spells them for Hindi (read from Babel)."""
    from babel.dates import get_day_names

    names = get_day_names("wide", locale=LOCALE)
    return tuple(names[i] for i in range(7))


def _tolerant(name: str) -> str:
    """A regex for `name` that ignores nukta and anusvara/half-म spelling differences."""
    base = fold_nukta(name)
    parts: list[str] = []
    i = 0
    while i < len(base):
        ch = base[i]
        nxt = base[i + 1] if i + 1 < len(base) else ""
        if ch == "ं" and nxt in "बप":
            parts.append("(?:ं|म्)")
        elif base.startswith("म्", i) and i + 2 < len(base) and base[i + 2] in "बप":
            parts.append("(?:ं|म्)")
            i += 1
        else:
            parts.append(regex.escape(ch))
            if _CONSONANT.match(ch):
                parts.append(f"{NUKTA}?")
        i += 1
    return "".join(parts)


def _alternation(names: tuple[str, ...]) -> str:
    longest_first = sorted({fold_nukta(n) for n in names}, key=len, reverse=True)
    return "(?:" + "|".join(_tolerant(n) for n in longest_first) + ")"


@cache
def month_pattern() -> str:
    """Regex source (no groups) matching any Hindi month name."""
    return _alternation(MONTH_NAMES + _EXTRA_MONTHS)


@cache
def weekday_pattern() -> str:
    """Regex source (no groups) matching any Hindi weekday name."""
    return _alternation(WEEKDAY_NAMES + _EXTRA_WEEKDAYS)


def _spellings(names: tuple[str, ...]) -> frozenset[str]:
    """Nukta-folded names with both anusvara and half-म before ब/प ("नवंबर", "नवम्बर")."""
    out: set[str] = set()
    for name in names:
        base = fold_nukta(name)
        out.add(base)
        out.add(base.replace("ंब", "म्ब").replace("ंप", "म्प"))
        out.add(base.replace("म्ब", "ंब").replace("म्प", "ंप"))
    return frozenset(out)


@cache
def month_keys() -> frozenset[str]:
    """Every accepted spelling of a month name, nukta-folded, for word-by-word lookup."""
    return _spellings(MONTH_NAMES + _EXTRA_MONTHS)


@cache
def weekday_keys() -> frozenset[str]:
    """Every accepted spelling of a weekday name, nukta-folded, for word-by-word lookup."""
    return _spellings(WEEKDAY_NAMES + _EXTRA_WEEKDAYS)
