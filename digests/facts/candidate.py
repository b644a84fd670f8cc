"""One possible fact before selection: what the patterns hand to the ranking step."""

from __future__ import annotations

from dataclasses import dataclass

from digests.normalize import fold_nukta


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
    text = fold_nukta(" ".join(text.split())).casefold()
    if "\u200c" in text or "\u200d" in text:
        text = text.replace("\u200c", "").replace("\u200d", "")
    return text
