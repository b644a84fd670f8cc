"""`who` facts: the people and organisations a story is about, in the article's spelling.

Devanagari has no capital letters, so names are found by what surrounds them and trusted
only when the text supports them:

- a title right before a name: "मुख्यमंत्री मनोहर लाल खट्टर", "सीईओ टिम कुक";
- a subject of "ने" or a source of "के मुताबिक" whose last word recurs ("खट्टर ने");
- initials before a surname: "जेपी नड्डा", "डीके शिवकुमार";
- acronyms spelt in Devanagari ("एएनआई") or Latin ("NSO", "CERT-IN") and Latin names;
- organisation nouns with a proper head: "भारत सरकार", "केंद्रीय स्वास्थ्य मंत्रालय", but
  not "पड़ा महंगा सरकार" (the words before "सरकार" must be a place, a known head such as
  "केंद्रीय", or lead to one).

Mentions of one name are merged ("मांडविया" counts for "मनसुख मांडविया"), and names are
ranked by how often and how firmly the text names them. A long run of Latin words is an
English kicker or caption ("Attack on youths while bathing in Yamuna:"), not a name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet

import regex

from digests.facts.candidate import Candidate, phrase_key
from digests.facts.lexicon import (
    ALIASES,
    CALENDAR,
    GENERIC,
    KNOWN_ORGS,
    LATIN_NOT_ACTORS,
    LETTER_NAMES,
    NAME_STOPS,
    NEWS_AGENCIES,
    NOT_ACTORS,
    ORG_HEADS,
    ORG_NOUNS,
    ROLES,
    TIME_WORDS,
)
from digests.facts.tokens import Tokens, is_number
from digests.facts.wordkinds import LETTER_NAME, WordKinds, word_kinds
from digests.normalize import fold_nukta
from digests.places import is_place
from digests.stopwords import word_set

MAX_NAMES = 5
# A name's score adds up what the text says for it: how it is named (the strongest of the
# ways below), how often it recurs, whether it acts ("X ने", "X को", "X के मुताबिक") and
# whether the headline has it. A name is shown from MIN_NAME_SCORE; the best one from
# MIN_TOP_SCORE, so a card can still name its one actor.
MIN_NAME_SCORE = 2.0
MIN_TOP_SCORE = 1.5
TITLED, INITIALS, ORGANISATION, ACRONYM, SUBJECT, CAPITALISED, LATIN_WORD = (
    2.0,
    2.0,
    1.5,
    1.5,
    1.0,
    1.0,
    1.0,
)
_PER_MENTION, _MAX_MENTIONS = 0.5, 4
_ACTS, _IN_TITLE = 1.0, 1.0
_ACTOR_MARKS = word_set("ने को")
_MAX_NAME_WORDS = 3
_MAX_ORG_HEADS = 3
# A Latin word not glued to other letters.
_LATIN_TOKEN = regex.compile(
    r"(?<![\p{L}\p{M}\p{N}])[A-Za-z][A-Za-z0-9]*(?:[-&.'][A-Za-z0-9]+)*(?![\p{L}\p{M}\p{N}])"
)
# Whether a word starts with a Latin letter is asked of every new word: a set lookup of its
# first character, not a regex.
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
# Bytes that are not ASCII letters, deleted to learn whether a text has any (see _latin_names).
_NOT_ASCII_LETTERS = bytes(b for b in range(256) if not chr(b).isascii() or not chr(b).isalpha())
# Three or more Latin words in a row are English text (a kicker, a caption), not a name.
_MAX_LATIN_RUN = 2
# "X ने", "X के मुताबिक/अनुसार", "X का कहना": X is a source.
_SUBJECT_MARK = word_set("ने")
_SOURCE_MARK = word_set("मुताबिक अनुसार हवाले")
# Common surnames: a name that ends in one is complete even if it is mentioned once.
_SURNAMES = word_set(
    """
    सिंह कुमार शर्मा वर्मा यादव गुप्ता मिश्र मिश्रा तिवारी पांडे पांडेय दुबे चौबे त्रिपाठी शुक्ला
    श्रीवास्तव अग्रवाल जैन गांधी मोदी शाह पटेल खान अली अहमद चौधरी राठौड़ ठाकुर रेड्डी राव
    नायडू नायर बनर्जी मुखर्जी चटर्जी घोष बोस दास सेन गहलोत पायलट ओवैसी योगी आदित्यनाथ
    केजरीवाल बघेल चौहान सिंधिया नड्डा पवार ठाकरे फडणवीस गडकरी राजनाथ स्वामी कुशवाहा
    मौर्य पासवान मांझी सोरेन पटनायक स्टालिन विजयन
    """
)


# One or two Latin letter names: a person's initials ("जेपी", "डीके", "ए").
_INITIALS = regex.compile(LETTER_NAME + "{1,2}")
# A nasal consonant with a virama before a consonant of its own class, which Hindi also
# writes as the anusvara: ङ्क = ंक, ञ्च = ंच, ण्ड = ंड, न्द = ंद, म्ब = ंब.
_VIRAMA = "\u094d"
_HALF_NASALS = ("ङ्", "ञ्", "ण्", "न्", "म्")
_NASAL_CONJUNCT = regex.compile("ङ्(?=[कखगघ])|ञ्(?=[चछजझ])|ण्(?=[टठडढ])|न्(?=[तथदध])|म्(?=[पफबभ])")
# "a" -> "ए", ... "z" -> "जेड": how Hindi spells a Latin acronym's letters.
_HINDI_LETTER = dict(zip("abcdefghijklmnopqrstuvwxyz", LETTER_NAMES, strict=True))


# Whether a word can be part of a person's name depends on the word alone, and the same few
# hundred words are asked about in every article: the answers are kept (bounded).
_NAME_WORDS: dict[str, bool] = {}
_MAX_NAME_WORDS_KEPT = 100_000


class _Names:
    """Evidence for each name, keyed by its nukta-folded, lower-cased spelling.

    `raw` is phrase_key of the kept spelling (`text`), before ALIASES: ranking compares
    names by their words, and keeping the key spares folding each name again.
    """

    def __init__(self) -> None:
        self.text: dict[str, str] = {}
        self.raw: dict[str, str] = {}
        self.score: dict[str, float] = {}
        self.pos: dict[str, int] = {}

    def add_span(self, tok: Tokens, first: int, last: int, support: float) -> None:
        """add() the spaced words first..last of `tok` (their text, offset and key)."""
        self.add(tok.span(first, last), support, tok.starts[first], tok.key_span(first, last))

    def add(self, name: str, support: float, pos: int, key: str = "") -> None:
        """Record a mention; a name keeps the strongest way it was named.

        `key` is phrase_key(name) when the caller has it (Tokens.key_span of a spaced span).
        """
        raw = key or phrase_key(name)
        key = ALIASES.get(raw, raw)
        first = self.pos.get(key)
        if first is None or pos < first:
            self.text[key] = name
            self.raw[key] = raw
            self.pos[key] = pos
        best = self.score.get(key)
        if best is None or support > best:
            self.score[key] = support


def _name_word(key: str) -> bool:
    """A (folded) word can be part of a Devanagari person name (an oblique plural never is)."""
    known = _NAME_WORDS.get(key)
    if known is None:
        if len(_NAME_WORDS) > _MAX_NAME_WORDS_KEPT:
            _NAME_WORDS.clear()
        known = _NAME_WORDS[key] = _is_name_key(key)
    return known


def _is_name_key(key: str) -> bool:
    """_name_word without the memory."""
    return not (
        key.endswith("ों")
        or key in NAME_STOPS
        or key in ROLES
        or key in GENERIC
        or key in CALENDAR
        or key in TIME_WORDS
        or is_number(key)
        or key[:1] in _ASCII_LETTERS
        or is_place(key)
    )


def _trim_to_surname(tok: Tokens, first: int, last: int) -> int:
    """Last word of the name first..last: where a surname or a recurring word ends it."""
    keys, positions = tok.keys, tok.positions
    for k in range(last, first, -1):
        key = keys[k]
        if key in _SURNAMES or len(positions(key)) > 1:
            return k
    return last


def _after_roles(tok: Tokens, names: _Names) -> None:
    """ "मुख्यमंत्री मनोहर लाल खट्टर", "राष्ट्रपति जो बाइडेन"."""
    keys, seps = tok.keys, tok.seps
    n = len(keys)
    for i in tok.where(ROLES):
        j = i + 1
        end = min(n, i + 1 + _MAX_NAME_WORDS)
        while j < end and seps[j] == " " and _name_word(keys[j]):
            j += 1
        if j == i + 1:
            continue
        last = _trim_to_surname(tok, i + 1, j - 1)
        if last == i + 1 and not (
            keys[last] in _SURNAMES or _is_subject_somewhere(tok, keys[last])
        ):
            continue  # one word after a title that never acts: "अध्यक्ष पद", "सीएम हाउस"
        names.add_span(tok, i + 1, last, TITLED)


def _is_subject_somewhere(tok: Tokens, key: str) -> bool:
    """Whether the word is ever followed by "ने" (it does or says something)."""
    keys, n = tok.keys, len(tok.keys)
    return any(i + 1 < n and keys[i + 1] == "ने" for i in tok.positions(key))


_SUBJECT_OR_SOURCE = _SUBJECT_MARK | _SOURCE_MARK


def _subjects(tok: Tokens, names: _Names, title_keys: frozenset[str]) -> None:
    """ "खट्टर ने", "मोनिका के मुताबिक": the source, when its last word recurs."""
    keys, seps = tok.keys, tok.seps
    known_names = names.text
    for i in tok.where(_SUBJECT_OR_SOURCE):
        if i < 1:
            continue
        if keys[i] in _SUBJECT_MARK:
            end = i - 1
        elif keys[i - 1] in ("के", "की") and i >= 2:
            end = i - 2
        else:
            continue
        if seps[end + 1] != " " or not _name_word(keys[end]):
            continue
        first = end
        while first - 1 >= 0 and end - first + 1 < _MAX_NAME_WORDS and seps[first] == " ":
            if not _name_word(keys[first - 1]):
                break
            first -= 1
        # "... देख अमृतपाल सिंह ने": the nearest start whose words were found already (with
        # a title) starts the name; span_key is key_span(k, end), grown a word at a time.
        span_key = keys[end].casefold()
        for k in range(end, first - 1, -1):
            if k < end:
                span_key = f"{keys[k].casefold()} {span_key}"
            if span_key in known_names:
                first = k
                break
        last_key = keys[end]
        if len(tok.positions(last_key)) > 1 or last_key in title_keys or last_key in _SURNAMES:
            names.add_span(tok, first, end, SUBJECT)


def _acronyms_and_initials(tok: Tokens, names: _Names, acronyms: AbstractSet[str]) -> None:
    """ "एएनआई" (an organisation) and "जेपी नड्डा" (initials and a surname)."""
    keys, n = tok.keys, len(tok.keys)
    for i in tok.where(acronyms):
        key = keys[i]
        if key in NOT_ACTORS or key in ROLES or key in NEWS_AGENCIES:
            continue
        nxt = i + 1
        if nxt < n and tok.seps[nxt] == " " and _initials_of(key, keys[nxt]):
            names.add_span(tok, i, nxt, INITIALS)
            continue
        names.add(tok.words[i], ACRONYM, tok.starts[i], key)


def _initials_of(key: str, following: str) -> bool:
    """Whether acronym `key` and the word `following` it are one name.

    A person goes by one or two initials ("जेपी नड्डा", "डीके शिवकुमार"). Three letters are
    an organisation or a thing ("सीबीआई हिरासत", "पीसीआर टेस्ट" were shown as names), named
    with the next word only when that is a surname or an organisation noun ("एबीसी बैंक").
    """
    if not _name_word(following):
        return False
    return _INITIALS.fullmatch(key) is not None or following in _SURNAMES or following in ORG_NOUNS


def _org_head_ok(tok: Tokens, k: int) -> bool:
    key = tok.keys[k]
    if key in ORG_HEADS or is_place(key) or ALIASES.get(key, key) in _KNOWN_FIRST:
        return True
    if key[:1] in _ASCII_LETTERS and key.isascii():
        return True  # "NSO ग्रुप", "Tata समूह": a Latin name heads the organisation
    return "-" in key and all(is_place(part) for part in key.split("-"))


def _organisations(tok: Tokens, names: _Names) -> None:
    """ "भारत सरकार", "राष्ट्रीय स्वयंसेवक संघ", "पंजाब-हरियाणा हाईकोर्ट"."""
    keys = tok.keys
    for i in tok.where(ORG_NOUNS):
        if i == 0:
            continue
        first = None
        k = i - 1
        while k >= 0 and i - k <= _MAX_ORG_HEADS and tok.seps[k + 1] == " ":
            if keys[k] in NAME_STOPS or keys[k] in CALENDAR or is_number(keys[k]):
                break
            if k == i - 1 and keys[k] in GENERIC and keys[k] not in ORG_HEADS:
                break
            if _org_head_ok(tok, k):
                first = k
            k -= 1
        if first is not None:
            names.add_span(tok, first, i, ORGANISATION)


_KNOWN = [tuple(fold_nukta(org).split()) for org in KNOWN_ORGS]
_KNOWN_FIRST = frozenset(words[0] for words in _KNOWN)
# The known names by their first word, so a word is compared with its own few only.
_KNOWN_BY_FIRST = {
    first: [words for words in _KNOWN if words[0] == first] for first in _KNOWN_FIRST
}


def _known_organisations(tok: Tokens, names: _Names) -> None:
    keys, n = tok.keys, len(tok.keys)
    for i in tok.where(_KNOWN_FIRST):
        best = 0
        for words in _KNOWN_BY_FIRST[keys[i]]:
            size = len(words)
            if i + size <= n and tuple(keys[i : i + size]) == words and tok.spaced(i, i + size - 1):
                best = max(best, size)
        if best:
            names.add_span(tok, i, i + best - 1, ORGANISATION)


def _latin_names(text: str, names: _Names) -> None:
    """Latin-script names: acronyms stand alone, capitalised words run together."""
    # Most Hindi articles have no Latin letter at all, and finding that out from the ASCII
    # characters alone (C speed) is cheaper than the token regex's scan.
    if not text.encode("ascii", "ignore").translate(None, _NOT_ASCII_LETTERS):
        return
    runs: list[list[regex.Match[str]]] = []
    for m in _LATIN_TOKEN.finditer(text):
        if runs and text[runs[-1][-1].end() : m.start()] in (" ", " & "):
            runs[-1].append(m)
        else:
            runs.append([m])
    found: list[list[regex.Match[str]]] = []
    for run in runs:
        if len(run) > _MAX_LATIN_RUN:
            continue  # English words, not a name inside Hindi text
        parts: list[regex.Match[str]] = []
        for m in run:
            token = m.group(0)
            folded = token.casefold()
            if len(token) < 2 or folded in LATIN_NOT_ACTORS or folded in NEWS_AGENCIES:
                parts = []
                continue
            if _latin_acronym(token) and _spelt_in_hindi(token) in NOT_ACTORS:
                parts = []
                continue  # "AC", "ID", "FIR": a thing or a title, as "एसी", "आईडी" are
            if not token[0].isupper():
                parts = []
                continue
            if token.isupper() or (parts and parts[-1].group(0).isupper()):
                found.append([m])
                parts = []
                continue
            parts.append(m)
        if parts:
            found.append(parts)
    singles = {p[0].group(0) for p in found if len(p) == 1}
    for parts in found:
        alone = [p for p in parts if p.group(0) in singles]
        if len(parts) > 1 and alone:
            parts = alone[-1:]  # "Spyware Pegasus" counts for "Pegasus", seen on its own
        name = text[parts[0].start() : parts[-1].end()]
        if name.isupper():
            support = ACRONYM
        elif any(c.isupper() for c in name[1:].replace(" ", "")) or len(parts) > 1:
            support = CAPITALISED  # "WhatsApp", "Tim Cook": names, not a capitalised word
        else:
            support = LATIN_WORD
        names.add(name, support, parts[0].start())


def _occurrences(tok: Tokens, words: list[str]) -> list[int]:
    """Indexes of the last word of each occurrence of the word sequence `words`."""
    size = len(words)
    keys = tok.keys
    return [i + size - 1 for i in tok.positions(words[0]) if keys[i : i + size] == words]


def _support(tok: Tokens, name: str) -> float:
    """Recurrence and acting: a person recurs by surname, an organisation by its full name."""
    words = fold_nukta(name).split()
    last = words[-1]
    if last in ORG_NOUNS or last.isascii():
        ends: Sequence[int] = _occurrences(tok, words)
    else:
        ends = tok.positions(last)
    keys = tok.keys
    n = len(keys)
    acts = 0.0
    for i in ends:
        if i + 1 < n and keys[i + 1] in _ACTOR_MARKS:
            acts = _ACTS
            break
    return _PER_MENTION * min(max(len(ends) - 1, 0), _MAX_MENTIONS) + acts


# A ranked name: (spelling, score, first position, phrase_key of the spelling).
_Ranked = tuple[str, float, int, str]


def _merge(names: _Names, tok: Tokens, title_keys: frozenset[str]) -> list[_Ranked]:
    """Scored names, shorter mentions folded into the fuller name they are part of."""
    by_size = sorted(((key, key.split()) for key in names.text), key=lambda kw: -len(kw[1]))
    score = names.score
    merged: dict[str, float] = {}
    merged_words: list[tuple[str, set[str]]] = []  # merged's keys in order, with their words
    for key, split in by_size:
        words = set(split)
        for target, fuller in merged_words:
            if words < fuller:
                merged[target] = max(merged[target], score[key])
                break
        else:
            merged[key] = score[key]
            merged_words.append((key, words))
    out = []
    for key, total in merged.items():
        name, raw = names.text[key], names.raw[key]
        title = _IN_TITLE if _in_title(raw, title_keys) else 0.0
        out.append((name, total + _support(tok, name) + title, names.pos[key], raw))
    return out


def who_candidate(
    tok: Tokens, title_keys: frozenset[str], kinds: WordKinds | None = None
) -> Candidate | None:
    """One `who` fact listing up to MAX_NAMES names, best supported first.

    `kinds` is word_kinds(tok.vocabulary) when the caller has it already.
    """
    if kinds is None:
        kinds = word_kinds(tok.vocabulary)
    names = _Names()
    _after_roles(tok, names)
    _subjects(tok, names, title_keys)
    _acronyms_and_initials(tok, names, kinds.acronyms)
    _organisations(tok, names)
    _known_organisations(tok, names)
    _latin_names(tok.text, names)
    if not names.text:
        return None
    ranked = sorted(_merge(names, tok, title_keys), key=lambda x: (-x[1], x[2]))
    chosen = [
        r
        for i, r in enumerate(ranked)
        if r[1] >= MIN_NAME_SCORE or (i == 0 and r[1] >= MIN_TOP_SCORE)
    ]
    chosen = _without_glosses(_distinct(chosen), tok.text)[:MAX_NAMES]
    if not chosen:
        return None
    total = sum(r[1] for r in chosen)
    return Candidate("who", ", ".join(r[0] for r in chosen), total, chosen[0][2])


def _without_glosses(ranked: list[_Ranked], text: str) -> list[_Ranked]:
    """Drop a name given as the gloss of a better-ranked one ("... संगठन (इसरो)")."""
    if not ranked or "(" not in text:
        return ranked  # no gloss without a bracket (and no need to search the text for one)
    glossed: Callable[[str, str, str], bool]
    if any("(" in r[0] or ")" in r[0] for r in ranked):
        glossed = _glossed_by_search  # (never for names made of words)
    else:
        glossed = _glossed_by_brackets(text, max(len(r[0]) for r in ranked))
    keep: list[_Ranked] = []
    for entry in ranked:
        name = entry[0]
        if any(glossed(text, k[0], name) or glossed(text, name, k[0]) for k in keep):
            continue
        keep.append(entry)
    return keep


def _glossed_by_search(text: str, name: str, gloss: str) -> bool:
    """Whether the text has "name (gloss)"."""
    return f"{name} ({gloss})" in text


def _glossed_by_brackets(text: str, longest: int) -> Callable[[str, str, str], bool]:
    """_glossed_by_search for names without brackets (at most `longest` characters long),
    from the text's few brackets.

    Each " (" is read once, with what it holds up to the next ")": "name (gloss)" is in the
    text exactly when one of them holds the gloss and the text before it ends with the
    name. (Searching the whole text for every pair of names cost more than all the rest of
    the ranking.) Linear: each ")" is looked for once, and only what a name could be is kept.
    """
    held: dict[str, list[int]] = {}
    close = -1
    at = text.find(" (")
    while at >= 0:
        if close < at + 2:
            close = text.find(")", at + 2)
            if close < 0:
                break
        if close - (at + 2) <= longest:
            held.setdefault(text[at + 2 : close], []).append(at)
        at = text.find(" (", at + 2)

    def glossed(_text: str, name: str, gloss: str) -> bool:
        return any(text.endswith(name, 0, at) for at in held.get(gloss, ()))

    return glossed


def _latin_acronym(name: str) -> bool:
    return name.isascii() and name.isalpha() and name.isupper()


def _spelt_in_hindi(acronym: str) -> str:
    """A Latin acronym (any case) as Hindi writes its letters: "ed" -> "ईडी"."""
    return "".join(_HINDI_LETTER[c] for c in acronym.casefold())


def _comparable(name: str, key: str) -> str:
    """`key` (phrase_key of `name`) in the one spelling of two that name the same thing.

    - A capital-letter Latin acronym as Hindi spells it ("ED" -> "ईडी"): reports often give
      an agency both ways ("प्रवर्तन निदेशालय (ईडी)", later "ED").
    - A nasal written as a half letter before a consonant of its class as the anusvara
      ("नरेन्द्र" -> "नरेंद्र"): both spellings are standard, and one report may use both.

    So a card names each once ("नरेंद्र मोदी, नरेन्द्र मोदी" was on one).
    """
    if _latin_acronym(name):
        return _spelt_in_hindi(key)
    if _VIRAMA in key and any(half in key for half in _HALF_NASALS):
        return _NASAL_CONJUNCT.sub("\u0902", key)
    return key


def _in_title(key: str, title_keys: frozenset[str]) -> bool:
    """Whether every word of a name (its phrase_key) is in the headline."""
    if not title_keys:
        return False
    words = key.split()
    return bool(words) and title_keys.issuperset(words)


def _distinct(ranked: Iterable[_Ranked]) -> list[_Ranked]:
    """Drop a name whose words are inside a better-ranked one ("मौसम विभाग" vs a fuller one)."""
    chosen: list[_Ranked] = []
    chosen_words: list[set[str]] = []
    for entry in ranked:
        words = set(_comparable(entry[0], entry[3]).split())
        if any(words <= c or c <= words for c in chosen_words):
            continue
        chosen.append(entry)
        chosen_words.append(words)
    return chosen
