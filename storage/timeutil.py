"""How times are stored: UTC ISO-8601 text, which sorts and compares as text in SQL."""

from __future__ import annotations

from datetime import UTC, datetime


def to_db(dt: datetime) -> str:
    if dt.tzinfo is None:
        raise ValueError("naive datetime would be ambiguous in the database")
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def from_db(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
