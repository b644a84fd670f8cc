"""What the command layer receives and answers, with no Telegram types in sight."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from digests.telegram_html import TELEGRAM_LIMIT, split_html, utf16_len

log = logging.getLogger(__name__)

MAX_CALLBACK_BYTES = 64


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: `data` goes back to the bot as a callback, `url` opens a link."""

    text: str
    data: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to send: Telegram HTML text and rows of buttons under it."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "buttons": [
                [{"text": b.text, "data": b.data, "url": b.url} for b in row]
                for row in self.buttons
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reply:
        rows = tuple(
            tuple(Button(b["text"], b.get("data"), b.get("url")) for b in row)
            for row in data.get("buttons") or ()
        )
        return cls(data["text"], rows)


@dataclass(frozen=True, slots=True)
class Document:
    """A file the user sent, already downloaded (the front end enforces the size cap)."""

    filename: str
    content: bytes
    too_large: bool = False


# Whether the sender may change the chat's settings (subscription, time, follows). Asked
# only before such a change: in a group the front end may have to ask Telegram.
ChatRights = Callable[[], Awaitable[bool]]


async def owns_chat() -> bool:
    """A private chat's settings are its one reader's own."""
    return True


@dataclass(frozen=True, slots=True)
class Incoming:
    """A message from a user, as every front end reports it."""

    user_id: int
    chat_id: int
    text: str = ""
    first_name: str | None = None
    reply_to_text: str | None = None
    document: Document | None = None
    # A group: many people share one subscription, and the bot speaks only when spoken to.
    group: bool = False
    # Forwarded: someone else's words, so never a command with the forwarder's rights.
    forwarded: bool = False
    may_change_settings: ChatRights = owns_chat


@dataclass(frozen=True, slots=True)
class CallbackResult:
    """A button press answered: a short toast, new buttons for the pressed message (None
    keeps them), and any messages to send."""

    toast: str | None = None
    buttons: tuple[tuple[Button, ...], ...] | None = None
    replies: tuple[Reply, ...] = ()


def fit_parts(parts: list[Reply]) -> list[Reply]:
    """Make every part sendable: at most 4096 characters after entities, callback data at
    most 64 bytes.

    Renderers already split digests at story boundaries; this is the last guard for every
    reply and outbox row, so a too-long message is split (tags balanced, buttons on its
    last piece) instead of being refused by Telegram and lost. Deterministic, so the
    parts_sent index of a delivery means the same after a restart.
    """
    out: list[Reply] = []
    for reply in parts:
        buttons = _fitting_buttons(reply.buttons)
        if utf16_len(reply.text) <= TELEGRAM_LIMIT:  # tags and entities only shrink it
            out.append(reply if buttons is reply.buttons else Reply(reply.text, buttons))
            continue
        pieces = split_html(reply.text, TELEGRAM_LIMIT) or [reply.text]
        out.extend(Reply(text) for text in pieces[:-1])
        out.append(Reply(pieces[-1], buttons))
    return out


def _fitting_buttons(
    rows: tuple[tuple[Button, ...], ...],
) -> tuple[tuple[Button, ...], ...]:
    def fits(button: Button) -> bool:
        if button.data is None:
            return True
        size = len(button.data.encode("utf-8"))
        if 1 <= size <= MAX_CALLBACK_BYTES:
            return True
        log.error("dropping button %r: callback data is %d bytes", button.text, size)
        return False

    if all(fits(b) for row in rows for b in row):
        return rows
    kept = tuple(tuple(b for b in row if fits(b)) for row in rows)
    return tuple(row for row in kept if row)
