"""What every handler needs: the database, settings, clock, and per-process chat state."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import time

from bot.clock import Clock
from bot.config import Settings
from bot.replies import Incoming, Reply
from bot.schedule import next_occurrence
from storage import post_journal, subscribers
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
    # (chat, admin) pairs after a bare /post: that admin's next message in that chat is the
    # article. Per chat, so a /post typed in a group never swallows a private message.
    awaiting_post: set[tuple[int, int]] = field(default_factory=set)
    # The front end posts arrive through: a journaled post is finished by the same one.
    origin: str = post_journal.TELEGRAM

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


def pending_post_key(msg: Incoming) -> tuple[int, int]:
    """Whose bare /post a message may complete: the same admin in the same chat."""
    return (msg.chat_id, msg.user_id)


# Phones and Hindi keyboards type Devanagari digits (०७:३०); every number argument and
# clock time is read after folding them to ASCII, so "/story ३" means "/story 3".
_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
# "7", "07", "7:5", "07:30" and the common "7.30". Minutes after a dot need two digits:
# "7.5" might mean half past seven.
_CLOCK = re.compile(r"([0-9]{1,2})(?::([0-9]{1,2})|\.([0-9]{2}))?")
# Between the two times of a range: a hyphen, or the en/em dash or minus sign that phone
# keyboards put in its place, or the words "से"/"to"; spaces around any of them.
_RANGE_SEPARATOR = re.compile(r"\s*[-\u2010-\u2015\u2212]\s*|\s+(?:से|to)\s+")


def ascii_digits(text: str) -> str:
    """'०७:३०' -> '07:30': Devanagari digits become ASCII, everything else stays."""
    return text.translate(_DEVANAGARI_DIGITS)


def number_arg(args: str) -> int | None:
    """'#12', '12' or '१२' -> 12; None for anything else.

    Story and article numbers start at 1, so 0 and negatives get the usage hint like any
    other non-number rather than a "not found"; huge numbers are refused too.
    """
    number = ascii_digits(args.strip()).lstrip("#")
    if not (number.isdigit() and number.isascii() and len(number) <= 12):
        return None
    value = int(number)
    return value if value > 0 else None


def clock_time(text: str) -> time:
    """A reader's clock time: '7' -> 07:00, '7:5' -> 07:05, '०७:३०' -> 07:30.

    ValueError for anything else, 24:00 and 07:60 included. Readers type times the way
    they say them, so this is more lenient than the operator's HH:MM in the environment.
    """
    match = _CLOCK.fullmatch(ascii_digits(text.strip()))
    if match is None:
        raise ValueError(text)
    hours, minutes, dotted = match.groups()
    return time(int(hours), int(minutes or dotted or 0))  # ValueError when out of range


def clock_range(text: str) -> tuple[time, time]:
    """'22:00-07:00', '२२:००–०७:००', '22 - 7' -> (22:00, 07:00); ValueError otherwise."""
    parts = _RANGE_SEPARATOR.split(ascii_digits(text.strip()))
    if len(parts) != 2:
        raise ValueError(text)
    return clock_time(parts[0]), clock_time(parts[1])
