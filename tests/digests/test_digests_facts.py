from __future__ import annotations

from pathlib import Path

from digests.clean import clean_text, split_title
from digests.facts import MAX_QUOTE_WORDS, extract_facts
from digests.sentences import count_words


def _kinds(facts):  # type: ignore[no-untyped-def]
    return [f.kind for f in facts]


def _texts(facts, kind: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.text for f in facts if f.kind == kind]


def test_when_weekday_date_and_month() -> None:
    body = "शुक्रवार, 1 नवंबर की रात बयान जारी हुआ। कंपनी ने मई में सूचना दी थी। मई में ही बात हुई।"
    whens = _texts(extract_facts(body, limit=10), "when")
    assert "मई" in whens
    assert "शुक्रवार, 1 नवंबर की रात" in whens


def test_when_ignores_nukta_and_spelling_variants() -> None:
    facts = extract_facts("बैठक 5 फरवरी को हुई और अगली बैठक 3 नवम्बर को होगी।", limit=10)
    assert {"5 फरवरी", "3 नवम्बर"} <= set(_texts(facts, "when"))
    facts = extract_facts("बैठक 5 फ़रवरी को हुई थी और सब लोग आए थे।", limit=10)
    assert _texts(facts, "when") == ["5 फ़रवरी"]


def test_when_relative_weekday() -> None:
    facts = extract_facts("पुलिस को बीते मंगलवार से अब तक कई सुराग मिले हैं।")
    assert _texts(facts, "when") == ["बीते मंगलवार"]


def test_number_with_what_it_counts() -> None:
    body = "अब तक उन 20 भारतीय नागरिकों का पता चला है। परियोजना पर 6,200 करोड़ रुपये खर्च होंगे।"
    numbers = _texts(extract_facts(body, limit=10), "number")
    assert "20 भारतीय नागरिकों" in numbers
    assert "6,200 करोड़ रुपये" in numbers


def test_number_skips_dates_years_and_phone_numbers() -> None:
    body = "1 नवंबर 2019 को कार्यक्रम हुआ। संपर्क 9876543210 पर करें। साल 2019 में शुरुआत हुई।"
    assert _texts(extract_facts(body, limit=10), "number") == []


def test_who_groups_latin_names_and_acronyms() -> None:
    body = (
        "WhatsApp ने NSO पर मुकदमा किया। WhatsApp ने CERT-IN को बताया था। "
        "NSO के Pegasus का इस्तेमाल हुआ। Pegasus Spyware बेचा गया। WhatsApp ने बयान दिया।"
    )
    whos = _texts(extract_facts(body), "who")
    names = whos[0].split(", ")
    assert names[0] == "WhatsApp"  # the most frequent name leads
    assert set(names) == {"WhatsApp", "NSO", "Pegasus", "CERT-IN"}  # "Spyware" is no actor


def test_who_devanagari_organisations() -> None:
    body = "समाचार एजेंसी एएनआई ने बताया कि भारत सरकार को जानकारी दी गई थी और सरकार ने जांच की।"
    whos = _texts(extract_facts(body), "who")
    assert whos and "भारत सरकार" in whos[0] and "एएनआई" in whos[0]


def test_quote_with_speaker_and_length_cap() -> None:
    long_quote = " ".join(["हम"] + ["बहुत"] * 40 + ["खुश हैं."])
    body = f"शुक्रवार की रात WhatsApp ने बयान जारी कर बताया-\n\n“{long_quote}”"
    quotes = _texts(extract_facts(body), "quote")
    assert quotes[0].startswith("WhatsApp: “हम बहुत")
    assert quotes[0].endswith("…”")
    assert count_words(quotes[0]) <= MAX_QUOTE_WORDS + 1  # + the speaker


def test_reported_speech_becomes_quote() -> None:
    body = "जिलाधिकारी राम कुमार ने कहा कि सभी स्कूल सोमवार तक बंद रहेंगे और परीक्षाएं टलेंगी।"
    quotes = _texts(extract_facts(body), "quote")
    assert quotes == ["जिलाधिकारी राम कुमार: सभी स्कूल सोमवार तक बंद रहेंगे और परीक्षाएं टलेंगी"]
    # the same words already in the summary are not repeated
    assert _texts(extract_facts(body, exclude=body), "quote") == []


def test_where_dateline_and_known_place() -> None:
    facts = extract_facts("चंडीगढ़: पुलिस ने आज दो लोगों को गिरफ्तार किया है।")
    assert _texts(facts, "where") == ["चंडीगढ़"]
    facts = extract_facts("बारिश के बाद लखनऊ में कई सड़कें डूब गईं और सीतापुर में भी पानी भरा।", limit=10)
    assert {"लखनऊ", "सीतापुर"} <= set(_texts(facts, "where"))


def test_facts_are_faithful_unique_short_and_limited() -> None:
    seed_text = (Path(__file__).parent / "fixtures" / "seed_like_clutter.txt").read_text(
        encoding="utf-8"
    )
    title, body = split_title(clean_text(seed_text))
    facts = extract_facts(body, title)
    assert 3 <= len(facts) <= 5
    assert len({f.text for f in facts}) == len(facts)
    source = f"{title}\n{body}"
    for fact in facts:
        for part in fact.text.replace("“", "\n").replace("”", "\n").split(", "):
            for piece in part.split(": "):
                assert piece.strip(" \n…") in source
        assert count_words(fact.text) <= MAX_QUOTE_WORDS + 5


def test_no_facts_from_nothing() -> None:
    assert extract_facts("") == ()
    assert extract_facts("कुछ नहीं", limit=0) == ()


def test_generic_sources_are_not_speakers() -> None:
    body = "वर्तमान स्थिति के अनुसार गुजरात की टीम पहले और चेन्नई की टीम दूसरे स्थान पर है।"
    assert _texts(extract_facts(body), "quote") == []


def test_party_aliases_count_once() -> None:
    body = "बीजेपी ने बैठक की। भाजपा के नेता पहुंचे। भाजपा ने बयान जारी किया।"
    whos = _texts(extract_facts(body), "who")
    assert whos == ["बीजेपी"]
