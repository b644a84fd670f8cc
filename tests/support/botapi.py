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
  can inspect and steer it (see :func:`_control_routes`).

What it answers like Telegram (descriptions as the real Bot API server words them, so PTB's
exception mapping and messages are the real ones): unknown chat, blocked/deactivated users,
migrated groups, 429 with ``retry_after``, HTML parse errors (see :mod:`tests.support.tg_html`),
text length, ``callback_data`` size, message-not-modified, long-poll ``getUpdates`` with offset
confirmation and the 409 conflict of two pollers. Updates it can inject: private and group
messages, forwarded ones, messages sent on behalf of a chat (anonymous admins, channels),
stickers, photos and service messages; ``getChatMember`` answers each user's configured status.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import copy
import dataclasses
import itertools
import json
import math
import re
import signal
import socket
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Self

from aiohttp import web

from tests.support.tg_html import EntityParseError, parse_html, trim_text, utf16_len

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

JSON = dict[str, Any]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024

_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "reply_parameters",
        "link_preview_options",
    }
)
_RATE_LIMITED_METHODS = frozenset(
    {"sendMessage", "sendDocument", "editMessageText", "editMessageReplyMarkup"}
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_BOT_COMMAND = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>])")
_BAD_GATEWAY_HTML = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
    "running"
)


@dataclass
class Sent:
    """A message the bot got accepted (``sendMessage``/``sendDocument``), updated on edits.

    ``text`` is what the bot sent (markup included; the caption for documents) because tests
    usually check the bot's own output; ``plain_text`` and ``entities`` are what a reader sees.
    """

    chat_id: int
    text: str | None
    parse_mode: str | None
    reply_markup: JSON | None
    message_id: int
    method: str
    at: float
    plain_text: str | None = None
    entities: list[JSON] = field(default_factory=list)
    document: JSON | None = None
    reply_to_message_id: int | None = None
    disable_notification: bool = False
    edit_count: int = 0
    message: JSON = field(default_factory=dict, repr=False)

    def as_dict(self) -> JSON:
        """JSON-friendly form for the control endpoint (the raw message dict is left out)."""
        data = dataclasses.asdict(self)
        data.pop("message")
        return data


@dataclass
class ApiCall:
    """One HTTP request to a Bot API method, recorded before any fault is applied."""

    method: str
    params: JSON
    at: float
    http_method: str = "POST"
    token: str = ""


@dataclass
class Upload:
    """A file the bot uploaded in a multipart request."""

    filename: str | None
    content_type: str | None
    content: bytes = field(repr=False)

    def as_dict(self) -> JSON:
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "size": len(self.content),
        }


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str
    mime_type: str
    content: bytes = field(repr=False)

    def document(self) -> JSON:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_size": len(self.content),
        }


@dataclass
class _FailRule:
    remaining: int
    status: int
    retry_after: int | None
    method: str | None
    chat_id: int | None
    description: str | None


@dataclass
class _DropRule:
    remaining: int
    method: str | None


@dataclass
class _Bucket:
    """Token bucket: ``capacity`` is the burst, ``rate`` the sustained sends per second."""

    capacity: float
    rate: float
    tokens: float
    stamp: float

    def wait_time(self, now: float) -> float:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


@dataclass
class _Window:
    """A sliding-window rule: at most ``limit`` calls of ``methods`` in any ``seconds``."""

    limit: int
    seconds: float
    methods: frozenset[str]
    arrivals: deque[float] = field(default_factory=deque)  # of calls still inside the window


def busiest_window(times: Iterable[float], seconds: float = 1.0) -> int:
    """The most of ``times`` that fall in any half-open window ``[t, t + seconds)``."""
    ordered = sorted(times)
    most = start = 0
    for end, at in enumerate(ordered):
        while ordered[start] <= at - seconds:
            start += 1
        most = max(most, end - start + 1)
    return most


@dataclass
class _Limits:
    per_chat_per_sec: float
    per_chat_burst: int
    global_per_sec: float
    global_burst: int
    per_group_per_min: float | None


class ApiError(Exception):
    """An error answer: HTTP status, Telegram description, optional ``parameters``."""

    def __init__(
        self, status: int, description: str, *, kind: str, parameters: JSON | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.kind = kind
        self.parameters = parameters


def _bad(description: str, kind: str = "bad_request") -> ApiError:
    return ApiError(400, f"Bad Request: {description}", kind=kind)


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def _as_int(params: JSON, name: str, *, required: bool = False) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise _bad(f"{name} is empty")
        return None
    if isinstance(value, bool):
        raise _bad(f"invalid {name} specified")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _bad(f"invalid {name} specified") from None


def _as_str(params: JSON, name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value)


def _bot_command_entities(text: str) -> list[JSON]:
    """``bot_command`` entities the way Telegram adds them to incoming messages."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: m.start()]),
            "length": utf16_len(m.group()),
        }
        for m in _BOT_COMMAND.finditer(text)
    ]


class FakeBotAPI:
    """An in-memory Telegram Bot API on 127.0.0.1, with recording and fault injection.

    All state lives on the event loop that runs the server; call the helpers from that loop
    (tests do so naturally). Any token is accepted; the bot id is the token's numeric prefix.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_first_name: str = "Khabar",
        bot_username: str = "khabar_test_bot",
        strict_entities: bool = True,
        control: bool = False,
    ) -> None:
        """Configure the server; nothing listens until :meth:`start`.

        ``strict_entities`` rejects ``&nbsp;``-style references that Telegram would show raw;
        pass ``False`` for exact Telegram behaviour. ``control`` enables ``/_control/*``.
        """
        self.host = host
        self.port = port
        self.bot_first_name = bot_first_name
        self.bot_username = bot_username
        self.strict_entities = strict_entities
        self.control = control

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
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._forbidden: dict[int, tuple[str, str]] = {}
        self._migrated: dict[int, int] = {}
        self._users: dict[int, JSON] = {}
        self._member_status: dict[tuple[int, int], str] = {}
        self._fail_rules: list[_FailRule] = []
        self._drop_rules: list[_DropRule] = []
        self._delay = 0.0
        self._delay_method: str | None = None
        self._limits: _Limits | None = None
        self._chat_buckets: dict[int, _Bucket] = {}
        self._group_buckets: dict[int, _Bucket] = {}
        self._global_bucket: _Bucket | None = None
        self._window: _Window | None = None
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []
        self._poll_waiter: asyncio.Future[str] | None = None
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._bot_id = 1234567890

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """What ``ApplicationBuilder().base_url()`` takes; PTB appends ``<token>/<method>``."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """What ``ApplicationBuilder().base_file_url()`` takes."""
        return f"http://{self.host}:{self.port}/file/bot"

    @property
    def control_url(self) -> str:
        """Root of the control endpoints (only served when ``control=True``)."""
        return f"http://{self.host}:{self.port}/_control"

    async def start(self) -> None:
        """Bind (port 0 picks a free port, then ``self.port`` holds the real one) and serve."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        if self.control:
            for route in _control_routes(self):
                app.router.add_route(*route)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown_path)
        self._closing = False
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        """Release a pending long poll (answers ``[]``) and close every connection."""
        self._closing = True
        self._wake_poller("closing")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ chats & faults

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

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: 403 "Forbidden: bot was blocked by the user"."""
        self._forbidden[chat_id] = ("Forbidden: bot was blocked by the user", "blocked")

    def deactivate(self, chat_id: int) -> None:
        """The account was deleted: 403 "Forbidden: user is deactivated"."""
        self._forbidden[chat_id] = ("Forbidden: user is deactivated", "deactivated")

    def kick(self, chat_id: int) -> None:
        """The bot was removed from a group: 403 "Forbidden: bot was kicked from the group chat"."""
        self._forbidden[chat_id] = ("Forbidden: bot was kicked from the group chat", "kicked")

    def unblock(self, chat_id: int) -> None:
        """Undo :meth:`block`, :meth:`deactivate` or :meth:`kick`."""
        self._forbidden.pop(chat_id, None)

    def migrate(self, chat_id: int, new_chat_id: int) -> None:
        """The group became a supergroup: 400 with ``parameters.migrate_to_chat_id``."""
        self._migrated[chat_id] = new_chat_id
        self.add_chat(
            new_chat_id, chat_type="supergroup", title=self._chats.get(chat_id, {}).get("title")
        )

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """What ``getChatMember`` answers for ``user_id`` in group ``chat_id``: one of
        Telegram's statuses (see :data:`MEMBER_STATUSES`); users never set are members."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"unknown chat member status {status!r}")
        self._member_status[(chat_id, user_id)] = status

    def fail_next(
        self,
        count: int = 1,
        status: int = 429,
        retry_after: int | None = None,
        method: str | None = "sendMessage",
        chat_id: int | None = None,
        description: str | None = None,
    ) -> None:
        """Answer the next ``count`` matching requests with an error instead of serving them.

        429 carries ``parameters.retry_after`` (default 1) so PTB raises ``RetryAfter``; 500
        answers JSON "Internal Server Error"; 502 answers nginx's HTML page like Telegram's
        front end does. ``method=None`` or ``chat_id=None`` match any.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        self._fail_rules.append(_FailRule(count, status, retry_after, method, chat_id, description))

    def drop_next(self, count: int = 1, method: str | None = "sendMessage") -> None:
        """Close the connection without answering, after reading the request.

        The bot cannot know whether Telegram acted on it: exactly the case that must not
        produce duplicates after a retry.
        """
        self._drop_rules.append(_DropRule(count, method))

    def set_delay(self, seconds: float, method: str | None = None) -> None:
        """Answer slowly. ``method=None`` delays every method except ``getUpdates``."""
        self._delay = seconds
        self._delay_method = method

    def enforce_limits(
        self,
        per_chat_per_sec: float = 1.0,
        global_per_sec: float = 30.0,
        *,
        per_chat_burst: int = 3,
        global_burst: int | None = None,
        per_group_per_min: float | None = 20.0,
    ) -> None:
        """Answer 429 (``retry_after`` = seconds until a send would pass) to a bot that sends
        faster than Telegram tolerates; counted in ``faults["rate_limited"]``.

        Token buckets: ``per_chat_burst`` quick messages to one chat, then
        ``per_chat_per_sec``; ``global_burst`` (default ``global_per_sec``) then
        ``global_per_sec`` over all chats, which PTB's ``AIORateLimiter`` defaults satisfy;
        groups (negative ids) also ``per_group_per_min``.
        """
        self._limits = _Limits(
            per_chat_per_sec=per_chat_per_sec,
            per_chat_burst=per_chat_burst,
            global_per_sec=global_per_sec,
            global_burst=global_burst if global_burst is not None else math.ceil(global_per_sec),
            per_group_per_min=per_group_per_min,
        )
        self._chat_buckets.clear()
        self._group_buckets.clear()
        self._global_bucket = None

    def disable_limits(self) -> None:
        """Stop enforcing :meth:`enforce_limits` and :meth:`limit_window`."""
        self._limits = None
        self._window = None

    def limit_window(
        self,
        limit: int = 30,
        seconds: float = 1.0,
        methods: Iterable[str] = ("sendMessage",),
    ) -> None:
        """Answer 429 to a call of ``methods`` that arrives when ``limit`` of them already
        arrived in the last ``seconds``: no window of that length, wherever it starts, may
        hold more. Unlike :meth:`enforce_limits` there is no bucket to spend at start, so a
        burst is caught whenever it comes (the first second of a restarted bot included).

        Every arrival counts, whatever it is answered (a 429, an injected 5xx): each is a
        request Telegram's front end saw. ``retry_after`` is the whole seconds until the
        oldest call in the window leaves it; refusals are counted in
        ``faults["window_exceeded"]``, and :meth:`busiest` tells the worst window seen.
        """
        self._window = _Window(limit, seconds, frozenset(methods))

    def busiest(self, method: str = "sendMessage", seconds: float = 1.0) -> int:
        """The most ``method`` calls that arrived in any ``seconds`` window, refused ones
        included."""
        return busiest_window((c.at for c in self.requests if c.method == method), seconds)

    def _check_window(self, method: str, now: float) -> ApiError | None:
        window = self._window
        if window is None or method not in window.methods:
            return None
        arrivals = window.arrivals
        while arrivals and arrivals[0] <= now - window.seconds:
            arrivals.popleft()
        arrivals.append(now)
        if len(arrivals) <= window.limit:
            return None
        retry_after = max(1, math.ceil(arrivals[0] + window.seconds - now))
        return ApiError(
            429,
            f"Too Many Requests: retry after {retry_after}",
            kind="window_exceeded",
            parameters={"retry_after": retry_after},
        )

    def clear_faults(self) -> None:
        """Forget every injected fault (blocks, migrations, pending failures, delay, limits)."""
        self._forbidden.clear()
        self._migrated.clear()
        self._fail_rules.clear()
        self._drop_rules.clear()
        self._delay = 0.0
        self._limits = None
        self._window = None

    def reset_records(self) -> None:
        """Forget what was recorded (sent, requests, counters), keep chats and messages."""
        self.sent.clear()
        self.requests.clear()
        self.faults.clear()
        self.errors.clear()
        self.edits.clear()
        self.callback_answers.clear()
        self.chat_actions.clear()

    # ------------------------------------------------------------------ test-side input

    def register_file(self, content: bytes, file_name: str, mime_type: str) -> JSON:
        """Store a file so ``getFile`` and the download route serve it; returns a Document."""
        number = next(self._file_ids)
        extension = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        stored = _StoredFile(
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

    def push_message(
        self,
        user_id: int,
        text: str | None = None,
        *,
        chat_id: int | None = None,
        first_name: str = "Test",
        username: str | None = None,
        language_code: str | None = None,
        reply_to_text: str | None = None,
        document: tuple[str, bytes, str] | None = None,
        caption: str | None = None,
        forward_origin: JSON | None = None,
        sender_chat_id: int | None = None,
        fields: JSON | None = None,
    ) -> JSON:
        """Queue a ``message`` update from a user, as Telegram would deliver it.

        ``/command`` tokens get ``bot_command`` entities (PTB's ``CommandHandler`` needs the
        one at offset 0). ``reply_to_text`` makes it a reply to the bot's latest message with
        that text in the chat (or to a synthetic one). ``document`` is ``(file_name, bytes,
        mime_type)``; ``getFile`` and the file URL then serve those bytes, and ``text`` (when no
        ``caption`` is given) becomes the caption.

        ``forward_origin`` (a MessageOrigin, e.g. from :meth:`user_origin`) makes it a
        forwarded message. ``sender_chat_id`` sends it on behalf of a chat: the group itself
        (an anonymous admin, ``from`` is @GroupAnonymousBot) or a channel (``from`` is
        @Channel_Bot). ``fields`` are added as they are: a sticker, a photo, or a service
        message's fields (see :func:`sticker`, :func:`photo`, :meth:`push_service`).
        """
        user = self._user(user_id, first_name, username, language_code)
        chat_id = user_id if chat_id is None else chat_id
        chat = self._chats.get(chat_id)
        if chat is None or (chat["type"] == "private" and chat_id == user_id):
            # A private chat shows the user's current name, as Telegram's does.
            private = chat_id == user_id
            chat = self.add_chat(
                chat_id,
                first_name=first_name,
                username=username if private else None,
                chat_type=None if chat is None else chat["type"],
                title=None if chat is None else chat.get("title"),
            )
        message: JSON = {
            "message_id": self._new_message_id(chat_id),
            "from": user,
            "chat": chat,
            "date": int(time.time()),
        }
        if sender_chat_id is not None:
            if sender_chat_id == chat_id:
                message["from"] = dict(_GROUP_ANONYMOUS_BOT)
            else:
                message["from"] = dict(_CHANNEL_BOT)
                if sender_chat_id not in self._chats:
                    self.add_chat(sender_chat_id, chat_type="channel")
            message["sender_chat"] = self._chats[sender_chat_id]
        if forward_origin is not None:
            message["forward_origin"] = forward_origin
        if fields:
            message.update(copy.deepcopy(fields))
        if document is not None and caption is None:
            text, caption = None, text  # a document message has a caption, never a text
        if text is not None:
            message["text"] = text
            if entities := _bot_command_entities(text):
                message["entities"] = entities
        if document is not None:
            file_name, content, mime_type = document
            message["document"] = self.register_file(content, file_name, mime_type)
            if caption is not None:
                message["caption"] = caption
                if entities := _bot_command_entities(caption):
                    message["caption_entities"] = entities
        if reply_to_text is not None:
            message["reply_to_message"] = self._reply_target(chat_id, reply_to_text)
        self._messages[(chat_id, message["message_id"])] = message
        return self._push_update({"message": message})

    def push_service(self, chat_id: int, user_id: int, kind: str) -> JSON:
        """Queue a service message in a group: ``new_chat_members`` (``user_id`` joined),
        ``left_chat_member`` (``user_id`` left), ``pinned_message`` (``user_id`` pinned the
        chat's latest message) or ``new_chat_title``, shaped as Telegram sends them."""
        user = self._user(user_id, "Test", None, None)
        fields: JSON
        if kind == "new_chat_members":
            fields = {"new_chat_members": [user]}
        elif kind == "left_chat_member":
            fields = {"left_chat_member": user}
        elif kind == "pinned_message":
            latest = [m for (chat, _), m in self._messages.items() if chat == chat_id]
            if not latest:
                raise KeyError(f"no message in chat {chat_id} to pin")
            fields = {"pinned_message": copy.deepcopy(latest[-1])}
        elif kind == "new_chat_title":
            fields = {"new_chat_title": "नया नाम"}
        else:
            raise ValueError(f"unknown service message {kind!r}")
        return self.push_message(user_id, None, chat_id=chat_id, fields=fields)

    def user_origin(self, user_id: int, first_name: str = "Test") -> JSON:
        """A MessageOriginUser: the forwarded message was first sent by ``user_id``."""
        return {
            "type": "user",
            "date": int(time.time()) - 3600,
            "sender_user": self._user(user_id, first_name, None, None),
        }

    def push_callback(
        self,
        user_id: int,
        data: str,
        message_id: int,
        *,
        chat_id: int | None = None,
        first_name: str = "Test",
        username: str | None = None,
    ) -> JSON:
        """Queue a ``callback_query`` for a button under a message the bot sent earlier.

        The update carries the message's current content, as Telegram's does.
        """
        chat_id = user_id if chat_id is None else chat_id
        message = self._messages.get((chat_id, message_id))
        if message is None:
            raise KeyError(f"no message {message_id} in chat {chat_id} to press a button under")
        query_id = str(next(self._callback_ids))
        self._open_callbacks.add(query_id)
        query = {
            "id": query_id,
            "from": self._user(user_id, first_name, username, None),
            "message": copy.deepcopy(message),  # later edits must not rewrite a queued update
            "chat_instance": str(abs(chat_id) * 7919 + 17),
            "data": data,
        }
        return self._push_update({"callback_query": query})

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

    # ------------------------------------------------------------------ HTTP plumbing

    async def _read_params(self, request: web.Request) -> JSON:
        params: JSON = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    params.update(body)
            else:
                for key, value in (await request.post()).items():
                    if isinstance(value, web.FileField):
                        params[key] = Upload(value.filename, value.content_type, value.file.read())
                    else:
                        params[key] = value
        for key in _JSON_FIELDS & params.keys():
            if isinstance(params[key], str):
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(params[key])
        return params

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        requested = request.match_info["method"]
        method = _METHOD_NAMES.get(requested.lower(), requested)
        try:
            params = await self._read_params(request)
        except (ValueError, UnicodeDecodeError):
            return self._error_response(method, None, _bad("can't parse request body"))
        arrived = time.monotonic()
        self.requests.append(
            ApiCall(method, params, arrived, request.method, request.match_info["token"])
        )
        self._bot_id = _bot_id_from_token(request.match_info["token"], self._bot_id)
        self._notify()
        chat_id = _loose_chat_id(params.get("chat_id"))
        over = self._check_window(method, arrived)
        if over is not None:
            return self._error_response(method, chat_id, over)

        if self._take_drop(method):
            self.faults["dropped"] += 1
            request.protocol.force_close()
            return web.Response(status=204)
        if self._delay and (
            self._delay_method == method or (self._delay_method is None and method != "getUpdates")
        ):
            await asyncio.sleep(self._delay)
        rule = self._take_fail(method, chat_id)
        if rule is not None:
            return self._injected_response(method, chat_id, rule)

        handler = _HANDLERS.get(method)
        if handler is None:
            self.faults["not_found"] += 1
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        try:
            result = await handler(self, params, request)
        except ApiError as error:
            return self._error_response(method, chat_id, error)
        return web.json_response({"ok": True, "result": result})

    def _error_response(self, method: str, chat_id: int | None, error: ApiError) -> web.Response:
        self.faults[error.kind] += 1
        self.errors.append(
            {
                "method": method,
                "chat_id": chat_id,
                "status": error.status,
                "description": error.description,
            }
        )
        body: JSON = {"ok": False, "error_code": error.status, "description": error.description}
        if error.parameters:
            body["parameters"] = error.parameters
        self._notify()
        return web.json_response(body, status=error.status)

    def _injected_response(self, method: str, chat_id: int | None, rule: _FailRule) -> web.Response:
        if rule.status == 502 and rule.description is None:
            self.faults["injected_502"] += 1
            self.errors.append(
                {"method": method, "chat_id": chat_id, "status": 502, "description": "Bad Gateway"}
            )
            return web.Response(status=502, text=_BAD_GATEWAY_HTML, content_type="text/html")
        defaults = {
            429: f"Too Many Requests: retry after {rule.retry_after}",
            500: "Internal Server Error",
            400: "Bad Request: injected failure",
            403: "Forbidden: injected failure",
            409: "Conflict: injected failure",
        }
        description = rule.description or defaults.get(rule.status, "Injected failure")
        parameters = {"retry_after": rule.retry_after} if rule.retry_after is not None else None
        error = ApiError(
            rule.status, description, kind=f"injected_{rule.status}", parameters=parameters
        )
        return self._error_response(method, chat_id, error)

    def _take_drop(self, method: str) -> bool:
        for rule in self._drop_rules:
            if rule.remaining > 0 and rule.method in (None, method):
                rule.remaining -= 1
                return True
        return False

    def _take_fail(self, method: str, chat_id: int | None) -> _FailRule | None:
        for rule in self._fail_rules:
            if (
                rule.remaining > 0
                and rule.method in (None, method)
                and (rule.chat_id is None or rule.chat_id == chat_id)
            ):
                rule.remaining -= 1
                return rule
        return None

    async def _handle_unknown_path(self, request: web.Request) -> web.StreamResponse:
        """Telegram answers JSON 404 even for paths that are not ``/bot<token>/<method>``."""
        self.faults["not_found"] += 1
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        stored = self._files_by_path.get(request.match_info["path"])
        if stored is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(body=stored.content, content_type="application/octet-stream")

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

    def _reply_target(self, chat_id: int, text: str) -> JSON:
        for sent in reversed(self.sent):
            if sent.chat_id == chat_id and text in (sent.text, sent.plain_text):
                return copy.deepcopy(sent.message)
        return {
            "message_id": self._new_message_id(chat_id),
            "from": self._bot_user(),
            "chat": self._chats[chat_id],
            "date": int(time.time()),
            "text": text,
        }

    def _chat(self, params: JSON) -> JSON:
        """Resolve ``chat_id`` and apply per-chat faults, in Telegram's order."""
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _bad("chat_id is empty")
        chat: JSON | None = None
        if isinstance(raw, str) and raw.startswith("@"):
            chat = next((c for c in self._chats.values() if c.get("username") == raw[1:]), None)
        else:
            chat_id = _loose_chat_id(raw)
            chat = self._chats.get(chat_id) if chat_id is not None else None
        if chat is None:
            raise _bad("chat not found", "chat_not_found")
        chat_id = chat["id"]
        if chat_id in self._forbidden:
            description, kind = self._forbidden[chat_id]
            raise ApiError(403, description, kind=kind)
        if chat_id in self._migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                kind="migrated",
                parameters={"migrate_to_chat_id": self._migrated[chat_id]},
            )
        return chat

    def _check_rate(self, chat_id: int) -> None:
        limits = self._limits
        if limits is None:
            return
        now = time.monotonic()
        chat_bucket = self._chat_buckets.get(chat_id)
        if chat_bucket is None:
            burst = limits.per_chat_burst
            chat_bucket = _Bucket(burst, limits.per_chat_per_sec, burst, now)
            self._chat_buckets[chat_id] = chat_bucket
        if self._global_bucket is None:
            burst = limits.global_burst
            self._global_bucket = _Bucket(burst, limits.global_per_sec, burst, now)
        buckets = [chat_bucket, self._global_bucket]
        if chat_id < 0 and limits.per_group_per_min:
            group_bucket = self._group_buckets.get(chat_id)
            if group_bucket is None:
                per_min = limits.per_group_per_min
                group_bucket = _Bucket(per_min, per_min / 60, per_min, now)
                self._group_buckets[chat_id] = group_bucket
            buckets.append(group_bucket)
        wait = max(bucket.wait_time(now) for bucket in buckets)
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            raise ApiError(
                429,
                f"Too Many Requests: retry after {retry_after}",
                kind="rate_limited",
                parameters={"retry_after": retry_after},
            )
        for bucket in buckets:
            bucket.take()

    def _render(self, params: JSON, text_field: str, limit: int) -> tuple[str, list[JSON]]:
        """Text as the reader sees it plus entities; Telegram's errors for bad input."""
        raw = params.get(text_field)
        text = "" if raw is None else str(raw)
        parse_mode = params.get("parse_mode") or None
        explicit = params.get("entities" if text_field == "text" else "caption_entities")
        if explicit is not None:
            if not isinstance(explicit, list):
                raise _bad(f"can't parse {text_field} entities JSON object")
            plain, entities = text, [e for e in explicit if isinstance(e, dict)]
        elif parse_mode is None:
            plain, entities = text, []
        elif str(parse_mode).lower() == "html":
            try:
                parsed = parse_html(text, strict_entities=self.strict_entities)
            except EntityParseError as exc:
                raise _bad(f"can't parse entities: {exc}") from None
            plain, entities = parsed.text, parsed.entities
        elif str(parse_mode).lower() in {"markdown", "markdownv2"}:
            plain, entities = text, []  # not validated: Khabar sends HTML only
        else:
            raise _bad("unsupported parse_mode")
        trimmed = trim_text(plain, entities)
        if text_field == "text" and not trimmed.text:
            raise _bad("message text is empty")
        if len(trimmed.text) > limit:  # code points, as TDLib's utf8_length counts
            raise _bad(
                "message is too long" if text_field == "text" else "message caption is too long"
            )
        return trimmed.text, trimmed.entities

    def _markup(self, params: JSON) -> JSON | None:
        """Validate ``reply_markup``; only inline keyboards are echoed in the returned message."""
        markup = params.get("reply_markup")
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return markup
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise _bad('can\'t find field "text"')
                if "callback_data" in button:
                    data = button["callback_data"]
                    size = len(str(data).encode("utf-8"))
                    if not isinstance(data, str) or not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                        raise _bad("BUTTON_DATA_INVALID")
                elif "url" in button:
                    url = button["url"]
                    if not isinstance(url, str) or not re.match(r"^(https?|tg)://\S+$", url):
                        raise _bad("BUTTON_URL_INVALID")
                elif not any(
                    key in button
                    for key in (
                        "web_app",
                        "login_url",
                        "switch_inline_query",
                        "switch_inline_query_current_chat",
                        "switch_inline_query_chosen_chat",
                        "copy_text",
                        "callback_game",
                        "pay",
                    )
                ):
                    raise _bad("text buttons are unallowed in the inline keyboard")
        return markup

    def _reply_to(self, params: JSON, chat_id: int) -> JSON | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow = _as_bool(reply.get("allow_sending_without_reply", False))
        else:
            message_id = _as_int(params, "reply_to_message_id")
            allow = _as_bool(params.get("allow_sending_without_reply", False))
        if message_id is None:
            return None
        target = self._messages.get((chat_id, int(message_id)))
        if target is None and not allow:
            raise _bad("message to be replied not found")
        return target

    def _store_sent(
        self,
        chat: JSON,
        method: str,
        params: JSON,
        text_field: str,
        plain: str,
        entities: list[JSON],
        markup: JSON | None,
        extra: JSON,
    ) -> JSON:
        chat_id = chat["id"]
        reply_to = self._reply_to(params, chat_id)
        message: JSON = {
            "message_id": self._new_message_id(chat_id),
            "from": self._bot_user(),
            "chat": chat,
            "date": int(time.time()),
            **extra,
        }
        if plain or text_field == "text":
            message[text_field] = plain
        if entities:
            message["entities" if text_field == "text" else "caption_entities"] = entities
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        if reply_to is not None:
            message["reply_to_message"] = {
                k: v for k, v in reply_to.items() if k != "reply_to_message"
            }
        raw_text = params.get(text_field)
        sent = Sent(
            chat_id=chat_id,
            text=None if raw_text is None else str(raw_text),
            parse_mode=params.get("parse_mode") or None,
            reply_markup=markup,
            message_id=message["message_id"],
            method=method,
            at=time.monotonic(),
            plain_text=plain,
            entities=entities,
            document=extra.get("document"),
            reply_to_message_id=None if reply_to is None else reply_to["message_id"],
            disable_notification=_as_bool(params.get("disable_notification", False)),
            message=message,
        )
        self._messages[(chat_id, sent.message_id)] = message
        self._sent_index[(chat_id, sent.message_id)] = sent
        self.sent.append(sent)
        self._notify()
        return message

    def _editable(self, params: JSON) -> tuple[JSON, Sent]:
        if params.get("inline_message_id"):
            raise _bad("message to edit not found")
        chat = self._chat(params)
        message_id = _as_int(params, "message_id", required=True)
        assert message_id is not None
        key = (chat["id"], message_id)
        sent = self._sent_index.get(key)
        if sent is None:
            if key in self._messages:
                raise _bad("message can't be edited")
            raise _bad("message to edit not found")
        return chat, sent

    def _record_edit(self, method: str, sent: Sent) -> JSON:
        sent.edit_count += 1
        sent.message["edit_date"] = int(time.time())
        self.edits.append(
            {
                "method": method,
                "chat_id": sent.chat_id,
                "message_id": sent.message_id,
                "text": sent.text,
                "reply_markup": sent.reply_markup,
                "at": time.monotonic(),
            }
        )
        self._notify()
        return sent.message

    # ------------------------------------------------------------------ Bot API methods

    async def _get_me(self, params: JSON, request: web.Request) -> JSON:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _true(self, params: JSON, request: web.Request) -> bool:
        return True

    async def _set_webhook(self, params: JSON, request: web.Request) -> bool:
        self.webhook_url = str(params.get("url") or "")
        if _as_bool(params.get("drop_pending_updates", False)):
            self._updates.clear()
        return True

    async def _delete_webhook(self, params: JSON, request: web.Request) -> bool:
        self.webhook_url = ""
        if _as_bool(params.get("drop_pending_updates", False)):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: JSON, request: web.Request) -> JSON:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _get_updates(self, params: JSON, request: web.Request) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
                kind="conflict",
            )
        offset = _as_int(params, "offset") or 0
        limit = min(max(_as_int(params, "limit") or 100, 1), 100)
        try:
            timeout = max(float(params.get("timeout") or 0), 0.0)
        except (TypeError, ValueError):
            raise _bad("invalid timeout specified") from None
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

        # Like Telegram, a newer getUpdates ends the one still waiting with 409 Conflict.
        self._wake_poller("conflict")
        if not self._updates and timeout > 0 and not self._closing:
            waiter: asyncio.Future[str] = asyncio.get_running_loop().create_future()
            self._poll_waiter = waiter
            try:
                reason = await asyncio.wait_for(waiter, timeout)
            except TimeoutError:
                reason = "timeout"
            finally:
                if self._poll_waiter is waiter:
                    self._poll_waiter = None
            if reason == "conflict":
                # PTB abandons its long poll on shutdown and polls once more: that is not a
                # second bot instance, so count it apart from real conflicts.
                alive = request.transport is not None and not request.transport.is_closing()
                raise ApiError(409, _POLL_CONFLICT, kind="conflict" if alive else "stale_poll")
        return self._updates[:limit]

    async def _send_message(self, params: JSON, request: web.Request) -> JSON:
        chat = self._chat(params)
        self._check_rate(chat["id"])
        plain, entities = self._render(params, "text", MAX_TEXT)
        markup = self._markup(params)
        return self._store_sent(chat, "sendMessage", params, "text", plain, entities, markup, {})

    async def _send_document(self, params: JSON, request: web.Request) -> JSON:
        chat = self._chat(params)
        self._check_rate(chat["id"])
        document = params.get("document")
        if isinstance(document, Upload):
            info = self.register_file(
                document.content,
                document.filename or "document.bin",
                document.content_type or "application/octet-stream",
            )
        elif isinstance(document, str) and document in self._files:
            info = self._files[document].document()
        elif isinstance(document, str) and document.startswith(("http://", "https://")):
            info = self.register_file(
                b"", document.rsplit("/", 1)[-1] or "file", "application/octet-stream"
            )
        else:
            raise _bad("there is no document in the request")
        plain, entities = self._render(params, "caption", MAX_CAPTION)
        markup = self._markup(params)
        return self._store_sent(
            chat, "sendDocument", params, "caption", plain, entities, markup, {"document": info}
        )

    async def _edit_message_text(self, params: JSON, request: web.Request) -> JSON:
        chat, sent = self._editable(params)
        self._check_rate(chat["id"])
        plain, entities = self._render(params, "text", MAX_TEXT)
        markup = self._markup(params)
        if sent.method != "sendMessage":
            raise _bad("there is no text in the message to edit")
        if (plain, entities, markup) == (sent.plain_text, sent.entities, sent.reply_markup):
            raise _bad(_NOT_MODIFIED.removeprefix("Bad Request: "), "not_modified")
        sent.text = str(params.get("text"))
        sent.parse_mode = params.get("parse_mode") or None
        sent.plain_text, sent.entities, sent.reply_markup = plain, entities, markup
        message = sent.message
        message["text"] = plain
        message.pop("entities", None)
        if entities:
            message["entities"] = entities
        message.pop("reply_markup", None)
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        return self._record_edit("editMessageText", sent)

    async def _edit_message_reply_markup(self, params: JSON, request: web.Request) -> JSON:
        chat, sent = self._editable(params)
        self._check_rate(chat["id"])
        markup = self._markup(params)
        if markup == sent.reply_markup:
            raise _bad(_NOT_MODIFIED.removeprefix("Bad Request: "), "not_modified")
        sent.reply_markup = markup
        sent.message.pop("reply_markup", None)
        if markup is not None and "inline_keyboard" in markup:
            sent.message["reply_markup"] = markup
        return self._record_edit("editMessageReplyMarkup", sent)

    async def _answer_callback_query(self, params: JSON, request: web.Request) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_callbacks:
            raise _bad(_QUERY_TOO_OLD.removeprefix("Bad Request: "), "query_too_old")
        self._open_callbacks.discard(query_id)
        self.callback_answers.append(
            {
                "callback_query_id": query_id,
                "text": params.get("text"),
                "show_alert": _as_bool(params.get("show_alert", False)),
                "url": params.get("url"),
            }
        )
        self._notify()
        return True

    async def _send_chat_action(self, params: JSON, request: web.Request) -> bool:
        chat = self._chat(params)
        action = str(params.get("action") or "")
        if action not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        self.chat_actions.append((chat["id"], action))
        return True

    async def _get_file(self, params: JSON, request: web.Request) -> JSON:
        stored = self._files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise _bad("invalid file_id")
        if len(stored.content) > MAX_DOWNLOAD_BYTES:
            raise _bad("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    async def _get_chat_member(self, params: JSON, request: web.Request) -> JSON:
        chat = self._chat(params)
        user_id = _as_int(params, "user_id", required=True)
        assert user_id is not None
        user = self._users.get(user_id)
        if user is None:
            raise _bad("user not found")
        if chat["type"] == "private":
            if user_id not in (chat["id"], self._bot_id):
                raise _bad("user not found")
            return _chat_member(user, "member")
        return _chat_member(user, self._member_status.get((chat["id"], user_id), "member"))

    def _scope_key(self, params: JSON) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
            raise _bad("can't parse BotCommandScope JSON object")
        key = scope["type"]
        if "chat_id" in scope:
            key += f":{scope['chat_id']}"
        if "user_id" in scope:
            key += f":{scope['user_id']}"
        language = str(params.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise _bad("invalid language code specified")
        return key, language

    async def _set_my_commands(self, params: JSON, request: web.Request) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("BOT_COMMANDS_TOO_MUCH")
        cleaned: list[JSON] = []
        for item in commands:
            if not isinstance(item, dict):
                raise _bad("command must be non-empty")
            name = str(item.get("command") or "").strip().removeprefix("/")
            description = str(item.get("description") or "").strip()
            if not name:
                raise _bad("command must be non-empty")
            if len(name) > 32:
                raise _bad("command length must not exceed 32")
            if not description:
                raise _bad("command description must be non-empty")
            if len(description) > 256:
                raise _bad("command description length must not exceed 256")
            if not _COMMAND_NAME.fullmatch(name):
                raise _bad("BOT_COMMAND_INVALID")
            cleaned.append({"command": name, "description": description})
        key = self._scope_key(params)
        if cleaned:
            self.commands_by_scope[key] = cleaned
        else:
            self.commands_by_scope.pop(key, None)
        self._notify()
        return True

    async def _get_my_commands(self, params: JSON, request: web.Request) -> list[JSON]:
        return list(self.commands_by_scope.get(self._scope_key(params), []))

    async def _delete_my_commands(self, params: JSON, request: web.Request) -> bool:
        self.commands_by_scope.pop(self._scope_key(params), None)
        return True


# ChatMember statuses, as getChatMember reports them.
MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")

# Who a message sent on behalf of a chat comes "from": Telegram's service accounts.
_GROUP_ANONYMOUS_BOT: JSON = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
_CHANNEL_BOT: JSON = {
    "id": 136817688,
    "is_bot": True,
    "first_name": "Channel",
    "username": "Channel_Bot",
}

_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
)
_NO_ADMIN_RIGHTS = (
    "can_promote_members",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_manage_topics",
)
_MEMBER_PERMISSIONS = (
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
    "can_edit_tag",
    "can_react_to_messages",
)


def _chat_member(user: JSON, status: str) -> JSON:
    """A ChatMember of each kind with the fields the Bot API always sends for it."""
    member: JSON = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(can_be_edited=False, is_anonymous=False)
        member.update(dict.fromkeys(_ADMIN_RIGHTS, True))
        member.update(dict.fromkeys(_NO_ADMIN_RIGHTS, False))
    elif status == "restricted":
        member.update(is_member=True, until_date=0)
        member.update(dict.fromkeys(_MEMBER_PERMISSIONS, False))
    elif status == "kicked":
        member["until_date"] = 0
    return member


def sticker() -> JSON:
    """A sticker message's fields (for ``push_message(fields=...)``)."""
    return {
        "sticker": {
            "file_id": "CAACAgIAAxkBAAIBsticker",
            "file_unique_id": "AgADsticker",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
    }


def photo(caption: str | None = None) -> JSON:
    """A photo message's fields: the sizes Telegram keeps, and an optional caption."""
    sizes = [
        {
            "file_id": f"AgACAgIAAxkBphoto{w}",
            "file_unique_id": f"AQADphoto{w}",
            "width": w,
            "height": w * 3 // 4,
            "file_size": w * 40,
        }
        for w in (90, 320, 800)
    ]
    fields: JSON = {"photo": sizes}
    if caption is not None:
        fields["caption"] = caption
    return fields


def _bot_id_from_token(token: str, default: int) -> int:
    prefix = token.split(":", 1)[0]
    return int(prefix) if prefix.isdigit() else default


def _loose_chat_id(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return int(value)
    return None


_Handler = Callable[[FakeBotAPI, JSON, web.Request], Any]
_HANDLERS: dict[str, _Handler] = {
    "getMe": FakeBotAPI._get_me,
    "logOut": FakeBotAPI._true,
    "close": FakeBotAPI._true,
    "setWebhook": FakeBotAPI._set_webhook,
    "deleteWebhook": FakeBotAPI._delete_webhook,
    "getWebhookInfo": FakeBotAPI._get_webhook_info,
    "getUpdates": FakeBotAPI._get_updates,
    "sendMessage": FakeBotAPI._send_message,
    "sendDocument": FakeBotAPI._send_document,
    "editMessageText": FakeBotAPI._edit_message_text,
    "editMessageReplyMarkup": FakeBotAPI._edit_message_reply_markup,
    "answerCallbackQuery": FakeBotAPI._answer_callback_query,
    "sendChatAction": FakeBotAPI._send_chat_action,
    "getFile": FakeBotAPI._get_file,
    "getChatMember": FakeBotAPI._get_chat_member,
    "setMyCommands": FakeBotAPI._set_my_commands,
    "getMyCommands": FakeBotAPI._get_my_commands,
    "deleteMyCommands": FakeBotAPI._delete_my_commands,
}
# Bot API method names are case-insensitive; record them under their canonical spelling.
_METHOD_NAMES = {name.lower(): name for name in _HANDLERS}


# ---------------------------------------------------------------------- control endpoint


def _jsonable(value: Any) -> Any:
    if isinstance(value, Upload):
        return value.as_dict()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _control_routes(api: FakeBotAPI) -> list[tuple[str, str, Callable[[web.Request], Any]]]:
    """``/_control/*``: let a benchmark or crash script inspect and steer a server process.

    GET ``sent`` (messages, per-chat counts, fault counters), ``counts`` (totals only),
    ``requests``, ``commands``, ``updates``; POST ``<action>`` with a JSON object of keyword
    arguments, where action is one of add_chat, add_chats, block, unblock, deactivate, kick,
    migrate, fail_next, drop_next, set_delay, enforce_limits, disable_limits, limit_window,
    clear_faults,
    reset_records, push_message (``document`` as ``{"file_name", "mime_type",
    "content"|"content_base64"}``), push_callback.
    """

    async def sent(request: web.Request) -> web.Response:
        return web.json_response(
            {
                "sent": [s.as_dict() for s in api.sent],
                "count": len(api.sent),
                "count_by_chat": {str(k): v for k, v in api.count_by_chat().items()},
                "faults": dict(api.faults),
                "requests_by_method": dict(Counter(c.method for c in api.requests)),
                "pending_updates": len(api.pending_updates),
                "edits": api.edits,
                "callback_answers": api.callback_answers,
            }
        )

    async def requests(request: web.Request) -> web.Response:
        return web.json_response(
            [
                {"method": c.method, "params": _jsonable(c.params), "at": c.at, "token": c.token}
                for c in api.requests
            ]
        )

    async def counts(request: web.Request) -> web.Response:
        """Totals only: what a benchmark with 100k messages can afford to ask for."""
        per_chat = Counter(s.chat_id for s in api.sent)
        times = [s.at for s in api.sent]
        return web.json_response(
            {
                "count": len(api.sent),
                "chats": len(per_chat),
                "max_per_chat": max(per_chat.values(), default=0),
                "duplicated": sum(n - 1 for n in per_chat.values() if n > 1),
                "first_at": min(times, default=None),
                "last_at": max(times, default=None),
                "busiest_second": api.busiest(),
                "faults": dict(api.faults),
                "requests_by_method": dict(Counter(c.method for c in api.requests)),
            }
        )

    async def commands(request: web.Request) -> web.Response:
        return web.json_response(
            {f"{scope}|{lang}": cmds for (scope, lang), cmds in api.commands_by_scope.items()}
        )

    async def updates(request: web.Request) -> web.Response:
        return web.json_response(api.pending_updates)

    actions: dict[str, Callable[..., Any]] = {
        "add_chat": api.add_chat,
        "add_chats": api.add_chats,
        "block": api.block,
        "unblock": api.unblock,
        "deactivate": api.deactivate,
        "kick": api.kick,
        "migrate": api.migrate,
        "fail_next": api.fail_next,
        "drop_next": api.drop_next,
        "set_delay": api.set_delay,
        "enforce_limits": api.enforce_limits,
        "disable_limits": api.disable_limits,
        "limit_window": api.limit_window,
        "clear_faults": api.clear_faults,
        "reset_records": api.reset_records,
        "push_message": api.push_message,
        "push_callback": api.push_callback,
    }

    async def act(request: web.Request) -> web.Response:
        action = actions.get(request.match_info["action"])
        if action is None:
            return web.json_response({"ok": False, "description": "unknown action"}, status=404)
        kwargs = await request.json() if request.can_read_body else {}
        document = kwargs.get("document")
        if isinstance(document, dict):
            content = (
                base64.b64decode(document["content_base64"])
                if "content_base64" in document
                else str(document.get("content", "")).encode("utf-8")
            )
            kwargs["document"] = (
                document["file_name"],
                content,
                document.get("mime_type", "text/plain"),
            )
        try:
            result = action(**kwargs)
        except (TypeError, KeyError, ValueError) as exc:
            return web.json_response({"ok": False, "description": str(exc)}, status=400)
        return web.json_response({"ok": True, "result": _jsonable(result)})

    return [
        ("GET", "/_control/sent", sent),
        ("GET", "/_control/requests", requests),
        ("GET", "/_control/counts", counts),
        ("GET", "/_control/commands", commands),
        ("GET", "/_control/updates", updates),
        ("POST", "/_control/{action}", act),
    ]


# ---------------------------------------------------------------------- standalone process


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
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


if __name__ == "__main__":
    main()
