"""The plain-text part: the text template rendered, and the wrapping it uses (Chinese lines, lists,
quotes and tables at 72 columns)."""

from __future__ import annotations

import re
import textwrap
import unicodedata

from newsletter import bidi
from newsletter.i18n.translator import Translator
from newsletter.model import inline
from newsletter.model.content import Issue
from newsletter.model.settings import Settings
from newsletter.render.templating import common_context, project_environment, render_template

TEXT_WIDTH = 72


def display_width(text: str) -> int:
    """Columns a monospace reader gives the text: Chinese characters take two."""
    if text.isascii():
        return len(text)
    return len(text) + sum(text.count(char) for char in set(text) if unicodedata.east_asian_width(char) in "WF")


def has_wide(text: str) -> bool:
    """Whether any character takes two columns (each distinct character asked once: a paragraph has few)."""
    return not text.isascii() and any(unicodedata.east_asian_width(char) in "WF" for char in set(text))


def fill(text: str, width: int = TEXT_WIDTH) -> str:
    """The same as textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False), faster.

    Wrapping was 40% of a render. Text whose only whitespace is single spaces between words
    (nearly every paragraph) is cut at the last space that fits, a line at a time, exactly as
    textwrap's greedy fill cuts it; any other text goes to textwrap itself.
    """
    if has_wide(text):
        return _fill_wide(text, width)
    if text.split() != text.split(" "):
        return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)
    lines, start = [], 0
    while len(text) - start > width:
        end = text.rfind(" ", start, start + width + 1)
        if end == -1:  # a word longer than a line stands alone, unbroken
            end = text.find(" ", start + width)
            if end == -1:
                break
        lines.append(text[start:end])
        start = end + 1
    lines.append(text[start:])
    return "\n".join(lines)


# Chinese and Japanese line-breaking rules (kinsoku): closing marks never begin a line, they stay
# on the line before; opening marks never end one, they move to the next.
_NO_LINE_START = frozenset("，。、；：！？）」』】》〉〕］｝〗〙”’…·%,.;:!?)]")
_NO_LINE_END = frozenset("（「『【《〈〔［｛〖〘“‘([")


_ASCII_SPACES = re.compile(r"[ \t\n\r\f\v]+")
_NO_BREAK_SPACES = frozenset("\u00a0\u202f\u2007")


def _units(text: str):
    """What a line may break between: each wide (Chinese) character alone, a space, a run of other text."""
    run = ""
    for char in text:
        if char == " " or unicodedata.east_asian_width(char) in "WF":
            if run:
                yield run
                run = ""
            yield char
        else:
            run += char
    if run:
        yield run


def _fill_wide(text: str, width: int) -> str:
    """Wrap text with Chinese characters: lines break between characters, never inside a Latin word
    or a URL, and fill `width` columns on screen (a Chinese character takes two)."""
    lines, line, used = [], "", 0
    for unit in _units(_ASCII_SPACES.sub(" ", text).strip(" ")):  # no-break spaces stay unbroken
        size = display_width(unit)
        glued = unit[0] in _NO_BREAK_SPACES or line[-1:] in _NO_BREAK_SPACES
        if used + size > width and line.strip() and unit != " " and unit[0] not in _NO_LINE_START and not glued:
            carried = line[-1] if line[-1] in _NO_LINE_END and line[:-1].strip() else ""
            lines.append(line[:len(line) - len(carried)].rstrip(" "))
            line, used = carried, display_width(carried)
        if line or unit != " ":
            line, used = line + unit, used + size
    lines.append(line.rstrip(" "))
    return "\n".join(lines)


def prefixed(value: str, first: str, rest: str) -> str:
    """The text wrapped after a prefix: `first` on its first line ("- ", "1. ", "> "), `rest` on the others."""
    lines = fill(str(value), TEXT_WIDTH - display_width(first)).split("\n")
    return "\n".join([first + lines[0], *(rest + line for line in lines[1:])])


TABLE_GAP = "  "


def table_text(rows: list[list[str]]) -> str:
    """A table as aligned columns, its header underlined; a table too wide for the text's width is written
    row by row instead, each cell after its column's header."""
    header, body = rows[0], rows[1:]
    widths = [max(display_width(row[column]) for row in rows) for column in range(len(header))]
    if sum(widths) + len(TABLE_GAP) * (len(widths) - 1) > TEXT_WIDTH:
        return "\n\n".join("\n".join(prefixed(cell, f"{name}: " if name else "", "  ") for name, cell in zip(header, row)
                                      if cell) for row in body)

    def line(cells: list[str]) -> str:
        return TABLE_GAP.join(cell + " " * (width - display_width(cell)) for cell, width in zip(cells, widths))

    return "\n".join([line(header), line(["-" * width for width in widths]), *(line(row) for row in body)])


def render_text(issue: Issue, settings: Settings, locale: str, translator: Translator) -> str:
    context = common_context(issue, settings, locale)
    track, notes = context["track"], []

    def note(url: str) -> int:
        tracked = track(url)
        if tracked not in notes:
            notes.append(tracked)
        return notes.index(tracked) + 1

    context.update(
        notes=notes,
        text=lambda value: inline.to_text(value, note),
        link=lambda url, label: f"{label} [{note(url)}]",
        wrap=lambda value: fill(str(value)),
        heading=lambda value, rule: f"{value}\n{rule * min(display_width(value), TEXT_WIDTH)}",
        prefixed=prefixed,
        indented=lambda value, indent: "\n".join(indent + line if line.strip() else "" for line in value.split("\n")),
        table_text=lambda rows: table_text([[inline.to_text(c.value, note) if c else "" for c in row] for row in rows]),
    )
    text = render_template(project_environment(settings), "email.txt.j2", translator, context)
    lines = "\n".join(line if line == bidi.SIGNATURE_MARK else line.rstrip() for line in text.strip().splitlines())
    text = re.sub(r"\n{3,}", "\n\n", lines) + "\n"
    return bidi.mark_lines(text) if context["email"]["dir"] == "rtl" else text

