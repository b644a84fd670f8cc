from __future__ import annotations

from datetime import UTC, date, datetime

from digests.dates import format_date, format_date_time


def test_format_date_with_and_without_weekday() -> None:
    assert format_date(date(2019, 11, 1)) == "शुक्रवार, 1 नवंबर"
    assert format_date(date(2019, 11, 1), weekday=False) == "1 नवंबर"
    assert format_date(datetime(2024, 2, 5, 23, 59)) == "सोमवार, 5 फ़रवरी"


def test_format_date_time_keeps_the_clock_reading() -> None:
    assert format_date_time(datetime(2019, 11, 1, 7, 0)) == "1 नवंबर, 07:00"
    assert format_date_time(datetime(2019, 11, 1, 23, 5, tzinfo=UTC)) == "1 नवंबर, 23:05"
