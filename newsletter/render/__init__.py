"""Render one localized issue: Jinja → MJML → HTML (mjml-python), and the plain-text part.

The HTML and text parts are rendered from the same localized content by two templates
(`render/html.py`, `render/text.py`, on the Jinja ground of `render/templating.py`);
the text is never scraped back out of the HTML.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

import jinja2

from newsletter.errors import NewsletterError
from newsletter.i18n.translator import Fallback, Translator, check_all, translator_for
from newsletter.model.content import Issue
from newsletter.model.settings import Settings, babel_locale
from newsletter.render.html import mjml_to_html, render_mjml
from newsletter.render.templating import common_context, project_environment
from newsletter.render.text import render_text


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


def render_email(issue: Issue, settings: Settings, locale: str, translator: Translator) -> RenderedEmail:
    localized = translator.localize(issue)
    mjml_source = render_mjml(localized, settings, locale, translator)
    text = render_text(localized, settings, locale, translator)
    html = mjml_to_html(mjml_source, f"templates/email.mjml.j2 ({issue.id}, {locale})")
    context = common_context(localized, settings, locale)["email"]
    return RenderedEmail(
        issue_id=issue.id, locale=locale, lang=context["lang"], dir=context["dir"],
        subject=localized.subject.value, preheader=localized.preheader.value,
        mjml=mjml_source, html=html, text=text, coverage=translator.coverage,
        fallbacks=tuple(translator.fallbacks.values()),
    )
