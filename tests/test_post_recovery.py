"""A /post cut short by a kill, a crash or a stop is journaled and, at the next start,
finished or reported to its admin: Telegram has confirmed the update and never sends it
again. Through `khabar run` subprocesses killed with SIGKILL, the command layer, and the
terminal chat."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

from bot import texts
from bot.clock import ManualClock
from bot.commands import Khabar
from bot.config import Settings
from bot.console import run_console
from bot.replies import Document
from digests.render import escape
from storage import articles, post_journal
from storage.db import Database
from tests.conftest import ADMIN, FIXTURES, Chat, fixture_text
from tests.support.botapi import FakeBotAPI
from tests.support.botrun import LiveBot, eventually, fast_settings
from tests.support.pages import TRICKLE_PATH, Answer, Site, serve, until_set

TIMEOUT = 30  # a hang fails the test instead of stalling the suite
PAGE = Answer(
    headers={"Content-Type": "text/html; charset=utf-8"}, body=fixture_text("page.html").encode()
)


def _head(template: str) -> str:
    """The fixed start of a RECOVERED_* message, before its time and input."""
    return template.split("{when}")[0]


def _env(api: FakeBotAPI, db_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "KHABAR_"))}
    env.update(
        TELEGRAM_BOT_TOKEN="123456:TEST-post-recovery",
        TELEGRAM_API_BASE_URL=api.base_url,
        KHABAR_DB=str(db_path),
        KHABAR_ADMINS=str(ADMIN),
        KHABAR_ALLOW_PRIVATE_URLS="1",
        KHABAR_FETCH_TIMEOUT_SECONDS="600",
    )
    return env


async def _start(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bot.cli", "run"),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=out,
        )


async def _kill_then_restart(
    tmp_path: Path, after_kill: Answer, sig: signal.Signals = signal.SIGKILL
) -> tuple[list[str], Site]:
    """`/post <slow page>` to a `khabar run` stopped with `sig` while it fetches, once
    Telegram holds the update as confirmed; then the page answers `after_kill` and the bot
    starts again until the admin is told. Returns what the admin received."""
    db_path, log = tmp_path / "run.db", tmp_path / "run.log"
    with serve() as slow:
        async with FakeBotAPI() as api:
            env = _env(api, db_path)
            doomed = await _start(env, log)
            try:
                api.push_message(ADMIN, f"/post {slow.base}{TRICKLE_PATH}")
                assert await until_set(slow.trickle_started, TIMEOUT)
                await eventually(lambda: not api.pending_updates, TIMEOUT, "the confirmation")
            finally:
                doomed.send_signal(sig)
                await asyncio.wait_for(doomed.wait(), TIMEOUT)
            before = len(api.messages_to(ADMIN))
            async with Database(db_path) as db:
                assert await post_journal.count(db) == 1

            slow.answers[TRICKLE_PATH] = after_kill
            restarted = await _start(env, log)
            try:
                await api.wait_for(lambda _: len(api.messages_to(ADMIN)) > before, timeout=TIMEOUT)
            finally:
                restarted.send_signal(signal.SIGTERM)
                await asyncio.wait_for(restarted.wait(), TIMEOUT)
            assert restarted.returncode == 0, log.read_text()
            assert "Traceback" not in log.read_text(), log.read_text()
            told = [m.plain_text or "" for m in api.messages_to(ADMIN)]
    async with Database(db_path) as db:
        assert await post_journal.count(db) == 0  # told, so forgotten
    return told, slow


async def test_a_post_killed_mid_fetch_is_finished_and_told_after_restart(
    tmp_path: Path,
) -> None:
    told, slow = await _kill_then_restart(tmp_path, PAGE)
    assert len(told) == 1, told  # nothing before the kill; once after the restart
    message = told[0]
    assert message.startswith(_head(texts.RECOVERED_DONE)), message
    assert f"{slow.base}{TRICKLE_PATH}" in message  # which post it was
    assert "✅" in message and "#1" in message and "अंतरिक्ष" in message  # the usual reply
    async with Database(tmp_path / "run.db") as db:
        assert await articles.count(db) == 1
        stored = await articles.get(db, 1)
        assert stored is not None and stored.source_url == f"{slow.base}{TRICKLE_PATH}"


async def test_a_post_ended_by_sigterm_is_finished_after_restart_as_promised(
    tmp_path: Path,
) -> None:
    told, _ = await _kill_then_restart(tmp_path, PAGE, signal.SIGTERM)
    assert len(told) == 2, told
    assert told[0] == texts.POST_AFTER_RESTART
    assert told[1].startswith(_head(texts.RECOVERED_DONE)) and "✅" in told[1], told[1]
    async with Database(tmp_path / "run.db") as db:
        assert await articles.count(db) == 1


async def test_a_killed_post_that_now_fails_is_reported_with_the_reason(
    tmp_path: Path,
) -> None:
    told, _ = await _kill_then_restart(tmp_path, Answer(404, {}, b"gone"))
    assert len(told) == 1, told
    message = told[0]
    assert message.startswith(_head(texts.RECOVERED_FAILED)), message
    assert message.endswith(texts.FETCH_FAILED.format(reason="HTTP 404")), message
    async with Database(tmp_path / "run.db") as db:
        assert await articles.count(db) == 0


async def test_the_admin_is_told_even_if_telegram_fails_at_first(
    tmp_path: Path, clock: ManualClock
) -> None:
    """Two 502s on the message about a journaled post: it is sent again until Telegram
    accepts it, and only then is the entry forgotten."""
    async with FakeBotAPI() as api:
        settings = fast_settings(tmp_path / "k.db", api)
        async with Database(settings.db_path) as db:
            await post_journal.record(
                db,
                origin=post_journal.TELEGRAM,
                chat_id=ADMIN,
                user_id=ADMIN,
                text=fixture_text("metro.txt"),
                file=None,
                now=clock.now(),
            )
        api.add_chat(ADMIN)
        api.fail_next(2, status=502, chat_id=ADMIN)
        async with LiveBot(settings, clock) as bot:
            await api.wait_for(lambda _: bool(api.messages_to(ADMIN)), timeout=TIMEOUT)
            await eventually(
                lambda: _journal_empty(bot.db), TIMEOUT, "the journal entry to be forgotten"
            )
        attempts = [c for c in api.calls("sendMessage") if c.params.get("chat_id") == ADMIN]
    (told,) = [m.plain_text or "" for m in api.messages_to(ADMIN)]
    assert told.startswith(_head(texts.RECOVERED_DONE)) and "✅" in told, told
    assert len(attempts) == 3


async def _journal_empty(db: Database) -> bool:
    return await post_journal.count(db) == 0


# ---------------------------------------------------------------- the command layer


async def test_a_post_is_journaled_only_while_its_outcome_is_unknown(
    db: Database, settings: Settings, clock: ManualClock
) -> None:
    """Journaled during the slow fetch; gone once the post is stored, a duplicate, or
    refused with a reply."""
    khabar = Khabar(db, settings.with_(allow_private_urls=True, fetch_seconds=2.0), clock)
    admin = Chat(khabar, ADMIN)
    with serve() as slow:
        url = f"{slow.base}{TRICKLE_PATH}"
        pending = asyncio.create_task(admin.say(f"/post {url}"))
        assert await until_set(slow.trickle_started, TIMEOUT)
        (entry,) = await post_journal.pending(db, post_journal.TELEGRAM)
        assert (entry.chat_id, entry.user_id, entry.text, entry.file) == (ADMIN, ADMIN, url, None)
        reply = await asyncio.wait_for(pending, TIMEOUT)
    reason = escape(texts.FETCH_DEADLINE_PASSED.format(seconds=2.0))
    assert reply == texts.FETCH_FAILED.format(reason=reason)
    assert await post_journal.count(db) == 0

    article = (FIXTURES / "metro.txt").read_text(encoding="utf-8")
    assert "✅" in await admin.say("/post " + article)
    assert "पहले से" in await admin.say("/post " + article)
    assert await admin.say("/post", document=Document("a.txt", b"\xff\xfe")) == (
        texts.POST_BAD_ENCODING
    )
    assert await admin.say("/post This is an English article.") == texts.POST_NOT_HINDI
    assert await post_journal.count(db) == 0


# ---------------------------------------------------------------- the terminal chat


async def test_the_terminal_chat_finishes_its_own_interrupted_posts_first(
    db: Database, settings: Settings, clock: ManualClock
) -> None:
    """Posts of a killed terminal session are finished at its next start; posting one that
    was in fact stored already (killed after storing, before telling) says so. A Telegram
    chat's entry with the same chat id is left for `khabar run`."""
    article = (FIXTURES / "metro.txt").read_text(encoding="utf-8")
    for origin in (post_journal.TERMINAL, post_journal.TERMINAL, post_journal.TELEGRAM):
        await post_journal.record(
            db, origin=origin, chat_id=1, user_id=1, text=article, file=None, now=clock.now()
        )
    out = io.StringIO()
    code = await run_console(settings, stdin=io.StringIO(""), stdout=out, clock=clock)
    assert code == 0
    shown = out.getvalue()
    assert shown.count(_head(texts.RECOVERED_DONE)) == 2, shown
    first, second = shown.split(_head(texts.RECOVERED_DONE))[1:]
    assert "✅" in first and "मेट्रो" in first
    assert "पहले से सहेजा" in second  # the dedupe makes a second run harmless
    assert await articles.count(db) == 1
    (left,) = await post_journal.pending(db, post_journal.TELEGRAM)
    assert await post_journal.pending(db, post_journal.TERMINAL) == []
    assert left.chat_id == 1


async def test_an_interrupted_post_of_someone_no_longer_an_admin_is_refused(
    db: Database, settings: Settings, clock: ManualClock
) -> None:
    await post_journal.record(
        db,
        origin=post_journal.TERMINAL,
        chat_id=7,
        user_id=7,
        text=fixture_text("metro.txt"),
        file=None,
        now=clock.now(),
    )
    out = io.StringIO()
    await run_console(settings, user_id=7, stdin=io.StringIO(""), stdout=out, clock=clock)
    assert _head(texts.RECOVERED_FAILED) in out.getvalue()
    assert texts.NOT_ADMIN in out.getvalue()
    assert await articles.count(db) == 0
    assert await post_journal.count(db) == 0
