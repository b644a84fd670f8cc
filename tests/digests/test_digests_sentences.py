from __future__ import annotations

import pytest

from digests.sentences import count_words, split_sentences, word_tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("वह आया। वह गया।", ["वह आया।", "वह गया।"]),
        ("कई लोग मौजूद हैं।वह भी आया।", ["कई लोग मौजूद हैं।", "वह भी आया।"]),
        ("क्या वह आया?हां!बिलकुल", ["क्या वह आया?", "हां!", "बिलकुल"]),
        ("वह आया. फिर गया.", ["वह आया.", "फिर गया."]),
        ("डॉ. राम ने कहा। प्रो. श्याम आए।", ["डॉ. राम ने कहा।", "प्रो. श्याम आए।"]),
        ("श्री. मोहन और सं. रमेश पहुंचे।", ["श्री. मोहन और सं. रमेश पहुंचे।"]),
        ("दर 2.5 प्रतिशत बढ़ी। अगला।", ["दर 2.5 प्रतिशत बढ़ी।", "अगला।"]),
        ("U.S. में चुनाव हुए. नतीजे आए.", ["U.S. में चुनाव हुए.", "नतीजे आए."]),
        (
            "पूरी जानकारी https://example.com/a.b?x=1 पर है. अगला वाक्य.",
            ["पूरी जानकारी https://example.com/a.b?x=1 पर है.", "अगला वाक्य."],
        ),
        (
            "उन्होंने कहा, “हम जीतेंगे. यह तय है.” फिर वह चले गए।",
            ["उन्होंने कहा, “हम जीतेंगे.", "यह तय है.”", "फिर वह चले गए।"],
        ),
        ("उसने कहा “हम जीतेंगे”। ठीक है।", ["उसने कहा “हम जीतेंगे”।", "ठीक है।"]),
        ("एन. के. सिंह ने पद संभाला।", ["एन. के. सिंह ने पद संभाला।"]),
        (
            "Mr. Smith went to Delhi. He met WhatsApp.",
            ["Mr. Smith went to Delhi.", "He met WhatsApp."],
        ),
        (
            "WhatsApp ने NSO पर केस किया. CERT-IN को बताया.",
            ["WhatsApp ने NSO पर केस किया.", "CERT-IN को बताया."],
        ),
        ("पहली पंक्ति\nदूसरी पंक्ति", ["पहली पंक्ति", "दूसरी पंक्ति"]),
        ("", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_intro_line_stays_with_following_quotation() -> None:
    text = "WhatsApp ने बयान जारी कर बताया-\n\n“हमारी प्राथमिकता सुरक्षा है. हम काम करेंगे.”"
    assert split_sentences(text) == [
        "WhatsApp ने बयान जारी कर बताया- “हमारी प्राथमिकता सुरक्षा है.",
        "हम काम करेंगे.”",
    ]


def test_word_tokens_keep_vowel_signs_and_compounds() -> None:
    assert word_tokens("उपलब्ध CERT-IN 2.5 U.S. नागरिकों, भारी-भरकम") == [
        "उपलब्ध",
        "CERT-IN",
        "2.5",
        "U.S",
        "नागरिकों",
        "भारी-भरकम",
    ]


def test_count_words() -> None:
    assert count_words("20 भारतीय नागरिकों का पता चला।") == 6
    assert count_words("") == 0
    assert count_words("— … ।") == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a "City." dateline is a sentence of its own
        ("लखनऊ. उत्तर प्रदेश में बारिश हुई।", ["लखनऊ.", "उत्तर प्रदेश में बारिश हुई।"]),
        # ellipsis inside a sentence does not end it
        ("वह बोले... फिर चुप हो गए।", ["वह बोले... फिर चुप हो गए।"]),
        # numbers with commas, decimals and percent stay whole
        (
            "कुल 6,233 मामले और 0.6% बढ़ोतरी दर्ज हुई। अगला।",
            ["कुल 6,233 मामले और 0.6% बढ़ोतरी दर्ज हुई।", "अगला।"],
        ),
        # Latin sentence inside Hindi text, with an abbreviation
        (
            "Dr. Rao ने कहा। NASA launched it. फिर सब चले गए।",
            ["Dr. Rao ने कहा।", "NASA launched it.", "फिर सब चले गए।"],
        ),
        # single quotation marks stay with their sentence
        ("उन्होंने कहा, 'हम जीतेंगे।' फिर वे गए।", ["उन्होंने कहा, 'हम जीतेंगे।'", "फिर वे गए।"]),
        # a www address is not cut at its dots
        ("जानकारी www.example.gov.in पर है। अगला।", ["जानकारी www.example.gov.in पर है।", "अगला।"]),
    ],
)
def test_split_sentences_more_cases(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_word_tokens_mixed_scripts_and_devanagari_digits() -> None:
    assert word_tokens("WhatsApp ने २०२३ में ₹500 दिए") == ["WhatsApp", "ने", "२०२३", "में", "500", "दिए"]
