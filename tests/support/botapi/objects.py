"""Telegram objects shaped as the Bot API sends them: chat members, stickers, photos, the
service accounts behind anonymous posts, and the ``bot_command`` entities of incoming text.

Kept in one place so the fake's updates and ``getChatMember`` answers carry the fields PTB
expects, and tests can build message ``fields`` (:func:`sticker`, :func:`photo`) the same way.
"""

from __future__ import annotations

import re

from tests.support.botapi.records import JSON
from tests.support.tg_html import utf16_len

_BOT_COMMAND = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>])")


def bot_command_entities(text: str) -> list[JSON]:
    """``bot_command`` entities the way Telegram adds them to incoming messages."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: m.start()]),
            "length": utf16_len(m.group()),
        }
        for m in _BOT_COMMAND.finditer(text)
    ]


# ChatMember statuses, as getChatMember reports them.
MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")

# Who a message sent on behalf of a chat comes "from": Telegram's service accounts.
GROUP_ANONYMOUS_BOT: JSON = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
CHANNEL_BOT: JSON = {
    "id": 136817688,
    "is_bot": True,
    "first_name": "Channel",
    "username": "Channel_Bot",
}

_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
)
_NO_ADMIN_RIGHTS = (
    "can_promote_members",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_manage_topics",
)
_MEMBER_PERMISSIONS = (
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
    "can_edit_tag",
    "can_react_to_messages",
)


def chat_member(user: JSON, status: str) -> JSON:
    """A ChatMember of each kind with the fields the Bot API always sends for it."""
    member: JSON = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(can_be_edited=False, is_anonymous=False)
        member.update(dict.fromkeys(_ADMIN_RIGHTS, True))
        member.update(dict.fromkeys(_NO_ADMIN_RIGHTS, False))
    elif status == "restricted":
        member.update(is_member=True, until_date=0)
        member.update(dict.fromkeys(_MEMBER_PERMISSIONS, False))
    elif status == "kicked":
        member["until_date"] = 0
    return member


def sticker() -> JSON:
    """A sticker message's fields (for ``push_message(fields=...)``)."""
    return {
        "sticker": {
            "file_id": "CAACAgIAAxkBAAIBsticker",
            "file_unique_id": "AgADsticker",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
    }


def photo(caption: str | None = None) -> JSON:
    """A photo message's fields: the sizes Telegram keeps, and an optional caption."""
    sizes = [
        {
            "file_id": f"AgACAgIAAxkBphoto{w}",
            "file_unique_id": f"AQADphoto{w}",
            "width": w,
            "height": w * 3 // 4,
            "file_size": w * 40,
        }
        for w in (90, 320, 800)
    ]
    fields: JSON = {"photo": sizes}
    if caption is not None:
        fields["caption"] = caption
    return fields
