"""The Jinja ground both parts stand on: the templates' environment and compiled cache, their gettext
(a translation is text; a sentence that falls back does so whole), template errors at their line, and
the context every template gets (brand, links, merge tags, the locale's direction, script and date)."""

from __future__ import annotations

import hashlib
from contextlib import suppress
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import jinja2
from babel import Locale
from babel.core import get_global, parse_locale
from babel.dates import format_date
from markupsafe import Markup

from newsletter.errors import Location, NewsletterError, Problem
from newsletter.i18n.markup import as_html
from newsletter.i18n.translator import Translator
from newsletter.model.content import Issue
from newsletter.model.settings import Settings, babel_locale


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


def render_template(env: jinja2.Environment, name: str, translator: Translator, context: dict) -> str:
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


def common_context(issue: Issue, settings: Settings, locale: str) -> dict:
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

