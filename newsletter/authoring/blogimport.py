"""`newsletter import POST.html|POST.md [--issue YYYY-MM]`: a blog post becomes an article of an issue.

A saved web page goes through trafilatura's XML (newsletter.authoring.pages), a Markdown post through
markdown-it (newsletter.authoring.markdownposts); both become the article model's blocks in one walk
(newsletter.authoring.elements). A post is never refused for what marketing can fill in: a missing
title, address, alt text or image size is written as a stand-in with a `# FILL IN: …` comment, all of
them listed at once with their lines, and reported by the build until filled in. The article is
validated like any issue's before anything is written.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from newsletter.authoring.imported import Gap, ImportedArticle, article_yaml
from newsletter.authoring.markdownposts import read_markdown
from newsletter.authoring.pages import decode_page, read_page
from newsletter.authoring.scaffold import PLACEHOLDER_SLUG
from newsletter.errors import Location, NewsletterError, Problem, UsageError
from newsletter.model.content import find_issue, parse_issue
from newsletter.model.fillin import MARK, PLACEHOLDER_URL
from newsletter.model.inline import url_problem
from newsletter.model.settings import Settings
from newsletter.model.yamlsource import compose_text
from newsletter.output import write_file_atomic

# A saved article page, scripts and styles inline, is rarely over 2 MB; a Markdown post is far smaller.
MAX_PAGE_BYTES = 5_000_000
MAX_MARKDOWN_BYTES = 1_000_000
SUFFIXES = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}


def read_post(path: Path, shown: str, url: str | None = None) -> ImportedArticle:
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise UsageError(Problem(Location(shown), f"cannot import a {path.suffix or 'suffix-less'} file",
                                 "give a saved web page (.html) or a Markdown post (.md)"))
    data = _read_bounded(path, shown, MAX_PAGE_BYTES if kind == "html" else MAX_MARKDOWN_BYTES)
    if kind == "html":
        page, note = decode_page(data, shown)
        article = read_page(page, shown, url)
        article.notes.extend([note] if note else [])
    else:
        article = read_markdown(_utf8(data, shown), shown, url)
    _stand_ins(article, shown)
    return article


def _read_bounded(path: Path, shown: str, limit: int) -> bytes:
    try:
        if path.stat().st_size > limit:
            raise NewsletterError(Problem(Location(shown), f"larger than {limit // 1_000_000} MB, too large for a blog post",
                                          "save the article's own page, or the post alone"))
        return path.read_bytes()
    except OSError as error:
        raise NewsletterError(Problem(Location(shown), f"cannot be read: {(error.strerror or str(error)).lower()}",
                                      "give a saved web page (.html) or a Markdown post (.md)")) from None


def _utf8(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise NewsletterError(Problem(Location(shown), f"not UTF-8 text ({error.reason})",
                                      "save the post as UTF-8")) from None


def _stand_ins(article: ImportedArticle, shown: str) -> None:
    """A title or an address the post does not give: a stand-in, and a gap for marketing to fill."""
    if not article.filled():
        raise NewsletterError(Problem(Location(shown), "no paragraphs found", "import the article's own page or post"))
    if not article.title:
        article.title = MARK
        article.gaps.insert(0, Gap(None, ("title",), "the article's title (the post does not give one)"))
    if url_problem(article.url or "-"):
        given = f" (the post gives {article.url!r})" if article.url else ""
        article.url = PLACEHOLDER_URL
        article.gaps.insert(1 if article.title == MARK else 0,
                            Gap(None, ("url",), f"the post's address on the website, https://…{given}; "
                                "or import again with --url"))


def validate(article: ImportedArticle, shown: str) -> None:
    """The article checked by the issue's own reader; a problem is named in the post, at its field."""
    wrapper = ("id: 2000-01\ndate: 2000-01-01\nsubject: s\npreheader: p\nintro: i\narticles:\n"
               + article_yaml(article)[0])
    try:
        parse_issue(compose_text(wrapper, shown), shown, "2000-01")
    except NewsletterError as error:
        raise NewsletterError([Problem(Location(shown, field=(p.location.field or "").removeprefix("articles[0].")),
                                       p.message, p.hint) for p in error.problems]) from None


def add_to_issue(article: ImportedArticle, settings: Settings, issue_id: str) -> tuple[str, int]:
    """Append the article to the issue's `articles:` list (or put it in place of the example article of
    `newsletter new`), comments and layout of the file kept; the whole issue is validated before the file
    is replaced (atomically). Returns the file as users see it, and the line before the article's first."""
    path = find_issue(settings, issue_id)
    shown = settings.relative(path)
    text = path.read_text(encoding="utf-8")
    articles = _articles_node(compose_text(text, shown), shown)
    start, end = _place(text, articles)
    before = text[:start] if text[:start].endswith("\n") or not text[:start] else text[:start] + "\n"
    updated = before + article_yaml(article, articles.value[0].start_mark.column - 2)[0] + text[end:]
    parse_issue(compose_text(updated, shown), shown, issue_id)
    write_file_atomic(path, updated.encode())
    return shown, before.count("\n")


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
    text, gaps = article_yaml(article)
    said = [*article.notes, *_upgraded(article, shown),
            *(f"{shown}: left out {what}" for what in article.left_out)]
    if issue_id is None:
        return text, "\n".join([*said, *_gap_lines(gaps, "the printed article", 0)])
    written, offset = add_to_issue(article, settings, issue_id)
    blocks = sum(len(section.blocks) for section in article.filled())
    said.append(f"added article '{article.slug}' to {written}: {blocks} blocks in {len(article.filled())} sections")
    said.extend(_gap_lines(gaps, written, offset))
    said.append(f"next: {'fill in the lines above, then ' if gaps else ''}newsletter preview {issue_id}, "
                "then newsletter i18n update for the translators")
    return "", "\n".join(said)


def _upgraded(article: ImportedArticle, shown: str) -> list[str]:
    if not article.upgraded:
        return []
    listed = ", ".join(article.upgraded[:3]) + (f", … and {len(article.upgraded) - 3} more" if len(article.upgraded) > 3 else "")
    return [f"{shown}: {len(article.upgraded)} http:// addresses written as https:// ({listed}): check that they open"]


def _gap_lines(gaps: list[tuple[int, str]], written: str, offset: int) -> list[str]:
    """All the fields left to fill in, in one message: a heading line, then one line each with its place."""
    if not gaps:
        return []
    lines = [f"{len(gaps)} {'field' if len(gaps) == 1 else 'fields'} to fill in (marked '# {MARK}' in {written}; "
             "the build reports them until they are):"]
    return lines + [f"  {written}:{line + offset}: {what}" for line, what in gaps]
