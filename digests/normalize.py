"""Unicode clean-up shared by every step, so later regexes see one spelling of each text.

Pasted news text arrives with NBSPs, zero-width characters, bidi marks, stray control
characters and both composed and decomposed nukta letters. Matching clutter lines, words and
month names is only reliable after all of that is folded to one form.
"""

from __future__ import annotations

import unicodedata

import regex

# ZWJ/ZWNJ change how Devanagari conjuncts render (क्‍ष vs क्ष), so they stay inside
# Devanagari words; anywhere else they are invisible junk that splits tokens.
_DEVANAGARI = "\u0900-\u097f\ua8e0-\ua8ff"
_STRAY_JOINER = regex.compile(
    rf"(?<![{_DEVANAGARI}])[\u200c\u200d]+|[\u200c\u200d]+(?![{_DEVANAGARI}])"
)
# Format characters (Cf) other than the joiners, private use, lone surrogates and C0/C1
# controls except newline and tab: none of them carries meaning in a news text.
_JUNK = regex.compile(r"[[\p{Cf}\p{Co}\p{Cs}\p{Cc}]--[\n\t\u200c\u200d]]+", flags=regex.V1)
# Any other space-like character (NBSP, thin space, ideographic space, tab) becomes a space.
_SPACES = regex.compile(r"[[\p{Zs}\t]--[ ]]", flags=regex.V1)
_LINE_BREAKS = regex.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
# More than a few combining marks in a row is "zalgo" decoration, never Hindi: the longest
# real Devanagari mark run is nukta + vowel sign + candrabindu.
_MARK_RUN = regex.compile(r"(\p{M}{4})\p{M}+")
_MULTI_SPACE = regex.compile(r" {2,}")

NUKTA = "\u093c"


def normalize_text(raw: str) -> str:
    """Fold a raw string to NFC with only visible characters, spaces and newlines.

    Line structure is kept (clutter detection works line by line); each line is stripped
    and inner runs of spaces collapse to one.
    """
    if not raw:
        return ""
    text = _LINE_BREAKS.sub("\n", raw)
    text = _JUNK.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = _STRAY_JOINER.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _MARK_RUN.sub(r"\1", text)
    text = _MULTI_SPACE.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


def fold_nukta(text: str) -> str:
    """Drop the nukta so फ़रवरी/फरवरी and पढ़ें/पढें compare equal.

    Sites are inconsistent about nukta; NFC always stores it as a separate mark, so
    removing the mark is enough (only for comparison, never for displayed text).
    """
    return text.replace(NUKTA, "")
