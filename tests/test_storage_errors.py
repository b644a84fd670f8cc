"""Storage raises its own errors (storage.errors) with the engine's plain words, never the
engine's exceptions; the bot says them in Hindi (bot/database.py)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.database import database, unavailable_line
from digests.model import Digested
from storage import articles, stories, subscribers
from storage.db import Database
from storage.errors import DatabaseUnavailable, Duplicate, Problem, StorageError

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
ARTICLE = Digested(title="पुल गिरा", body="नदीपुर में पुल गिरा।", summary="पुल गिरा", facts=())


async def _subscribe(db: Database, chat_id: int) -> None:
    await subscribers.create(
        db,
        chat_id=chat_id,
        first_name="राधा",
        digest_time="07:00",
        tz="Asia/Kolkata",
        next_digest_at=NOW,
        now=NOW,
    )


async def test_a_second_article_with_one_content_hash_is_a_duplicate(db: Database) -> None:
    async with db.transaction() as tx:
        story = await stories.create(tx, ARTICLE.title, NOW)
        fields = dict(story_id=story, article=ARTICLE, content_hash="h", source_url=None)
        await articles.insert(tx, **fields, posted_by=None, posted_at=NOW)
    with pytest.raises(Duplicate) as caught:
        async with db.transaction() as tx:
            await articles.insert(tx, **fields, posted_by=None, posted_at=NOW)
    assert not isinstance(caught.value, sqlite3.Error)
    assert "UNIQUE constraint failed" in str(caught.value)
    assert await articles.count(db) == 1  # the failed transaction changed nothing


async def test_moving_a_chat_onto_a_subscribed_one_is_a_duplicate(db: Database) -> None:
    await _subscribe(db, -1)
    await _subscribe(db, -2)
    with pytest.raises(Duplicate):
        await subscribers.migrate_chat(db, -1, -2)
    assert (await subscribers.counts(db)) == (2, 0)


async def test_other_engine_failures_are_storage_errors(db: Database) -> None:
    with pytest.raises(StorageError) as caught:
        await db.fetchall("SELECT * FROM no_such_table")
    assert not isinstance(caught.value, (sqlite3.Error, Duplicate))
    assert "no_such_table" in caught.value.detail


async def test_an_unusable_path_is_english_in_storage_and_hindi_from_the_bot(
    tmp_path: Path,
) -> None:
    with pytest.raises(DatabaseUnavailable) as caught:
        async with database(tmp_path):
            pass
    assert caught.value.problem is Problem.IS_FOLDER
    assert str(caught.value) == f"{tmp_path}: is a folder"
    assert unavailable_line(caught.value) == (
        f"डेटाबेस नहीं खुला: {tmp_path}: यह फ़ोल्डर है, डेटाबेस फ़ाइल नहीं (--db को फ़ाइल का रास्ता दें)"
    )
