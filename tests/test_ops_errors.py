"""What an operator sees when something is wrong: a bad token, no network, a bad database
file, bad articles, bad settings. One clear line and a non-zero exit, never a traceback, a
hang, or the bot token. Everything runs the real `khabar` as a subprocess (or the real
logging module), against the local fake Bot API server or small loopback servers."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import http.server
import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from telegram.error import InvalidToken

from bot.config import ConfigError, Settings
from bot.telegram.lifecycle import RedactSecret
from storage.db import Database
from tests.conftest import FIXTURES
from tests.support.botapi import FakeBotAPI
from tests.support.botrun import add_subscribers, enqueue, states

SECRET = "123456:SECRETxyz-never-print-me"
TIMEOUT = 30  # a hang fails the test instead of stalling the suite


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "KHABAR_"))}
    return {**env, **extra}


def khabar(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`khabar ARGS` as a subprocess; TimeoutExpired (a hang) fails the test."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env or _env(),
        timeout=TIMEOUT,
        check=False,
    )


def assert_clean(stderr: str) -> None:
    """No Python internals on the operator's screen."""
    assert "Traceback" not in stderr, stderr
    assert "Event loop is closed" not in stderr, stderr


# ---------------------------------------------------------------- item 1: the token


async def _run_bot(
    *args: str, env: dict[str, str], timeout: float = TIMEOUT
) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


@pytest.fixture
async def rejecting_api() -> AsyncIterator[FakeBotAPI]:
    """A Bot API server that answers 401 Unauthorized to everything, like Telegram does
    for a revoked token."""
    async with FakeBotAPI() as api:
        api.fail_next(count=1000, status=401, method=None, description="Unauthorized")
        yield api


@pytest.mark.parametrize("verbose", [False, True])
async def test_rejected_token_is_one_clear_line_without_the_token(
    rejecting_api: FakeBotAPI, tmp_path: Path, verbose: bool
) -> None:
    env = _env(TELEGRAM_API_BASE_URL=rejecting_api.base_url, TELEGRAM_BOT_TOKEN=SECRET)
    args = (["-v"] if verbose else []) + ["run", "--db", str(tmp_path / "k.db")]
    code, out, err = await _run_bot(*args, env=env)
    assert code == 2
    assert "TELEGRAM_BOT_TOKEN" in err and "अस्वीकार" in err
    assert "SECRET" not in out + err  # not even -v's DEBUG lines
    assert rejecting_api.calls("getMe"), "the bot did ask the server"
    if not verbose:
        assert_clean(err)
        # The database opens (and on first use migrates, said at INFO) before Telegram is
        # asked; the rejection itself is one line.
        problems = [line for line in err.strip().splitlines() if " INFO storage.db:" not in line]
        assert len(problems) == 1, err


def test_redaction_covers_tracebacks_and_arguments() -> None:
    """Even a logged InvalidToken traceback (PTB logs one from its retry loop) or a token
    passed as a %s argument never reaches the log."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecret(SECRET))
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("calling %s/getMe", f"https://api.telegram.org/bot{SECRET}")
        try:
            try:
                raise ValueError(f"inner {SECRET}")
            except ValueError as inner:
                raise InvalidToken(f"The token `{SECRET}` was rejected by the server.") from inner
        except InvalidToken:
            logger.exception("Invalid token. Aborting retry loop.")
        logger.error("stack", stack_info=True, extra={"x": 1})
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert SECRET not in text
    assert "bot<token>/getMe" in text
    assert "Traceback" in text and "InvalidToken: The token `<token>` was rejected" in text
    assert "inner <token>" in text  # the chained exception too


# ---------------------------------------------------------------- item 3: no network yet


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Lines:
    """Collects a subprocess's stderr line by line while it runs."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self.lines: list[str] = []
        self.changed = asyncio.Event()
        self.task = asyncio.create_task(self._read(stream))

    async def _read(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            self.lines.append(line.decode())
            self.changed.set()

    async def wait_for(self, text: str, count: int = 1, timeout: float = 30.0) -> None:
        async def seen() -> None:
            while sum(text in line for line in self.lines) < count:
                self.changed.clear()
                await self.changed.wait()

        try:
            await asyncio.wait_for(seen(), timeout)
        except TimeoutError:
            raise AssertionError(f"no {count}x {text!r} in {timeout}s; got:\n{self.text}") from None

    @property
    def text(self) -> str:
        return "".join(self.lines)


@dataclass
class _BotProcess:
    proc: asyncio.subprocess.Process
    err: _Lines


@contextlib.asynccontextmanager
async def _bot_in_background(db_path: Path, env: dict[str, str]) -> AsyncIterator[_BotProcess]:
    """`khabar run` as a subprocess whose stderr is read as it comes; killed if a test
    leaves it running, and its stderr always read to the end."""
    proc = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot.cli", "run", "--db", str(db_path)),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    running = _BotProcess(proc, _Lines(proc.stderr))
    try:
        yield running
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await running.err.task


async def test_run_keeps_trying_until_telegram_answers(tmp_path: Path) -> None:
    """Telegram unreachable at start: one WARNING line per attempt (no traceback), and
    once the server comes up the bot connects, registers its menu and runs."""
    port = _free_port()
    env = _env(
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{port}/bot",
        TELEGRAM_BOT_TOKEN=SECRET,
        KHABAR_TICK_SECONDS="0.2",
    )
    async with _bot_in_background(tmp_path / "k.db", env) as bot:
        await bot.err.wait_for("कोशिश 1")
        async with FakeBotAPI(port=port) as api:
            await api.wait_for_request("setMyCommands", count=2, timeout=20)
            bot.proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(bot.proc.wait(), TIMEOUT)
    err = bot.err
    assert code == 0, err.text
    assert "Telegram तक नहीं पहुँच सके" in err.text
    assert "Telegram से जुड़ गए" in err.text
    assert_clean(err.text)
    assert "SECRET" not in err.text


async def test_run_stops_cleanly_while_still_waiting_for_telegram(tmp_path: Path) -> None:
    env = _env(TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{_free_port()}/bot")
    env["TELEGRAM_BOT_TOKEN"] = SECRET
    async with _bot_in_background(tmp_path / "k.db", env) as bot:
        await bot.err.wait_for("कोशिश", count=2)  # it retried, it did not exit
        assert bot.proc.returncode is None
        bot.proc.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(bot.proc.wait(), TIMEOUT) == 0
    err = bot.err
    assert_clean(err.text)
    assert "SECRET" not in err.text


@pytest.mark.parametrize("method", ["deleteWebhook", "getUpdates"])
async def test_sigterm_stops_the_bot_when_telegram_stops_answering_after_getme(
    tmp_path: Path, method: str
) -> None:
    """getMe answered, then every deleteWebhook (PTB's start_polling, retried for ever) or
    getUpdates gets a 502. SIGTERM must still end the process at once, with exit 0, and
    the outbox message already handed to Telegram must finish and be recorded as sent,
    not wait for a SIGKILL while stuck in deleteWebhook."""
    db_path = tmp_path / "k.db"
    now = datetime.now(UTC)
    async with Database(db_path) as db:
        await add_subscribers(db, [42], now=now, next_at=now + timedelta(days=1))
        await enqueue(db, 42, ["सुबह की ख़बरें"], now=now, key="digest:42:sigterm")
    async with FakeBotAPI() as api:
        api.add_chat(42)
        api.fail_next(count=10_000, status=502, method=method)
        api.set_delay(1.0, method="sendMessage")  # in flight when the signal comes
        env = _env(
            TELEGRAM_API_BASE_URL=api.base_url,
            TELEGRAM_BOT_TOKEN=SECRET,
            KHABAR_TICK_SECONDS="0.2",  # the sender's first look at the outbox
        )
        async with _bot_in_background(db_path, env) as bot:
            await api.wait_for_request("sendMessage", timeout=20)
            await api.wait_for_request(method, timeout=20)
            assert bot.proc.returncode is None
            asked = time.monotonic()
            bot.proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(bot.proc.wait(), TIMEOUT)
            took = time.monotonic() - asked
        err = bot.err
        assert code == 0, err.text
        assert took < 5, f"{took:.1f}s after SIGTERM\n{err.text}"
        assert [m.plain_text for m in api.messages_to(42)] == ["सुबह की ख़बरें"]
    async with Database(db_path) as db:
        assert await states(db) == {"sent": 1}, err.text
    # Nothing torn down mid-flight, no loop closed under someone, and no proxy error page
    # (PTB logs each one at ERROR with a traceback): one warning line per failure.
    for broken in ("CancelledError", "Task was destroyed", "Event loop", "never retrieved"):
        assert broken not in err.text, err.text
    assert "<html" not in err.text and "ERROR" not in err.text, err.text
    if method == "getUpdates":
        assert "Telegram से अपडेट नहीं मिले (Bad Gateway (502))" in err.text, err.text
        assert "आख़िरी getUpdates नहीं भेजा जा सका (Bad Gateway (502))" in err.text, err.text
    assert "stopped during start-up" in err.text or method == "getUpdates", err.text
    assert "SECRET" not in err.text


# ---------------------------------------------------------------- item 2: the database


def _bad_databases(tmp_path: Path) -> Iterator[tuple[str, Path, str]]:
    not_db = tmp_path / "x.db"
    not_db.write_bytes(b"not a db")
    yield "not a database", not_db, "SQLite डेटाबेस फ़ाइल नहीं"
    yield "a folder", tmp_path, "फ़ोल्डर है"
    yield "under a file", not_db / "k.db", "फ़ोल्डर नहीं बन सका"
    dangling = tmp_path / "dangling.db"
    dangling.symlink_to(tmp_path / "missing" / "dir" / "k.db")
    yield "cannot be opened", dangling, "खुल नहीं सकी"


def test_chat_and_ingest_refuse_a_bad_database_fast(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text((FIXTURES / "metro.txt").read_text(encoding="utf-8"), encoding="utf-8")
    for what, path, reason in _bad_databases(tmp_path):
        for args in (["chat", "--db", str(path)], ["ingest", "--db", str(path), str(article)]):
            result = khabar(*args, stdin="/start\n")
            assert result.returncode == 2, (what, args, result.stderr)
            assert f"डेटाबेस नहीं खुला: {path}" in result.stderr, (what, result.stderr)
            assert reason in result.stderr, (what, result.stderr)
            assert_clean(result.stderr)
            assert result.stdout == "" or "आप>" not in result.stdout


async def test_run_refuses_a_bad_database_before_contacting_telegram(tmp_path: Path) -> None:
    """The database opens first: with Telegram unreachable a bad path is still one line
    and exit 2 at once, not an endless stream of "cannot reach Telegram" retries."""
    unreachable = f"http://127.0.0.1:{_free_port()}/bot"
    for what, path, reason in _bad_databases(tmp_path):
        env = _env(TELEGRAM_API_BASE_URL=unreachable, TELEGRAM_BOT_TOKEN=SECRET)
        started = time.monotonic()
        code, _out, err = await _run_bot("run", "--db", str(path), env=env, timeout=15)
        assert code == 2, (what, err)
        assert time.monotonic() - started < 10, what
        assert f"डेटाबेस नहीं खुला: {path}" in err and reason in err, (what, err)
        assert "कोशिश" not in err, (what, err)  # not one attempt to reach Telegram
        assert_clean(err)
        assert "SECRET" not in err


async def test_run_refuses_a_bad_database_with_telegram_up(tmp_path: Path) -> None:
    not_db = tmp_path / "x.db"
    not_db.write_bytes(b"not a db")
    async with FakeBotAPI() as api:
        env = _env(TELEGRAM_API_BASE_URL=api.base_url, TELEGRAM_BOT_TOKEN=SECRET)
        code, _out, err = await _run_bot("run", "--db", str(not_db), env=env)
        assert not api.calls("getMe")  # refused before asking Telegram anything
    assert code == 2
    assert f"डेटाबेस नहीं खुला: {not_db}" in err and "SQLite डेटाबेस फ़ाइल नहीं" in err
    assert_clean(err)
    assert "SECRET" not in err


# ---------------------------------------------------------------- item 4: ingest errors


def test_ingest_errors_are_hindi_lines_and_stdin_is_an_article(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.pdf").write_bytes(b"%PDF")
    binary = tmp_path / "raw.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    db = str(tmp_path / "k.db")
    metro = (FIXTURES / "metro.txt").read_text(encoding="utf-8")
    targets = {
        "missing.txt": "फ़ाइल नहीं मिली",
        "ftp://example.com/a.txt": "सिर्फ़ http:// या https://",
        str(FIXTURES / "english.txt"): "हिंदी में नहीं",
        str(FIXTURES / "clutter_only.txt"): "पढ़ने लायक कोई वाक्य नहीं",
        str(empty / "notes.pdf"): "सिर्फ़ .txt, .md या .html",
        str(binary): "UTF-8",
        str(empty): "कोई लेख",
    }
    result = khabar("ingest", "--db", db, "-", *targets, stdin=metro)
    assert result.returncode == 1
    assert_clean(result.stderr)
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert all(len(parts) == 4 for parts in lines), result.stdout
    first, *errors = lines
    assert first[0] == "#1" and first[1] == "new" and first[2] == "-" and "मेट्रो" in first[3]
    assert [e[2] for e in errors] == list(targets)
    for (mark, state, target, reason), expected in zip(errors, targets.values(), strict=True):
        assert (mark, state) == ("-", "error")
        assert expected in reason, (target, reason)
        assert "Error" not in reason and "Not" not in reason and "Empty" not in reason


def test_ingest_of_an_empty_folder_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "none"
    folder.mkdir()
    result = khabar("ingest", "--db", str(tmp_path / "k.db"), str(folder))
    assert result.returncode == 1
    assert result.stdout == f"-\terror\t{folder}\tइस फ़ोल्डर में कोई लेख (.txt, .md, .html) नहीं मिला\n"


# ---------------------------------------------------------------- item 5: quiet chat


@contextlib.contextmanager
def _serve(folder: Path) -> Iterator[str]:
    """A loopback static file server for `folder`; yields its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """The test reads the bot's stderr, not the server's access log."""

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_post_of_a_text_url_keeps_library_logs_out_of_the_chat(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "metro.txt").write_bytes((FIXTURES / "metro.txt").read_bytes())
    with _serve(site) as base:
        result = khabar(
            "chat",
            "--db",
            str(tmp_path / "k.db"),
            stdin=f"/post {base}/metro.txt\n",
            env=_env(KHABAR_ALLOW_PRIVATE_URLS="1"),
        )
    assert result.returncode == 0, result.stderr
    assert "सहेजा गया" in result.stdout
    assert "trafilatura" not in result.stderr + result.stdout
    assert "ERROR" not in result.stderr and "WARNING" not in result.stderr


# ---------------------------------------------------------------- item 6: settings


BAD_SETTINGS = [
    ("KHABAR_ADMINS", "alice,bob"),
    ("KHABAR_TZ", "Mars/Base"),
    ("KHABAR_DIGEST_TIME", "7 बजे"),
    ("KHABAR_TICK_SECONDS", "fast"),
    ("KHABAR_TICK_SECONDS", "nan"),  # float() takes it; a NaN interval is never due
    ("KHABAR_TICK_SECONDS", "inf"),
    ("KHABAR_GRACE_HOURS", "three"),
    ("KHABAR_GRACE_HOURS", "inf"),  # was an OverflowError traceback from timedelta
    ("KHABAR_GRACE_HOURS", "nan"),  # was a ValueError traceback from timedelta
    ("KHABAR_GRACE_HOURS", "-1"),
    ("KHABAR_SEND_RATE", "0"),
    ("KHABAR_SEND_RATE", "-inf"),
    ("KHABAR_SEND_RATE", "5000"),  # beyond even paid broadcasts
    ("KHABAR_TICK_SECONDS", "1e300"),  # finite, but an overflow inside the event loop
    ("KHABAR_RETRY_BASE_SECONDS", "1e300"),
    ("KHABAR_SEND_CONCURRENCY", "5000"),
    ("KHABAR_RETRY_BASE_SECONDS", "-1"),
    ("KHABAR_RETRY_BASE_SECONDS", "NaN"),
    ("KHABAR_OUTBOX_HTTP", "curl"),
    ("KHABAR_PAID_BROADCAST", "maybe"),
    ("KHABAR_ALLOW_PRIVATE_URLS", "perhaps"),
]


@pytest.mark.parametrize(("name", "value"), BAD_SETTINGS, ids=[f"{n}={v}" for n, v in BAD_SETTINGS])
def test_every_config_error_is_hindi_and_names_its_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({name: value})
    message = str(caught.value)
    assert message.startswith(name), message
    assert value in message or value.lstrip("-") in message, message  # what was wrong
    assert any("\u0900" <= ch <= "\u097f" for ch in message.replace(value, ""))
    for english in ("must", "expected", "is not", "comma-separated", "got"):
        assert english not in message, message


def test_huge_but_finite_grace_means_no_limit() -> None:
    """A grace past what timedelta holds is "always catch up", not an OverflowError."""
    settings = Settings.from_env({"KHABAR_GRACE_HOURS": "1e300"})
    assert settings.grace.days > 10**8
    assert Settings.from_env({"KHABAR_GRACE_HOURS": "0"}).grace.total_seconds() == 0


def test_config_error_on_the_command_line(tmp_path: Path) -> None:
    result = khabar("chat", "--db", str(tmp_path / "k.db"), env=_env(KHABAR_ADMINS="alice"))
    assert result.returncode == 2
    assert result.stderr.startswith("सेटिंग में गड़बड़: KHABAR_ADMINS")
    assert "must" not in result.stderr
    assert_clean(result.stderr)


# ---------------------------------------------------------------- item 7: summarize


def test_summarize_refuses_a_file_and_jsonl_together(tmp_path: Path) -> None:
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text('{"id": 1, "text": "x"}\n', encoding="utf-8")
    result = khabar("summarize", str(FIXTURES / "metro.txt"), "--jsonl", str(jsonl))
    assert result.returncode == 2
    assert "not allowed with" in result.stderr and result.stdout == ""


def test_summarize_missing_files_are_named_in_hindi(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    for args in (["summarize", str(missing)], ["summarize", "--jsonl", str(missing)]):
        result = khabar(*args)
        assert result.returncode == 1
        assert result.stderr == f"फ़ाइल नहीं पढ़ी जा सकी: {missing}: फ़ाइल नहीं मिली\n"
    folder = khabar("summarize", str(tmp_path))
    assert folder.returncode == 1 and "फ़ोल्डर है" in folder.stderr and "Errno" not in folder.stderr


def test_summarize_jsonl_line_without_id_is_an_error_and_the_run_goes_on() -> None:
    metro = (FIXTURES / "metro.txt").read_text(encoding="utf-8")
    lines = [
        json.dumps({"text": metro}, ensure_ascii=False),
        json.dumps({"id": None, "text": metro}, ensure_ascii=False),
        json.dumps({"id": "m", "text": metro}, ensure_ascii=False),
    ]
    result = khabar("summarize", "--jsonl", "-", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out[0] == {"id": None, "error": "missing_id"}
    assert out[1]["id"] is None and "summary" in out[1]  # an explicit null is an id
    assert out[2]["id"] == "m" and "summary" in out[2]
