"""The fake's state: which chats, users, messages and files exist, the update queue, and what
was recorded, with the test-facing ways to read it and wait for it.

:class:`BotState` is the base the other layers build on (test-side input in ``updates``,
injected faults in ``faults``, the Bot API methods in ``methods``, HTTP in ``server``); all of
it lives on the event loop that runs the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import Counter
from collections.abc import Callable, Iterable

from tests.support.botapi.objects import MEMBER_STATUSES
from tests.support.botapi.records import JSON, ApiCall, Sent, StoredFile, busiest_window


class BotState:
    """Chats, messages, updates and records of one fake Bot API server."""

    # Who the bot is: set by the server's constructor before this one runs.
    bot_first_name: str
    bot_username: str

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.requests: list[ApiCall] = []
        self.faults: Counter[str] = Counter()
        self.errors: list[JSON] = []
        self.edits: list[JSON] = []
        self.callback_answers: list[JSON] = []
        self.chat_actions: list[tuple[int, str]] = []
        self.commands_by_scope: dict[tuple[str, str], list[JSON]] = {}
        self.webhook_url = ""

        self._chats: dict[int, JSON] = {}
        self._messages: dict[tuple[int, int], JSON] = {}
        self._sent_index: dict[tuple[int, int], Sent] = {}
        self._next_message_id: dict[int, int] = {}
        self._updates: list[JSON] = []
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(4_000_000_000_000_000_001)
        self._file_ids = itertools.count(1)
        self._open_callbacks: set[str] = set()
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._users: dict[int, JSON] = {}
        self._member_status: dict[tuple[int, int], str] = {}
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []
        self._poll_waiter: asyncio.Future[str] | None = None
        self._closing = False
        self._bot_id = 1234567890

    # ------------------------------------------------------------------ chats and files

    def add_chat(
        self,
        chat_id: int,
        *,
        first_name: str = "Test",
        username: str | None = None,
        title: str | None = None,
        chat_type: str | None = None,
    ) -> JSON:
        """Make ``chat_id`` known (as if the user had started the bot); returns the chat dict.

        The type follows Telegram's id ranges unless given: positive ids are private chats,
        ``-100…`` supergroups, other negative ids basic groups.
        """
        if chat_type is None:
            chat_type = (
                "private" if chat_id > 0 else ("supergroup" if chat_id <= -(10**12) else "group")
            )
        chat: JSON = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = first_name
        else:
            chat["title"] = title or f"Group {chat_id}"
        if username:
            chat["username"] = username
        self._chats[chat_id] = chat
        return chat

    def add_chats(self, chat_ids: Iterable[int]) -> None:
        """Make many chats known at once (benchmarks with thousands of subscribers)."""
        for chat_id in chat_ids:
            self.add_chat(chat_id)

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """What ``getChatMember`` answers for ``user_id`` in group ``chat_id``: one of
        Telegram's statuses (see :data:`MEMBER_STATUSES`); users never set are members."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"unknown chat member status {status!r}")
        self._member_status[(chat_id, user_id)] = status

    def register_file(self, content: bytes, file_name: str, mime_type: str) -> JSON:
        """Store a file so ``getFile`` and the download route serve it; returns a Document."""
        number = next(self._file_ids)
        extension = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        stored = StoredFile(
            file_id=f"BQACAgIAAxkBAAI{number:08d}",
            file_unique_id=f"AgAD{number:06d}",
            file_path=f"documents/file_{number}.{extension}",
            file_name=file_name,
            mime_type=mime_type,
            content=content,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored.document()

    def reset_records(self) -> None:
        """Forget what was recorded (sent, requests, counters), keep chats and messages."""
        self.sent.clear()
        self.requests.clear()
        self.faults.clear()
        self.errors.clear()
        self.edits.clear()
        self.callback_answers.clear()
        self.chat_actions.clear()

    # ------------------------------------------------------------------ inspection

    def messages_to(self, chat_id: int) -> list[Sent]:
        """Accepted messages to one chat, oldest first."""
        return [s for s in self.sent if s.chat_id == chat_id]

    def count_by_chat(self) -> dict[int, int]:
        """How many messages each chat received."""
        return dict(Counter(s.chat_id for s in self.sent))

    def calls(self, method: str) -> list[ApiCall]:
        """Recorded requests to one method (faulted ones included)."""
        return [c for c in self.requests if c.method == method]

    @property
    def commands(self) -> dict[str, list[JSON]]:
        """``setMyCommands`` for the default scope, keyed by ``language_code`` ("" = all)."""
        return {
            lang: cmds
            for (scope, lang), cmds in self.commands_by_scope.items()
            if scope == "default"
        }

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by a ``getUpdates`` offset."""
        return list(self._updates)

    def busiest(self, method: str = "sendMessage", seconds: float = 1.0) -> int:
        """The most ``method`` calls that arrived in any ``seconds`` window, refused ones
        included."""
        return busiest_window((c.at for c in self.requests if c.method == method), seconds)

    async def wait_for(
        self, predicate: int | Callable[[list[Sent]], bool], timeout: float = 5.0
    ) -> list[Sent]:
        """Wait until ``len(sent) >= predicate`` (an int) or ``predicate(sent)`` is true.

        Event-driven (checked whenever something is recorded), so a test costs no more time
        than the bot takes. Returns a snapshot of ``sent``; raises ``TimeoutError`` listing
        what did arrive.
        """
        if isinstance(predicate, int):
            wanted = predicate

            def check() -> bool:
                return len(self.sent) >= wanted

            what = f"{wanted} message(s)"
        else:
            condition = predicate

            def check() -> bool:
                return condition(self.sent)

            what = "the predicate"
        await self._wait(check, timeout, what)
        return list(self.sent)

    async def wait_for_request(
        self, method: str, count: int = 1, timeout: float = 5.0
    ) -> list[ApiCall]:
        """Wait until ``method`` was called ``count`` times (e.g. ``answerCallbackQuery``)."""
        await self._wait(lambda: len(self.calls(method)) >= count, timeout, f"{count} {method}")
        return self.calls(method)

    async def _wait(self, check: Callable[[], bool], timeout: float, what: str) -> None:
        if check():
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (check, future)
        self._waiters.append(entry)
        try:
            await asyncio.wait_for(future, timeout)
        except TimeoutError:
            seen = [(s.chat_id, (s.plain_text or "")[:60]) for s in self.sent[-10:]]
            raise TimeoutError(
                f"waited {timeout}s for {what}; {len(self.sent)} sent (last: {seen}); "
                f"faults {dict(self.faults)}"
            ) from None
        finally:
            with contextlib.suppress(ValueError):
                self._waiters.remove(entry)

    def _notify(self) -> None:
        for check, future in list(self._waiters):
            if future.done():
                continue
            try:
                if check():
                    future.set_result(None)
            except Exception as exc:  # a broken predicate must fail the test, not hang it
                future.set_exception(exc)

    # ------------------------------------------------------------------ shared helpers

    def _bot_user(self) -> JSON:
        return {
            "id": self._bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _user(self, user_id: int, first_name: str, username: str | None, lang: str | None) -> JSON:
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if lang:
            user["language_code"] = lang
        self._users[user_id] = user  # getChatMember answers with it
        return user

    def _new_message_id(self, chat_id: int) -> int:
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    def _push_update(self, body: JSON) -> JSON:
        update = {"update_id": next(self._update_ids), **body}
        self._updates.append(update)
        self._wake_poller("update")
        return update

    def _wake_poller(self, reason: str) -> None:
        if self._poll_waiter is not None and not self._poll_waiter.done():
            self._poll_waiter.set_result(reason)
