"""Telegram updates handled concurrently across chats, in order within each chat and user.

One slow update (a `/post <url>` of a slow site, a big file) must not keep every other
reader waiting, so python-telegram-bot runs updates concurrently. The command layer still
assumes one message at a time per conversation: a bare `/post` makes the same user's next
message the article, and a chat's replies must come in the order it asked. So an update
first takes the lock of its chat and of its sender, always in ascending order (which no two
updates can hold in opposite orders, so they never deadlock); updates of other chats and
users run meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import AsyncIterator, Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates in progress at once (PTB's own default for concurrent updates). Waiting for its
# chat's lock counts as in progress, so this also bounds what one flooding chat can queue
# ahead of the others.
MAX_CONCURRENT_UPDATES = 256


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Concurrent across conversations, sequential within one (see the module docstring)."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        # key -> (lock, updates holding or waiting for it): a lock lives only while in use.
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        started = False
        try:
            async with contextlib.AsyncExitStack() as stack:
                for key in conversation_keys(update):
                    await stack.enter_async_context(self._holding(key))
                started = True
                await coroutine
        finally:
            if not started and inspect.iscoroutine(coroutine):
                coroutine.close()  # cancelled while waiting: no "never awaited" warning

    @contextlib.asynccontextmanager
    async def _holding(self, key: int) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    async def initialize(self) -> None:
        """Nothing to set up: locks are made as updates arrive."""

    async def shutdown(self) -> None:
        """Nothing to release: a lock disappears with its last update."""


def conversation_keys(update: object) -> list[int]:
    """The chat and sender ids an update must be ordered with, ascending. Private chats
    share their id with the user, so most updates take one lock.

    A message sent on behalf of a chat (an anonymous group admin, a channel) comes "from"
    one of Telegram's service accounts, the same in every group: that chat is its sender,
    or every anonymous admin anywhere would wait for every other one.
    """
    if not isinstance(update, Update):
        return []
    keys = set()
    if update.effective_chat is not None:
        keys.add(update.effective_chat.id)
    message = update.effective_message
    if message is not None and message.sender_chat is not None:
        keys.add(message.sender_chat.id)
    elif update.effective_user is not None:
        keys.add(update.effective_user.id)
    return sorted(keys)
