"""Inputs that once exhausted, froze or crashed the `khabar` CLI, run as a real subprocess.

Every run has a timeout (a hang fails the test instead of stalling the suite) and a 1 GiB
address-space limit: a command that read /dev/zero or a huge file whole fails with
MemoryError inside that limit instead of taking the machine's memory with it.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from bot import texts
from bot.ingest.files import MAX_JSONL_LINE
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parent.parent
MEMORY_CAP = 1 << 30
TIMEOUT = 60


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _env(db: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    if db is not None:
        env["KHABAR_DB"] = str(db)
    return env


def khabar(
    *args: str, stdin: bytes | IO[bytes] | None = None, db: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI; output decoded as UTF-8, with any other bytes kept as surrogates."""
    piped = isinstance(stdin, bytes)
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin if piped else None,
        stdin=None if piped else stdin,
        capture_output=True,
        env=_env(db),
        cwd=ROOT,
        timeout=TIMEOUT,
        preexec_fn=_cap_memory,
        check=False,
    )
    return subprocess.CompletedProcess(
        done.args,
        done.returncode,
        done.stdout.decode("utf-8", "surrogateescape"),
        done.stderr.decode("utf-8", "surrogateescape"),
    )


def assert_one_clean_line(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert len(stderr.strip().splitlines()) == 1, stderr


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    """A FIFO nobody writes to: opening it for reading in the usual way waits forever."""
    path = tmp_path / "article.txt"
    os.mkfifo(path)
    return path


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "socket.txt"
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(path))
        yield path


@pytest.fixture
def huge_file(tmp_path: Path) -> Path:
    """A 4 GiB file that takes no disk (sparse): more than the memory cap if read whole."""
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(4 << 30)
    return path


# --- whole articles: summarize FILE|-, ingest PATH|- --------------------------------------


@pytest.mark.parametrize("kind", ["device", "fifo", "socket"])
def test_summarize_refuses_what_is_not_a_regular_file(
    kind: str, request: pytest.FixtureRequest
) -> None:
    path = {
        "device": lambda: Path("/dev/zero"),
        "fifo": lambda: request.getfixturevalue("fifo"),
        "socket": lambda: request.getfixturevalue("unix_socket"),
    }[kind]()
    result = khabar("summarize", str(path))
    assert result.returncode == 1
    assert_one_clean_line(result.stderr)
    assert texts.CLI_FILE_ERROR.format(path=path, reason=texts.FILE_NOT_REGULAR) in result.stderr


def test_summarize_reads_no_more_than_the_limit_of_a_huge_file(huge_file: Path) -> None:
    result = khabar("summarize", str(huge_file))
    assert result.returncode == 1
    assert_one_clean_line(result.stderr)
    assert texts.ONLY_TEXT_FILES in result.stderr


def test_summarize_reads_no_more_than_the_limit_of_endless_stdin() -> None:
    with open("/dev/zero", "rb") as zeros:
        result = khabar("summarize", "-", stdin=zeros)
    assert result.returncode == 1
    assert_one_clean_line(result.stderr)
    assert texts.ONLY_TEXT_FILES in result.stderr


def test_ingest_refuses_devices_fifos_and_huge_inputs_and_stores_the_rest(
    tmp_path: Path, fifo: Path, huge_file: Path
) -> None:
    db = tmp_path / "k.db"
    metro = str(FIXTURES / "metro.txt")
    with open("/dev/zero", "rb") as zeros:
        result = khabar(
            "ingest", "/dev/zero", str(fifo), "-", str(huge_file), metro, db=db, stdin=zeros
        )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert lines[:4] == [
        ["-", "error", "/dev/zero", texts.FILE_NOT_REGULAR],
        ["-", "error", str(fifo), texts.FILE_NOT_REGULAR],
        ["-", "error", "-", texts.ONLY_TEXT_FILES],
        ["-", "error", str(huge_file), texts.ONLY_TEXT_FILES],
    ]
    assert lines[4][:3] == ["#1", "new", metro]
    assert len(lines) == 5


# --- summarize --jsonl ------------------------------------------------------------------


def _strict(line: str) -> dict:
    """Parse one output line as strict JSON: NaN/Infinity and invalid UTF-8 refused."""

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in {line!r}")

    line.encode("utf-8")  # a lone surrogate would have been written as undecodable bytes
    return json.loads(line, parse_constant=refuse)


def test_jsonl_bad_ids_and_pathological_lines_never_stop_the_batch(tmp_path: Path) -> None:
    metro = (FIXTURES / "metro.txt").read_text(encoding="utf-8")

    def row(ident: str, text: str = metro) -> str:
        """One input line with `ident` as raw JSON source, not re-encoded."""
        return '{"id": ' + ident + ', "text": ' + json.dumps(text) + "}"

    # (input line, the id echoed back, the error or None for a summary)
    cases = [
        (row('"first"'), "first", None),
        ("[" * 100_000, None, "invalid_json"),
        (row('"\\ud800"'), None, "invalid_id"),
        (row("NaN"), None, "invalid_json"),
        (row("Infinity"), None, "invalid_json"),
        (row("1e999"), None, "invalid_id"),
        (row("-1e999"), None, "invalid_id"),
        (row('{"a": [1, "\\udfff"]}'), None, "invalid_id"),
        (row("[1, 2]"), [1, 2], None),
        (row('"lone"', metro + " \ud800 दिल्ली में बारिश हुई।"), "lone", None),
        (row("2.5"), 2.5, None),
        (row('"last"'), "last", None),
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(line for line, _, _ in cases) + "\n", encoding="utf-8")
    result = khabar("summarize", "--jsonl", str(source))
    assert result.returncode == 0, result.stderr
    out = [_strict(line) for line in result.stdout.splitlines()]
    assert [(o["id"], o.get("error")) for o in out] == [(i, e) for _, i, e in cases]
    assert all("summary" in o for o in out if "error" not in o)


def test_jsonl_line_over_the_limit_is_skipped_unread(tmp_path: Path) -> None:
    metro = json.dumps({"id": 1, "text": (FIXTURES / "metro.txt").read_text(encoding="utf-8")})
    source = tmp_path / "in.jsonl"
    with source.open("wb") as handle:
        handle.write(metro.encode() + b"\n")
        handle.write(b'{"id": 2, "text": "' + b"x" * MAX_JSONL_LINE + b'"}\n')
        handle.write(metro.replace('"id": 1', '"id": 3').encode() + b"\n")
    result = khabar("summarize", "--jsonl", str(source))
    assert result.returncode == 0, result.stderr
    out = [_strict(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, None, 3]
    assert out[1] == {"id": None, "error": "too_long"}
    assert "summary" in out[0] and "summary" in out[2]


def test_jsonl_refuses_a_device_but_reads_a_pipe() -> None:
    device = khabar("summarize", "--jsonl", "/dev/zero")
    assert device.returncode == 1
    assert_one_clean_line(device.stderr)
    assert texts.FILE_NOT_REGULAR in device.stderr
    # /dev/stdin is the pipe the test writes to, as a shell's <(...) would be.
    row = {"id": "p", "text": (FIXTURES / "metro.txt").read_text(encoding="utf-8")}
    piped = khabar("summarize", "--jsonl", "/dev/stdin", stdin=json.dumps(row).encode())
    assert piped.returncode == 0, piped.stderr
    assert _strict(piped.stdout)["id"] == "p"


# --- ingest: one target's failure is its own line ---------------------------------------


def test_ingest_goes_on_after_a_target_that_raises_unexpectedly(tmp_path: Path) -> None:
    """A host that fails Python's NFKC check, and a file name that is not UTF-8."""
    odd_name = os.fsdecode(bytes(tmp_path) + b"/\xff.txt")
    Path(odd_name).write_bytes((FIXTURES / "monsoon.txt").read_bytes())
    metro = str(FIXTURES / "metro.txt")
    result = khabar("ingest", "http://a\u2100@b/x", odd_name, metro, db=tmp_path / "k.db")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert lines[0][:3] == ["-", "error", "http://a\u2100@b/x"] and lines[0][3]
    assert lines[1][1:3] == ["new", odd_name]
    assert lines[2][1:3] == ["new", metro]


def test_ingest_debug_log_holds_the_traceback_of_an_unexpected_error(tmp_path: Path) -> None:
    quiet = khabar("ingest", "http://a\u2100@b/x", db=tmp_path / "k.db")
    loud = khabar("-v", "ingest", "http://a\u2100@b/x", db=tmp_path / "k.db")
    assert quiet.returncode == loud.returncode == 1
    assert "Traceback" not in quiet.stderr
    assert "Traceback" in loud.stderr and "NFKC" in loud.stderr


def _big_article(seed: str) -> str:
    """A ~2.5 MB Hindi article (under the 5 MB cap): more than the small disk below holds."""
    sentences = (
        f"{seed} संख्या {n} के अनुसार नगर निगम ने {n % 97} सड़कों की मरम्मत का काम सोमवार को पूरा किया।"
        for n in range(12_000)
    )
    return (FIXTURES / "metro.txt").read_text(encoding="utf-8") + "\n" + "\n".join(sentences)


def _can_mount_tmpfs() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = ["unshare", "-Urm", "sh", "-c", 'mount -t tmpfs -o size=64k tmpfs "$(mktemp -d)"']
    return subprocess.run(probe, capture_output=True, timeout=TIMEOUT, check=False).returncode == 0


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="needs unshare -Urm to mount a small tmpfs")
def test_ingest_on_a_full_disk_reports_each_target_and_loses_nothing(tmp_path: Path) -> None:
    """A real full disk: a 1 MiB tmpfs in a private mount namespace holds the database.

    The first run stores one article; the second meets ENOSPC on the two big ones, which get
    error lines while the missing file and the small article after them get theirs.
    """
    disk = tmp_path / "disk"
    disk.mkdir()
    for seed in ("वाक्य", "पंक्ति"):
        (tmp_path / f"{seed}.txt").write_text(_big_article(seed), encoding="utf-8")
    db = disk / "k.db"
    cli = f"{sys.executable} -m bot.cli ingest --db {db}"
    big1, big2 = tmp_path / "वाक्य.txt", tmp_path / "पंक्ति.txt"
    missing = tmp_path / "missing.txt"
    script = f"""
        mount -t tmpfs -o size=1m tmpfs {disk} || exit 99
        {cli} {FIXTURES / "metro.txt"} > {tmp_path / "first.out"} 2>&1
        {cli} {big1} {missing} {big2} {FIXTURES / "monsoon.txt"} \\
            > {tmp_path / "full.out"} 2> {tmp_path / "full.err"}
        echo $? > {tmp_path / "full.rc"}
        df -k {disk} | tail -1 | awk '{{print $4}}' > {tmp_path / "free.txt"}
        {sys.executable} -c "import sqlite3; c = sqlite3.connect('{db}'); \\
print(c.execute('PRAGMA integrity_check').fetchone()[0]); \\
print(c.execute('SELECT count(*) FROM articles').fetchone()[0])" > {tmp_path / "check.txt"}
    """
    subprocess.run(
        ["unshare", "-Urm", "sh", "-c", script], cwd=ROOT, timeout=4 * TIMEOUT, check=True
    )
    assert "\tnew\t" in (tmp_path / "first.out").read_text(encoding="utf-8")
    assert (tmp_path / "free.txt").read_text().strip() == "0"  # the disk did fill up
    assert (tmp_path / "full.rc").read_text().strip() == "1"
    assert "Traceback" not in (tmp_path / "full.err").read_text(encoding="utf-8")
    lines = [line.split("\t") for line in (tmp_path / "full.out").read_text("utf-8").splitlines()]
    assert lines[:3] == [
        ["-", "error", str(big1), texts.DISK_FULL],
        ["-", "error", str(missing), texts.FILE_NOT_FOUND],
        ["-", "error", str(big2), texts.DISK_FULL],
    ]
    assert lines[3][1:3] == ["new", str(FIXTURES / "monsoon.txt")]
    assert (tmp_path / "check.txt").read_text().split() == ["ok", "2"]
