"""SIGKILL `khabar run` in the middle of a morning broadcast, start it again, and count.

Shared by tests/test_delivery_crash.py (a few hundred subscribers) and
benchmarks/crash_restart.py (thousands). The bot runs as a real process with the real
clock, exactly as deployed, against a FakeBotAPI served by the caller's event loop; every
message the server accepted is counted per chat, including those a killed process had on
the wire (the server finishes them, as Telegram would).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.database import database
from tests.support.botapi import FakeBotAPI
from tests.support.botrun import TOKEN, add_article, add_subscribers


@dataclass
class CrashResult:
    subscribers: int
    concurrency: int
    kills: int
    accepted_at_kill: list[int]  # digests the server had accepted when each SIGKILL was sent
    on_the_wire: list[int]  # accepted after each SIGKILL: requests the dead process had sent
    sent: int  # digests accepted in total, duplicates included
    lost: int  # subscribers who never got the digest
    duplicated: int  # extra copies beyond one per subscriber
    max_per_chat: int
    pending_after: int  # outbox rows still pending when the restarted bot was stopped
    seconds: float

    def lines(self) -> list[str]:
        return [
            f"subscribers        {self.subscribers}",
            f"concurrency        {self.concurrency}  (duplicates bound: kills x concurrency)",
            f"SIGKILLs           {self.kills}",
            f"accepted at kill   {', '.join(map(str, self.accepted_at_kill))}",
            f"on the wire        {', '.join(map(str, self.on_the_wire))}",
            f"sent               {self.sent}",
            f"lost               {self.lost}",
            f"duplicated         {self.duplicated}",
            f"max per chat       {self.max_per_chat}",
            f"pending after      {self.pending_after}",
            f"seconds            {self.seconds:.1f}",
        ]


async def prepare(db_path: Path, count: int, first_chat: int = 10_000) -> list[int]:
    """Subscribers whose digest fell due a minute ago, and news they have not seen."""
    now = datetime.now(UTC)
    chats = list(range(first_chat, first_chat + count))
    async with database(db_path) as db:
        await add_article(
            db,
            "मेट्रो की नई लाइन",
            "शहर में मेट्रो की नई लाइन आज से खुल गई। पहले दिन हज़ारों यात्री आए।",
            now=now - timedelta(hours=1),
        )
        await add_subscribers(
            db, chats, now=now - timedelta(days=1), next_at=now - timedelta(minutes=1)
        )
    return chats


def _env(api: FakeBotAPI, db_path: Path, concurrency: int, rate: float) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=api.base_url,
        KHABAR_DB=str(db_path),
        KHABAR_TICK_SECONDS="0.2",
        KHABAR_SEND_RATE=str(rate),
        KHABAR_PAID_BROADCAST="1",
        KHABAR_SEND_CONCURRENCY=str(concurrency),
    )
    return env


async def _start(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", env=env, stdout=out, stderr=out
        )


async def crash_and_restart(
    api: FakeBotAPI,
    db_path: Path,
    chats: list[int],
    *,
    kill_after: int | list[int],
    concurrency: int = 8,
    rate: float = 500.0,
    timeout: float = 120.0,
) -> CrashResult:
    """Start the bot and SIGKILL it once `kill_after` digests were accepted (a list: start
    and kill again at each count), restart it, wait until every subscriber has the digest
    and the outbox is empty, then count."""
    started = time.monotonic()
    wanted = set(chats)
    kill_points = [kill_after] if isinstance(kill_after, int) else list(kill_after)

    def delivered() -> int:
        return sum(1 for s in api.sent if s.chat_id in wanted)

    env = _env(api, db_path, concurrency, rate)
    log = db_path.with_suffix(".log")
    at_kill: list[int] = []
    on_the_wire: list[int] = []
    for point in kill_points:
        doomed = await _start(env, log)
        try:
            await api.wait_for(lambda _, point=point: delivered() >= point, timeout=timeout)
        finally:
            doomed.send_signal(signal.SIGKILL)
            await doomed.wait()
        at_kill.append(delivered())
        await asyncio.sleep(0.5)  # the server finishes what the dead process had sent
        on_the_wire.append(delivered() - at_kill[-1])

    second = await _start(env, log)
    try:

        def everyone(_: object) -> bool:
            return len({s.chat_id for s in api.sent if s.chat_id in wanted}) == len(wanted)

        await api.wait_for(everyone, timeout=timeout)
        async with database(db_path) as db:
            deadline = time.monotonic() + 10
            while await db.scalar("SELECT count(*) FROM deliveries WHERE state = 'pending'"):
                if time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.5)  # anything sent twice would arrive by now
            pending = int(
                await db.scalar("SELECT count(*) FROM deliveries WHERE state = 'pending'")
            )
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(second.wait(), 30)
        except TimeoutError:
            second.kill()
            await second.wait()
    counts = {chat: 0 for chat in chats}
    for sent in api.sent:
        if sent.chat_id in counts:
            counts[sent.chat_id] += 1
    return CrashResult(
        subscribers=len(chats),
        concurrency=concurrency,
        kills=len(kill_points),
        accepted_at_kill=at_kill,
        on_the_wire=on_the_wire,
        sent=sum(counts.values()),
        lost=sum(1 for n in counts.values() if n == 0),
        duplicated=sum(n - 1 for n in counts.values() if n > 1),
        max_per_chat=max(counts.values()),
        pending_after=pending,
        seconds=time.monotonic() - started,
    )
