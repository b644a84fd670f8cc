"""SIGKILL `khabar run` in the middle of a morning broadcast to thousands, restart, count.

    python benchmarks/crash_restart.py                    # 5000 subscribers, one SIGKILL
    python benchmarks/crash_restart.py --subscribers 20000 --kills 3
    python benchmarks/crash_restart.py --subscribers 1500 --rate 30 --window-limit 30

The bot runs as a real `khabar run` process (real clock, the 07:00 tick writing a personal
digest per subscriber into the outbox while the sender works it) against a FakeBotAPI in
this process that answers each message after `--delay` seconds, so several messages are on
the wire at every moment. Once `--kill-at` of the subscribers were served the process gets
SIGKILL (no chance to clean up); it is started again, and again for `--kills` > 1; the last
start runs until every subscriber has the digest and the outbox is empty. Then every
message the server accepted is counted per subscriber:

  sent        messages accepted, duplicates included
  lost        subscribers who never got the digest (must be 0)
  duplicated  extra copies (at most kills x concurrency: only messages in flight at a kill)
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.botapi import FakeBotAPI  # noqa: E402
from tests.support.crash import crash_and_restart, prepare  # noqa: E402


async def main(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "khabar.db"
        chats = await prepare(db_path, args.subscribers)
        step = args.kill_at / args.kills
        points = [max(1, round(args.subscribers * step * (n + 1))) for n in range(args.kills)]
        async with FakeBotAPI() as api:
            api.add_chats(chats)
            api.set_delay(args.delay)
            if args.window_limit:
                api.limit_window(args.window_limit)
            result = await crash_and_restart(
                api,
                db_path,
                chats,
                kill_after=points,
                concurrency=args.concurrency,
                rate=args.rate,
                timeout=args.timeout,
            )
            busiest, refused = api.busiest(), api.faults["window_exceeded"]
    print(f"khabar run, SIGKILL after {', '.join(map(str, points))} digests accepted, restart:")
    print("\n".join(result.lines()))
    print(f"busiest second     {busiest}  (sendMessage calls in any 1 s window)")
    print(f"window 429s        {refused}")
    bound = result.kills * result.concurrency
    ok = result.lost == 0 and result.duplicated <= bound and result.pending_after == 0
    print("OK" if ok else f"FAILED: lost must be 0 and duplicated at most {bound}")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--kills", type=int, default=1)
    parser.add_argument("--kill-at", type=float, default=0.4, help="fraction served at last kill")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rate", type=float, default=1000.0, help="KHABAR_SEND_RATE")
    parser.add_argument("--delay", type=float, default=0.01, help="server answer delay, s")
    parser.add_argument(
        "--window-limit", type=int, default=0, help="server: 429 beyond N sends in any 1 s"
    )
    parser.add_argument("--timeout", type=float, default=600.0)
    sys.exit(asyncio.run(main(parser.parse_args())))
