"""What the outbox sender talks to, and the errors it understands.

A transport sends one message to one chat (the Telegram front end over the Bot API, or a
test's stand-in). It translates whatever went wrong into one of the `DeliveryError`
subclasses below; each stands for one thing the sender can do about it
(`bot.outbox.policy` says which).
"""

from __future__ import annotations

from typing import Protocol

from bot.replies import Reply


class DeliveryError(Exception):
    """A send failed; the subclass says what to do about it."""


class RecipientGone(DeliveryError):
    """Blocked, deactivated, kicked or unknown chat: stop sending to it."""


class RateLimited(DeliveryError):
    """Telegram's 429: every send waits `retry_after` seconds, not just this chat's."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


class ChatMoved(DeliveryError):
    """The group became a supergroup with a new id."""

    def __init__(self, new_chat_id: int) -> None:
        super().__init__(f"migrated to {new_chat_id}")
        self.new_chat_id = new_chat_id


class BadEntities(DeliveryError):
    """Telegram could not parse our HTML: resend as plain text rather than lose the message."""


class Transient(DeliveryError):
    """Network trouble or a 5xx: worth retrying later."""


class Rejected(DeliveryError):
    """Any other refusal: retrying would not help."""


class Transport(Protocol):
    async def send(self, chat_id: int, reply: Reply, *, plain: bool = False) -> None:
        """Send one message or raise a DeliveryError subclass."""
        ...
