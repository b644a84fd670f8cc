"""What Telegram accepts from a bot: text and captions with their entities, inline keyboards,
command lists and scopes, chat actions; each rejection worded as the real Bot API words it.

Pure functions over a request's parameters, so the method handlers only decide what to store.
"""

from __future__ import annotations

import re

from tests.support.botapi.params import bad
from tests.support.botapi.records import JSON
from tests.support.tg_html import EntityParseError, parse_html, trim_text

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


def render(
    params: JSON, text_field: str, limit: int, *, strict_entities: bool
) -> tuple[str, list[JSON]]:
    """Text as the reader sees it plus entities; Telegram's errors for bad input."""
    raw = params.get(text_field)
    text = "" if raw is None else str(raw)
    parse_mode = params.get("parse_mode") or None
    explicit = params.get("entities" if text_field == "text" else "caption_entities")
    if explicit is not None:
        if not isinstance(explicit, list):
            raise bad(f"can't parse {text_field} entities JSON object")
        plain, entities = text, [e for e in explicit if isinstance(e, dict)]
    elif parse_mode is None:
        plain, entities = text, []
    elif str(parse_mode).lower() == "html":
        try:
            parsed = parse_html(text, strict_entities=strict_entities)
        except EntityParseError as exc:
            raise bad(f"can't parse entities: {exc}") from None
        plain, entities = parsed.text, parsed.entities
    elif str(parse_mode).lower() in {"markdown", "markdownv2"}:
        plain, entities = text, []  # not validated: Khabar sends HTML only
    else:
        raise bad("unsupported parse_mode")
    trimmed = trim_text(plain, entities)
    if text_field == "text" and not trimmed.text:
        raise bad("message text is empty")
    if len(trimmed.text) > limit:  # code points, as TDLib's utf8_length counts
        raise bad("message is too long" if text_field == "text" else "message caption is too long")
    return trimmed.text, trimmed.entities


def check_markup(params: JSON) -> JSON | None:
    """Validate ``reply_markup``; only inline keyboards are echoed in the returned message."""
    markup = params.get("reply_markup")
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise bad("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad('can\'t find field "text"')
            if "callback_data" in button:
                data = button["callback_data"]
                size = len(str(data).encode("utf-8"))
                if not isinstance(data, str) or not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                    raise bad("BUTTON_DATA_INVALID")
            elif "url" in button:
                url = button["url"]
                if not isinstance(url, str) or not re.match(r"^(https?|tg)://\S+$", url):
                    raise bad("BUTTON_URL_INVALID")
            elif not any(
                key in button
                for key in (
                    "web_app",
                    "login_url",
                    "switch_inline_query",
                    "switch_inline_query_current_chat",
                    "switch_inline_query_chosen_chat",
                    "copy_text",
                    "callback_game",
                    "pay",
                )
            ):
                raise bad("text buttons are unallowed in the inline keyboard")
    return markup


def scope_key(params: JSON) -> tuple[str, str]:
    """The key a command list is stored under: the scope (with its chat or user) and the
    language; Telegram's errors for a bad scope or language code."""
    scope = params.get("scope") or {"type": "default"}
    if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
        raise bad("can't parse BotCommandScope JSON object")
    key = scope["type"]
    if "chat_id" in scope:
        key += f":{scope['chat_id']}"
    if "user_id" in scope:
        key += f":{scope['user_id']}"
    language = str(params.get("language_code") or "")
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise bad("invalid language code specified")
    return key, language


def clean_commands(commands: object) -> list[JSON]:
    """``setMyCommands``' list, trimmed as Telegram stores it; its errors for bad entries."""
    if not isinstance(commands, list):
        raise bad("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad("BOT_COMMANDS_TOO_MUCH")
    cleaned: list[JSON] = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad("command must be non-empty")
        name = str(item.get("command") or "").strip().removeprefix("/")
        description = str(item.get("description") or "").strip()
        if not name:
            raise bad("command must be non-empty")
        if len(name) > 32:
            raise bad("command length must not exceed 32")
        if not description:
            raise bad("command description must be non-empty")
        if len(description) > 256:
            raise bad("command description length must not exceed 256")
        if not _COMMAND_NAME.fullmatch(name):
            raise bad("BOT_COMMAND_INVALID")
        cleaned.append({"command": name, "description": description})
    return cleaned
