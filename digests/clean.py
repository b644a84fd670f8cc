"""From a pasted article to clean paragraphs, and from those to a title and a body."""

from __future__ import annotations

from digests.clutter import MAX_TAG_WORDS, is_clutter_line, is_tag_label, strip_inline_clutter
from digests.dateline import dateline_only, split_dateline
from digests.normalize import normalize_text
from digests.places import is_place
from digests.sentences import count_words, ends_sentence, split_sentences
from digests.trim import truncate_words

# A first line longer than this is the article's opening, not its headline.
MAX_TITLE_WORDS = 25
# A headline that ends with "?" or "!" is still a headline when it is this short.
_MAX_QUESTION_TITLE_WORDS = 15
# Derived titles are cut to this many words: a digest card title must fit on a phone line
# or two.
DERIVED_TITLE_WORDS = 12
# A headline from the page or the caller (an HTML <title>, a JSONL "title") is cut to this
# many words and characters: a card title reads in a glance, and a page whose <title> is a
# whole paragraph must not make every digest card a wall of text.
MAX_SHOWN_TITLE_WORDS = 30
MAX_SHOWN_TITLE_CHARS = 250
# The first sentence is looked for in this much of the first line (a runaway paste can be
# one multi-megabyte line).
_FIRST_SENTENCE_CHARS = 5_000


def clean_text(raw: str) -> str:
    """Normalised article text without page clutter, one paragraph per kept line.

    Every line of a pasted page becomes its own paragraph: pasted news text uses line breaks
    for paragraphs and headings, and a heading must not be glued to the next sentence.
    """
    kept: list[str] = []
    in_tags = False
    for line in normalize_text(raw).split("\n"):
        line = strip_inline_clutter(line)
        if not line:
            continue
        if in_tags and count_words(line) <= MAX_TAG_WORDS and not ends_sentence(line):
            continue  # "Tags" / "यमुना" / "बाढ़": one tag per line
        in_tags = is_tag_label(line)
        if not is_clutter_line(line):
            kept.append(line)
    return "\n\n".join(kept)


def _strip_end(sentence: str) -> str:
    """A sentence without its final punctuation, for use as a title."""
    return sentence.rstrip().rstrip("।॥.!?…").rstrip()


def split_title(text: str) -> tuple[str, str]:
    """Split cleaned text into (title, body).

    A short first line without a sentence end is the headline and is removed from the body.
    Otherwise the text has no headline: a title is derived from the first sentence and the
    body keeps the whole text, so no sentence is lost.
    """
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) > 1 and (is_place(lines[0].rstrip(".:।")) or dateline_only(lines[0]) is not None):
        lines = lines[1:]  # "चंडीगढ़" or "बांदा।" alone on the first line is no headline
    if not lines:
        return "", ""
    first, rest = lines[0], lines[1:]
    words = count_words(first)
    is_headline = 0 < words <= MAX_TITLE_WORDS and not ends_sentence(first)
    if not is_headline and rest and words <= _MAX_QUESTION_TITLE_WORDS:
        is_headline = first.rstrip()[-1:] in "?!"
    if is_headline:
        return first, "\n\n".join(rest)
    sentences = split_sentences(first[:_FIRST_SENTENCE_CHARS])
    # A dateline sentence ("बांदा।") opens many reports: the story starts after it.
    while len(sentences) > 1 and dateline_only(sentences[0]) is not None:
        sentences = sentences[1:]
    lead = split_dateline(sentences[0])[1] if sentences else first  # no "नई दिल्ली:" in titles
    title = truncate_words(_strip_end(lead), DERIVED_TITLE_WORDS)
    return title, "\n\n".join(lines)


def cap_title(title: str) -> str:
    """The title cut to MAX_SHOWN_TITLE_WORDS words and MAX_SHOWN_TITLE_CHARS characters.

    The cut is at a word boundary with "…"; one giant "word" (a pasted URL) is cut where it
    reaches the character limit.
    """
    capped = truncate_words(title, MAX_SHOWN_TITLE_WORDS)
    if len(capped) <= MAX_SHOWN_TITLE_CHARS:
        return capped
    head = capped[: MAX_SHOWN_TITLE_CHARS - 1]
    space = head.rfind(" ")
    return (head[:space] if space > MAX_SHOWN_TITLE_CHARS // 2 else head).rstrip() + "…"
