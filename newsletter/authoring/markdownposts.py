"""A Markdown post (Jekyll, Hugo, Zola, …) → an imported article.

Its front matter, YAML between `---` lines or TOML between `+++` lines, gives the title and address.
The post is then rendered by markdown-it (CommonMark with tables; raw HTML stays text) and taken the
road of a saved page (newsletter.authoring.elements). Hugo's heading ids (`## Title {#id}`) are taken
off, and footnotes (`[^1]`, `[^1]: …`) become numbered notes at the end.
"""

from __future__ import annotations

import re
import tomllib

import lxml.html
import yaml
from markdown_it import MarkdownIt

from newsletter.authoring.addresses import Addresses
from newsletter.authoring.elements import Walk
from newsletter.authoring.imported import ImportedArticle
from newsletter.authoring.vocabulary import escape_text
from newsletter.errors import Location, NewsletterError, Problem
from newsletter.model.blocks import Divider, ListItem, NumberedList, Text

_FRONT_MATTER = re.compile(r"\A(?P<fence>---|\+\+\+)[ \t]*\r?\n(?P<body>.*?)\r?\n(?P=fence)[ \t]*(?:\r?\n|\Z)", re.S)
_HUGO_ID = re.compile(r"^(#{1,6}[ \t].*?)[ \t]*\{#[^}\s]*\}[ \t]*$", re.M)
_FOOTNOTE = re.compile(r"^\[\^(?P<id>[^\]\s]+)\]:[ \t]*(?P<text>.*(?:\n(?:[ \t]{2,}.*|[ \t]*$))*)", re.M)
_FOOTNOTE_MARK = re.compile(r"\[\^([^\]\s]+)\]")
_IMAGE_KEYS = ("image", "cover", "featured_image", "featured", "thumbnail")
_URL_KEYS = ("canonical_url", "canonicalURL", "canonicalUrl", "canonical", "url", "permalink")


def _parser() -> MarkdownIt:
    # Indented code blocks are off: a post's indented prose is prose (fenced code stays code).
    return MarkdownIt("commonmark", {"html": False}).enable("table").disable("code")


def read_markdown(text: str, shown: str, url: str | None) -> ImportedArticle:
    article, front = ImportedArticle(), {}
    match = _FRONT_MATTER.match(text)
    if match:
        front = _front_matter(match.group("body"), match.group("fence"), shown)
        article.title = escape_text(" ".join(str(front.get("title") or "").split()))
        article.url = next((str(front[key]).strip() for key in _URL_KEYS if front.get(key)), "")
        text = text[match.end():]
    text, notes = _footnotes(_HUGO_ID.sub(r"\1", text))
    article.url = url or article.url
    addresses = Addresses(article.url if article.url.startswith(("http://", "https://")) else "")
    article.url = addresses.web(article.url) or article.url if article.url else ""
    body = lxml.html.fragment_fromstring(_parser().render(text) or "<p></p>", create_parent="div")
    walk = Walk(article, addresses)
    first = body[0] if len(body) else None
    if first is not None and first.tag == "h1" and not article.title:
        article.title = walk.plain(first)
    cover = next((str(front[key]) for key in _IMAGE_KEYS if isinstance(front.get(key), str)), "")
    first = cover or next((img.get("src", "") for img in body.iter("img")), "")
    if first and addresses.web(first):
        alt = "" if cover else next((img.get("alt", "") for img in body.iter("img") if img.get("src") == first), "")
        walk.hero(addresses.web(first), alt, None, None)
    walk.children(body)
    if notes:
        _add_notes(walk, notes)
    article.upgraded = list(dict.fromkeys(addresses.upgraded))
    return article


def _front_matter(source: str, fence: str, shown: str) -> dict:
    try:
        data = tomllib.loads(source) if fence == "+++" else yaml.safe_load(source)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))  # "(at line 2, column 9)" or "(at end of document)"
        line = int(found.group(1)) + 1 if found else source.count("\n") + 2  # +1 for the opening '+++'
        raise NewsletterError(Problem(Location(shown, line),
                                      "the front matter is not valid TOML", "fix the lines between the two '+++'")) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else None  # +1 for 1-based, +1 for the opening '---'
        raise NewsletterError(Problem(Location(shown, line), "the front matter is not valid YAML",
                                      "fix the lines between the two '---'")) from None
    return data if isinstance(data, dict) else {}


def _footnotes(text: str) -> tuple[str, list[str]]:
    """The post with each footnote mark numbered in reading order ([1], [2]), and the notes' texts in that order."""
    definitions = {m.group("id"): " ".join(m.group("text").split()) for m in _FOOTNOTE.finditer(text)}
    text = _FOOTNOTE.sub("", text)
    order: list[str] = []

    def number(mark: re.Match) -> str:
        if mark.group(1) not in definitions:
            return mark.group(0)
        if mark.group(1) not in order:
            order.append(mark.group(1))
        return f"[{order.index(mark.group(1)) + 1}]"
    return _FOOTNOTE_MARK.sub(number, text), [definitions[name] for name in order]


def _add_notes(walk: Walk, notes: list[str]) -> None:
    """The footnotes as a numbered list after a divider, their marks [1], [2] in the text pointing to them."""
    items = []
    for note in notes:
        rendered = lxml.html.fragment_fromstring(_parser().renderInline(note) or " ", create_parent="p")
        items.append(ListItem(Text(walk.inline(rendered)[0] or escape_text(note), 0)))
    walk.blocks.append(Divider())
    walk.blocks.append(NumberedList(tuple(items)))
