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
    # Pegasus never acts ("X ने", "X को") and is named twice only; "Spyware" is a common noun.
    assert set(names) == {"WhatsApp", "NSO", "CERT-IN"}


def test_who_names_a_latin_name_the_article_keeps_returning_to() -> None:
    body = (
        "WhatsApp ने NSO पर मुकदमा किया। NSO के Pegasus का इस्तेमाल हुआ। "
        "Pegasus के बारे में किसी को पता नहीं था। अब Pegasus की जांच होगी।"
    )
    names = _texts(extract_facts(body), "who")[0].split(", ")
    assert "Pegasus" in names  # three mentions: what the story is about, acting or not


def test_who_devanagari_organisations() -> None:
    body = "समाचार एजेंसी एएनआई ने बताया कि भारत सरकार को जानकारी दी गई थी और सरकार ने जांच की।"
    whos = _texts(extract_facts(body), "who")
    # the government is an actor; the news agency is only the report's source
    assert whos == ["भारत सरकार"]
    body = "एनडीआरएफ ने बचाव अभियान चलाया और केंद्रीय स्वास्थ्य मंत्रालय ने टीमें भेजीं।"
    names = _texts(extract_facts(body), "who")[0].split(", ")
    assert set(names) == {"एनडीआरएफ", "केंद्रीय स्वास्थ्य मंत्रालय"}


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
    # the title before the name is dropped: the card names the speaker, not the office
    assert quotes == ["राम कुमार: सभी स्कूल सोमवार तक बंद रहेंगे और परीक्षाएं टलेंगी"]
    # the same words already in the summary are not repeated
    assert _texts(extract_facts(body, exclude=body), "quote") == []


def test_where_dateline_and_known_place() -> None:
    facts = extract_facts("चंडीगढ़: पुलिस ने आज दो लोगों को गिरफ्तार किया है।")
    assert _texts(facts, "where") == ["चंडीगढ़"]
    facts = extract_facts("बारिश के बाद लखनऊ में कई सड़कें डूब गईं और पानी भर गया।")
    assert _texts(facts, "where") == ["लखनऊ"]
    facts = extract_facts("बारिश के बाद सीतापुर में कई सड़कें डूब गईं।")  # a town by its ending
    assert _texts(facts, "where") == ["सीतापुर"]


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


# --- when -----------------------------------------------------------------------------------


def test_when_weekday_with_bracketed_date_and_relative_month() -> None:
    body = "सैमसंग ने गुरुवार (27 जुलाई) नए फोन लॉन्च किए। पिछले साल मई में भी कंपनी ने ऐसा किया था।"
    whens = _texts(extract_facts(body, limit=10), "when")
    assert "गुरुवार (27 जुलाई)" in whens
    assert "पिछले साल मई" in whens


def test_when_day_month_year_and_part_of_day() -> None:
    body = "दोनों ने 31 मई, 2020 को शादी की थी। समारोह बुधवार देर रात तक चला और सब खुश थे।"
    whens = _texts(extract_facts(body, limit=10), "when")
    assert "31 मई, 2020" in whens
    assert "बुधवार देर रात" in whens


def test_when_in_the_lead_ranks_above_a_later_repeated_date() -> None:
    body = (
        "टाटा मोटर्स ने आज (3 जुलाई) दाम बढ़ाने का एलान किया। नई कीमतें कई मॉडलों पर लागू होंगी। "
        "बुकिंग 16 जुलाई तक खुली है। 16 जुलाई के बाद दाम बढ़ेंगे।"
    )
    assert _texts(extract_facts(body), "when")[0] == "3 जुलाई"


# --- number ---------------------------------------------------------------------------------


def test_number_percent_currency_and_more_than() -> None:
    def numbers(body: str) -> list[str]:
        return _texts(extract_facts(body), "number")

    assert numbers("कीमतों में 0.6% की बढ़ोतरी हुई।") == ["0.6%"]
    assert numbers("कंपनी ने ₹500 करोड़ का निवेश किया।") == ["₹500 करोड़"]
    assert numbers("एक दिन में 80 लाख से ज़्यादा वैक्सीन लगाई गईं।") == ["80 लाख से ज़्यादा वैक्सीन"]


def test_number_words_and_counted_noun_stops_at_predicate() -> None:
    assert _texts(extract_facts("हादसे में पांच युवक लापता हैं।"), "number") == ["पांच युवक"]
    body = "बाढ़ में करीब 150 मज़दूर लापता बताए जा रहे हैं।"
    assert _texts(extract_facts(body), "number") == ["150 मज़दूर"]


def test_a_weak_second_fact_of_a_kind_is_not_shown() -> None:
    body = "बाढ़ में करीब 150 मज़दूर लापता हैं। ट्रेन हर दस मिनट पर चलेगी।"
    assert _texts(extract_facts(body), "number") == ["150 मज़दूर"]


def test_number_skips_clock_times_and_product_names() -> None:
    body = "बैठक 4 बजे शुरू हुई। Apple ने iOS 17 जारी किया और watchOS 10 अपडेट भी आया।"
    assert _texts(extract_facts(body, limit=10), "number") == []


# --- who ------------------------------------------------------------------------------------


def test_who_person_after_a_title_and_by_recurring_surname() -> None:
    body = (
        "हरियाणा के मुख्यमंत्री मनोहर लाल खट्टर ने रविवार को बैठक की। "
        "खट्टर ने कहा कि किसानों को बदनाम किया गया है। खट्टर ने जांच के आदेश दिए।"
    )
    assert _texts(extract_facts(body), "who") == ["मनोहर लाल खट्टर"]


def test_who_initials_stay_with_the_surname() -> None:
    body = "भाजपा अध्यक्ष जेपी नड्डा ने राहुल गांधी पर हमला बोला। नड्डा ने वीडियो ट्वीट किया।"
    names = _texts(extract_facts(body), "who")[0].split(", ")
    assert "जेपी नड्डा" in names
    assert "जेपी" not in names


def test_who_three_letter_acronym_is_no_initials_before_a_common_word() -> None:
    """Cards listed "सीबीआई हिरासत" and "यूसीसी लागू" as if they were people."""
    body = (
        "सीबीआई ने मनीष सिसोदिया को गिरफ्तार किया। अदालत ने उन्हें सीबीआई हिरासत में भेजा। "
        "सीबीआई हिरासत पांच दिन की होगी। भाजपा अध्यक्ष जेपी नड्डा ने बयान दिया।"
    )
    names = _texts(extract_facts(body), "who")[0].split(", ")
    assert "सीबीआई" in names and "सीबीआई हिरासत" not in names, names
    assert "जेपी नड्डा" in names, names  # two initials before a name stay one name


def test_who_latin_acronyms_of_things_and_titles_are_no_names() -> None:
    """ "AC", "ID", "DGP" are what "एसी", "आईडी", "डीजीपी" are in Devanagari: no actors."""
    body = (
        "ट्रेन के AC कोच में आग लगी। DGP ने जांच के आदेश दिए। यात्री की ID से पहचान हुई। "
        "NDRF की टीम मौके पर पहुंची। NDRF ने लोगों को निकाला।"
    )
    names = _texts(extract_facts(body), "who")[0].split(", ")
    assert names == ["NDRF"], names


def test_who_organisation_needs_a_proper_head() -> None:
    body = "विरोध करना पड़ा महंगा सरकार ने कार्रवाई की। पंजाब पुलिस ने दो लोगों को पकड़ा।"
    names = _texts(extract_facts(body), "who")[0].split(", ")
    assert "पंजाब पुलिस" in names
    assert not any("महंगा" in n for n in names)


def test_who_skips_english_kickers_and_news_agencies() -> None:
    body = (
        "Attack on youths while bathing in Yamuna: यमुना में नहाने गए युवकों पर हमला हुआ। "
        "समाचार एजेंसी पीटीआई ने यह जानकारी दी। NDRF ने बचाव अभियान चलाया।"
    )
    names = _texts(extract_facts(body), "who")[0].split(", ")
    assert names == ["NDRF"]


def test_who_gloss_in_brackets_is_one_name() -> None:
    body = "भारतीय अंतरिक्ष अनुसंधान संगठन (इसरो) ने उपग्रह छोड़ा। इसरो ने इसे बड़ी सफलता बताया।"
    assert len(_texts(extract_facts(body), "who")[0].split(", ")) == 1


def test_who_names_an_acronym_once_whichever_script_it_is_written_in() -> None:
    """A card read "ईडी, गायत्री प्रसाद प्रजापति, ED": one agency, two scripts."""
    body = (
        "ईडी ने पूर्व मंत्री गायत्री प्रसाद प्रजापति के घर छापा मारा। ईडी की टीम सुबह पहुंची। "
        "ED के अधिकारियों ने बताया कि ED को कई दस्तावेज मिले हैं। सीबीआई ने भी मामला दर्ज किया है।"
    )
    names = _texts(extract_facts(body), "who")[0].split(", ")
    assert "ईडी" in names and "ED" not in names, names
    # The Latin spelling stays when it is the better-supported one.
    latin_first = body.replace("ईडी", "_").replace("ED", "ईडी").replace("_", "ED")
    names = _texts(extract_facts(latin_first), "who")[0].split(", ")
    assert "ED" in names and "ईडी" not in names, names


def test_who_names_a_person_once_whether_the_nasal_is_a_half_letter_or_anusvara() -> None:
    """A card read "नरेंद्र मोदी, नरेन्द्र मोदी": both spellings are standard Hindi."""
    body = (
        "प्रधानमंत्री नरेंद्र मोदी ने रैली को संबोधित किया। नरेंद्र मोदी ने कहा कि काम जारी रहेगा। "
        "बाद में प्रधानमंत्री नरेन्द्र मोदी ने राष्ट्रपति रामनाथ कोविंद से मुलाकात की।"
    )
    names = _texts(extract_facts(body), "who")[0].split(", ")
    assert names.count("नरेंद्र मोदी") + names.count("नरेन्द्र मोदी") == 1, names
    assert "रामनाथ कोविंद" in names


# --- quote ----------------------------------------------------------------------------------


def test_quote_in_doubled_single_quotes_with_title_stripped_from_speaker() -> None:
    body = "AIMIM प्रमुख असदुद्दीन ओवैसी ने कहा, ‘‘मैं मौत से नहीं डरता और मुझे सुरक्षा नहीं चाहिए।’’"
    quotes = _texts(extract_facts(body), "quote")
    assert quotes == ["असदुद्दीन ओवैसी: “मैं मौत से नहीं डरता और मुझे सुरक्षा नहीं चाहिए।”"]


def test_quote_short_single_quoted_term_is_no_quote() -> None:
    body = "इस ‘इमरजेंसी लैंडिंग फील्ड’ का उद्घाटन गुरुवार को होगा और मंत्री मौजूद रहेंगे।"
    assert _texts(extract_facts(body), "quote") == []


def test_quote_according_to_source() -> None:
    body = "मोनिका के मुताबिक कंगना ने पढ़ाई के दौरान ही एक्टिंग की ट्रेनिंग लेना शुरू किया था।"
    quotes = _texts(extract_facts(body), "quote")
    assert quotes == ["मोनिका: कंगना ने पढ़ाई के दौरान ही एक्टिंग की ट्रेनिंग लेना शुरू किया था"]


def test_quote_without_a_speaker_is_not_offered() -> None:
    body = "बैठक के बाद सब चुप रहे। “उनके संगठन की कई प्रमुख मांगें अभी बाकी हैं।”"
    assert _texts(extract_facts(body), "quote") == []


def test_quote_attributed_to_media_report_is_not_a_statement() -> None:
    body = "ताइपे टाइम्स के मुताबिक, पिछले साल मई में कपल के बीच लड़ाई हुई थी।"
    assert _texts(extract_facts(body), "quote") == []
    body = "रिपोर्ट के अनुसार दोनों ने बिना किसी को बताए शादी कर ली थी।"
    assert _texts(extract_facts(body), "quote") == []


def test_quote_by_an_unnamed_person_gives_way_to_a_named_speaker() -> None:
    body = (
        "एक युवक ने बताया कि- 'हम 11 लोग थे जब हम नहा रहे थे तब कुछ लोग आए।' "
        "पुलिस ने बताया कि- 'यह आपसी रंजिश का मामला है और जांच जारी है।'"
    )
    quotes = _texts(extract_facts(body, limit=10), "quote")
    assert quotes == ["पुलिस: “यह आपसी रंजिश का मामला है और जांच जारी है।”"]


def test_one_quote_and_at_most_two_numbers_per_card() -> None:
    body = (
        "मंत्री राम कुमार ने कहा, “सभी 20 स्कूल सोमवार तक बंद रहेंगे और परीक्षाएं टलेंगी।” "
        "सांसद श्याम लाल ने कहा, “हम 30 गांवों में राहत सामग्री भेज रहे हैं और मदद करेंगे।” "
        "बाढ़ में 15 घर, 40 दुकानें और 300 पेड़ बह गए।"
    )
    facts = extract_facts(body, limit=10)
    assert len(_texts(facts, "quote")) == 1
    assert len(_texts(facts, "number")) <= 2


# --- where ----------------------------------------------------------------------------------


def test_where_agency_dateline_village_and_place_within_region() -> None:
    facts = extract_facts("नई दिल्ली, 12 मई (भाषा) सरकार ने आज नई नीति की घोषणा की है।")
    assert _texts(facts, "where") == ["नई दिल्ली"]
    body = "किसानों ने कैमला गांव में प्रदर्शन किया और सड़क जाम की।"
    assert _texts(extract_facts(body), "where") == ["कैमला"]
    body = "हरियाणा के यमुना नगर में युवकों पर हमला हुआ और पुलिस जांच कर रही है।"
    assert _texts(extract_facts(body), "where") == ["यमुना नगर"]


def test_where_country_from_gazetteer() -> None:
    body = "ताइवान में एक पति को पत्नी का अकाउंट हैक करने पर सजा हुई है।"
    assert _texts(extract_facts(body), "where") == ["ताइवान"]


def test_where_venue_without_postposition() -> None:
    body = "व्हाइट हाउस के रोज गार्डन (गुलाब उद्यान) में हुई मीडिया टॉक में राष्ट्रपति भी थे।"
    assert _texts(extract_facts(body), "where") == ["व्हाइट हाउस"]
    body = "ओवैसी ने शुक्रवार को लोकसभा में सुरक्षा का मुद्दा उठाया और सवाल पूछे।"
    assert _texts(extract_facts(body), "where") == ["लोकसभा"]


def test_where_known_place_before_tour() -> None:
    body = "टीम का नया साइकल जुलाई में वेस्टइंडीज दौरे से शुरू होगा और दो टेस्ट होंगे।"
    assert _texts(extract_facts(body), "where") == ["वेस्टइंडीज"]


def test_card_facts_are_grouped_by_kind() -> None:
    """The best of each kind is picked first, but a second date never follows the quote."""
    body = (
        "शुक्रवार, 1 नवंबर की रात कंपनी ने बयान जारी किया। कंपनी WhatsApp ने कहा कि उसने "
        "मई में ही सरकार को जानकारी दी थी। अब तक 20 भारतीय नागरिकों की पहचान हुई है। "
        "WhatsApp ने कहा, “हमारी सबसे बड़ी प्राथमिकता यूजर्स की सुरक्षा है।”"
    )
    kinds = _kinds(extract_facts(body, limit=10))
    assert kinds.count("when") == 2
    firsts = [kinds.index(kind) for kind in dict.fromkeys(kinds)]
    assert kinds == sorted(kinds, key=kinds.index), kinds  # each kind in one run
    assert firsts == sorted(firsts)
    assert kinds[-1] == "quote"


def test_where_short_sentences_are_not_datelines() -> None:
    """Only a first sentence without a verb is a dateline like "बांदा।"."""
    for short in ("बाजार खुले रहे।", "स्कूल बंद रहे।", "सड़कें सूनी रहीं।", "बसें नहीं चलीं।"):
        later = extract_facts(f"मुंबई में आज भारी बारिश हुई। {short}", limit=10)
        assert _texts(later, "where") == ["मुंबई"], short
        first = extract_facts(f"{short} मुंबई में आज भारी बारिश हुई और लोग घर रहे।", limit=10)
        assert _texts(first, "where") == ["मुंबई"], short
    dateline = extract_facts("बांदा। जिले में आज भारी बारिश हुई और लोग घरों में रहे।", limit=10)
    assert _texts(dateline, "where") == ["बांदा"]


def test_quote_speaker_keeps_the_organisation_of_a_bare_role() -> None:
    body = (
        "मैसेजिंग ऐप WhatsApp ने अदालत में मुकदमा दायर किया है। WhatsApp के प्रमुख ने कहा, "
        "“हम अपने यूजर्स की निजता की रक्षा के लिए हर कानूनी कदम उठाएंगे।”"
    )
    quotes = _texts(extract_facts(body, limit=10), "quote")
    assert quotes and quotes[0].startswith("WhatsApp के प्रमुख: “हम अपने यूजर्स"), quotes
