"""Morning-digest fan-out: bot-side throughput, CPU and memory, then pacing at 30/s.

    python benchmarks/fanout.py                      # 1k, 10k, 100k + a paced run of 300
    python benchmarks/fanout.py --sizes 1000,10000 --paced 0 --tick-sizes ""
    python benchmarks/fanout.py --tick-only --tick-sizes 1000,10000 --profile /tmp/tick

For each size a fresh database is generated (subscribers, and one outbox row per subscriber
holding a real rendered digest), a fresh FakeBotAPI runs as its own process
(``python -m tests.support.botapi``), and the bot side runs in a fresh subprocess: the
outbox sender exactly as `khabar run` wires it (Runner settings, TelegramTransport with its
AiohttpRequest, PTB building every request and parsing every answer, SQLite progress
writes). That subprocess reports its wall time, CPU seconds (getrusage) and peak RSS
(ru_maxrss), so the bot is measured apart from the server. With pacing off, wall-clock
rate is bounded by whichever side saturates first on this machine; CPU per message is the
bot's own cost, so 1 / (CPU per message) is what one core of bot can push. The server's
CPU per message is measured too, and its throughput alone with a minimal client.

The paced run starts the server with Telegram-like limits (1 msg/s per chat after a burst of
3, 30 msg/s overall) and the bot at its defaults (30/s, 1 s per chat): achieved rate and
429s received (target 0).

The tick that *writes* the digests into the outbox is measured separately (--tick-sizes,
--tick-only): on a realistic archive (benchmarks/archive.py: 100k articles stored, 1,000
stories in the 3-day window, readers who received earlier mornings, 10% following running
stories) it builds every due subscriber's personal digest, in a fresh process that reports
digests queued per second, CPU per digest and RSS (optionally tracemalloc's peak).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import math
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKEN = "123456:BENCH-token"
NOW = datetime(2026, 11, 27, 1, 30, tzinfo=UTC)  # 07:00 in Kolkata
STORIES = [
    ("मेट्रो की नई लाइन आज से शुरू", "शहर में मेट्रो की नई लाइन आज सुबह से यात्रियों के लिए खुल गई।"),
    ("मानसून समय से पहले पहुँचा", "मौसम विभाग ने बताया कि मानसून इस बार तीन दिन पहले पहुँचा है।"),
    ("क्रिकेट फ़ाइनल में भारत जीता", "भारत ने रोमांचक फ़ाइनल में आख़िरी ओवर में जीत दर्ज की।"),
    ("स्कूलों में नई किताबें", "राज्य सरकार ने कक्षा एक से आठ तक नई किताबें देने की घोषणा की।"),
    ("बिजली के दाम स्थिर", "बिजली नियामक आयोग ने इस साल दरें न बढ़ाने का फ़ैसला किया।"),
]


# ---------------------------------------------------------------------- helpers


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _proc_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process: unlike ru_maxrss, not inherited from
    the parent that forked it (which built the archive in memory)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """FakeBotAPI as its own process, steered through /_control."""

    def __init__(self, *extra: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.support.botapi", "--port", "0", *extra],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.proc.stdout is not None
        self.base_url = self.proc.stdout.readline().strip()
        self.control = self.base_url.removesuffix("/bot") + "/_control"

    def post(self, action: str, body: dict[str, Any]) -> None:
        request = urllib.request.Request(
            f"{self.control}/{action}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(request, timeout=60).read()

    def counts(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.control}/counts", timeout=60) as answer:
            return json.loads(answer.read())

    def cpu(self) -> float:
        return _proc_cpu(self.proc.pid)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


async def _digest_parts() -> list[dict[str, Any]]:
    """A real rendered morning digest (header, five cards, follow buttons)."""
    from bot.digest import build_digest
    from digests.model import Fact
    from storage.db import Database
    from tests.support.botrun import add_article

    with tempfile.TemporaryDirectory() as tmp:
        async with Database(Path(tmp) / "d.db") as db:
            for n, (title, summary) in enumerate(STORIES):
                await add_article(
                    db,
                    title,
                    summary * 3,
                    facts=(Fact("number", f"{n + 2} करोड़ यात्री"), Fact("where", "दिल्ली")),
                    url=f"https://example.com/khabar/{n}",
                    now=NOW - timedelta(hours=n + 1),
                )
            digest = await build_digest(db, 0, now=NOW, tz="Asia/Kolkata", fallback_recent=False)
    assert digest is not None
    return [r.to_json() for r in digest.replies]


async def _generate(path: Path, size: int, parts: list[dict[str, Any]]) -> list[int]:
    """Subscribers and their pending digests, as the 07:00 tick leaves them."""
    from storage.db import Database
    from storage.timeutil import to_db

    chats = list(range(100_000_000, 100_000_000 + size))
    payload = json.dumps(parts, ensure_ascii=False)
    now, tomorrow = to_db(NOW), to_db(NOW + timedelta(days=1))
    async with Database(path) as db:
        for start in range(0, size, 5000):
            chunk = chats[start : start + 5000]
            async with db.transaction() as tx:
                await tx.executemany(
                    "INSERT INTO subscribers (chat_id, first_name, active, digest_time, tz,"
                    " next_digest_at, last_digest_at, created_at, updated_at)"
                    " VALUES (?, 'पाठक', 1, '07:00', 'Asia/Kolkata', ?, ?, ?, ?)",
                    [(c, tomorrow, now, now, now) for c in chunk],
                )
                await tx.executemany(
                    "INSERT INTO deliveries (chat_id, kind, dedupe_key, parts, not_before,"
                    " created_at) VALUES (?, 'digest', ?, ?, ?, ?)",
                    [(c, f"digest:{c}:2026-11-27", payload, now, now) for c in chunk],
                )
    return chats


# ---------------------------------------------------------------------- the bot side


async def _child(args: argparse.Namespace) -> None:
    """Runs in a fresh process: the sender over the whole outbox, measured."""
    from bot.clock import SystemClock
    from bot.config import Settings
    from bot.runner import Runner
    from bot.telegram.transport import TelegramTransport
    from storage.db import Database

    settings = Settings(
        db_path=Path(args.db),
        token=TOKEN,
        api_base_url=args.base_url,
        send_rate=args.rate,
        per_chat_interval=args.per_chat,
        send_concurrency=args.concurrency,
        paid_broadcast=args.rate > 30,
    )
    async with Database(settings.db_path) as db:
        transport = TelegramTransport.for_settings(None, settings)
        runner = Runner(db, settings, SystemClock(), transport)
        rss_start = _rss_mb()
        cpu0, t0 = _cpu(), time.perf_counter()
        report = await runner.sender.run_once()
        seconds, cpu = time.perf_counter() - t0, _cpu() - cpu0
        await transport.close()
    print(
        json.dumps(
            {
                "sent": report.sent,
                "failed": report.failed,
                "retried": report.retried,
                "rate_limited": report.rate_limited,
                "seconds": seconds,
                "cpu": cpu,
                "rss_start_mb": rss_start,
                "rss_peak_mb": _rss_mb(),
                "peak_jobs": runner.sender.last_peak_jobs,
            }
        )
    )


def _run_child(db: Path, base_url: str, rate: float, per_chat: float, conc: int) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            "--db",
            str(db),
            "--base-url",
            base_url,
            "--rate",
            str(rate),
            "--per-chat",
            str(per_chat),
            "--concurrency",
            str(conc),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


async def _measure(size: int, parts: list[dict[str, Any]], args: argparse.Namespace) -> dict:
    paced = size == args.paced and args.paced_run
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "fanout.db"
        chats = await _generate(db, size, parts)
        server = Server(*(["--enforce-limits"] if paced else []))
        try:
            for start in range(0, size, 20_000):
                server.post("add_chats", {"chat_ids": chats[start : start + 20_000]})
            cpu0 = server.cpu()
            if paced:
                result = _run_child(db, server.base_url, 30.0, 1.0, args.concurrency)
            else:
                result = _run_child(db, server.base_url, math.inf, 0.0, args.concurrency)
            result["server_cpu"] = server.cpu() - cpu0
            counts = server.counts()
        finally:
            server.stop()
    result.update(size=size, paced=paced, server=counts)
    return result


# ---------------------------------------------------------------------- the server alone


async def _server_alone(messages: int, text: str, concurrency: int = 16) -> dict[str, float]:
    """The fake server's own ceiling, driven by a minimal keep-alive client."""
    server = Server()
    try:
        chats = list(range(1, messages + 1))
        server.post("add_chats", {"chat_ids": chats})
        host, port = server.base_url.split("//")[1].split("/")[0].split(":")
        queue = list(chats)

        async def client() -> None:
            reader, writer = await asyncio.open_connection(host, int(port))
            while queue:
                body = json.dumps(
                    {"chat_id": queue.pop(), "text": text, "parse_mode": "HTML"},
                    ensure_ascii=False,
                ).encode()
                writer.write(
                    b"POST /bot%s/sendMessage HTTP/1.1\r\nHost: x\r\nContent-Type: "
                    b"application/json\r\nContent-Length: %d\r\n\r\n%s"
                    % (TOKEN.encode(), len(body), body)
                )
                await reader.readuntil(b"\r\n")
                length = 0
                while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
            writer.close()

        cpu0, t0 = server.cpu(), time.perf_counter()
        await asyncio.gather(*(client() for _ in range(concurrency)))
        seconds, cpu = time.perf_counter() - t0, server.cpu() - cpu0
    finally:
        server.stop()
    return {"rate": messages / seconds, "cpu_ms": cpu / messages * 1000}


# ---------------------------------------------------------------------- the tick


async def _tick_child(args: argparse.Namespace) -> None:
    """Runs in a fresh process: the 07:00 tick over a prepared archive, measured."""
    from bot.schedule import enqueue_due_digests
    from storage.db import Database

    async with Database(args.db) as db:
        rss_start = _proc_mb("VmRSS")
        if args.tracemalloc:
            tracemalloc.start()
        profiler = cProfile.Profile() if args.profile else None
        cpu0, t0 = _cpu(), time.perf_counter()
        if profiler is not None:
            profiler.enable()
        report = await enqueue_due_digests(db, NOW, grace=timedelta(hours=3))
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)
        seconds, cpu = time.perf_counter() - t0, _cpu() - cpu0
        traced = tracemalloc.get_traced_memory()[1] / 2**20 if args.tracemalloc else 0.0
        parts = await db.scalar(
            "SELECT avg(json_array_length(parts)) FROM deliveries WHERE kind = 'digest'"
        )
    print(
        json.dumps(
            {
                "enqueued": report.enqueued,
                "due": report.due,
                "seconds": seconds,
                "cpu": cpu,
                "rss_start_mb": rss_start,
                "rss_peak_mb": _proc_mb("VmHWM"),
                "traced_peak_mb": traced,
                "parts": parts or 0.0,
            }
        )
    )


async def _tick(size: int, archive: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Digests written into the outbox per second by the 07:00 tick, in a fresh process."""
    from benchmarks.archive import Shape, add_readers

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "tick.db"
        shutil.copyfile(archive, db)
        t0 = time.perf_counter()
        await add_readers(db, NOW, size, Shape(stored=args.stored))
        built = time.perf_counter() - t0
        command = [sys.executable, __file__, "--tick-child", "--db", str(db)]
        if args.profile:
            command += ["--profile", f"{args.profile}.{size}"]
        if args.tracemalloc:
            command.append("--tracemalloc")
        out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    result.update(size=size, built=built)
    return result


async def _ticks(args: argparse.Namespace) -> None:
    from benchmarks.archive import Shape, build_archive

    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "archive.db"
        t0 = time.perf_counter()
        await build_archive(archive, NOW, Shape(stored=args.stored))
        print(
            f"\ntick: archive of {args.stored} articles, 1000 stories in the 3-day window, "
            f"built in {time.perf_counter() - t0:.1f} s; 10% of readers follow 3 running stories"
        )
        head = (
            f"{'subscribers':>11} {'digests':>7} {'msgs/dig':>8} {'wall s':>7} "
            f"{'digests/s':>9} {'CPU ms/dig':>10} {'RSS start':>9} {'RSS peak':>8} "
            f"{'traced':>7}"
        )
        print(head)
        print("-" * len(head))
        rows = []
        for size in args.tick_sizes:
            r = await _tick(size, archive, args)
            rows.append(r)
            per = r["cpu"] / max(r["enqueued"], 1) * 1000
            print(
                f"{size:>11} {r['enqueued']:>7} {r['parts']:>8.2f} {r['seconds']:>7.2f} "
                f"{r['enqueued'] / r['seconds']:>9.0f} {per:>10.3f} "
                f"{r['rss_start_mb']:>7.1f}MB {r['rss_peak_mb']:>6.1f}MB "
                f"{r['traced_peak_mb']:>5.1f}MB",
                flush=True,
            )
        if len(rows) >= 2:
            grow = [r["rss_peak_mb"] - r["rss_start_mb"] for r in (rows[0], rows[-1])]
            print(
                f"tick RSS growth during the run: {grow[0]:.1f} MB at {rows[0]['size']}, "
                f"{grow[1]:.1f} MB at {rows[-1]['size']}"
            )


# ---------------------------------------------------------------------- main


def _table(rows: list[dict]) -> str:
    head = (
        f"{'subscribers':>11} {'sent':>7} {'dup':>4} {'wall s':>7} {'msg/s':>7} "
        f"{'CPU s':>6} {'CPU ms/msg':>10} {'1/CPU msg/s':>11} {'RSS start':>9} "
        f"{'RSS peak':>8} {'jobs':>5} {'srv ms/msg':>10}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        if r["paced"]:
            continue
        per = r["cpu"] / max(r["sent"], 1)
        lines.append(
            f"{r['size']:>11} {r['sent']:>7} {r['server']['duplicated']:>4} "
            f"{r['seconds']:>7.2f} {r['sent'] / r['seconds']:>7.0f} {r['cpu']:>6.2f} "
            f"{per * 1000:>10.3f} {1 / per:>11.0f} {r['rss_start_mb']:>7.1f}MB "
            f"{r['rss_peak_mb']:>6.1f}MB {r['peak_jobs']:>5} "
            f"{r['server_cpu'] / max(r['sent'], 1) * 1000:>10.3f}"
        )
    return "\n".join(lines)


async def _main(args: argparse.Namespace) -> None:
    if args.tick_only:
        await _ticks(args)
        return
    parts = await _digest_parts()
    text = parts[0]["text"]
    print(
        f"digest: {len(parts)} message(s), first {len(text)} characters of HTML; "
        f"bot concurrency {args.concurrency}; {os.cpu_count()} CPUs shared by bot and server\n"
    )
    rows = []
    for size in args.sizes:
        rows.append(await _measure(size, parts, args))
        print(f"  measured {size} (pacing off)", file=sys.stderr)
    print("Pacing off (KHABAR_SEND_RATE unbounded, no per-chat spacing):")
    print(_table(rows))
    if len(rows) >= 2:
        ratio = rows[-1]["rss_peak_mb"] / rows[0]["rss_peak_mb"]
        print(f"\npeak RSS {rows[-1]['size']} vs {rows[0]['size']}: {ratio:.2f}x (target <= 1.5x)")
    alone = await _server_alone(args.server_messages, text)
    print(
        f"FakeBotAPI alone (minimal client, 16 connections, {args.server_messages} messages): "
        f"{alone['rate']:.0f} msg/s, {alone['cpu_ms']:.3f} ms CPU/msg"
    )
    if args.paced:
        args.paced_run = True
        paced = await _measure(args.paced, parts, args)
        srv = paced["server"]
        span = (srv["last_at"] - srv["first_at"]) if srv["count"] > 1 else 0.0
        print(
            f"\nPacing on (30/s overall, 1/s per chat; server enforcing Telegram-like limits), "
            f"{args.paced} messages:\n"
            f"  achieved {paced['sent'] / paced['seconds']:.1f} msg/s bot-side "
            f"({(srv['count'] - 1) / span if span else 0:.1f}/s as the server saw them), "
            f"429s received: {paced['rate_limited']} "
            f"(server counted {srv['faults'].get('rate_limited', 0)}), "
            f"delivered {srv['chats']}/{args.paced}, duplicated {srv['duplicated']}"
        )
    if args.tick_sizes:
        await _ticks(args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--paced", type=int, default=300, help="messages at 30/s; 0 skips")
    parser.add_argument("--tick-sizes", default="1000,10000,100000")
    parser.add_argument("--stored", type=int, default=100_000, help="articles in the archive")
    parser.add_argument(
        "--tick-only", action="store_true", help="only the tick (no sender, no server)"
    )
    parser.add_argument("--profile", help="write the tick's cProfile stats to PATH.SIZE")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also trace Python allocations (slower)"
    )
    parser.add_argument("--tick-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--server-messages", type=int, default=20_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--rate", type=float, default=math.inf, help=argparse.SUPPRESS)
    parser.add_argument("--per-chat", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        asyncio.run(_child(args))
        return
    if args.tick_child:
        asyncio.run(_tick_child(args))
        return
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.tick_sizes = [int(s) for s in args.tick_sizes.split(",") if s.strip()]
    args.paced_run = False
    asyncio.run(_main(args))


if __name__ == "__main__":
    main()
