"""One possible fact before selection: what the patterns hand to the ranking step."""

from __future__ import annotations

from dataclasses import dataclass

from digests.normalize import NUKTA


@dataclass(slots=True)
class Candidate:
    """A fact of one kind, its ranking score, and where it first occurs (ties go early).

    Not frozen: a frozen dataclass costs three times as much to create, and every article
    makes a few dozen of these; nothing changes one after it is made.
    """

    kind: str
    text: str
    score: float
    pos: int


def phrase_key(text: str) -> str:
    """Spacing-, nukta-, joiner- and case-insensitive form of a phrase (counting, dedup)."""
    text = " ".join(text.split()).replace(NUKTA, "").casefold()  # fold_nukta, inlined
    if "\u200c" in text or "\u200d" in text:
        text = text.replace("\u200c", "").replace("\u200d", "")
    return text


class Shown:
    """Text the reader already has (the summary): is a phrase part of it?

    Compared by phrase_key. The text's key is only worked out on the first question: most
    articles have no quotation to ask about.
    """

    __slots__ = ("_key", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._key: str | None = None

    def has(self, phrase: str) -> bool:
        """Whether phrase_key(phrase) is inside the shown text's key (never, when empty)."""
        if self._key is None:
            self._key = phrase_key(self._text)
        return bool(self._key) and phrase_key(phrase) in self._key
