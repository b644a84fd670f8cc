"""Pacing: when the next message may leave, so the bot stays within Telegram's limits.

Two independent brakes, both owned by the sender so they outlive a run: a `Pacer` for the
bot's global rate (and a 429's pause, which holds everyone), and a `ChatGate` for one chat
(one message per interval) and one group or channel (so many per minute). Every attempt
goes through both: first sends, later parts, retries and plain-text resends.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import math
import time


class Stopped(Exception):
    """The sender was asked to stop while waiting; the job goes back untouched."""


async def _sleep(seconds: float, stop: asyncio.Event) -> None:
    """Sleep, but wake at once (raising Stopped) when the sender is stopping."""
    if stop.is_set():
        raise Stopped
    if seconds <= 0:
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    if stop.is_set():
        raise Stopped


# Margin for the way from here to Telegram: `rate` sends are spread over 1 + GUARD seconds,
# so sends that arrive up to GUARD seconds closer together than they left (network jitter,
# a busy event loop on either side) still never put more than `rate` in one second.
GUARD = 0.1
# How early a send may leave against its even schedule: the timer slack of an event loop
# (epoll rounds waits up to the millisecond), so that at 1000 sends a second waking a
# little late does not lower the rate, and small enough that sends never bunch.
_SLACK = 0.005
# Waits shorter than this are plain sleeps (checked for a stop after): a cheap timer.
_SHORT_WAIT = 0.05


class Pacer:
    """At most `rate` sends in any one-second window, from the first send on.

    Two rules, both on the times sends are let go, read when each is let go (never reserved
    ahead: a waiter that wakes late, on a busy event loop or in a slow start-up, sends late
    and counts as late, so late wake-ups never bunch up, and a new pacer has no allowance
    to spend in a burst):

    * an even schedule, one send every `spacing` = (1 + GUARD) / rate seconds (a virtual
      scheduling leaky bucket, at most `_SLACK` early, so sends never leave in bursts);
    * a sliding-window log of the last `limit` sends: a send waits until the oldest of them
      is `window` old (1 + GUARD seconds at an integer rate), whatever the schedule says.

    Waiters go one at a time, in order. Every attempt comes through here: first sends,
    later parts, retries after a 429, a 5xx or a network error, plain-text resends. A 429
    pauses everyone for its retry_after; after it, the schedule restarts from the end of
    the pause, not as a burst of everything that waited.
    """

    def __init__(self, rate: float) -> None:
        self.limit = max(1, math.floor(rate)) if 0 < rate < math.inf else 0
        self.window = (1.0 + GUARD) * self.limit / rate if self.limit else 0.0
        self.spacing = self.window / self.limit if self.limit else 0.0
        self._sent: collections.deque[float] = collections.deque(maxlen=self.limit or 1)
        self._scheduled = 0.0  # when the next send is due on the even schedule
        self._paused_until = 0.0
        self._turn = asyncio.Lock()

    async def wait(self, stop: asyncio.Event) -> None:
        if stop.is_set():
            raise Stopped
        if not self.limit and time.monotonic() >= self._paused_until:
            return
        async with self._turn:
            while True:
                now = time.monotonic()
                due = self._due()
                if now >= due:
                    break
                if due - now < _SHORT_WAIT:
                    await asyncio.sleep(due - now)
                    if stop.is_set():
                        raise Stopped
                else:
                    await _sleep(due - now, stop)
            if self.limit:
                self._sent.append(now)
                self._scheduled = max(self._scheduled, now) + self.spacing

    def _due(self) -> float:
        if not self.limit:
            return self._paused_until
        due = max(self._paused_until, self._scheduled - min(_SLACK, self.spacing))
        if len(self._sent) == self.limit:
            due = max(due, self._sent[0] + self.window)
        return due

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)
        self._scheduled = max(self._scheduled, self._paused_until)

    def paused_for(self) -> float:
        return max(0.0, self._paused_until - time.monotonic())


class ChatGate:
    """When each chat may get its next message: one per `interval` seconds, and a group or
    channel (negative id) at most `group_limit` in any `group_window` seconds.

    It belongs to the sender, not to one run, so a run that starts right after another
    (new deliveries came due) still spaces a chat's messages. Every attempt counts, failed
    ones included: the interval runs from Telegram's answer, so the next message to a chat
    arrives at least `interval` after the previous one whatever the network does.
    """

    def __init__(self, interval: float, group_limit: int, group_window: float) -> None:
        self.interval = interval
        self.group_limit = group_limit
        self.group_window = group_window * (1.0 + GUARD)
        self._ready: dict[int, float] = {}  # chat -> monotonic time it may get a message
        self._groups: dict[int, collections.deque[float]] = {}  # group -> recent send times
        self._sends = 0

    @property
    def active(self) -> bool:
        return self.interval > 0

    def wait_for(self, chat: int, now: float) -> float:
        """Seconds until `chat` may get a message (a message in flight: one interval)."""
        ready = self._ready.get(chat, 0.0)
        if ready == math.inf:
            return self.interval
        return max(0.0, ready - now)

    def busy(self, chat: int) -> None:
        """A message to `chat` is on its way: nothing else goes to it until the answer."""
        self._ready[chat] = math.inf

    def free(self, chat: int) -> None:
        """Nothing was sent after all (the sender is stopping)."""
        self._ready.pop(chat, None)

    def answered(self, chat: int, now: float) -> None:
        ready = now + self.interval
        if chat < 0 and self.group_limit > 0:
            recent = self._groups.setdefault(chat, collections.deque(maxlen=self.group_limit))
            recent.append(now)
            if len(recent) == self.group_limit:
                ready = max(ready, recent[0] + self.group_window)
        self._ready[chat] = ready
        self._sends += 1
        if self._sends % 1024 == 0:
            self._prune(now)

    def _prune(self, now: float) -> None:
        for chat in [c for c, t in self._ready.items() if t <= now]:
            del self._ready[chat]
        for chat in [c for c, sent in self._groups.items() if sent[-1] <= now - self.group_window]:
            del self._groups[chat]
