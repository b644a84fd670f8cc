"""One JSONL line in, one JSON object out: the unit of `khabar summarize --jsonl`.

A batch of thousands of articles must not stop at one bad line, so every way a line can be
wrong becomes a result of its own, `{"id", "error"}`, with a short stable code a script can
count: `invalid_json`, `not_an_object`, `missing_id`, `missing_text`, `not_hindi`, `empty_article`.
Pure: the caller does the reading and writing.
"""

from __future__ import annotations

import json

from digests.article import EmptyArticle, NotHindi, digest_article

# typing is not imported at run time: `khabar summarize --jsonl` starts faster without it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def digest_line(line: str) -> dict[str, Any]:
    """The result for one input line: {"id", "summary", "facts"} or {"id", "error"}.

    The input object has `id` (any JSON value, echoed back), `text` and optionally `title`;
    other fields are ignored.
    """
    try:
        row = json.loads(line)
    except ValueError:
        return {"id": None, "error": "invalid_json"}
    if not isinstance(row, dict):
        return {"id": None, "error": "not_an_object"}
    if "id" not in row:
        return {"id": None, "error": "missing_id"}  # its summary could not be matched back
    ident = row["id"]
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        return {"id": ident, "error": "missing_text"}
    title = row.get("title")
    try:
        article = digest_article(text, title if isinstance(title, str) else None)
    except NotHindi:
        return {"id": ident, "error": "not_hindi"}
    except EmptyArticle:
        return {"id": ident, "error": "empty_article"}
    return {
        "id": ident,
        "summary": article.summary,
        "facts": [{"kind": f.kind, "text": f.text} for f in article.facts],
    }
