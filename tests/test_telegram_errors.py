"""How Telegram's failures read in the operator's log (bot/telegram/errors.py)."""

from __future__ import annotations

import logging

import pytest
from telegram.error import NetworkError, TelegramError

from bot.telegram.errors import QuietHTTPXRequest, ShortShutdownError, reason

PAGE = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


def test_reason_keeps_the_status_line_without_the_page() -> None:
    message = f"Bad Gateway (502). Parsing the server response {PAGE!r} failed"
    assert reason(NetworkError(message)) == "Bad Gateway (502)"
    long = reason(TelegramError("x" * 1000))
    assert len(long) == 300 and long.endswith("…")
    assert reason(TelegramError("Forbidden: bot was blocked by the user")) == (
        "Forbidden: bot was blocked by the user"
    )


def test_a_page_instead_of_json_is_logged_at_debug_only(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(TelegramError, match="Invalid server response"):
        QuietHTTPXRequest.parse_json_payload(PAGE)
    levels = {r.levelname for r in caplog.records}
    assert levels == {"DEBUG"}, caplog.records
    assert QuietHTTPXRequest.parse_json_payload(b'{"ok": true}') == {"ok": True}


def _shutdown_record(level: int = logging.ERROR) -> logging.LogRecord:
    failure = NetworkError(f"Bad Gateway (502). Parsing the server response {PAGE!r} failed")
    return logging.LogRecord(
        "telegram.ext.Updater",
        level,
        __file__,
        1,
        "Error while calling `get_updates` one more time to mark all fetched updates.",
        None,
        (NetworkError, failure, None),
    )


def test_the_shutdown_traceback_becomes_one_warning_line() -> None:
    record = _shutdown_record()
    logging.getLogger("telegram.ext.Updater").setLevel(logging.INFO)
    try:
        assert ShortShutdownError().filter(record)
    finally:
        logging.getLogger("telegram.ext.Updater").setLevel(logging.NOTSET)
    assert record.levelname == "WARNING" and record.exc_info is None
    assert record.getMessage().startswith("Telegram को आख़िरी getUpdates नहीं भेजा जा सका")
    assert "(Bad Gateway (502))" in record.getMessage() and "<html" not in record.getMessage()
    other = logging.LogRecord("telegram.ext.Updater", logging.ERROR, __file__, 1, "x", None, None)
    assert ShortShutdownError().filter(other) and other.levelname == "ERROR"  # untouched


def test_a_downgraded_line_respects_a_logger_set_to_errors_only() -> None:
    logging.getLogger("telegram.ext.Updater").setLevel(logging.ERROR)
    try:
        assert not ShortShutdownError().filter(_shutdown_record())
    finally:
        logging.getLogger("telegram.ext.Updater").setLevel(logging.NOTSET)
