"""`newsletter archive` (and the build, when `links.archive` is set): the newsletter as a static web site.

  index.html                 the languages, each linking to its index
  <locale>/index.html        that language's issues, newest first
  <locale>/feed.xml          an Atom feed of them (feedgen)
  <locale>/<issue>/index.html  the issue as subscribers read it: the email's own HTML, merge tags filled
                             with neutral text, the unsubscribe and "view in browser" links taken out,
                             plus hreflang alternates, a feed link and a language switcher
  sitemap.xml                every page, with its alternates in the other languages

Links between pages are relative, so the site works from any folder or server; canonical, hreflang,
feed and sitemap addresses are absolute, under `links.archive`. Every page is made in memory and the
folder is swapped in whole (newsletter.output), and the same input gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import jinja2
from babel.dates import format_date

from newsletter.build import render_issue
from newsletter.cache import RenderCache
from newsletter.delivery.webversion import page_path, page_url
from newsletter.errors import Location, NewsletterError, Problem
from newsletter.model.content import read_issues
from newsletter.model.settings import Settings, babel_locale
from newsletter.output import replace_folder
from newsletter.providers.base import MergeValues, fill
from newsletter.render import IssueBuild, RenderedEmail
from newsletter.report import BuildReport

TEMPLATES = Path(__file__).parent / "templates"  # the pages' layout, kept apart from the email's templates/
# The template's footer writes "Unsubscribe · View in browser" and its header "View this email in your browser":
# on the web page the first has no subscriber to act for and the others would link to the page itself.
_UNSUBSCRIBE = re.compile(r'<a href="\[\[unsubscribe_url\]\]"[^>]*>[^<]*</a>(?:\s*·\s*)?')
_WEB_VERSION = re.compile(r'(?:\s*·\s*)?<a href="\[\[web_version_url\]\]"[^>]*>[^<]*</a>')
_HEAD_END = re.compile(r"</head>", re.I)
_BODY_START = re.compile(r"<body\b[^>]*>", re.I)


@dataclass(frozen=True)
class Language:
    """One locale of the site, as its pages name it."""

    locale: str
    lang: str  # BCP 47
    dir: str
    name: str  # in the language itself: español, العربية, 中文 (简体)


@dataclass(frozen=True)
class Entry:
    """One issue in one locale: what the index, the feed and the sitemap say of it."""

    issue_id: str
    date: dt.date
    shown_date: str
    subject: str
    preheader: str
    path: str  # relative to the archive's root: es/2026-11/
    url: str


def archive_base(settings: Settings, required: bool = True) -> str:
    """The archive's address from `links.archive`; the preview, which needs none, uses the website's /newsletter/."""
    if settings.archive_url:
        return settings.archive_url
    if required:
        raise NewsletterError(Problem(Location("newsletter.yaml", field="links.archive"), "no address for the web archive",
                                      "add under links: archive: https://www.example.com/newsletter/"))
    return urljoin(settings.brand.website, "newsletter/")


def collect(settings: Settings, report: BuildReport, built: list[IssueBuild] = ()) -> list[IssueBuild]:
    """Every issue that loads, rendered in every subscriber locale (from the render cache when unchanged);
    an issue that fails is left out of the archive and said so, the others still make it."""
    ready = {b.issue.id: b for b in built if {e.locale for e in b.emails} >= set(settings.locales)}
    issues, broken = read_issues(settings)
    for problem in broken:
        report.warn(f"{problem} (not in the archive)")
    builds, cache = [], RenderCache(settings)
    for issue in issues:
        try:
            builds.append(ready.get(issue.id) or render_issue(issue, settings, settings.locales, BuildReport(), cache))
        except NewsletterError as error:
            for problem in error.problems:
                report.warn(f"{problem} ({issue.id} is not in the archive)")
    return sorted(builds, key=lambda b: (b.issue.date, b.issue.id), reverse=True)


def _environment() -> jinja2.Environment:
    loader = jinja2.FileSystemLoader(TEMPLATES)
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                              keep_trailing_newline=True)


def _language(email: RenderedEmail) -> Language:
    return Language(email.locale, email.lang, email.dir, babel_locale(email.locale).display_name)


def _entry(build: IssueBuild, email: RenderedEmail, base: str) -> Entry:
    shown = format_date(build.issue.date, format="long", locale=babel_locale(email.locale))
    path = page_path(build.issue.id, email.locale)
    return Entry(build.issue.id, build.issue.date, shown, email.subject, email.preheader, path, urljoin(base, path))


def site_files(settings: Settings, builds: list[IssueBuild], base: str) -> dict[str, bytes]:
    """Every file of the archive, relative to its root."""
    env = _environment()
    languages = [_language(email) for email in builds[0].emails] if builds else []
    entries = {lang.locale: [_entry(b, e, base) for b in builds for e in b.emails if e.locale == lang.locale]
               for lang in languages}
    files = {"index.html": _render(env, "languages.html.j2", settings, base, languages=languages,
                                   language=languages[0] if languages else None, depth=0)}
    for language in languages:
        files[f"{language.locale}/index.html"] = _render(env, "index.html.j2", settings, base, languages=languages,
                                                          language=language, entries=entries[language.locale], depth=1,
                                                          issue_id=None)
        files[f"{language.locale}/feed.xml"] = atom_feed(settings, language, entries[language.locale], base)
    for build in builds:
        for email in build.emails:
            files[page_path(build.issue.id, email.locale) + "index.html"] = issue_page(env, settings, build, email,
                                                                                       languages, base)
    files["sitemap.xml"] = sitemap(builds, languages, base)
    return files


def _render(env: jinja2.Environment, name: str, settings: Settings, base: str, **context) -> bytes:
    try:
        return env.get_template(name).render(brand=settings.brand, base=base, **context).encode()
    except jinja2.TemplateError as error:
        line = getattr(error, "lineno", None)
        raise NewsletterError(Problem(Location(f"newsletter/archive/templates/{name}", line),
                                      f"template error: {error}", "fix the archive template")) from None


def issue_page(env: jinja2.Environment, settings: Settings, build: IssueBuild, email: RenderedEmail,
               languages: list[Language], base: str) -> bytes:
    """The email as a web page: its own HTML, made for reading in a browser rather than by one subscriber."""
    url = page_url(base, build.issue.id, email.locale)
    html = _WEB_VERSION.sub("", _UNSUBSCRIBE.sub("", email.html))
    if "[[unsubscribe_url]]" in html or "[[web_version_url]]" in html:
        raise NewsletterError(Problem(Location("templates/partials/"), "the archive page cannot take out the "
                                      "unsubscribe or view-in-browser link", 'keep each as <a href="{{ merge.'
                                      'unsubscribe_url }}" ...>text</a>, text without markup'))
    html = fill(html, email, MergeValues(unsubscribe_url="", web_version_url=url, first_name=None), is_html=True)
    head = _render(env, "page-head.html.j2", settings, base, url=url, issue_id=build.issue.id, language=_language(email),
                   languages=languages).decode()
    switcher = _render(env, "switcher.html.j2", settings, base, issue_id=build.issue.id, language=_language(email),
                       languages=languages, depth=2).decode()
    html = _HEAD_END.sub(lambda m: head + m.group(), html, count=1)
    return _BODY_START.sub(lambda m: m.group() + switcher, html, count=1).encode()


def atom_feed(settings: Settings, language: Language, entries: list[Entry], base: str) -> bytes:
    """The locale's Atom feed, newest issue first."""
    from feedgen.feed import FeedGenerator  # imported here: only the archive needs it (and its lxml)

    index = urljoin(base, f"{language.locale}/")
    feed = FeedGenerator()
    feed.id(index)
    feed.title(settings.brand.name)
    feed.author({"name": settings.brand.name})
    feed.link(href=index, rel="alternate", type="text/html", hreflang=language.lang)
    feed.link(href=urljoin(index, "feed.xml"), rel="self", type="application/atom+xml")
    feed.language(language.lang)
    feed.generator("newsletter")
    feed.updated(_moment(entries[0].date) if entries else _moment(dt.date(2000, 1, 1)))
    for entry in entries:
        item = feed.add_entry(order="append")
        item.id(entry.url)
        item.title(entry.subject)
        item.link(href=entry.url, rel="alternate", type="text/html", hreflang=language.lang)
        item.published(_moment(entry.date))
        item.updated(_moment(entry.date))
        item.summary(entry.preheader)
    return feed.atom_str(pretty=True)


def _moment(date: dt.date) -> dt.datetime:
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)


SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


def sitemap(builds: list[IssueBuild], languages: list[Language], base: str) -> bytes:
    """sitemap.xml: each language's index and every issue page, with hreflang alternates (Google's form)."""
    ElementTree.register_namespace("", SITEMAP)
    ElementTree.register_namespace("xhtml", XHTML)
    urlset = ElementTree.Element(f"{{{SITEMAP}}}urlset")
    groups = [([f"{lang.locale}/" for lang in languages], None)]
    groups += [([page_path(b.issue.id, lang.locale) for lang in languages], b.issue.date) for b in builds]
    for paths, date in groups:
        for path in paths:
            url = ElementTree.SubElement(urlset, f"{{{SITEMAP}}}url")
            ElementTree.SubElement(url, f"{{{SITEMAP}}}loc").text = urljoin(base, path)
            if date:
                ElementTree.SubElement(url, f"{{{SITEMAP}}}lastmod").text = date.isoformat()
            for language, other in zip(languages, paths):
                ElementTree.SubElement(url, f"{{{XHTML}}}link", rel="alternate", hreflang=language.lang,
                                       href=urljoin(base, other))
    ElementTree.indent(urlset)
    return ElementTree.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"


def write_archive(settings: Settings, out: Path, report: BuildReport, built: list[IssueBuild] = ()) -> int:
    """Write the archive folder whole; returns the number of issue pages."""
    builds = collect(settings, report, built)
    files = site_files(settings, builds, archive_base(settings))
    replace_folder(out, files)
    pages = sum(len(b.emails) for b in builds)
    issues = "1 issue" if len(builds) == 1 else f"{len(builds)} issues"
    report.info(f"wrote the web archive: {issues} in {len(settings.locales)} locales ({pages} pages) "
                f"under {settings.relative(out)}/")
    return pages


def preview_files(settings: Settings) -> dict[str, bytes]:
    """The archive as the preview serves it, from memory (under the website's /newsletter/ without links.archive)."""
    return site_files(settings, collect(settings, BuildReport()), archive_base(settings, required=False))
