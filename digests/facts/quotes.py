"""`quote` facts: who said what, as "speaker: words".

Direct speech comes from quotation marks (“…”, ‘‘…’’, "…", and ‘…’ or '…' when long enough
to be speech rather than a quoted term); the speaker is the name before the last "ने" in the
words leading into the quotation ("WhatsApp ने बयान जारी कर बताया-"). Reported speech comes
from "X ने कहा कि Y" and "X के मुताबिक, Y". Quotes are cut to their first sentence and to
MAX_QUOTE_WORDS, so a card line stays short, and a quote already in the summary is dropped.
A quote needs a named speaker to stand on its own: words with no speaker, an unnamed one
("एक युवक ने बताया") or a media source ("रिपोर्ट के मुताबिक", which attributes facts rather
than making a statement) are not offered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import regex

from digests.facts.candidate import Candidate, Shown
from digests.facts.lexicon import (
    CALENDAR,
    GENERIC_SPEAKERS,
    INDEFINITE,
    MEDIA_SOURCES,
    ROLES,
    TIME_WORDS,
)
from digests.facts.tokens import fold_keys, is_number, split_parts
from digests.sentences import count_words, split_sentences
from digests.stopwords import STOPWORDS
from digests.trim import truncate_words

MAX_QUOTE_WORDS = 20
_MIN_QUOTE_WORDS = 4
# Single quotation marks also mark terms (‘इमरजेंसी लैंडिंग फील्ड’): speech is longer.
_MIN_SINGLE_QUOTE_WORDS = 6
_MAX_SPEAKER_WORDS = 4
# A speaker's name is a few words: only this much before its "ने" is read.
_SPEAKER_CONTEXT_CHARS = 80
# Every branch starts with a quotation mark (lookbehind after it), so the scan skips text
# fast; stdlib re was measured quicker than the regex module for this one.
_QUOTE = re.compile(
    r"“(?P<curly>[^“”\n]{1,3000})”"
    r"|‘‘(?P<double_single>[^‘’\n]{1,3000})’’"
    r"|''(?P<apostrophes>[^'\n]{1,3000})''"
    r"|\"(?P<straight>[^\"\n]{1,3000})\""
    r"|‘(?P<single>[^‘’\n]{1,3000})’"
    r"|'(?<![A-Za-z]')(?P<ascii_single>[^'\n]{1,3000})'"  # not an English apostrophe
)
_SINGLE_GROUPS = frozenset(["single", "ascii_single"])
# The first characters of _QUOTE: a text without any has no quotation. Most articles have
# none, and four str searches cost a tenth of the regex's scan.
_QUOTE_MARKS = ("“", "‘", "'", '"')
_SPEECH_VERBS = r"(?:कहा|कहना|बताया|लिखा|ट्वीट|पोस्ट|बयान|जानकारी|दावा|आरोप)"
# "X ने ... कहा कि Y": the speaker is X (before "ने", at most _MAX_PRE chars), the verb of
# speaking comes within _MAX_MID chars after "ने", the reported words Y follow "कि".
_MAX_PRE, _MAX_MID = 160, 80
_VERB_THAT = re.compile(
    rf"(?<![\w\u0900-\u097f]){_SPEECH_VERBS}\S*(?:\s+(?:है|था|गया|गई))?\s+(?:कि\s+)+"
)
# "X के मुताबिक/अनुसार, Y" and "X के हवाले से ... कि Y".
_ACCORDING_TO = regex.compile(
    r"^(?P<pre>.{1,80}?)\s+(?:के|की)\s+(?:मुताबिक|मुताबिक़|अनुसार|हवाले\s+से)\s*,?\s+(?P<said>.+)$"
)
# Words of an organisation kept before a bare role ("मौसम विभाग के प्रमुख").
_MAX_HOLDER_WORDS = 2
_EDGE = " ,;:-–—।॥.()[]\"'“”‘’"
_DIRECT_SCORE, _REPORTED_SCORE = 3.0, 1.5


def speaker(context: str) -> str:
    """The name right before the last "ने" in `context`, without titles; "" if generic."""
    at = context.rfind(" ने")
    if at < 0:
        return ""
    # Only the few words before that "ने" can be the speaker: tokenize just those (words and
    # separators only, no Tokens: this runs for every quotation and "X ने कहा कि").
    window = context[max(0, at - _SPEAKER_CONTEXT_CHARS) : at + 4]
    parts = split_parts(window)
    seps = parts[0::2]
    keys = fold_keys(parts[1::2], window)
    if "ने" not in keys:
        return ""
    ne = len(keys) - 1 - keys[::-1].index("ने")
    first = ne
    while first > 0 and ne - first < _MAX_SPEAKER_WORDS and seps[first] == " ":
        key = keys[first - 1]
        if key in STOPWORDS or key in TIME_WORDS or key in CALENDAR or is_number(key):
            break
        first -= 1
    roles = [k for k in range(first, ne - 1) if keys[k] in ROLES]
    if roles:
        first = roles[-1] + 1  # "AIMIM प्रमुख असदुद्दीन ओवैसी ने" -> "असदुद्दीन ओवैसी"
    if first == ne or keys[ne - 1] in GENERIC_SPEAKERS or keys[ne - 1] in MEDIA_SOURCES:
        return ""  # "वर्तमान स्थिति के अनुसार" names no speaker, "रिपोर्ट के मुताबिक" no statement
    if first > 0 and keys[first - 1] in INDEFINITE:
        return ""  # "एक युवक ने बताया": someone unnamed
    if first == ne - 1:
        first = _holder(keys, seps, first)  # "WhatsApp के प्रमुख", not a bare "प्रमुख"
    return "".join(parts[2 * first + 1 : 2 * ne])  # words first..ne-1, separators kept


def _holder(keys: list[str], seps: list[str], role: int) -> int:
    """Where a one-word speaker's "<organisation> के" starts, or `role` if it has none.

    "WhatsApp के प्रमुख ने" names the speaker by the organisation; up to two name words
    before "के"/"की" are kept ("मौसम विभाग के महानिदेशक").
    """
    of = role - 1
    if of < 1 or keys[of] not in ("के", "की") or seps[role] != " " or seps[of] != " ":
        return role
    start = of
    while start > 0 and of - start < _MAX_HOLDER_WORDS and seps[start] == " ":
        key = keys[start - 1]
        if key in STOPWORDS or key in GENERIC_SPEAKERS or key in TIME_WORDS or is_number(key):
            break
        start -= 1
    return start if start < of else role


def _short_quote(inner: str) -> str:
    sentences = split_sentences(inner.strip())
    text = sentences[0] if sentences else inner.strip()
    if count_words(text) < _MIN_QUOTE_WORDS + 2 and len(sentences) > 1:
        text = f"{text} {sentences[1]}"
    if text.endswith(("-", ",")):
        text = text.strip(_EDGE)
    return truncate_words(text, MAX_QUOTE_WORDS)


def _lead_in(text: str, start: int) -> str:
    """The words leading into a quotation at `start`: its sentence, or the line before."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    if not before.strip() and line_start > 1:
        end = line_start - 1
        while end > 0 and text[end - 1] in "\n ":
            end -= 1
        before = text[text.rfind("\n", 0, end) + 1 : end]  # "WhatsApp ने बताया-" alone
    start = _after_last_sentence_end(before)
    return before[start:] if start else before


def _after_last_sentence_end(text: str) -> int:
    """Where the text after its last sentence end ("।", "!", "?", ". ", a line break) starts.

    0 when there is none. Found with rfind from the end: a regex for "the last end" tries
    every end in the text and reads on to the end of the text from each, which is slow on
    one long pasted line with many quotations.
    """
    end = max(text.rfind("।"), text.rfind("!"), text.rfind("?"), text.rfind("\n")) + 1
    dot = text.rfind(".")
    while dot >= 0 and dot + 2 > end:
        if dot + 1 < len(text) and text[dot + 1].isspace():
            return dot + 2
        dot = text.rfind(".", 0, dot)
    return end


def direct_quotes(text: str, shown: Shown) -> Iterator[Candidate]:
    """Quotations of at least a few words, with their speaker when the text names one.

    A quotation the reader already has (`shown`: the summary) is left out. In text order,
    each worked out only when asked for (see first_quote).
    """
    if not any(mark in text for mark in _QUOTE_MARKS):
        return
    for m in _QUOTE.finditer(text):
        group = m.lastgroup or ""
        inner = m.group(group)
        minimum = _MIN_SINGLE_QUOTE_WORDS if group in _SINGLE_GROUPS else _MIN_QUOTE_WORDS
        if count_words(inner) < minimum:
            continue  # a quoted term such as “आत्मनिर्भर भारत”
        name = speaker(_lead_in(text, m.start()))
        if not name:
            continue  # words without a speaker do not stand on their own on a card
        quote = _short_quote(inner)  # (after the speaker: half the quotations have none)
        if shown.has(quote.rstrip("…")):
            continue  # already in the summary
        yield Candidate("quote", f"{name}: “{quote}”", _DIRECT_SCORE, m.start())


def _said_that(sentence: str) -> tuple[str, str] | None:
    """(words before "ने", reported words) of "X ने ... कहा कि Y", or None."""
    at = sentence.find(" ने ")
    while 0 <= at <= _MAX_PRE:
        m = _VERB_THAT.search(sentence, at + 4, at + 4 + _MAX_MID + 40)
        if m and m.start() - (at + 4) <= _MAX_MID and m.end() < len(sentence):
            return sentence[:at], sentence[m.end() :]
        at = sentence.find(" ने ", at + 1)
    return None


def reported_speech(sentences: Iterable[tuple[str, int]], shown: Shown) -> Iterator[Candidate]:
    """Indirect speech: "X ने कहा कि Y" and "X के मुताबिक, Y" as "X: Y" (not if `shown`).

    In text order, each worked out only when asked for (see first_quote).
    """
    for sentence, pos in sentences:
        if "“" in sentence or '"' in sentence:
            continue
        found = _said_that(sentence) if " ने " in sentence and " कि " in sentence else None
        if found is None and ("मुताबिक" in sentence or "अनुसार" in sentence or "हवाले" in sentence):
            m = _ACCORDING_TO.match(sentence)
            found = (m.group("pre"), m.group("said")) if m else None
        if found is None:
            continue
        pre, said_words = found
        name = speaker(pre + " ने")
        if not name:
            continue
        said = truncate_words(said_words.strip(_EDGE), MAX_QUOTE_WORDS)
        if shown.has(said.rstrip("…")):
            continue  # already in the summary
        if count_words(said) >= _MIN_QUOTE_WORDS:
            yield Candidate("quote", f"{name}: {said}", _REPORTED_SCORE, pos)


def first_quote(text: str, sentences: Iterable[tuple[str, int]], shown: Shown) -> Candidate | None:
    """The first direct quotation with its speaker, else the first reported speech.

    This is the quote a card with room for one shows: every quotation scores alike and
    outranks reported speech, the earliest of equals ranks first, and no fact of another
    kind has a quote's ": " (so it is never dropped as a repeat of one). The rest are
    never looked for: reading on through every quotation and sentence of speech made
    the quotes cost two fifths more (about 4% of all fact extraction).
    """
    return next(direct_quotes(text, shown), None) or next(reported_speech(sentences, shown), None)
