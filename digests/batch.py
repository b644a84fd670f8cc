"""One JSONL line in, one JSON object out: the unit of `khabar summarize --jsonl`.

A batch of thousands of articles must not stop at one bad line, so every way a line can be
wrong becomes a result of its own, `{"id", "error"}`, with a short stable code a script can
count: `invalid_json`, `not_an_object`, `missing_id`, `invalid_id`, `missing_text`, `not_hindi`,
`empty_article`, and `too_long` for a line the reader skipped (LINE_TOO_LONG).
Every result can be written as strict JSON (no NaN, no infinities, no lone surrogates), so
the output is as readable as the input should have been.
Pure: the caller does the reading and writing.
"""

from __future__ import annotations

import json
import math
import re

from digests.article import EmptyArticle, NotHindi, digest_article

# typing is not imported at run time: `khabar summarize --jsonl` starts faster without it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


# The result for a line longer than the reader takes: it was never parsed, so no id.
LINE_TOO_LONG: dict[str, Any] = {"id": None, "error": "too_long"}

# A JSON string escape can name half of a surrogate pair alone (\ud800); such a string has
# no UTF-8 form. Paired halves were already joined by the parser, so any left are lone.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _not_json(constant: str) -> None:
    """NaN, Infinity and -Infinity are Python's extensions, not JSON: the line is invalid."""
    raise ValueError(f"{constant} is not JSON")


def _writable(ident: object) -> bool:
    """Whether an id can be echoed back as strict JSON, unchanged: 1e999 parses as
    infinity and a lone surrogate has no UTF-8 form, wherever inside the id they are.

    A walk with a stack, not recursion: the parser accepts ids nested nearly as deep as
    Python recurses.
    """
    pending = [ident]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if _LONE_SURROGATE.search(value):
                return False
        elif isinstance(value, float):
            if not math.isfinite(value):
                return False
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, dict):
            pending.extend(value)
            pending.extend(value.values())
    return True


def _whole_unicode(text: str) -> str:
    """Lone surrogates as U+FFFD, as undecodable bytes already are when the line is read."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def digest_line(line: str) -> dict[str, Any]:
    """The result for one input line: {"id", "summary", "facts"} or {"id", "error"}.

    The input object has `id` (any JSON value, echoed back; invalid_id when it cannot be
    written back as it came), `text` and optionally `title`; other fields are ignored.
    """
    try:
        row = json.loads(line, parse_constant=_not_json)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python recurses
        return {"id": None, "error": "invalid_json"}
    if not isinstance(row, dict):
        return {"id": None, "error": "not_an_object"}
    if "id" not in row:
        return {"id": None, "error": "missing_id"}  # its summary could not be matched back
    ident = row["id"]
    if not _writable(ident):
        return {"id": None, "error": "invalid_id"}
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        return {"id": ident, "error": "missing_text"}
    title = row.get("title")
    try:
        article = digest_article(
            _whole_unicode(text), _whole_unicode(title) if isinstance(title, str) else None
        )
    except NotHindi:
        return {"id": ident, "error": "not_hindi"}
    except EmptyArticle:
        return {"id": ident, "error": "empty_article"}
    return {
        "id": ident,
        "summary": article.summary,
        "facts": [{"kind": f.kind, "text": f.text} for f in article.facts],
    }
