"""Unicode clean-up shared by every step, so later regexes see one spelling of each text.

Pasted news text arrives with NBSPs, zero-width characters, bidi marks, stray control
characters and both composed and decomposed nukta letters. Matching clutter lines, words and
month names is only reliable after all of that is folded to one form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import regex

from digests.wordchars import MARK_CHARS

# Patterns of plain characters use stdlib re (the same meaning, and cheaper to compile at
# start-up); `regex` is kept for Unicode properties and set operations.

# ZWJ/ZWNJ change how Devanagari conjuncts render (क्‍ष vs क्ष), so they stay inside
# Devanagari words; anywhere else they are invisible junk that splits tokens. That is: a run
# of joiners goes unless it is one joiner between two Devanagari characters (the plain form,
# "(?<![D])J+|J+(?![D])", which also removes a run of two or more wherever it is).
# The pattern opens with the joiner class so that stdlib re skips from joiner to joiner
# instead of trying the lookbehind at every character.
_DEVANAGARI = "\u0900-\u097f\ua8e0-\ua8ff"
_JOINER = "[\u200c\u200d]"
_STRAY_JOINER = re.compile(
    rf"{_JOINER}(?:{_JOINER}+|(?<![{_DEVANAGARI}]{_JOINER})|(?![{_DEVANAGARI}]))"
)
# Format characters (Cf) other than the joiners, private use, lone surrogates and C0/C1
# controls except newline and tab: none of them carries meaning in a news text.
_JUNK = regex.compile(r"[[\p{Cf}\p{Co}\p{Cs}\p{Cc}]--[\n\t\u200c\u200d]]+", flags=regex.V1)
# Any other space-like character (NBSP, thin space, ideographic space, tab) becomes a space.
_SPACES = regex.compile(r"[[\p{Zs}\t]--[ ]]", flags=regex.V1)
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")


@cache
def _mark_run() -> re.Pattern[str]:
    """More than a few combining marks in a row is "zalgo" decoration, never Hindi: the longest
    real Devanagari mark run is nukta + vowel sign + candrabindu.

    Compiled on first use: its two classes of all combining marks are slow to compile, a
    cost every `khabar` start would pay, and text with a long mark run (or marks of other
    scripts) is rare.
    """
    return re.compile(f"([{MARK_CHARS}]{{4}})[{MARK_CHARS}]+")


_MULTI_SPACE = re.compile(r" {2,}")
# " \n" or "\n ": found from newline to newline (a few in an article), where `in` looked at
# every space for each of the two.
_SPACE_BY_NEWLINE = re.compile("\n(?: |(?<= \n))")
# Characters that NFC or the mark-run rule may change. Text without any (ASCII, Devanagari
# without precomposed nukta letters, common punctuation) is already NFC and has no long mark
# runs, so the expensive steps are skipped; unicodedata.is_normalized is as slow as
# normalize itself on Devanagari, because nukta has NFC_QC=Maybe. The check is split so
# that each part is one cheap scan (stdlib re scans a single character class several times
# faster than an alternation, and `regex` is slower still):
# - any character outside the plain ranges (combining accents, Vedic stress signs, other
#   scripts, the two spaces NFC maps to others) sends the text through unicodedata;
# - so does a nukta after न/र/ळ (NFC composes ऩ ऱ ऴ) or after a virama (NFC reorders them);
# - the precomposed nukta letters क़..य़ (U+0958-U+095F) are the common case in pasted
#   Hindi (ड़ and ढ़ above all): NFC only decomposes them (they are composition exclusions,
#   and no mark that can follow sorts before their nukta), so a few str.replace calls give
#   exactly NFC's result at a fraction of its cost (tests/digests check it against
#   unicodedata);
# - the only combining marks left in such text are Devanagari ones, so a mark run is looked
#   for among those.
_PLAIN_RANGES = (
    (0x0000, 0x02FF),
    (0x0900, 0x0950),
    (0x0955, 0x097F),
    (0x2002, 0x206F),
    (0x20A0, 0x20CF),
)
_PLAIN_NFC = "".join(f"{chr(first)}-{chr(last)}" for first, last in _PLAIN_RANGES)
_NEEDS_UNICODEDATA = re.compile(f"[^{_PLAIN_NFC}]")


def _printable_class(ranges: tuple[tuple[int, int], ...]) -> str:
    """The inside of a character class: newline and the printable characters of `ranges`."""
    pairs: list[list[int]] = [[ord("\n"), ord("\n")]]
    for first, last in ranges:
        for code in range(first, last + 1):
            if not chr(code).isprintable():
                continue
            if pairs[-1][1] + 1 == code:
                pairs[-1][1] = code
            else:
                pairs.append([code, code])
    return "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in pairs)


# Newlines and the printable characters of the plain ranges: a text of only these (most
# pasted articles) needs neither the clean-up of invisible characters nor unicodedata. One
# scan for anything else tells so, in place of a copy without newlines, str.isprintable and
# the scan for _NEEDS_UNICODEDATA. Taken from str.isprintable, so
# it agrees with the slow path under any Unicode version.
_NOT_PRINTABLE_PLAIN = re.compile(f"[^{_printable_class(_PLAIN_RANGES)}]")
# A nukta after one of those: the regex opens with the nukta, so stdlib re jumps from nukta
# to nukta (rare) and looks back one character, where a test per two-character pair would
# stop at every न and र.
_COMPOSING_NUKTA = re.compile("\u093c(?<=[\u0928\u0930\u0933\u094d]\u093c)")
_NUKTA_LETTERS = tuple(
    (chr(cp), unicodedata.normalize("NFC", chr(cp))) for cp in range(0x0958, 0x0960)
)
_DEVANAGARI_MARK = "[\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963]"
# Spelt out four times: stdlib re finds this faster than the same class with {4}.
_LONG_DEVANAGARI_MARK_RUN = re.compile(_DEVANAGARI_MARK * 4)

NUKTA = "\u093c"


def normalize_text(raw: str) -> str:
    """Fold a raw string to NFC with only visible characters, spaces and newlines.

    Line structure is kept (clutter detection works line by line); each line is stripped
    and inner runs of spaces collapse to one. Each regex pass runs only when a cheaper
    check (one scan of a character class, str.isprintable, substring tests) says it has
    something to do: most pasted articles need only NFC, and this runs once per article on
    the bot's hot path.
    """
    if not raw:
        return ""
    text = raw
    if _NOT_PRINTABLE_PLAIN.search(text) is None:  # most articles
        text, plain = _nfc(text, known_plain=True)
    elif not (flat := text.replace("\n", "")).isprintable():
        # controls, format characters, odd spaces, or only joiners?
        if not flat.replace("\u200c", "").replace("\u200d", "").isprintable():
            text = _LINE_BREAKS.sub("\n", text)
            text = _JUNK.sub("", text)
            text = _SPACES.sub(" ", text)
        text, plain = _nfc(text)
        if "\u200c" in text or "\u200d" in text:
            text = _STRAY_JOINER.sub("", text)
    else:
        text, plain = _nfc(text)
    if not plain or _LONG_DEVANAGARI_MARK_RUN.search(text):
        text = _mark_run().sub(r"\1", text)
    if "  " in text:
        text = _MULTI_SPACE.sub(" ", text)
    if "\n" not in text:
        return text.strip() if text.startswith(" ") or text.endswith(" ") else text
    if text.startswith((" ", "\n")) or text.endswith((" ", "\n")) or _SPACE_BY_NEWLINE.search(text):
        text = "\n".join(line.strip() for line in text.split("\n"))
    return text


def _nfc(text: str, known_plain: bool = False) -> tuple[str, bool]:
    """(NFC of text, whether it is plain: no combining marks but Devanagari ones).

    Plain text is only ever changed by NFC in its precomposed nukta letters, which are
    decomposed here by str.replace; anything else goes through unicodedata. `known_plain`:
    the caller found no character outside the plain ranges already.
    """
    if (not known_plain and _NEEDS_UNICODEDATA.search(text)) or _COMPOSING_NUKTA.search(text):
        return unicodedata.normalize("NFC", text), False
    for letter, decomposed in _NUKTA_LETTERS:
        if letter in text:
            text = text.replace(letter, decomposed)
    return text, True


def fold_nukta(text: str) -> str:
    """Drop the nukta so फ़रवरी/फरवरी and पढ़ें/पढें compare equal.

    Sites are inconsistent about nukta; NFC always stores it as a separate mark, so
    removing the mark is enough (only for comparison, never for displayed text).
    """
    return text.replace(NUKTA, "")


def single_spaced(text: str) -> str:
    """The text with single spaces, as " ".join(text.split()), without splitting it if it
    already is like that.

    Whitespace other than " " is never printable, so a printable text without "  " at
    either end or inside is its own result (a normalised line or sentence always is, and
    the check costs a fifth of the split and join).
    """
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())
