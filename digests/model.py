"""Plain values that flow from the text pipeline to storage and rendering."""

from __future__ import annotations

from dataclasses import dataclass, field

# datetime only annotates DigestItem: not importing it shortens `khabar summarize`'s
# start-up (typing is not imported either, see bot/cli.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime

FACT_KINDS = ("when", "number", "who", "quote", "where")


@dataclass(frozen=True, slots=True)
class Fact:
    """One key fact; `kind` is one of FACT_KINDS, `text` is words taken from the article."""

    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class Digested:
    """An article after cleaning, summarising and fact extraction, ready to store."""

    title: str
    body: str
    summary: str
    facts: tuple[Fact, ...]


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One story as it appears in a digest or an update message."""

    story_id: int
    title: str
    summary: str
    facts: tuple[Fact, ...] = ()
    url: str | None = None
    posted_at: datetime | None = None
    article_count: int = 1
    extra: dict[str, str] = field(default_factory=dict)
    # Shown before the facts when they are only the ones new to this reader ("🆕 नया").
    facts_label: str | None = None
