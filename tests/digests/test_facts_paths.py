"""Fact extraction's shortcuts give what the full computation gave.

Each test runs a shortcut next to the longer way it replaced (on the fixtures and on texts
built to reach its edge cases), so a change that breaks the equivalence fails here.
"""

from __future__ import annotations

import random
from pathlib import Path

from digests.clean import clean_text
from digests.facts import MAX_PER_KIND, _rank, _sentences_with_pos
from digests.facts.candidate import Shown
from digests.facts.quotes import direct_quotes, first_quote, reported_speech
from digests.sentences import split_paragraph_sentences

FIXTURES = Path(__file__).parent / "fixtures"

_QUOTE_PIECES = [
    "राम कुमार ने कहा कि ",
    "पुलिस के मुताबिक, ",
    "WhatsApp ने बयान जारी कर बताया-\n\n",
    "“हम इस मामले की जांच कर रहे हैं और जल्द जवाब देंगे”",
    "“ठीक है”",
    "‘यह बहुत बड़ा फैसला है जो सबको मानना होगा’",
    "सभी स्कूल सोमवार तक बंद रहेंगे। ",
    "एक युवक ने बताया कि वह घर पर था। ",
    "मंत्री ने कहा कि सरकार हर परिवार को मदद देगी। ",
    "\n\n",
]


def _texts() -> list[str]:
    texts = [clean_text(p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.iterdir())]
    rng = random.Random(3)
    for _ in range(300):
        texts.append("".join(rng.choices(_QUOTE_PIECES, k=rng.randint(1, 8))))
    return texts


def test_first_quote_is_the_best_ranked_of_all_quotes() -> None:
    """A card shows one quote; the old way ranked every quote found and took the best."""
    assert MAX_PER_KIND["quote"] == 1
    for text in _texts():
        sentences = _sentences_with_pos(text, split_paragraph_sentences(text))
        for shown in ("", text[: len(text) // 2]):
            direct = list(direct_quotes(text, Shown(shown)))
            every = direct or list(reported_speech(sentences, Shown(shown)))
            best = sorted(every, key=_rank)[0] if every else None
            assert first_quote(text, sentences, Shown(shown)) == best, text
