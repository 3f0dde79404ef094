"""An imported post as the issue holds it, and its YAML: the article model's own blocks, written in
their YAML form, each field left for marketing marked with a `# FILL IN: …` comment on its line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import yaml

from newsletter.model.blocks import (
    Block, BulletList, Code, Divider, Figure, ListItem, NumberedList, Paragraph, Quote, Subheading, Table, Text,
)
from newsletter.model.content import SLUG, Image
from newsletter.model.fillin import MARK

Path = tuple[str | int, ...]  # keys and indexes from the article's mapping down to one value


@dataclass(frozen=True)
class Gap:
    """A field the import could not fill: what it stands in (a block, the hero image or the article), the
    keys from there to the value, and what marketing is to write."""

    owner: object  # a Block, the article's Image, or None for the article itself
    keys: Path
    what: str


@dataclass
class Section:
    heading: Text | None
    blocks: list[Block] = field(default_factory=list)


@dataclass
class ImportedArticle:
    title: str = ""
    url: str = ""
    image: Image | None = None
    sections: list[Section] = field(default_factory=lambda: [Section(None)])
    gaps: list[Gap] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # what the issue cannot hold, each with its place
    notes: list[str] = field(default_factory=list)  # what was changed on the way
    upgraded: list[str] = field(default_factory=list)  # addresses written as https:// that the post gave as http://

    @property
    def slug(self) -> str:
        """From the URL's last path segment (the post's own slug), else from the title."""
        segment = re.sub(r"\.(?:html?|php|aspx?|jsp)$", "", urlsplit(self.url).path.rstrip("/").rsplit("/", 1)[-1], flags=re.I)
        for candidate in (segment, self.title):
            ascii_only = unicodedata.normalize("NFKD", candidate).encode("ascii", "ignore").decode()  # é → e
            slug = re.sub(r"[^a-z0-9]+", "-", ascii_only.lower()).strip("-")[:80].strip("-")
            if SLUG.match(slug) and MARK.lower().replace(" ", "-") not in slug and slug != "the-post-address":
                return slug
        return "imported-article"

    def filled(self) -> list[Section]:
        return [section for section in self.sections if section.blocks]

    def as_yaml(self) -> tuple[dict, list[tuple[Path, str]]]:
        """The article's YAML mapping, and where each gap's value stands in it."""
        article: dict = {"slug": self.slug, "title": self.title, "url": self.url}
        where: dict[int, Path] = {id(None): ()}
        if self.image:
            article["image"] = {"src": self.image.src, "alt": self.image.alt.value, "width": self.image.width,
                                **({"height": self.image.height} if self.image.height else {})}
            where[id(self.image)] = ("image",)
        article["sections"] = []
        for number, section in enumerate(self.filled()):
            written: dict = {"heading": section.heading.value} if section.heading else {}
            if all(isinstance(block, Paragraph) for block in section.blocks):
                written["paragraphs"] = [block.paragraph.value for block in section.blocks]
            else:
                written["blocks"] = [block_yaml(block) for block in section.blocks]
                where.update({id(block): ("sections", number, "blocks", index)
                              for index, block in enumerate(section.blocks)})
            article["sections"].append(written)
        return article, [(where[id(gap.owner)] + gap.keys, gap.what) for gap in self.gaps if id(gap.owner) in where]


def block_yaml(block: Block) -> object:
    """A block in the YAML form the issue's reader takes (newsletter.model.blocks)."""
    match block:
        case Paragraph():
            return {"paragraph": block.paragraph.value}
        case BulletList() | NumberedList():
            return {"numbered" if block.ordered else "bullets": [_item_yaml(item) for item in block.items]}
        case Quote():
            return {"quote": block.quote.value, **({"by": block.by.value} if block.by else {})}
        case Figure():
            image = block.image
            return {"image": {"src": image.src, "alt": image.alt.value, "width": image.width, "height": image.height,
                              **({"caption": image.caption.value} if image.caption else {}),
                              **({"link": image.link} if image.link else {})}}
        case Subheading():
            return {"subheading": block.subheading.value, **({"level": block.level} if block.level != 3 else {})}
        case Table():
            def row(cells):
                return Row(cell.value if cell else "" for cell in cells)
            return {"table": {"header": row(block.table.header), "rows": [row(r) for r in block.table.rows]}}
        case Code():
            return {"code": block.code}
        case Divider():
            return "divider"
    raise TypeError(block)


def _item_yaml(item: ListItem) -> object:
    if not item.sublist:
        return item.text.value
    return {"text": item.text.value, "bullets" if item.bullets else "numbered": [_item_yaml(i) for i in item.sublist]}


class Row(list):
    """A table row, written on one line: [a, b, c]."""


class _IssueDumper(yaml.SafeDumper):
    """YAML as the issue files are written: lists indented under their key, long text folded."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _text_style(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:  # code: kept line for line
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    # Folded text would turn a no-break space at a fold into a line break; such text stays quoted.
    folded = len(value) > 70 and "\u00a0" not in value and value == value.strip()
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=">" if folded else None)


_IssueDumper.add_representer(str, _text_style)
_IssueDumper.add_representer(Row, lambda dumper, row: dumper.represent_sequence("tag:yaml.org,2002:seq", row,
                                                                               flow_style=True))


def article_yaml(article: ImportedArticle, dash_column: int = 2) -> tuple[str, list[tuple[int, str]]]:
    """The article as one item of the issue's `articles:` list, its dash at `dash_column`, with a
    `# FILL IN: …` comment on each gap's line; and those lines (1-based, in the text returned) with what to do."""
    mapping, gaps = article.as_yaml()
    text = yaml.dump([mapping], Dumper=_IssueDumper, allow_unicode=True, sort_keys=False, width=80)
    lines = text.splitlines()
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    marked = []
    for keys, what in gaps:
        line = _value_line(root.value[0], keys)
        lines[line] = f"{lines[line]}  # {MARK}: {what}"
        marked.append((line + 1, what))
    indented = "".join(" " * dash_column + line + "\n" if line.strip() else "\n" for line in lines)
    return indented, sorted(marked)


def _value_line(node: yaml.Node, keys: Path) -> int:
    for key in keys:
        if isinstance(key, int):
            node = node.value[key]
        else:
            node = next(value for name, value in node.value if name.value == key)
    return node.start_mark.line
