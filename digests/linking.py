"""Which story a new article continues: content-term signatures and the join decision.

Pure (no I/O, no clock): bot/linking.py fetches candidate stories from storage/linking.py's
index and decides here, with the current time.

Why term signatures and not embeddings: the one offline model that knows "व्हाट्सऐप" is
"WhatsApp" reads ~6 leads/s and, measured on real news (evaluation/linking/real), links
about as well as these terms and adds little to them; TF-IDF on stemmed content words costs
well under a millisecond, and its terms double as the index that keeps candidate lookup
independent of the archive size.
Latin/Devanagari spellings of one name are matched by a consonant skeleton at comparison
time (see `_skeleton`); headline places that differ lower the score (see PLACE_CONFLICT).

Why the idf is the candidates' and not the archive's: a term's weight decides a join, and
counts over the whole archive make the same article link one way on a new install and
another after a year of news. What tells stories apart is what the stories competing for
this article do not share, so idf is counted over its candidate stories only
(`contrast_idf`): a word all the current Covid stories use says nothing about which of
them a new count report continues, the state's name does. The decision then depends on
the article and the stories active in the quiet window, never on older archive.
"""

from __future__ import annotations

import itertools
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

import regex

from digests.model import Digested
from digests.normalize import fold_nukta
from digests.places import VENUES, is_place
from digests.stopwords import STOPWORDS, word_set

# --- tuning -------------------------------------------------------------------------------

# A word in the headline counts as this many body occurrences: the headline names the
# event, the body also carries background that other stories share.
TITLE_WEIGHT = 3.0
# Terms kept per signature (article or story profile): enough for the distinctive words of
# a 250-word article, small enough that a profile is a ~1 kB row and scoring stays cheap.
MAX_TERMS = 60
# A story profile is a running mean in which the story's past counts as at most this many
# articles, so a thread that moves on (announced -> opened) keeps matching its latest turn.
MERGE_MEMORY = 4
# Join threshold on `similarity`, chosen on the real-news set (evaluation/linking/real:
# README there gives the sweep on each half and the held-out figures).
DEFAULT_THRESHOLD = 0.16
# A Latin name and a Devanagari word match by consonant skeleton only when the skeleton is
# at least this long: shorter ones ("gl", "ns") collide with ordinary Hindi words.
MIN_SKELETON = 3
# A skeleton (cross-script) match counts this much of an exact term match.
SKELETON_CREDIT = 0.8

# The new article's heaviest terms, used to find candidates: a same-story profile needs to
# share only one of them. By the article's own weights (headline words first), so which
# stories are found does not depend on the archive either.
LOOKUP_TERMS = 10

# Headline places of two articles that share none: the similarity is multiplied by this.
# "केरल में कोरोना के 5942 नए केस" and "कर्नाटक में कोरोना के 4373 नए केस" share their
# whole template; the place is what makes them different events. Not a veto: a manhunt or a
# flood moves from place to place, and a continuation close enough in words still joins.
PLACE_CONFLICT = 0.25
# Place markers kept per profile (a story that moves from Delhi to Noida keeps both).
MAX_PLACES = 8
# Country-wide names conflict with nothing: national news mentions them everywhere.
_NATIONAL = frozenset(fold_nukta(p) for p in ("भारत", "हिंदुस्तान", "देश", "इंडिया"))
PLACE_PREFIX = "@"

# Content-free words beyond digests.stopwords (which is tuned for fact patterns): reporting
# verbs, weekdays, vague quantities and news boilerplate. idf over a handful of candidate
# stories is nearly flat, so these must go by list, not by statistics.
EXTRA_STOPWORDS = word_set(
    """
    कहा कहे कहीं कहते कहती बताया बताते बताती बताना कहना बोले बोला बोली जानकारी अनुसार
    मुताबिक दौरान बाद पहले साथ वहीं यहां वहां यहाँ वहाँ इसी उसी इसमें उसमें जिसमें जिससे
    सोमवार मंगलवार बुधवार गुरुवार बृहस्पतिवार शुक्रवार शनिवार रविवार आज कल परसों
    सुबह शाम रात दोपहर दिन दिनों साल सालों वर्ष महीने महीना हफ्ते सप्ताह समय बार
    करीब लगभग कई कुल बहुत ज्यादा ज़्यादा अधिक कम सबसे सिर्फ केवल बस भी ही तो वाले
    नया नई नए नये पहला पहली बड़ा बड़ी बड़े बडा बडी बडे अन्य दूसरे दूसरी दूसरा
    गए गई गया गये गयी हुआ हुई हुए होगा होगी होंगे रहा रही रहे रहीं हैं है था थी थे
    करने करना करता करती करते करेंगे करेगा करेगी किया किए किये कर दिया दिए दी दे देने
    लेकर लिया लिए ली लेने मिल मिला मिली मिले सकता सकती सकते सके जाएगा जाएगी जाएंगे
    जानिए पढ़ें देखें खबर खबरें ख़बर समाचार रिपोर्ट न्यूज़ न्यूज वीडियो फोटो तस्वीरें
    लोग लोगों व्यक्ति मामले मामला मामलों बात बातें तरह तौर रूप स्थिति ओर काम
    ऐसे ऐसा ऐसी जैसे जैसा जैसी वैसे कैसे क्या क्यों कब कहां कहाँ कौन किस किसे
    श्री जी डॉ सर करोड़ लाख हजार हज़ार
    the a an of in on at to for and or is are was were be by with from as that this it
    its has have had will said says after over new
    """
)
_STOP = STOPWORDS | EXTRA_STOPWORDS

# Number units that make "14 स्टेशन" a term of its own: a figure with its unit identifies
# an event ("6200 करोड़") far better than either word alone.
_NUMBER = r"\p{Nd}+(?:[.,]\p{Nd}+)*"
_TOKEN = regex.compile(rf"(?P<num>{_NUMBER})|(?P<word>[\p{{L}}\p{{M}}]+(?:[-.][\p{{L}}\p{{M}}]+)*)")
_BIG_UNITS = word_set("करोड़ लाख हजार हज़ार अरब")
_LATIN = regex.compile(r"^[\p{Script=Latin}\p{M}.\-]+$")
_DEVANAGARI = regex.compile(r"\p{Script=Devanagari}")

# Light Hindi stemmer (after Ramanathan & Rao 2003): inflectional endings, longest first.
# Good enough for matching, and no 19 MB lemma dictionary in the product.
_SUFFIX_TEXT = """
    ाएंगी ाएंगे ाऊंगी ाऊंगा ाइयाँ ाइयों ाइयां ाएगी ाएगा ाओगी ाओगे एंगी एंगे ऊंगी ऊंगा
    ातीं ाते ाती ाता ाना ाने ाई ाए ाओ ाकर ियों ियां ियाँ ाओं ाएं ाएँ ुओं ुएं ुआं
    ेगी ेगा ेंगे ेंगी ोगी ोगे ीं ों ें ाँ ां ता ते ती ना ने कर
    ो े ू ु ी ि ा
"""
_SUFFIXES = sorted(_SUFFIX_TEXT.split(), key=len, reverse=True)
# Stems of light verbs that survive the word list in inflected forms (रहेगा, बनेगी).
_STOP_STEMS = word_set("रह बन हो कर जा दे ले आ पा सक चुक लग मिल बता कह जी")
_MIN_STEM = 2


@dataclass(frozen=True)
class Signature:
    """Weighted content terms of an article or a story, L2-normalised.

    Weights carry term frequency and headline emphasis but not idf: idf depends on which
    stories compete for an article, so it is applied at comparison time (`similarity`).
    Terms are stems ("मेट्र"), lower-cased Latin words ("whatsapp") and number_unit pairs
    ("6200_करोड"); keys starting with PLACE_PREFIX ("@केरल") are headline places with
    weight 0, which never enter a cosine and only drive the place-conflict rule.
    """

    terms: dict[str, float]
    # Cross-script lookup tables, built on first use (not part of equality or the JSON).
    _latin: dict[str, str] | None = field(default=None, compare=False, repr=False)
    _native: dict[str, list[str]] | None = field(default=None, compare=False, repr=False)


@dataclass
class LinkConfig:
    """When a new article joins a story.

    `quiet_after_days`: a story with no article for this long is closed; a later article on
    the same people is a new event, not a continuation. `max_candidates`: stories scored per
    new article (the index ranks them), which bounds the per-article cost.
    """

    threshold: float = DEFAULT_THRESHOLD
    quiet_after_days: float = 7.0
    max_candidates: int = 20


@dataclass(frozen=True)
class Candidate:
    story_id: int
    signature: Signature
    last_update: datetime


@dataclass(frozen=True)
class Decision:
    """`story_id` None means: start a new story. `score` is the best similarity seen."""

    story_id: int | None
    score: float


# --- terms --------------------------------------------------------------------------------


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """Nukta-folded, lower-cased word without its Hindi inflection (Latin words unstemmed)."""
    word = fold_nukta(word).casefold()
    if not _DEVANAGARI.search(word):
        return word
    word = word.replace("ँ", "ं")  # candrabindu and anusvara are spelled interchangeably
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


def _is_content(word: str) -> bool:
    folded = fold_nukta(word).casefold()
    if folded in _STOP or len(folded) < 2:
        return False
    # A lone Devanagari letter plus a sign ("के", "ने") is always a function word.
    return not (_DEVANAGARI.search(folded) and len(folded) == 2 and folded[1] in "ेैोौीूाि")


def terms_of(text: str) -> list[str]:
    """Content terms of a text in order: stems, Latin words, and "number_unit" pairs."""
    out: list[str] = []
    pending: str | None = None  # a number waiting for its unit
    for m in _TOKEN.finditer(text):
        num = m.group("num")
        if num is not None:
            digits = regex.sub(r"[,]", "", num)
            pending = str(int(digits)) if digits.isdigit() else digits
            continue
        word = m.group("word")
        if pending is not None:
            unit = stem(word)
            if unit and (_is_content(word) or fold_nukta(word) in _BIG_UNITS):
                out.append(f"{pending}_{unit}")
            pending = None
        if _is_content(word):
            term = stem(word)
            if term not in _STOP_STEMS:
                out.append(term)
    return out


def _normalised(weights: Mapping[str, float], limit: int = MAX_TERMS) -> dict[str, float]:
    """The `limit` heaviest terms, L2-normalised, heaviest first (ties: alphabetical),
    followed by up to MAX_PLACES place markers (weight 0: they never enter a cosine)."""
    places = sorted(t for t in weights if t.startswith(PLACE_PREFIX))[:MAX_PLACES]
    content = [(t, w) for t, w in weights.items() if not t.startswith(PLACE_PREFIX) and w > 0]
    top = sorted(content, key=lambda kv: (-kv[1], kv[0]))[:limit]
    norm = math.sqrt(sum(w * w for _, w in top))
    out = {t: w / norm for t, w in top} if norm else {}
    out.update(dict.fromkeys(places, 0.0))
    return out


def title_places(title: str) -> set[str]:
    """Places named in a headline (one- and two-word names), nukta-folded.

    Venues (संसद, विधानसभा) are left out: many unrelated events happen in one, so they
    neither tell two events apart nor tie them together.
    """
    words = [fold_nukta(w) for w in regex.findall(r"[\p{L}\p{M}]+", title)]
    found = {w for w in words if is_place(w)}
    found |= {f"{a} {b}" for a, b in itertools.pairwise(words) if is_place(f"{a} {b}")}
    # "नई दिल्ली" and "दिल्ली" are one place: keep the last word when it is a place itself.
    return {p.split()[-1] if p.split()[-1] in found else p for p in found} - _NATIONAL - VENUES


def places_of(sig: Signature) -> set[str]:
    """The headline places recorded in a signature (its zero-weight "@" markers)."""
    return {t[len(PLACE_PREFIX) :] for t in sig.terms if t.startswith(PLACE_PREFIX)}


def signature(article: Digested) -> Signature:
    """Signature of one article: sublinear tf over title (weighted) and body.

    The last few results are cached: posting computes it in find_story and again in
    index_article for the same article. Callers must not mutate the returned terms.
    """
    try:
        return _cached_signature(article)
    except TypeError:  # a Digested built with an unhashable field (facts as a list)
        return _signature(article)


@lru_cache(maxsize=32)
def _cached_signature(article: Digested) -> Signature:
    return _signature(article)


def _signature(article: Digested) -> Signature:
    counts: defaultdict[str, float] = defaultdict(float)
    for term in terms_of(article.title):
        counts[term] += TITLE_WEIGHT
    for term in terms_of(article.body):
        counts[term] += 1.0
    weights = {t: 1.0 + math.log(c) for t, c in counts.items()}
    weights.update(dict.fromkeys((PLACE_PREFIX + p for p in title_places(article.title)), 0.0))
    return Signature(_normalised(weights))


def merge(story: Signature, article: Signature, story_size: int) -> Signature:
    """The story's profile after `article` joins it (the story had `story_size` articles).

    A running mean whose memory is capped at MERGE_MEMORY articles, then re-capped to
    MAX_TERMS terms: old background fades so the profile follows the thread's latest turn.
    """
    if story_size <= 0 or not story.terms:
        return Signature(dict(article.terms))
    past = min(story_size, MERGE_MEMORY)
    total: dict[str, float] = {t: w * past for t, w in story.terms.items()}
    for t, w in article.terms.items():
        total[t] = total.get(t, 0.0) + w
    return Signature(_normalised(total))


def fold(sigs: Iterable[Signature]) -> tuple[Signature | None, int]:
    """A story profile built from its articles' signatures in posting order, and its size."""
    profile: Signature | None = None
    size = 0
    for sig in sigs:
        profile = sig if profile is None else merge(profile, sig, size)
        size += 1
    return profile, size


def lookup_terms(sig: Signature) -> list[tuple[str, float]]:
    """The terms a candidate story is looked up by, with how much each counts: the
    LOOKUP_TERMS heaviest content terms (place markers weigh 0 and never lead)."""
    usable = [(t, w) for t, w in sig.terms.items() if w > 0]
    return sorted(usable, key=lambda tw: (-tw[1], tw[0]))[:LOOKUP_TERMS]


# --- cross-script names -------------------------------------------------------------------

_DEV_CONSONANTS = {
    "क": "k", "ख": "k", "ग": "g", "घ": "g", "ङ": "n", "च": "c", "छ": "c", "ज": "j",
    "झ": "j", "ञ": "n", "ट": "t", "ठ": "t", "ड": "d", "ढ": "d", "ण": "n", "त": "t",
    "थ": "t", "द": "d", "ध": "d", "न": "n", "प": "p", "फ": "f", "ब": "b", "भ": "b",
    "म": "m", "य": "", "र": "r", "ल": "l", "व": "v", "श": "s", "ष": "s", "स": "s",
    "ह": "", "ळ": "l", "ं": "n", "ँ": "n",
}  # fmt: skip
_LATIN_DIGRAPHS = (
    ("sch", "s"), ("tch", "c"), ("ph", "f"), ("th", "t"), ("sh", "s"), ("ch", "c"),
    ("kh", "k"), ("gh", "g"), ("bh", "b"), ("dh", "d"), ("ck", "k"), ("wh", "v"),
    ("qu", "kv"), ("ce", "se"), ("ci", "si"), ("cy", "sy"),
)  # fmt: skip
_LATIN_LETTERS = str.maketrans(
    {"w": "v", "q": "k", "x": "ks", "z": "j", "c": "k", "y": "", "h": ""} | {v: "" for v in "aeiou"}
)


def _squeeze(text: str) -> str:
    out: list[str] = []
    for ch in text:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=50_000)
def _skeleton(term: str) -> str:
    """Rough consonant skeleton shared by a name's Latin and Devanagari spellings.

    "whatsapp" and "व्हाट्सऐप" both give "vtsp", "pegasus" and "पेगास" give "pgs": vowels, h
    and y are dropped, aspirates fold to plain stops, doubled letters collapse. Only used to
    pair a Latin term with a Devanagari one, never within one script.
    """
    if _DEVANAGARI.search(term):
        return _squeeze("".join(_DEV_CONSONANTS.get(ch, "") for ch in fold_nukta(term)))
    word = term.casefold()
    for a, b in _LATIN_DIGRAPHS:
        word = word.replace(a, b)
    return _squeeze(word.translate(_LATIN_LETTERS))


def _latin_keys(sig: Signature) -> dict[str, str]:
    """skeleton -> Latin term, for this signature's Latin name terms (cached)."""
    if sig._latin is None:
        table: dict[str, str] = {}
        for t in sig.terms:
            if _LATIN.match(t) and len(t) >= 3:
                key = _skeleton(t)
                if len(key) >= MIN_SKELETON:
                    table.setdefault(key, t)
        object.__setattr__(sig, "_latin", table)
    assert sig._latin is not None
    return sig._latin


def _native_keys(sig: Signature) -> dict[str, list[str]]:
    """skeleton -> Devanagari terms, for this signature (cached)."""
    if sig._native is None:
        table: dict[str, list[str]] = {}
        for t in sig.terms:
            if "_" not in t and _DEVANAGARI.search(t):
                key = _skeleton(t)
                if len(key) >= MIN_SKELETON:
                    table.setdefault(key, []).append(t)
        object.__setattr__(sig, "_native", table)
    assert sig._native is not None
    return sig._native


def _cross_script(a: Signature, b: Signature) -> list[tuple[str, str]]:
    """(Latin term of one side, Devanagari term of the other) pairs with one skeleton."""
    pairs: list[tuple[str, str]] = []
    for x, y in ((a, b), (b, a)):
        latin = _latin_keys(x)
        if not latin:
            continue
        native = _native_keys(y)
        for key, term in latin.items():
            if term in y.terms:
                continue
            for other in native.get(key, ()):
                if other not in x.terms:
                    pairs.append((term, other) if x is a else (other, term))
                    break
    return pairs


# --- scoring ------------------------------------------------------------------------------


def contrast_idf(new: Signature, others: Sequence[Signature]) -> dict[str, float]:
    """idf of every term of `new` and `others`, counted over `others` (the candidate stories)
    only: log((N+1)/(df+1)) + 1. A term all candidates share weighs 1.0, a term of one
    candidate the most; a term of no candidate weighs as one of one candidate (it is rare
    here, but not evidence for any story), so one candidate alone is compared by plain tf."""
    df: Counter[str] = Counter()
    for sig in others:
        df.update(sig.terms.keys())
    n_docs = len(others)
    terms = set(new.terms).union(*(sig.terms for sig in others))
    return {t: math.log((n_docs + 1) / (max(df[t], 1) + 1)) + 1.0 for t in terms}


def _idf_norm(sig: Signature, idf: Mapping[str, float]) -> float:
    return math.sqrt(sum((w * idf.get(t, 1.0)) ** 2 for t, w in sig.terms.items()))


def similarity(a: Signature, b: Signature, idf: Mapping[str, float]) -> float:
    """Cosine of the idf-weighted term vectors, plus cross-script name matches.

    A term missing from `idf` counts with idf 1.0.
    """
    if not a.terms or not b.terms:
        return 0.0
    small, large = (a, b) if len(a.terms) <= len(b.terms) else (b, a)
    dot = 0.0
    for t, w in small.terms.items():
        other = large.terms.get(t)
        if other is not None:
            dot += w * other * idf.get(t, 1.0) ** 2
    for ta, tb in _cross_script(a, b):
        cross = idf.get(ta, 1.0) * idf.get(tb, 1.0)
        dot += SKELETON_CREDIT * a.terms[ta] * b.terms[tb] * cross
    norm = _idf_norm(a, idf) * _idf_norm(b, idf)
    score = 0.0 if norm == 0 else min(1.0, dot / norm)
    pa, pb = places_of(a), places_of(b)
    if pa and pb and not pa & pb:
        score *= PLACE_CONFLICT
    return score


def choose(
    new: Signature, candidates: Sequence[Candidate], now: datetime, config: LinkConfig
) -> Decision:
    """The story `new` continues, or None for a new story.

    Stories quiet for longer than `config.quiet_after_days` are skipped; the rest are
    scored with their `contrast_idf`, and the most similar wins (ties: the most recently
    updated) if it reaches the threshold.
    """
    window = timedelta(days=config.quiet_after_days)
    live = [c for c in candidates if now - c.last_update <= window]
    if not live:
        return Decision(None, 0.0)
    idf = contrast_idf(new, [c.signature for c in live])
    score, _, best = max(
        ((similarity(new, c.signature, idf), c.last_update, c) for c in live),
        key=lambda scored: scored[:2],
    )
    return Decision(best.story_id if score >= config.threshold else None, score)


# --- storage form -------------------------------------------------------------------------


def serialize(sig: Signature) -> str:
    """Compact JSON object term -> weight (5 decimals), heaviest first."""
    return json.dumps(
        {t: round(w, 5) for t, w in sig.terms.items()}, ensure_ascii=False, separators=(",", ":")
    )


def deserialize(text: str) -> Signature:
    data = json.loads(text) if text else {}
    return Signature({str(t): float(w) for t, w in data.items()})
