"""What is new to a reader: a story's facts compared with the facts they were already shown.

Facts are compared by their words, not their exact text, so "20 भारतीय नागरिकों" and
"20 भारतीय नागरिक" or a nukta spelt differently count as the same fact: a follower is told
only what they have not heard yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from digests.model import Fact
from digests.normalize import fold_nukta
from digests.sentences import word_tokens

# Two facts are the same when this share of the smaller one's words is in the other.
SAME_FACT_OVERLAP = 0.75
# Hindi case endings that change a noun's form but not the fact (नागरिकों / नागरिक).
_ENDINGS = ("ों", "ें", "ियों", "ाओं", "ाएं", "ाएँ", "े", "ी", "ा")


def _stem(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            return word[: -len(ending)]
    return word


def fact_key(text: str) -> frozenset[str]:
    """The words of a fact, case-, nukta- and ending-folded."""
    return frozenset(_stem(w) for w in word_tokens(fold_nukta(text).casefold()))


def same_fact(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return a == b
    smaller = min(len(a), len(b))
    return len(a & b) / smaller >= SAME_FACT_OVERLAP


def _unknown_names(fact: Fact, known_words: set[str]) -> Fact | None:
    """A `who` fact lists several names: keep only the ones the reader has not met."""
    names = [n for n in fact.text.split(", ") if not fact_key(n) <= known_words]
    if not names:
        return None
    return Fact(fact.kind, ", ".join(names)) if len(names) < fact.text.count(", ") + 1 else fact


def new_facts(candidates: Sequence[Fact], seen: Iterable[str]) -> list[Fact]:
    """The candidates that match none of the seen fact texts (nor an earlier candidate)."""
    known = [fact_key(text) for text in seen]
    known_words: set[str] = set().union(*known) if known else set()
    fresh: list[Fact] = []
    for candidate in candidates:
        fact = _unknown_names(candidate, known_words) if candidate.kind == "who" else candidate
        if fact is None:
            continue
        key = fact_key(fact.text)
        if any(same_fact(key, other) for other in known):
            continue
        known.append(key)
        known_words |= key
        fresh.append(fact)
    return fresh
