"""A story's card: the one article a digest, an update, /story or /post shows under a story.

Every place that shows a story builds its `DigestItem` here, so they all take the same parts
of the article (headline, summary, facts, link, time) and differ only in what they choose
to add (only the facts new to the reader, a label, the size of the thread).
"""

from __future__ import annotations

from collections.abc import Sequence

from digests.model import Digested, DigestItem, Fact
from storage.articles import StoredArticle


def card_item(
    story_id: int,
    article: StoredArticle | Digested,
    *,
    facts: Sequence[Fact] | None = None,
    article_count: int = 1,
    facts_label: str | None = None,
) -> DigestItem:
    """The card of `article` under story `story_id`.

    `facts` replaces the article's own (a reader who knows the story gets only the new
    ones); a stored article brings its link and posting time, while a just-digested text
    (the /post confirmation) shows only what the editor sent.
    """
    stored = article if isinstance(article, StoredArticle) else None
    return DigestItem(
        story_id=story_id,
        title=article.title,
        summary=article.summary,
        facts=article.facts if facts is None else tuple(facts),
        url=stored.source_url if stored else None,
        posted_at=stored.posted_at if stored else None,
        article_count=article_count,
        facts_label=facts_label,
    )
