"""Render one localized issue: Jinja → MJML → HTML (mjml-python), and the plain-text part.

The HTML and text parts are rendered from the same localized content by two templates;
the text is never scraped back out of the HTML.
"""

from __future__ import annotations

import hashlib
import re
import textwrap
import unicodedata
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import jinja2
from babel import Locale
from babel.core import get_global, parse_locale
from babel.dates import format_date
from markupsafe import Markup

from newsletter import bidi
from newsletter.errors import Location, NewsletterError, Problem
from newsletter.i18n.catalogs import Fallback, Translator, check_all, translator_for
from newsletter.i18n.markup import as_html
from newsletter.model import inline
from newsletter.model.content import Issue
from newsletter.model.settings import Settings, babel_locale

TEXT_WIDTH = 72


class MergeTags:
    """Provider-neutral placeholders; each export provider maps them to its own merge tags."""

    unsubscribe_url = "[[unsubscribe_url]]"
    web_version_url = "[[web_version_url]]"

    @staticmethod
    def first_name(fallback: str) -> str:
        # The fallback is text for the provider's engine. In HTML it arrives escaped (Markup): back to text,
        # escaped once where the greeting is filled in, as any other value.
        text = fallback.unescape() if isinstance(fallback, Markup) else fallback
        return f"[[first_name|{text}]]"


@dataclass(frozen=True)
class RenderedEmail:
    """One issue in one locale, ready to write, check, preview or export."""

    issue_id: str
    locale: str
    lang: str  # BCP 47, for the lang attribute and Content-Language
    dir: str  # "ltr" or "rtl"
    subject: str
    preheader: str
    mjml: str
    html: str
    text: str
    coverage: float  # share of this email's messages shown translated (0..1)
    fallbacks: tuple[Fallback, ...]


@dataclass(frozen=True)
class IssueBuild:
    """One issue rendered in every chosen locale: what the checks, the writer, the exports and proofs take."""

    issue: Issue
    emails: tuple[RenderedEmail, ...]


def display_width(text: str) -> int:
    """Columns a monospace reader gives the text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def add_utm(url: str, utm: dict[str, str]) -> str:
    """The URL with UTM parameters added, keeping its query string and fragment intact."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not utm:
        return url
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {key for key, _ in query}
    query += [(f"utm_{key}", value) for key, value in utm.items() if f"utm_{key}" not in present]
    return urlunsplit(parts._replace(query=urlencode(query)))


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept under .cache/templates, checked against each template's source:
    a new process skips compiling (20 ms). Safe to delete; a failed write only costs the saving."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with suppress(OSError):
            Path(self.directory).mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)


@lru_cache(maxsize=8)
def environment(templates_dir: Path, compiled_dir: Path | None = None) -> jinja2.Environment:
    """One Jinja environment per templates folder: templates compile once and are reused."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        extensions=["jinja2.ext.i18n"],
        autoescape=lambda name: bool(name) and name.endswith(".mjml.j2"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        auto_reload=True,
        bytecode_cache=_CompiledTemplates(str(compiled_dir)) if compiled_dir else None,
    )
    env.newstyle_gettext = True  # the gettext functions format their string: see _install
    return env


def project_environment(settings: Settings) -> jinja2.Environment:
    """The project's environment; its compiled templates are filed under this module's own hash,
    because the options above (autoescaping!) are compiled into them."""
    return environment(settings.templates_dir, settings.root / ".cache" / "templates" / _module_hash())


@lru_cache(maxsize=1)
def _module_hash() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def prepare(settings: Settings, locales: tuple[str, ...]) -> None:
    """Compile every template and load each locale's catalog and CLDR data now, once.

    Called before forking render workers, which then share all of it instead of each repeating
    it. A broken template or catalog is left for the render itself to report.
    """
    env = project_environment(settings)
    for name in env.list_templates(filter_func=lambda name: name.endswith(".j2")):
        with suppress(jinja2.TemplateError):
            env.get_template(name)
    for locale in locales:
        with suppress(NewsletterError):
            translator = translator_for(settings, locale)
            if translator.catalog is not None:
                check_all(translator.catalog)
        _ = babel_locale(locale).character_order  # loads the locale's CLDR data


def _install(env: jinja2.Environment, translator: Translator, template: str) -> None:
    """Jinja's newstyle gettext (`_("Hello %(name)s", name=…)` formats the string), except that a translation
    is text: in HTML it is escaped but for the markup its English has (Jinja would mark it safe whole), and
    a translation that cannot be formatted shows the English and is reported at its PO line."""
    source = f"templates/{template}"
    pieces: list[tuple[str, str]] = []  # the latest translated strings shown, with their English

    def translated(context: jinja2.runtime.Context, msgid: str, msgctxt: str | None, plural: str | None,
                   count: int | None, variables: dict) -> str:
        html = context.eval_ctx.autoescape

        def finish(english: str, text: str) -> str:
            if html:
                text = Markup(english) if text == english else as_html(english, text)  # the English is the template's
            if text == english and (msgctxt, msgid) in translator.fallbacks:
                return text % in_english(variables, pieces)  # a sentence in English has its links in English too
            return text % variables

        shown = translator.lookup(msgid, msgctxt, source, plural, count, finish)
        shown = Markup(shown) if html else shown  # escaped by finish(); translator mode's marks are no markup
        english = msgid if plural is None or count == 1 else plural
        pieces[:] = [*pieces[-MAX_PIECES + 1:], (shown, finish(english, english))]
        return shown

    @jinja2.pass_context
    def gettext(context, msgid: str, **variables) -> str:
        return translated(context, msgid, None, None, None, variables)

    @jinja2.pass_context
    def ngettext(context, singular: str, plural: str, count: int, **variables) -> str:
        return translated(context, singular, None, plural, count, {"num": count, **variables})

    @jinja2.pass_context
    def pgettext(context, msgctxt: str, msgid: str, **variables) -> str:
        return translated(context, msgid, msgctxt, None, None, {"context": msgctxt, **variables})

    @jinja2.pass_context
    def npgettext(context, msgctxt: str, singular: str, plural: str, count: int, **variables) -> str:
        return translated(context, singular, msgctxt, plural, count, {"context": msgctxt, "num": count, **variables})

    env.globals.update(gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext)


# The arguments of a template's sentence are looked up just before it: a handful at most.
MAX_PIECES = 8


def in_english(variables: dict, pieces: list[tuple[str, str]]) -> dict:
    """The sentence's variables with every translated piece they hold (a link's text) back in English: a
    sentence that falls back to English does so whole, never "Visit our foire aux questions"."""
    english = {}
    for name, value in variables.items():
        for shown, original in pieces:
            if isinstance(value, str) and shown != original and shown and shown in value:
                value = value.replace(shown, original)
        english[name] = value
    return english


def _render(env: jinja2.Environment, name: str, translator: Translator, context: dict) -> str:
    _install(env, translator, name)
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as error:
        where = Location(f"templates/{error.name or name}", error.lineno)
        raise NewsletterError(Problem(where, f"template error: {error.message}")) from None
    except jinja2.TemplateError as error:
        where = _failing_template_line(error, env) or Location(f"templates/{name}")
        raise NewsletterError(Problem(where, f"template error: {error}", "check the names used in the template")) from None
    except NewsletterError:
        raise
    except Exception as error:  # the template's own mistake, such as adding a number to a text
        where = _failing_template_line(error, env) or Location(f"templates/{name}")
        raise NewsletterError(Problem(where, f"template error: {type(error).__name__}: {error}",
                                      "check the expression on this line")) from None


def _failing_template_line(error: Exception, env: jinja2.Environment) -> Location | None:
    """The innermost template frame of the error (a partial, often): Jinja rewrites the traceback so that
    a template's frames carry its file name and the template's own line numbers."""
    folder, where = Path(env.loader.searchpath[0]).resolve(), None
    frame = error.__traceback__
    while frame is not None:
        path = Path(frame.tb_frame.f_code.co_filename).resolve()
        if path.is_relative_to(folder):
            where = Location(f"templates/{path.relative_to(folder).as_posix()}", frame.tb_lineno)
        frame = frame.tb_next
    return where


@lru_cache(maxsize=256)
def _long_date(day, locale: str) -> str:
    return format_date(day, format="long", locale=babel_locale(locale))


def _script(babel: Locale) -> str:
    """The locale's writing system (ISO 15924: Latn, Arab, Hans…), from CLDR's likely subtags when the
    locale does not name it, so the template can name fonts for it."""
    likely = get_global("likely_subtags").get(babel.language)
    return babel.script or (parse_locale(likely)[2] if likely else None) or "Latn"


def _common_context(issue: Issue, settings: Settings, locale: str) -> dict:
    babel = babel_locale(locale)
    utm = {**settings.utm, "campaign": settings.utm.get("campaign", issue.id), "content": locale}
    rtl = babel.character_order == "right-to-left"
    return {
        "issue": issue,
        "brand": settings.brand,
        "postal_address": settings.postal_address,
        "links": settings.links_for(locale),
        "merge": MergeTags,
        "track": lambda url: add_utm(url, utm),
        "email": {
            "lang": locale.replace("_", "-"),
            "dir": "rtl" if rtl else "ltr",
            "start": "right" if rtl else "left",
            "script": _script(babel),
            "date": _long_date(issue.date, locale),
            "subject": issue.subject.value,
            "preheader": issue.preheader.value,
        },
    }


def render_mjml(issue: Issue, settings: Settings, locale: str, translator: Translator) -> str:
    context = _common_context(issue, settings, locale)
    track = context["track"]
    style = f"color: {settings.brand.primary_color};"
    context["inline"] = lambda text: inline.to_html(text, track, style)
    context["link"] = lambda url, label: Markup('<a href="{}" style="{}">{}</a>').format(track(url), style, label)
    mjml_source = _render(project_environment(settings), "email.mjml.j2", translator, context)
    if context["email"]["dir"] == "rtl":
        mjml_source = bidi.isolate_in_mjml(mjml_source)
    return protect_attributes(mjml_source)


# Attributes of MJML tags and of the HTML tags inside them (an image's alt in the text), and the title, which
# MRML also copies into an aria-label attribute.
_MJML_TAG = re.compile(r"<[A-Za-z][A-Za-z0-9-]*\b[^>]*>|(?<=<mj-title>)[^<]*")
_INVISIBLE = ("Mn", "Mc", "Me", "Cc", "Cf", "Co", "Cn", "Zl", "Zp")


def _reference(char: str) -> str:
    if char == "\\" or unicodedata.category(char) in _INVISIBLE or (char.isspace() and char != " "):
        return f"&#x{ord(char):X};"
    return char


def protect_attributes(mjml_source: str) -> str:
    """Write marks, joiners and non-breaking spaces in attributes as character references.

    MRML prints such characters in attribute values as Rust escapes (`\\u{a0}`): a French subject's
    non-breaking space or an Arabic vowel mark would reach the reader as code. References survive.
    """
    return _MJML_TAG.sub(lambda tag: _MAY_NEED_REFERENCE.sub(_referenced, tag.group()), mjml_source)


# Printable ASCII other than the backslash never needs a reference: the scan skips it at C speed.
_MAY_NEED_REFERENCE = re.compile(r"[^ -\[\]-~]")


def _referenced(char: re.Match) -> str:
    return _reference(char.group())


def fill(text: str, width: int = TEXT_WIDTH) -> str:
    """The same as textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False), faster.

    Wrapping was 40% of a render. Text whose only whitespace is single spaces between words
    (nearly every paragraph) is cut at the last space that fits, a line at a time, exactly as
    textwrap's greedy fill cuts it; any other text goes to textwrap itself.
    """
    if not text.isascii() and any(unicodedata.east_asian_width(char) in "WF" for char in text):
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
    context = _common_context(issue, settings, locale)
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
    text = _render(project_environment(settings), "email.txt.j2", translator, context)
    lines = "\n".join(line if line == bidi.SIGNATURE_MARK else line.rstrip() for line in text.strip().splitlines())
    text = re.sub(r"\n{3,}", "\n\n", lines) + "\n"
    return bidi.mark_lines(text) if context["email"]["dir"] == "rtl" else text


def mjml_to_html(mjml_source: str, where: str) -> str:
    import mjml

    try:
        return mjml.mjml2html(mjml_source, disable_comments=True)
    except Exception as error:  # MRML reports any parse failure as a plain exception
        raise NewsletterError(Problem(Location(where), f"MJML could not be rendered: {error}",
                                      "check the MJML tags in templates/")) from None


def render_email(issue: Issue, settings: Settings, locale: str, translator: Translator) -> RenderedEmail:
    localized = translator.localize(issue)
    mjml_source = render_mjml(localized, settings, locale, translator)
    text = render_text(localized, settings, locale, translator)
    html = mjml_to_html(mjml_source, f"templates/email.mjml.j2 ({issue.id}, {locale})")
    context = _common_context(localized, settings, locale)["email"]
    return RenderedEmail(
        issue_id=issue.id, locale=locale, lang=context["lang"], dir=context["dir"],
        subject=localized.subject.value, preheader=localized.preheader.value,
        mjml=mjml_source, html=html, text=text, coverage=translator.coverage,
        fallbacks=tuple(translator.fallbacks.values()),
    )
