"""A local fake of the Telegram Bot API, good enough to run Khabar's real PTB code against.

Why a real HTTP server instead of a mocked ``BaseRequest``: Khabar's failure modes live in the
HTTP path (PTB turning status codes and ``parameters`` into ``RetryAfter``/``Forbidden``/
``ChatMigrated``, httpx timeouts, dropped connections, long polling). Pointing PTB's
``base_url`` at this server exercises all of that with the library's own code.

Two ways to use it:

* in pytest-asyncio tests: ``async with FakeBotAPI() as api: ...`` (or ``await api.start()`` /
  ``await api.stop()``), then ``Bot(token, base_url=api.base_url,
  base_file_url=api.base_file_url)``;
* as a process for benchmarks and crash scripts: ``python -m tests.support.botapi --port N``
  prints the base URL as its first stdout line and serves ``/_control/...`` so another process
  can inspect and steer it (see :mod:`.control`).

What it answers like Telegram (descriptions as the real Bot API server words them, so PTB's
exception mapping and messages are the real ones): unknown chat, blocked/deactivated users,
migrated groups, 429 with ``retry_after``, HTML parse errors (see :mod:`tests.support.tg_html`),
text length, ``callback_data`` size, message-not-modified, long-poll ``getUpdates`` with offset
confirmation and the 409 conflict of two pollers. Updates it can inject: private and group
messages, forwarded ones, messages sent on behalf of a chat (anonymous admins, channels),
stickers, photos and service messages; ``getChatMember`` answers each user's configured status.

Layout, one job per module: ``records`` (what is recorded and stored), ``params`` (reading
parameters, the error answer), ``objects`` (Telegram objects as the API shapes them),
``state`` (chats, messages, updates, inspection and waiting), ``updates`` (test-side user
input), ``faults`` (injected refusals, errors, drops, delays, rate limits), ``validation``
(what Telegram accepts), ``methods`` (the Bot API method handlers), ``server`` (lifecycle,
routing, error answers), ``control`` (the ``/_control`` API), ``cli`` (the standalone process).
"""

from tests.support.botapi.cli import main
from tests.support.botapi.objects import MEMBER_STATUSES, photo, sticker
from tests.support.botapi.records import ApiCall, Sent, busiest_window
from tests.support.botapi.server import FakeBotAPI

__all__ = [
    "MEMBER_STATUSES",
    "ApiCall",
    "FakeBotAPI",
    "Sent",
    "busiest_window",
    "main",
    "photo",
    "sticker",
]
