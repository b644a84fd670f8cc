"""Datelines: the "नई दिल्ली:" a news report opens with.

Readers of a digest do not need them in the summary (and ILSUM's human summaries leave them
out), but the place they name is a useful `where` fact.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from digests.normalize import fold_nukta
from digests.sentences import count_words
from digests.stopwords import AUXILIARIES

# "नई दिल्ली:", "नोएडा (उप्र):", "मॉस्को/नई दिल्ली:", "चंडीगढ़, 12 मई:" at a sentence start.
_DATELINE = regex.compile(
    r"^(?P<place>[\p{L}\p{M}]+(?:[ /][\p{L}\p{M}]+){0,2})\s*(?:\([^()]{1,30}\))?"
    r"(?:,\s*[\p{L}\p{M}\p{N} ]{1,30}?)?\s*(?P<sep>[:ः|])\s+"
)
# Wire-copy datelines end with the agency instead of a colon: "नई दिल्ली, 12 मई (भाषा) ...",
# "मुंबई (एजेंसी)। ...".
_AGENCY_DATELINE = regex.compile(
    r"^(?P<place>[\p{L}\p{M}]+(?:[ /][\p{L}\p{M}]+){0,2})\s*(?:,\s*[\p{L}\p{M}\p{N} ]{1,30}?)?"
    r"\s*\((?:भाषा|वार्ता|एजेंसी|आईएएनएस|पीटीआई|यूएनआई|एएनआई|ब्यूरो|IANS|PTI|ANI|UNI)\)"
    r"\s*[:।|\-–—]?\s+"
)
# A whole short sentence that is only a dateline: "लखनऊ।", "नई दिल्ली, जेएनएन।".
_DATELINE_SENTENCE = regex.compile(
    r"^(?P<place>[\p{L}\p{M}]+(?:[ /][\p{L}\p{M}]+){0,2})\s*(?:\([^()]{1,30}\))?"
    r"(?:,\s*[\p{L}\p{M} ]{1,20})?\s*[।.|:ः]$"
)
# Words that show the text before a colon is a clause ("उन्होंने कहा:"), not a dateline.
_CLAUSE_WORDS = frozenset(
    [
        "ने",
        "है",
        "हैं",
        "था",
        "थी",
        "थे",
        "कहा",
        "कहना",
        "बताया",
        "का",
        "की",
        "के",
        "को",
        "में",
        "से",
        "पर",
        "और",
        "कि",
        "यह",
        "ये",
        "वह",
        "वो",
    ]
)
# Verbs, auxiliaries and negations never stand in a place name.
_NOT_PLACE_WORDS = AUXILIARIES | frozenset(["नहीं", "न", "मत", "रहीं", "चला", "चली", "चले", "चलीं"])
_NOT_PLACE_ENDINGS = ("ें", "ीं")
# Adverbs that end in visarga, which otherwise looks like a dateline colon ("अतः ...").
_VISARGA_ADVERBS = frozenset(
    [
        "अतः",
        "पुनः",
        "प्रातः",
        "संभवतः",
        "सम्भवतः",
        "मूलतः",
        "स्वतः",
        "क्रमशः",
        "प्रायः",
        "वस्तुतः",
        "सामान्यतः",
        "अंततः",
        "मुख्यतः",
        "विशेषतः",
        "पूर्णतः",
        "अंशतः",
        "प्रथमतः",
    ]
)
# In a dateline-only sentence, the place is at most three words; all that may follow it
# (a bracketed state, a comma and a date, the final mark) has at most this many characters
# that are not white space (bounds of _DATELINE_SENTENCE).
_MAX_PLACE_WORDS = 3
_MAX_AFTER_PLACE_CHARS = 1 + 30 + 1 + 1 + 20 + 1


def _more_visible_chars(text: str, limit: int) -> bool:
    """Whether `text` has more than `limit` characters that are not white space.

    Counted in a prefix first: the rest of a sentence runs to hundreds of characters, and
    splitting all of it only to learn that it is longer than a dateline cost more than the
    dateline regex.
    """
    if len(text) <= limit:
        return False
    head = text[: 4 * limit]
    if _visible_chars(head) > limit:
        return True
    return len(head) < len(text) and _visible_chars(text) > limit


def _visible_chars(text: str) -> int:
    """Characters of `text` that are not white space.

    Every white space character but " " is unprintable, so a printable text (a normalised
    sentence always is) is counted without splitting it.
    """
    if text.isprintable():
        return len(text) - text.count(" ")
    return len("".join(text.split()))


# A dateline's mark is within this many characters of the sentence start (three place words,
# a parenthesised state and a date at most).
_DATELINE_CHARS = 100
# The rest of a sentence after a dateline must still be a sentence.
_MIN_REST_WORDS = 4


def _plausible_place(place: str, sep: str) -> bool:
    """Whether the words before a dateline mark can name a place.

    A place name has no verb, auxiliary or negation in it: "बाजार खुले रहे।" and "बसें नहीं
    चलीं।" are short sentences, not datelines. Plural and verb endings ("सड़कें", "चलीं") are
    not place endings either.
    """
    words = place.replace("/", " ").split()
    if not words or any(w in _CLAUSE_WORDS or w in _NOT_PLACE_WORDS for w in words):
        return False
    if any(w.endswith(_NOT_PLACE_ENDINGS) for w in words):
        return False
    return not (sep == "ः" and fold_nukta(words[-1] + "ः") in _VISARGA_ADVERBS)


# The summary and the `where` facts both ask about an article's first sentences (the same
# string objects): the answers are remembered for the few most recent sentences instead of
# running the regexes twice. Small, so a runaway paste's long "sentences" are not kept. Most
# sentences have no dateline mark near the start and are answered before the cache, whose
# lookup (hashing the whole sentence) costs more than that test.
_RECENT_SENTENCES = 32


def split_dateline(sentence: str) -> tuple[str | None, str]:
    """(dateline place or None, sentence without the dateline)."""
    head = sentence[:_DATELINE_CHARS]
    if "(" not in head and ":" not in head and "ः" not in head and "|" not in head:
        return None, sentence  # no dateline mark near the start: skip the regexes
    return _split_marked_dateline(sentence)


@lru_cache(maxsize=_RECENT_SENTENCES)
def _split_marked_dateline(sentence: str) -> tuple[str | None, str]:
    """split_dateline for a sentence with "(", ":", "ः" or "|" in its first characters."""
    head = sentence[:_DATELINE_CHARS]
    if "(" in head:
        m = _AGENCY_DATELINE.match(sentence)
        if m and _plausible_place(m.group("place"), ""):
            rest = sentence[m.end() :]
            if count_words(rest) >= _MIN_REST_WORDS:
                return m.group("place"), rest
    if ":" not in head and "ः" not in head and "|" not in head:
        return None, sentence  # no dateline mark near the start: skip the regex
    m = _DATELINE.match(sentence)
    if m and _plausible_place(m.group("place"), m.group("sep")):
        rest = sentence[m.end() :]
        if count_words(rest) >= _MIN_REST_WORDS:
            return m.group("place"), rest
    return None, sentence


def dateline_only(sentence: str) -> str | None:
    """The place when the whole sentence is a dateline ("लखनऊ।"), else None."""
    sentence = sentence.strip()
    words = sentence.split(None, _MAX_PLACE_WORDS)
    if len(words) > _MAX_PLACE_WORDS and _more_visible_chars(words[-1], _MAX_AFTER_PLACE_CHARS):
        return None  # a sentence, not a dateline: no need for the regex
    return _dateline_sentence(sentence)


@lru_cache(maxsize=_RECENT_SENTENCES)
def _dateline_sentence(sentence: str) -> str | None:
    """dateline_only for a stripped sentence short enough to be a dateline."""
    m = _DATELINE_SENTENCE.match(sentence)
    if m and _plausible_place(m.group("place"), ""):
        return m.group("place")
    return None
