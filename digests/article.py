"""One pasted article in, one Digested out: the entry point the bot calls.

Validation lives here (not in the bot) so that every caller refuses the same inputs: text
with no Devanagari to speak of, or text with no real sentence once clutter is gone.
"""

from __future__ import annotations

import regex

from digests.clean import cap_title, clean_text, split_title
from digests.facts import MAX_FACT_CHARS, facts_from
from digests.model import Digested
from digests.normalize import normalize_text, single_spaced
from digests.sentences import has_words, split_paragraph_sentences, word_tokens
from digests.summarize import SHORT_SENTENCE_WORDS, lead_part, summarize_paragraphs

# Longer input is cut (at a paragraph break when there is one): no news article is this
# long, and the cap keeps every later step fast on a runaway paste.
MAX_INPUT_CHARS = 2_000_000
# Below this share of Devanagari letters a text is not a Hindi article (Hindi news carries
# Latin names and acronyms, so the bar is well under one half).
MIN_HINDI_SHARE = 0.3
SUMMARY_WORDS = 60
FACT_LIMIT = 5

# hindi_share counts on UTF-8 bytes, at C speed (it runs on every paste, up to megabytes):
# every character of the Devanagari block (U+0900-U+097F) starts with one of two byte
# pairs, E0 A4 and E0 A5. (The danda counts with them; a text of dandas alone is gone after
# cleaning.) With A5 read as A4 they are all found by one count of E0 A4: counting
# two-byte pairs is the slow part (every third byte of Hindi is E0), a translation is not.
_A5_AS_A4 = bytes.maketrans(b"\xa5", b"\xa4")
_DEVANAGARI_UTF8 = b"\xe0\xa4"
# Other letters: ASCII letters, and the lead bytes of two-byte characters (Latin with
# accents, Greek, Cyrillic, Arabic, Hebrew), kept by one deleting translation.
_OTHER_LETTERS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_OTHER_LETTERS |= frozenset(range(0xC2, 0xE0))
_NOT_OTHER_LETTERS = bytes(b for b in range(256) if b not in _OTHER_LETTERS)
_DEVANAGARI = regex.compile(r"\p{Script=Devanagari}")


class ArticleError(ValueError):
    """The text cannot be digested; the message is for logs, the bot words its own reply."""


class EmptyArticle(ArticleError):
    """Nothing that reads as a sentence is left after cleaning."""


class NotHindi(ArticleError):
    """Too little of the text is in Devanagari to be a Hindi article."""


def truncate_input(raw: str, limit: int = MAX_INPUT_CHARS) -> str:
    """`raw` cut to at most `limit` characters, at the last paragraph or line break if any."""
    if len(raw) <= limit:
        return raw
    head = raw[:limit]
    for sep in ("\n\n", "\n"):
        cut = head.rfind(sep)
        if cut > limit // 2:
            return head[:cut]
    return head


def hindi_share(text: str) -> float:
    """Share of the letters in `text` that are Devanagari (0.0 when there are no letters).

    Devanagari letters count with their vowel signs; other letters are ASCII letters and
    two-byte characters (accented Latin, Greek, Cyrillic, Arabic...).
    """
    encoded = text.encode("utf-8", "replace")
    return _share(_devanagari_count(encoded), encoded)


def _devanagari_count(encoded: bytes) -> int:
    return encoded.translate(_A5_AS_A4).count(_DEVANAGARI_UTF8)


def _share(devanagari: int, encoded: bytes) -> float:
    letters = devanagari + len(encoded.translate(None, _NOT_OTHER_LETTERS))
    return devanagari / letters if letters else 0.0


def too_little_hindi(text: str) -> float | None:
    """hindi_share(text) when it is below MIN_HINDI_SHARE, else None (there is enough).

    Every other letter is a character that is not Devanagari, so the share of the letters is
    at least the share of the characters: when that is enough (a Hindi article's characters
    are about three quarters Devanagari), the other letters need no count.
    """
    encoded = text.encode("utf-8", "replace")
    devanagari = _devanagari_count(encoded)
    if devanagari and devanagari / len(text) >= MIN_HINDI_SHARE:
        return None
    share = _share(devanagari, encoded)
    return None if share >= MIN_HINDI_SHARE else share


def _has_real_sentence(paragraphs: list[list[str]]) -> bool:
    return any(
        has_words(s, SHORT_SENTENCE_WORDS) and _DEVANAGARI.search(s)
        for paragraph in paragraphs
        for s in paragraph
    )


def _same_words(a: str, b: str) -> bool:
    if len(a) > 2 * len(b) + 20:
        return False  # a paragraph, not a repeated headline (and no need to tokenize it)
    return [t.casefold() for t in word_tokens(a)] == [t.casefold() for t in word_tokens(b)]


def digest_article(raw: str, title: str | None = None) -> Digested:
    """Clean, title, check, summarise and extract facts from one article.

    Raises NotHindi or EmptyArticle (both ArticleError) for input that is not a Hindi news
    text; never raises anything else for any string.
    """
    text = clean_text(truncate_input(raw or ""))
    given = single_spaced(normalize_text(title or ""))
    if given:
        # The page repeats its headline as the first line. The body is what follows that line,
        # or else the text itself: found, not split into paragraphs and joined again.
        cut = text.find("\n\n")
        if _same_words(text if cut < 0 else text[:cut], given):
            head, body = given, "" if cut < 0 else text[cut + 2 :]
        else:
            head, body = given, text
    else:
        head, body = split_title(text)
    head = cap_title(head)
    if not body.strip() and not head.strip():
        raise EmptyArticle("no text left after removing clutter")
    share = too_little_hindi(f"{head}\n{body}")
    if share is not None:
        raise NotHindi(f"only {share:.0%} of the letters are Devanagari")
    # The body is split into sentences once; summary and facts both read the top of it
    # (the lead and a story's facts are in its first screens; very long pastes are cut).
    top = lead_part(body, MAX_FACT_CHARS)
    paragraphs = split_paragraph_sentences(top)
    if not _has_real_sentence(paragraphs):
        raise EmptyArticle("no sentence in the article body")
    # A title derived from the first sentence (no headline given or found) must not make
    # the summary skip that sentence as a repeat of the headline.
    derived = not given and head.rstrip("…") in body[: 2 * len(head) + 200]
    summary = summarize_paragraphs(paragraphs, "" if derived else head, max_words=SUMMARY_WORDS)
    if not summary:
        raise EmptyArticle("no sentence fit for a summary")
    facts = facts_from(top, head, paragraphs, limit=FACT_LIMIT, exclude=summary)
    return Digested(title=head, body=body, summary=summary, facts=facts)


def content_hash(body: str) -> str:
    """sha256 of the body's lower-cased word tokens, so re-pastes with other spacing or
    page clutter hash alike and are caught as duplicates."""
    import hashlib  # here: only storing an article needs it, not `khabar summarize`

    words = " ".join(t.casefold() for t in word_tokens(clean_text(body)))
    return hashlib.sha256(words.encode("utf-8")).hexdigest()
