"""Crash safety: SIGKILL `khabar run` mid-broadcast, restart it, count per subscriber."""

from __future__ import annotations

from pathlib import Path

from tests.support.botapi import FakeBotAPI
from tests.support.crash import crash_and_restart, prepare

SUBSCRIBERS = 300
CONCURRENCY = 8


async def test_sigkill_mid_broadcast_loses_nothing_and_duplicates_at_most_in_flight(
    tmp_path: Path,
) -> None:
    db_path = tmp_path / "khabar.db"
    chats = await prepare(db_path, SUBSCRIBERS)
    async with FakeBotAPI() as api:
        api.add_chats(chats)
        api.set_delay(0.01)  # answers take a moment, so several sends are on the wire
        result = await crash_and_restart(
            api, db_path, chats, kill_after=SUBSCRIBERS // 3, concurrency=CONCURRENCY, timeout=60
        )
    report = "\n".join(result.lines())
    assert result.accepted_at_kill[0] < SUBSCRIBERS, report  # the kill was mid-broadcast
    assert result.lost == 0, report
    assert result.duplicated <= CONCURRENCY, report
    assert result.max_per_chat <= 2, report
    assert result.pending_after == 0, report
