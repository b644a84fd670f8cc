"""Key facts (when, number, who, quote, where) picked out of a Hindi article by patterns.

There is no offline Hindi entity recogniser, so each kind has a narrow pattern whose output
is always the article's own words: dates from Babel's month and weekday names, a number
with the words it counts, Latin-script names and Devanagari acronyms, quotations with their
speaker, and places from the dateline or a small gazetteer. Candidates are scored (how often
the item recurs, how specific it is, whether the headline has it) and the best of each kind
comes first, so a short card still covers when/who/how many.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import regex

from digests.calendar_hi import month_pattern, weekday_pattern
from digests.dateline import dateline_only, split_dateline
from digests.model import Fact
from digests.normalize import fold_nukta
from digests.places import is_place
from digests.sentences import count_words, split_paragraph_sentences, split_sentences
from digests.stopwords import is_stopword, word_set
from digests.trim import truncate_words

# Order in which kinds are offered when several compete for a short card.
KIND_ORDER = ("when", "who", "number", "where", "quote")
MAX_QUOTE_WORDS = 20
MAX_NAMES_PER_GROUP = 4
# Fact extraction looks at the opening of very long texts only: facts of a news story are
# in its first screens, and every pattern stays linear in this bound.
MAX_FACT_CHARS = 60_000

_L = r"[\p{L}\p{M}\p{N}]"
_B = rf"(?<!{_L})"  # word start
_E = rf"(?!{_L})"  # word end
_DIGITS = r"[0-9०-९]"
_PART_OF_DAY = r"(?:(?:\s+(?:की|को))?\s+(?:रात|सुबह|शाम|दोपहर))?"


def _when_patterns() -> list[tuple[regex.Pattern[str], float]]:
    """(pattern, specificity) for date expressions, most specific first."""
    month, weekday = month_pattern(), weekday_pattern()
    relative = r"(?:बीते|पिछले|पिछली|अगले|अगली|आगामी|इसी|आने\s+वाले)"
    year = rf"(?:19|20){_DIGITS}{{2}}"
    specs = [
        (
            rf"(?:{weekday},?\s+)?\(?{_DIGITS}{{1,2}}\s+{month}\)?(?:,?\s+{year})?{_PART_OF_DAY}",
            3.0,
        ),
        (rf"{_DIGITS}{{1,2}}[/.-]{_DIGITS}{{1,2}}[/.-](?:{year}|{_DIGITS}{{2}})", 3.0),
        (rf"{month},?\s+{year}", 2.5),
        (rf"{relative}\s+(?:{weekday}|{month}){_PART_OF_DAY}", 2.0),
        (rf"{relative}\s+(?:साल|वर्ष|सप्ताह|हफ्ते|हफ़्ते|महीने)", 1.0),
        (rf"{weekday}{_PART_OF_DAY}", 2.0),
        (month, 2.0),
        (rf"(?:साल|वर्ष|सन्)\s+{year}", 1.5),
    ]
    return [(regex.compile(rf"{_B}(?:{src}){_E}"), score) for src, score in specs]


_WHEN = _when_patterns()
_YEAR_IN = regex.compile(rf"{_B}(?:19|20){_DIGITS}{{2}}(?=\s+(?:में|तक|से){_E})")

_NUMBER = regex.compile(
    rf"(?<![\p{{L}}\p{{M}}\p{{N}}.,:/-])(?P<cur>₹\s?|रु\.\s?|Rs\.?\s?|\$\s?)?"
    rf"(?P<num>{_DIGITS}+(?:[.,]{_DIGITS}+)*)(?![\p{{N}}:/]|[.,]{_DIGITS})"
    r"(?P<pct>\s*(?:%|प्रतिशत|फीसदी|फ़ीसदी))?"
)
_NEXT_WORD = regex.compile(r"\s+([\p{L}\p{M}\p{N}]+(?:-[\p{L}\p{M}\p{N}]+)*)")
_SCALE = word_set(
    """
    हजार हज़ार लाख करोड़ अरब खरब million billion crore lakh thousand
    """
)
_MAX_COUNTED_WORDS = 3
_CLOCK_WORD = regex.compile(r"\s+(?:बजे|बजकर|am|pm|AM|PM)")
# What a count is measured in: the phrase ends after it ("6,200 करोड़ रुपये").
_UNITS = word_set(
    """
    रुपये रुपए रुपया डॉलर यूरो किलोमीटर किमी मीटर सेंटीमीटर किलो किलोग्राम ग्राम टन लीटर
    प्रतिशत फीसदी साल वर्ष महीने दिन घंटे मिनट सेकंड रन विकेट ओवर गेंदों सीटों सीट वोट
    स्टेशन मामले लोग सेल्सियस
    """
)
# Predicate words after a count ("30 हजार दर्शक मौजूद थे"): never part of what is counted.
_PREDICATES = word_set(
    """
    मौजूद घायल गिरफ्तार बरामद तैनात उपलब्ध खर्च प्रभावित जरूरी ज़रूरी संभव बाकी
    ज्यादा ज़्यादा अधिक कम पहले बाद तक
    """
)
_MAX_NUMBER_DIGITS = 9  # longer runs are phone or account numbers

_LATIN_TOKEN = regex.compile(
    r"(?<![\p{L}\p{M}\p{N}])[A-Za-z][A-Za-z0-9]*(?:[-&.'][A-Za-z0-9]+)*(?![\p{L}\p{M}\p{N}])"
)
# Capitalised English words that are things, not actors.
_LATIN_COMMON = word_set(
    """
    spyware malware software hardware app apps online offline video videos news
    internet the a an of in on and or for to by with from at is are was were
    breaking update updates live photo photos image watch read more also click here
    download link email covid ok vs ceo pm cm mp mla
    """
)
_DEVANAGARI_LETTER_NAMES = (
    "ए|बी|सी|डी|ई|एफ|जी|एच|आई|जे|के|एल|एम|एन|ओ|पी|क्यू|आर|एस|टी|यू|वी|डब्ल्यू|एक्स|वाई|जेड|ज़ेड"
)
_DEVANAGARI_ACRONYM = regex.compile(
    rf"{_B}(?:{_DEVANAGARI_LETTER_NAMES})(?:{_DEVANAGARI_LETTER_NAMES})+{_E}"
)
_NOT_ACTORS = word_set(
    """
    सीसीटीवी टीवी एसी ओके पीडीएफ आईडी एसएमएस जीएसटी एके टीके बीवी यूपी एमपी
    पीएम सीएम डीएम एसपी डीजीपी एसएचओ एसडीएम सीईओ एमएलए
    """
)
_ORG_NOUNS = (
    "सरकार|मंत्रालय|आयोग|पुलिस|विभाग|बोर्ड|निगम|विश्वविद्यालय|प्राधिकरण|परिषद|समिति|बैंक"
    "|हाईकोर्ट|हाई\\s+कोर्ट|कोर्ट|न्यायालय|संगठन|सेना|संघ|संस्थान"
)
_ORG = regex.compile(rf"(?<=[\p{{L}}\p{{M}}]\s+)(?:{_ORG_NOUNS}){_E}")
_WORDS_BEFORE = regex.compile(r"(?:[\p{L}\p{M}]+\s+){1,2}$")
# "केंद्रीय स्वास्थ्य मंत्रालय": two words before the noun name most organisations; more
# often run into the previous phrase ("विपक्षी पार्टियां मोदी सरकार").
_MAX_ORG_HEADS = 2
_PLURAL_END = regex.compile(r"(?:ों|यां|ें|ए|े)$")
# Words before an organisation noun that make it generic ("सरकारी एजेंसी", "इस कंपनी").
_GENERIC_HEADS = word_set(
    """
    सरकारी समाचार इस उस एक कई हर अन्य किसी दोनों सभी नई नए पूरी स्थानीय सिर्फ केवल
    भी ही राज्यों उनकी उसकी अपनी पिछले पिछली अगले अगली दिनों
    """
)
_KNOWN_ORGS = regex.compile(
    rf"{_B}(?:भाजपा|बीजेपी|कांग्रेस|सपा|बसपा|राजद|जदयू|तृणमूल\s+कांग्रेस|शिवसेना|इसरो|नासा"
    rf"|भारतीय\s+जनता\s+पार्टी|आम\s+आदमी\s+पार्टी|समाजवादी\s+पार्टी|बहुजन\s+समाज\s+पार्टी"
    rf"|रिजर्व\s+बैंक|सुप्रीम\s+कोर्ट|संयुक्त\s+राष्ट्र|चुनाव\s+आयोग){_E}"
)

_QUOTE = regex.compile(r"“(?P<q>[^“”\n]{1,3000})”|\"(?P<s>[^\"\n]{1,3000})\"")
_MIN_QUOTE_WORDS = 4
_SPEECH_VERBS = r"(?:कहा|कहना|बताया|लिखा|ट्वीट|पोस्ट|बयान|जानकारी|दावा|आरोप)"
# "X ने ... कहा कि Y": the speaker is X, the reported words are Y.
_SAID_THAT = regex.compile(
    rf"^(?P<pre>.{{0,160}}?)\s+ने\s+(?P<mid>.{{0,80}}?){_B}{_SPEECH_VERBS}\S*"
    rf"(?:\s+(?:है|था|गया|गई))?\s+(?:कि\s+)(?P<said>.+)$"
)
# "X के मुताबिक/अनुसार, Y" and "X के हवाले से ... कि Y".
_ACCORDING_TO = regex.compile(
    r"^(?P<pre>.{1,80}?)\s+(?:के|की)\s+(?:मुताबिक|मुताबिक़|अनुसार|हवाले\s+से)\s*,?\s+(?P<said>.+)$"
)
_SPEAKER_BEFORE_NE = regex.compile(r"(?P<name>\S+(?:\s+\S+){0,3})\s+ने(?:\s|$)")
# Words that end a speaker name read backwards from "ने" ("की रात WhatsApp ने").
_TIME_WORDS = word_set(
    """
    रात सुबह शाम दोपहर दिन दिनों आज कल बाद पहले दौरान वहीं वहां यहां साथ भी ही पिछले
    पिछली अगले हफ्ते साल महीने
    """
)
_WEEKDAY_OR_MONTH = regex.compile(f"{weekday_pattern()}|{month_pattern()}")
_GENERIC_SPEAKERS = word_set(
    """
    कंपनी सरकार पुलिस अधिकारी अधिकारियों लोगों लोग सूत्रों सूत्र रिपोर्ट रिपोर्टों
    जानकारी प्रस्ताव स्थिति आंकड़ों आंकड़े नियम नियमों योजना खबर खबरों सूचना दावे अनुमान
    विशेषज्ञों मीडिया बयान शिकायत आदेश
    """
)
# Spellings of one organisation that should count as one name.
_ALIASES = {fold_nukta("बीजेपी"): "भाजपा", fold_nukta("इस्राइल"): "इजरायल"}

_PLACE_BEFORE = regex.compile(
    rf"{_B}(?P<p>[\p{{L}}\p{{M}}]+(?:[ -][\p{{L}}\p{{M}}]+)?)\s+(?:में|से|के\s+पास|पहुंचे|पहुंची){_E}"
)
_EDGE_PUNCT = " ,;:-–—।॥.()[]\"'“”‘’"


@dataclass(frozen=True, slots=True)
class _Candidate:
    kind: str
    text: str
    score: float
    pos: int


def _clip(text: str) -> str:
    return text.strip(_EDGE_PUNCT)


def _key(text: str) -> str:
    return fold_nukta(" ".join(text.split())).casefold()


def _occurrences(text: str, phrase: str) -> int:
    if not phrase:
        return 0
    return len(regex.findall(rf"{_B}{regex.escape(phrase)}{_E}", text))


# --- when ---------------------------------------------------------------------------------


def _when(text: str, title: str) -> tuple[list[_Candidate], list[tuple[int, int]]]:
    """Date candidates and the spans they cover (numbers inside them are not counts)."""
    spans: list[tuple[int, int, float]] = []
    for pattern, specificity in _WHEN:
        for m in pattern.finditer(text):
            spans.append((m.start(), m.end(), specificity))
    for m in _YEAR_IN.finditer(text):
        spans.append((m.start(), m.end(), 1.0))
    # Keep the longest span at each place: "शुक्रवार, 1 नवंबर" wins over "नवंबर".
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    kept: list[tuple[int, int, float]] = []
    for start, end, spec in spans:
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, spec))
    texts: dict[str, _Candidate] = {}
    counts: Counter[str] = Counter()
    for start, end, spec in kept:
        phrase = _clip(text[start:end])
        key = _key(phrase)
        counts[key] += 1
        if key not in texts:
            bonus = 1.0 if title and key in _key(title) else 0.0
            texts[key] = _Candidate("when", phrase, spec + bonus, start)
    out = [
        _Candidate(c.kind, c.text, c.score + min(counts[k] - 1, 3), c.pos) for k, c in texts.items()
    ]
    return out, [(s, e) for s, e, _ in kept]


# --- number -------------------------------------------------------------------------------


def _counted_words(text: str, pos: int) -> tuple[str, int]:
    """Words after a number that say what it counts ("भारतीय नागरिकों"), and their end.

    Scale words (लाख, करोड़) are always taken; then up to three words, stopping at a
    function word or predicate ("मौजूद", "घायल") and right after a unit or a plural noun.
    """
    words: list[str] = []
    content = 0
    end = pos
    while content < _MAX_COUNTED_WORDS:
        m = _NEXT_WORD.match(text, end)
        if not m:
            break
        word = m.group(1)
        key = fold_nukta(word)
        if key in _SCALE:
            words.append(word)
            end = m.end()
            continue
        if is_stopword(word) or key in _PREDICATES:
            break
        words.append(word)
        end = m.end()
        content += 1
        if key in _UNITS or word.endswith("ों"):
            break
    return " ".join(words), end


def _numbers(text: str, date_spans: list[tuple[int, int]]) -> list[_Candidate]:
    out: list[_Candidate] = []
    span_iter = iter(sorted(date_spans))
    current = next(span_iter, None)
    for m in _NUMBER.finditer(text):
        while current and current[1] <= m.start():
            current = next(span_iter, None)
        if current and current[0] <= m.start() < current[1]:
            continue
        digits = regex.sub(r"\D", "", m.group("num"))
        if len(digits) > _MAX_NUMBER_DIGITS:
            continue
        if _CLOCK_WORD.match(text, m.end()):
            continue  # "4 बजे" is a time of day, not a count
        if m.group("pct"):
            words, end = "", m.end()
        else:
            words, end = _counted_words(text, m.end())
        if not words and not m.group("pct"):
            continue
        if not words and not m.group("cur") and len(digits) == 4:
            continue  # a bare year
        phrase = _clip(text[m.start() : end])
        score = 2.0
        last = words.split()[-1] if words else ""
        if m.group("pct") or m.group("cur") or any(fold_nukta(w) in _SCALE for w in words.split()):
            score += 1.0
        if last.endswith("ों"):
            score += 1.0  # an oblique plural noun: "नागरिकों", "लोगों" — a count of people/things
        out.append(_Candidate("number", phrase, score, m.start()))
    return out


# --- who ----------------------------------------------------------------------------------


def _latin_names(text: str, title: str) -> list[tuple[str, float, int]]:
    """Latin-script names with scores: acronyms and CamelCase brands count extra."""
    names: list[tuple[str, int]] = []
    run: list[regex.Match[str]] = []

    def flush() -> None:
        if run:
            names.append((text[run[0].start() : run[-1].end()], run[0].start()))
            run.clear()

    for m in _LATIN_TOKEN.finditer(text):
        token = m.group(0)
        if len(token) < 2 or token.casefold() in _LATIN_COMMON or not token[0].isupper():
            flush()
            continue
        if run and (text[run[-1].end() : m.start()] != " " or token.isupper()):
            flush()
        run.append(m)
        if token.isupper():
            flush()  # acronyms stand alone: "NSO Pegasus" are two names
    flush()
    single = Counter(n for n, _ in names if " " not in n)
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for name, pos in names:
        parts = name.split()
        # "Spyware Pegasus" counts for "Pegasus" when Pegasus also appears alone.
        known = [p for p in parts if single[p]]
        for target in known if len(parts) > 1 and known else [name]:
            counts[target] += 1
            first.setdefault(target, pos)
    title_key = _key(title)
    scored = []
    for name, n in counts.items():
        score = float(n)
        if name.isupper() or any(c.isupper() for c in name[1:].replace(" ", "")):
            score += 1.5
        if title_key and _key(name) in title_key:
            score += 1.0
        scored.append((name, score, first[name]))
    return scored


def _devanagari_actors(text: str, title: str) -> list[tuple[str, float, int]]:
    found: list[tuple[str, int]] = []
    for m in _DEVANAGARI_ACRONYM.finditer(text):
        if fold_nukta(m.group(0)) not in _NOT_ACTORS:
            found.append((m.group(0), m.start()))
    for m in _ORG.finditer(text):
        before = _WORDS_BEFORE.search(text[max(0, m.start() - 80) : m.start()])
        heads: list[str] = []
        for word in reversed(before.group(0).split() if before else []):
            if is_stopword(word) or fold_nukta(word) in _GENERIC_HEADS:
                break
            if _PLURAL_END.search(word) and not heads:
                break  # "दिखे सितारे पार्टी", "विपक्षी पार्टियां सरकार": not a name
            heads.insert(0, word)
        if heads:
            name = " ".join([*heads[-_MAX_ORG_HEADS:], *m.group(0).split()])
            found.append((name, m.start()))
    for m in _KNOWN_ORGS.finditer(text):
        found.append((" ".join(m.group(0).split()), m.start()))
    counts: Counter[str] = Counter()
    first: dict[str, tuple[str, int]] = {}  # alias key -> (spelling seen first, position)
    for name, pos in sorted(found, key=lambda x: x[1]):
        key = _ALIASES.get(fold_nukta(name), name)
        counts[key] += 1
        first.setdefault(key, (name, pos))
    title_key = _key(title)
    return [
        (
            first[k][0],
            n + (1.0 if title_key and _key(first[k][0]) in title_key else 0.0),
            first[k][1],
        )
        for k, n in counts.items()
    ]


def _group(names: list[tuple[str, float, int]]) -> _Candidate | None:
    if not names:
        return None
    ranked = sorted(names, key=lambda x: (-x[1], x[2]))
    chosen: list[tuple[str, float, int]] = []
    for name, score, pos in ranked:
        words = set(_key(name).split())
        if any(
            words <= set(_key(c[0]).split()) or set(_key(c[0]).split()) <= words for c in chosen
        ):
            continue  # "मौसम विभाग" next to "भारत मौसम विज्ञान विभाग"
        chosen.append((name, score, pos))
        if len(chosen) == MAX_NAMES_PER_GROUP:
            break
    total = sum(s for _, s, _ in chosen)
    return _Candidate("who", ", ".join(n for n, _, _ in chosen), total, chosen[0][2])


# --- quote --------------------------------------------------------------------------------


def _speaker(context: str) -> str:
    """The name before the last "ने" in `context` ("... WhatsApp ने बयान जारी कर बताया-")."""
    last = None
    for m in _SPEAKER_BEFORE_NE.finditer(context[-200:]):
        last = m
    if not last:
        return ""
    words = last.group("name").split()
    kept: list[str] = []
    for word in reversed(words):
        clean = _clip(word)
        if not clean or (clean != word.strip() and kept):
            break  # punctuation between words ends the name
        if is_stopword(clean) or fold_nukta(clean) in _TIME_WORDS:
            break
        if regex.search(r"\p{N}", clean) or _WEEKDAY_OR_MONTH.fullmatch(clean):
            break
        kept.insert(0, clean)
    name = " ".join(kept)
    if not name or fold_nukta(kept[-1]) in _GENERIC_SPEAKERS:
        return ""  # "वर्तमान स्थिति के अनुसार" names no speaker
    return name


def _short_quote(inner: str) -> str:
    sentences = split_sentences(inner.strip())
    text = sentences[0] if sentences else inner.strip()
    if count_words(text) < _MIN_QUOTE_WORDS + 2 and len(sentences) > 1:
        text = f"{text} {sentences[1]}"
    return truncate_words(_clip(text) if text.endswith(("-", ",")) else text, MAX_QUOTE_WORDS)


def _direct_quotes(text: str) -> list[_Candidate]:
    out: list[_Candidate] = []
    for m in _QUOTE.finditer(text):
        inner = m.group("q") if m.group("q") is not None else m.group("s")
        if count_words(inner) < _MIN_QUOTE_WORDS:
            continue  # a quoted term such as “आत्मनिर्भर भारत”
        para_start = text.rfind("\n", 0, m.start())
        context = text[max(0, para_start - 300) : m.start()]
        if para_start >= 0 and text[para_start + 1 : m.start()].strip():
            context = text[para_start + 1 : m.start()]
        speaker = _speaker(context)
        quote = f"“{_short_quote(inner)}”"
        phrase = f"{speaker}: {quote}" if speaker else quote
        out.append(_Candidate("quote", phrase, 3.0 if speaker else 2.0, m.start()))
    return out


def _reported(sentences: Iterable[tuple[str, int]], exclude: str) -> list[_Candidate]:
    """Indirect speech: "X ने कहा कि Y" and "X के मुताबिक, Y" as "X: Y"."""
    excluded = _key(exclude)
    out: list[_Candidate] = []
    for sentence, pos in sentences:
        if "“" in sentence or _key(sentence) in excluded:
            continue
        m = _SAID_THAT.match(sentence)
        speaker = ""
        if m:
            speaker = _speaker(m.group("pre") + " ने")
        else:
            m = _ACCORDING_TO.match(sentence)
            if m:
                speaker = _speaker(m.group("pre") + " ने")
        if not m or not speaker:
            continue
        said = truncate_words(_clip(m.group("said")), MAX_QUOTE_WORDS)
        if excluded and _key(said.rstrip("…")) in excluded:
            continue  # already in the summary
        if count_words(said) >= _MIN_QUOTE_WORDS:
            out.append(_Candidate("quote", f"{speaker}: {said}", 1.5, pos))
    return out


# --- where --------------------------------------------------------------------------------


def _where(sentences: list[tuple[str, int]], text: str) -> list[_Candidate]:
    out: list[_Candidate] = []
    for sentence, pos in sentences[:3]:
        place = dateline_only(sentence) or split_dateline(sentence)[0]
        if place:
            out.append(_Candidate("where", place, 4.0, pos))
            break
    counts: Counter[str] = Counter()
    first: dict[str, tuple[str, int]] = {}
    for m in _PLACE_BEFORE.finditer(text):
        words = m.group("p")
        options = [words]
        if " " in words or "-" in words:
            options.append(regex.split(r"[ -]", words)[-1])
        for option in options:
            if is_place(option):
                key = _key(option)
                counts[key] += 1
                first.setdefault(key, (option, m.start("p")))
                break
    for key, n in counts.items():
        phrase, pos = first[key]
        out.append(_Candidate("where", phrase, 1.5 + min(n - 1, 3), pos))
    return out


# --- selection ----------------------------------------------------------------------------


def _sentences_with_pos(text: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    cursor = 0
    for paragraph in split_paragraph_sentences(text):
        for sentence in paragraph:
            pos = text.find(sentence[:20], cursor)
            pos = cursor if pos < 0 else pos
            out.append((sentence, pos))
            cursor = pos
    return out


def _candidates(body: str, title: str, exclude: str) -> Iterator[_Candidate]:
    text = body[:MAX_FACT_CHARS]
    full = f"{title}\n{text}" if title else text
    when, date_spans = _when(full, title)
    yield from when
    yield from _numbers(full, date_spans)
    for names in (_latin_names(full, title), _devanagari_actors(full, title)):
        group = _group(names)
        if group:
            yield group
    sentences = _sentences_with_pos(text)
    yield from _direct_quotes(text)
    yield from _reported(sentences, exclude)
    yield from _where(sentences, full)


def extract_facts(
    body: str, title: str = "", limit: int = 5, exclude: str = ""
) -> tuple[Fact, ...]:
    """Up to `limit` key facts, the best of each kind first, in the article's own words.

    `exclude` is text already shown to the reader (the summary): reported speech repeated
    from it is not offered again as a quote.
    """
    if limit <= 0 or not (body or title):
        return ()
    by_kind: dict[str, list[_Candidate]] = {kind: [] for kind in KIND_ORDER}
    for candidate in _candidates(body, title, exclude):
        if candidate.text:
            by_kind[candidate.kind].append(candidate)
    for kind in by_kind:
        by_kind[kind].sort(key=lambda c: (-c.score, c.pos))
    facts: list[Fact] = []
    seen: set[str] = set()
    for rank in range(max((len(v) for v in by_kind.values()), default=0)):
        for kind in KIND_ORDER:
            if rank < len(by_kind[kind]) and len(facts) < limit:
                candidate = by_kind[kind][rank]
                key = _key(candidate.text)
                if key in seen:
                    continue
                seen.add(key)
                facts.append(Fact(kind, candidate.text))
    return tuple(facts)
