"""Recognise the non-article lines that come along when a news page is copied and pasted.

Each rule is deliberately narrow: a line is dropped only when it is short or wholly made of
a known widget, plug or caption, because dropping a real sentence is worse than keeping a
stray label (the summariser skips short lines anyway).
"""

from __future__ import annotations

from functools import cache

import regex

from digests.normalize import fold_nukta
from digests.normalize import single_spaced as _single_spaced
from digests.wordchars import WORD_RE

# Lines longer than this are never clutter by prefix rules: real paragraphs are long.
_MAX_PREFIX_WORDS = 25
# A line this long has more than _MAX_PREFIX_WORDS words (or is one runaway token), so only
# the promo-paragraph rule can apply; skipping the other checks keeps cleaning cheap.
_MAX_LABEL_CHARS = 600

# Whole-line labels (compared case-folded, nukta-folded, spaces collapsed, trailing
# punctuation removed).
_EXACT = frozenset(
    fold_nukta(s).casefold()
    for s in (
        "advertisement",
        "advertisementremove ad",
        "advertisement remove ad",
        "remove ad",
        "ad",
        "ads",
        "sponsored",
        "विज्ञापन",
        "published",
        "updated",
        "story-hero-img",
        "hero-img",
        "image",
        "photo",
        "video",
        "i",
        "छोटा",
        "मध्यम",
        "बड़ा",
        "a-",
        "a+",
        "a",
        "text size",
        "font size",
        "×",
        "x",
        "close",
        "मेंबर बनें",
        "सब्सक्राइब करें",
        "subscribe",
        "share",
        "शेयर",
        "शेयर करें",
        "tweet",
        "follow us",
        "also read",
        "read also",
        "read more",
        "और पढ़ें",
        "ये भी पढ़ें",
        "यह भी पढ़ें",
        "इसे भी पढ़ें",
        "ये भी देखें",
        "यह भी देखें",
        "लोड हो रहा है",
        "loading",
        "comments",
        "टिप्पणियां",
        "tags",
        "टैग",
        "trending",
        "ट्रेंडिंग",
        "listen to this article",
        "इस खबर को सुनें",
        "सत्ता से सच बोलने के लिए आप जैसे सहयोगियों की जरूरत होती है",
        # section labels of Hindi news pages ("सार" heads the standfirst, "विस्तार" the body)
        "सार",
        "विस्तार",
        "ऐप में पढ़ें",
        "ऐप पर पढ़ें",
        "featured video of the day",
        "copy link",
        "कॉपी लिंक",
        "लिंक कॉपी करें",
        # share buttons, one per line
        "facebook",
        "twitter",
        "whatsapp",
        "telegram",
        "linkedin",
        "email",
        "e-mail",
        "reddit",
        "koo",
        "फेसबुक",
        "ट्विटर",
        "व्हाट्सएप",
        "ईमेल",
    )
)
# A label that heads a list of one-word tag lines ("Tags" / "यमुना" / "बाढ़").
_TAG_LABELS = frozenset(fold_nukta(s).casefold() for s in ("tags", "टैग", "टैग्स", "topics"))
MAX_TAG_WORDS = 3
_MAX_TAG_LABEL_CHARS = 12

# Line starts that point away from the article ("ये भी पढ़ें: ...", "फोटो: PTI"), when
# followed by ":", "-", "|" or the end of the line. Matched on nukta-folded text.
_POINTER_PREFIX = regex.compile(
    r"""^[\s(\[|•*#-]*(?:
        ये\ भी\ पढें|यह\ भी\ पढें|इसे\ भी\ पढें|ये\ भी\ देखें|यह\ भी\ देखें|और\ पढें
        |also\ read|read\ also|read\ more|must\ read|recommended
        |हमें\ फॉलो\ करें|फॉलो\ करें
        |शेयर\ करें|share\ (?:this|on|via)|share
        |फोटो(?:\ साभार)?|तस्वीर(?:\ साभार)?|चित्र|फाइल\ फोटो|प्रतीकात्मक\ (?:फोटो|तस्वीर|चित्र)
        |photo(?:\ credit)?|image(?:\ source|\ credit)?|picture|file\ photo|representational\ image
        |source|सोर्स|साभार|ग्राफिक्स|graphics|इनपुट|input|tags|टैग्स|टैग
    )\s*(?:[:|–—-]|$)
    |^\s*(?:follow\ us|also\ read|read\ more|share\ on|subscribe\ to|with\ inputs\ from)\b""",
    flags=regex.IGNORECASE | regex.VERBOSE,
)
# Byline and timestamp labels ("Updated: 01 Nov 2019", "लेखक: ..."): only on very short
# lines without a danda, because a live-blog line "अपडेट: सरकार ने ..." is real text.
_MAX_BYLINE_WORDS = 12
_BYLINE_PREFIX = regex.compile(
    r"""^[\s(\[|•*#-]*(?:
        updated(?:\ on|\ at)?|last\ updated|published(?:\ on|\ at|\ by)?|posted(?:\ on|\ by)?
        |अपडेटेड|अपडेट|प्रकाशित|प्रकाशन\ तिथि|edited\ by|written\ by|reported\ by|curated\ by
        |authored\ by|by|लेखक|रिपोर्ट|संवाददाता|एडिटेड\ बाय|द्वारा|स्रोत
        |publish(?:ed)?\ date|read\ time|reading\ time|पढने\ का\ समय
    )\s*(?:[:|–—-]|$)
    |^(?:न्यूज\ डेस्क|डिजिटल\ डेस्क|वेब\ डेस्क|news\ desk|digital\ desk)\b""",
    flags=regex.IGNORECASE | regex.VERBOSE,
)
# "By Rahul Sharma", "Edited By Priya Verma": Latin bylines without a colon.
_BYLINE = regex.compile(
    r"^(?:(?:edited|written|reported|posted|published|curated|authored)\s+)?by\s+\p{Lu}"
    r"[\p{L}.\s,&]{0,60}$",
    flags=regex.IGNORECASE,
)
# "2 घंटे पहले", "5 minutes ago": the relative timestamp some sites print under a headline.
_RELATIVE_TIME = regex.compile(
    r"^\d{1,3}\s*(?:सेकंड|मिनट|घंटे|घंटा|दिन|seconds?|minutes?|mins?|hours?|hrs?|days?)"
    r"\s*(?:पहले|ago)$",
    flags=regex.IGNORECASE,
)
# Parenthesised captions: "(फोटो साभार: ट्विटर)", "(Photo: PTI)", "(प्रतीकात्मक तस्वीर)".
_CAPTION = regex.compile(
    r"^[(\[]\s*(?:फोटो|तस्वीर|चित्र|फाइल|प्रतीकात्मक|photo|image|picture|file|representational)"
    r"[^)\]]*[)\]]$",
    flags=regex.IGNORECASE,
)
# Membership and subscription plugs, anywhere in a short or parenthesised line.
_PLUG = regex.compile(
    r"मेंबर\ बनें|मेंबर\ बनिए|सदस्य\ बनें|सब्सक्राइब\ करें|subscribe\ to|become\ a\ member"
    r"|डाउनलोड\ करें\ ऐप|ऐप\ डाउनलोड|app\ download|download\ (?:the\ )?app|app\ डाउनलोड"
    r"|रजिस्टर्ड\ पाठकों|प्रीमियम\ लेख"
    # syndication disclaimers: "(इस खबर को ... टीम ने संपादित नहीं किया है, ... सिंडीकेट फीड से ...)"
    r"|संपादित\ नहीं\ किया|सिंडीकेट\ फीड|सिंडिकेट\ फीड|syndicated\ feed",
    flags=regex.IGNORECASE | regex.VERBOSE,
)
# A line of only social network names ("Facebook Twitter WhatsApp Email").
_SOCIAL = regex.compile(
    r"^(?:(?:facebook|twitter|x|whatsapp|telegram|linkedin|email|e-mail|koo|instagram"
    r"|youtube|copy\ link|link|pinterest|reddit|फेसबुक|ट्विटर|व्हाट्सएप|ईमेल)[\s,|•/]*){2,}$",
    flags=regex.IGNORECASE | regex.VERBOSE,
)
# Timestamps such as "Updated: 01 Nov 2019, 10:32 AM IST" or "10:32 AM IST".
_TIMESTAMP = regex.compile(r"\b\d{1,2}:\d{2}\s*(?:am|pm)?\s*(?:ist|gmt|utc)\b", regex.IGNORECASE)
_LETTER_OR_DIGIT = regex.compile(r"[\p{L}\p{N}]")
_TRAILING_PUNCT = " \t:|.-–—>»"


def strip_inline_clutter(line: str) -> str:
    """Remove ad tokens glued into a line ("ADVERTISEMENTREMOVE ADसमाचार ...").

    Only the upper-case token is removed, so the word "advertisement" inside a sentence
    stays.
    """
    if "ADVERTISEMENT" not in line:
        return line
    return _ad_token().sub(" ", line).strip()


@cache
def _ad_token() -> regex.Pattern[str]:
    """The glued ad token, compiled on first use: few pastes have one (none of dev's)."""
    return regex.compile(r"ADVERTISEMENT(?:\s*REMOVE\s*AD)?")


# Words are counted in a prefix of a line first: this many characters hold more than
# _MAX_PREFIX_WORDS words of any real line.
_WORD_COUNT_PREFIX_CHARS = 300


def _runs(text: str) -> int:
    """How many runs of word characters `text` has ("CERT-IN" is two, unlike count_words).

    Read from WORD_RE's words, which join runs by "-" or ".": each "-" or "." inside a word
    joins two runs. (No pattern of its own: every word-character class is slow to compile
    at start-up.)
    """
    words = WORD_RE.findall(text)
    joined = "".join(words)
    return len(words) + joined.count("-") + joined.count(".")


def _words_up_to(text: str, most: int) -> int:
    """min(number of word-character runs in `text`, most + 1): "at most `most`" is asked.

    A prefix never has more runs than the whole text (a run cut at the end of the prefix
    still counts once), so a prefix with more than `most` of them decides.
    """
    prefix = text[:_WORD_COUNT_PREFIX_CHARS]
    runs = _runs(prefix)
    if runs <= most and len(prefix) < len(text):
        runs = _runs(text)
    return min(runs, most + 1)


def _at_most_words(text: str, most: int) -> bool:
    """Whether `text` has at most `most` runs of word characters."""
    return _words_up_to(text, most) <= most


def is_clutter_line(line: str) -> bool:
    """Tell whether one (already normalised) line is page furniture, not article text."""
    text = line.strip()
    if not text:
        return True
    if len(text) > _MAX_LABEL_CHARS:
        return _is_promo_paragraph(text)
    if not _LETTER_OR_DIGIT.search(text):
        return True  # "×", "***", "—", emoji-only lines
    folded = fold_nukta(text).casefold()
    key = _single_spaced(folded).rstrip(_TRAILING_PUNCT)
    if key in _EXACT:
        return True
    # Every rule below holds only for a line of at most 12 or 25 words. Words are counted
    # only once a rule's pattern matches: most lines match none, and counting (a regex match
    # per word) costs more than all the patterns together.
    if (
        "।" not in text
        and (
            _BYLINE_PREFIX.match(folded)
            or _BYLINE.match(text)
            or (":" in text and _TIMESTAMP.search(text))
            or _RELATIVE_TIME.match(key)
        )
        and _at_most_words(text, _MAX_BYLINE_WORDS)
    ):
        return True
    if (
        _POINTER_PREFIX.match(folded)
        or _CAPTION.match(text)
        or _SOCIAL.match(key)
        # a plug is a call to action, never a sentence ending in a danda
        or ("।" not in text and _PLUG.search(folded))
    ) and _at_most_words(text, _MAX_PREFIX_WORDS):
        return True
    return _is_promo_paragraph(text)


def is_tag_label(line: str) -> bool:
    """Whether a line is the "Tags" label that heads a list of one-word tag lines."""
    if len(line) > _MAX_TAG_LABEL_CHARS:
        return False
    return " ".join(fold_nukta(line).casefold().split()).rstrip(_TRAILING_PUNCT) in _TAG_LABELS


def _is_promo_paragraph(text: str) -> bool:
    """A wholly parenthesised promo paragraph: "(क्विंट हिन्दी, ... मेंबर बनें ...)"."""
    return text.startswith("(") and text.endswith(")") and bool(_PLUG.search(fold_nukta(text)))


# A sentence that points to another story ("पढ़ें- अयोध्या में बन रहे ...", "ये भी पढ़ें:
# ..."): pasted pages glue these into paragraphs, where the line rules cannot see them.
_POINTER_SENTENCE = regex.compile(
    r"^[\s(\[|•*#-]*(?:(?:ये|यह|इसे)\s+भी\s+)?(?:पढें|पढिए|पढ़िए|देखें|देखिए"
    r"|also\s+read|read\s+also|read\s+more|must\s+read)\s*[:|–—-]",
    flags=regex.IGNORECASE,
)


# Every pointer names reading or watching: a sentence without these in its first characters
# is not asked the regex (the summary asks about each of its candidate sentences). Case
# folding gives "read" only from "read" in any case.
_POINTER_VERBS = ("पढ", "देख")


def is_pointer_sentence(sentence: str) -> bool:
    """Whether a sentence is a pointer to another story rather than part of this one."""
    head = fold_nukta(sentence[:40])
    if not (_POINTER_VERBS[0] in head or _POINTER_VERBS[1] in head or "read" in head.lower()):
        return False
    return bool(_POINTER_SENTENCE.match(head))
