"""A fixed idf of linking terms from general-language word frequencies (wordfreq), to
measure against the archive's counts: `score.py --idf reference`. Not shipped (see README).

Why try it: idf counted over the stored articles makes the same article link differently on
a new install and on a busy one; a table fixed in advance cannot drift. wordfreq's Hindi
list (Wikipedia, subtitles, web, Twitter) says how common a word is in the language at
large, and it is not derived from any evaluation text.

A term is a stem of digests.linking, so the Hindi table is mapped through the same stemmer
and the frequencies of all surface forms of a stem are added. Latin-script terms are looked
up in the Hindi list first (Latin words as written in Hindi text: "bjp", "covid") and in the
English one otherwise. A term in neither list (most names, number_unit pairs) is rarer than
the rarest listed word and gets the highest idf.
"""

from __future__ import annotations

import math
from functools import cache, lru_cache

import wordfreq

from digests.linking import stem

# Tokens in a typical news article: turns a word's share of all tokens into the chance
# that an article contains it (1 - exp(-ARTICLE_TOKENS * frequency)), which is what idf
# measures. Common words saturate near 1 (idf 1.0), rare ones scale with frequency.
ARTICLE_TOKENS = 300
# A word missing from both lists is taken to be this much rarer than the lists' cutoff.
UNSEEN_FACTOR = 0.5


@cache
def _hindi_stems() -> dict[str, float]:
    """stem -> summed frequency of all the Hindi list's words with that stem."""
    table: dict[str, float] = {}
    for word, freq in wordfreq.get_frequency_dict("hi").items():
        key = stem(word)
        table[key] = table.get(key, 0.0) + freq
    return table


@cache
def _english() -> dict[str, float]:
    return wordfreq.get_frequency_dict("en", wordlist="small")


@cache
def _floor() -> float:
    """Frequency given to a term in neither list: below the smaller cutoff of the two."""
    return UNSEEN_FACTOR * min(min(_hindi_stems().values()), min(_english().values()))


def frequency(term: str) -> float:
    """General-language frequency of a linking term (share of all tokens)."""
    freq = _hindi_stems().get(term)
    if freq is None and term.isascii():
        freq = _english().get(term)
    return freq if freq is not None else _floor()


@lru_cache(maxsize=100_000)
def reference_idf(term: str) -> float:
    """idf of a linking term: log(1 / P(an article contains it)) + 1, at least 1.0."""
    share = -math.expm1(-ARTICLE_TOKENS * frequency(term))
    return math.log(1.0 / share) + 1.0
