"""Reading an event's date out of `when` fact texts (digests.event_date)."""

from __future__ import annotations

from datetime import date

import pytest

from digests.event_date import event_date, parse_date
from digests.model import Fact

POSTED = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("सोमवार, 7 दिसंबर", date(2026, 12, 7)),  # next month, not last year's
        ("शुक्रवार, 1 नवंबर", date(2026, 11, 1)),
        ("1 नवम्बर 2020", date(2020, 11, 1)),  # another spelling, a written year
        ("31 मई, 2020", date(2020, 5, 31)),
        ("०५ जनवरी", date(2027, 1, 5)),  # Devanagari digits, the nearest year
        ("07/12/2026", date(2026, 12, 7)),  # day first
        ("सोमवार", None),  # a weekday is not a date
        ("फ़रवरी", None),
        ("31 जून", None),  # no such day
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text, POSTED) == expected


def test_event_date_takes_the_first_when_fact_that_names_a_date() -> None:
    facts = (
        Fact("who", "नगर निगम"),
        Fact("when", "सोमवार"),
        Fact("when", "शनिवार, 5 दिसंबर"),
        Fact("when", "8 दिसंबर"),
    )
    assert event_date(facts, POSTED) == date(2026, 12, 5)
    assert event_date((Fact("number", "7 दिसंबर"),), POSTED) is None  # only `when` facts
