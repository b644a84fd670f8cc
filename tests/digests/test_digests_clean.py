from __future__ import annotations

import pytest

from digests.clean import clean_text, split_title
from digests.clutter import is_clutter_line

SENTENCE = "राज्य सरकार ने सोमवार को शहर की दूसरी मेट्रो लाइन को मंजूरी दे दी।"


@pytest.mark.parametrize(
    "line",
    [
        "ADVERTISEMENTREMOVE AD",
        "Advertisement",
        "advertisement",
        "Published",
        "story-hero-img",
        "i",
        "छोटा",
        "मध्यम",
        "बड़ा",
        "बडा",
        "×",
        "मेंबर बनें",
        "(क्विंट हिन्दी, हर मुद्दे पर बनता आपकी आवाज, करता है सवाल. आज ही मेंबर बनें और "
        "हमारी पत्रकारिता को आकार देने में सक्रिय भूमिका निभाएं.)",
        "सत्ता से सच बोलने के लिए आप जैसे सहयोगियों की जरूरत होती है",
        "ये भी पढ़ें: मानसून से पहले शहर में तैयारी तेज",
        "यह भी पढ़ें- दिल्ली में बारिश",
        "इसे भी पढें",
        "Also Read: Monsoon arrives early",
        "Follow us on Twitter",
        "शेयर करें",
        "Share",
        "Facebook Twitter WhatsApp Email",
        "फोटो: PTI",
        "फ़ोटो : सोशल मीडिया",
        "(फोटो साभार: ट्विटर)",
        "(Photo: Reuters)",
        "प्रतीकात्मक तस्वीर",
        "Updated: 02 Nov 2019, 10:15 AM IST",
        "Published on: 1 November 2019",
        "By Rahul Sharma",
        "Edited By: Priya Verma",
        "लेखक: राम कुमार",
        "— — —",
        "🙂🙂",
    ],
)
def test_clutter_lines_are_recognised(line: str) -> None:
    assert is_clutter_line(line)


@pytest.mark.parametrize(
    "line",
    [
        SENTENCE,
        "WhatsApp ने बयान में कहा कि उसने हैकिंग का शिकार हुए लोगों को पहचानकर उन्हें अलर्ट किया.",
        "सरकार को मई में दी थी जानकारी",
        "अपडेट: सरकार ने सभी स्कूलों को कल तक बंद रखने का आदेश दिया है।",
        "फोटो खींचने पर रोक लगाने के फैसले का लोगों ने विरोध किया।",
    ],
)
def test_real_text_is_kept(line: str) -> None:
    assert not is_clutter_line(line)


def test_clean_text_removes_each_clutter_line_and_keeps_paragraphs() -> None:
    raw = "\n".join(
        [
            "ADVERTISEMENTREMOVE AD",
            "शीर्षक यहां है",
            "Published",
            "story-hero-img",
            "i",
            "छोटा",
            "मध्यम",
            "बड़ा",
            SENTENCE,
            "×",
            "मेंबर बनें",
        ]
    )
    assert clean_text(raw) == f"शीर्षक यहां है\n\n{SENTENCE}"


def test_clean_text_keeps_latin_names_inside_sentences() -> None:
    text = "WhatsApp ने NSO पर मुकदमा किया और CERT-IN को जानकारी दी।"
    assert clean_text(text) == text


def test_clean_text_removes_inline_ad_token() -> None:
    assert clean_text("ADVERTISEMENTREMOVE AD" + SENTENCE) == SENTENCE


def test_clean_text_normalises_unicode() -> None:
    raw = "राज्य\u00a0सरकार ने\u200b आज\x00 फ़ैसला लिया।\r\nदूसरी\u2028पंक्ति है।"
    assert clean_text(raw) == "राज्य सरकार ने आज फ़ैसला लिया।\n\nदूसरी\n\nपंक्ति है।"


def test_clean_text_nfc_and_joiners() -> None:
    decomposed = "फ\u093cैसला"  # फ + nukta + vowel sign, composed form is the same in NFC
    assert clean_text(decomposed) == "फ़ैसला"
    # ZWJ inside a Devanagari word stays, outside it goes
    assert clean_text("क्\u200dष ok\u200d") == "क्\u200dष ok"


def test_split_title_short_first_line() -> None:
    title, body = split_title(f"मेट्रो लाइन को मंजूरी\n\n{SENTENCE}")
    assert title == "मेट्रो लाइन को मंजूरी"
    assert body == SENTENCE


def test_split_title_derives_from_long_first_sentence() -> None:
    text = (
        "राज्य सरकार ने सोमवार को शहर की दूसरी मेट्रो लाइन को मंजूरी दे दी और इसके लिए "
        "छह हजार करोड़ रुपये का बजट भी तय कर दिया। दूसरा वाक्य यहां है।"
    )
    title, body = split_title(text)
    assert title.endswith("…")
    assert text.startswith(title.rstrip("…"))
    assert body == text  # nothing is lost when the title is derived


def test_split_title_question_headline() -> None:
    title, body = split_title(f"क्या इस साल जल्दी आएगा मानसून?\n\n{SENTENCE}")
    assert title == "क्या इस साल जल्दी आएगा मानसून?"
    assert body == SENTENCE


def test_split_title_empty() -> None:
    assert split_title("") == ("", "")
