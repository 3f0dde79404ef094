"""`newsletter import POST.html|POST.md [--issue YYYY-MM]`: a blog post becomes an article of an issue.

A saved web page goes through trafilatura, a main-content extractor made for exactly this (navigation,
share buttons, comments, sidebars and footers are left out by its own rules, not by scraping written
here), which hands back the article as Markdown, plus the page's title, canonical URL and image.
A Markdown post is read as it is. Both then take one road: markdown-it-py's tokens become the issue's
article — title, URL, first image with its alt text, a section per heading, paragraphs keeping only
**bold**, *italic* and https links, every other character literal (escaped), so the post's text never
becomes markup. The article is validated like any issue's before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from newsletter.model.content import MAX_IMAGE_WIDTH, SLUG, find_issue, parse_issue
from newsletter.errors import Location, NewsletterError, Problem, UsageError
from newsletter.model.inline import url_problem
from newsletter.output import write_file_atomic
from newsletter.authoring.scaffold import PLACEHOLDER_SLUG
from newsletter.model.settings import Settings
from newsletter.model.yamlsource import compose_text

# A saved article page, scripts and styles inline, is rarely over 2 MB; a Markdown post is far smaller.
MAX_PAGE_BYTES = 5_000_000
MAX_MARKDOWN_BYTES = 1_000_000
SUFFIXES = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.S)
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_SPECIAL = re.compile(r"([\\*_\[\]`])")


@dataclass
class ImportedArticle:
    """A blog post as the issue holds it; paragraphs already in the issue's inline syntax."""

    title: str = ""
    url: str = ""
    image: tuple[str, str] | None = None  # (src, alt)
    sections: list[tuple[str | None, list[str]]] = field(default_factory=lambda: [(None, [])])
    left_out: list[str] = field(default_factory=list)  # block kinds the issue cannot hold (tables, code)

    @property
    def slug(self) -> str:
        """From the URL's last path segment (the post's own slug), else from the title."""
        for candidate in (urlsplit(self.url).path.rstrip("/").rsplit("/", 1)[-1], self.title):
            slug = re.sub(r"[^a-z0-9]+", "-", candidate.lower()).strip("-")
            if SLUG.match(slug):
                return slug
        return "imported-article"

    def as_yaml(self) -> dict:
        article = {"slug": self.slug, "title": self.title, "url": self.url}
        if self.image:
            article["image"] = {"src": self.image[0], "alt": self.image[1], "width": MAX_IMAGE_WIDTH}
        article["sections"] = [{**({"heading": heading} if heading else {}), "paragraphs": paragraphs}
                               for heading, paragraphs in self.sections if paragraphs]
        return article


def escape_text(text: str) -> str:
    """Literal text in the issue's inline syntax: markup characters backslash-escaped, so they stay characters."""
    return _TAG_START.sub(r"\\<", _SPECIAL.sub(r"\\\1", text))


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False})  # raw HTML in a post stays text, never markup


def read_post(path: Path, shown: str, url: str | None = None) -> ImportedArticle:
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise UsageError(Problem(Location(shown), f"cannot import a {path.suffix or 'suffix-less'} file",
                                 "give a saved web page (.html) or a Markdown post (.md)"))
    limit = MAX_PAGE_BYTES if kind == "html" else MAX_MARKDOWN_BYTES
    text = _read_bounded(path, shown, limit)
    article = _from_page(text, shown) if kind == "html" else _from_markdown(text, shown)
    article.url = url or article.url
    _require(article, shown)
    return article


def _read_bounded(path: Path, shown: str, limit: int) -> str:
    try:
        if path.stat().st_size > limit:
            raise NewsletterError(Problem(Location(shown), f"larger than {limit // 1_000_000} MB, too large for a blog post",
                                          "save the article's own page, or the post alone"))
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise NewsletterError(Problem(Location(shown), f"not UTF-8 text ({error.reason})",
                                      "save the page or post as UTF-8")) from None
    except OSError as error:
        raise NewsletterError(Problem(Location(shown), f"cannot be read: {(error.strerror or str(error)).lower()}",
                                      "give a saved web page (.html) or a Markdown post (.md)")) from None


def _from_page(page: str, shown: str) -> ImportedArticle:
    import trafilatura  # imported here: it loads lxml and its models, which only this command needs

    markdown = trafilatura.extract(page, output_format="markdown", include_formatting=True, include_links=True,
                                   include_images=True, include_comments=False, include_tables=False,
                                   favor_precision=True)
    if not markdown:
        raise NewsletterError(Problem(Location(shown), "no article found in the page",
                                      "save the article's own page, not the blog's list of posts"))
    metadata = trafilatura.extract_metadata(page)
    article = _from_markdown(markdown, shown)
    if metadata is not None:
        article.title = article.title or (metadata.title or "").strip()
        article.url = article.url or (metadata.url or "").strip()
    return article


def _from_markdown(text: str, shown: str) -> ImportedArticle:
    article = ImportedArticle()
    match = _FRONT_MATTER.match(text)
    if match:
        _front_matter(match.group(1), article, shown)
        text = text[match.end():]
    tokens = _parser().parse(text)
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            _heading(tokens[index + 1], token.tag, article)
        elif token.type == "inline" and tokens[index - 1].type == "paragraph_open":
            _paragraph(tokens[index], article)
        elif token.type in ("fence", "code_block", "table_open", "html_block"):
            article.left_out.append(token.type.removesuffix("_open").replace("_", " "))
    return article


def _front_matter(source: str, article: ImportedArticle, shown: str) -> None:
    """Jekyll/Hugo-style front matter: title, and url or canonical_url."""
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else None  # +1 for 1-based, +1 for the opening '---'
        raise NewsletterError(Problem(Location(shown, line), "the front matter is not valid YAML",
                                      "fix the lines between the two '---'")) from None
    if isinstance(data, dict):
        article.title = str(data.get("title") or "").strip()
        article.url = str(data.get("canonical_url") or data.get("url") or "").strip()


def _plain(inline: Token) -> str:
    return " ".join(child.content for child in inline.children or () if child.type in ("text", "code_inline")).strip()


def _heading(inline: Token, tag: str, article: ImportedArticle) -> None:
    text = _plain(inline)
    if tag == "h1" and not article.title and not any(p for _, p in article.sections):
        article.title = text
    elif text:
        article.sections.append((escape_text(text), []))


def _paragraph(inline: Token, article: ImportedArticle) -> None:
    text = _inline_syntax(inline.children or [], article).strip()
    text = re.sub(r"\s+", " ", text)
    if text:
        article.sections[-1][1].append(text)


def _inline_syntax(children: list[Token], article: ImportedArticle) -> str:
    """The issue's inline syntax for a paragraph: bold, italic and https links kept; images taken out."""
    pieces, links = [], []
    for child in children:
        if child.type in ("text", "code_inline"):
            pieces.append(escape_text(child.content))
        elif child.type in ("softbreak", "hardbreak"):
            pieces.append(" ")
        elif child.type in ("strong_open", "strong_close"):
            pieces.append("**")
        elif child.type in ("em_open", "em_close"):
            pieces.append("*")
        elif child.type == "link_open":
            href = str(child.attrs.get("href", ""))
            links.append(href if url_problem(href) is None else None)
            pieces.append("[" if links[-1] else "")
        elif child.type == "link_close":
            href = links.pop() if links else None
            pieces.append(f"]({href})" if href else "")
        elif child.type == "image" and article.image is None:
            article.image = (str(child.attrs.get("src", "")), _plain(child) or child.content)
    return "".join(pieces)


def _require(article: ImportedArticle, shown: str) -> None:
    if not article.title:
        raise NewsletterError(Problem(Location(shown), "no title found",
                                      "a Markdown post needs a '# Title' line or 'title:' in its front matter"))
    if not article.url:
        raise NewsletterError(Problem(Location(shown), "no address of the post found",
                                      "add 'url: https://...' to the front matter, or give --url"))
    if not any(paragraphs for _, paragraphs in article.sections):
        raise NewsletterError(Problem(Location(shown), "no paragraphs found", "import the article's own page or post"))


class _IssueDumper(yaml.SafeDumper):
    """YAML as the issue files are written: lists indented under their key, long text folded."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _text_style(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=">" if len(value) > 70 else None)


_IssueDumper.add_representer(str, _text_style)


def article_yaml(article: ImportedArticle, dash_column: int = 2) -> str:
    """The article as one item of the issue's `articles:` list, its dash at `dash_column`."""
    text = yaml.dump([article.as_yaml()], Dumper=_IssueDumper, allow_unicode=True, sort_keys=False, width=80)
    return "".join(" " * dash_column + line if line.strip() else line for line in text.splitlines(keepends=True))


def validate(article: ImportedArticle, shown: str) -> None:
    """The article checked by the issue's own reader; a problem is named in the post, at its field."""
    wrapper = ("id: 2000-01\ndate: 2000-01-01\nsubject: s\npreheader: p\nintro: i\narticles:\n"
               + article_yaml(article))
    try:
        parse_issue(compose_text(wrapper, shown), shown, "2000-01")
    except NewsletterError as error:
        raise NewsletterError([Problem(Location(shown, field=(p.location.field or "").removeprefix("articles[0].")),
                                       p.message, p.hint) for p in error.problems]) from None


def add_to_issue(article: ImportedArticle, settings: Settings, issue_id: str) -> str:
    """Append the article to the issue's `articles:` list (or put it in place of the example article of
    `newsletter new`), comments and layout of the file kept; the whole issue is validated before the file
    is replaced (atomically). Returns the file as users see it."""
    path = find_issue(settings, issue_id)
    shown = settings.relative(path)
    text = path.read_text(encoding="utf-8")
    articles = _articles_node(compose_text(text, shown), shown)
    start, end = _place(text, articles)
    before = text[:start] if text[:start].endswith("\n") or not text[:start] else text[:start] + "\n"
    updated = before + article_yaml(article, articles.value[0].start_mark.column - 2) + text[end:]
    parse_issue(compose_text(updated, shown), shown, issue_id)
    write_file_atomic(path, updated.encode())
    return shown


def _place(text: str, articles: yaml.SequenceNode) -> tuple[int, int]:
    """Where the article goes: the span of the example article when there is one, else the list's end."""
    items = articles.value
    for index, item in enumerate(items):
        slug = next((v.value for k, v in getattr(item, "value", ()) if getattr(k, "value", None) == "slug"), None)
        if slug == PLACEHOLDER_SLUG:
            start = text.rfind("\n", 0, item.start_mark.index) + 1
            end = (text.rfind("\n", 0, items[index + 1].start_mark.index) + 1 if index + 1 < len(items)
                   else articles.end_mark.index)
            return start, end
    return articles.end_mark.index, articles.end_mark.index


def _articles_node(root: yaml.Node, shown: str) -> yaml.SequenceNode:
    found = None
    if isinstance(root, yaml.MappingNode):
        found = next((value for key, value in root.value if key.value == "articles"), None)
    if not isinstance(found, yaml.SequenceNode) or found.flow_style or not found.value:
        raise NewsletterError(Problem(Location(shown, field="articles"), "no list of articles ('- slug: ...') to add to",
                                      "start the issue with: newsletter new, then import again"))
    return found


def run_import(settings: Settings, source: Path, shown: str, issue_id: str | None, url: str | None) -> tuple[str, str]:
    """Import the post; with an issue, add it there. Returns (what to print on stdout, what to say on stderr)."""
    if url is not None and url_problem(url):
        raise UsageError(Problem(Location("--url"), url_problem(url), "give the post's address, https://..."))
    article = read_post(source, shown, url)
    validate(article, shown)
    notes = [f"{shown}: left out {kind} (an issue holds headings and paragraphs only)" for kind in article.left_out]
    if issue_id is None:
        return article_yaml(article), "\n".join(notes)
    written = add_to_issue(article, settings, issue_id)
    paragraphs = sum(len(p) for _, p in article.sections)
    notes.append(f"added article '{article.slug}' to {written}: {paragraphs} paragraphs in "
                 f"{sum(1 for _, p in article.sections if p)} sections\n"
                 f"next: newsletter preview {issue_id}, then newsletter i18n update for the translators")
    return "", "\n".join(notes)
