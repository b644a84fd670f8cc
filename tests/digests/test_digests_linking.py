"""Linking decisions on fixed articles: the pure half (digests/linking.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import digests.linking as linking
from digests.linking import (
    MAX_TERMS,
    Candidate,
    LinkConfig,
    Signature,
    choose,
    contrast_idf,
    deserialize,
    merge,
    serialize,
    signature,
    similarity,
    terms_of,
)
from digests.model import Digested

NOW = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


def art(title: str, body: str) -> Digested:
    return Digested(title=title, body=body, summary="", facts=())


METRO_ANNOUNCED = art(
    "सूरजनगर में बनेगी नई नारंगी मेट्रो लाइन, 14 स्टेशन होंगे",
    "राज्य सरकार ने सोमवार को सूरजनगर की दूसरी मेट्रो लाइन को मंजूरी दे दी। नारंगी लाइन"
    " पुराने बस अड्डे से हवाई अड्डे तक जाएगी और इस पर 14 स्टेशन बनेंगे। परियोजना पर"
    " 6,200 करोड़ रुपये खर्च होंगे। सूरजनगर मेट्रो रेल निगम के प्रबंध निदेशक ने कहा कि"
    " पहला हिस्सा तीन साल में खुल जाएगा।",
)
METRO_OPENED = art(
    "सूरजनगर की नारंगी मेट्रो लाइन का पहला हिस्सा यात्रियों के लिए खुला",
    "सूरजनगर में नारंगी मेट्रो लाइन का पहला हिस्सा शनिवार को खोल दिया गया। पुराने बस"
    " अड्डे से विश्वविद्यालय तक सात स्टेशन हैं। सूरजनगर मेट्रो रेल निगम के प्रबंध निदेशक"
    " ने कहा कि हवाई अड्डे तक का बाकी हिस्सा अगले साल पूरा होगा।",
)
MONSOON = art(
    "इस साल सामान्य से बेहतर रहेगा मानसून, मौसम विभाग का अनुमान",
    "भारत मौसम विज्ञान विभाग ने मंगलवार को कहा कि इस साल मानसून सामान्य से बेहतर रह सकता"
    " है। जून से सितंबर के बीच बारिश लंबी अवधि के औसत की 104 प्रतिशत रहने की संभावना"
    " है। मानसून के 1 जून के आसपास केरल पहुंचने की उम्मीद है।",
)
OUTAGE_LATIN = art(
    "WhatsApp की सेवा देशभर में दो घंटे ठप",
    "मैसेजिंग ऐप WhatsApp की सेवा मंगलवार दोपहर करीब दो घंटे ठप रही। उपयोगकर्ता संदेश"
    " नहीं भेज पा रहे थे। कंपनी ने शाम को कहा कि सेवा बहाल कर दी गई है।",
)
OUTAGE_DEVANAGARI = art(
    "व्हाट्सऐप ने बताई सेवा ठप होने की वजह",
    "व्हाट्सऐप ने बुधवार को बताया कि सेवा ठप होने के पीछे सर्वर अपडेट की गड़बड़ी थी।"
    " करीब दो घंटे चले आउटेज से करोड़ों उपयोगकर्ता प्रभावित हुए थे।",
)

IDF: dict[str, float] = {}  # every term counts 1.0


def cand(story_id: int, article: Digested, age_days: float) -> Candidate:
    return Candidate(story_id, signature(article), NOW - timedelta(days=age_days))


def test_same_story_in_other_words_joins() -> None:
    decision = choose(
        signature(METRO_OPENED),
        [cand(1, METRO_ANNOUNCED, 2), cand(2, MONSOON, 1)],
        NOW,
        LinkConfig(),
    )
    assert decision.story_id == 1
    assert decision.score >= LinkConfig().threshold


def test_different_story_starts_a_new_one() -> None:
    decision = choose(signature(MONSOON), [cand(1, METRO_ANNOUNCED, 1)], NOW, LinkConfig())
    assert decision.story_id is None
    assert decision.score < 0.1


def test_no_candidates_means_new_story() -> None:
    assert choose(signature(MONSOON), [], NOW, LinkConfig()).story_id is None


@pytest.mark.parametrize(("age", "joins"), [(6.9, True), (7.1, False), (30, False)])
def test_quiet_story_is_not_joined(age: float, joins: bool) -> None:
    decision = choose(signature(METRO_OPENED), [cand(1, METRO_ANNOUNCED, age)], NOW, LinkConfig())
    assert (decision.story_id == 1) is joins


def test_quiet_window_is_configurable() -> None:
    config = LinkConfig(quiet_after_days=30)
    decision = choose(signature(METRO_OPENED), [cand(1, METRO_ANNOUNCED, 20)], NOW, config)
    assert decision.story_id == 1


def test_a_term_every_candidate_shares_weighs_least() -> None:
    """contrast_idf: what the competing stories all use cannot tell them apart; a term of
    one of them can, and one they lack counts no more than that."""
    new = Signature({"कोरोन": 0.6, "केरल": 0.6, "टीक": 0.5})
    kerala = Signature({"कोरोन": 0.7, "केरल": 0.7})
    karnataka = Signature({"कोरोन": 0.7, "कर्नाटक": 0.7})
    idf = contrast_idf(new, [kerala, karnataka])
    assert idf["कोरोन"] == pytest.approx(1.0)
    assert idf["कोरोन"] < idf["केरल"]
    assert idf["केरल"] == idf["कर्नाटक"] == idf["टीक"]
    alone = contrast_idf(new, [kerala])
    assert set(alone.values()) == {1.0}  # one candidate: plain term weights


def test_best_candidate_wins() -> None:
    other_metro = art("नदीपुर मेट्रो का किराया बढ़ा", "नदीपुर मेट्रो में न्यूनतम किराया 15 रुपये होगा।")
    decision = choose(
        signature(METRO_OPENED),
        [cand(7, other_metro, 1), cand(3, METRO_ANNOUNCED, 3)],
        NOW,
        LinkConfig(threshold=0.0),
    )
    assert decision.story_id == 3


def test_latin_and_devanagari_spellings_of_a_name_match() -> None:
    a, b = signature(OUTAGE_LATIN), signature(OUTAGE_DEVANAGARI)
    assert "whatsapp" in a.terms
    assert "व्हाट्सऐप" in b.terms
    assert linking._skeleton("whatsapp") == linking._skeleton("व्हाट्सऐप")
    with_names = similarity(a, b, IDF)
    original = linking.SKELETON_CREDIT
    try:
        linking.SKELETON_CREDIT = 0.0
        without = similarity(a, b, IDF)
    finally:
        linking.SKELETON_CREDIT = original
    assert with_names > without + 0.05


@pytest.mark.parametrize(
    ("latin", "devanagari"),
    [("pegasus", "पेगासस"), ("facebook", "फेसबुक"), ("twitter", "ट्विटर"), ("technova", "टेकनोवा")],
)
def test_skeletons_of_common_transliterations(latin: str, devanagari: str) -> None:
    assert linking._skeleton(latin) == linking._skeleton(linking.stem(devanagari))


def test_headline_places_that_differ_lower_the_score() -> None:
    kerala = art(
        "केरल में कोरोना के 5942 नए केस, 16 मरीजों की मौत",
        "केरल में कोरोना संक्रमण के 5942 नए मामले सामने आए और 16 मरीजों की मौत हो गई।"
        " सक्रिय मामलों की संख्या घटी है।",
    )
    karnataka = art(
        "कर्नाटक में कोरोना के 4373 नए केस, 19 मरीजों की मौत",
        "कर्नाटक में कोरोना संक्रमण के 4373 नए मामले सामने आए और 19 मरीजों की मौत हो गई।"
        " सक्रिय मामलों की संख्या घटी है।",
    )
    a, b = signature(kerala), signature(karnataka)
    assert linking.places_of(a) == {"केरल"}
    assert linking.places_of(b) == {"कर्नाटक"}
    original = linking.PLACE_CONFLICT
    try:
        linking.PLACE_CONFLICT = 1.0
        plain = similarity(a, b, IDF)
    finally:
        linking.PLACE_CONFLICT = original
    assert similarity(a, b, IDF) == pytest.approx(plain * original)


def test_terms_drop_function_words_and_keep_numbers_with_units() -> None:
    terms = terms_of("परियोजना पर 6,200 करोड़ रुपये खर्च होंगे और 14 स्टेशन बनेंगे।")
    assert "6200_करोड" in terms
    assert "14_स्टेशन" in terms
    assert not {"पर", "और", "होंगे"} & set(terms)


def test_title_words_weigh_more_than_body_words() -> None:
    sig = signature(art("मेट्रो लाइन", "किराया तय हुआ। मेट्रो और किराया।"))
    assert sig.terms["मेट्र"] > sig.terms["किराय"]  # title once beats body twice


def test_signature_is_capped_and_normalised() -> None:
    words = " ".join(f"शब्द{i}क" for i in range(300))
    sig = signature(art("शीर्षक", words))
    content = [w for w in sig.terms.values() if w > 0]
    assert len(content) <= MAX_TERMS
    assert sum(w * w for w in content) == pytest.approx(1.0)


def test_merge_keeps_the_thread_and_fades_old_background() -> None:
    story = signature(METRO_ANNOUNCED)
    merged = merge(story, signature(METRO_OPENED), 1)
    assert {"सूरजनगर", "नारंग", "मेट्र"} <= set(merged.terms)
    assert "विश्वविद्यालय" in merged.terms  # new in the second article
    assert similarity(merged, signature(METRO_OPENED), IDF) > similarity(
        story, signature(METRO_OPENED), IDF
    )
    assert merge(Signature({}), story, 0).terms == story.terms


def test_serialize_round_trip_is_compact() -> None:
    sig = signature(METRO_ANNOUNCED)
    text = serialize(sig)
    back = deserialize(text)
    assert back.terms.keys() == sig.terms.keys()
    assert all(abs(back.terms[t] - w) < 1e-5 for t, w in sig.terms.items())
    assert len(text.encode()) < 4000
    assert deserialize("").terms == {}


def test_empty_signatures_score_zero() -> None:
    assert similarity(Signature({}), signature(MONSOON), IDF) == 0.0
