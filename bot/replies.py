"""What the command layer receives and answers, with no Telegram types in sight."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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


@dataclass(frozen=True, slots=True)
class Incoming:
    """A message from a user, as every front end reports it."""

    user_id: int
    chat_id: int
    text: str = ""
    first_name: str | None = None
    reply_to_text: str | None = None
    document: Document | None = None


@dataclass(frozen=True, slots=True)
class CallbackResult:
    """A button press answered: a short toast, new buttons for the pressed message (None
    keeps them), and any messages to send."""

    toast: str | None = None
    buttons: tuple[tuple[Button, ...], ...] | None = None
    replies: tuple[Reply, ...] = ()
