"""Test-side input: what users do, queued as the updates Telegram would deliver.

Messages (private, group, forwarded, on behalf of a chat, with a document), service
messages and button presses; the bot receives them through ``getUpdates`` like the real ones.
"""

from __future__ import annotations

import copy
import time

from tests.support.botapi.objects import CHANNEL_BOT, GROUP_ANONYMOUS_BOT, bot_command_entities
from tests.support.botapi.records import JSON
from tests.support.botapi.state import BotState


class UserInput(BotState):
    """Queue updates from users; each wakes a waiting long poll."""

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
                message["from"] = dict(GROUP_ANONYMOUS_BOT)
            else:
                message["from"] = dict(CHANNEL_BOT)
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
            if entities := bot_command_entities(text):
                message["entities"] = entities
        if document is not None:
            file_name, content, mime_type = document
            message["document"] = self.register_file(content, file_name, mime_type)
            if caption is not None:
                message["caption"] = caption
                if entities := bot_command_entities(caption):
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
