"""Cutting text to a word budget without breaking a word."""

from __future__ import annotations

from itertools import islice

from digests.wordchars import WORD_RE

_WORD = WORD_RE
ELLIPSIS = "…"
# Up to this length, text within the budget is recognised by one C-speed findall; longer
# text goes straight to the words up to the budget, never read past the word after it.
_COUNT_FIRST_CHARS = 2_000


def truncate_words(text: str, max_words: int, ellipsis: str = ELLIPSIS) -> str:
    """Keep the first `max_words` words, cut right after the last kept word.

    The cut is at the end of a word, which is a letter, mark or digit: no punctuation
    dangles before the ellipsis ("... मई में…", never "... मई में, …"). Text within the
    budget is returned as is.
    """
    if max_words <= 0 or not text:
        return ""
    if len(text) <= _COUNT_FIRST_CHARS and len(_WORD.findall(text)) <= max_words:
        return text
    # The budget's words and the one after it, as matches (no Python loop over them).
    words = list(islice(_WORD.finditer(text), max_words + 1))
    if len(words) <= max_words:
        return text
    return text[: words[-2].end()] + ellipsis
