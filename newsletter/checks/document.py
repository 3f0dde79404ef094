"""The email read once: the rendered HTML (elements with line numbers and inner text, and the
text a reader sees) and the generated MJML (elements with their ancestors), for the checks to
query instead of each parsing again."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from newsletter.checks.mjml_schema import ENDING_TAGS

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
INVISIBLE = frozenset({"head", "style", "script", "title"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none", re.IGNORECASE)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    line: int  # in email.html
    visible_before: int = 0  # pieces of visible text before it in the document (0: nothing a reader sees comes first)
    contains: set[str] = field(default_factory=set)  # tags of the elements inside it
    hidden: bool = False  # display: none in its own style
    # The document's text pieces, and which of them were read while it was open: one list for every element,
    # so each piece of text is kept once, not once per element around it.
    _pieces: list[str] = field(default_factory=list, repr=False, compare=False)
    _start: int = 0
    _end: int | None = None  # None while open

    @property
    def text_parts(self) -> list[str]:
        return self._pieces[self._start:self._end]

    @property
    def text(self) -> str:
        return " ".join("".join(self.text_parts).split())


class HtmlDocument(HTMLParser):
    """Every element in document order; text is added to each open element that contains it."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self._pieces: list[str] = []
        self._hiding = 0  # open elements whose text no reader sees (head, style, a hidden preheader…)
        self._visible: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        element = Element(tag, values, self.getpos()[0], len(self._visible),
                          hidden=bool(_HIDDEN_STYLE.search(values.get("style", ""))), _pieces=self._pieces,
                          _start=len(self._pieces), _end=len(self._pieces))
        self.elements.append(element)
        for parent in self._open:
            parent.contains.add(tag)
        if tag not in VOID:
            element._end = None
            self._open.append(element)
            self._hiding += _hides(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._open) - 1, -1, -1):
            if self._open[depth].tag == tag:
                for closed in self._open[depth:]:
                    closed._end = len(self._pieces)
                    self._hiding -= _hides(closed)
                del self._open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._pieces.append(data)
        if not self._hiding and data.strip():
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


def _hides(element: Element) -> bool:
    return element.tag in INVISIBLE or element.hidden


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
    """MJML elements with their ancestors; the HTML inside ending tags (mj-text, mj-button…) is skipped."""

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
