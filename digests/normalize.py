"""Unicode clean-up shared by every step, so later regexes see one spelling of each text.

Pasted news text arrives with NBSPs, zero-width characters, bidi marks, stray control
characters and both composed and decomposed nukta letters. Matching clutter lines, words and
month names is only reliable after all of that is folded to one form.
"""

from __future__ import annotations

import re
import unicodedata

import regex

from digests.wordchars import MARK_CHARS

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
_MARK_RUN = re.compile(f"([{MARK_CHARS}]{{4}})[{MARK_CHARS}]+")
_MULTI_SPACE = regex.compile(r" {2,}")
# Characters that NFC or the mark-run rule may change. Text without any (ASCII, Devanagari
# without precomposed nukta letters, common punctuation) is already NFC and has no long mark
# runs, so the expensive steps are skipped; unicodedata.is_normalized is as slow as
# normalize itself on Devanagari, because nukta has NFC_QC=Maybe.
_DEVANAGARI_MARK = "\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963"
_NEEDS_NFC = re.compile(  # stdlib re: with plain ranges it scans about twice as fast
    "[\u0300-\u036f\u0951-\u0954\u0958-\u095f]"  # combining accents, nukta letters
    "|[\u0928\u0930\u0933\u094d]\u093c"  # composable with nukta, or virama before it
    f"|[{_DEVANAGARI_MARK}]{{4}}"  # a long mark run
    "|[^\x00-\u02ff\u0900-\u097f\u2000-\u206f\u20a0-\u20cf]"  # other scripts: check
)

NUKTA = "\u093c"


def normalize_text(raw: str) -> str:
    """Fold a raw string to NFC with only visible characters, spaces and newlines.

    Line structure is kept (clutter detection works line by line); each line is stripped
    and inner runs of spaces collapse to one. Each regex pass runs only when a C-speed
    check (str.isprintable, substring tests) says it has something to do: most pasted
    articles need only NFC, and this runs once per article on the bot's hot path.
    """
    if not raw:
        return ""
    text = raw
    flat = text.replace("\n", "")
    if not flat.isprintable():  # controls, format chars, odd spaces, or only joiners?
        if not flat.replace("\u200c", "").replace("\u200d", "").isprintable():
            text = _LINE_BREAKS.sub("\n", text)
            text = _JUNK.sub("", text)
            text = _SPACES.sub(" ", text)
        text = unicodedata.normalize("NFC", text)
        text = _STRAY_JOINER.sub("", text)
        text = _MARK_RUN.sub(r"\1", text)
    elif _NEEDS_NFC.search(text):
        text = unicodedata.normalize("NFC", text)
        text = _MARK_RUN.sub(r"\1", text)
    if "  " in text:
        text = _MULTI_SPACE.sub(" ", text)
    if text.startswith((" ", "\n")) or text.endswith((" ", "\n")) or " \n" in text or "\n " in text:
        text = "\n".join(line.strip() for line in text.split("\n"))
    return text


def fold_nukta(text: str) -> str:
    """Drop the nukta so फ़रवरी/फरवरी and पढ़ें/पढें compare equal.

    Sites are inconsistent about nukta; NFC always stores it as a separate mark, so
    removing the mark is enough (only for comparison, never for displayed text).
    """
    return text.replace(NUKTA, "")
