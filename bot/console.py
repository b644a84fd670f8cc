"""The terminal chat: the same bot as on Telegram, over standard input and output.

Replies are printed as readable text (HTML tags dropped, links spelled out) and buttons as
numbered choices; typing the number presses the button. Scheduled digests for this user
arrive in the terminal at their time, from the same outbox as on Telegram.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bot import texts
from bot.clock import Clock, SystemClock
from bot.commands import Khabar
from bot.config import Settings
from bot.database import database
from bot.ingest.sources import Source
from bot.posting import post_article
from bot.recovery import PostRecovery, interrupted_posts
from bot.replies import Button, Incoming, Reply
from bot.runner import Runner
from digests.telegram_html import plain_text
from storage import post_journal
from storage.db import Database

CONSOLE_USER = 1
END_OF_ARTICLE = "."
DEMO_DIR = Path(__file__).with_name("demo")


@dataclass
class ConsoleOutput:
    """Prints replies and remembers the last buttons so a typed number can press one."""

    out: TextIO
    buttons: list[Button] = field(default_factory=list)
    _rows: tuple[tuple[Button, ...], ...] = ()

    def show(self, replies: list[Reply], heading: str | None = None) -> None:
        if heading:
            print(heading, file=self.out)
        for reply in replies:
            if reply.text:
                print(plain_text(reply.text, spell_out_links=True), file=self.out)
            flat = [b for row in reply.buttons for b in row]
            if flat:
                self.buttons = flat
                self._rows = reply.buttons
                for number, button in enumerate(flat, 1):
                    target = f" ({button.url})" if button.url else ""
                    print(f"  [{number}] {button.text}{target}", file=self.out)
            print(file=self.out)
        self.out.flush()

    async def press(self, khabar: Khabar, user_id: int, data: str) -> None:
        """Press a button of the last message shown: toast, flipped toggles, replies."""
        rows = self._rows
        result = await khabar.handle_callback(user_id, user_id, data, rows)
        if result.toast:
            print(f"({result.toast})", file=self.out)
        if result.buttons is not None:
            self.show([Reply("", result.buttons)])
        self.show(list(result.replies))


class ConsoleTransport:
    """The outbox's way into the terminal: a scheduled digest is printed when it is due."""

    def __init__(self, output: ConsoleOutput) -> None:
        self.output = output

    async def send(self, chat_id: int, reply: Reply, *, plain: bool = False) -> None:
        self.output.show([reply], heading="\n" + texts.CONSOLE_NEW_MESSAGE)


async def load_demo(db: Database, clock: Clock) -> int:
    """Post the bundled demo articles (dedupe makes a second load a no-op)."""
    added = 0
    for path in sorted(DEMO_DIR.glob("*.txt")):
        result = await post_article(
            db, Source(path.read_text(encoding="utf-8")), posted_by=None, now=clock.now()
        )
        added += 0 if result.duplicate else 1
    return added


async def run_console(
    settings: Settings,
    *,
    user_id: int = CONSOLE_USER,
    demo: bool = False,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    clock: Clock | None = None,
) -> int:
    """Chat until end of input; the local operator (user 1) is always an admin."""
    stdin = stdin or sys.stdin
    output = ConsoleOutput(stdout or sys.stdout)
    clock = clock or SystemClock()
    if user_id == CONSOLE_USER:
        settings = settings.with_(admins=settings.admins | {CONSOLE_USER})
    interactive = stdin.isatty()
    async with database(settings.db_path) as db:
        khabar = Khabar(db, settings, clock, origin=post_journal.TERMINAL)
        if demo:
            added = await load_demo(db, clock)
            if added:
                print(texts.CONSOLE_DEMO_LOADED.format(count=added), file=output.out)
        runner = Runner(db, settings, clock, ConsoleTransport(output), only_chat=user_id)
        khabar.on_outbox = runner.wake
        runner.start()
        ticker = asyncio.create_task(_tick_forever(runner, settings.tick_seconds))
        admin = texts.CONSOLE_ADMIN_MARK if khabar.is_admin(user_id) else ""
        print(
            texts.CONSOLE_WELCOME.format(user=user_id, admin=admin, db=settings.db_path),
            file=output.out,
        )
        output.out.flush()
        try:
            # Posts this user's last session left unfinished (killed mid-post), first.
            posts = await interrupted_posts(khabar, chat_id=user_id)
            await PostRecovery(khabar, ConsoleTransport(output), posts).run()
            await _chat(khabar, output, stdin, user_id, interactive)
        finally:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
            await runner.drain()
    return 0


async def _tick_forever(runner: Runner, seconds: float) -> None:
    while True:
        await runner.tick()
        await asyncio.sleep(seconds)


async def _chat(
    khabar: Khabar, output: ConsoleOutput, stdin: TextIO, user_id: int, interactive: bool
) -> None:
    async def read() -> str | None:
        if interactive:
            print(texts.CONSOLE_PROMPT, end="", file=output.out, flush=True)
        line = await asyncio.to_thread(stdin.readline)
        return None if line == "" else line.rstrip("\n")

    while (line := await read()) is not None:
        if not interactive and line.strip():
            print(f"{texts.CONSOLE_PROMPT}{line}", file=output.out)
        text = line
        if line.strip().lower() == "/post" and khabar.is_admin(user_id):
            text = await _collect_article(read, output, interactive)
        stripped = text.strip()
        if stripped.isdigit() and output.buttons and 1 <= int(stripped) <= len(output.buttons):
            button = output.buttons[int(stripped) - 1]
            if button.data:
                await output.press(khabar, user_id, button.data)
                continue
        output.show(await khabar.handle(Incoming(user_id, user_id, text, first_name=None)))


async def _collect_article(
    read: Callable[[], Awaitable[str | None]], output: ConsoleOutput, interactive: bool
) -> str:
    """Multi-line paste: every line up to a line holding only '.' is the article."""
    if interactive:
        print(texts.CONSOLE_PASTE_ARTICLE, file=output.out)
    lines: list[str] = []
    while (line := await read()) is not None and line.strip() != END_OF_ARTICLE:
        lines.append(line)
    return "/post\n" + "\n".join(lines) if lines else "/post"
