"""A text split once into words and the separators between them, shared by every fact kind.

Fact patterns mostly ask "which word is this, and what stands right before or after it".
Answering that from one C-speed regex split is far cheaper than running a regex per pattern
over the whole text, and it is what keeps fact extraction inside the bot's time budget.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import accumulate

from digests.normalize import NUKTA
from digests.wordchars import WORD_CHARS

# A word as in digests.sentences, except that ZWJ/ZWNJ stay inside words ("मुख्‍यमंत्री" is
# one word here, so a name or title written with a joiner is still found).
_CHAR = f"[{WORD_CHARS}\u200c\u200d]"
_SPLIT = re.compile(f"({_CHAR}+(?:[-.]{_CHAR}+)*)")
_JOINERS = ("\u200c", "\u200d")
DIGITS = frozenset("0123456789०१२३४५६७८९")


@dataclass(frozen=True, slots=True)
class Tokens:
    """Words of `text` with their positions.

    `seps[i]` is the text before `words[i]` (after the previous word); `seps[-1]` trails the
    last word. `keys` are the words without nukta and joiners, the form every word list is
    kept in; `vocabulary` is the set of keys (for set operations at C speed) and `index`
    maps every key to its positions, filled in on the first question about positions.
    """

    text: str
    words: list[str]
    keys: list[str]
    seps: list[str]
    starts: list[int]
    index: dict[str, list[int]]
    vocabulary: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Tokens:
        """Split `text` into words, separators and folded keys."""
        parts = _SPLIT.split(text)
        words = parts[1::2]
        offsets = list(accumulate(map(len, parts), initial=0))
        keys = words
        if NUKTA in text or _JOINERS[0] in text or _JOINERS[1] in text:
            # Folded in one C-speed pass: join, drop the marks, split again (no word
            # contains "\n", and dropping a nukta or joiner never empties a word).
            joined = "\n".join(words)
            for mark in (NUKTA, *_JOINERS):
                joined = joined.replace(mark, "")
            keys = joined.split("\n")
        return cls(text, words, keys, parts[0::2], offsets[1::2], {}, frozenset(keys))

    def __len__(self) -> int:
        return len(self.words)

    def end(self, i: int) -> int:
        """Character offset just after word i."""
        return self.starts[i] + len(self.words[i])

    def key_span(self, i: int, j: int) -> str:
        """The folded words i..j joined by spaces: the phrase_key of span(i, j) when spaced."""
        return " ".join(self.keys[i : j + 1]).casefold()

    def span(self, i: int, j: int) -> str:
        """The text from word i to word j inclusive, punctuation between them kept."""
        return self.text[self.starts[i] : self.end(j)]

    def spaced(self, i: int, j: int) -> bool:
        """Whether words i..j are separated by single spaces only (one phrase, no commas)."""
        return all(self.seps[k] == " " for k in range(i + 1, j + 1))

    def index_at(self, offset: int) -> int:
        """Index of the first word starting at or after character `offset`."""
        return bisect_left(self.starts, offset)

    def where(self, words: AbstractSet[str]) -> list[int]:
        """Sorted indexes of every word from the set `words`.

        Patterns start from the few words they care about (a month name, "ने") found by a
        set intersection, instead of visiting every word in Python.
        """
        found: list[int] = []
        for key in words & self.vocabulary:
            found.extend(self.positions(key))
        found.sort()
        return found

    def positions(self, key: str) -> Sequence[int]:
        """Indexes where a (folded) word occurs, in order.

        Patterns ask about a few dozen words per article, many of them repeated ("ने", a
        surname), so every word is indexed in one pass on the first question: scanning the
        word list once per word asked about (list.index) cost about twice as much.
        """
        index = self.index
        if not index and self.keys:
            for i, k in enumerate(self.keys):
                found = index.get(k)
                if found is None:
                    index[k] = [i]
                else:
                    found.append(i)
        return index.get(key, ())

    def count(self, key: str) -> int:
        """How often a (folded) word occurs."""
        return len(self.positions(key))


def is_number(key: str) -> bool:
    """A token made of digits (ASCII or Devanagari), possibly with inner "." or "-"."""
    return bool(key) and key[0] in DIGITS
