"""The failure policy: what the sender does about a message Telegram did not take.

A pure function of the error and of how often the message was tried already, so the rules
live in one place and can be checked without a network or a database:

* 429: every send pauses for its retry_after (`pause`), and the message goes again in this
  run, up to `max_rate_limited` times; then it goes back to the database for a later run.
* A 5xx or a network error: sent again in this run after doubling delays, `quick_retries`
  times; then back to the database with a longer doubling backoff.
* Each return to the database is an attempt; after `max_attempts` the delivery fails for
  good.
* A gone chat (blocked, deactivated, not found) is dropped with all its pending deliveries;
  a group that became a supergroup is moved and sent to at its new id.
* HTML Telegram cannot parse goes again as plain text rather than being lost (and plain
  text that is refused too fails: it has no entities to fix).
* Anything else Telegram refuses fails: retrying would not help.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from bot.outbox.transport import (
    BadEntities,
    ChatMoved,
    DeliveryError,
    RateLimited,
    RecipientGone,
    Transient,
)


@dataclass(frozen=True, slots=True)
class Limits:
    """How long the sender keeps trying (its settings; `Sender` holds the defaults)."""

    max_attempts: int  # runs a delivery may take before it fails for good
    quick_retries: int  # in-run retries of one message after a 5xx or network error
    max_rate_limited: int  # 429s for one message in one run before deferring it
    retry_base: float  # first in-run retry delay; doubles, capped by retry_cap
    retry_cap: float
    defer_base: float  # delay before a later run retries; doubles per attempt
    defer_cap: float


@dataclass(frozen=True, slots=True)
class Tries:
    """How often the current message of a delivery was tried: what the policy decides by."""

    attempts: int = 0  # earlier runs that put the delivery back (stored with it)
    quick: int = 0  # retries of this message after a 5xx or network error, in this run
    limited: int = 0  # 429s for this message, in this run
    plain: bool = False  # the message goes as plain text (its HTML was refused)


@dataclass(frozen=True, slots=True)
class SendAgain:
    """Send the message again in this run, with these tries: after `delay` seconds, without
    holding a worker meanwhile, or (None) queued at once; through the pacers either way."""

    tries: Tries
    delay: float | None = None


@dataclass(frozen=True, slots=True)
class Defer:
    """Put the delivery back in the database; a later run sends it after `wait`."""

    wait: timedelta


@dataclass(frozen=True, slots=True)
class GiveUp:
    """The delivery fails for good: refused (`exhausted` False) or out of attempts."""

    exhausted: bool = False


@dataclass(frozen=True, slots=True)
class DropChat:
    """The chat is gone: mark it inactive and give up all its pending deliveries, rather
    than leave them to arrive stale after a later /start."""


@dataclass(frozen=True, slots=True)
class MoveChat:
    """The group became a supergroup: move the subscriber and send to `new_chat_id`."""

    new_chat_id: int


Action = SendAgain | Defer | GiveUp | DropChat | MoveChat


def decide(error: DeliveryError, tries: Tries, limits: Limits) -> Action:
    """What to do about `error`, the answer to a message tried `tries` times so far."""
    if isinstance(error, BadEntities):
        if tries.plain:
            return GiveUp()
        return SendAgain(replace(tries, plain=True))
    if isinstance(error, RateLimited):
        limited = tries.limited + 1
        if limited <= limits.max_rate_limited:
            return SendAgain(replace(tries, limited=limited))
        return later(tries, timedelta(seconds=error.retry_after), limits)
    if isinstance(error, ChatMoved):
        return MoveChat(error.new_chat_id)
    if isinstance(error, Transient):
        if tries.quick < limits.quick_retries:
            delay = min(limits.retry_base * 2**tries.quick, limits.retry_cap)
            return SendAgain(replace(tries, quick=tries.quick + 1), delay)
        return later(tries, backoff(tries, limits), limits)
    if isinstance(error, RecipientGone):
        return DropChat()
    return GiveUp()


def later(tries: Tries, wait: timedelta, limits: Limits) -> Defer | GiveUp:
    """Back to the database for a later run, unless that would exceed `max_attempts`."""
    if tries.attempts + 1 >= limits.max_attempts:
        return GiveUp(exhausted=True)
    return Defer(wait)


def backoff(tries: Tries, limits: Limits) -> timedelta:
    """How long a delivery put back waits: doubling with each earlier attempt, capped."""
    return timedelta(seconds=min(limits.defer_base * 2**tries.attempts, limits.defer_cap))


def pause(error: DeliveryError) -> float:
    """Seconds every send waits after `error`: a 429 limits the whole bot, not one chat."""
    return error.retry_after if isinstance(error, RateLimited) else 0.0
