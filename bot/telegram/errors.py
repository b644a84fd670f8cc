"""Telegram outages as one readable line in the operator's log, not pages of HTML.

During an outage a proxy's HTML 502 page comes back every few seconds, and PTB logs each
one at ERROR with a traceback and the whole page (`BaseRequest.parse_json_payload`), then
appends the page to the exception's message as well; on the way out its updater logs one
more traceback when its last getUpdates fails. The bot does the right thing meanwhile
(retrying, then stopping cleanly), so here the page goes to DEBUG, `reason` gives the
status line that warnings and the outbox record, and the shutdown traceback becomes one
WARNING line.
"""

from __future__ import annotations

import json
import logging

from telegram._utils.types import JSONDict
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from bot import texts

log = logging.getLogger(__name__)

# PTB appends the unparsed page to the status text after this.
_PAGE_MARK = ". Parsing the server response"
_MAX_REASON_CHARS = 300
_UPDATER_LOGGER = "telegram.ext.Updater"
_CLEANUP = "Error while calling `get_updates` one more time"


class QuietJSON:
    """Mixin for a `BaseRequest`: a non-JSON answer is a TelegramError, logged at DEBUG."""

    __slots__ = ()

    @staticmethod
    def parse_json_payload(payload: bytes) -> JSONDict:
        try:
            return json.loads(payload.decode("utf-8", "replace"))  # type: ignore[no-any-return]
        except ValueError as exc:
            log.debug("Bot API answer is not JSON: %.500r", payload)
            raise TelegramError("Invalid server response") from exc


class QuietHTTPXRequest(QuietJSON, HTTPXRequest):
    """PTB's HTTPXRequest, quiet about non-JSON answers (for the application's own bot)."""

    __slots__ = ()


class ShortShutdownError(logging.Filter):
    """For PTB's Updater logger: its failed last getUpdates at shutdown as one WARNING line.

    The updates it could not mark as read come again at the next start; nothing is lost.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and record.getMessage().startswith(_CLEANUP):
            failure = record.exc_info[1] if record.exc_info else None
            why = reason(failure) if isinstance(failure, TelegramError) else "?"
            record.msg = texts.LAST_GETUPDATES_FAILED_LOG
            record.args = (why,)
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = record.exc_text = None
            # The logger let it through as an ERROR: it must still pass as a WARNING.
            return logging.getLogger(record.name).isEnabledFor(logging.WARNING)
        return True


def quiet_ptb_shutdown() -> None:
    """Install ShortShutdownError on PTB's Updater logger (once)."""
    updater_log = logging.getLogger(_UPDATER_LOGGER)
    if not any(isinstance(f, ShortShutdownError) for f in updater_log.filters):
        updater_log.addFilter(ShortShutdownError())


def reason(exc: TelegramError) -> str:
    """The exception's message without the error page PTB appends to it, and not overlong."""
    text = exc.message.split(_PAGE_MARK, 1)[0]
    if len(text) > _MAX_REASON_CHARS:
        text = text[: _MAX_REASON_CHARS - 1] + "…"
    return text
