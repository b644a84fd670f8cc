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
        # bylines and timestamps of other Hindi sites
        "Edited By Priya Verma",
        "Reported by Rahul Sharma",
        "Publish Date: Mon, 12 May 2025 10:32 AM (IST)",
        "Updated Mon, 12 May 2025 09:15 AM IST",
        "Read Time: 3 mins",
        "न्यूज डेस्क, अमर उजाला, लखनऊ",
        "डिजिटल डेस्क, नई दिल्ली",
        "2 घंटे पहले",
        "15 minutes ago",
        # pointers, credits, section labels, share buttons, app plugs
        "ये भी पढ़ें: मानसून से पहले दिल्ली में नालों की सफाई अधूरी",
        "ग्राफिक्स: अजय वर्मा",
        "With inputs from PTI",
        "Tags: यमुना, बाढ़, दिल्ली",
        "सार",
        "विस्तार",
        "कॉपी लिंक",
        "Copy Link",
        "Twitter",
        "Whatsapp",
        "Follow Us",
        "Follow us on Google News",
        "Featured Video Of The Day",
        "Jagran App डाउनलोड करें और पाएं ताजा खबरें",
        "दैनिक भास्कर ऐप डाउनलोड करें",
        "ऐप में पढ़ें",
        "अमर उजाला प्रीमियम लेख सिर्फ रजिस्टर्ड पाठकों के लिए ही उपलब्ध हैं",
        "(इस खबर को एनडीटीवी टीम ने संपादित नहीं किया है, यह सिंडीकेट फीड से सीधे प्रकाशित की गई है।)",
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
        # real sentences that share words with clutter rules
        "लेखक प्रेमचंद की कहानियों पर आधारित नाटक का मंचन रविवार को हुआ।",
        "कंपनी ने बताया कि 2 घंटे पहले सर्वर में खराबी आई थी।",
        "ट्विटर ने भारत में अपने 200 कर्मचारियों को नौकरी से निकाल दिया।",
        "सरकार ने कहा कि नया ऐप डाउनलोड करने वाले किसानों को सब्सिडी मिलेगी।",
        "Apple ने iPhone 15 को भारत में लॉन्च कर दिया है।",
        "सार्वजनिक परिवहन के किराए में 10 प्रतिशत की बढ़ोतरी की गई।",
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


def test_split_title_skips_an_opening_dateline_sentence() -> None:
    """134 of dev's 835 reports pasted without a headline were titled "बांदा" or the like."""
    text = "बांदा। उत्तर प्रदेश की बांदा जेल में बंद मुख्तार अंसारी की कोरोना रिपोर्ट सामने आई है।"
    title, body = split_title(text)
    assert title == "उत्तर प्रदेश की बांदा जेल में बंद मुख्तार अंसारी की कोरोना रिपोर्ट…"
    assert body == text  # the dateline stays in the body, where the summary trims it
    # Alone on its first line, a dateline the gazetteer does not know is skipped as well.
    own_line = "रामपुरवा।\nपुलिस ने सोमवार को गांव के तीन लोगों को गिरफ्तार कर लिया है।"
    assert split_title(own_line)[0] == "पुलिस ने सोमवार को गांव के तीन लोगों को गिरफ्तार कर लिया…"
    # A text that is nothing but a dateline still gets that as its title.
    assert split_title("बांदा।")[0] == "बांदा"


def test_split_title_question_headline() -> None:
    title, body = split_title(f"क्या इस साल जल्दी आएगा मानसून?\n\n{SENTENCE}")
    assert title == "क्या इस साल जल्दी आएगा मानसून?"
    assert body == SENTENCE


def test_split_title_empty() -> None:
    assert split_title("") == ("", "")


def test_tag_list_after_tags_label_is_dropped() -> None:
    raw = f"{SENTENCE}\nTags\nयमुना\nबाढ़\nदिल्ली\nयह दूसरा वाक्य भी लेख का हिस्सा है और बना रहना चाहिए।"
    assert clean_text(raw) == (f"{SENTENCE}\n\nयह दूसरा वाक्य भी लेख का हिस्सा है और बना रहना चाहिए।")


def test_short_lines_without_tags_label_stay() -> None:
    raw = f"{SENTENCE}\nसरकार को मई में दी थी जानकारी\n{SENTENCE}"
    assert "सरकार को मई में दी थी जानकारी" in clean_text(raw)


def test_bare_place_first_line_is_a_dateline_not_a_title() -> None:
    title, body = split_title(f"चंडीगढ़\n\nचंडीगढ़: {SENTENCE}")
    assert title.startswith("राज्य सरकार ने")  # from the first sentence, dateline trimmed
    assert body.startswith("चंडीगढ़:")


def test_derived_title_drops_agency_dateline() -> None:
    title, _ = split_title(f"नई दिल्ली, 12 मई (भाषा) {SENTENCE}")
    assert title.startswith("राज्य सरकार ने")
