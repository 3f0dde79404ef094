"""YAML loading that keeps line numbers, and typed field readers that collect problems.

PyYAML's composer gives nodes with marks; reading fields from nodes (instead of from the
plain dict) lets every problem name its file, line, column and field path.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path

import yaml

from newsletter.errors import Location, NewsletterError, Problem, ProblemList, quoted
from newsletter.model.inline import INVISIBLE_HINT, character_name, invisible_character, url_problem

# libyaml's loader is about ten times faster and keeps the same line/column marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# An issue is a few KB and a few hundred values. These bounds keep a wrong or hostile file (a log pasted in,
# an "alias bomb" whose aliases multiply one another) from filling the memory or the time of every command.
MAX_CHARACTERS = 1_000_000
MAX_VALUES = 100_000  # values once every alias (*name) is expanded where it stands


def compose(path: Path, display: str) -> yaml.Node:
    """Parse a YAML file into nodes; a syntax error becomes one located problem."""
    try:
        with path.open(encoding="utf-8") as handle:
            text = handle.read(MAX_CHARACTERS + 1)  # never more than the bound, whatever the file's size
    except UnicodeDecodeError as error:
        raise NewsletterError(Problem(Location(display), f"not UTF-8 text ({error.reason})",
                                      "save the file as UTF-8")) from None
    return compose_text(text, display)


def _syntax_hint(text: str, line: int | None) -> str:
    """What usually breaks YAML on that line (YAML 1.1 §5.5: tabs never indent; a ': ' inside plain text starts a key)."""
    lines = text.splitlines()
    shown = lines[line] if line is not None and line < len(lines) else ""
    if "\t" in shown:
        return "YAML indents with spaces, never tabs: replace the tab on this line with spaces"
    value = shown.partition(": ")[2].strip()
    if ": " in value:
        return "put the text in double quotes: text with ': ' in it reads as a new key"
    return "check the indentation: a key lines up under the keys of its block, a '- ' item under its list's key"


def compose_text(text: str, display: str) -> yaml.Node:
    if len(text) > MAX_CHARACTERS:
        raise NewsletterError(Problem(Location(display), f"the file is longer than {MAX_CHARACTERS:,} characters",
                                      "is it the right file? an issue is a few thousand characters"))
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.reader.ReaderError as error:  # a raw control character: YAML refuses it before parsing
        raise NewsletterError(_unreadable_character(text, chr(error.character), display)) from None
    except yaml.MarkedYAMLError as error:
        mark = error.context_mark if _unclosed_quote(error) else error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        message = "invalid YAML: " + ("this quoted text has no closing quote" if _unclosed_quote(error) else
                                      f"{error.problem or error.context}")
        hint = _syntax_hint(text, mark.line if mark else None)
        raise NewsletterError(Problem(Location(display, line, column), message, hint)) from None
    except RecursionError:  # PyYAML's own composer, where libyaml is missing, recurses per level of nesting
        raise NewsletterError(Problem(Location(display), "invalid YAML: exceeded maximum nesting depth",
                                      "an issue nests a few levels deep; check the brackets")) from None
    if node is None:
        raise NewsletterError(Problem(Location(display, 1, 1), "the file is empty", _empty_file_hint(display)))
    _check_aliases(node, text, display)
    return node


def _check_aliases(root: yaml.Node, text: str, display: str) -> None:
    """Refuse a value that contains itself through an alias, and aliases that expand past MAX_VALUES.

    PyYAML's nodes share an anchored value wherever it is aliased, so a self-reference is a cycle in the
    node graph, and every later walk over the nodes would follow it forever.
    """
    sizes = _expanded_sizes(root, text, display)
    if sizes[id(root)] <= MAX_VALUES:
        return
    node = root  # the innermost value that is too big: where the aliases multiply
    while bigger := [child for child in _child_nodes(node) if sizes[id(child)] > MAX_VALUES]:
        node = bigger[0]
    raise NewsletterError(Problem(_mark_location(node, display, text),
                                  f"aliases (*name) expand this value to more than {MAX_VALUES:,} values",
                                  "write the values out; an alias repeats a value, it does not shorten a list"))


def _expanded_sizes(root: yaml.Node, text: str, display: str) -> dict[int, int]:
    """The number of values under each node once aliases are expanded, by id(node). Iterative, each node
    visited once, so neither deep nesting nor a cycle can stop it from ending."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # the nodes whose children are being counted: the path from the root
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, counted = stack.pop()
        if counted:
            open_nodes.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in _child_nodes(node))
        elif id(node) in open_nodes:
            raise NewsletterError(_self_reference(node, text, display))
        elif id(node) not in sizes:
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in _child_nodes(node))
    return sizes


def _child_nodes(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


_ANCHOR = re.compile(r"&([^\s\[\]{},]+)")


def _self_reference(node: yaml.Node, text: str, display: str) -> Problem:
    anchor = _ANCHOR.match(text, node.start_mark.index)  # an anchored value starts at its anchor (&name)
    name = f"*{anchor.group(1)}" if anchor else "*name"
    return Problem(_mark_location(node, display, text), f"this value contains itself through the alias {quoted(name)}",
                   "a value cannot include itself: write its items out")


def _mark_location(node: yaml.Node, display: str, text: str) -> Location:
    mark = node.start_mark
    return Location(display, mark.line + 1, mark.column + 1, _field_at(text, (mark.line, mark.column)))


def _unreadable_character(text: str, char: str, display: str) -> Problem:
    before = text[:text.find(char)]
    line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
    field = _field_at(yaml.reader.Reader.NON_PRINTABLE.sub("_", text), (line - 1, column - 1))
    return Problem(Location(display, line, column, field), f"invisible character {character_name(char)}", INVISIBLE_HINT)


def _field_at(text: str, position: tuple[int, int]) -> str | None:
    """The field path (articles[0].title) of the value at a 0-based (line, column), or None when the text
    still does not parse (another unreadable character) or the position is in no value."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError:
        return None
    path, seen = "", {id(node)}
    while inside := [child for child in _children(node, path) if _spans(child[1], position) and id(child[1]) not in seen]:
        path, node = inside[0]  # an alias of a value around it would lead back up: each node is entered once
        seen.add(id(node))
    return path or None


def _children(node: yaml.Node, path: str) -> list[tuple[str, yaml.Node]]:
    """The values under a mapping or list, each with its field path, as `Fields` names them."""
    if isinstance(node, yaml.MappingNode):
        return [(f"{path}.{key.value}" if path else str(key.value), value) for key, value in node.value]
    if isinstance(node, yaml.SequenceNode):
        return [(f"{path}[{index}]", item) for index, item in enumerate(node.value)]
    return []


def _spans(node: yaml.Node, position: tuple[int, int]) -> bool:
    start, end = node.start_mark, node.end_mark
    return (start.line, start.column) <= position < (end.line, end.column)


def _empty_file_hint(display: str) -> str:
    if Path(display).name == "newsletter.yaml":  # the settings (newsletter/model/settings.py), not an issue
        return ("fill in brand, sender, postal_address, source_locale, target_locales and links, "
                "or restore the file from version control")
    return "start from an existing issue file"


_ASCII_SPACES = re.compile(r"[ \t\r\n]+")


def _collapse_spaces(value: str) -> str:
    """Runs of spaces and line breaks become one space; no-break spaces (24\u00a0December) are the author's."""
    return _ASCII_SPACES.sub(" ", value).strip(" ")


def describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping" if node.value else "an empty mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list" if node.value else "an empty list"
    return quoted(node.value) if node.value != "" else "nothing"


class Fields:
    """One YAML mapping under validation. Getters record problems and return None."""

    def __init__(self, node: yaml.Node, file: str, path: str, problems: ProblemList,
                 known: tuple[str, ...]):
        self.node, self.file, self.path, self.problems = node, file, path, problems
        self.values: dict[str, yaml.Node] = {}
        if not isinstance(node, yaml.MappingNode):
            self._problem(node, self.path or "(top level)", f"expected a mapping of fields, got {describe(node)}")
            return
        for key_node, value_node in node.value:
            self._read_key(key_node, value_node, known)

    def _read_key(self, key_node: yaml.Node, value_node: yaml.Node, known: tuple[str, ...]) -> None:
        key = str(key_node.value)
        if key in self.values:
            self._problem(key_node, self._field(key), "this field is given twice", "keep only one")
        elif key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known fields: {', '.join(known)}"
            self._problem(key_node, self._field(key), "unknown field", hint)
        else:
            self.values[key] = value_node

    def _field(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else key

    def _problem(self, node: yaml.Node, field: str, message: str, hint: str = "") -> None:
        mark = node.start_mark
        self.problems.add(Location(self.file, mark.line + 1, mark.column + 1, field), message, hint)

    def location(self, key: str | None = None) -> Location:
        node = self.values.get(key, self.node) if key else self.node
        mark = node.start_mark
        return Location(self.file, mark.line + 1, mark.column + 1, self._field(key) if key else self.path)

    def _scalar(self, key: str, required: bool, expected: str) -> yaml.ScalarNode | None:
        node = self.values.get(key)
        if node is None:
            if required and isinstance(self.node, yaml.MappingNode):
                self._problem(self.node, self._field(key), f"missing required field '{key}'",
                              f"add '{key}:' with {expected}")
            return None
        if not isinstance(node, yaml.ScalarNode) or node.value == "":
            empty = isinstance(node, yaml.ScalarNode)  # the key is there, its value left blank
            self._problem(node, self._field(key), f"expected {expected}, got {describe(node)}",
                          f"write {expected} after '{key}:'" if empty else "")
            return None
        return None if self._invisible(node, self._field(key)) else node

    def _invisible(self, node: yaml.ScalarNode, field: str) -> bool:
        """True, after recording the problem, when the value holds a forbidden invisible character (written
        as an escape like "\\u202e" in quotes: YAML itself refuses them raw, except the bidi ones)."""
        found = invisible_character(node.value)
        if found:
            self._problem(node, field, f"invisible character {found}", INVISIBLE_HINT)
        return found is not None

    def text(self, key: str, required: bool = True) -> str | None:
        node = self._scalar(key, required, "text")
        return _collapse_spaces(node.value) if node else None

    def line(self, key: str) -> int:
        node = self.values.get(key, self.node)
        return node.start_mark.line + 1

    def integer(self, key: str, required: bool = False, minimum: int = 1, maximum: int = 10_000) -> int | None:
        node = self._scalar(key, required, "a whole number")
        if node is None:
            return None
        try:
            value = int(node.value)
        except ValueError:
            self._problem(node, self._field(key), f"expected a whole number, got {quoted(node.value)}")
            return None
        if not minimum <= value <= maximum:
            self._problem(node, self._field(key), f"expected a number from {minimum} to {maximum}, got {value}")
            return None
        return value

    def url(self, key: str, required: bool = True) -> str | None:
        node = self._scalar(key, required, "an https:// URL")
        if node is None:
            return None
        problem = url_problem(node.value)
        if problem:
            self._problem(node, self._field(key), problem, "write the full address, e.g. https://www.example.com/page")
            return None
        return node.value

    def date(self, key: str, required: bool = True) -> dt.date | None:
        node = self._scalar(key, required, "a date like 2026-11-25")
        if node is None:
            return None
        try:
            return dt.date.fromisoformat(node.value)
        except ValueError:
            self._problem(node, self._field(key), f"expected a date like 2026-11-25, got {quoted(node.value)}",
                          "write the date as YYYY-MM-DD")
            return None

    def mapping(self, key: str, known: tuple[str, ...], required: bool = True) -> Fields | None:
        node = self.values.get(key)
        if node is None:
            if required and isinstance(self.node, yaml.MappingNode):
                self._problem(self.node, self._field(key), f"missing required field '{key}'")
            return None
        return Fields(node, self.file, self._field(key), self.problems, known)

    def sequence(self, key: str, required: bool = True) -> list[tuple[yaml.Node, str]]:
        """The items of a list field, each with its field path."""
        node = self.values.get(key)
        if node is None:
            if required and isinstance(self.node, yaml.MappingNode):
                self._problem(self.node, self._field(key), f"missing required field '{key}'",
                              f"add '{key}:' with a list of items ('- ...')")
            return []
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self._problem(node, self._field(key), f"expected a list of items ('- ...'), got {describe(node)}")
            return []
        return [(item, f"{self._field(key)}[{index}]") for index, item in enumerate(node.value)]

    def text_list(self, key: str) -> list[tuple[str, Location]]:
        """A list of text items, each with its location."""
        found = (self.item_text(item, path) for item, path in self.sequence(key))
        return [item for item in found if item is not None]

    def item_text(self, item: yaml.Node, path: str, empty: bool = False) -> tuple[str, Location] | None:
        """A text that is an item of a list (a list item, a table cell) with its location; None after recording
        the problem. With `empty`, an empty value ('' or ~) is allowed and read as ''."""
        mark = item.start_mark
        where = Location(self.file, mark.line + 1, mark.column + 1, path)
        if empty and isinstance(item, yaml.ScalarNode) and (item.value.strip() == "" or item.tag == _NULL):
            return "", where
        if not isinstance(item, yaml.ScalarNode) or item.value.strip() == "":
            self._problem(item, path, f"expected text, got {describe(item)}")
            return None
        if self._invisible(item, path):
            return None
        return _collapse_spaces(item.value), where

    def verbatim(self, key: str) -> str | None:
        """Text kept exactly as written, line breaks and indentation included (code); the final line break,
        which YAML's `|` adds, is dropped."""
        node = self._scalar(key, True, "text")
        if node is None:
            return None
        return node.value.rstrip("\n").replace("\r\n", "\n")


_NULL = "tag:yaml.org,2002:null"  # a plain ~ or null, as the composer resolves it


def _unclosed_quote(error: yaml.MarkedYAMLError) -> bool:
    """A quote never closed: YAML complains at the end of the file; the place to fix is where it opens."""
    return (error.context or "").startswith("while scanning a quoted scalar") and \
        (error.problem or "").startswith("found unexpected end of stream")
