"""Incoming updates: each message or button press becomes a command-layer call, and its
replies go back to the chat.

The handlers only translate: an Update becomes an `Incoming` (or a button press), `Khabar`
decides, and the replies are sent; what the bot says is the command layer's business.
"""

from __future__ import annotations

import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, NetworkError, TelegramError

from bot import texts
from bot.commands import Khabar
from bot.ingest.sources import MAX_FILE_BYTES
from bot.outbox.transport import BadEntities
from bot.replies import Button, Document, Incoming, Reply
from bot.telegram.errors import reason
from bot.telegram.groups import is_forwarded, is_group, is_service, settings_rights
from bot.telegram.services import Context
from bot.telegram.transport import translate_error
from digests.telegram_html import plain_text

log = logging.getLogger(__name__)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.text, callback_data=b.data, url=b.url) for b in row]
            for row in reply.buttons
        ]
    )


async def send_replies(message: Message, replies: list[Reply]) -> None:
    """Answer in the chat; HTML the server rejects is resent as plain text, never dropped."""
    for reply in replies:
        try:
            await message.reply_text(reply.text, reply_markup=keyboard(reply))
        except BadRequest as exc:
            if not isinstance(translate_error(exc), BadEntities):
                raise
            log.error("reply HTML rejected (%s); sending plain text", exc.message)
            await message.reply_text(
                plain_text(reply.text), parse_mode=None, reply_markup=keyboard(reply)
            )


def _khabar(context: Context) -> Khabar:
    khabar = context.bot_data.khabar
    assert khabar is not None, "post_init creates it before any update is handled"
    return khabar


_ADDRESSED = re.compile(r"/[A-Za-z0-9_]+@([A-Za-z0-9_]+)")


def addressed_elsewhere(text: str, username: str | None) -> bool:
    """A command with another bot's @name after it."""
    match = _ADDRESSED.match(text.lstrip())
    return bool(match and username and match.group(1).lower() != username.lower())


async def on_message(update: Update, context: Context) -> None:
    """Every message goes to the command layer, which knows what to do with it; Telegram's
    service messages (joins, pins ...) are not messages to the bot."""
    message = update.effective_message
    user = update.effective_user
    chat = update.effective_chat
    if message is None or user is None or chat is None or is_service(update):
        return
    text = message.text or message.caption or ""
    if addressed_elsewhere(text, context.bot.username):
        return  # "/stop@OtherBot" in a group is not for us
    khabar = _khabar(context)
    replied = message.reply_to_message
    incoming = Incoming(
        user_id=user.id,
        chat_id=chat.id,
        text=text,
        first_name=user.first_name,
        reply_to_text=(replied.text or replied.caption) if replied else None,
        document=await _document(message, khabar, user.id),
        group=is_group(chat),
        forwarded=is_forwarded(message),
        may_change_settings=settings_rights(context.bot, chat, user, message.sender_chat),
    )
    await send_replies(message, await khabar.handle(incoming))


async def _document(message: Message, khabar: Khabar, user_id: int) -> Document | None:
    """Download a posted file, but only for admins and within the size cap."""
    doc = message.document
    if doc is None or not khabar.is_admin(user_id):
        return None
    if doc.file_size is not None and doc.file_size > MAX_FILE_BYTES:
        return Document(doc.file_name or "file", b"", too_large=True)
    file = await doc.get_file()
    data = await file.download_as_bytearray()
    return Document(doc.file_name or "file", bytes(data))


def buttons_of(message: object) -> tuple[tuple[Button, ...], ...]:
    """The inline keyboard of a message, as the command layer's buttons."""
    markup = getattr(message, "reply_markup", None)
    if not isinstance(markup, InlineKeyboardMarkup):
        return ()
    return tuple(
        tuple(
            Button(
                b.text,
                data=b.callback_data if isinstance(b.callback_data, str) else None,
                url=b.url,
            )
            for b in row
        )
        for row in markup.inline_keyboard
    )


async def on_callback(update: Update, context: Context) -> None:
    """A button press: answer it, flip the pressed toggle in place, send any replies."""
    query = update.callback_query
    if query is None or query.data is None or update.effective_chat is None:
        return
    message = query.message
    chat = update.effective_chat
    result = await _khabar(context).handle_callback(
        query.from_user.id,
        chat.id,
        query.data,
        buttons_of(message),
        settings_rights(context.bot, chat, query.from_user),
    )
    try:
        await query.answer(result.toast)
    except BadRequest as exc:  # "query is too old": the press still took effect
        log.info("could not answer a button press: %s", exc.message)
    if result.buttons is not None and isinstance(message, Message):
        try:
            await message.edit_reply_markup(keyboard(Reply("", result.buttons)))
        except BadRequest as exc:  # a double tap: the keyboard already shows the new state
            if "not modified" not in exc.message.lower():
                raise
    if result.replies and isinstance(message, Message):
        await send_replies(message, list(result.replies))


async def on_error(update: object, context: Context) -> None:
    """Log every handler failure and tell the user something, never the traceback.

    A network failure (a 502 during an outage) is one WARNING line: its traceback says
    nothing the line does not, and the proxy's error page stays out of the log.
    """
    update_id = getattr(update, "update_id", "?")
    if isinstance(context.error, NetworkError):
        log.warning("update %s: Telegram did not answer (%s)", update_id, reason(context.error))
    else:
        log.error("update %s caused an error", update_id, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, texts.INTERNAL_ERROR)
        except TelegramError:
            log.warning("could not tell chat %s about the error", update.effective_chat.id)
