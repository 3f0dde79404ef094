"""A post's element tree → the article's sections and blocks.

Two vocabularies come here, trafilatura's XML for a saved page and the HTML markdown-it writes for a
Markdown post; `vocabulary.ROLES` maps both onto what the article model holds, so a post takes one road
whatever it was written in. Text stays text: every character the issue's inline syntax would read as
markup is escaped, and only bold, italic and web links are carried over.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from newsletter.authoring.addresses import Addresses
from newsletter.authoring.imported import Gap, ImportedArticle, Section
from newsletter.authoring.vocabulary import (
    BLOCK_ROLES, EMPHASIS, HELD, INVISIBLE, SPACES, escape_text, heading_level, holds_blocks, is_data_table,
    is_inline_code, is_permalink, role,
)
from newsletter.model.blocks import (
    MAX_IMAGE_HEIGHT, MAX_IMAGE_WIDTH, MAX_LIST_DEPTH, MAX_TABLE_COLUMNS, BulletList, Code, Divider, Figure,
    ListItem, NumberedList, Paragraph, Picture, Quote, Subheading, Table, TableRows, Text,
)
from newsletter.model.content import Image
from newsletter.model.fillin import MARK
from newsletter.model.inline import inline_problems

LINKED = "data-linked"  # set on an image inside a link: where a click on it leads
ALT_TO_WRITE = "describe what the image shows, for people who cannot see it"


@dataclass(frozen=True)
class ImageFacts:
    """What the page says of an image that trafilatura's XML does not carry."""

    alt: str = ""
    width: int | None = None
    height: int | None = None
    caption: str = ""
    link: str = ""  # the link the image is inside, which trafilatura drops


@dataclass
class Walk:
    """One walk over a post's main content, filling `article`."""

    article: ImportedArticle
    addresses: Addresses
    images: Callable[[str], ImageFacts] = lambda src: ImageFacts()
    levels: tuple[int, ...] = (2, 3, 4)  # the heading levels of the post: section, sub-heading, sub-sub-heading
    removed: set[str] = field(default_factory=set)  # names of invisible characters taken out
    hero_src: str | None = None  # the hero image's address: not repeated in the text
    held_spaces: bool = False  # the text holds NBSP_HELD and SPACE_HELD for the spaces they stand for
    banner: str = ""  # the site's name, written as the page's h1: not a heading of the post

    @property
    def blocks(self) -> list:
        return self.article.sections[-1].blocks

    def position(self) -> str:
        section = self.article.sections[-1]
        where = f"section '{section.heading.value}'" if section.heading else "the opening"
        return f"{where}, after block {len(section.blocks)}" if section.blocks else f"the start of {where}"

    def leave_out(self, what: str) -> None:
        self.article.left_out.append(f"{what} at {self.position()}")

    def hero(self, address: str, alt: str, width: int | None, height: int | None) -> None:
        """The image above the article (not repeated in the text); its alt text a gap when the post has none."""
        alt = SPACES.sub(" ", self.clean(alt)).strip()
        shown = min(width or MAX_IMAGE_WIDTH, MAX_IMAGE_WIDTH)
        self.article.image = Image(address, Text(escape_text(alt) or MARK, 0), shown,
                                   round(height * shown / width) if width and height else None)
        self.hero_src = address
        if not alt:
            self.article.gaps.append(Gap(self.article.image, ("alt",), f"{ALT_TO_WRITE} (the image above the article)"))

    # Blocks

    def children(self, parent: etree._Element) -> None:
        for element in parent:
            self.block(element)

    def block(self, element: etree._Element) -> None:
        kind = role(element)
        handler = getattr(self, f"_{kind}", None) if kind else None
        if handler is None:
            if len(element) or (element.text or "").strip():
                self._paragraph(element)  # a container (div, section) or an unknown block: its text is kept
            return
        handler(element)

    def _paragraph(self, element: etree._Element) -> None:
        if holds_blocks(element):
            self._loose(element)
            return
        text, pictures = self.inline(element)
        if text:
            self.blocks.append(Paragraph(Text(text, 0)))
        for picture in pictures:
            self._image(picture)

    def _loose(self, element: etree._Element) -> None:
        """A container holding blocks and loose text (a div, a figure): its text as paragraphs in order."""
        pending = etree.Element("p")
        pending.text = element.text
        for child in element:
            inline_code = is_inline_code(child) and bool((pending.text or "").strip() or len(pending) or
                                                        (child.tail or "").strip())
            if (role(child) in (*BLOCK_ROLES, "divider", "figure") or holds_blocks(child)) and not inline_code:
                self._paragraph(pending) if len(pending) or (pending.text or "").strip() else None
                self.block(child)
                pending = etree.Element("p")
                pending.text = child.tail
            else:
                pending.append(_copy(child))
        if len(pending) or (pending.text or "").strip():
            self._paragraph(pending)

    _figure = _loose
    _caption = _paragraph

    def _heading(self, element: etree._Element) -> None:
        for anchor in [child for child in element if is_permalink(child)]:  # the heading's own "#" or "¶" link
            _drop_keeping_tail(anchor)
        text = self.plain(element)
        level = heading_level(element)
        opening = not any(section.blocks or section.heading for section in self.article.sections)
        if not text or (level == 1 and text == escape_text(self.banner)) or \
                (text == self.article.title and (level == 1 or opening)):  # the title, repeated above the text
            return
        rank = next((i for i, known in enumerate(self.levels) if level <= known), len(self.levels) - 1)
        if rank == 0:
            previous = self.article.sections[-1]
            if previous.heading and not previous.blocks:  # a heading directly over the next one: kept under it
                previous.blocks.append(Subheading(Text(text, 0), 3))
                return
            self.article.sections.append(Section(Text(text, 0)))
        else:
            self.blocks.append(Subheading(Text(text, 0), min(2 + rank, 4)))

    def _list(self, element: etree._Element) -> None:
        items = self.items(element, 1)
        if items:
            ordered = (element.get("rend") or element.tag) == "ol"
            self.blocks.append(NumberedList(items) if ordered else BulletList(items))

    def items(self, element: etree._Element, depth: int) -> tuple[ListItem, ...]:
        items = []
        for child in element:
            if role(child) != "item":
                continue
            inner = [grand for grand in child if role(grand) == "list"]
            for grand in inner:
                child.remove(grand)
            text, pictures = self.inline(child)
            sub = tuple(i for grand in inner for i in self.items(grand, depth + 1))
            if depth >= MAX_LIST_DEPTH and sub:  # deeper lists join their parent's level
                items.extend([ListItem(Text(text, 0))] if text else [])
                items.extend(sub)
            elif text:
                ordered = bool(inner) and (inner[0].get("rend") or inner[0].tag) == "ol"
                items.append(ListItem(Text(text, 0), () if ordered else sub, sub if ordered else ()))
            else:
                items.extend(sub)
            for picture in pictures:
                self.leave_out(f"an image inside a list item ({picture.get('src', '')[:80]}; an item holds text only)")
        return tuple(items)

    def _quote(self, element: etree._Element) -> None:
        parts = [self.inline(child)[0] for child in element if role(child) == "paragraph"]
        loose = etree.Element("p")
        loose.text = element.text
        for child in element:
            if role(child) != "paragraph":
                loose.append(_copy(child))
            elif child.tail and child.tail.strip():
                loose.append(etree.Element("lb"))
                loose[-1].tail = child.tail
        rest = self.inline(loose)[0]
        by = None
        if parts and rest and len(rest) <= 120:  # a short line after the quoted paragraphs: who said it
            by = Text(rest.lstrip("—–- ").strip(), 0)
        elif rest:
            parts.append(rest)
        text = " ".join(part for part in parts if part)
        if text:
            self.blocks.append(Quote(Text(text, 0), by if by and by.value else None))

    def _table(self, element: etree._Element) -> None:
        rows = [[cell for cell in row if role(cell) == "cell"] for row in element.iter() if role(row) == "row"]
        if not is_data_table(rows):
            for cell in (cell for row in rows for cell in row):  # a layout table: its cells are the text
                self._paragraph(cell)
            return
        texts = [[self.inline(cell)[0] for cell in row] for row in rows]
        texts = [row for row in texts if any(row)]
        width = max(len(row) for row in texts)
        if width > MAX_TABLE_COLUMNS:
            self._table_as_list(texts, width)
            return
        cells = [tuple(Text(cell, 0) if cell else None for cell in row + [""] * (width - len(row))) for row in texts]
        self.blocks.append(Table(TableRows(cells[0], tuple(cells[1:]))))

    def _table_as_list(self, rows: list[list[str]], width: int) -> None:
        """A table wider than the model holds: each row an item, its cells joined, nothing lost."""
        self.blocks.append(BulletList(tuple(ListItem(Text(" · ".join(cell for cell in row if cell), 0)) for row in rows)))
        self.article.notes.append(f"a table of {width} columns (at most {MAX_TABLE_COLUMNS}) was written as a list, "
                                  f"one item per row, at {self.position()}")

    def _code(self, element: etree._Element) -> None:
        code = "".join(element.itertext()).strip("\n")
        if code.strip():
            self.blocks.append(Code((self.clean(code).expandtabs(4)).rstrip() + "\n"))

    def _divider(self, element: etree._Element) -> None:
        if self.blocks and not isinstance(self.blocks[-1], Divider):
            self.blocks.append(Divider())

    def _break(self, element: etree._Element) -> None:
        return

    def _image(self, element: etree._Element) -> None:
        src = element.get("src") or element.get("data-src") or ""
        address = self.addresses.web(src)
        if address and address == self.hero_src:
            return
        facts = self.images(src)
        alt = SPACES.sub(" ", self.clean(element.get("alt") or facts.alt)).strip()
        caption = SPACES.sub(" ", self.clean(facts.caption or element.get("title") or "")).strip()
        if src.startswith("data:") or not src:
            self.leave_out("an image written into the page itself (a data: address)" if src else "an image without an address")
            return
        width, height = _fitted(facts.width, facts.height, src)
        link = self.addresses.web(element.get(LINKED) or facts.link)
        picture = Picture(address or self.addresses.stand_in(src), Text(escape_text(alt) or MARK, 0),
                          width or MAX_IMAGE_WIDTH, height or round(MAX_IMAGE_WIDTH * 2 / 3),
                          Text(escape_text(caption), 0) if caption else None,
                          link if link and link.startswith("https://") and link != address else None)
        figure = Figure(picture)
        self.blocks.append(figure)
        self._image_gaps(figure, src, address, bool(alt), bool(height))

    def _image_gaps(self, figure: Figure, src: str, address: str | None, has_alt: bool, has_size: bool) -> None:
        shown = src if len(src) <= 80 else src[:79] + "…"
        if not address:
            self.article.gaps.append(Gap(figure, ("image", "src"), f"the image's address on the website (the page "
                                         f"has '{shown}', a copy on this computer or an address without its site)"))
        if not has_alt:
            self.article.gaps.append(Gap(figure, ("image", "alt"), f"{ALT_TO_WRITE} ({shown})"))
        if not has_size:
            self.article.gaps.append(Gap(figure, ("image", "height"), f"the image's height in pixels at the width "
                                         f"given (the page does not say it; {figure.image.height} is a guess)"))

    # Inline text

    def clean(self, text: str) -> str:
        text = text.translate(HELD) if self.held_spaces else text
        for char in set(INVISIBLE.findall(text)):
            self.removed.add(f"U+{ord(char):04X}")
        return INVISIBLE.sub("", text)

    def plain(self, element: etree._Element) -> str:
        return escape_text(SPACES.sub(" ", self.clean("".join(element.itertext()))).strip())

    def inline(self, element: etree._Element) -> tuple[str, list[etree._Element]]:
        """The element's text in the issue's inline syntax, and the images found inside it."""
        pictures: list[etree._Element] = []
        pieces = self._inline_pieces(element, pictures, links=True, emphasis=True)
        text = SPACES.sub(" ", "".join(pieces)).strip()
        if text and inline_problems(text):  # emphasis the inline syntax cannot say (e.g. `**"x"**y`): dropped
            text = SPACES.sub(" ", "".join(self._inline_pieces(element, [], links=True, emphasis=False))).strip()
        if text and inline_problems(text):
            text = SPACES.sub(" ", "".join(self._inline_pieces(element, [], links=False, emphasis=False))).strip()
        return text, pictures

    def _inline_pieces(self, element: etree._Element, pictures: list, links: bool, emphasis: bool) -> list[str]:
        pieces = [escape_text(self.clean(element.text or ""))]
        for child in element:
            kind = role(child)
            if kind == "image":
                if role(element) == "link" and (element.get("target") or element.get("href")):
                    child.set(LINKED, element.get("target") or element.get("href"))  # a picture that is a link
                pictures.append(child)
            elif kind == "break":
                pieces.append(" ")
            elif kind in ("list", "table", "quote") or (kind == "code" and "\n" in "".join(child.itertext())):
                pieces.append(" " + escape_text(self.clean(" ".join(child.itertext()))) + " ")
            else:
                inner = "".join(self._inline_pieces(child, pictures, links, emphasis))
                pieces.append(self._marked(child, kind, inner, links, emphasis))
            pieces.append(escape_text(self.clean(child.tail or "")))
        return pieces

    def _marked(self, child: etree._Element, kind: str | None, inner: str, links: bool, emphasis: bool) -> str:
        mark = {"bold": "**", "italic": "*"}.get(kind or "") or \
            (EMPHASIS.get(child.get("rend", "")) if kind == "emphasis" else None)
        if mark and emphasis:
            return _wrapped(inner, mark)
        if kind == "link" and links:
            target = self.addresses.web(child.get("target") or child.get("href") or "")
            if target and inner.strip() and "[" not in inner.replace("\\[", ""):
                core = inner.strip()
                return inner[:len(inner) - len(inner.lstrip())] + f"[{core}]({target})" + inner[len(inner.rstrip()):]
            given = (child.get("target") or child.get("href") or "").strip()
            if given and not target and not self.addresses.base and not given.startswith(("#", "javascript:")):
                self.leave_out(f"the link of '{inner.strip()[:40]}' ({given[:80]}: relative, and the post does not "
                               "say its own address; import again with --url)")
        return inner


def _drop_keeping_tail(element: etree._Element) -> None:
    parent, previous = element.getparent(), element.getprevious()
    if element.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _wrapped(inner: str, mark: str) -> str:
    """`mark` around the text, its spaces outside (CommonMark reads `** x**` as stars, not bold)."""
    core = inner.strip()
    if not core or "*" in core.replace("\\*", ""):  # empty, or emphasis inside emphasis: the text alone
        return inner
    return inner[:len(inner) - len(inner.lstrip())] + mark + core + mark + inner[len(inner.rstrip()):]


def _copy(element: etree._Element) -> etree._Element:
    copied = etree.fromstring(etree.tostring(element, with_tail=False))
    copied.tail = element.tail
    return copied


_SIZE_IN_NAME = re.compile(r"-(\d{2,4})x(\d{2,4})\.(?:jpe?g|png|gif|webp|avif)(?:$|\?)", re.I)  # WordPress sizes


def _fitted(width: int | None, height: int | None, src: str) -> tuple[int | None, int | None]:
    """The image's size as shown in the email: at most the email's width, its proportions kept."""
    if not (width and height):
        named = _SIZE_IN_NAME.search(src)
        width, height = (int(named.group(1)), int(named.group(2))) if named else (width, None)
    if not width:
        return None, None
    if not height:
        return min(width, MAX_IMAGE_WIDTH), None
    scale = min(1.0, MAX_IMAGE_WIDTH / width, MAX_IMAGE_HEIGHT / height)
    return max(1, round(width * scale)), max(1, round(height * scale))
