"""The Telegram front end: python-telegram-bot over the command layer.

`app` wires the Application (handlers, the digest tick, the services in `services`);
`incoming` turns updates into command-layer calls and sends the replies; `menus` sets the
command menus; `transport` sends outbox messages through the Bot API and maps Telegram's
errors; `lifecycle` starts and stops the process (long polling, signals, log redaction).
`errors`, `groups`, `http` and `order` are the parts they share: readable Telegram
failures, chat rights, the outbox's aiohttp client, per-chat ordering of updates.
A webhook entry point would sit beside `lifecycle`'s polling.
"""

import os

# python-telegram-bot 22.2+ warns on every 429 (even inside its own RetryAfter.__init__)
# unless the process opts in to the coming behaviour, `retry_after` as a timedelta, which
# transport.translate_error handles. Set here, before any module of the front end can make
# a request.
os.environ.setdefault("PTB_TIMEDELTA", "1")
