"""Word characters (Unicode letters, marks and digits) as a stdlib `re` character class.

Words are counted for every length limit and split for every fact, on the hot path of each
pasted article. `regex` can say [\\p{L}\\p{M}\\p{N}] directly but scans it about half as fast
as stdlib `re` scans an explicit class of ranges, so the ranges are built once, at import
(about 30 ms), from unicodedata. Only the Basic Multilingual Plane is covered: letters
beyond it (historic scripts, mathematical letters) are not news text; emoji never were
letters.
"""

from __future__ import annotations

import re
import unicodedata

_BMP = 0x10000


def _class_ranges(majors: list[str], wanted: str) -> str:
    """The inside of a character class for the code points whose major category is wanted."""
    ranges: list[tuple[int, int]] = []
    start = None
    for cp, major in enumerate([*majors, ""]):
        inside = major != "" and major in wanted
        if inside and start is None:
            start = cp
        elif not inside and start is not None:
            ranges.append((start, cp - 1))
            start = None
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


_MAJORS = [unicodedata.category(chr(cp))[0] for cp in range(_BMP)]
WORD_CHARS = _class_ranges(_MAJORS, "LMN")
# Combining marks (\p{M}), for the mark-run rule of normalize.
MARK_CHARS = _class_ranges(_MAJORS, "M")
del _MAJORS
# The same words as sentences.WORD_PATTERN: runs of word characters, joined by "-" or ".".
WORD_RE = re.compile(f"[{WORD_CHARS}]+(?:[-.][{WORD_CHARS}]+)*")
