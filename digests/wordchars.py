"""Word characters (Unicode letters, marks and digits) as a stdlib `re` character class.

Words are counted for every length limit and split for every fact, on the hot path of each
pasted article. `regex` can say [\\p{L}\\p{M}\\p{N}] directly but scans it about half as fast
as stdlib `re` scans an explicit class of ranges, so the ranges are built once, at import
(about 10 ms, paid by every `khabar` start), from unicodedata. Only the Basic Multilingual
Plane is covered: letters beyond it (historic scripts, mathematical letters) are not news
text; emoji never were letters.
"""

from __future__ import annotations

import re
import unicodedata

_BMP = 0x10000
# Every BMP code point's general category, two letters each ("Lo", "Mn", ...): the ranges
# are read from this string by regex, at C speed (a Python loop over 65,536 code points is
# what made this module slow to import).
_CATEGORIES = "".join(map(unicodedata.category, map(chr, range(_BMP))))


def _class_ranges(categories: str, wanted: str) -> str:
    """The inside of a character class for the code points whose major category is wanted."""
    runs = re.finditer(f"(?:[{wanted}][a-z])+", categories)
    parts = []
    for run in runs:
        a, b = run.start() // 2, run.end() // 2 - 1
        parts.append(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}")
    return "".join(parts)


WORD_CHARS = _class_ranges(_CATEGORIES, "LMN")
# Combining marks (\p{M}), for the mark-run rule of normalize.
MARK_CHARS = _class_ranges(_CATEGORIES, "M")
del _CATEGORIES
# The same words as sentences.WORD_PATTERN: runs of word characters, joined by "-" or ".".
WORD_RE = re.compile(f"[{WORD_CHARS}]+(?:[-.][{WORD_CHARS}]+)*")

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
