"""The outbox: deliveries written before they are sent, and what each chat received."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from storage.db import Database
from storage.timeutil import to_db

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
    # not_before exactly as stored: the keyset cursor compares text, and must not land
    # before this row because of a formatting difference.
    not_before_text: str = ""


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


async def due_page(
    db: Database,
    now: datetime,
    *,
    after: tuple[str, int] | None = None,
    limit: int = 256,
    chat_id: int | None = None,
) -> list[Delivery]:
    """One page of due deliveries after the keyset position `after` = (not_before, id).

    The sender streams the outbox page by page instead of remembering what it has seen, so
    its memory does not grow with the size of a broadcast; the order matches the
    deliveries_pending index, so each page is an index range scan, not a sort.
    """
    nb, last = after if after is not None else ("", 0)
    rows = await db.fetchall(
        "SELECT d.id, d.chat_id, d.kind, d.dedupe_key, d.parts, d.parts_sent, d.attempts,"
        " d.not_before FROM deliveries d JOIN subscribers s ON s.chat_id = d.chat_id"
        " WHERE d.state = 'pending' AND d.not_before <= ? AND (d.not_before, d.id) > (?, ?)"
        " AND s.active = 1 AND (? IS NULL OR d.chat_id = ?)"
        " ORDER BY d.not_before, d.id LIMIT ?",
        [to_db(now), nb, last, chat_id, chat_id, limit],
    )
    out = []
    for r in rows:
        out.append(
            Delivery(
                r["id"],
                r["chat_id"],
                r["kind"],
                r["dedupe_key"],
                json.loads(r["parts"]),
                r["parts_sent"],
                r["attempts"],
                datetime.fromisoformat(r["not_before"]),
                r["not_before"],
            )
        )
    return out


def page_key(item: Delivery) -> tuple[str, int]:
    """The keyset position just at `item`, for the next `due_page` call."""
    return item.not_before_text or to_db(item.not_before), item.id


async def part_sent(
    db: Database, delivery_id: int, parts_sent: int, done: bool, now: datetime
) -> None:
    """Record progress after each message, so a restart resends at most the one in flight."""
    await db.execute(
        "UPDATE deliveries SET parts_sent = ?, state = ?, sent_at = ? WHERE id = ?",
        [parts_sent, SENT if done else PENDING, to_db(now) if done else None, delivery_id],
    )


async def parts_sent_many(db: Database, rows: list[tuple[int, int, bool]], now: datetime) -> None:
    """`part_sent` for several deliveries in one transaction: (id, parts_sent, done).

    The sender's group commit: workers whose messages were accepted at the same moment
    share one write instead of paying a database round trip each.
    """
    stamp = to_db(now)
    async with db.transaction() as tx:
        await tx.executemany(
            "UPDATE deliveries SET parts_sent = ?, state = ?, sent_at = ? WHERE id = ?",
            [
                (parts, SENT if done else PENDING, stamp if done else None, delivery_id)
                for delivery_id, parts, done in rows
            ],
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


@dataclass(slots=True)
class RunReport:
    """What one sender run did: the sender counts into it while it runs, and a run that did
    any work is kept as a row of delivery_reports (/stats shows the latest)."""

    started_at: datetime
    finished_at: datetime
    seconds: float = 0.0
    sent: int = 0  # messages Telegram accepted
    deliveries_done: int = 0  # deliveries with every part sent
    retried: int = 0  # resends after a 429, a 5xx or a network error
    rate_limited: int = 0  # 429 answers (also counted in retried)
    failed: int = 0  # deliveries given up for good
    newly_inactive: int = 0  # subscribers this run marked inactive
    migrated: int = 0  # chats moved to their supergroup id
    plain_fallbacks: int = 0  # messages resent as plain text
    deferred: int = 0  # deliveries put back in the database for a later run

    @property
    def did_work(self) -> bool:
        return bool(self.sent or self.failed or self.retried or self.deferred)


# RunReport's counters and the delivery_reports columns that keep them.
_REPORT_COUNTS = {
    "sent": "messages",
    "deliveries_done": "deliveries",
    "retried": "retried",
    "rate_limited": "rate_limited",
    "failed": "failed",
    "newly_inactive": "newly_inactive",
    "migrated": "migrated",
    "plain_fallbacks": "plain_fallbacks",
    "deferred": "deferred",
}
REPORT_KEEP = timedelta(days=90)


async def save_report(db: Database, report: RunReport) -> None:
    """Persist one run's report; rows older than REPORT_KEEP go, so the table stays small."""
    columns = ", ".join(("started_at", "finished_at", "seconds", *_REPORT_COUNTS.values()))
    marks = ", ".join("?" * (3 + len(_REPORT_COUNTS)))
    async with db.transaction() as tx:
        await tx.execute(
            f"INSERT INTO delivery_reports ({columns}) VALUES ({marks})",
            (
                to_db(report.started_at),
                to_db(report.finished_at),
                report.seconds,
                *(getattr(report, name) for name in _REPORT_COUNTS),
            ),
        )
        await tx.execute(
            "DELETE FROM delivery_reports WHERE finished_at < ?",
            (to_db(report.finished_at - REPORT_KEEP),),
        )


async def latest_report(db: Database) -> RunReport | None:
    """The most recent sender run that did any work, or None before the first."""
    row = await db.fetchone(
        "SELECT started_at, finished_at, seconds, "
        + ", ".join(_REPORT_COUNTS.values())
        + " FROM delivery_reports ORDER BY finished_at DESC, id DESC LIMIT 1"
    )
    if row is None:
        return None
    return RunReport(
        started_at=datetime.fromisoformat(row["started_at"]),
        finished_at=datetime.fromisoformat(row["finished_at"]),
        seconds=float(row["seconds"]),
        **{name: int(row[column]) for name, column in _REPORT_COUNTS.items()},
    )


async def prune(db: Database, before: datetime, batch: int = 5000) -> int:
    """Delete sent and failed deliveries created before `before`; returns how many.

    Their message text is the bulk of the database (a digest a reader a day). What each
    chat received stays in `received`, only its link to the deleted row is cleared.
    """
    removed = 0
    while True:
        async with db.transaction() as tx:
            async with tx.execute(
                "SELECT id FROM deliveries WHERE state <> 'pending' AND created_at < ? LIMIT ?",
                (to_db(before), batch),
            ) as cur:
                ids = [row[0] for row in await cur.fetchall()]
            if not ids:
                return removed
            marks = ",".join("?" * len(ids))
            await tx.execute(
                f"UPDATE received SET delivery_id = NULL WHERE delivery_id IN ({marks})", ids
            )
            await tx.execute(f"DELETE FROM deliveries WHERE id IN ({marks})", ids)
        removed += len(ids)


async def enqueue_many(
    tx: aiosqlite.Connection, rows: Sequence[tuple[int, str, list[dict[str, Any]]]], now: datetime
) -> dict[str, int]:
    """`enqueue` for many (chat_id, dedupe_key, parts) at once, kind 'digest', due now.

    Returns the ids of the rows written, by dedupe key; a key already in the outbox is
    left alone and missing from the answer. Call inside one transaction: the check and
    the insert must not be split by another writer.
    """
    if not rows:
        return {}
    keys = json.dumps([key for _, key, _ in rows])
    async with tx.execute(
        "SELECT dedupe_key FROM deliveries WHERE dedupe_key IN (SELECT value FROM json_each(?))",
        (keys,),
    ) as cur:
        taken = {r[0] for r in await cur.fetchall()}
    stamp = to_db(now)
    fresh = [row for row in rows if row[1] not in taken]
    await tx.executemany(
        "INSERT INTO deliveries (chat_id, kind, dedupe_key, parts, not_before, created_at)"
        " VALUES (?, 'digest', ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING",
        [(c, key, json.dumps(parts, ensure_ascii=False), stamp, stamp) for c, key, parts in fresh],
    )
    async with tx.execute(
        "SELECT dedupe_key, id FROM deliveries"
        " WHERE dedupe_key IN (SELECT value FROM json_each(?))",
        (json.dumps([key for _, key, _ in fresh]),),
    ) as cur:
        return {r[0]: r[1] for r in await cur.fetchall()}


async def mark_received_many(
    tx: aiosqlite.Connection, rows: Iterable[tuple[int, Iterable[int], int | None]], now: datetime
) -> None:
    """`mark_received` for many (chat_id, article_ids, delivery_id) in one statement."""
    stamp = to_db(now)
    await tx.executemany(
        "INSERT INTO received (chat_id, article_id, delivery_id, received_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        [(chat_id, a, delivery_id, stamp) for chat_id, ids, delivery_id in rows for a in ids],
    )
