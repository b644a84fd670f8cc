"""The fake as a standalone process for benchmarks and crash scripts.

``python -m tests.support.botapi --port N`` prints the base URL as its first stdout line and
serves the control API (see :mod:`tests.support.botapi.control`) until SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from tests.support.botapi.server import FakeBotAPI

_DESCRIPTION = (
    "A local fake of the Telegram Bot API, good enough to run Khabar's real PTB code against."
)


async def _serve(args: argparse.Namespace) -> None:
    api = FakeBotAPI(
        host=args.host, port=args.port, strict_entities=not args.lax_entities, control=True
    )
    if args.enforce_limits:
        api.enforce_limits(
            args.per_chat_per_sec, args.global_per_sec, per_chat_burst=args.per_chat_burst
        )
    if args.window_limit:
        api.limit_window(args.window_limit)
    if args.delay:
        api.set_delay(args.delay)
    if args.chats:
        api.add_chats(int(c) for c in args.chats.split(",") if c.strip())
    await api.start()
    print(api.base_url, flush=True)
    print(f"file URL {api.base_file_url}, control {api.control_url}", file=sys.stderr, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await api.stop()


def main(argv: list[str] | None = None) -> None:
    """``python -m tests.support.botapi --port N``: first stdout line is the base URL."""
    parser = argparse.ArgumentParser(description=_DESCRIPTION)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--enforce-limits", action="store_true", help="answer 429 to fast bots")
    parser.add_argument("--per-chat-per-sec", type=float, default=1.0)
    parser.add_argument("--per-chat-burst", type=int, default=3)
    parser.add_argument("--global-per-sec", type=float, default=30.0)
    parser.add_argument(
        "--window-limit", type=int, default=0, help="429 beyond N sendMessage in any 1 s window"
    )
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument("--chats", default="", help="comma-separated chat ids to know up front")
    parser.add_argument(
        "--lax-entities", action="store_true", help="accept &nbsp;-style references like Telegram"
    )
    asyncio.run(_serve(parser.parse_args(argv)))
