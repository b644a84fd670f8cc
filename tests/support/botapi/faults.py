"""Injected faults: what the fake answers instead of serving a request.

Per-chat refusals (blocked, deactivated, kicked, migrated), scripted errors and dropped
connections for the next matching requests, slow answers, and Telegram's rate limits (token
buckets like its flood control, or a strict sliding window). The server applies them in
Telegram's order: window, drop, delay, scripted error, then the method (which checks the
chat's refusals and the buckets).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from tests.support.botapi.params import ApiError
from tests.support.botapi.state import BotState


@dataclass
class FailRule:
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


@dataclass
class _Limits:
    per_chat_per_sec: float
    per_chat_burst: int
    global_per_sec: float
    global_burst: int
    per_group_per_min: float | None


class FaultInjection(BotState):
    """The test-facing fault switches and the checks the server and methods apply."""

    def __init__(self) -> None:
        super().__init__()
        self._forbidden: dict[int, tuple[str, str]] = {}
        self._migrated: dict[int, int] = {}
        self._fail_rules: list[FailRule] = []
        self._drop_rules: list[_DropRule] = []
        self._delay = 0.0
        self._delay_method: str | None = None
        self._limits: _Limits | None = None
        self._chat_buckets: dict[int, _Bucket] = {}
        self._group_buckets: dict[int, _Bucket] = {}
        self._global_bucket: _Bucket | None = None
        self._window: _Window | None = None

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
        self._fail_rules.append(FailRule(count, status, retry_after, method, chat_id, description))

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

    def _take_drop(self, method: str) -> bool:
        for rule in self._drop_rules:
            if rule.remaining > 0 and rule.method in (None, method):
                rule.remaining -= 1
                return True
        return False

    def _take_fail(self, method: str, chat_id: int | None) -> FailRule | None:
        for rule in self._fail_rules:
            if (
                rule.remaining > 0
                and rule.method in (None, method)
                and (rule.chat_id is None or rule.chat_id == chat_id)
            ):
                rule.remaining -= 1
                return rule
        return None

    def _delay_for(self, method: str) -> float:
        """Seconds to wait before answering ``method`` (see :meth:`set_delay`)."""
        if self._delay and (
            self._delay_method == method or (self._delay_method is None and method != "getUpdates")
        ):
            return self._delay
        return 0.0

    def _check_chat(self, chat_id: int) -> None:
        """Raise the refusal a blocked, deactivated, kicked or migrated chat gets."""
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
