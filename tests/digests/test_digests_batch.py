from __future__ import annotations

import json

from digests.batch import digest_line
from digests.evaluation import Reference, evaluate, format_evaluation, lead_sentences

ARTICLE = (
    "राज्य सरकार ने सोमवार को शहर की दूसरी मेट्रो लाइन को मंजूरी दे दी। "
    "यह लाइन पुराने बस अड्डे से हवाई अड्डे तक जाएगी और इस पर 14 स्टेशन होंगे। "
    "परियोजना पर लगभग छह हजार करोड़ रुपये खर्च होने का अनुमान है।"
)


def test_digest_line_ok() -> None:
    result = digest_line(json.dumps({"id": "a1", "title": "मेट्रो को मंजूरी", "text": ARTICLE}))
    assert result["id"] == "a1"
    assert result["summary"].startswith("राज्य सरकार ने")
    assert all(set(f) == {"kind", "text"} for f in result["facts"])


def test_digest_line_errors_are_results() -> None:
    assert digest_line("{not json") == {"id": None, "error": "invalid_json"}
    assert digest_line("[1, 2]") == {"id": None, "error": "not_an_object"}
    assert digest_line('{"id": 7}') == {"id": 7, "error": "missing_text"}
    assert digest_line('{"id": 7, "text": 5}') == {"id": 7, "error": "missing_text"}
    english = json.dumps({"id": "e", "text": "The government approved a new metro line today."})
    assert digest_line(english) == {"id": "e", "error": "not_hindi"}
    clutter = json.dumps({"id": "c", "text": "ADVERTISEMENT\nमेंबर बनें\n×"})
    assert digest_line(clutter) == {"id": "c", "error": "empty_article"}


def test_lead_sentences_split_after_danda_question_and_exclamation() -> None:
    assert lead_sentences("पहला वाक्य। दूसरा? तीसरा! चौथा।") == "पहला वाक्य। दूसरा?"
    assert lead_sentences("बिना दंड के") == "बिना दंड के"


def test_evaluate_scores_both_systems_on_the_same_articles() -> None:
    refs = [
        Reference(ARTICLE, "राज्य सरकार ने मेट्रो लाइन को मंजूरी दी।", "मेट्रो"),
        Reference("This is English.", "कुछ नहीं"),
    ]
    result = evaluate(refs)
    assert result.articles == 2 and result.failed == 1
    assert 0 < result.khabar.rouge1 <= 100 and 0 < result.lead.rouge1 <= 100
    table = format_evaluation(result, "tiny.jsonl")
    assert "khabar" in table and "lead-2" in table and "margin" in table
