"""Hostile web pages on 127.0.0.1 for the fetcher's tests: one that never finishes (a byte a
second), and raw answers with whatever headers a test chooses (a charset that is no page
encoding, a redirect to an address the URL libraries refuse).

Both run in a thread of their own, so a test can use them from a `khabar` subprocess
started with subprocess.run as well as from the test's event loop.
"""

from __future__ import annotations

import asyncio
import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Answer:
    """One canned HTTP answer."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class Site:
    """What the server answers, and what it saw."""

    base: str
    answers: dict[str, Answer]
    # The trickling page: set when a client asked for it, and when that client went away.
    trickle_started: threading.Event = field(default_factory=threading.Event)
    trickle_ended: threading.Event = field(default_factory=threading.Event)


TRICKLE_PATH = "/slow"


@contextmanager
def serve(answers: dict[str, Answer] | None = None) -> Iterator[Site]:
    """A loopback server: `answers` by path, and at TRICKLE_PATH an HTML page that sends
    one byte a second until the client hangs up (unless `answers` has that path: a test
    makes the slow page fast by adding it). Yields the Site (base URL without '/')."""
    site = Site("", dict(answers or {}))
    closing = threading.Event()  # the test is over: stop trickling

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            """The tests read the bot's output, not the server's access log."""

        def do_GET(self) -> None:
            if self.path == TRICKLE_PATH and self.path not in site.answers:
                self._trickle()
                return
            answer = site.answers.get(self.path, Answer(404, {}, b"not here"))
            # Written by hand: send_header allows only Latin-1, and hostile servers send
            # UTF-8 (a Location with "℀" in it).
            head = [f"HTTP/1.1 {answer.status} X"]
            head += [f"{name}: {value}" for name, value in answer.headers.items()]
            head.append(f"Content-Length: {len(answer.body)}")
            self.wfile.write("\r\n".join(head).encode() + b"\r\n\r\n" + answer.body)

        def _trickle(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(10**6))
            self.end_headers()
            site.trickle_started.set()
            try:
                while True:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    # A sleep, not closing.wait(1.0): a thread's timed wait outlives the
                    # shifted year under libfaketime, a sleep does not.
                    time.sleep(1.0)
                    if closing.is_set():
                        return
            except OSError:  # the client hung up: the fetch gave up on the page
                pass
            finally:
                site.trickle_ended.set()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield site
    finally:
        closing.set()
        server.shutdown()
        server.server_close()


async def until_set(event: threading.Event, timeout: float) -> bool:
    """Whether the server thread sets `event` within `timeout` seconds, asked from the event
    loop. Polled rather than `event.wait(timeout)` in a thread: under libfaketime a thread's
    timed wait measures its deadline on the shifted clock and lasts the shifted year."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not event.is_set():
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(0.02)
    return True
