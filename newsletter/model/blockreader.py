"""Reading an article's blocks from YAML: each block's kind found from its first key, each block type's
reader, and every problem located (a misspelt kind gets its likely meaning).

Each reader records its problems in the Fields' list and returns None for a block it cannot build.
The block types themselves are `model/blocks.py`'s.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable
from dataclasses import dataclass

import yaml

from newsletter.errors import Location, quoted
from newsletter.model.blocks import (
    DIVIDER,
    MAPPING_BLOCKS,
    MAX_LIST_DEPTH,
    MAX_PICTURE_SIZE,
    MAX_TABLE_COLUMNS,
    SUBHEADING_LEVELS,
    Block,
    BulletList,
    Code,
    Divider,
    Figure,
    ListItem,
    NumberedList,
    Paragraph,
    Picture,
    Quote,
    Subheading,
    Table,
    TableRows,
    Text,
)
from newsletter.model.fieldspec import yaml_keys
from newsletter.model.inline import inline_problems
from newsletter.model.yamlsource import Fields, describe

INLINE_HINT = "only **bold**, *italic* and [text](https://...) links are allowed"

BLOCK_KEYS = {dataclasses.fields(cls)[0].name: cls for cls in MAPPING_BLOCKS}  # a block's first field names it


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
    close = difflib.get_close_matches(first, [*BLOCK_KEYS, DIVIDER], n=1, cutoff=0.75)  # "video" is not "divider"
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
        table.problems.add(where, f"{len(node.value)} columns; a table has at most {MAX_TABLE_COLUMNS}",
                           "split the table, or write it as a list")
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
