"""Pages and links that must not stall or crash the bot: a page that never finishes, a
charset that is no page encoding, a host the URL libraries refuse. Through the command
layer, the `khabar ingest` CLI, and the real Telegram app over HTTP (a `khabar run`
subprocess for SIGTERM)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import texts
from bot.clock import ManualClock
from bot.commands import Khabar
from bot.config import ConfigError, Settings
from bot.ingest import urls
from bot.replies import Document
from digests.render import escape
from storage import articles, post_journal
from storage.db import Database
from tests.conftest import ADMIN, FIXTURES, READER, Chat, fixture_text
from tests.support.botapi import FakeBotAPI
from tests.support.botrun import LiveBot, fast_settings
from tests.support.pages import TRICKLE_PATH, Answer, Site, serve, until_set

TIMEOUT = 30  # a hang fails the test instead of stalling the suite
NOT_PAGE_CHARSETS = ["undefined", "idna", "punycode"]
BAD_HOST = "http://a℀@b/"  # NFKC turns ℀ into "a/c": urlsplit and httpx refuse the netloc


def _hostile_answers() -> dict[str, Answer]:
    page = fixture_text("page.html").encode()
    answers = {
        f"/{charset}": Answer(headers={"Content-Type": f"text/html; charset={charset}"}, body=page)
        for charset in NOT_PAGE_CHARSETS
    }
    answers["/bad-redirect"] = Answer(302, {"Location": BAD_HOST + "x"})
    return answers


@pytest.fixture
def site() -> Iterator[Site]:
    with serve(_hostile_answers()) as running:
        yield running


def _failed(reason: str) -> str:
    return texts.FETCH_FAILED.format(reason=escape(reason))


# ---------------------------------------------------------------- the command layer


@pytest.mark.parametrize("charset", NOT_PAGE_CHARSETS)
async def test_a_charset_that_is_no_page_encoding_is_detected_instead(
    db: Database, settings: Settings, clock: ManualClock, site: Site, charset: str
) -> None:
    admin = Chat(Khabar(db, settings.with_(allow_private_urls=True), clock), ADMIN)
    reply = await admin.say(f"/post {site.base}/{charset}")
    assert "#1" in reply and "अंतरिक्ष" in reply, reply  # the Hindi text, decoded as UTF-8
    assert await articles.count(db) == 1


async def test_a_link_or_redirect_to_an_unusable_address_is_refused_in_hindi(
    db: Database, settings: Settings, clock: ManualClock, site: Site
) -> None:
    admin = Chat(Khabar(db, settings.with_(allow_private_urls=True), clock), ADMIN)
    assert await admin.say(f"/post {BAD_HOST}") == _failed(texts.FETCH_BAD_ADDRESS)
    assert await admin.say("/post http://127.0.0.1:99999/") == _failed(texts.FETCH_BAD_ADDRESS)
    assert await admin.say("/post http://[::1/") == _failed(texts.FETCH_BAD_ADDRESS)
    redirected = await admin.say(f"/post {site.base}/bad-redirect")
    assert redirected == _failed(texts.FETCH_BAD_REDIRECT_ADDRESS)
    # The same refusals with the private-address check on (the default).
    strict = Chat(Khabar(db, settings, clock), ADMIN)
    assert await strict.say(f"/post {BAD_HOST}") == _failed(texts.FETCH_BAD_ADDRESS)
    assert await articles.count(db) == 0


async def test_a_page_that_never_finishes_ends_at_the_deadline(
    db: Database, settings: Settings, clock: ManualClock
) -> None:
    """One byte a second never trips a per-read timeout; the fetch's own deadline does."""
    settings = settings.with_(allow_private_urls=True, fetch_seconds=1.0)
    admin = Chat(Khabar(db, settings, clock), ADMIN)
    with serve() as slow:
        reply = await asyncio.wait_for(admin.say(f"/post {slow.base}{TRICKLE_PATH}"), TIMEOUT)
        assert reply == _failed(texts.FETCH_DEADLINE_PASSED.format(seconds=1.0))
        assert await until_set(slow.trickle_ended, TIMEOUT)  # we hung up
    assert await articles.count(db) == 0


async def test_html_extraction_runs_off_the_event_loop(
    db: Database,
    settings: Settings,
    clock: ManualClock,
    site: Site,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Extracting a 5 MB page takes seconds: trafilatura must not run on the thread of the
    event loop that answers every other chat. Its own log records say which thread ran it."""
    caplog.set_level(logging.DEBUG, logger="trafilatura")
    admin = Chat(Khabar(db, settings.with_(allow_private_urls=True), clock), ADMIN)
    page = fixture_text("page.html")
    assert "#1" in await admin.say(f"/post {site.base}/undefined")
    assert "#1" in await admin.say("/post", document=Document("page.html", page.encode()))
    assert "#1" in await admin.say("/post " + page)
    extraction = [r for r in caplog.records if r.name.startswith("trafilatura")]
    assert extraction, "trafilatura logged nothing at DEBUG"
    loop_thread = threading.get_ident()
    assert all(record.thread != loop_thread for record in extraction)


async def test_a_page_in_an_undeclared_encoding_is_decoded_off_the_event_loop(
    db: Database, settings: Settings, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A page that is not UTF-8 and names no charset is detected byte by byte (a good part
    of a second for 5 MB): that must not run on the thread of the event loop that answers
    every other chat. The detector's own log records say which thread ran it."""
    caplog.set_level(1, logger="charset_normalizer")
    page = fixture_text("page.html").encode("utf-16")
    with serve({"/utf16": Answer(headers={"Content-Type": "text/html"}, body=page)}) as site:
        admin = Chat(Khabar(db, settings.with_(allow_private_urls=True), clock), ADMIN)
        reply = await asyncio.wait_for(admin.say(f"/post {site.base}/utf16"), TIMEOUT)
    assert "#1" in reply and "अंतरिक्ष" in reply, reply
    detection = [r for r in caplog.records if r.name.startswith("charset_normalizer")]
    assert detection, "charset_normalizer logged nothing"
    loop_thread = threading.get_ident()
    assert all(record.thread != loop_thread for record in detection)


def test_the_fetch_deadline_is_a_setting() -> None:
    assert Settings.from_env({}).fetch_seconds == urls.DEADLINE_SECONDS
    assert Settings.from_env({"KHABAR_FETCH_TIMEOUT_SECONDS": "2.5"}).fetch_seconds == 2.5
    for bad in ("0", "-1", "nan", "1e9", "soon"):
        with pytest.raises(ConfigError, match="KHABAR_FETCH_TIMEOUT_SECONDS"):
            Settings.from_env({"KHABAR_FETCH_TIMEOUT_SECONDS": bad})


# ---------------------------------------------------------------- khabar ingest


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "KHABAR_"))}
    return {**env, **extra}


def test_ingest_reports_hostile_pages_and_goes_on(tmp_path: Path, site: Site) -> None:
    targets = [
        f"{site.base}/undefined",
        BAD_HOST,
        f"{site.base}/bad-redirect",
        f"{site.base}/idna",
        str(FIXTURES / "metro.txt"),
    ]
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ingest", "--db", str(tmp_path / "k.db"), *targets],
        capture_output=True,
        text=True,
        env=_env(KHABAR_ALLOW_PRIVATE_URLS="1"),
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert [parts[2] for parts in lines] == targets, result.stdout
    undefined, host, redirect, idna, metro = lines
    assert undefined[:2] == ["#1", "new"] and "अंतरिक्ष" in undefined[3]
    assert host == ["-", "error", BAD_HOST, texts.FETCH_BAD_ADDRESS]
    assert redirect == ["-", "error", targets[2], texts.FETCH_BAD_REDIRECT_ADDRESS]
    assert idna[:2] == ["#1", "duplicate"]
    assert metro[1] == "new" and "मेट्रो" in metro[3]


def test_ingest_gives_a_page_the_configured_deadline(tmp_path: Path) -> None:
    with serve() as slow:
        page = f"{slow.base}{TRICKLE_PATH}"
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", "ingest", "--db", str(tmp_path / "k.db"), page],
            capture_output=True,
            text=True,
            env=_env(KHABAR_ALLOW_PRIVATE_URLS="1", KHABAR_FETCH_TIMEOUT_SECONDS="1"),
            timeout=TIMEOUT,
            check=False,
        )
    assert result.returncode == 1, result.stderr
    reason = texts.FETCH_DEADLINE_PASSED.format(seconds=1.0)
    assert result.stdout.split("\t")[-1].strip() == reason, result.stdout


# ---------------------------------------------------------------- the Telegram app


def _texts(api: FakeBotAPI, chat_id: int) -> list[str]:
    return [m.plain_text or "" for m in api.messages_to(chat_id)]


async def test_a_slow_post_leaves_other_chats_answered_and_times_out(
    tmp_path: Path, clock: ManualClock
) -> None:
    """While an admin's /post waits for a page that never finishes, a reader's /help is
    answered; the admin's own next message waits its turn (a chat stays in order); and the
    post ends with the Hindi timeout reply at the fetch deadline."""
    deadline = 4.0
    with serve() as slow:
        async with FakeBotAPI() as api:
            settings = fast_settings(
                tmp_path / "k.db", api, allow_private_urls=True, fetch_seconds=deadline
            )
            async with LiveBot(settings, clock):
                api.push_message(ADMIN, f"/post {slow.base}{TRICKLE_PATH}")
                assert await until_set(slow.trickle_started, TIMEOUT)
                api.push_message(ADMIN, "/help")
                api.push_message(READER, "/help")
                await api.wait_for(lambda _: bool(api.messages_to(READER)), timeout=TIMEOUT)
                assert not slow.trickle_ended.is_set()  # answered while the post is pending
                assert _texts(api, ADMIN) == []  # its /help waits behind its /post
                await api.wait_for(lambda _: len(api.messages_to(ADMIN)) == 2, timeout=TIMEOUT)
    timed_out, admin_help = _texts(api, ADMIN)
    reason = texts.FETCH_DEADLINE_PASSED.format(seconds=deadline)
    assert timed_out == texts.FETCH_FAILED.format(reason=reason)
    assert "/post" in admin_help and "/help" in _texts(api, READER)[0]


async def test_sigterm_ends_a_pending_slow_fetch_and_the_bot(tmp_path: Path) -> None:
    """`khabar run` with a /post stuck on a page that would take 10 minutes: SIGTERM ends
    the fetch, the admin is told the post will be finished after the restart (it stays in
    the post journal), and the process exits 0."""
    with serve() as slow:
        async with FakeBotAPI() as api:
            env = _env(
                TELEGRAM_BOT_TOKEN="123456:TEST-slow-fetch",
                TELEGRAM_API_BASE_URL=api.base_url,
                KHABAR_DB=str(tmp_path / "run.db"),
                KHABAR_ADMINS=str(ADMIN),
                KHABAR_ALLOW_PRIVATE_URLS="1",
                KHABAR_FETCH_TIMEOUT_SECONDS="600",
            )
            proc = await asyncio.create_subprocess_exec(
                *(sys.executable, "-m", "bot.cli", "run"),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            try:
                api.push_message(ADMIN, f"/post {slow.base}{TRICKLE_PATH}")
                assert await until_set(slow.trickle_started, TIMEOUT)
                proc.send_signal(signal.SIGTERM)
                _, err = await asyncio.wait_for(proc.communicate(), TIMEOUT)
            finally:
                if proc.returncode is None:
                    proc.kill()
                    await proc.wait()
            assert proc.returncode == 0, err.decode()
            assert "Traceback" not in err.decode(), err.decode()
            assert _texts(api, ADMIN) == [texts.POST_AFTER_RESTART]
    async with Database(tmp_path / "run.db") as db:
        assert await post_journal.count(db) == 1
