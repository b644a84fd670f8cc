"""Several `khabar` processes on one database file, each a real subprocess: first opens that
race on the migrations, and a database a newer Khabar wrote."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from storage.db import _migrations
from tests.conftest import FIXTURES

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
