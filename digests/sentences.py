"""Sentence and word splitting for Hindi news text (Devanagari mixed with Latin names).

Written as a small scanner instead of using sentencex directly: sentencex keeps a whole
multi-sentence quotation as one unit (which breaks the summary word limit) and splits after
honorifics such as "डॉ." and "श्री."; both need the same amount of post-processing as a
scanner. The scanner is linear: one regex pass per paragraph, no backtracking-prone patterns.
"""

from __future__ import annotations

import re
from itertools import islice
from operator import add

import regex

from digests.normalize import fold_nukta
from digests.wordchars import LATIN_LETTER_NAMES, WORD_RE

# Words: letters, marks and digits joined by "-" or "." ("CERT-IN", "2.5"). WORD_PATTERN is
# the definition (for `regex` users); the scanning uses the same class built for stdlib re.
WORD_PATTERN = r"[\p{L}\p{M}\p{N}]+(?:[-.][\p{L}\p{M}\p{N}]+)*"
_WORD = WORD_RE

# A URL is consumed whole so its dots and "?" are never taken for sentence ends; trailing
# punctuation is left outside it (the lazy body stops before punctuation + space/end).
_SCAN = regex.compile(
    r"(?P<url>(?:https?://|www\.)[^\s<>\"“”]+?(?=[.,;:!?।)\]”\"']*(?:\s|$)))"
    r"|(?P<end>[।॥?!]+|\.{2,}|…|\.)"
)
_CLOSERS = frozenset("\"'”’»)]")
# A run of dandas and the closing quotes after it (_CLOSERS): where a sentence ends.
# Spelt "।।*", not "।+": a pattern that opens with a plain character lets stdlib re jump
# from danda to danda, where a repeat makes it try a match at every character.
_DANDA_END = re.compile("(।।*[\"'”’»)\\]]*)")
# Everything but a danda that _SCAN may stop at: other sentence marks, and URLs (which
# start with "://" or "www.").
_NOT_DANDA_ENDS = (".", "?", "!", "…", "॥", "://")
_OPENERS = frozenset("\"“‘«'")
# The letters right before a ".": searched backwards from the end ((?r)), which finds the
# same run without trying a match at each of the 40 characters before it.
_TOKEN_BEFORE = regex.compile(r"(?r)[\p{L}\p{M}]+$")
_DIGITS_ONLY = regex.compile(r"^\s*\p{N}{1,3}$")
_LATIN_LOWER = regex.compile(r"\p{Ll}")
_NEXT_NON_SPACE = regex.compile(r"\s*(\S)")
_LOOKBEHIND = 40
_DEVANAGARI_LETTER = regex.compile(r"[\u0900-\u097f]")

# Tokens that take a full stop without ending the sentence (compared nukta-folded,
# lower-cased). Devanagari: titles (डॉ. प्रो. श्री.), editorial (सं. = संवाददाता), era (ई.),
# currency and units (रु. कि.मी.), and the usual Latin ones.
_ABBREVIATIONS = frozenset(
    fold_nukta(a).casefold()
    for a in (
        "डॉ",
        "डा",
        "प्रो",
        "श्री",
        "सुश्री",
        "कु",
        "सं",
        "स्व",
        "मि",
        "मो",
        "ई",
        "पू",
        "रु",
        "क्र",
        "कि",
        "मी",
        "लि",
        "प्रा",
        "जि",
        "वि",
        "ले",
        "उ",
        "प्र",
        "म",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "jr",
        "sr",
        "vs",
        "no",
        "nos",
        "rs",
        "govt",
        "inc",
        "ltd",
        "co",
        "lt",
        "col",
        "gen",
        "capt",
        "sgt",
        "mt",
        "fig",
        "approx",
        "dept",
        "est",
        "vol",
        "pp",
        "ph",
        "pvt",
    )
)
# Devanagari spellings of Latin letter names used as initials ("एन. के. सिंह"). जी and
# ई are left out: "जी." can end a sentence, ई. is in the abbreviation list.
_DEVANAGARI_INITIALS = frozenset(LATIN_LETTER_NAMES) - {"जी", "ई"}

# Lines ending like this introduce what follows ("WhatsApp ने बताया-" + quotation).
_INTRO_END = ("-", ":", "ः", "–", "—")
# A sentence end: one of these, then any closing quotes or brackets.
_FINAL_MARKS = frozenset("।॥?!.…")
_CLOSING_MARKS = "\"'”’»)]"


def word_tokens(text: str) -> list[str]:
    """Word tokens that keep Devanagari vowel signs attached (stdlib \\w cuts them off)."""
    return _WORD.findall(text) if text else []


# Below this length counting goes through a list (fastest); above it, through an iterator, so
# a multi-megabyte line never becomes a list of a million words.
_LIST_COUNT_CHARS = 20_000


def count_words(text: str) -> int:
    """Number of word tokens, the unit of every length limit in the app."""
    if not text:
        return 0
    if len(text) < _LIST_COUNT_CHARS:
        return len(_WORD.findall(text))
    return sum(1 for _ in _WORD.finditer(text))


def has_words(text: str, n: int) -> bool:
    """count_words(text) >= n, reading no further than the n-th word."""
    return n <= 0 or sum(1 for _ in islice(_WORD.finditer(text), n)) == n


def ends_sentence(text: str) -> bool:
    """Whether a line ends with sentence-final punctuation (headings and labels do not).

    Read from the end with str methods: a regex search for "[।?!.][”)]*$" tried every
    position of a long line.
    """
    return text.rstrip().rstrip(_CLOSING_MARKS)[-1:] in _FINAL_MARKS


def _next_char(para: str, pos: int) -> str:
    """First non-space character at or after `pos` (without copying the rest)."""
    m = _NEXT_NON_SPACE.match(para, pos)
    return m.group(1) if m else ""


def _is_full_stop(para: str, start: int, end: int, seg_start: int) -> bool:
    """Decide whether the single "." at para[start] ends a sentence."""
    while end < len(para) and para[end] in _CLOSERS:
        end += 1  # "है.” फिर": look past the closing quote
    nxt = para[end] if end < len(para) else ""
    # Only the last few characters matter; looking further would make long runs quadratic.
    before = para[max(seg_start, start - _LOOKBEHIND) : start]
    token_match = _TOKEN_BEFORE.search(before)
    token = token_match.group(0) if token_match else ""
    key = fold_nukta(token).casefold()
    if key in _ABBREVIATIONS:
        return False
    if nxt and not nxt.isspace():
        # "2.5", "U.S.A", "a.b": a dot inside a token. A Devanagari word glued to the next
        # one ("है.वह") is the exception: pasted text often loses that space.
        return bool(
            token and _DEVANAGARI_LETTER.match(nxt) and _DEVANAGARI_LETTER.search(token[-1:])
        )
    if not token:
        # "1. पहला": a list number at the start of a sentence is not an end.
        return not (start - seg_start <= _LOOKBEHIND and _DIGITS_ONLY.match(para[seg_start:start]))
    if len(token) == 1 and token.isalpha() and not _DEVANAGARI_LETTER.match(token):
        return False  # Latin initial or "U.S."
    if token in _DEVANAGARI_INITIALS:
        return False
    # "e.g. this": a lower-case Latin word after the dot continues the sentence.
    following = _next_char(para, end)
    return not (following and _LATIN_LOWER.match(following) and token.isascii())


def _split_paragraph(para: str) -> list[str]:
    """Split one paragraph (no newlines) into sentences."""
    if not (
        "." in para or "?" in para or "!" in para or "…" in para or "॥" in para or "://" in para
    ):  # none of _NOT_DANDA_ENDS
        return _split_at_dandas(para)
    out: list[str] = []
    seg_start = 0
    for m in _SCAN.finditer(para):
        if m.lastindex == 1:
            continue  # a URL
        start, end = m.span()
        mark = m.group(2)
        if mark == "." and not _is_full_stop(para, start, end, seg_start):
            continue
        if (mark[0] in ".…" and len(mark) > 1) or mark == "…":
            # An ellipsis ends a sentence only before a new quotation or at the end.
            following = _next_char(para, end)
            if following and following not in _OPENERS:
                continue
        while end < len(para) and para[end] in _CLOSERS:
            end += 1
        piece = para[seg_start:end].strip()
        if piece:
            out.append(piece)
        seg_start = end
    tail = para[seg_start:].strip()
    if tail:
        out.append(tail)
    return out


def _split_at_dandas(para: str) -> list[str]:
    """_split_paragraph for a paragraph whose only sentence ends are dandas (no URL).

    Most Hindi news paragraphs are like that, and they need none of the scanner's decisions:
    each sentence runs to a run of dandas and any closing quotes after it, which one split
    finds several times faster than the scanner's loop.
    """
    parts = _DANDA_END.split(para)  # text, end, text, end, ..., text after the last end
    # Each text joined to its end and stripped, the empty ones dropped, all at C speed.
    out = list(filter(None, map(str.strip, map(add, parts[0:-1:2], parts[1::2]))))
    tail = parts[-1].strip()
    if tail:
        out.append(tail)
    return out


def split_paragraph_sentences(text: str) -> list[list[str]]:
    """Sentences grouped by paragraph (one per non-empty line), in order.

    A line that ends with "-" or ":" and is followed by a line opening a quotation is
    joined to that quotation's first sentence, so "X ने बताया-" never stands alone.
    """
    paragraphs: list[list[str]] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        sentences = _split_paragraph(line)
        if not sentences:
            continue
        if paragraphs and paragraphs[-1][-1].endswith(_INTRO_END) and sentences[0][:1] in _OPENERS:
            intro = paragraphs[-1].pop()
            if not paragraphs[-1]:
                paragraphs.pop()
            sentences[0] = f"{intro} {sentences[0]}"
        paragraphs.append(sentences)
    return paragraphs


def split_sentences(text: str) -> list[str]:
    """Sentences of a text in order; every line break also ends a sentence."""
    if not text:
        return []
    return [s for para in split_paragraph_sentences(text) for s in para]
