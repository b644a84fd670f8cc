"""Several `khabar` processes on one database file, each a real subprocess: two bots on one
outbox, first opens that race on the migrations, and a database a newer Khabar wrote."""

from __future__ import annotations

import asyncio
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from storage.db import Database, _migrations
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


async def _start_bot(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot.cli", "run"),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


async def _stop(
    proc: asyncio.subprocess.Process, sig: int | None = signal.SIGTERM
) -> tuple[int, str]:
    """Signal a bot (if it still runs; None: wait for it to end by itself) and return its
    exit code and everything it logged."""
    if sig is not None and proc.returncode is None:
        proc.send_signal(sig)
    assert proc.stderr is not None
    err = await asyncio.wait_for(proc.stderr.read(), TIMEOUT)
    return await asyncio.wait_for(proc.wait(), TIMEOUT), err.decode()


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
        env = _bot_env(api, db)
        bots = [await _start_bot(env), await _start_bot(env)]
        first_exit = [asyncio.create_task(bot.wait()) for bot in bots]
        done, _ = await asyncio.wait(first_exit, timeout=TIMEOUT, return_when="FIRST_COMPLETED")
        await api.wait_for(lambda sent: {s.chat_id for s in sent} >= set(chats), timeout=TIMEOUT)
        await asyncio.wait_for(_outbox_empty(db), TIMEOUT)
        await asyncio.sleep(0.5)  # a second sender's copies would arrive by now
        counts = api.count_by_chat()
        results = [await _stop(bot) for bot in bots]
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
    async with FakeBotAPI() as api:
        env = _bot_env(api, db)
        first = await _start_bot(env)
        await api.wait_for_request("getUpdates", timeout=TIMEOUT)
        second = await _start_bot(env)
        code, err = await _stop(second, sig=None)
        assert code == 2, err
        assert f"(प्रक्रिया {first.pid})" in _refusal(err, db)
        assert (await _stop(first, signal.SIGKILL))[0] == -signal.SIGKILL
        polls = len(api.calls("getUpdates"))
        restarted = await _start_bot(env)  # no stale lock to clear by hand
        await api.wait_for_request("getUpdates", count=polls + 1, timeout=TIMEOUT)
        assert restarted.returncode is None
        code, err = await _stop(restarted)
    assert code == 0, err
    assert "Traceback" not in err
    assert lock_path(db).read_text() == ""  # no pid left behind after a clean stop
