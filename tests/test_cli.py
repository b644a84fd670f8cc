"""The `khabar` command line, run as a real subprocess on real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES

DIGESTS_FIXTURES = Path(__file__).parent / "digests" / "fixtures"


def khabar(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None, db: Path | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("TELEGRAM_BOT_TOKEN", None)
    if db is not None:
        full_env["KHABAR_DB"] = str(db)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
        check=False,
    )


def test_summarize_prints_title_summary_and_facts() -> None:
    result = khabar("summarize", str(FIXTURES / "metro.txt"))
    assert result.returncode == 0, result.stderr
    assert "मेट्रो" in result.stdout and "सार:" in result.stdout and "[number]" in result.stdout


def test_summarize_json_from_stdin() -> None:
    text = (FIXTURES / "monsoon.txt").read_text(encoding="utf-8")
    result = khabar("summarize", "--json", "-", stdin=text)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"title", "summary", "facts"}
    assert data["title"].startswith("मौसम विभाग")
    assert all(set(f) == {"kind", "text"} for f in data["facts"])
    assert len(data["summary"].split()) <= 60


def test_summarize_bad_input_is_a_hindi_error_not_a_traceback(tmp_path: Path) -> None:
    english = khabar("summarize", str(FIXTURES / "english.txt"))
    assert english.returncode == 1 and "हिंदी" in english.stderr
    missing = khabar("summarize", str(tmp_path / "nope.txt"))
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    empty = khabar("summarize", "-", stdin="")
    assert empty.returncode == 1 and "Traceback" not in empty.stderr


def test_ingest_files_folders_and_duplicates(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("metro.txt", "monsoon.txt", "page.html", "english.txt"):
        (folder / name).write_bytes((FIXTURES / name).read_bytes())
    db = tmp_path / "k.db"
    first = khabar("ingest", str(folder), db=db)
    lines = first.stdout.strip().splitlines()
    assert len(lines) == 4
    states = sorted(line.split("\t")[1] for line in lines)
    assert states == ["error", "new", "new", "new"]
    assert first.returncode == 1  # one file was not Hindi
    again = khabar("ingest", str(folder / "metro.txt"), db=db)
    assert again.returncode == 0
    story, state, source, _title = again.stdout.strip().split("\t")
    assert story.startswith("#") and state == "duplicate" and source.endswith("metro.txt")


def test_chat_from_a_pipe(tmp_path: Path) -> None:
    script = "\n".join(
        [
            "/start",
            "/digest",
            "/stories",
            "1",
            "/time 25:99",
            "/post",
            (FIXTURES / "monsoon.txt").read_text(encoding="utf-8"),
            ".",
            "/stats",
            "/unknown",
        ]
    )
    result = khabar("chat", "--demo", stdin=script + "\n", db=tmp_path / "chat.db")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "डेमो" in out and "नमस्ते" in out
    assert "आपका ख़बर डाइजेस्ट" in out
    assert "[1] 📖 #" in out and "📖 कहानी #" in out  # a button pressed by its number
    assert "24 घंटे की घड़ी" in out
    demo = len(list((Path(__file__).parents[1] / "bot" / "demo").glob("*.txt")))
    assert f"लेख {demo + 1} सहेजा गया" in out  # the multi-line /post was stored
    assert "सक्रिय" in out
    assert "/help" in out
    assert "Traceback" not in result.stderr


def test_chat_as_another_user_is_not_admin(tmp_path: Path) -> None:
    result = khabar("chat", "--user", "5", stdin="/post कुछ\n/stats\n", db=tmp_path / "chat.db")
    assert result.stdout.count("सिर्फ़ संपादकों") == 2
    admin = khabar(
        "chat",
        "--user",
        "5",
        stdin="/stats\n",
        db=tmp_path / "chat.db",
        env={"KHABAR_ADMINS": "5"},
    )
    assert "आँकड़े" in admin.stdout


def test_run_without_token_explains_what_to_do(tmp_path: Path) -> None:
    result = khabar("run", db=tmp_path / "run.db")
    assert result.returncode == 2 and "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "khabar chat" in result.stderr


def test_bad_configuration_is_reported(tmp_path: Path) -> None:
    result = khabar("chat", stdin="", db=tmp_path / "x.db", env={"KHABAR_TZ": "Mars/Base"})
    assert result.returncode == 2 and "KHABAR_TZ" in result.stderr
