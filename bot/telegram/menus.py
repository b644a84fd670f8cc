"""The command menus Telegram shows: readers' commands for everyone, every command in
each editor's private chat, and the editors' menu taken back from former admins."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import BadRequest, TelegramError

from bot import texts
from bot.clock import Clock, SystemClock
from bot.telegram.errors import reason
from storage import menus as stored_menus
from storage.db import Database

log = logging.getLogger(__name__)


def bot_commands(editor: bool = False) -> list[BotCommand]:
    """The command menu: readers' commands, or every command for an editor's chat."""
    return [
        BotCommand(name, desc)
        for name, desc, admin_only in texts.COMMANDS
        if editor or not admin_only
    ]


async def register_menus(
    bot: Bot, admins: frozenset[int], db: Database | None = None, clock: Clock | None = None
) -> None:
    """Readers' menu for everyone (in Hindi and as the default); the editors' commands only
    in each admin's private chat, so a reader is never offered /post to be refused.

    Telegram answers "chat not found" for an admin who has not opened the bot yet: that
    admin keeps the readers' menu until the next start, and the bot starts anyway. Any
    other failure (a 502, a timeout) only costs a menu as well: Telegram keeps the menu
    set at the previous start, and a missing menu is no reason not to deliver the news.

    With the database, the chats given the editors' menu are remembered, and someone no
    longer in KHABAR_ADMINS gets the readers' menu back (Telegram keeps a chat's menu until
    it is deleted and cannot list such chats); a failed delete is tried again next start.
    """
    readers = bot_commands()
    for language in ("", "hi"):
        try:
            await bot.set_my_commands(readers, language_code=language or None)
        except TelegramError as exc:
            log.warning(
                "could not set the readers' menu (%s): %s", language or "default", reason(exc)
            )
    editors = bot_commands(editor=True)
    now = (clock or SystemClock()).now()
    for admin in sorted(admins):
        if db is not None:  # first: a timed-out set may still have reached Telegram
            await stored_menus.remember_editor_menu(db, admin, now)
        try:
            await bot.set_my_commands(editors, scope=BotCommandScopeChat(admin))
        except TelegramError as exc:
            log.warning(
                "could not set the editors' menu in admin %s's chat: %s", admin, reason(exc)
            )
    if db is None:
        return
    for former in sorted(await stored_menus.editor_menu_chats(db) - admins):
        try:
            await bot.delete_my_commands(scope=BotCommandScopeChat(former))
        except BadRequest as exc:  # "chat not found": there is no menu left to take back
            log.info("editors' menu of former admin %s already gone: %s", former, reason(exc))
        except TelegramError as exc:
            log.warning("could not take the editors' menu back from %s: %s", former, reason(exc))
            continue
        await stored_menus.forget_editor_menu(db, former)
        log.info("editors' menu taken back from %s (no longer in KHABAR_ADMINS)", former)
