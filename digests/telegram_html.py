"""Length, splitting and plain text of Telegram HTML messages.

Telegram limits a message to 4096 characters *after entity parsing*: tags do not count,
"&amp;" counts as one character. Entity offsets in the Bot API are UTF-16 code units, and
an emoji outside the BMP takes two of them, so lengths here are counted in UTF-16 units:
never less than Telegram's own count, so a part that fits here fits there.

Splitting works on atoms (tag, entity, word, whitespace), so a cut never falls inside a tag,
an entity or a word (except a single word longer than a whole message, cut between
graphemes). Tags open at a cut are closed at the end of the part and reopened at the start
of the next, so every part is valid HTML on its own.

`plain_text` is what a message reads as without markup: the resend when Telegram cannot
parse our HTML, and the terminal chat, which shows replies as text.
"""

from __future__ import annotations

import html as html_lib
from dataclasses import dataclass

import regex

TELEGRAM_LIMIT = 4096

_ATOM = regex.compile(
    r"(?P<tag><[^<>]{0,2000}>)"
    r"|(?P<entity>&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{0,30});)"
    r"|(?P<space>\s+)"
    r"|(?P<word>[^\s<&]+)"
    r"|(?P<other>[<&])"
)
_TAG_NAME = regex.compile(r"^<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")
# Exactly the atoms above that count zero (a tag with a name) and those that decode.
_NAMED_TAG = regex.compile(r"<(?=\s*/?\s*[a-zA-Z])[^<>]{0,2000}>")
_ENTITY = regex.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{0,30});")
_SPLIT_ENTITY = regex.compile(r"&[#a-zA-Z0-9]*<")
_GRAPHEME = regex.compile(r"\X")
_SENTENCE_END = regex.compile(r"[।॥?!.…][\"'”’»)\]]*$")
_ANY_TAG = regex.compile(r"<[^>]*>")
_LINK = regex.compile(r'<a\s+href="([^"]*)"[^>]*>(.*?)</a>', regex.S)

# Break qualities, best first: blank line (story boundary), line break, sentence end, space.
_BLANK_LINE, _LINE, _SENTENCE, _SPACE = 4, 3, 2, 1


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass(slots=True)
class _Atom:
    kind: str  # "open", "close", "void", "entity", "space", "word"
    raw: str
    visible: int
    name: str = ""


def _atoms(html: str) -> list[_Atom]:
    out: list[_Atom] = []
    for m in _ATOM.finditer(html):
        raw = m.group(0)
        if m.group("tag") is not None:
            tm = _TAG_NAME.match(raw)
            if not tm:
                out.append(_Atom("word", raw, utf16_len(raw)))
            elif tm.group(1):
                out.append(_Atom("close", raw, 0, tm.group(2).lower()))
            elif raw.rstrip(">").rstrip().endswith("/"):
                out.append(_Atom("void", raw, 0, tm.group(2).lower()))
            else:
                out.append(_Atom("open", raw, 0, tm.group(2).lower()))
        elif m.group("entity") is not None:
            out.append(_Atom("entity", raw, utf16_len(html_lib.unescape(raw))))
        elif m.group("space") is not None:
            out.append(_Atom("space", raw, utf16_len(raw)))
        else:
            out.append(_Atom("word", raw, utf16_len(raw)))
    return out


def visible_length(html: str) -> int:
    """Characters Telegram counts for this HTML: tags removed, entities decoded (UTF-16).

    Packing a digest measures every card, so this runs for every subscriber at the morning
    tick: a fast path strips the tags with one regex instead of building an atom for every
    word, and the atom walk is kept for the rare text the fast path cannot count alike.
    """
    fast = _fast_visible_length(html)
    return _slow_visible_length(html) if fast is None else fast


def _slow_visible_length(html: str) -> int:
    """The count by atoms, which `split_html` cuts along: the reference for the fast path."""
    return sum(atom.visible for atom in _atoms(html))


def _fast_visible_length(html: str) -> int | None:
    """The same count as the atom walk, or None where it could differ.

    It could differ only where removing tags changes how the rest reads: a "<" left over (a
    tag without a name, like "<>", counts as text, and an entity inside it must stay
    undecoded), or an "&" whose entity is interrupted by a tag ("&am<b>p;" counts five
    characters in the atom walk, not one "&").
    """
    if "<" in html:
        text = _NAMED_TAG.sub("", html)
        if "<" in text:
            return None
    else:
        text = html
    if "&" in text:
        if "<" in html and _SPLIT_ENTITY.search(html):
            return None
        text = _ENTITY.sub(_decoded, text)
    return utf16_len(text)


def plain_text(html: str, *, spell_out_links: bool = False) -> str:
    """The text a message's HTML shows: tags dropped, entities decoded.

    With `spell_out_links` a link reads "text: url", for a reader who cannot click it (the
    terminal); without, only its text is left, as Telegram shows it.
    """
    if spell_out_links:
        html = _LINK.sub(_spelled_link, html)
    return html_lib.unescape(_ANY_TAG.sub("", html))


def _spelled_link(match: regex.Match[str]) -> str:
    return f"{match.group(2)}: {html_lib.unescape(match.group(1))}"


def _decoded(match: regex.Match[str]) -> str:
    return html_lib.unescape(match.group(0))


def _break_quality(atoms: list[_Atom], index: int) -> int:
    raw = atoms[index].raw
    if raw.count("\n") >= 2:
        return _BLANK_LINE
    if "\n" in raw:
        return _LINE
    for j in range(index - 1, max(index - 4, -1), -1):
        if atoms[j].kind in ("word", "entity"):
            return _SENTENCE if _SENTENCE_END.search(atoms[j].raw) else _SPACE
    return _SPACE


def _choose_break(candidates: list[tuple[int, int, int]], limit: int) -> int:
    """Atom index of the best break: a blank line anywhere, else the best break in the
    second half of the part (so parts are not tiny), else the last break."""
    blank = [c for c in candidates if c[2] == _BLANK_LINE]
    if blank:
        return blank[-1][1]
    late = [c for c in candidates if c[0] >= limit // 2]
    pool = late or candidates
    best = max(c[2] for c in pool)
    return [c for c in pool if c[2] == best][-1][1]


class _Stack:
    """Open tags at the current position, to close and reopen them at a cut."""

    def __init__(self) -> None:
        self.items: list[_Atom] = []

    def apply(self, atom: _Atom) -> None:
        if atom.kind == "open":
            self.items.append(atom)
        elif atom.kind == "close":
            for k in range(len(self.items) - 1, -1, -1):
                if self.items[k].name == atom.name:
                    del self.items[k]
                    break

    def closing(self) -> str:
        return "".join(f"</{a.name}>" for a in reversed(self.items))

    def opening(self) -> str:
        return "".join(a.raw for a in self.items)


def _hard_split(word: str, capacity: int) -> tuple[str, str]:
    """Cut an over-long word between graphemes so the head fits `capacity` (at least one)."""
    used = 0
    cut = 0
    for m in _GRAPHEME.finditer(word):
        size = utf16_len(m.group(0))
        if used + size > capacity and cut:
            break
        used += size
        cut = m.end()
    return word[:cut], word[cut:]


def split_html(html: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split Telegram HTML into parts of at most `limit` visible characters each.

    Cuts prefer a blank line, then a line break, then a sentence end, then a space; every
    part has its tags balanced. Parts without visible text are dropped.
    """
    limit = max(1, limit)
    atoms = _atoms(html)
    parts: list[str] = []
    stack = _Stack()
    i = 0
    while i < len(atoms):
        prefix = stack.opening()
        start_stack = list(stack.items)
        pieces: list[str] = []
        visible = 0
        candidates: list[tuple[int, int, int]] = []  # (visible before, atom index, quality)
        j = i
        cut_at: int | None = None
        while j < len(atoms):
            atom = atoms[j]
            if atom.kind == "space" and visible > 0:
                candidates.append((visible, j, _break_quality(atoms, j)))
            if visible + atom.visible > limit:
                if candidates:
                    cut_at = _choose_break(candidates, limit)
                elif atom.kind == "word":
                    head, tail = _hard_split(atom.raw, limit - visible)
                    if head and (visible + utf16_len(head) <= limit or visible == 0):
                        atoms[j] = _Atom("word", tail, utf16_len(tail))
                        atoms.insert(j, _Atom("word", head, utf16_len(head)))
                        j += 1
                    cut_at = j
                else:
                    cut_at = j if j > i else j + 1
                break
            j += 1
            visible += atom.visible
        if cut_at is None:
            cut_at = len(atoms)
        # Rebuild the part from i to cut_at (exclusive), tracking the tag stack.
        stack.items = start_stack
        for atom in atoms[i:cut_at]:
            pieces.append(atom.raw)
            stack.apply(atom)
        body = "".join(pieces)
        if any(a.visible and a.kind != "space" for a in atoms[i:cut_at]):
            parts.append((prefix + body).strip() + stack.closing())
        i = cut_at
        while i < len(atoms) and atoms[i].kind == "space":
            i += 1  # the break's whitespace is not carried into the next part
    return parts
