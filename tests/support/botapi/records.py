"""What the fake server records and stores: accepted messages, requests, uploaded files.

These are the objects tests read back (``api.sent``, ``api.requests``), kept apart from the
server so that inspecting them needs no HTTP or event-loop machinery.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


@dataclass
class Sent:
    """A message the bot got accepted (``sendMessage``/``sendDocument``), updated on edits.

    ``text`` is what the bot sent (markup included; the caption for documents) because tests
    usually check the bot's own output; ``plain_text`` and ``entities`` are what a reader sees.
    """

    chat_id: int
    text: str | None
    parse_mode: str | None
    reply_markup: JSON | None
    message_id: int
    method: str
    at: float
    plain_text: str | None = None
    entities: list[JSON] = field(default_factory=list)
    document: JSON | None = None
    reply_to_message_id: int | None = None
    disable_notification: bool = False
    edit_count: int = 0
    message: JSON = field(default_factory=dict, repr=False)

    def as_dict(self) -> JSON:
        """JSON-friendly form for the control endpoint (the raw message dict is left out)."""
        data = dataclasses.asdict(self)
        data.pop("message")
        return data


@dataclass
class ApiCall:
    """One HTTP request to a Bot API method, recorded before any fault is applied."""

    method: str
    params: JSON
    at: float
    http_method: str = "POST"
    token: str = ""


@dataclass
class Upload:
    """A file the bot uploaded in a multipart request."""

    filename: str | None
    content_type: str | None
    content: bytes = field(repr=False)

    def as_dict(self) -> JSON:
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "size": len(self.content),
        }


@dataclass
class StoredFile:
    """A file ``getFile`` and the download route serve: uploaded by the bot or a test."""

    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str
    mime_type: str
    content: bytes = field(repr=False)

    def document(self) -> JSON:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_size": len(self.content),
        }


def busiest_window(times: Iterable[float], seconds: float = 1.0) -> int:
    """The most of ``times`` that fall in any half-open window ``[t, t + seconds)``."""
    ordered = sorted(times)
    most = start = 0
    for end, at in enumerate(ordered):
        while ordered[start] <= at - seconds:
            start += 1
        most = max(most, end - start + 1)
    return most
