from __future__ import annotations

import pytest

from digests.extract import extract_html

ARTICLE = (
    "<html><head><title>मेट्रो लाइन खुली | खबर</title>"
    '<meta property="og:title" content="मेट्रो लाइन खुली"></head><body>'
    "<nav>होम | देश | दुनिया</nav><article><h1>मेट्रो लाइन खुली</h1>"
    + "<p>शहर में नई मेट्रो लाइन आज से यात्रियों के लिए खोल दी गई है। "
    "इस लाइन पर कुल बारह स्टेशन हैं और पहली ट्रेन सुबह छह बजे चली।</p>"
    "<p>अधिकारियों ने बताया कि पहले दिन करीब चालीस हजार लोगों ने सफर किया और "
    "ज्यादातर स्टेशनों पर भीड़ रही।</p>"
    "</article><script>var x = 1;</script><footer>कॉपीराइट</footer></body></html>"
)


def test_extract_article_text_and_title() -> None:
    title, text = extract_html(ARTICLE, url="https://example.com/metro")
    assert title == "मेट्रो लाइन खुली"
    assert "बारह स्टेशन" in text
    assert "var x" not in text


@pytest.mark.parametrize(
    "html",
    ["", "   ", "<<<>>>&&&<p", "<p>एक दो <b>तीन", "\x00\x01<p>\ud800</p>", "<div>" * 5000],
)
def test_extract_never_raises(html: str) -> None:
    title, text = extract_html(html)
    assert title is None or isinstance(title, str)
    assert isinstance(text, str)


def test_fallback_strips_tags() -> None:
    _title, text = extract_html(
        "<html><title>शीर्षक</title><p>एक दो <b>तीन</b></p><script>x()</script>"
    )
    assert "एक दो" in text
    assert "x()" not in text
