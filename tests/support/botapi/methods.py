"""The Bot API methods the fake serves (``getUpdates``, ``sendMessage``, ``getChatMember``...),
each answering as Telegram does, including its refusals.

A handler takes the request's parameters and returns the ``result`` or raises
:class:`~tests.support.botapi.params.ApiError`; :data:`HANDLERS` is the table the server
dispatches on.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from tests.support.botapi.faults import FaultInjection
from tests.support.botapi.objects import chat_member
from tests.support.botapi.params import ApiError, as_bool, as_int, bad, loose_chat_id
from tests.support.botapi.records import JSON, Sent, Upload
from tests.support.botapi.updates import UserInput
from tests.support.botapi.validation import (
    CHAT_ACTIONS,
    MAX_CAPTION,
    MAX_TEXT,
    check_markup,
    clean_commands,
    render,
    scope_key,
)

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024

_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
    "running"
)


class BotApiMethods(UserInput, FaultInjection):
    """Bot API method handlers over the fake's state and faults."""

    # Set by the server's constructor: reject ``&nbsp;``-style references Telegram shows raw.
    strict_entities: bool

    def _chat(self, params: JSON) -> JSON:
        """Resolve ``chat_id`` and apply per-chat faults, in Telegram's order."""
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise bad("chat_id is empty")
        chat: JSON | None = None
        if isinstance(raw, str) and raw.startswith("@"):
            chat = next((c for c in self._chats.values() if c.get("username") == raw[1:]), None)
        else:
            chat_id = loose_chat_id(raw)
            chat = self._chats.get(chat_id) if chat_id is not None else None
        if chat is None:
            raise bad("chat not found", "chat_not_found")
        self._check_chat(chat["id"])
        return chat

    def _reply_to(self, params: JSON, chat_id: int) -> JSON | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow = as_bool(reply.get("allow_sending_without_reply", False))
        else:
            message_id = as_int(params, "reply_to_message_id")
            allow = as_bool(params.get("allow_sending_without_reply", False))
        if message_id is None:
            return None
        target = self._messages.get((chat_id, int(message_id)))
        if target is None and not allow:
            raise bad("message to be replied not found")
        return target

    def _store_sent(
        self,
        chat: JSON,
        method: str,
        params: JSON,
        text_field: str,
        plain: str,
        entities: list[JSON],
        markup: JSON | None,
        extra: JSON,
    ) -> JSON:
        chat_id = chat["id"]
        reply_to = self._reply_to(params, chat_id)
        message: JSON = {
            "message_id": self._new_message_id(chat_id),
            "from": self._bot_user(),
            "chat": chat,
            "date": int(time.time()),
            **extra,
        }
        if plain or text_field == "text":
            message[text_field] = plain
        if entities:
            message["entities" if text_field == "text" else "caption_entities"] = entities
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        if reply_to is not None:
            message["reply_to_message"] = {
                k: v for k, v in reply_to.items() if k != "reply_to_message"
            }
        raw_text = params.get(text_field)
        sent = Sent(
            chat_id=chat_id,
            text=None if raw_text is None else str(raw_text),
            parse_mode=params.get("parse_mode") or None,
            reply_markup=markup,
            message_id=message["message_id"],
            method=method,
            at=time.monotonic(),
            plain_text=plain,
            entities=entities,
            document=extra.get("document"),
            reply_to_message_id=None if reply_to is None else reply_to["message_id"],
            disable_notification=as_bool(params.get("disable_notification", False)),
            message=message,
        )
        self._messages[(chat_id, sent.message_id)] = message
        self._sent_index[(chat_id, sent.message_id)] = sent
        self.sent.append(sent)
        self._notify()
        return message

    def _editable(self, params: JSON) -> tuple[JSON, Sent]:
        if params.get("inline_message_id"):
            raise bad("message to edit not found")
        chat = self._chat(params)
        message_id = as_int(params, "message_id", required=True)
        assert message_id is not None
        key = (chat["id"], message_id)
        sent = self._sent_index.get(key)
        if sent is None:
            if key in self._messages:
                raise bad("message can't be edited")
            raise bad("message to edit not found")
        return chat, sent

    def _record_edit(self, method: str, sent: Sent) -> JSON:
        sent.edit_count += 1
        sent.message["edit_date"] = int(time.time())
        self.edits.append(
            {
                "method": method,
                "chat_id": sent.chat_id,
                "message_id": sent.message_id,
                "text": sent.text,
                "reply_markup": sent.reply_markup,
                "at": time.monotonic(),
            }
        )
        self._notify()
        return sent.message

    # ------------------------------------------------------------------ Bot API methods

    async def _get_me(self, params: JSON, request: web.Request) -> JSON:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _true(self, params: JSON, request: web.Request) -> bool:
        return True

    async def _set_webhook(self, params: JSON, request: web.Request) -> bool:
        self.webhook_url = str(params.get("url") or "")
        if as_bool(params.get("drop_pending_updates", False)):
            self._updates.clear()
        return True

    async def _delete_webhook(self, params: JSON, request: web.Request) -> bool:
        self.webhook_url = ""
        if as_bool(params.get("drop_pending_updates", False)):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: JSON, request: web.Request) -> JSON:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _get_updates(self, params: JSON, request: web.Request) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
                kind="conflict",
            )
        offset = as_int(params, "offset") or 0
        limit = min(max(as_int(params, "limit") or 100, 1), 100)
        try:
            timeout = max(float(params.get("timeout") or 0), 0.0)
        except (TypeError, ValueError):
            raise bad("invalid timeout specified") from None
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

        # Like Telegram, a newer getUpdates ends the one still waiting with 409 Conflict.
        self._wake_poller("conflict")
        if not self._updates and timeout > 0 and not self._closing:
            waiter: asyncio.Future[str] = asyncio.get_running_loop().create_future()
            self._poll_waiter = waiter
            try:
                reason = await asyncio.wait_for(waiter, timeout)
            except TimeoutError:
                reason = "timeout"
            finally:
                if self._poll_waiter is waiter:
                    self._poll_waiter = None
            if reason == "conflict":
                # PTB abandons its long poll on shutdown and polls once more: that is not a
                # second bot instance, so count it apart from real conflicts.
                alive = request.transport is not None and not request.transport.is_closing()
                raise ApiError(409, _POLL_CONFLICT, kind="conflict" if alive else "stale_poll")
        return self._updates[:limit]

    async def _send_message(self, params: JSON, request: web.Request) -> JSON:
        chat = self._chat(params)
        self._check_rate(chat["id"])
        plain, entities = render(params, "text", MAX_TEXT, strict_entities=self.strict_entities)
        markup = check_markup(params)
        return self._store_sent(chat, "sendMessage", params, "text", plain, entities, markup, {})

    async def _send_document(self, params: JSON, request: web.Request) -> JSON:
        chat = self._chat(params)
        self._check_rate(chat["id"])
        document = params.get("document")
        if isinstance(document, Upload):
            info = self.register_file(
                document.content,
                document.filename or "document.bin",
                document.content_type or "application/octet-stream",
            )
        elif isinstance(document, str) and document in self._files:
            info = self._files[document].document()
        elif isinstance(document, str) and document.startswith(("http://", "https://")):
            info = self.register_file(
                b"", document.rsplit("/", 1)[-1] or "file", "application/octet-stream"
            )
        else:
            raise bad("there is no document in the request")
        plain, entities = render(
            params, "caption", MAX_CAPTION, strict_entities=self.strict_entities
        )
        markup = check_markup(params)
        return self._store_sent(
            chat, "sendDocument", params, "caption", plain, entities, markup, {"document": info}
        )

    async def _edit_message_text(self, params: JSON, request: web.Request) -> JSON:
        chat, sent = self._editable(params)
        self._check_rate(chat["id"])
        plain, entities = render(params, "text", MAX_TEXT, strict_entities=self.strict_entities)
        markup = check_markup(params)
        if sent.method != "sendMessage":
            raise bad("there is no text in the message to edit")
        if (plain, entities, markup) == (sent.plain_text, sent.entities, sent.reply_markup):
            raise bad(_NOT_MODIFIED.removeprefix("Bad Request: "), "not_modified")
        sent.text = str(params.get("text"))
        sent.parse_mode = params.get("parse_mode") or None
        sent.plain_text, sent.entities, sent.reply_markup = plain, entities, markup
        message = sent.message
        message["text"] = plain
        message.pop("entities", None)
        if entities:
            message["entities"] = entities
        message.pop("reply_markup", None)
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        return self._record_edit("editMessageText", sent)

    async def _edit_message_reply_markup(self, params: JSON, request: web.Request) -> JSON:
        chat, sent = self._editable(params)
        self._check_rate(chat["id"])
        markup = check_markup(params)
        if markup == sent.reply_markup:
            raise bad(_NOT_MODIFIED.removeprefix("Bad Request: "), "not_modified")
        sent.reply_markup = markup
        sent.message.pop("reply_markup", None)
        if markup is not None and "inline_keyboard" in markup:
            sent.message["reply_markup"] = markup
        return self._record_edit("editMessageReplyMarkup", sent)

    async def _answer_callback_query(self, params: JSON, request: web.Request) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_callbacks:
            raise bad(_QUERY_TOO_OLD.removeprefix("Bad Request: "), "query_too_old")
        self._open_callbacks.discard(query_id)
        self.callback_answers.append(
            {
                "callback_query_id": query_id,
                "text": params.get("text"),
                "show_alert": as_bool(params.get("show_alert", False)),
                "url": params.get("url"),
            }
        )
        self._notify()
        return True

    async def _send_chat_action(self, params: JSON, request: web.Request) -> bool:
        chat = self._chat(params)
        action = str(params.get("action") or "")
        if action not in CHAT_ACTIONS:
            raise bad("wrong parameter action in request")
        self.chat_actions.append((chat["id"], action))
        return True

    async def _get_file(self, params: JSON, request: web.Request) -> JSON:
        stored = self._files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise bad("invalid file_id")
        if len(stored.content) > MAX_DOWNLOAD_BYTES:
            raise bad("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    async def _get_chat_member(self, params: JSON, request: web.Request) -> JSON:
        chat = self._chat(params)
        user_id = as_int(params, "user_id", required=True)
        assert user_id is not None
        user = self._users.get(user_id)
        if user is None:
            raise bad("user not found")
        if chat["type"] == "private":
            if user_id not in (chat["id"], self._bot_id):
                raise bad("user not found")
            return chat_member(user, "member")
        return chat_member(user, self._member_status.get((chat["id"], user_id), "member"))

    async def _set_my_commands(self, params: JSON, request: web.Request) -> bool:
        cleaned = clean_commands(params.get("commands"))
        key = scope_key(params)
        if cleaned:
            self.commands_by_scope[key] = cleaned
        else:
            self.commands_by_scope.pop(key, None)
        self._notify()
        return True

    async def _get_my_commands(self, params: JSON, request: web.Request) -> list[JSON]:
        return list(self.commands_by_scope.get(scope_key(params), []))

    async def _delete_my_commands(self, params: JSON, request: web.Request) -> bool:
        self.commands_by_scope.pop(scope_key(params), None)
        return True


# A handler answers with the ``result`` of an ``ok`` answer.
Handler = Callable[[BotApiMethods, JSON, web.Request], Awaitable[Any]]
HANDLERS: dict[str, Handler] = {
    "getMe": BotApiMethods._get_me,
    "logOut": BotApiMethods._true,
    "close": BotApiMethods._true,
    "setWebhook": BotApiMethods._set_webhook,
    "deleteWebhook": BotApiMethods._delete_webhook,
    "getWebhookInfo": BotApiMethods._get_webhook_info,
    "getUpdates": BotApiMethods._get_updates,
    "sendMessage": BotApiMethods._send_message,
    "sendDocument": BotApiMethods._send_document,
    "editMessageText": BotApiMethods._edit_message_text,
    "editMessageReplyMarkup": BotApiMethods._edit_message_reply_markup,
    "answerCallbackQuery": BotApiMethods._answer_callback_query,
    "sendChatAction": BotApiMethods._send_chat_action,
    "getFile": BotApiMethods._get_file,
    "getChatMember": BotApiMethods._get_chat_member,
    "setMyCommands": BotApiMethods._set_my_commands,
    "getMyCommands": BotApiMethods._get_my_commands,
    "deleteMyCommands": BotApiMethods._delete_my_commands,
}
# Bot API method names are case-insensitive; record them under their canonical spelling.
METHOD_NAMES = {name.lower(): name for name in HANDLERS}
