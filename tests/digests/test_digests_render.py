from __future__ import annotations

import random
from html.parser import HTMLParser

import pytest

from digests.model import DigestItem, Fact
from digests.render import (
    Card,
    escape,
    number_card,
    render_digest,
    render_item,
    split_html,
    visible_length,
)
from digests.telegram_html import _fast_visible_length, _slow_visible_length, utf16_len

VOID = {"br"}


class _Checker(HTMLParser):
    """Fails on any closing tag that does not match the innermost open tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}> in {self.stack}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _check_balanced(part: str) -> str:
    checker = _Checker()
    checker.feed(part)
    checker.close()
    assert checker.stack == [], f"unclosed {checker.stack}"
    return "".join(checker.text)


def _item(n: int, summary: str = "राज्य सरकार ने आज नई मेट्रो लाइन को मंजूरी दे दी।") -> DigestItem:
    return DigestItem(
        story_id=n,
        title=f"मेट्रो <लाइन> & स्टेशन {n}",
        summary=summary,
        facts=(
            Fact("when", "सोमवार"),
            Fact("number", "14 स्टेशन"),
            Fact("who", "DMRC, भारत सरकार"),
            Fact("quote", "निदेशक: “काम जल्द शुरू होगा”"),
            Fact("where", "सूरजनगर"),
        ),
        url='https://example.com/a?b=1&c="x"',
    )


def test_escape_only_html_specials() -> None:
    assert escape('a < b > c & "d"') == 'a &lt; b &gt; c &amp; "d"'


def test_render_item_card() -> None:
    card = render_item(_item(12), index=1)
    assert card.startswith("<b>1. मेट्रो &lt;लाइन&gt; &amp; स्टेशन 12</b> #12")
    for emoji in ("🗓", "🔢", "👤", "💬", "📍"):
        assert emoji in card
    assert '<a href="https://example.com/a?b=1&amp;c=&quot;x&quot;">स्रोत</a>' in card
    _check_balanced(card)


def test_render_item_without_url_or_with_unsafe_url() -> None:
    item = DigestItem(story_id=3, title="शीर्षक", summary="सार।")
    assert "href" not in render_item(item)
    unsafe = DigestItem(story_id=3, title="शीर्षक", summary="सार।", url="javascript:alert(1)")
    assert "href" not in render_item(unsafe)


def test_visible_length_counts_text_entities_and_utf16() -> None:
    assert visible_length('<b>ab</b> &amp; <a href="x">c</a>') == 6
    assert visible_length("🗓") == 2  # outside the BMP: two UTF-16 units
    assert visible_length("क्ष") == 3


def test_digest_messages_fit_and_keep_story_boundaries() -> None:
    items = [_item(n) for n in range(1, 40)]
    messages = render_digest("<b>सुबह की खबरें</b>", items, limit=1000)
    assert len(messages) > 1
    cards = [render_item(item, n) for n, item in enumerate(items, start=1)]
    for message in messages:
        assert visible_length(message) <= 1000
        _check_balanced(message)
        # every message is made of whole cards (and the header)
        for block in message.split("\n\n"):
            assert block in cards or block == "<b>सुबह की खबरें</b>"


def test_oversized_card_is_split_balanced_without_cutting_words() -> None:
    summary = " ".join(f"यह वाक्य संख्या {n} है और इसमें कुछ शब्द हैं।" for n in range(400))
    item = _item(7, summary=summary)
    messages = render_digest("शीर्षक", [item], limit=500)
    assert len(messages) > 5
    words = set(_check_balanced("शीर्षक\n" + render_item(item, 1)).split())
    for message in messages:
        assert visible_length(message) <= 500
        text = _check_balanced(message)
        for token in text.split():
            assert token in words, token


@pytest.mark.parametrize("limit", [5, 17, 64, 4096])
def test_split_html_reopens_tags(limit: int) -> None:
    html = "<b>" + "बहुत लंबा वाक्य है। " * 60 + '<a href="https://x.y">लिंक</a></b> अंत'
    parts = split_html(html, limit)
    for part in parts:
        assert visible_length(part) <= limit
        _check_balanced(part)
    joined = " ".join(_check_balanced(p) for p in parts).split()
    assert joined == _check_balanced(html).split()


def test_split_html_overlong_word_and_entities() -> None:
    parts = split_html("<i>" + "क" * 50 + "</i> &amp;&amp; 🙂🙂🙂", 7)
    for part in parts:
        assert visible_length(part) <= 7
        _check_balanced(part)
        assert "&am" not in part.replace("&amp;", "")


def test_split_html_prefers_line_breaks() -> None:
    html = "पहली पंक्ति यहां है\nदूसरी पंक्ति यहां है\nतीसरी पंक्ति"
    assert split_html(html, 45) == ["पहली पंक्ति यहां है\nदूसरी पंक्ति यहां है", "तीसरी पंक्ति"]


def test_split_html_empty() -> None:
    assert split_html("") == []
    assert split_html("<b></b>   ") == []
    assert render_digest("", []) == []


def test_utf16_len() -> None:
    assert utf16_len("a🙂") == 3


_TRICKY = [
    '<b>ab</b> &amp; <a href="x?a=1&amp;b=&quot;2&quot;">c</a>',
    "🗓 &#x1F600; &#128512; &#55357; &#0; &#x110000; &#12345678;",  # astral, invalid, too long
    "AT&T &amp &notit; &NotAnEntity; &lt;b&gt; &nbsp;\u00a0",  # no ";", prefix, unknown
    "&am<b>p; &amp<i>; &<b>x</b> R&D<b>",  # a tag inside an entity: atoms, not "&"
    "<&amp;> <> < 3 > a<b 1 < 2 <1> <!-- c -->",  # "<" that opens no named tag
    "< /b>x</ b><br/><a\nhref='y'>z</a>",
    "<" + "x" * 2001 + ">",  # longer than a tag may be
    "<b" + " " * 1999 + ">y</b>",
]


@pytest.mark.parametrize("html", _TRICKY)
def test_fast_visible_length_agrees_with_the_atom_walk(html: str) -> None:
    fast = _fast_visible_length(html)
    assert fast is None or fast == _slow_visible_length(html)
    assert visible_length(html) == _slow_visible_length(html)


def test_fast_visible_length_agrees_on_random_markup_and_takes_rendered_cards() -> None:
    pieces = ["<b>", "</b>", "<", ">", "&", "amp", ";", "#", "x", "1F600", "#39", "lt", "a"]
    pieces += ["क्ष", "🙂", " ", "\n", "<i x='&amp;'>", "</i>", "&quot;", "<>", "< b>", "/"]
    rng = random.Random(7)
    for _ in range(20_000):
        html = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        fast = _fast_visible_length(html)
        assert fast is None or fast == _slow_visible_length(html), html
    card = render_item(_item(12), index=1)
    assert _fast_visible_length(card) == _slow_visible_length(card)  # no fallback for cards


@pytest.mark.parametrize(
    "title",
    ["मेट्रो", "<b>बोल्ड</b> & कंपनी", "&amp; पहले से", "x" * 5000, "😀 इमोजी", "<>"],
)
def test_a_card_rendered_once_numbers_and_measures_like_one_rendered_in_place(
    title: str,
) -> None:
    """Digests number cards rendered once per story; the result and the measured length
    must be exactly what rendering in place gives, or packing would split elsewhere."""
    item = DigestItem(story_id=7, title=title, summary="सार। " * 20, facts=(Fact("where", "पटना"),))
    card = Card.of(item)
    for n in (1, 9, 10):
        assert number_card(card.html, n) == render_item(item, n)
        assert card.size + len(f"{n}. ") == visible_length(render_item(item, n))
