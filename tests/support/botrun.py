"""Run Khabar's real Telegram front end (python-telegram-bot over HTTP) against FakeBotAPI.

Delivery tests need the whole path: the JobQueue tick, the outbox sender, TelegramTransport,
PTB's error mapping and the HTTP client, with the fake server injecting the faults. They
also need to stop and start the bot on the same database (downtime, restarts), which a
plain fixture cannot, hence this small class.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.clock import Clock
from bot.config import Settings
from bot.replies import Reply
from bot.runner import Runner
from bot.telegram.app import build_application
from bot.telegram.lifecycle import stop_fetching
from digests.model import Digested, Fact
from storage import articles, deliveries, stories, subscribers
from storage.db import Database
from tests.support.botapi import FakeBotAPI

TOKEN = "123456:TEST-delivery-token"
ADMIN = 1


def fast_settings(db_path: Path, api: FakeBotAPI, **changes: Any) -> Settings:
    """Settings that make a test take milliseconds: quick ticks, retries and pacing."""
    settings = Settings(
        db_path=db_path,
        admins=frozenset({ADMIN}),
        token=TOKEN,
        api_base_url=api.base_url,
        api_file_url=api.base_file_url,
        tick_seconds=0.05,
        send_rate=1000.0,
        per_chat_interval=0.0,
        send_concurrency=4,
        retry_base=0.01,
    )
    return settings.with_(**changes)


class LiveBot:
    """The application as `khabar run` builds it, started and stopped like run_polling."""

    def __init__(self, settings: Settings, clock: Clock, *, poll: bool = True) -> None:
        self.settings = settings
        self.clock = clock
        self.poll = poll
        self.app: Any = None

    @property
    def db(self) -> Database:
        return self.app.bot_data.db

    @property
    def runner(self) -> Runner:
        return self.app.bot_data.runner

    async def start(self) -> LiveBot:
        app = build_application(self.settings, clock=self.clock)
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        await app.start()
        if self.poll:
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
        self.app = app
        return self

    async def stop(self) -> None:
        """The order run_polling uses on SIGTERM: post_stop lets the sender finish."""
        app = self.app
        if app is None:
            return
        self.app = None
        stop_fetching(app)
        if self.poll and app.updater is not None and app.updater.running:
            await app.updater.stop()
        await app.stop()
        if app.post_stop:
            await app.post_stop(app)
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)

    async def __aenter__(self) -> LiveBot:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


async def add_subscribers(
    db: Database,
    chat_ids: Iterable[int],
    *,
    now: datetime,
    next_at: datetime,
    tz: str = "Asia/Kolkata",
    digest_time: str = "07:00",
) -> None:
    for chat_id in chat_ids:
        await subscribers.create(
            db,
            chat_id=chat_id,
            first_name="पाठक",
            digest_time=digest_time,
            tz=tz,
            next_digest_at=next_at,
            now=now,
        )


async def enqueue(
    db: Database,
    chat_id: int,
    parts: list[str] | list[Reply],
    *,
    now: datetime,
    key: str | None = None,
    kind: str = "digest",
    not_before: datetime | None = None,
) -> int | None:
    """Write one delivery into the outbox, as the tick or an update fan-out does."""
    replies = [p if isinstance(p, Reply) else Reply(p) for p in parts]
    async with db.transaction() as tx:
        return await deliveries.enqueue(
            tx,
            chat_id=chat_id,
            kind=kind,
            dedupe_key=key or f"{kind}:{chat_id}:test",
            parts=[r.to_json() for r in replies],
            now=now,
            not_before=not_before,
        )


async def eventually(
    check: Callable[[], Awaitable[bool]] | Callable[[], bool],
    timeout: float = 5.0,
    what: str = "the condition",
) -> None:
    """Poll `check` until true (for database state, which the fake server cannot signal)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if isinstance(result, Awaitable):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout}s for {what}")
        await asyncio.sleep(0.02)


async def reports_show(
    db: Database, expected: Mapping[str, int], timeout: float = 5.0
) -> dict[str, int]:
    """Wait until the sender runs' reports add up to `expected` (a run writes its report
    after its last message, so the outbox can be empty before the report is in); the totals,
    or an AssertionError naming what they were."""
    totals: dict[str, int] = {}

    async def done() -> bool:
        nonlocal totals
        totals = await report_totals(db)
        return all(totals[name] == value for name, value in expected.items())

    try:
        await eventually(done, timeout, "the delivery reports")
    except TimeoutError:
        raise AssertionError(f"delivery reports show {totals}, expected {dict(expected)}") from None
    return totals


async def states(db: Database) -> dict[str, int]:
    """How many deliveries are in each state."""
    rows = await db.fetchall("SELECT state, count(*) FROM deliveries GROUP BY state")
    return {r[0]: int(r[1]) for r in rows}


_article_numbers = iter(range(1, 10**9))


async def add_article(
    db: Database,
    title: str,
    summary: str,
    *,
    now: datetime,
    facts: tuple[Fact, ...] = (),
    url: str | None = None,
) -> tuple[int, int]:
    """Store a ready-made article as a new story (no text pipeline: tests choose the exact
    summary, e.g. one long enough to force a digest over 4096 characters)."""
    number = next(_article_numbers)
    async with db.transaction() as tx:
        story_id = await stories.create(tx, title, now)
        article_id = await articles.insert(
            tx,
            story_id=story_id,
            article=Digested(title=title, body=summary, summary=summary, facts=facts),
            content_hash=f"test-{number}-{time.monotonic_ns()}",
            source_url=url,
            posted_by=ADMIN,
            posted_at=now,
        )
    return story_id, article_id


async def report_totals(db: Database) -> dict[str, int]:
    """Every sender run's counts added up: a broadcast may span runs (a pause for a 429 or
    a retry's wait can end one run and the next picks up), and a test cares about the whole."""
    names = ("messages", "deliveries", "retried", "rate_limited", "failed")
    names += ("newly_inactive", "migrated", "plain_fallbacks", "deferred")
    row = await db.fetchone(
        "SELECT " + ", ".join(f"coalesce(sum({n}), 0)" for n in names) + " FROM delivery_reports"
    )
    assert row is not None
    return dict(zip(names, (int(v) for v in row), strict=True))
