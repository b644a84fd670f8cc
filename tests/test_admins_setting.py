"""KHABAR_ADMINS through the real `khabar` command line: only comma-separated ASCII decimal
Telegram user ids make someone an editor; anything else stops every command with one line
naming the variable, before anyone is given rights."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import MAX_USER_ID

TIMEOUT = 60


def chat(
    db: Path, user: int, admins: str, stdin: str = "/stats\n"
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "KHABAR_"))}
    env["KHABAR_ADMINS"] = admins
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--db", str(db), "--user", str(user)],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=TIMEOUT,
        check=False,
    )


BAD_ADMINS = [
    ("111 222", "111222"),  # a space inside: two ids or a typo, never user 111222
    ("111\t222", "111222"),
    ("१११", "111"),  # Devanagari digits, which int() would take
    ("111,-222", "222"),
    ("0", "0"),
    (str(MAX_USER_ID + 1), str(MAX_USER_ID + 1)),  # beyond Telegram's 52 bits
    ("9" * 40, "9" * 40),
    ("+111", "111"),
    ("111;222", "111"),
    ("1_000", "1000"),  # int() takes underscores too
    ("111.0", "111"),
]


@pytest.mark.parametrize(("admins", "user"), BAD_ADMINS, ids=[a for a, _ in BAD_ADMINS])
def test_a_malformed_admin_list_is_a_config_error_naming_the_variable(
    tmp_path: Path, admins: str, user: str
) -> None:
    result = chat(tmp_path / "k.db", int(user), admins)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("सेटिंग में गड़बड़: KHABAR_ADMINS"), lines[0]
    assert repr(admins) in lines[0]  # the value as given, so the operator sees the typo
    assert "Traceback" not in result.stderr
    assert "आँकड़े" not in result.stdout  # nobody got the editors' /stats
    assert not (tmp_path / "k.db").exists()  # refused before the database was touched


def test_comma_separated_ids_with_spaces_around_commas_are_admins(tmp_path: Path) -> None:
    admins = f" 111 , {MAX_USER_ID},,"
    for user in (111, MAX_USER_ID):
        result = chat(tmp_path / "k.db", user, admins)
        assert result.returncode == 0, result.stderr
        assert "आँकड़े" in result.stdout, result.stdout
    reader = chat(tmp_path / "k.db", 222, admins)
    assert reader.returncode == 0, reader.stderr
    assert "आँकड़े" not in reader.stdout and "सिर्फ़ संपादकों" in reader.stdout
