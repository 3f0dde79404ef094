"""The markup of a message, read the way a browser reads it (Python's HTML tokenizer).

A translation may carry exactly the markup of its English: the same elements and the same
attributes with the same values, in the same order. Everything else in it is text: the check
refuses a translation whose markup differs, and `as_html` escapes whatever markup the English
does not have, in case such a translation ever reaches a template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

from markupsafe import Markup, escape

# What opens a tag, an end tag, a comment, a declaration or an instruction in HTML's tokenizer;
# `<` before anything else (a space, a digit) is text.
_MARKUP_START = re.compile(r"<[A-Za-z/!?]")


@dataclass(frozen=True)
class Tag:
    """One piece of markup: its kind, element name (or comment text), attributes, and source."""

    kind: str  # start, end, comment, declaration, instruction, unterminated
    name: str
    attributes: tuple[tuple[str, str | None], ...] = ()
    source: str = ""

    @property
    def signature(self) -> tuple:
        return self.kind, self.name, self.attributes

    def __str__(self) -> str:
        return self.source if len(self.source) <= 60 else self.source[:59] + "…"


class _Splitter(HTMLParser):
    """Splits text into pieces of text (character references resolved) and Tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str | Tag] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.parts.append(Tag("start", tag, tuple(attrs), self.get_starttag_text() or ""))

    handle_startendtag = handle_starttag  # <br/> and <br> are the same element to a browser

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(Tag("end", tag, (), f"</{tag}>"))

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_comment(self, data: str) -> None:
        self.parts.append(Tag("comment", data, (), f"<!--{data}-->"))

    def handle_decl(self, decl: str) -> None:
        self.parts.append(Tag("declaration", decl, (), f"<!{decl}>"))

    unknown_decl = handle_decl

    def handle_pi(self, data: str) -> None:
        self.parts.append(Tag("instruction", data, (), f"<?{data}>"))


@lru_cache(maxsize=4096)
def split(text: str) -> tuple[str | Tag, ...]:
    """The text and markup of `text`, in order. A tag left open at the end counts as markup: inserted
    before a template's own `</a>`, `<img src=x onerror=…` would become a whole tag."""
    splitter = _Splitter()
    splitter.feed(text)
    unterminated = splitter.rawdata if _MARKUP_START.match(splitter.rawdata) else ""
    if unterminated:
        splitter.rawdata = ""
    splitter.close()
    if unterminated:
        splitter.parts.append(Tag("unterminated", unterminated, (), unterminated))
    return tuple(splitter.parts)


def tags(text: str) -> list[Tag]:
    return [part for part in split(text) if isinstance(part, Tag)]


def markup_difference(english: str, translation: str) -> str | None:
    """What the translation's markup does differently from the English's, or None."""
    expected, got = tags(english), tags(translation)
    for want, have in zip(expected, got):
        if want.signature != have.signature:
            return f"{str(have)!r} is not the English's {str(want)!r} at this place"
    if len(got) > len(expected):
        return f"{str(got[len(expected)])!r} is not in the English"
    if len(expected) > len(got):
        return f"{str(expected[len(got)])!r} of the English is missing"
    return None


def as_html(english: str, translation: str) -> Markup:
    """The translation as HTML: its text escaped, its markup kept only where it is the English's own
    (written as the English writes it), any other markup escaped to show as text."""
    allowed = iter(tags(english))
    expected = next(allowed, None)
    out: list[str] = []
    for part in split(translation):
        if isinstance(part, str):
            out.append(escape(part))
        elif expected is not None and part.signature == expected.signature:
            out.append(expected.source)
            expected = next(allowed, None)
        else:
            out.append(escape(part.source))
    return Markup("".join(out))
