"""Main text and title of a news web page, for articles shared as links or HTML.

trafilatura does the extraction (it handles Hindi pages well with favor_precision); when it
finds nothing, or fails on broken markup, a plain tag strip keeps the text usable. Both
paths work on the HTML string only: no fetching here.
"""

from __future__ import annotations

import html as html_lib
from html.parser import HTMLParser

# trafilatura and lxml slow down badly on multi-megabyte pages; article text is far shorter.
MAX_HTML_CHARS = 3_000_000
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "blockquote",
        "figcaption",
        "title",
        "pre",
        "hr",
    ]
)
_SKIP_TAGS = frozenset(
    ["script", "style", "noscript", "template", "svg", "head", "iframe", "object"]
)


class _TextCollector(HTMLParser):
    """Collects visible text, one line per block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self._skip_depth = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in _SKIP_TAGS:
            self._skip_depth += 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _SKIP_TAGS and self._skip_depth:
            self._skip_depth -= 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        elif not self._skip_depth:
            self.parts.append(data)


def strip_tags(html: str) -> tuple[str | None, str]:
    """(title, text) by a tolerant tag strip: the fallback when trafilatura finds nothing."""
    collector = _TextCollector()
    try:
        collector.feed(html)
        collector.close()
    except Exception:  # the stdlib parser is lenient, but never let markup crash a post
        return None, html_lib.unescape(html)
    lines = (" ".join(line.split()) for line in "".join(collector.parts).split("\n"))
    title = " ".join("".join(collector.title_parts).split()) or None
    return title, "\n".join(line for line in lines if line)


def extract_html(html: str, url: str | None = None) -> tuple[str | None, str]:
    """(title or None, main text) of a web page; never raises on broken or odd markup."""
    if not html or not html.strip():
        return None, ""
    html = html[:MAX_HTML_CHARS]
    # Imported here, not at the top: trafilatura (with lxml and numpy) takes a quarter of a
    # second to import, and most commands (`khabar summarize --jsonl`, the bot's text
    # posts) never parse HTML.
    import trafilatura

    title: str | None = None
    text = ""
    try:
        text = (
            trafilatura.extract(
                html,
                url=url,
                favor_precision=True,
                include_comments=False,
                include_tables=False,
                include_images=False,
            )
            or ""
        )
        metadata = trafilatura.extract_metadata(html, default_url=url)
        if metadata is not None and metadata.title:
            title = " ".join(metadata.title.split())
    except Exception:  # trafilatura/lxml raise on some malformed input; fall back below
        text = ""
    if not text.strip():
        fallback_title, text = strip_tags(html)
        title = title or fallback_title
    return title or None, text.strip()
