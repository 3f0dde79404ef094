"""The inline formatting authors and translators may use, and nothing more.

Allowed: **bold**, *italic*, [link text](https://…) and backslash escapes. It is parsed by
markdown-it with every other rule off and raw HTML disabled, so untrusted text can never
become markup; anything outside the set is reported as a problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

ALLOWED_SCHEMES = ("https://", "mailto:", "tel:")
_RAW_HTML = re.compile(r"</?[a-zA-Z!][^>]*>")
_PLACEHOLDER = re.compile(r"\[\[[a-z_]+(\|[^\]]*)?\]\]")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("zero", {"html": False}).enable(["emphasis", "link", "escape"])


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple:
    return tuple(_parser().parseInline(text)[0].children or ())


@dataclass(frozen=True)
class Link:
    text: str
    url: str


def links(text: str) -> list[Link]:
    """The links of a string, in order."""
    found, current, label = [], None, []
    for token in _tokens(text):
        if token.type == "link_open":
            current, label = token.attrs.get("href", ""), []
        elif token.type == "link_close" and current is not None:
            found.append(Link("".join(label), current))
            current = None
        elif token.type == "text" and current is not None:
            label.append(token.content)
    return found


def inline_problems(text: str) -> list[str]:
    """What in `text` falls outside the allowed formatting (empty when it is fine)."""
    problems = []
    if _RAW_HTML.search(text):
        problems.append("raw HTML is not allowed in text")
    for link in links(text):
        if not link.url.startswith(ALLOWED_SCHEMES):
            problems.append(f"link {link.url!r} must start with https://, mailto: or tel:")
    leftover = "".join(t.content for t in _tokens(text) if t.type == "text")
    if "**" in leftover or re.search(r"(^|\s)\*\S", leftover):
        problems.append("unbalanced * or ** emphasis")
    target = re.search(r"\]\(([^)\s]*)", leftover)
    if target and target.group(1) and not target.group(1).startswith(ALLOWED_SCHEMES):
        problems.append(f"link {target.group(1)!r} must start with https://, mailto: or tel:")
    elif target:
        problems.append("broken link syntax: write [link text](https://...)")
    return problems


def emphasis_counts(text: str) -> tuple[int, int]:
    """How many bold and italic spans a string has (for translation checks)."""
    types = [t.type for t in _tokens(text)]
    return types.count("strong_open"), types.count("em_open")


def to_html(text: str, link_url: Callable[[str], str] = str, link_style: str = "") -> Markup:
    """Safe HTML for a string; every link target goes through `link_url` (UTM tagging)."""
    out = []
    for token in _tokens(text):
        if token.type == "text":
            out.append(str(escape(token.content)))
        elif token.type == "softbreak":
            out.append(" ")
        elif token.type in ("strong_open", "strong_close", "em_open", "em_close"):
            tag = "strong" if token.type.startswith("strong") else "em"
            out.append(f"<{'/' if token.type.endswith('close') else ''}{tag}>")
        elif token.type == "link_open":
            href = escape(link_url(token.attrs.get("href", "")))
            style = f' style="{escape(link_style)}"' if link_style else ""
            out.append(f'<a href="{href}"{style}>')
        elif token.type == "link_close":
            out.append("</a>")
    return Markup("".join(out))


def to_text(text: str, note_link: Callable[[str], int]) -> str:
    """Plain text for a string: formatting dropped, each link followed by its note number."""
    out, pending = [], None
    for token in _tokens(text):
        if token.type == "text":
            out.append(token.content)
        elif token.type == "softbreak":
            out.append(" ")
        elif token.type == "link_open":
            pending = token.attrs.get("href", "")
        elif token.type == "link_close" and pending is not None:
            out.append(f" [{note_link(pending)}]")
            pending = None
    return "".join(out)
