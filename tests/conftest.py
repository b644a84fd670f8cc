"""Shared fixtures: a real SQLite file per test, a clock that moves only when told."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.commands import Khabar
from bot.config import Settings
from bot.database import database
from bot.replies import ChatRights, Document, Incoming, Reply, owns_chat
from storage.db import Database

FIXTURES = Path(__file__).parent / "fixtures"
ADMIN = 1
READER = 42

# 2026-11-27 05:00 UTC is 10:30 in Asia/Kolkata.
START = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db_path=tmp_path / "khabar.db", admins=frozenset({ADMIN}))


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    async with database(settings.db_path) as opened:
        yield opened


@pytest.fixture
def khabar(db: Database, settings: Settings, clock: ManualClock) -> Khabar:
    return Khabar(db, settings, clock)


class Chat:
    """Talks to the command layer as one user, the way a front end does: in the user's
    private chat, or with `chat_id` in a group where `may_change_settings` says whether
    the user is one of its admins."""

    def __init__(
        self,
        khabar: Khabar,
        user_id: int,
        first_name: str | None = "राधा",
        *,
        chat_id: int | None = None,
        may_change_settings: ChatRights = owns_chat,
    ) -> None:
        self.khabar = khabar
        self.user_id = user_id
        self.first_name = first_name
        self.chat_id = user_id if chat_id is None else chat_id
        self.may_change_settings = may_change_settings

    async def send(
        self,
        text: str,
        *,
        reply_to_text: str | None = None,
        document: Document | None = None,
        forwarded: bool = False,
    ) -> list[Reply]:
        msg = Incoming(
            self.user_id,
            self.chat_id,
            text,
            self.first_name,
            reply_to_text,
            document,
            group=self.chat_id != self.user_id,
            forwarded=forwarded,
            may_change_settings=self.may_change_settings,
        )
        return await self.khabar.handle(msg)

    async def say(
        self,
        text: str,
        *,
        reply_to_text: str | None = None,
        document: Document | None = None,
        forwarded: bool = False,
    ) -> str:
        replies = await self.send(
            text, reply_to_text=reply_to_text, document=document, forwarded=forwarded
        )
        return "\n".join(r.text for r in replies)


@pytest.fixture
def admin(khabar: Khabar) -> Chat:
    return Chat(khabar, ADMIN, "संपादक")


@pytest.fixture
def reader(khabar: Khabar) -> Chat:
    return Chat(khabar, READER)
