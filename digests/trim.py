"""Cutting text to a word budget without breaking a word."""

from __future__ import annotations

import regex

from digests.wordchars import WORD_RE

_WORD = WORD_RE
_TRAILING = regex.compile(r"[\s,;:।॥.\-–—(“‘\"']+$")
ELLIPSIS = "…"
# Up to this length, text within the budget is recognised by one C-speed findall; longer
# text goes straight to the loop, which never reads past the word after the budget.
_COUNT_FIRST_CHARS = 2_000


def truncate_words(text: str, max_words: int, ellipsis: str = ELLIPSIS) -> str:
    """Keep the first `max_words` words, cut right after the last kept word.

    Dangling punctuation at the cut is removed before the ellipsis so the result reads
    "... मई में…" rather than "... मई में, …". Text within the budget is returned as is.
    """
    if max_words <= 0 or not text:
        return ""
    if len(text) <= _COUNT_FIRST_CHARS and len(_WORD.findall(text)) <= max_words:
        return text
    end = -1
    for count, m in enumerate(_WORD.finditer(text), start=1):
        if count > max_words:
            return _TRAILING.sub("", text[:end]) + ellipsis
        end = m.end()
    return text
