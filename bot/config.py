"""Settings from the environment, read once at start-up."""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import time, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, available_timezones

from bot import texts

DEFAULT_TZ = "Asia/Kolkata"
DEFAULT_DIGEST_TIME = "07:00"
TELEGRAM_API = "https://api.telegram.org/bot"
OUTBOX_HTTP = ("aiohttp", "httpx")


class ConfigError(ValueError):
    """A setting the operator gave cannot be used; the message names it."""


def default_db_path(env: Mapping[str, str]) -> Path:
    """Per-user data folder, as the XDG base directory spec asks."""
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "khabar" / "khabar.db"


def parse_hhmm(text: str) -> time:
    """'7:05' or '07:05' -> time(7, 5); ValueError for anything else."""
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not (hours.isascii() and hours.isdigit() and len(hours) <= 2):
        raise ValueError(text)
    if not (minutes.isascii() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(text)
    return time(int(hours), int(minutes))


# Telegram user ids "have at most 52 significant bits" (Bot API, User.id): anything larger
# is a typo, and would only fail once `khabar run` asks Telegram about that chat.
MAX_USER_ID = 2**52 - 1
_USER_ID = re.compile(r"[0-9]+")


def parse_admins(raw: str) -> frozenset[int]:
    """Comma-separated ASCII decimal user ids, spaces allowed around the commas only.

    Spaces inside an id are an error rather than removed ("111 222" is two people, not
    user 111222), and so are digits int() would take from other scripts (Devanagari "१"),
    signs, and ids outside Telegram's range: each would make the wrong person an admin or
    nobody at all. Empty items (a trailing comma) are allowed.
    """
    admins: set[int] = set()
    for item in raw.split(","):
        part = item.strip(" \t")
        if not part:
            continue
        if not _USER_ID.fullmatch(part) or not 0 < int(part) <= MAX_USER_ID:
            raise ConfigError(texts.CONFIG_ADMINS.format(part=part, raw=raw))
        admins.add(int(part))
    return frozenset(admins)


# Files some systems' zoneinfo folders hold beside the zones: not places a reader lives in.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@functools.cache
def _zone_names() -> dict[str, str]:
    """IANA names by their lower-case spelling, so "asia/kolkata" finds Asia/Kolkata."""
    names = available_timezones() - _NOT_ZONES
    return {name.lower(): name for name in names if not name.startswith(("posix/", "right/"))}


def parse_zone(name: str) -> ZoneInfo:
    """An IANA zone, matched without regard to case; ValueError for anything else (file
    names such as "localtime" included: only names of the tz database count)."""
    found = _zone_names().get(name.strip().lower())
    if found is None:
        raise ValueError(name)
    return ZoneInfo(found)


# Upper bounds, so a typo such as 1e300 is a clear error at start-up, not an overflow deep
# inside the scheduler or the event loop: a tick longer than an hour makes digests an hour
# late, 1000 a second is Telegram's paid-broadcast ceiling, and a first retry wait over an
# hour leaves a message stuck for most of a morning.
MAX_TICK_SECONDS = 3600.0
MAX_SEND_RATE = 1000.0
MAX_RETRY_BASE_SECONDS = 3600.0
MAX_FETCH_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class Settings:
    db_path: Path
    admins: frozenset[int] = frozenset()
    tz: str = DEFAULT_TZ
    digest_time: str = DEFAULT_DIGEST_TIME
    token: str | None = field(default=None, repr=False)
    api_base_url: str = TELEGRAM_API
    api_file_url: str | None = None
    tick_seconds: float = 30.0
    grace: timedelta = timedelta(hours=3)
    send_rate: float = 30.0
    per_chat_interval: float = 1.0
    # `/post <url>` and `khabar ingest <url>` may fetch loopback/private addresses.
    allow_private_urls: bool = False
    # The whole of one page fetch (redirects and body included), in seconds.
    fetch_seconds: float = 30.0
    # Outbox sender: parallel sends (also the most duplicates a SIGKILL can cause), the first
    # in-run retry delay after a 5xx or network error, Telegram's paid broadcasts (up to
    # 1000 messages a second, charged in Stars: set KHABAR_SEND_RATE too), and the HTTP
    # library it sends with: "aiohttp" reaches that rate on one core, "httpx" (PTB's
    # default) about 600 a second, but it also honours ALL_PROXY, which aiohttp ignores.
    send_concurrency: int = 8
    retry_base: float = 1.0
    paid_broadcast: bool = False
    outbox_http: str = "aiohttp"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and check every setting; ConfigError's message is Hindi and names the
        variable, because the CLI shows it as it is to an operator who set it."""
        env = os.environ if env is None else env
        admins = parse_admins(env.get("KHABAR_ADMINS", ""))
        tz = env.get("KHABAR_TZ", DEFAULT_TZ)
        digest_time = env.get("KHABAR_DIGEST_TIME", DEFAULT_DIGEST_TIME)
        try:
            parse_zone(tz)
        except ValueError as exc:
            raise ConfigError(texts.CONFIG_TZ.format(value=tz)) from exc
        try:
            digest_time = parse_hhmm(digest_time).strftime("%H:%M")
        except ValueError as exc:
            raise ConfigError(texts.CONFIG_DIGEST_TIME.format(value=digest_time)) from exc
        tick = _number(env, "KHABAR_TICK_SECONDS", "30", float)
        grace_hours = _number(env, "KHABAR_GRACE_HOURS", "3", float)
        try:
            grace = timedelta(hours=grace_hours)
        except OverflowError:  # finite but beyond timedelta (about 2.7 million years)
            grace = timedelta.max
        if grace_hours < 0:
            raise ConfigError(texts.CONFIG_GRACE_NEGATIVE.format(hours=grace_hours))
        rate = _number(env, "KHABAR_SEND_RATE", "30", float)
        concurrency = _number(env, "KHABAR_SEND_CONCURRENCY", "8", int)
        retry_base = _number(env, "KHABAR_RETRY_BASE_SECONDS", "1", float)
        fetch_seconds = _number(env, "KHABAR_FETCH_TIMEOUT_SECONDS", "30", float)
        for name, value, most in (
            ("KHABAR_TICK_SECONDS", tick, MAX_TICK_SECONDS),
            ("KHABAR_SEND_RATE", rate, MAX_SEND_RATE),
            ("KHABAR_FETCH_TIMEOUT_SECONDS", fetch_seconds, MAX_FETCH_SECONDS),
        ):
            if not 0 < value <= most:
                problem = texts.CONFIG_OUT_OF_RANGE
                raise ConfigError(problem.format(name=name, most=most, value=env.get(name)))
        if not 1 <= concurrency <= 1000:
            raise ConfigError(texts.CONFIG_CONCURRENCY.format(value=concurrency))
        if not 0 <= retry_base <= MAX_RETRY_BASE_SECONDS:
            raise ConfigError(
                texts.CONFIG_RETRY_BASE.format(
                    most=MAX_RETRY_BASE_SECONDS, value=env.get("KHABAR_RETRY_BASE_SECONDS")
                )
            )
        outbox_http = (env.get("KHABAR_OUTBOX_HTTP") or "aiohttp").strip().lower()
        if outbox_http not in OUTBOX_HTTP:
            raise ConfigError(texts.CONFIG_OUTBOX_HTTP.format(value=outbox_http))
        base = env.get("TELEGRAM_API_BASE_URL") or TELEGRAM_API
        return cls(
            db_path=Path(env.get("KHABAR_DB") or default_db_path(env)).expanduser(),
            admins=admins,
            tz=tz,
            digest_time=digest_time,
            token=env.get("TELEGRAM_BOT_TOKEN") or None,
            api_base_url=base,
            api_file_url=env.get("TELEGRAM_API_FILE_URL") or _file_url(base),
            tick_seconds=tick,
            grace=grace,
            send_rate=rate,
            send_concurrency=concurrency,
            retry_base=retry_base,
            paid_broadcast=_flag(env, "KHABAR_PAID_BROADCAST", False),
            allow_private_urls=_flag(env, "KHABAR_ALLOW_PRIVATE_URLS", False),
            fetch_seconds=fetch_seconds,
            outbox_http=outbox_http,
        )

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


N = TypeVar("N", int, float)


def _number(env: Mapping[str, str], name: str, default: str, kind: Callable[[str], N]) -> N:
    """One numeric setting, its own variable named when it is not a finite number.

    float() accepts "nan" and "inf": a NaN tick would never compare as due and an infinite
    grace overflows timedelta with a traceback, so both are refused here, by name.
    """
    raw = env.get(name) or default
    not_a_number = texts.CONFIG_NOT_INTEGER if kind is int else texts.CONFIG_NOT_NUMBER
    try:
        value = kind(raw.strip())
    except ValueError as exc:
        raise ConfigError(not_a_number.format(name=name, value=raw)) from exc
    if not math.isfinite(value):
        raise ConfigError(texts.CONFIG_NOT_FINITE.format(name=name, value=raw))
    return value


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    """1/true/yes/on or 0/false/no/off; unset or empty keeps the default."""
    value = env.get(name)
    if value is None or not value.strip():
        return default
    text = value.strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(texts.CONFIG_FLAG.format(name=name, value=value))


def _file_url(base: str) -> str:
    """Bot API servers serve files under /file/bot<token>/ beside /bot<token>/."""
    if base.rstrip("/").endswith("/bot"):
        return base.rstrip("/")[: -len("/bot")] + "/file/bot"
    return base.rstrip("/") + "/file/bot"
