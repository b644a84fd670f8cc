"""Choosing and rendering what goes into a subscriber's digest."""

from __future__ import annotations

import heapq
import itertools
from collections import OrderedDict, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from bot.cards import card_item
from bot.replies import Reply
from bot.updates import story_buttons
from digests.dates import format_date
from digests.novelty import new_facts
from digests.render import Card, pack_cards
from storage import articles, follows
from storage.articles import StoredArticle
from storage.db import Database

# A new subscriber's first digest reaches back this far, not into the whole archive.
UNSEEN_WINDOW = timedelta(days=3)
RECENT_WINDOW = timedelta(hours=24)
MAX_STORIES = 10
MAX_FACTS = 5


@dataclass(frozen=True, slots=True)
class Digest:
    """Messages to send (possibly none) and the articles they account for.

    `replies` is empty when every unread article only repeated what the reader knew: those
    articles still count as given, so they are not offered again.
    """

    replies: list[Reply]
    article_ids: list[int]


# The cards of recent stories, shared by every reader who sees the same articles of a story
# with the same history: keyed by everything a card is made of, so a story that gains,
# loses or changes an article gets a new key and is rendered afresh, never served stale;
# bounded, so memory does not grow with the readership or the archive.
_CARD_CACHE_SIZE = 8192
_cards: OrderedDict[tuple[object, ...], Card | None] = OrderedDict()

# Candidates per reader whose older history is fetched for a whole batch in one query.
_PREFETCH = MAX_STORIES + 5

_RankKey = tuple[date, int, datetime, int]
_Group = tuple[StoredArticle, ...]


def _rank(group: _Group, zone: ZoneInfo) -> _RankKey:
    """Newest day first, then the bigger thread, then the newer (ties: the newer article)."""
    newest = max(group, key=lambda a: (a.posted_at, a.id))
    return (newest.posted_at.astimezone(zone).date(), len(group), newest.posted_at, newest.id)


def _card(group: _Group, article_count: int, known: Sequence[str]) -> Card | None:
    """One story's card: the headline, summary and facts of one article, the newest the
    reader has not been given; for a story the reader already knows, only that article's
    facts new to them (None when none of the unread articles tells them anything new: a
    continued story that adds nothing is not shown).

    Facts are never taken from another article than the one whose summary is shown: a
    fact carries no source, and under another article's summary a date or a number reads
    as that article's (a victim's death date under a court order's summary).
    """
    # The articles themselves (not their ids) are the key: equal content, equal card, even
    # across databases or after an article moved to another story.
    key = (group, article_count, tuple(known))
    if key in _cards:
        _cards.move_to_end(key)
        return _cards[key]
    newest = max(group, key=lambda a: (a.posted_at, a.id))
    facts = new_facts(newest.facts, known)
    card: Card | None = None
    if not known or facts or any(new_facts(a.facts, known) for a in group):
        card = Card.of(
            card_item(
                newest.story_id,
                newest,
                facts=facts[:MAX_FACTS],
                article_count=article_count,
                facts_label=texts.NEW_FACTS_LABEL if known else None,
            )
        )
    _cards[key] = card
    if len(_cards) > _CARD_CACHE_SIZE:
        _cards.popitem(last=False)
    return card


class Window:
    """The articles digests choose from, loaded once for a batch of readers.

    Every reader's unread articles are this window minus what they were given, so the
    articles are read and parsed once per batch instead of once per reader, and a story
    nobody in the batch has partly read is ranked once per time zone.
    """

    def __init__(
        self,
        since: datetime,
        chosen: list[StoredArticle],
        counts: dict[int, int],
        older: set[int],
    ) -> None:
        self.since = since
        self.by_id = {a.id: a for a in chosen}
        groups: dict[int, list[StoredArticle]] = defaultdict(list)
        for art in chosen:
            groups[art.story_id].append(art)
        self.groups: dict[int, _Group] = {s: tuple(g) for s, g in groups.items()}
        self.counts = counts
        # Stories with articles before the window: a reader may know them from back then.
        self.older = older
        self.min_id = min(self.by_id, default=0)
        self._orders: dict[str, list[tuple[_RankKey, int, _Group]]] = {}
        # Within one window an article id stands for its content, so cards are looked up
        # by ids here and by content (which costs more to hash) only once per window.
        self._cards: dict[tuple[object, ...], Card | None] = {}

    def card(self, story_id: int, group: _Group, known: list[str]) -> Card | None:
        key = (story_id, tuple(a.id for a in group), *known)
        if key in self._cards:
            return self._cards[key]
        card = _card(group, self.counts.get(story_id, len(group)), known)
        self._cards[key] = card
        return card

    @classmethod
    async def load(cls, db: Database, since: datetime) -> Window:
        chosen = await articles.posted_since(db, since)
        story_ids = {a.story_id for a in chosen}
        counts = await articles.counts_in_stories(db, story_ids)
        older = await articles.stories_older_than(db, story_ids, since)
        return cls(since, chosen, counts, older)

    def order(self, zone: ZoneInfo) -> list[tuple[_RankKey, int, _Group]]:
        """Every story with its whole window group, best first, for readers in `zone`."""
        found = self._orders.get(zone.key)
        if found is None:
            found = sorted(
                ((_rank(g, zone), s, g) for s, g in self.groups.items()),
                key=lambda c: c[0],
                reverse=True,
            )
            self._orders[zone.key] = found
        return found

    def candidates(
        self, received: set[int], zone: ZoneInfo
    ) -> Iterator[tuple[_RankKey, int, _Group]]:
        """A reader's stories with the articles they were not given, best first."""
        partly = {self.by_id[a].story_id for a in received if a in self.by_id}
        whole = (c for c in self.order(zone) if c[1] not in partly)
        rest: list[tuple[_RankKey, int, _Group]] = []
        for story_id in partly:
            group = self._news(story_id, received)
            if group:
                rest.append((_rank(group, zone), story_id, group))
        rest.sort(key=lambda c: c[0], reverse=True)
        return heapq.merge(whole, rest, key=lambda c: c[0], reverse=True)

    def _news(self, story_id: int, received: set[int]) -> _Group:
        """The story's unread articles posted after the newest one this reader was given.

        An unread article older than that is behind the news they have: a card made of it
        would present old news as new, so it is never a candidate (see `behind`).
        """
        group = self.groups[story_id]
        latest = max((a.posted_at, a.id) for a in group if a.id in received)
        return tuple(a for a in group if a.id not in received and (a.posted_at, a.id) > latest)

    def behind(self, received: set[int]) -> list[int]:
        """The unread articles older than an article of their story this reader was given.

        A digest counts them as given without showing them, so they are not offered later.
        Articles before the window are older than any in it, so the window decides alone.
        """
        partly = {self.by_id[a].story_id for a in received if a in self.by_id}
        ahead = {a.id for s in partly for a in self._news(s, received)}
        return [
            a.id
            for s in partly
            for a in self.groups[s]
            if a.id not in received and a.id not in ahead
        ]


class Readers:
    """What a batch of readers were given and follow, read in a few queries for all of them."""

    def __init__(self, db: Database, window: Window) -> None:
        self.db = db
        self.window = window
        self.received: dict[int, set[int]] = {}
        self.follows: dict[int, set[int]] = {}
        self._older_facts: dict[tuple[int, int], list[str]] = {}
        self._fetched: set[tuple[int, int]] = set()

    async def load(self, chats: Sequence[tuple[int, ZoneInfo]]) -> None:
        ids = [chat_id for chat_id, _ in chats]
        window = self.window
        given = await articles.received_from(self.db, ids, window.min_id)
        self.received = {c: given.get(c, set()) & window.by_id.keys() for c in ids}
        self.follows = await follows.followed_by(self.db, ids)
        # The older history of the stories each reader will most likely be shown.
        wanted: set[int] = set()
        for chat_id, zone in chats:
            top = itertools.islice(window.candidates(self.received[chat_id], zone), _PREFETCH)
            wanted.update(s for _, s, _ in top if s in window.older)
        await self._fetch(ids, wanted)

    async def _fetch(self, chat_ids: Sequence[int], story_ids: set[int]) -> None:
        found = await articles.received_facts_before(
            self.db, chat_ids, story_ids, self.window.since
        )
        self._older_facts.update(found)
        self._fetched.update((c, s) for c in chat_ids for s in story_ids)

    async def known(self, chat_id: int, story_id: int) -> list[str]:
        """The fact texts of every article of the story this chat was given."""
        window = self.window
        received = self.received.get(chat_id, set())
        known = [f.text for a in window.groups[story_id] if a.id in received for f in a.facts]
        if story_id in window.older:
            if (chat_id, story_id) not in self._fetched:
                await self._fetch([chat_id], {story_id})
            known.extend(self._older_facts.get((chat_id, story_id), ()))
        return known


async def _cards_for(
    readers: Readers | None, chat_id: int, window: Window, zone: ZoneInfo
) -> tuple[list[Card], list[int]]:
    """The reader's best unread stories as cards, and every article those account for."""
    received = readers.received.get(chat_id, set()) if readers is not None else set()
    cards: list[Card] = []
    ids: list[int] = window.behind(received)
    for _key, story_id, group in window.candidates(received, zone):
        if len(cards) == MAX_STORIES:
            break
        ids.extend(a.id for a in group)
        known = await readers.known(chat_id, story_id) if readers is not None else []
        card = window.card(story_id, group, known)
        if card is not None:
            cards.append(card)
    return cards, ids


def _replies(heading: str, cards: list[Card], followed: set[int]) -> list[Reply]:
    return [
        Reply(text, tuple(story_buttons(s, s in followed) for s in story_ids))
        for text, story_ids in pack_cards(heading, cards)
    ]


async def digest_for(
    readers: Readers, chat_id: int, *, now: datetime, zone: ZoneInfo
) -> Digest | None:
    """A scheduled digest: the reader's unread stories from the batch's window, or None."""
    cards, ids = await _cards_for(readers, chat_id, readers.window, zone)
    if not cards:
        return Digest([], ids) if ids else None
    heading = texts.DIGEST_HEADER.format(date=format_date(now.astimezone(zone)))
    return Digest(_replies(heading, cards, readers.follows.get(chat_id, set())), ids)


async def build_digest(
    db: Database, chat_id: int, *, now: datetime, tz: str, fallback_recent: bool
) -> Digest | None:
    """The stories this chat has not received; with fallback_recent, else the last 24 hours.

    Returns None when there is nothing at all: a scheduled digest is never empty.
    """
    zone = ZoneInfo(tz)
    window = await Window.load(db, now - UNSEEN_WINDOW)
    readers = Readers(db, window)
    await readers.load([(chat_id, zone)])
    header = texts.DIGEST_HEADER
    cards, ids = await _cards_for(readers, chat_id, window, zone)
    if not cards and fallback_recent:
        # Nothing unread: the last day's stories again, in full.
        recent = await Window.load(db, now - RECENT_WINDOW)
        cards, _ = await _cards_for(None, chat_id, recent, zone)
        header = texts.DIGEST_HEADER_RECENT
    if not cards:
        return Digest([], ids) if ids else None
    followed = await follows.followed_among(db, chat_id, {c.story_id for c in cards})
    heading = header.format(date=format_date(now.astimezone(zone)))
    return Digest(_replies(heading, cards, followed), ids)
