"""What counts as new to a reader: facts compared by their words, names one by one."""

from __future__ import annotations

from digests.model import Fact
from digests.novelty import new_facts


def test_same_fact_in_another_form_is_not_new() -> None:
    seen = ["20 भारतीय नागरिकों", "शुक्रवार, 1 नवंबर"]
    candidates = [Fact("number", "20 भारतीय नागरिक"), Fact("when", "शुक्रवार, 1 नवंबर")]
    assert new_facts(candidates, seen) == []


def test_a_new_figure_is_new() -> None:
    seen = ["40 हज़ार यात्रियों"]
    assert new_facts([Fact("number", "52 हज़ार लोगों")], seen) == [Fact("number", "52 हज़ार लोगों")]


def test_only_unknown_names_of_a_who_fact_are_new() -> None:
    seen = ["WhatsApp, NSO, Pegasus"]
    fresh = new_facts([Fact("who", "WhatsApp, भारत सरकार, NSO, CERT-IN")], seen)
    assert fresh == [Fact("who", "भारत सरकार, CERT-IN")]
    assert new_facts([Fact("who", "NSO, WhatsApp")], seen) == []


def test_repeats_among_the_candidates_are_dropped() -> None:
    candidates = [Fact("where", "केरल"), Fact("where", "केरल"), Fact("when", "मई")]
    assert new_facts(candidates, []) == [Fact("where", "केरल"), Fact("when", "मई")]


def test_nukta_and_case_do_not_make_a_fact_new() -> None:
    assert new_facts([Fact("when", "फ़रवरी")], ["फरवरी"]) == []
    assert new_facts([Fact("who", "whatsapp")], ["WhatsApp"]) == []
