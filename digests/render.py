"""Digest cards and messages in Telegram HTML (parse_mode="HTML").

All article text is escaped here, so a "<" in a headline can never break a message; the
header passed to render_digest is HTML the caller built (and escaped) itself.
"""

from __future__ import annotations

import html as html_lib
from collections.abc import Sequence
from dataclasses import dataclass

from digests.model import DigestItem, Fact
from digests.telegram_html import TELEGRAM_LIMIT, split_html, visible_length

FACT_EMOJI = {"when": "🗓", "number": "🔢", "who": "👤", "quote": "💬", "where": "📍"}
SOURCE_LABEL = "स्रोत"
_SEPARATOR = "\n\n"

__all__ = [
    "Card",
    "escape",
    "number_card",
    "pack_cards",
    "pack_digest",
    "render_digest",
    "render_item",
    "split_html",
    "visible_length",
]


def escape(text: str) -> str:
    """Escape <, > and & for Telegram HTML; quotes stay as they are in text."""
    return html_lib.escape(text, quote=False)


def _fact_line(fact: Fact) -> str:
    return f"{FACT_EMOJI.get(fact.kind, '•')} {escape(fact.text)}"


def _safe_url(url: str | None) -> str | None:
    """Only http(s) links: Telegram rejects a message whose href it cannot use."""
    if not url:
        return None
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")) or any(c.isspace() for c in url):
        return None
    return url


def render_item(item: DigestItem, index: int | None = None) -> str:
    """One story card: bold title with its #id, the summary, one line per fact, the link."""
    number = f"{index}. " if index is not None else ""
    lines = [f"<b>{number}{escape(item.title)}</b> #{item.story_id}"]
    if item.summary:
        lines.append(escape(item.summary))
    if item.facts and item.facts_label:
        lines.append(f"<b>{escape(item.facts_label)}</b>")
    lines.extend(_fact_line(f) for f in item.facts)
    if item.article_count > 1:
        lines.append(f"📰 इस ख़बर पर {item.article_count} रिपोर्ट")
    url = _safe_url(item.url)
    if url:
        lines.append(f'<a href="{html_lib.escape(url, quote=True)}">{SOURCE_LABEL}</a>')
    return "\n".join(lines)


def render_digest(
    header: str, items: Sequence[DigestItem], limit: int = TELEGRAM_LIMIT
) -> list[str]:
    """Messages for a digest: header and cards separated by blank lines."""
    return [text for text, _stories in pack_digest(header, items, limit)]


def number_card(card: str, index: int) -> str:
    """A card rendered without a number (`render_item(item)`), numbered as `index`.

    Lets a card be rendered once and numbered for wherever it lands in each reader's digest.
    """
    return f"<b>{index}. {card.removeprefix('<b>')}"


@dataclass(frozen=True, slots=True)
class Card:
    """A story's card rendered without its number, with its visible length measured once."""

    story_id: int
    html: str
    size: int

    @classmethod
    def of(cls, item: DigestItem) -> Card:
        html = render_item(item)
        return cls(item.story_id, html, visible_length(html))


def pack_digest(
    header: str, items: Sequence[DigestItem], limit: int = TELEGRAM_LIMIT
) -> list[tuple[str, tuple[int, ...]]]:
    """Digest messages, each with the story ids whose cards it carries (for its buttons)."""
    return pack_cards(header, [Card.of(item) for item in items], limit)


def pack_cards(
    header: str, cards: Sequence[Card], limit: int = TELEGRAM_LIMIT
) -> list[tuple[str, tuple[int, ...]]]:
    """Digest messages from unnumbered cards, each with the story ids it carries.

    Whole cards are packed into each message; a card is only split (at sentence, then word
    boundaries, tags kept balanced) when it alone is longer than a message, and then its
    story id goes with the last part.
    """
    blocks: list[tuple[str, int, int | None]] = (
        [(header, visible_length(header), None)] if header and header.strip() else []
    )
    for n, card in enumerate(cards, 1):
        # The number is ASCII digits, ". " and sits inside the bold tag: it adds exactly
        # its own length to what Telegram counts.
        number = f"{n}. "
        blocks.append((number_card(card.html, n), card.size + len(number), card.story_id))
    messages: list[tuple[str, tuple[int, ...]]] = []
    current: list[str] = []
    ids: list[int] = []
    used = 0
    gap = len(_SEPARATOR)

    def flush() -> None:
        nonlocal current, ids, used
        if current:
            messages.append((_SEPARATOR.join(current), tuple(ids)))
        current, ids, used = [], [], 0

    for block, size, story_id in blocks:
        if size > limit:
            flush()
            parts = split_html(block, limit)
            messages.extend((part, ()) for part in parts[:-1])
            messages.append((parts[-1], () if story_id is None else (story_id,)))
            continue
        if current and used + gap + size > limit:
            flush()
        used += size + (gap if current else 0)
        current.append(block)
        if story_id is not None:
            ids.append(story_id)
    flush()
    return messages
