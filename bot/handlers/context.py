"""What every handler needs: the database, settings, clock, and per-process chat state."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.config import Settings
from bot.replies import Incoming, Reply
from bot.schedule import next_occurrence
from storage import subscribers
from storage.db import Database

Fetcher = Callable[[str], Awaitable[str]]


@dataclass
class Context:
    db: Database
    settings: Settings
    clock: Clock
    fetch: Fetcher
    # Called when a post left follow-up updates to send, so the front end's runner sends
    # them now rather than at its next tick.
    on_outbox: Callable[[], None] | None = None
    # Admins who sent a bare /post: their next message is the article.
    awaiting_post: set[int] = field(default_factory=set)

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.settings.admins

    def outbox_written(self) -> None:
        if self.on_outbox is not None:
            self.on_outbox()

    async def subscribe(self, chat_id: int, first_name: str | None) -> None:
        """A new subscriber with the operator's default time and zone."""
        now = self.clock.now()
        tz, at = self.settings.tz, self.settings.digest_time
        await subscribers.create(
            self.db,
            chat_id=chat_id,
            first_name=first_name,
            digest_time=at,
            tz=tz,
            next_digest_at=next_occurrence(at, tz, now),
            now=now,
        )


Handler = Callable[[Context, Incoming, str], Awaitable[list[Reply]]]


def number_arg(args: str) -> int | None:
    """'#12' or '12' -> 12; None for anything else (huge numbers included)."""
    number = args.strip().lstrip("#")
    return int(number) if number.isdigit() and number.isascii() and len(number) <= 12 else None
