"""Dates written the way Hindi readers expect them in a digest ("शुक्रवार, 1 नवंबर").

Babel's CLDR data gives the Hindi month and weekday names; the time is formatted by hand
so the clock reading of the datetime passed in is shown as is, without Babel's time-zone
conversion (the caller decides the reader's zone).
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date as babel_format_date

LOCALE = "hi"
_WITH_WEEKDAY = "EEEE, d MMMM"
_WITHOUT_WEEKDAY = "d MMMM"


def format_date(d: date | datetime, weekday: bool = True) -> str:
    """ "शुक्रवार, 1 नवंबर", or "1 नवंबर" without the weekday; no year (digests are daily)."""
    day = d.date() if isinstance(d, datetime) else d
    return babel_format_date(day, _WITH_WEEKDAY if weekday else _WITHOUT_WEEKDAY, locale=LOCALE)


def format_date_time(dt: datetime) -> str:
    """ "1 नवंबर, 07:00": day, month and 24-hour time, in the datetime's own zone."""
    return f"{format_date(dt, weekday=False)}, {dt.hour:02d}:{dt.minute:02d}"
