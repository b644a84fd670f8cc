"""Ending the bot's background tasks: each gets a moment to finish what it has in hand (a
message in flight, a post half done), and is cancelled if it hangs, so shutdown always ends."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


async def finish_or_cancel(task: asyncio.Task[Any], timeout: float) -> None:
    """Wait up to `timeout` seconds for `task`, which was asked to stop, then cancel it.

    The wait is shielded: a shutdown cancelled from outside still cancels the task cleanly
    instead of leaving it running unobserved."""
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout)
    except (TimeoutError, asyncio.CancelledError):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
