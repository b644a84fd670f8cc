"""The outbox: deliveries written before they are sent, and what each chat received."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.db import Database
from storage.timeutil import from_db, to_db

PENDING, SENT, FAILED = "pending", "sent", "failed"


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    chat_id: int
    kind: str
    dedupe_key: str
    parts: list[dict[str, Any]]
    parts_sent: int
    attempts: int
    not_before: datetime


async def enqueue(
    tx: aiosqlite.Connection,
    *,
    chat_id: int,
    kind: str,
    dedupe_key: str,
    parts: list[dict[str, Any]],
    now: datetime,
    not_before: datetime | None = None,
) -> int | None:
    """Insert a delivery unless one with the same key exists; returns its id or None."""
    cur = await tx.execute(
        "INSERT INTO deliveries (chat_id, kind, dedupe_key, parts, not_before, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING",
        (
            chat_id,
            kind,
            dedupe_key,
            json.dumps(parts, ensure_ascii=False),
            to_db(not_before or now),
            to_db(now),
        ),
    )
    return cur.lastrowid if cur.rowcount == 1 else None


async def mark_received(
    tx: aiosqlite.Connection,
    chat_id: int,
    article_ids: Iterable[int],
    delivery_id: int | None,
    now: datetime,
) -> None:
    await tx.executemany(
        "INSERT INTO received (chat_id, article_id, delivery_id, received_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        [(chat_id, a, delivery_id, to_db(now)) for a in article_ids],
    )


async def due(
    db: Database, now: datetime, limit: int = 1000, chat_id: int | None = None
) -> list[Delivery]:
    """Pending deliveries whose time has come; `chat_id` narrows it to one chat."""
    rows = await db.fetchall(
        "SELECT d.id, d.chat_id, d.kind, d.dedupe_key, d.parts, d.parts_sent, d.attempts,"
        " d.not_before FROM deliveries d JOIN subscribers s ON s.chat_id = d.chat_id"
        " WHERE d.state = 'pending' AND d.not_before <= ? AND s.active = 1"
        " AND (? IS NULL OR d.chat_id = ?)"
        " ORDER BY d.not_before, d.id LIMIT ?",
        [to_db(now), chat_id, chat_id, limit],
    )
    out = []
    for r in rows:
        nb = from_db(r["not_before"])
        assert nb is not None
        out.append(
            Delivery(
                r["id"],
                r["chat_id"],
                r["kind"],
                r["dedupe_key"],
                json.loads(r["parts"]),
                r["parts_sent"],
                r["attempts"],
                nb,
            )
        )
    return out


async def part_sent(
    db: Database, delivery_id: int, parts_sent: int, done: bool, now: datetime
) -> None:
    """Record progress after each message, so a restart resends at most the one in flight."""
    await db.execute(
        "UPDATE deliveries SET parts_sent = ?, state = ?, sent_at = ? WHERE id = ?",
        [parts_sent, SENT if done else PENDING, to_db(now) if done else None, delivery_id],
    )


async def retry_later(db: Database, delivery_id: int, error: str, not_before: datetime) -> None:
    await db.execute(
        "UPDATE deliveries SET attempts = attempts + 1, last_error = ?, not_before = ?"
        " WHERE id = ?",
        [error[:500], to_db(not_before), delivery_id],
    )


async def fail(db: Database, delivery_id: int, error: str) -> None:
    await db.execute(
        "UPDATE deliveries SET attempts = attempts + 1, last_error = ?, state = 'failed'"
        " WHERE id = ?",
        [error[:500], delivery_id],
    )


async def sent_since(db: Database, since: datetime, kind: str | None = None) -> int:
    sql = "SELECT count(*) FROM deliveries WHERE state = 'sent' AND sent_at >= ?"
    params: list[Any] = [to_db(since)]
    if kind is not None:
        sql += " AND kind = ?"
        params.append(kind)
    return int(await db.scalar(sql, params))


async def pending_count(db: Database) -> int:
    return int(await db.scalar("SELECT count(*) FROM deliveries WHERE state = 'pending'"))
