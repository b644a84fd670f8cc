from __future__ import annotations

import pytest

from digests.rouge import mean_scores, rouge_scores


def test_identical_texts_score_one() -> None:
    scores = rouge_scores("सरकार ने नई मेट्रो लाइन को मंजूरी दी।", "सरकार ने नई मेट्रो लाइन को मंजूरी दी।")
    assert scores == {"rouge1": 1.0, "rouge2": 1.0, "rougeL": 1.0}


def test_devanagari_vowel_signs_are_kept() -> None:
    # A tokenizer that drops vowel signs would make these the same word.
    assert rouge_scores("उपलब्ध", "उपलब")["rouge1"] == 0.0


def test_partial_overlap() -> None:
    scores = rouge_scores("सरकार ने लाइन को मंजूरी दी", "सरकार ने मेट्रो लाइन को मंजूरी दी")
    assert scores["rouge1"] == pytest.approx(2 * 1 * (6 / 7) / (1 + 6 / 7))
    assert 0 < scores["rouge2"] < scores["rouge1"]
    assert scores["rougeL"] == pytest.approx(scores["rouge1"])


def test_empty() -> None:
    assert rouge_scores("", "कुछ") == {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    assert mean_scores([]) == {}
    assert mean_scores([("क ख", "क ख")])["rouge1"] == pytest.approx(100.0)
