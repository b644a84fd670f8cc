"""Several `khabar` processes on one database file, each a real subprocess: two bots on one
outbox, first opens that race on the migrations, a writer that holds the database for
long, and a database a newer Khabar wrote."""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import _short_busy_error
from bot.database import unavailable_reason
from storage.db import Database, _migrations
from storage.errors import DatabaseUnavailable
from storage.runlock import lock_path
from tests.conftest import FIXTURES
from tests.support.botapi import FakeBotAPI
from tests.support.botrun import TOKEN
from tests.support.crash import prepare

TIMEOUT = 60
LATEST = _migrations()[-1][0]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "KHABAR_"))}
    return {**env, **extra}


def _khabar(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env or _env(),
    )


def _finish(proc: subprocess.Popen[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = proc.communicate(stdin, timeout=TIMEOUT)
    return proc.returncode, out, err


def _article(tmp_path: Path) -> Path:
    article = tmp_path / "metro.txt"
    article.write_text((FIXTURES / "metro.txt").read_text(encoding="utf-8"), encoding="utf-8")
    return article


def test_parallel_ingests_on_a_new_database_all_succeed_and_migrate_once(tmp_path: Path) -> None:
    article = _article(tmp_path)
    for round_ in range(4):
        db = tmp_path / f"new{round_}.db"
        procs = [_khabar("ingest", "--db", str(db), str(article)) for _ in range(5)]
        results = [_finish(proc) for proc in procs]
        for code, out, err in results:
            assert code == 0, (round_, out, err)
            assert "Traceback" not in err, err
        states = sorted(out.split("\t")[1] for _, out, _ in results)
        assert states == ["duplicate"] * 4 + ["new"], results  # one article, stored once
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
            assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
            assert conn.execute("SELECT count(*) FROM stories").fetchone()[0] == 1


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_command_refuses_a_database_from_a_newer_khabar(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    article = _article(tmp_path)
    assert _finish(_khabar("ingest", "--db", str(db), str(article)))[0] == 0
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    before = _digest(db)
    other = tmp_path / "other.txt"
    other.write_text((FIXTURES / "monsoon.txt").read_text(encoding="utf-8"), encoding="utf-8")
    unreachable = _env(TELEGRAM_BOT_TOKEN="123:abc", TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot")
    commands = [
        (["ingest", "--db", str(db), str(other)], _env()),
        (["chat", "--db", str(db)], _env()),
        (["run", "--db", str(db)], unreachable),
    ]
    for args, env in commands:
        code, out, err = _finish(_khabar(*args, env=env), stdin="/start\n")
        assert code == 2, (args, out, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1, (args, err)
        assert lines[0].startswith(f"डेटाबेस नहीं खुला: {db}: "), lines[0]
        assert f"स्कीमा {LATEST + 1}" in lines[0] and "अपडेट" in lines[0], lines[0]
        assert "आप>" not in out and "new" not in out, out
    assert _digest(db) == before  # nothing was written to it
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST + 1
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    conn.close()


# ---------------------------------------------------------------- one bot per database


def _bot_env(api: FakeBotAPI, db: Path) -> dict[str, str]:
    return _env(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=api.base_url,
        KHABAR_DB=str(db),
        KHABAR_TICK_SECONDS="0.2",
        KHABAR_SEND_RATE="500",
        KHABAR_PAID_BROADCAST="1",
    )


class _Bots:
    """`khabar run` subprocesses, each logging to its own file (a pipe nobody reads could
    fill and stall it); any still running when the block ends is killed."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.procs: dict[asyncio.subprocess.Process, Path] = {}

    async def start(self) -> asyncio.subprocess.Process:
        log = self.logs / f"bot{len(self.procs)}.log"
        with log.open("wb") as out:
            proc = await asyncio.create_subprocess_exec(
                *(sys.executable, "-m", "bot.cli", "run"),
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=out,
            )
        self.procs[proc] = log
        return proc

    async def stop(
        self, proc: asyncio.subprocess.Process, sig: int | None = signal.SIGTERM
    ) -> tuple[int, str]:
        """Signal a bot (if it still runs; None: wait for it to end by itself) and return
        its exit code and everything it logged."""
        if sig is not None and proc.returncode is None:
            proc.send_signal(sig)
        code = await asyncio.wait_for(proc.wait(), TIMEOUT)
        return code, self.procs[proc].read_text(encoding="utf-8")

    async def __aenter__(self) -> _Bots:
        return self

    async def __aexit__(self, *exc: object) -> None:
        for proc in self.procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()


def _refusal(err: str, db: Path) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("ख़बर इस डेटाबेस पर पहले से चल रहा है"), lines[0]
    assert str(db) in lines[0], lines[0]
    return lines[0]


async def _outbox_empty(db_path: Path) -> None:
    async with Database(db_path) as db:
        while await db.scalar("SELECT count(*) FROM deliveries WHERE state = 'pending'"):
            await asyncio.sleep(0.05)


async def test_two_bots_started_at_once_send_each_digest_once(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    chats = await prepare(db, 200)
    async with FakeBotAPI() as api:
        api.add_chats(chats)
        api.set_delay(0.01)  # several sends in flight at once, as with the real Telegram
        async with _Bots(_bot_env(api, db), tmp_path) as run:
            bots = [await run.start(), await run.start()]
            first_exit = [asyncio.create_task(bot.wait()) for bot in bots]
            done, _ = await asyncio.wait(first_exit, timeout=TIMEOUT, return_when="FIRST_COMPLETED")
            everyone = set(chats)
            await api.wait_for(lambda sent: {s.chat_id for s in sent} >= everyone, TIMEOUT)
            await asyncio.wait_for(_outbox_empty(db), TIMEOUT)
            await asyncio.sleep(0.5)  # a second sender's copies would arrive by now
            counts = api.count_by_chat()
            results = [await run.stop(bot) for bot in bots]
    assert all(counts.get(chat) == 1 for chat in chats), sorted(set(counts.values()))
    assert len(done) == 1, [err for _, err in results]  # one refused, one kept running
    (refused,) = [i for i, bot in enumerate(bots) if first_exit[i] in done]
    code, err = results[refused]
    assert code == 2, err
    line = _refusal(err, db)
    winner = bots[1 - refused]
    # Started together, the refusal may come before the winner wrote its pid down.
    assert "प्रक्रिया" not in line or f"(प्रक्रिया {winner.pid})" in line, line
    assert results[1 - refused][0] == 0, results[1 - refused][1]
    for _, text in results:
        assert "Traceback" not in text and "locked" not in text, text


async def test_the_run_lock_dies_with_a_killed_bot(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    async with FakeBotAPI() as api, _Bots(_bot_env(api, db), tmp_path) as run:
        first = await run.start()
        await api.wait_for_request("getUpdates", timeout=TIMEOUT)
        second = await run.start()
        code, err = await run.stop(second, sig=None)
        assert code == 2, err
        assert f"(प्रक्रिया {first.pid})" in _refusal(err, db)
        assert (await run.stop(first, signal.SIGKILL))[0] == -signal.SIGKILL
        polls = len(api.calls("getUpdates"))
        restarted = await run.start()  # no stale lock to clear by hand
        await api.wait_for_request("getUpdates", count=polls + 1, timeout=TIMEOUT)
        assert restarted.returncode is None
        code, err = await run.stop(restarted)
    assert code == 0, err
    assert "Traceback" not in err
    assert lock_path(db).read_text() == ""  # no pid left behind after a clean stop


# ---------------------------------------------------------------- a long writer elsewhere


def _hold_write_lock(db: Path) -> sqlite3.Connection:
    """Another process's long write transaction, as an operator's sqlite3 shell holds it."""
    conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    return conn


def test_ingest_waits_for_another_writer_instead_of_failing(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    article = _article(tmp_path)
    assert _finish(_khabar("ingest", "--db", str(db), str(article)))[0] == 0  # schema made
    holder = _hold_write_lock(db)
    other = tmp_path / "monsoon.txt"
    other.write_text((FIXTURES / "monsoon.txt").read_text(encoding="utf-8"), encoding="utf-8")
    proc = _khabar("ingest", "--db", str(db), str(other))
    assert proc.stderr is not None
    try:
        waiting = proc.stderr.readline()  # blocks until ingest has waited out busy_timeout
        assert "कोई और प्रक्रिया लिख रही है" in waiting, waiting
    finally:
        holder.execute("COMMIT")
        holder.close()
    code, out, err = _finish(proc)
    assert code == 0, waiting + err
    assert out.split("\t")[1] == "new", out
    assert "Traceback" not in err and "Traceback" not in waiting


async def test_a_writer_past_all_patience_is_one_database_line(tmp_path: Path) -> None:
    db_path = tmp_path / "k.db"
    async with Database(db_path):
        pass
    holder = _hold_write_lock(db_path)
    try:
        with pytest.raises(DatabaseUnavailable) as caught:
            async with Database(db_path, busy_patience=0) as db:
                await db.conn.execute("PRAGMA busy_timeout = 50")
                await db.execute("DELETE FROM stories")
    finally:
        holder.execute("COMMIT")
        holder.close()
    assert caught.value.path == str(db_path)
    assert "किसी और प्रक्रिया ने रोक रखा है" in unavailable_reason(caught.value)


def test_a_logged_database_is_locked_is_one_line_without_traceback() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(_short_busy_error)
    log = logging.getLogger("khabar.test.busy")
    log.addHandler(handler)
    log.propagate = False
    try:
        try:
            raise sqlite3.OperationalError("database is locked")
        except sqlite3.OperationalError:
            log.exception("outbox sender failed; retrying on the next tick")
        try:
            raise ValueError("something else")
        except ValueError:
            log.exception("other failure")
    finally:
        log.removeHandler(handler)
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "outbox sender failed; retrying on the next tick: "
        "डेटाबेस किसी और प्रक्रिया ने रोक रखा है (database is locked)"
    )
    assert lines[1] == "other failure" and lines[2].startswith("Traceback")  # others keep it
