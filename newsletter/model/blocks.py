"""What an article's text holds: translatable `Text`, and the blocks of a section.

A section holds blocks in order (paragraphs, lists, quotes, images, sub-headings, tables, code,
dividers). In YAML each block is one list item: a mapping whose first key names the block and
whose keys are the dataclass's fields (`- quote: …` with `by: …`), or the bare word `- divider`.
Each block gives its translatable strings in reading order (`texts`) and can be rebuilt with
them translated (`map_texts`), which is all extraction, localization and the checks need.
Their reading from YAML is `model/blockreader.py`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import ClassVar

from newsletter.model.fieldspec import derived, spec
from newsletter.model.inline import URL_PATTERN

MAX_IMAGE_WIDTH = 600  # the email's content width: a wider image is scaled down by every mail client
MAX_IMAGE_HEIGHT = 2000
TEXT_COLUMN_WIDTH = 552  # an image inside the text: the email's 600 px less the text's 24 px margins
MAX_PICTURE_SIZE = 10_000  # pixels, either way: a bound on what a page's image may claim
INLINE_RULE = "Only **bold**, *italic* and [text](https://...) links; no HTML."


@dataclass(frozen=True)
class Text:
    """A translatable string: its English text, where it stands, and what it is for translators."""

    value: str
    line: int
    context: str | None = None  # gettext msgctxt, for short strings whose role changes the translation
    comment: str = ""  # shown to translators: where the text appears in the email


# Blocks: what a section holds, in order. Each block is a YAML mapping whose first key names it and whose
# fields are the dataclass's fields; `kind` names its template (templates/partials/blocks/<kind>.mjml.j2).
MAX_LIST_DEPTH = 3  # a list, its sub-lists and theirs: deeper nesting reads badly on a phone
# A table's columns stay readable side by side while each has room for a word (about 90 px): up to
# GRID_COLUMNS in the 552 px text column, PHONE_GRID_COLUMNS on a 320 px phone. Wider tables are shown
# as records, each cell under its column's header (templates/partials/blocks/table.mjml.j2).
PHONE_GRID_COLUMNS = 3
GRID_COLUMNS = 6
MAX_TABLE_COLUMNS = 16  # a bound on what a page's table may bring in
SUBHEADING_LEVELS = (3, 4)  # the article title is h1, a section heading h2


@dataclass(frozen=True)
class Paragraph:
    paragraph: Text = field(metadata=spec(f"A paragraph. {INLINE_RULE}"))
    kind: ClassVar[str] = "paragraph"

    def texts(self) -> Iterator[Text]:
        yield self.paragraph

    def map_texts(self, change: Callable[[Text], Text]) -> Paragraph:
        return Paragraph(change(self.paragraph))


@dataclass(frozen=True)
class ListItem:
    text: Text = field(metadata=spec(f"The item. {INLINE_RULE}"))
    bullets: tuple[ListItem, ...] = field(default=(), metadata=spec("A bulleted list inside this item."))
    numbered: tuple[ListItem, ...] = field(default=(), metadata=spec("A numbered list inside this item."))
    yaml_short_form: ClassVar[str] = "text"  # an item without a list inside it is written as its text alone

    @property
    def sublist(self) -> tuple[ListItem, ...]:
        return self.bullets or self.numbered

    def texts(self) -> Iterator[Text]:
        yield self.text
        for item in self.sublist:
            yield from item.texts()

    def map_texts(self, change: Callable[[Text], Text]) -> ListItem:
        return ListItem(change(self.text), tuple(i.map_texts(change) for i in self.bullets),
                        tuple(i.map_texts(change) for i in self.numbered))


class _ItemList:
    """What a bulleted and a numbered list share; they differ in their YAML key and their marks."""

    items: tuple[ListItem, ...]
    kind: ClassVar[str] = "list"

    def texts(self) -> Iterator[Text]:
        for item in self.items:
            yield from item.texts()

    def map_texts(self, change: Callable[[Text], Text]):
        return type(self)(tuple(i.map_texts(change) for i in self.items))


@dataclass(frozen=True)
class BulletList(_ItemList):
    bullets: tuple[ListItem, ...] = field(metadata=spec(
        "A bulleted list: each item a text, or `text:` with a `bullets:` or `numbered:` list inside it."))
    ordered: ClassVar[bool] = False

    @property
    def items(self) -> tuple[ListItem, ...]:
        return self.bullets


@dataclass(frozen=True)
class NumberedList(_ItemList):
    numbered: tuple[ListItem, ...] = field(metadata=spec(
        "A numbered list: each item a text, or `text:` with a `bullets:` or `numbered:` list inside it."))
    ordered: ClassVar[bool] = True

    @property
    def items(self) -> tuple[ListItem, ...]:
        return self.numbered


@dataclass(frozen=True)
class Quote:
    quote: Text = field(metadata=spec(f"Words quoted from someone else. {INLINE_RULE}"))
    by: Text | None = field(default=None, metadata=spec("Who said or wrote it (optional)."))
    kind: ClassVar[str] = "quote"

    def texts(self) -> Iterator[Text]:
        yield self.quote
        if self.by:
            yield self.by

    def map_texts(self, change: Callable[[Text], Text]) -> Quote:
        return Quote(change(self.quote), change(self.by) if self.by else None)


@dataclass(frozen=True)
class Picture:
    src: str = field(metadata=spec("The image's address (https://).", pattern=URL_PATTERN))
    alt: Text = field(metadata=spec("What the picture shows, for people who cannot see it (translated)."))
    width: int = field(metadata=spec(f"The image's width in pixels (as on the page); the email shows it at most "
                                     f"{TEXT_COLUMN_WIDTH} px wide.", minimum=1, maximum=MAX_PICTURE_SIZE))
    height: int = field(metadata=spec("The image's height in pixels at that width: the email keeps its proportions, "
                                      "and mail apps keep its space while it loads.", minimum=1,
                                      maximum=MAX_PICTURE_SIZE))
    caption: Text | None = field(default=None, metadata=spec(f"A line shown under the image (optional). {INLINE_RULE}"))
    link: str | None = field(default=None, metadata=spec("Where a click on the image leads (optional, https://).",
                                                         pattern=URL_PATTERN))

    @property
    def shown_width(self) -> int:
        """The width the email gives it (its width and height attributes): Outlook for Windows sizes an image
        by its attributes alone, so a wider one would push the email past its column."""
        return min(self.width, TEXT_COLUMN_WIDTH)

    @property
    def shown_height(self) -> int:
        return max(1, round(self.height * self.shown_width / self.width))


@dataclass(frozen=True)
class Figure:
    image: Picture = field(metadata=spec("An image inside the text."))
    kind: ClassVar[str] = "image"

    def texts(self) -> Iterator[Text]:
        yield self.image.alt
        if self.image.caption:
            yield self.image.caption

    def map_texts(self, change: Callable[[Text], Text]) -> Figure:
        caption = change(self.image.caption) if self.image.caption else None
        return Figure(replace(self.image, alt=change(self.image.alt), caption=caption))


@dataclass(frozen=True)
class Subheading:
    subheading: Text = field(metadata=spec("A heading inside the section."))
    level: int = field(default=3, metadata=spec("3 (the default) under the section's heading, 4 under a level 3.",
                                                minimum=SUBHEADING_LEVELS[0], maximum=SUBHEADING_LEVELS[-1]))
    kind: ClassVar[str] = "subheading"

    def texts(self) -> Iterator[Text]:
        yield self.subheading

    def map_texts(self, change: Callable[[Text], Text]) -> Subheading:
        return Subheading(change(self.subheading), self.level)


@dataclass(frozen=True)
class TableRows:
    header: tuple[Text | None, ...] = field(metadata=spec(f"The header row's cells (~ or '' for an empty cell). "
                                                          f"{INLINE_RULE}"))
    rows: tuple[tuple[Text | None, ...], ...] = field(metadata=spec(
        "The rows, each a list of as many cells as the header (~ or '' for an empty cell)."))


@dataclass(frozen=True)
class Table:
    table: TableRows = field(metadata=spec(f"A simple table: a header row and rows, at most {MAX_TABLE_COLUMNS} "
                                           f"columns. Wider than {PHONE_GRID_COLUMNS} on a phone, or {GRID_COLUMNS} "
                                           "on a wider screen, each row is shown as lines of 'header: cell'."))
    kind: ClassVar[str] = "table"

    @property
    def width(self) -> int:
        return len(self.table.header)

    @property
    def layout(self) -> str:
        """How the email shows it: a grid everywhere, a grid that turns into records on a phone, or records."""
        if self.width <= PHONE_GRID_COLUMNS:
            return "grid"
        return "grid-or-records" if self.width <= GRID_COLUMNS else "records"

    def texts(self) -> Iterator[Text]:
        for row in (self.table.header, *self.table.rows):
            yield from (cell for cell in row if cell)

    def map_texts(self, change: Callable[[Text], Text]) -> Table:
        def cells(row):
            return tuple(change(cell) if cell else None for cell in row)
        return Table(TableRows(cells(self.table.header), tuple(cells(row) for row in self.table.rows)))


@dataclass(frozen=True)
class Code:
    code: str = field(metadata=spec("Code or preformatted text, shown as written in a fixed-width font; never "
                                    "translated."))
    line: int = field(default=0, metadata=derived())  # where it starts, for the checks' findings
    kind: ClassVar[str] = "code"

    def texts(self) -> Iterator[Text]:
        return iter(())

    def map_texts(self, change: Callable[[Text], Text]) -> Code:
        return self


@dataclass(frozen=True)
class Divider:
    """A horizontal rule between blocks; written as the bare item `- divider`."""

    kind: ClassVar[str] = "divider"

    def texts(self) -> Iterator[Text]:
        return iter(())

    def map_texts(self, change: Callable[[Text], Text]) -> Divider:
        return self


Block = Paragraph | BulletList | NumberedList | Quote | Figure | Subheading | Table | Code | Divider
MAPPING_BLOCKS: tuple[type, ...] = (Paragraph, BulletList, NumberedList, Quote, Figure, Subheading, Table, Code)
DIVIDER = "divider"
