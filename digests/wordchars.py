"""Word characters (Unicode letters, marks and digits) as a stdlib `re` character class.

Words are counted for every length limit and split for every fact, on the hot path of each
pasted article. `regex` can say [\\p{L}\\p{M}\\p{N}] directly but scans it about half as fast
as stdlib `re` scans an explicit class of ranges. Only the Basic Multilingual Plane is
covered: letters beyond it (historic scripts, mathematical letters) are not news text; emoji
never were letters.

The ranges come from digests/unicode_ranges.py, written for the Unicode version of Python
3.11's unicodedata; under another version they are worked out from unicodedata at import
(a cost every `khabar` start would pay, which is why they are kept).
"""

from __future__ import annotations

import re
import unicodedata

from digests import unicode_ranges

_BMP = 0x10000


def class_ranges(wanted: str) -> list[tuple[int, int]]:
    """(first, last) code points of the BMP runs whose major category is one of `wanted`.

    Every code point's category is put in one string, two letters each ("Lo", "Mn", ...),
    and the runs are read from it by a regex at C speed (a Python loop over 65,536 code
    points is what made this slow).
    """
    categories = "".join(map(unicodedata.category, map(chr, range(_BMP))))
    runs = re.finditer(f"(?:[{wanted}][a-z])+", categories)
    return [(run.start() // 2, run.end() // 2 - 1) for run in runs]


def _parse_ranges(text: str) -> list[tuple[int, int]]:
    """The (first, last) pairs of unicode_ranges' "0030-0039 00AA ..." notation."""
    pairs = []
    for item in text.split():
        first, _, last = item.partition("-")
        pairs.append((int(first, 16), int(last or first, 16)))
    return pairs


def _complement(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The BMP code points outside `ranges` (BMP (first, last) pairs), as (first, last) runs."""
    runs = []
    free = 0
    for first, last in sorted(ranges):
        if first > free:
            runs.append((free, first - 1))
        free = max(free, last + 1)
    if free < _BMP:
        runs.append((free, _BMP - 1))
    return runs


def _escaped(code: int) -> str:
    """A code point as written in a character class: only ASCII has characters to escape."""
    return re.escape(chr(code)) if code < 0x80 else chr(code)


def _class(ranges: list[tuple[int, int]]) -> str:
    """The inside of a character class for the given ranges."""
    parts = []
    for a, b in ranges:
        parts.append(_escaped(a) if a == b else f"{_escaped(a)}-{_escaped(b)}")
    return "".join(parts)


if unicodedata.unidata_version == unicode_ranges.UNIDATA_VERSION:
    _WORD_RANGES = _parse_ranges(unicode_ranges.WORD_RANGES)
    _MARK_RANGES = _parse_ranges(unicode_ranges.MARK_RANGES)
else:  # pragma: no cover - another Python's Unicode tables
    _WORD_RANGES = class_ranges("LMN")
    _MARK_RANGES = class_ranges("M")
WORD_CHARS = _class(_WORD_RANGES)
# Combining marks (\p{M}), for the mark-run rule of normalize.
MARK_CHARS = _class(_MARK_RANGES)


def negated_word_class(also: str = "") -> str:
    """The inside of a negated class that matches the word characters and those of `also`
    (characters of the BMP): [^{negated_word_class(also)}] is [{WORD_CHARS}{also}].

    stdlib re compiles a class in a Python loop over its code points, 51,000 for WORD_CHARS
    (a cost of every start for each copy in a pattern) and about 14,500 for this form; it
    scans a little slower with it (two look-ups per character, not one), so it suits a
    pattern's rarely reached parts.
    """
    extra = [(ord(c), ord(c)) for c in also]
    return _class(_complement(_WORD_RANGES + extra)) + "\U00010000-\U0010ffff"


# [^NOT_WORD_CHARS] is [WORD_CHARS] (the tests compare them at every code point).
NOT_WORD_CHARS = negated_word_class()
# The same words as sentences.WORD_PATTERN: runs of word characters, joined by "-" or ".".
# Possessive: a word never gives back characters (nothing follows it in the pattern), which
# spares the engine its backtracking bookkeeping: the same words, about a tenth faster. The
# run after a "-" or "." (rare) is written with the negated class, cheaper to compile.
WORD_RE = re.compile(f"[{WORD_CHARS}]++(?:[-.][^{NOT_WORD_CHARS}]++)*+")

# The Latin alphabet's letter names as Hindi writes them ("एन. के. सिंह", "एएनआई").
LATIN_LETTER_NAMES: tuple[str, ...] = (
    "ए",
    "बी",
    "सी",
    "डी",
    "ई",
    "एफ",
    "जी",
    "एच",
    "आई",
    "जे",
    "के",
    "एल",
    "एम",
    "एन",
    "ओ",
    "पी",
    "क्यू",
    "आर",
    "एस",
    "टी",
    "यू",
    "वी",
    "डब्ल्यू",
    "एक्स",
    "वाई",
    "जेड",
)
