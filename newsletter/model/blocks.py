"""What an article's text holds: translatable `Text`, and the blocks of a section, with their reading.

A section holds blocks in order (paragraphs, lists, quotes, images, sub-headings, tables, code,
dividers). In YAML each block is one list item: a mapping whose first key names the block and
whose keys are the dataclass's fields (`- quote: …` with `by: …`), or the bare word `- divider`.
Each block gives its translatable strings in reading order (`texts`) and can be rebuilt with
them translated (`map_texts`), which is all extraction, localization and the checks need.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import ClassVar

import yaml

from newsletter.errors import Location, quoted
from newsletter.model.fieldspec import derived, spec, yaml_keys
from newsletter.model.inline import URL_PATTERN, inline_problems
from newsletter.model.yamlsource import Fields, describe

MAX_IMAGE_WIDTH = 600  # the email's content width: a wider image is scaled down by every mail client
MAX_IMAGE_HEIGHT = 2000
TEXT_COLUMN_WIDTH = 552  # an image inside the text: the email's 600 px less the text's 24 px margins
MAX_PICTURE_SIZE = 10_000  # pixels, either way: a bound on what a page's image may claim
INLINE_RULE = "Only **bold**, *italic* and [text](https://...) links; no HTML."
INLINE_HINT = "only **bold**, *italic* and [text](https://...) links are allowed"


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
MAX_TABLE_COLUMNS = 6  # wider tables cannot stay readable at 320 px
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
                                           f"columns."))
    kind: ClassVar[str] = "table"

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


BLOCK_KEYS = {dataclasses.fields(cls)[0].name: cls for cls in MAPPING_BLOCKS}  # a block's first field names it


# Reading: each reader records its problems in the Fields' list and returns None for a block it cannot build.

@dataclass(frozen=True)
class Place:
    """Where a block stands, for the translators' comments: 'Issue 2026-11' and "'What Are Exosomes?'"."""

    issue: str
    section: str

    def comment(self, what: str) -> str:
        return f"{self.issue}: {what} of {self.section}"


def read_text(fields: Fields, key: str, context: str | None, comment: str, required: bool = True) -> Text | None:
    value = fields.text(key, required=required)
    if value is None:
        return None
    for message in inline_problems(value):
        fields.problems.add(fields.location(key), message, INLINE_HINT)
    return Text(value, fields.line(key), context, comment)


def _item_text(fields: Fields, node: yaml.Node, path: str, context: str, comment: str,
               empty: bool = False) -> Text | None | bool:
    """A list item or table cell as a Text; None when empty (and allowed), False when invalid."""
    found = fields.item_text(node, path, empty)
    if found is None:
        return False
    value, location = found
    if not value:
        return None
    for message in inline_problems(value):
        fields.problems.add(location, message, INLINE_HINT)
    return Text(value, location.line, context, comment)


def read_blocks(fields: Fields, place: Place) -> tuple[Block, ...] | None:
    """The section's `blocks:` list; None when a block is invalid (its problems are recorded)."""
    counts: dict[str, int] = {}
    blocks = []
    for node, path in fields.sequence("blocks"):
        cls = _block_class(fields, node, path)
        if cls is None:
            blocks.append(None)
            continue
        counts[cls.kind] = counts.get(cls.kind, 0) + 1
        blocks.append(Divider() if cls is Divider else
                      _READERS[cls](Fields(node, fields.file, path, fields.problems, yaml_keys(cls)), place,
                                    counts[cls.kind]))
    return None if None in blocks else tuple(blocks)


def _block_class(fields: Fields, node: yaml.Node, path: str) -> type | None:
    mark = node.start_mark
    where = Location(fields.file, mark.line + 1, mark.column + 1, path)
    known = ", ".join([*BLOCK_KEYS, DIVIDER])
    if isinstance(node, yaml.ScalarNode) and node.value.strip() == DIVIDER:
        return Divider
    if not isinstance(node, yaml.MappingNode) or not node.value:
        fields.problems.add(where, f"expected a block such as 'paragraph: …', got {describe(node)}",
                            f"start each block with its kind: {known}")
        return None
    kinds = [str(key.value) for key, _ in node.value if str(key.value) in BLOCK_KEYS]
    if len(kinds) == 1:
        return BLOCK_KEYS[kinds[0]]
    if kinds:
        fields.problems.add(where, f"one block holds {' and '.join(map(quoted, kinds))}",
                            "give each block its own '- ' item")
        return None
    first = str(node.value[0][0].value)
    if first == DIVIDER:
        fields.problems.add(where, "a divider is the bare item '- divider'", "remove the ':' and what follows it")
        return None
    close = difflib.get_close_matches(first, [*BLOCK_KEYS, DIVIDER], n=1)
    fields.problems.add(where, f"not a kind of block: {quoted(first)}",
                        f"did you mean '{close[0]}'?" if close else f"start each block with its kind: {known}")
    return None


def _read_paragraph(fields: Fields, place: Place, number: int) -> Paragraph | None:
    text = read_text(fields, "paragraph", None, place.comment(f"paragraph {number}"))
    return Paragraph(text) if text else None


def _read_list(fields: Fields, place: Place, number: int) -> BulletList | NumberedList | None:
    key = "numbered" if "numbered" in fields.values else "bullets"
    items = _read_items(fields, key, place, f"list {number}", 1)
    if items is None:
        return None
    return NumberedList(items) if key == "numbered" else BulletList(items)


def _read_items(fields: Fields, key: str, place: Place, label: str, depth: int) -> tuple[ListItem, ...] | None:
    items = []
    for index, (node, path) in enumerate(fields.sequence(key), start=1):
        comment = place.comment(f"{label}, item {index}")
        if isinstance(node, yaml.MappingNode):
            items.append(_read_nested_item(Fields(node, fields.file, path, fields.problems, yaml_keys(ListItem)),
                                           place, f"{label}.{index}", comment, depth))
        else:
            text = _item_text(fields, node, path, "list item", comment)
            items.append(ListItem(text) if text else None)
    return None if None in items or not items else tuple(items)


def _read_nested_item(fields: Fields, place: Place, label: str, comment: str, depth: int) -> ListItem | None:
    text = read_text(fields, "text", "list item", comment)
    inner = [key for key in ("bullets", "numbered") if key in fields.values]
    if len(inner) > 1:
        fields.problems.add(fields.location("numbered"), "an item holds one list inside it, not two",
                            "keep 'bullets:' or 'numbered:', or make two items")
        return None
    if inner and depth >= MAX_LIST_DEPTH:
        fields.problems.add(fields.location(inner[0]), f"lists nest at most {MAX_LIST_DEPTH} levels deep",
                            "make the innermost items items of the list around them")
        return None
    sublist = _read_items(fields, inner[0], place, label, depth + 1) if inner else ()
    if text is None or sublist is None:
        return None
    return ListItem(text, *((sublist, ()) if inner == ["bullets"] else ((), sublist)))


def _read_quote(fields: Fields, place: Place, number: int) -> Quote | None:
    quote = read_text(fields, "quote", "block quote", place.comment(f"quote {number}"))
    by = read_text(fields, "by", "quote attribution", place.comment(f"who said quote {number}"), required=False)
    if quote is None or (by is None and "by" in fields.values):
        return None
    return Quote(quote, by)


def _read_figure(fields: Fields, place: Place, number: int) -> Figure | None:
    image = fields.mapping("image", yaml_keys(Picture))
    if image is None:
        return None
    src, link = image.url("src"), image.url("link", required=False)
    alt = read_text(image, "alt", "image alt text", place.comment(f"description of image {number} (alt text)"))
    caption = read_text(image, "caption", "image caption", place.comment(f"caption of image {number}"),
                        required=False)
    width = image.integer("width", required=True, maximum=MAX_PICTURE_SIZE)
    height = image.integer("height", required=True, maximum=MAX_PICTURE_SIZE)
    given = [key for key in ("caption", "link") if key in image.values]
    if None in (src, alt, width, height) or len([v for v in (caption, link) if v is not None]) < len(given):
        return None
    return Figure(Picture(src, alt, width, height, caption, link))


def _read_subheading(fields: Fields, place: Place, number: int) -> Subheading | None:
    text = read_text(fields, "subheading", "sub-heading", place.comment(f"sub-heading {number}"))
    level = fields.integer("level", minimum=SUBHEADING_LEVELS[0], maximum=SUBHEADING_LEVELS[-1])
    if text is None or (level is None and "level" in fields.values):
        return None
    return Subheading(text, level or SUBHEADING_LEVELS[0])


def _read_table(fields: Fields, place: Place, number: int) -> Table | None:
    table = fields.mapping("table", yaml_keys(TableRows))
    if table is None:
        return None
    label = f"table {number}"
    header = _read_row(table, table.values.get("header"), table.location("header").field or "header",
                       "table header", lambda column: place.comment(f"{label}, header of column {column}"))
    if header is None and "header" not in table.values:
        table.problems.add(table.location(), "missing required field 'header'", "add 'header:' with the column names")
    rows = [_read_row(table, node, path, "table cell",
                      lambda column, row=row: place.comment(f"{label}, row {row}, column {column}"), header)
            for row, (node, path) in enumerate(table.sequence("rows"), start=1)]
    if header is None or None in rows or not rows:
        return None
    return Table(TableRows(header, tuple(rows)))


def _read_row(table: Fields, node: yaml.Node | None, path: str, context: str, comment: Callable[[int], str],
              header: tuple | None = None) -> tuple[Text | None, ...] | None:
    if node is None:
        return None
    mark = node.start_mark
    where = Location(table.file, mark.line + 1, mark.column + 1, path)
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        table.problems.add(where, f"expected a list of cells ([a, b, c]), got {describe(node)}")
        return None
    if len(node.value) > MAX_TABLE_COLUMNS:
        table.problems.add(where, f"{len(node.value)} columns; a table has at most {MAX_TABLE_COLUMNS} to stay "
                           "readable on a phone", "split the table, or write it as a list")
        return None
    if header is not None and len(node.value) != len(header):
        table.problems.add(where, f"{len(node.value)} cells in a table of {len(header)} columns",
                           "give every row one cell per header column ('' for an empty cell)")
        return None
    cells = [_item_text(table, cell, f"{path}[{index}]", context, comment(index + 1), empty=True)
             for index, cell in enumerate(node.value)]
    return None if False in cells else tuple(cells)


def _read_code(fields: Fields, place: Place, number: int) -> Code | None:
    code = fields.verbatim("code")
    return Code(code, fields.line("code")) if code else None


_READERS: dict[type, Callable[[Fields, Place, int], Block | None]] = {
    Paragraph: _read_paragraph, BulletList: _read_list, NumberedList: _read_list, Quote: _read_quote,
    Figure: _read_figure, Subheading: _read_subheading, Table: _read_table, Code: _read_code,
}
