"""A text split once into words and the separators between them, shared by every fact kind.

Fact patterns mostly ask "which word is this, and what stands right before or after it".
Answering that from one C-speed regex split is far cheaper than running a regex per pattern
over the whole text, and it is what keeps fact extraction inside the bot's time budget.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from itertools import accumulate

from digests.normalize import NUKTA
from digests.wordchars import WORD_CHARS

# A word as in digests.sentences, except that ZWJ/ZWNJ stay inside words ("मुख्‍यमंत्री" is
# one word here, so a name or title written with a joiner is still found).
_CHAR = f"[{WORD_CHARS}\u200c\u200d]"
# Possessive: a word never gives back characters, which spares the engine its backtracking
# bookkeeping (the same words; about an eighth faster).
_SPLIT = re.compile(f"({_CHAR}++(?:[-.]{_CHAR}++)*+)")
_JOINERS = ("\u200c", "\u200d")
DIGITS = frozenset("0123456789०१२३४५६७८९")


class Tokens:
    """Words of `text` with their positions.

    `seps[i]` is the text before `words[i]` (after the previous word); `seps[-1]` trails the
    last word. `keys` are the words without nukta and joiners, the form every word list is
    kept in; `index` maps every key to its positions, and `vocabulary` is the set of keys,
    for set operations at C speed.

    A plain class with slots, made by Tokens.of: nothing compares or changes one, and a
    dataclass is slow to create, a cost paid at every start of `khabar`.
    """

    __slots__ = ("index", "keys", "seps", "starts", "text", "vocabulary", "words")

    def __init__(
        self,
        text: str,
        words: list[str],
        keys: list[str],
        seps: list[str],
        starts: list[int],
        index: dict[str, list[int]],
        vocabulary: frozenset[str],
    ) -> None:
        self.text = text
        self.words = words
        self.keys = keys
        self.seps = seps
        self.starts = starts
        self.index = index
        self.vocabulary = vocabulary

    @classmethod
    def of(cls, text: str) -> Tokens:
        """Split `text` into words, separators and folded keys, and index the keys.

        Every article asks where a dozen or so of its words are ("ने", a month, a title,
        a surname), many of them repeated, so every word is indexed at once, in one pass:
        scanning the word list for each word asked about (list.index, from its first to its
        last occurrence) cost more.

        The vocabulary is a frozenset of the index's keys, not the index's keys view: an
        intersection with a keys view walks the other set and probes the dict at about
        twice the cost per word of a set probe, and a set's intersection walks the smaller
        side. Making the set once is paid back by the ten-odd `where` calls and
        word_kinds on every article.
        """
        parts = split_parts(text)
        words = parts[1::2]
        starts = list(accumulate(map(len, parts), initial=0))[1::2]
        keys = _fold_marked_words(words, text, starts)
        index: dict[str, list[int]] = {}
        add = index.setdefault
        for i, k in enumerate(keys):
            add(k, []).append(i)
        return cls(text, words, keys, parts[0::2], starts, index, frozenset(index))

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
        set intersection, instead of visiting every word in Python. (`intersection` takes
        any set: a list of titles is larger than a text's vocabulary, a list of months is
        smaller, and either way the smaller side is walked.)
        """
        index = self.index
        found: list[int] = []
        for key in self.vocabulary.intersection(words):
            found += index[key]
        found.sort()
        return found

    def positions(self, key: str) -> Sequence[int]:
        """Indexes where a (folded) word occurs, in order."""
        return self.index.get(key, ())

    def count(self, key: str) -> int:
        """How often a (folded) word occurs."""
        return len(self.index.get(key, ()))


def split_parts(text: str) -> list[str]:
    """Separators and words in turn: [separator, word, separator, ..., word, separator].

    For a caller that needs only a few words' keys and separators (a speaker before "ने"):
    Tokens.of also works out every offset and the vocabulary.
    """
    return _SPLIT.split(text)


def fold_keys(words: list[str], text: str) -> list[str]:
    """The `words` of `text` without nukta and joiners (`words` itself when it has none)."""
    if NUKTA not in text and _JOINERS[0] not in text and _JOINERS[1] not in text:
        return words
    # Folded in one C-speed pass: join, drop the marks, split again (no word contains
    # "\n"; a word of marks alone becomes "", still one key).
    joined = "\n".join(words)
    for mark in (NUKTA, *_JOINERS):
        joined = joined.replace(mark, "")
    return joined.split("\n")


# Up to this many marks, the words holding one are found from the marks' offsets; a text
# full of nukta is folded in one pass (fold_keys).
_MAX_MARKS_FOUND = 24


def _fold_marked_words(words: list[str], text: str, starts: list[int]) -> list[str]:
    """fold_keys(words, text), folding only the words that have a mark.

    A news text has a few words with a nukta ("ज़िले") among hundreds: finding each mark
    with str.find and its word with bisect costs less than joining, cleaning and splitting
    all of them again. Marks are word characters, so every one is inside a word.
    """
    marks = text.count(NUKTA) + text.count(_JOINERS[0]) + text.count(_JOINERS[1])
    if not marks:
        return words
    if marks > _MAX_MARKS_FOUND:
        return fold_keys(words, text)
    keys = words.copy()
    for mark in (NUKTA, *_JOINERS):
        at = text.find(mark)
        while at >= 0:
            i = bisect_right(starts, at) - 1
            word = words[i]
            keys[i] = word.replace(NUKTA, "").replace(_JOINERS[0], "").replace(_JOINERS[1], "")
            at = text.find(mark, starts[i] + len(word))  # the rest of this word is folded
    return keys


def is_number(key: str) -> bool:
    """A token made of digits (ASCII or Devanagari), possibly with inner "." or "-"."""
    return bool(key) and key[0] in DIGITS
