"""The HTML part: the MJML template rendered, its attributes made safe for MRML, and MRML's HTML."""

from __future__ import annotations

import re
import unicodedata

from markupsafe import Markup

from newsletter import bidi
from newsletter.errors import Location, NewsletterError, Problem
from newsletter.i18n.translator import Translator
from newsletter.model import inline
from newsletter.model.content import Issue
from newsletter.model.settings import Settings
from newsletter.render.templating import common_context, project_environment, render_template


def render_mjml(issue: Issue, settings: Settings, locale: str, translator: Translator) -> str:
    context = common_context(issue, settings, locale)
    track = context["track"]
    style = f"color: {settings.brand.primary_color};"
    context["inline"] = lambda text: inline.to_html(text, track, style)
    context["link"] = lambda url, label: Markup('<a href="{}" style="{}">{}</a>').format(track(url), style, label)
    mjml_source = render_template(project_environment(settings), "email.mjml.j2", translator, context)
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


def mjml_to_html(mjml_source: str, where: str) -> str:
    import mjml

    try:
        return mjml.mjml2html(mjml_source, disable_comments=True)
    except Exception as error:  # MRML reports any parse failure as a plain exception
        raise NewsletterError(Problem(Location(where), f"MJML could not be rendered: {error}",
                                      "check the MJML tags in templates/")) from None

