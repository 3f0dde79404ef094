"""The two vocabularies a post comes in, and the characters of its text.

trafilatura's XML for a saved page (`p`, `head rend="h2"`, `list rend="ul"`, `item`, `quote`,
`table`/`row`/`cell`, `code`, `graphic`, `hi rend="#b"`, `ref target`, `lb`) and the HTML markdown-it
writes for a Markdown post: `ROLES` maps both onto what the article model holds, and the tests below say
which elements hold blocks, which tables hold data and which link is a heading's own. The text's
characters: those the issue's inline syntax would read as markup escaped, the invisible ones editors
paste in, and the spaces held through trafilatura as visible stand-ins.
"""

from __future__ import annotations

import re

from lxml import etree

ROLES = {
    "p": "paragraph", "head": "heading", "h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading",
    "h5": "heading", "h6": "heading", "list": "list", "ul": "list", "ol": "list", "item": "item", "li": "item",
    "quote": "quote", "blockquote": "quote", "table": "table", "row": "row", "tr": "row", "cell": "cell",
    "td": "cell", "th": "cell", "code": "code", "pre": "code", "graphic": "image", "img": "image", "lb": "break",
    "br": "break", "hr": "divider", "figure": "figure", "figcaption": "caption", "hi": "emphasis", "b": "bold",
    "strong": "bold", "i": "italic", "em": "italic", "ref": "link", "a": "link",
}
EMPHASIS = {"#b": "**", "#i": "*", "#bi": "**", "#ib": "**"}  # trafilatura's rend values: bold, italic
_SPECIAL = re.compile(r"([\\*_\[\]`])")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
SPACES = re.compile(r"[ \t\r\n\f]+")  # not \s: a no-break space is the author's, French « » and : need it
# Invisible characters the issue refuses (newsletter.model.inline): pasted in by editors, never meant.
INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]")
# Spaces held through trafilatura as the symbols for them, ⍽ and ␠ (newsletter.authoring.pages), given back
# here: trafilatura removes invisible and private-use characters, so the stand-ins must be visible ones.
NBSP_HELD, SPACE_HELD = "\u237d", "\u2420"
HELD = str.maketrans({NBSP_HELD: "\u00a0", SPACE_HELD: " "})


def escape_text(text: str) -> str:
    """Literal text in the issue's inline syntax: markup characters backslash-escaped, so they stay characters."""
    return _TAG_START.sub(r"\\<", _SPECIAL.sub(r"\\\1", text))


def role(element: etree._Element) -> str | None:
    tag = element.tag if isinstance(element.tag, str) else ""
    return ROLES.get(tag.rsplit("}", 1)[-1].lower())


def heading_level(element: etree._Element) -> int:
    name = element.get("rend", "") if element.tag == "head" else element.tag
    return int(name[1]) if re.fullmatch(r"h[1-6]", name or "") else 2


BLOCK_ROLES = ("paragraph", "list", "quote", "table", "code", "heading")


def is_data_table(rows: list[list[etree._Element]]) -> bool:
    """A table of data, not of layout: two rows at least that each hold two cells with text or more. A page
    laid out in tables (one cell a row, or one row of columns side by side) has its text in them, not data."""
    return sum(1 for row in rows if sum(1 for cell in row if "".join(cell.itertext()).strip()) >= 2) >= 2


def holds_blocks(element: etree._Element) -> bool:
    """A container (div, section) with blocks somewhere inside: walked block by block, not read as one paragraph."""
    return any(role(inner) in BLOCK_ROLES and not is_inline_code(inner) for inner in element.iterdescendants())


def is_inline_code(element: etree._Element) -> bool:
    """Code of one line inside a sentence ("use <code>x</code> to …"), part of its paragraph."""
    return role(element) == "code" and "\n" not in "".join(element.itertext()).strip()


_PERMALINK_SIGNS = ("#", "¶", "§", "🔗")


def is_permalink(element: etree._Element) -> bool:
    """The link a heading carries to itself (docs and blog engines add "#" or "¶"): not part of its text."""
    target = element.get("target") or element.get("href") or ""
    return role(element) == "link" and target.startswith("#") and "".join(element.itertext()).strip() in _PERMALINK_SIGNS


def heading_words(element: etree._Element) -> str:
    """A heading's text as one line, without its own "#" link."""
    words = [element.text or ""]
    for child in element:
        words += ["" if is_permalink(child) else "".join(child.itertext()), child.tail or ""]
    return " ".join("".join(words).split())
