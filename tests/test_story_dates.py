"""`/story N` dates each article by its event where the article states one, and by its
posting day otherwise, labelled as such. Through the command layer on a real SQLite file."""

from __future__ import annotations

from datetime import timedelta

from bot import texts
from bot.clock import ManualClock
from storage import articles
from storage.db import Database
from tests.conftest import Chat, fixture_text


def _line(story: str, n: int) -> str:
    return next(line for line in story.splitlines() if line.startswith(f"{n}. "))


async def test_story_timeline_shows_the_event_date_else_the_labelled_posting_date(
    admin: Chat, reader: Chat, clock: ManualClock, db: Database
) -> None:
    # Posted on Friday 27 November; the article says the line opens "सोमवार, 7 दिसंबर".
    await admin.say("/post " + fixture_text("metro.txt"))
    clock.advance(timedelta(days=1))
    # Posted on Saturday 28 November; it says only "सोमवार", a weekday and no date.
    await admin.say("/post " + fixture_text("metro_opened.txt"))
    opened = await articles.get(db, 2)
    assert opened is not None and opened.story_id == 1  # the premise: one story
    story = await reader.say("/story 1")
    first, second = _line(story, 1), _line(story, 2)
    assert "<i>सोमवार, 7 दिसंबर</i> · लेख 1" in first and "27 नवंबर" not in first
    posted = texts.TIMELINE_POSTED.format(date="शनिवार, 28 नवंबर")
    assert f"<i>{posted}</i> · लेख 2" in second
