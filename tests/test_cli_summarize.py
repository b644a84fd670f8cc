"""`khabar summarize --jsonl` and `khabar eval`, run through the real CLI in a subprocess.

The JSONL inputs are written by the tests from the project's own fixtures: nothing here
reads the shared eval data.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
DIGEST_FIXTURES = Path(__file__).parent / "digests" / "fixtures"


def khabar(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def _lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def _write_jsonl(path: Path, rows: list[object]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            text = row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)
            handle.write(text + "\n")


def test_jsonl_results_in_order_with_error_lines_and_the_run_goes_on(tmp_path: Path) -> None:
    metro = (FIXTURES / "metro.txt").read_text(encoding="utf-8")
    monsoon = (FIXTURES / "monsoon.txt").read_text(encoding="utf-8")
    pti = (DIGEST_FIXTURES / "pti_like.txt").read_text(encoding="utf-8")
    rows: list[object] = [
        {"id": "metro", "text": metro},
        "{this is not json",
        {"id": "no-text", "title": "शीर्षक"},
        {"id": "english", "text": (FIXTURES / "english.txt").read_text(encoding="utf-8")},
        {"id": "clutter", "text": (FIXTURES / "clutter_only.txt").read_text(encoding="utf-8")},
        {"id": 6, "title": "मानसून", "text": monsoon},
        {"id": "pti", "text": pti},
    ]
    path = tmp_path / "in.jsonl"
    _write_jsonl(path, rows)
    done = khabar("summarize", "--jsonl", str(path))
    assert done.returncode == 0, done.stderr
    out = _lines(done.stdout)
    assert [o["id"] for o in out] == ["metro", None, "no-text", "english", "clutter", 6, "pti"]
    assert out[1] == {"id": None, "error": "invalid_json"}
    assert out[2] == {"id": "no-text", "error": "missing_text"}
    assert out[3] == {"id": "english", "error": "not_hindi"}
    assert out[4] == {"id": "clutter", "error": "empty_article"}
    for ok in (out[0], out[5], out[6]):
        assert set(ok) == {"id", "summary", "facts"}
        assert ok["summary"]
        assert 1 <= len(ok["facts"]) <= 5
        assert all(set(f) == {"kind", "text"} for f in ok["facts"])
    assert "(भाषा)" not in out[6]["summary"]


def test_jsonl_from_standard_input_and_blank_lines_skipped() -> None:
    metro = (FIXTURES / "metro.txt").read_text(encoding="utf-8")
    stdin = "\n".join(
        [json.dumps({"id": 1, "text": metro}, ensure_ascii=False), "", "   ", '{"id": 2}']
    )
    done = khabar("summarize", "--jsonl", "-", stdin=stdin + "\n")
    assert done.returncode == 0, done.stderr
    out = _lines(done.stdout)
    assert [o["id"] for o in out] == [1, 2]
    assert "summary" in out[0] and out[1]["error"] == "missing_text"


def test_jsonl_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    done = khabar("summarize", "--jsonl", str(tmp_path / "missing.jsonl"))
    assert done.returncode == 1
    assert done.stderr.strip()


def test_single_file_summary_still_works() -> None:
    done = khabar("summarize", str(DIGEST_FIXTURES / "seed_like_clutter.txt"), "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["title"].startswith("जासूसी मामला")
    assert payload["summary"] and payload["facts"]


def test_eval_prints_khabar_and_lead2_side_by_side(tmp_path: Path) -> None:
    refs = tmp_path / "refs.jsonl"
    rows = []
    for name in ("metro.txt", "monsoon.txt"):
        text = (FIXTURES / name).read_text(encoding="utf-8")
        first = text.strip().split("\n")[-1].split("।")[0] + "।"
        rows.append({"id": name, "text": text, "summary": first})
    rows.append({"id": "bad"})  # no text/summary: skipped, not fatal
    _write_jsonl(refs, rows)
    done = khabar("eval", "--refs", str(refs))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("ROUGE F1 x100 on 2 articles")
    khabar_row = next(line for line in lines if line.startswith("khabar"))
    lead_row = next(line for line in lines if line.startswith("lead-2"))
    assert next(line for line in lines if line.startswith("margin"))
    assert len(khabar_row.split()) == len(lead_row.split()) == 5  # name R1 R2 RL words
    assert "skipped" in done.stdout
    limited = khabar("eval", "--refs", str(refs), "--limit", "1")
    assert "on 1 articles" in limited.stdout


def test_eval_without_usable_lines_fails_clearly(tmp_path: Path) -> None:
    refs = tmp_path / "empty.jsonl"
    refs.write_text('{"id": 1}\n', encoding="utf-8")
    done = khabar("eval", "--refs", str(refs))
    assert done.returncode == 1
    assert done.stderr.strip()
