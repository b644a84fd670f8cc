"""Pasted pages in the style of several Hindi news sites: clutter out, every sentence kept.

The fixtures are short articles written for these tests, each wrapped in the furniture one
kind of site adds when its page is copied: bylines, timestamps, datelines, "ये भी पढ़ें"
pointers, share buttons, tag lists, app plugs and syndication notes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from digests.article import digest_article
from digests.sentences import count_words

FIXTURES = Path(__file__).parent / "fixtures"

CASES = {
    "jagran_like.txt": {
        "clutter": [
            "By Priya Sharma",
            "Edited By",
            "Publish Date",
            "ये भी पढ़ें",
            "नालों की सफाई अधूरी",
            "Jagran App",
            "Tags",
        ],
        "kept": [
            "यमुना नदी का जलस्तर सोमवार सुबह खतरे के निशान को पार कर गया।",
            "NDRF की दो टीमें भी तैनात की गई हैं।",
            "जिलाधिकारी अनिल कुमार ने कहा कि हालात पर लगातार नजर रखी जा रही है",
        ],
    },
    "amarujala_like.txt": {
        "clutter": [
            "न्यूज डेस्क",
            "Published by",
            "Updated",
            "विस्तार",
            "Follow Us",
            "यह भी पढ़ें",
            "घर बैठे मिलेगा फसल बीमा",
            "ऐप में पढ़ें",
            "प्रीमियम",
        ],
        "kept": [
            "उत्तर प्रदेश सरकार ने गेहूं खरीद की अंतिम तिथि 15 जून तक बढ़ा दी है।",
            "किसान UP Kisan Mitra ऐप पर पंजीकरण कर अपनी बारी तय कर सकते हैं।",
        ],
    },
    "bhaskar_like.txt": {
        "clutter": [
            "घंटे पहले",
            "लेखक",
            "कॉपी लिंक",
            "ग्राफिक्स",
            "यह भी पढ़ें",
            "भास्कर ऐप",
            "Twitter",
            "Whatsapp",
            "Email",
        ],
        "kept": [
            "पंजाब में इस साल धान की बुवाई 10 जून से शुरू होगी।",
            "किसानों को Punjab Agricultural University की सलाह माननी चाहिए।",
            "पिछले साल 31 लाख हेक्टेयर में धान बोया गया था।",
        ],
    },
    "pti_like.txt": {
        "clutter": [
            "Advertisement",
            "सिंडीकेट फीड",
            "Featured Video",
            "Share",
            "Reddit",
            "Comments",
        ],
        "kept": [
            "ISRO के अध्यक्ष ने इसे एक बड़ी उपलब्धि बताया।",
            "उपग्रह को 36,000 किलोमीटर ऊंची कक्षा में स्थापित किया जाएगा।",
        ],
    },
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_clutter_is_gone_and_sentences_stay(name: str) -> None:
    raw = (FIXTURES / name).read_text(encoding="utf-8")
    digested = digest_article(raw)
    shown = [digested.title, digested.summary, *(f.text for f in digested.facts)]
    for clutter in CASES[name]["clutter"]:
        assert clutter not in digested.body, clutter
        assert all(clutter not in text for text in shown), clutter
    for sentence in CASES[name]["kept"]:
        assert sentence in digested.body, sentence
    assert 0 < count_words(digested.summary) <= 60
    assert 1 <= len(digested.facts) <= 5


def test_datelines_are_not_in_summary_or_title() -> None:
    """Datelines stay in the stored body (they give the `where` fact), not in the summary."""
    for name in sorted(CASES):
        digested = digest_article((FIXTURES / name).read_text(encoding="utf-8"))
        for dateline in ("चंडीगढ़:", "(भाषा)", "लखनऊ:", "जागरण संवाददाता"):
            assert dateline not in digested.summary
            assert dateline not in digested.title


def test_dateline_place_is_the_where_fact() -> None:
    for name, place in (("pti_like.txt", "नई दिल्ली"), ("bhaskar_like.txt", "चंडीगढ़")):
        digested = digest_article((FIXTURES / name).read_text(encoding="utf-8"))
        assert ("where", place) in [(f.kind, f.text) for f in digested.facts]


def test_standfirst_and_lead_saying_the_same_are_not_both_summarised() -> None:
    digested = digest_article((FIXTURES / "amarujala_like.txt").read_text(encoding="utf-8"))
    assert digested.summary.count("15 जून तक") == 1
