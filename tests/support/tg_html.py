"""Telegram's HTML parse mode, re-implemented the way the real Bot API server does it.

Why not :mod:`html.parser`: the stdlib parser is forgiving (``a < b`` is text to it, ``<br>``
is fine, a missing end tag is silently closed), whereas Telegram rejects all of those with
``400 Bad Request: can't parse entities: ...``. A fake that accepts what Telegram refuses
would let escaping bugs reach production, so this module follows TDLib's ``parse_html``
(td/telegram/MessageEntity.cpp, which the Bot API server uses) step by step, including its
error texts and its *byte* offsets into the UTF-8 markup.

Facts taken from TDLib that differ from what one might guess:

* Only ``&lt; &gt; &amp; &quot;`` and numeric references are decoded (the ``;`` is
  optional); any other ``&name;`` is **kept literally**, not rejected. ``strict_entities``
  (on by default in the fake) rejects such references anyway, because a reader would see
  the raw ``&nbsp;``: that is a bug in the bot even though Telegram accepts it.
* ``</>`` closes whatever tag is open; unknown attributes are ignored;
  ``<span>`` needs ``class="tg-spoiler"``.
* The 4096 limit is checked on the text *after* parsing and trimming, counted in Unicode code
  points (TDLib's ``utf8_length``), while entity offsets are UTF-16 code units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ALLOWED_TAGS",
    "EntityParseError",
    "ParsedText",
    "parse_html",
    "trim_text",
    "utf16_len",
]

ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)

_SPACES = frozenset(" \t\r\n\0\v\f")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_LOOKS_LIKE_NAMED_REF = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_MARKUP_CHAR = re.compile(r"[&<]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# TDLib's MessageEntity::get_type_priority: the tie-break when two entities share a span.
_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}


class EntityParseError(ValueError):
    """Markup Telegram would refuse; ``str(exc)`` is the text after "can't parse entities: "."""


@dataclass(frozen=True)
class ParsedText:
    """The text a reader sees plus Bot API ``MessageEntity`` dicts (UTF-16 offsets)."""

    text: str
    entities: list[dict[str, Any]]


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: the unit of every entity offset in the Bot API."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _byte_offset(markup: str, index: int) -> int:
    return len(markup[:index].encode("utf-8", "surrogatepass"))


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _decode_entity(markup: str, pos: int) -> tuple[str, int] | None:
    """Decode the reference starting at ``markup[pos] == "&"`` exactly like TDLib.

    Returns the character and the index after the reference, or ``None`` when TDLib would keep
    the ``&`` literally.
    """
    n = len(markup)
    end = pos + 1
    if end < n and markup[end] == "#":
        end += 1
        code = 0
        if end < n and markup[end] == "x":
            end += 1
            while end < n and markup[end] in "0123456789abcdefABCDEF":
                code = code * 16 + int(markup[end], 16)
                end += 1
        else:
            while end < n and markup[end].isascii() and markup[end].isdigit():
                code = code * 10 + int(markup[end])
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
        char = chr(code)
    else:
        while end < n and markup[end].isascii() and markup[end].isalpha():
            end += 1
        named = _NAMED.get(markup[pos + 1 : end])
        if named is None:
            return None
        char = named
    if end < n and markup[end] == ";":
        end += 1
    return char, end


def _checked_url(url: str) -> str | None:
    """A rough stand-in for TDLib's link check: Telegram drops the entity when it fails."""
    if not url or any(ch.isspace() for ch in url):
        return None
    if url.startswith("tg://"):
        return url
    if "://" not in url:
        url = "http://" + url
    scheme, _, rest = url.partition("://")
    if scheme.lower() not in {"http", "https", "ftp", "tonsite"} or not rest:
        return None
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if not host or " " in host:
        return None
    if rest == host:
        url += "/"
    return url


class _Parser:
    """One pass over the markup; mirrors the control flow of TDLib's ``parse_html``."""

    def __init__(self, markup: str, strict_entities: bool) -> None:
        self.markup = markup
        self.strict = strict_entities
        self.out: list[str] = []
        self.out_len = 0  # characters written to ``out`` (code points)
        self.utf16 = 0
        self.entities: list[dict[str, Any]] = []
        # (tag name, argument, utf16 offset at start, index into the output text at start)
        self.nested: list[tuple[str, str, int, int]] = []

    def at(self, i: int) -> str:
        return self.markup[i] if i < len(self.markup) else "\0"

    def fail(self, message: str) -> EntityParseError:
        return EntityParseError(message)

    def emit(self, chars: str) -> None:
        self.out.append(chars)
        self.out_len += len(chars)
        self.utf16 += utf16_len(chars)

    def check_unknown_reference(self, i: int) -> None:
        if not self.strict:
            return
        match = _LOOKS_LIKE_NAMED_REF.match(self.markup, i)
        if match:
            raise self.fail(
                f'Unsupported HTML entity "{match.group(0)}" at byte offset '
                f"{_byte_offset(self.markup, i)} (fake server strict mode: Telegram would show "
                "it literally; only &lt; &gt; &amp; &quot; and numeric references are decoded)"
            )

    def run(self) -> ParsedText:
        markup = self.markup
        i = 0
        n = len(markup)
        while i < n:
            c = markup[i]
            if c == "&":
                decoded = _decode_entity(markup, i)
                if decoded is not None:
                    self.emit(decoded[0])
                    i = decoded[1]
                    continue
                self.check_unknown_reference(i)
            if c == "&":  # kept literally, as TDLib does with an unknown reference
                self.emit(c)
                i += 1
                continue
            if c != "<":
                # A run of plain text up to the next markup character, emitted at once
                # (per character, the fake server spent most of its time here).
                match = _MARKUP_CHAR.search(markup, i)
                end = n if match is None else match.start()
                self.emit(markup[i:end])
                i = end
                continue
            i = self.start_tag(i) if self.at(i + 1) != "/" else self.end_tag(i)
        if self.nested:
            raise self.fail(
                f'Can\'t find end tag corresponding to start tag "{self.nested[-1][0]}"'
            )
        text = "".join(self.out)
        if _SURROGATE.search(text):
            raise self.fail(
                "Text contains invalid Unicode characters after decoding HTML entities, check "
                "for unmatched surrogate code units"
            )
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"], _PRIORITY[e["type"]]))
        return ParsedText(text=text, entities=self.entities)

    def start_tag(self, begin: int) -> int:
        markup = self.markup
        offset = _byte_offset(markup, begin)
        i = begin + 1
        while self.at(i) not in _SPACES and self.at(i) != ">":
            i += 1
        if i >= len(markup):
            raise self.fail(f"Unclosed start tag at byte offset {offset}")
        tag = markup[begin + 1 : i].lower()
        if tag not in ALLOWED_TAGS:
            raise self.fail(f'Unsupported start tag "{tag}" at byte offset {offset}')

        argument = ""
        while self.at(i) != ">":
            while i < len(markup) and self.at(i) in _SPACES:
                i += 1
            if self.at(i) == ">":
                break
            attr_begin = i
            while self.at(i) not in _SPACES and self.at(i) not in "=>/\"'":
                i += 1
            attr_name = markup[attr_begin:i]
            if not attr_name:
                raise self.fail(f'Empty attribute name in the tag "{tag}" at byte offset {offset}')
            while i < len(markup) and self.at(i) in _SPACES:
                i += 1
            if self.at(i) != "=":
                if i >= len(markup):
                    raise self.fail(f'Unclosed start tag "{tag}" at byte offset {offset}')
                if tag == "blockquote" and attr_name == "expandable":
                    argument = "1"
                continue
            i += 1
            while i < len(markup) and self.at(i) in _SPACES:
                i += 1
            if i >= len(markup):
                raise self.fail(f'Unclosed start tag "{tag}" at byte offset {offset}')

            if self.at(i) not in "'\"":
                token_begin = i
                while _is_ascii_alnum(self.at(i)) or self.at(i) in ".-":
                    i += 1
                value = markup[token_begin:i].lower()
                if self.at(i) not in _SPACES and self.at(i) != ">":
                    raise self.fail(
                        "Unexpected end of name token at byte offset "
                        f"{_byte_offset(markup, token_begin)}"
                    )
            else:
                quote = markup[i]
                i += 1
                chars: list[str] = []
                while i < len(markup) and markup[i] != quote:
                    if markup[i] == "&":
                        decoded = _decode_entity(markup, i)
                        if decoded is not None:
                            chars.append(decoded[0])
                            i = decoded[1]
                            continue
                        self.check_unknown_reference(i)
                    chars.append(markup[i])
                    i += 1
                if self.at(i) == quote:
                    i += 1
                value = "".join(chars)
            if i >= len(markup):
                raise self.fail(f"Unclosed start tag at byte offset {offset}")

            if tag == "a" and attr_name == "href":
                argument = value
            elif tag == "code" and attr_name == "class" and value.startswith("language-"):
                argument = value[len("language-") :]
            elif tag == "span" and attr_name == "class" and value.startswith("tg-"):
                argument = value[len("tg-") :]
            elif tag == "tg-emoji" and attr_name == "emoji-id":
                argument = value
            elif tag == "blockquote" and attr_name == "expandable":
                argument = "1"

        if tag == "span" and argument != "spoiler":
            raise self.fail(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
        self.nested.append((tag, argument, self.utf16, self.out_len))
        return i + 1

    def end_tag(self, begin: int) -> int:
        markup = self.markup
        offset = _byte_offset(markup, begin)
        if not self.nested:
            raise self.fail(f"Unexpected end tag at byte offset {offset}")
        i = begin + 1
        while self.at(i) not in _SPACES and self.at(i) != ">":
            i += 1
        end_name = markup[begin + 2 : i].lower()
        while i < len(markup) and self.at(i) in _SPACES:
            i += 1
        if self.at(i) != ">":
            raise self.fail(f"Unclosed end tag at byte offset {offset}")
        tag, argument, start_utf16, start_out = self.nested[-1]
        if end_name and end_name != tag:
            raise self.fail(
                f'Unmatched end tag at byte offset {offset}, expected "</{tag}>", '
                f'found "</{end_name}>"'
            )
        if self.utf16 > start_utf16:
            self.add_entity(tag, argument, start_utf16, self.utf16 - start_utf16, start_out)
        self.nested.pop()
        return i + 1

    def add_entity(self, tag: str, argument: str, offset: int, length: int, start: int) -> None:
        simple = {
            "i": "italic",
            "em": "italic",
            "b": "bold",
            "strong": "bold",
            "s": "strikethrough",
            "strike": "strikethrough",
            "del": "strikethrough",
            "u": "underline",
            "ins": "underline",
            "tg-spoiler": "spoiler",
            "span": "spoiler",
        }
        entities = self.entities
        last = entities[-1] if entities else None
        same_span = last is not None and last["offset"] == offset and last["length"] == length
        if tag in simple:
            entities.append({"type": simple[tag], "offset": offset, "length": length})
        elif tag == "tg-emoji":
            if not argument.isdigit() or int(argument) == 0:
                raise self.fail("Invalid custom emoji identifier specified")
            entities.append(
                {
                    "type": "custom_emoji",
                    "offset": offset,
                    "length": length,
                    "custom_emoji_id": argument,
                }
            )
        elif tag == "a":
            url = argument or "".join(self.out)[start:]
            checked = _checked_url(url)
            if checked is not None:
                entities.append(
                    {"type": "text_link", "offset": offset, "length": length, "url": checked}
                )
        elif tag == "pre":
            if same_span and last is not None and last["type"] == "code" and last.get("language"):
                last["type"] = "pre"
            else:
                entities.append({"type": "pre", "offset": offset, "length": length})
        elif tag == "code":
            if same_span and last is not None and last["type"] == "pre" and argument:
                last["language"] = argument
            else:
                entity: dict[str, Any] = {"type": "code", "offset": offset, "length": length}
                if argument:
                    entity["language"] = argument
                entities.append(entity)
        elif tag == "blockquote":
            kind = "expandable_blockquote" if argument else "blockquote"
            entities.append({"type": kind, "offset": offset, "length": length})


def parse_html(markup: str, *, strict_entities: bool = False) -> ParsedText:
    """Parse Bot API HTML; raise :class:`EntityParseError` with Telegram's message on bad markup."""
    return _Parser(markup, strict_entities).run()


def trim_text(text: str, entities: list[dict[str, Any]]) -> ParsedText:
    """Strip surrounding whitespace like Telegram does, keeping entities aligned and clipped."""
    stripped = text.strip()
    if not stripped:
        return ParsedText(text="", entities=[])
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    kept: list[dict[str, Any]] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return ParsedText(text=stripped, entities=kept)
