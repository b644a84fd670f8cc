"""What the Telegram front end tells the command layer about a chat: which updates are
Telegram's own notes rather than messages, and who may change a group's settings.

The rule "in a group only its admins change its settings" lives in the command layer;
this module only answers the question, by asking Telegram (getChatMember) and only when
the command layer asks, since settings commands are rare and group admins change.
"""

from __future__ import annotations

import logging

from telegram import Bot, Chat, Message, Update, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import filters

from bot.replies import ChatRights, owns_chat
from bot.telegram.errors import reason

log = logging.getLogger(__name__)

GROUP_ADMINS = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR})


def is_service(update: Update) -> bool:
    """A join, leave, pin, title change ...: Telegram's note about the chat, not something
    said to the bot (and in a private chat it would get the "only commands" hint)."""
    return bool(filters.StatusUpdate.ALL.check_update(update))


def is_group(chat: Chat) -> bool:
    """Shared chats: groups, supergroups, and channels."""
    return chat.type != ChatType.PRIVATE


def is_forwarded(message: Message) -> bool:
    """Forwarded, including a channel post copied into its discussion group."""
    return message.forward_origin is not None or bool(message.is_automatic_forward)


def settings_rights(
    bot: Bot, chat: Chat, user: User, sender_chat: Chat | None = None
) -> ChatRights:
    """May `user` (writing as `sender_chat`, if set) change `chat`'s settings?

    A private chat is its reader's own. An anonymous admin writes as the group itself
    (`sender_chat` is the group), while someone writing as their channel is no admin of
    the group. Anyone else is asked about: creator or administrator may. When Telegram
    cannot answer, the change is refused: the member can try again, whereas a wrong yes
    would let anyone stop the group's digest.
    """
    if not is_group(chat):
        return owns_chat
    if sender_chat is not None:
        return _answer(sender_chat.id == chat.id)

    async def ask_telegram() -> bool:
        try:
            member = await bot.get_chat_member(chat.id, user.id)
        except TelegramError as exc:
            log.warning(
                "could not ask whether user %s administers chat %s: %s",
                user.id,
                chat.id,
                reason(exc),
            )
            return False
        return member.status in GROUP_ADMINS

    return ask_telegram


def _answer(allowed: bool) -> ChatRights:
    async def known() -> bool:
        return allowed

    return known
