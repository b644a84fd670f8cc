from __future__ import annotations

import contextlib
import time
from pathlib import Path

import pytest

from digests.article import (
    MAX_INPUT_CHARS,
    ArticleError,
    EmptyArticle,
    NotHindi,
    content_hash,
    digest_article,
    hindi_share,
    truncate_input,
)
from digests.clean import MAX_SHOWN_TITLE_CHARS, MAX_SHOWN_TITLE_WORDS
from digests.sentences import count_words

FIXTURES = Path(__file__).parent / "fixtures"
SEED_CLUTTER_LINES = (
    "ADVERTISEMENTREMOVE AD",
    "Published",
    "story-hero-img",
    "छोटा",
    "मध्यम",
    "बड़ा",
    "×",
    "मेंबर बनें",
    "सत्ता से सच बोलने के लिए आप जैसे सहयोगियों की जरूरत होती है",
    "ये भी पढ़ें",
    "फोटो:",
    "Updated:",
    "Follow us",
    "शेयर करें",
    "क्विंट हिन्दी",
)


@pytest.fixture
def seed_text() -> str:
    """An original short article (written for the tests) carrying the seed page's clutter."""
    return (FIXTURES / "seed_like_clutter.txt").read_text(encoding="utf-8")


BODY = (
    "राज्य सरकार ने सोमवार को शहर की दूसरी मेट्रो लाइन को मंजूरी दे दी। "
    "यह लाइन पुराने बस अड्डे से हवाई अड्डे तक जाएगी और इस पर 14 स्टेशन होंगे।"
)


def test_seed_like_article_summary_and_facts(seed_text: str) -> None:
    digested = digest_article(seed_text)
    assert digested.title.startswith("जासूसी मामला")
    assert 0 < count_words(digested.summary) <= 60
    shown = [digested.title, digested.summary, *(f.text for f in digested.facts)]
    for clutter in SEED_CLUTTER_LINES:
        assert all(clutter not in text for text in shown), clutter
        assert clutter not in digested.body
    facts = " | ".join(f.text for f in digested.facts)
    for required in ("मई", "CERT-IN", "NSO", "भारत सरकार", "20 भारतीय नागरिकों"):
        assert required in facts
    assert 3 <= len(digested.facts) <= 5


def test_given_title_is_used_and_not_repeated() -> None:
    digested = digest_article(f"मेट्रो को मंजूरी\n\n{BODY}", title="मेट्रो को मंजूरी")
    assert digested.title == "मेट्रो को मंजूरी"
    assert not digested.body.startswith("मेट्रो को मंजूरी")


def test_overlong_titles_are_cut_for_the_card() -> None:
    """A page <title> that is a paragraph, or one giant token, still makes a short title."""
    words = " ".join(f"शब्द{i}" for i in range(200))
    long_title = digest_article(BODY, title=words)
    assert count_words(long_title.title) == MAX_SHOWN_TITLE_WORDS
    assert long_title.title.endswith("…")
    assert long_title.title.startswith("शब्द0 शब्द1 ")
    giant = digest_article(f"{'क' * 5000}\n\n{BODY}")
    assert len(giant.title) <= MAX_SHOWN_TITLE_CHARS
    assert giant.title.endswith("…")
    assert digest_article(BODY, title="मेट्रो को मंजूरी").title == "मेट्रो को मंजूरी"


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("", EmptyArticle),
        ("   \n\n  ", EmptyArticle),
        ("ADVERTISEMENTREMOVE AD\nPublished\n×\nमेंबर बनें", EmptyArticle),
        ("\u200b\u200d\ufeff", EmptyArticle),
        ("This is an English article. It has several sentences about the weather.", NotHindi),
        ("मेट्रो", EmptyArticle),
        ("शीर्षक\n\nदो शब्द।", EmptyArticle),
    ],
)
def test_rejections(raw: str, error: type[ArticleError]) -> None:
    with pytest.raises(error):
        digest_article(raw)


def test_errors_are_value_errors() -> None:
    assert issubclass(EmptyArticle, ArticleError)
    assert issubclass(NotHindi, ArticleError)
    assert issubclass(ArticleError, ValueError)


def test_hindi_share() -> None:
    assert hindi_share("") == 0.0
    assert hindi_share("abc") == 0.0
    assert hindi_share("कखग") == 1.0
    assert 0.4 < hindi_share("कखग abc") < 0.6


def test_content_hash_ignores_spacing_case_and_clutter() -> None:
    base = content_hash(BODY)
    assert content_hash("  " + BODY.replace(" ", "\u00a0 \n") + "\n") == base
    assert content_hash("ADVERTISEMENTREMOVE AD\n" + BODY + "\n×\nमेंबर बनें") == base
    assert content_hash(BODY.replace("मेट्रो", "METRO")) == content_hash(
        BODY.replace("मेट्रो", "metro")
    )
    assert content_hash(BODY + " नया वाक्य।") != base
    assert len(base) == 64


ODD_INPUTS = [
    "\x00\x01\x02\x1b[31m",
    "\u200b" * 1000,
    "क\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301" * 50,
    "🙂" * 500,
    "\ud800\udfff",
    "।।।।।।" * 1000,
    "....." * 1000,
    "“" * 1000,
    "<b>" * 1000,
    "a" * 10000,
    "क" * 10000,
    "\n" * 10000,
    BODY.replace(" ", "\u00a0"),
    BODY + "\u202e\u2066 WhatsApp\u200d 🙂 ×",
]


@pytest.mark.parametrize("raw", ODD_INPUTS)
def test_never_crashes_on_odd_input(raw: str) -> None:
    try:
        digested = digest_article(raw)
    except ArticleError:
        return
    assert count_words(digested.summary) <= 60
    assert len(digested.facts) <= 5
    content_hash(raw)


def test_english_only_is_not_hindi() -> None:
    with pytest.raises(NotHindi):
        digest_article("Breaking news\n\nThe government approved a new metro line on Monday.")


def test_large_input_is_fast_and_truncated() -> None:
    paragraph = BODY + " WhatsApp ने 20 लोगों को बताया। “यह एक उद्धरण है जो काफी लंबा है।”\n\n"
    raw = paragraph * (5_000_000 // len(paragraph) + 1)
    assert len(raw) > 5_000_000
    start = time.perf_counter()
    digested = digest_article(raw)
    elapsed = time.perf_counter() - start
    assert digested.summary
    assert len(digested.body) <= MAX_INPUT_CHARS
    assert elapsed < 30, elapsed


def test_large_single_line_input_does_not_hang() -> None:
    raw = ("क ख ग घ " * 700_000) + "।"
    start = time.perf_counter()
    with contextlib.suppress(ArticleError):
        digest_article(raw)
    assert time.perf_counter() - start < 30


def test_truncate_input_cuts_at_paragraph() -> None:
    text = "क" * 60 + "\n\n" + "ख" * 60
    assert truncate_input(text, 100) == "क" * 60
    assert truncate_input("क" * 200, 100) == "क" * 100
    assert truncate_input("short", 100) == "short"
