"""What a word is on its own, whatever its context: an acronym spelt in letter names, a
town-like place name. Looked up once per article for `who` and `where` together.

Both tests are per word (a regex, a suffix and a gazetteer check), and a Python loop over an
article's hundred-odd distinct words cost more than all the rest of the `where` facts. News
vocabulary is small, so the answers are kept between articles: once a word has been seen,
an article's acronyms and towns are a few set operations at C speed. The memory is bounded,
so a flood of odd words cannot grow it.
"""

from __future__ import annotations

import threading
from collections.abc import Set as AbstractSet

import regex

from digests.facts.lexicon import LETTER_NAMES
from digests.places import TOWN_ENDINGS, is_place

# One Latin letter name written in Devanagari, longest first ("डब्ल्यू" before "डी").
LETTER_NAME = "(?:" + "|".join(sorted(LETTER_NAMES, key=len, reverse=True)) + ")"
# "एएनआई", "डीसीजीआई": two to six Devanagari letter names and nothing else.
ACRONYM = regex.compile(LETTER_NAME + "{2,6}")
_MAX_ACRONYM_CHARS = 18
# Every character an acronym can have: a word with any other is not asked the regex (most
# words of an article are new to it the first time round, and few are acronyms).
_ACRONYM_CHARS = "".join(sorted(set("".join(LETTER_NAMES))))
_MAX_SEEN_WORDS = 200_000

_lock = threading.Lock()
_seen: set[str] = set()
_acronyms: set[str] = set()
_towns: set[str] = set()


class WordKinds:
    """The words of one text that are acronyms ("एएनआई") and town-like places ("सीतापुर").

    A plain class with slots: a dataclass is slow to create at import.
    """

    __slots__ = ("acronyms", "towns")

    def __init__(self, acronyms: AbstractSet[str], towns: AbstractSet[str]) -> None:
        self.acronyms = acronyms
        self.towns = towns


def is_acronym(key: str) -> bool:
    """Whether a (nukta-folded) word is spelt out of Devanagari letter names."""
    if not 2 <= len(key) <= _MAX_ACRONYM_CHARS or key.strip(_ACRONYM_CHARS):
        return False
    return ACRONYM.fullmatch(key) is not None


def is_town(key: str) -> bool:
    """Whether a word is a place by its ending (-पुर, -बाद, -गढ़, -गंज) or the gazetteer."""
    return key.endswith(TOWN_ENDINGS) and is_place(key)


def word_kinds(vocabulary: AbstractSet[str]) -> WordKinds:
    """The acronyms and town-like words among `vocabulary` (a text's folded words).

    Locked: the bot digests articles in worker threads, and a word must never count as seen
    before its kinds are recorded, nor the memory be cleared under another article.
    """
    with _lock:
        if not _seen.issuperset(vocabulary):
            if len(_seen) > _MAX_SEEN_WORDS:
                _seen.clear()
                _acronyms.clear()
                _towns.clear()
            new = vocabulary - _seen
            _acronyms.update(k for k in new if is_acronym(k))
            _towns.update(k for k in new if is_town(k))
            _seen.update(new)
        return WordKinds(_acronyms.intersection(vocabulary), _towns.intersection(vocabulary))
