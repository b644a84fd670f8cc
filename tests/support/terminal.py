"""The real runner and outbox sender, delivering to a terminal buffer a test can read."""

from __future__ import annotations

import io

from bot.commands import Khabar
from bot.console import ConsoleOutput, ConsoleTransport
from bot.runner import Runner


class TerminalOutbox:
    """What a reader would see in `khabar chat`, for every chat the outbox serves."""

    def __init__(self, khabar: Khabar) -> None:
        self.buffer = io.StringIO()
        settings = khabar.settings.with_(per_chat_interval=0.0)
        self.runner = Runner(
            khabar.db, settings, khabar.clock, ConsoleTransport(ConsoleOutput(self.buffer))
        )

    async def flush(self) -> str:
        """One foreground pass of the runner; returns what was printed since the last call."""
        await self.runner.run_once()
        out = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return out
