"""Reading Bot API parameters the lenient way Telegram does, and the error answer for bad ones.

Every layer of the fake (fault checks, method handlers, the HTTP server) raises
:class:`ApiError`; the server turns it into Telegram's JSON error body.
"""

from __future__ import annotations

import contextlib
from typing import Any

from tests.support.botapi.records import JSON


class ApiError(Exception):
    """An error answer: HTTP status, Telegram description, optional ``parameters``."""

    def __init__(
        self, status: int, description: str, *, kind: str, parameters: JSON | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.kind = kind
        self.parameters = parameters


def bad(description: str, kind: str = "bad_request") -> ApiError:
    """A 400 "Bad Request: ..." answer, counted under ``kind``."""
    return ApiError(400, f"Bad Request: {description}", kind=kind)


def as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def as_int(params: JSON, name: str, *, required: bool = False) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise bad(f"{name} is empty")
        return None
    if isinstance(value, bool):
        raise bad(f"invalid {name} specified")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad(f"invalid {name} specified") from None


def loose_chat_id(value: Any) -> int | None:
    """``chat_id`` as an int when it is one (``@username`` and junk give ``None``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return int(value)
    return None
