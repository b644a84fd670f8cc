"""Queries on editor_menus: the chats that were given the editors' command menu."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database
from storage.timeutil import to_db


async def editor_menu_chats(db: Database) -> set[int]:
    rows = await db.fetchall("SELECT chat_id FROM editor_menus")
    return {row["chat_id"] for row in rows}


async def remember_editor_menu(db: Database, chat_id: int, now: datetime) -> None:
    await db.execute(
        "INSERT INTO editor_menus (chat_id, set_at) VALUES (?, ?)"
        " ON CONFLICT (chat_id) DO UPDATE SET set_at = excluded.set_at",
        [chat_id, to_db(now)],
    )


async def forget_editor_menu(db: Database, chat_id: int) -> None:
    await db.execute("DELETE FROM editor_menus WHERE chat_id = ?", [chat_id])
