"""The email read once: the rendered HTML (elements with line numbers and inner text, and the
text a reader sees) and the generated MJML (elements with their ancestors), for the checks to
query instead of each parsing again."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from lxml import etree

from newsletter.checks.mjml_schema import ENDING_TAGS

INVISIBLE = frozenset({"head", "style", "script", "title"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none", re.IGNORECASE)
_PARSER = etree.HTMLParser(encoding="utf-8", no_network=True)  # bytes in: a <meta charset> cannot mislead it


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    line: int  # in email.html
    visible_before: int = 0  # pieces of visible text before it in the document (0: nothing a reader sees comes first)
    text_parts: list[str] = field(default_factory=list)
    contains: set[str] = field(default_factory=set)  # tags of the elements inside it

    @property
    def text(self) -> str:
        return " ".join("".join(self.text_parts).split())

    @property
    def hidden(self) -> bool:
        return bool(_HIDDEN_STYLE.search(self.attrs.get("style", "")))


class HtmlDocument:
    """Every element in document order, with the text inside it and the tags of the elements inside it.

    Read with libxml2's HTML parser (lxml), a C parser. MSO conditional comments stay comments, and
    the rendered MJML writes every <tbody> and each start tag on one line, so the tree and the lines
    are the ones written."""

    def __init__(self, html: str):
        self.elements: list[Element] = []
        self._tags: list[str] = []  # the elements' tags, in the same order
        self._pieces: list[str] = []  # every piece of text, between tags and comments
        self._visible: list[str] = []
        root = etree.fromstring(html.encode(), _PARSER) if html.strip() else None
        if root is not None:
            self._read(root, False)

    def _read(self, node: etree._Element, hidden: bool) -> None:
        """One element and what is inside it, depth first; `hidden`: inside head, style, display:none…"""
        element = Element(node.tag, dict(node.items()), node.sourceline or 0, len(self._visible))
        first_piece, first_inside = len(self._pieces), len(self.elements) + 1
        self.elements.append(element)
        self._tags.append(element.tag)
        hidden = hidden or element.tag in INVISIBLE or element.hidden
        self._data(node.text, hidden)
        for child in node:
            if isinstance(child.tag, str):  # not a comment or a processing instruction: those hold no text
                self._read(child, hidden)
            self._data(child.tail, hidden)
        # what was read since it opened is inside it: slices, not an append to every open element per piece
        element.text_parts = self._pieces[first_piece:]
        element.contains = set(self._tags[first_inside:])

    def _data(self, data: str | None, hidden: bool) -> None:
        if data:
            self._pieces.append(data)
            if not hidden and data.strip():
                self._visible.append(data)

    def all(self, *tags: str) -> list[Element]:
        return [element for element in self.elements if element.tag in tags]

    def first(self, tag: str) -> Element | None:
        found = self.all(tag)
        return found[0] if found else None

    @property
    def visible_text(self) -> str:
        """What a reader sees: no head, styles or hidden preheader; whitespace collapsed."""
        return " ".join(" ".join(self._visible).split())


@dataclass(frozen=True)
class MjmlNode:
    tag: str
    attrs: tuple[tuple[str, str], ...]
    line: int  # in email.mjml
    ancestors: tuple[MjmlNode, ...]  # outermost first

    @property
    def parent(self) -> str:
        return self.ancestors[-1].tag if self.ancestors else ""


class MjmlTree(HTMLParser):
    """MJML elements with their ancestors; the HTML inside ending tags (mj-text, mj-button…) is skipped.

    html.parser, not lxml, on purpose: libxml2 dates a start tag written over several lines (as templates
    may) by its last line, and an unclosed <div> inside an mj-text would swallow the elements after it."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.nodes: list[MjmlNode] = []
        self._open: list[MjmlNode] = []
        self._raw: str | None = None  # the ending tag whose content is being skipped
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._raw:
            return
        node = MjmlNode(tag, tuple((k, v or "") for k, v in attrs), self.getpos()[0], tuple(self._open))
        self.nodes.append(node)
        self._open.append(node)
        if tag in ENDING_TAGS:
            self._raw = tag

    def handle_endtag(self, tag: str) -> None:
        if self._raw and tag != self._raw:
            return
        self._raw = None
        tags = [node.tag for node in self._open]
        if tag in tags:
            del self._open[len(tags) - 1 - tags[::-1].index(tag):]
