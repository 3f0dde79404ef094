"""Translator mode: the sentinels a marking Translator leaves in the HTML become clickable spans.

Only the preview renders with marks on. Inside tags (attributes such as alt) and in the head
(<title>) a span cannot stand, so there the sentinels are simply removed.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from newsletter.i18n.translator import MARK_DIGITS, MARK_END, MARK_START, MARK_TEXT, Translator
from newsletter.model.settings import Settings

_OPENING = re.compile(f"{MARK_START}([{MARK_DIGITS}]+){MARK_TEXT}")
_ANY_MARK = re.compile(f"{MARK_START}[{MARK_DIGITS}]*{MARK_TEXT}|{MARK_END}")
_TAG = re.compile(r"<[^>]*>")
_TO_DIGITS = str.maketrans(MARK_DIGITS, "0123456789")
# MJML writes the sentinels as character references in the head and in attributes.
_MARK_REFERENCE = re.compile(r"&#x(e0[01][0-9a-f]);|&#(5734[4-9]|5735[0-9]|5736[0-9]);", re.IGNORECASE)


def strip_marks(text: str) -> str:
    return _ANY_MARK.sub("", text)


def _as_character(reference: re.Match) -> str:
    hexadecimal, decimal = reference.groups()
    return chr(int(hexadecimal, 16) if hexadecimal else int(decimal))


def marks_to_spans(html: str) -> str:
    html = _MARK_REFERENCE.sub(_as_character, html)
    head, body_tag, rest = html.partition("<body")
    body = _TAG.sub(lambda tag: _tag_without_marks(tag.group()), body_tag + rest)
    return strip_marks(head) + _spans(body)


def _spans(text: str) -> str:
    text = _OPENING.sub(lambda found: f'<span data-msg="{found.group(1).translate(_TO_DIGITS)}">', text)
    return text.replace(MARK_END, "</span>")


def _tag_without_marks(tag: str) -> str:
    """A tag whose attribute (an image's alt text) carried a string: the marks go, the tag says which string."""
    found = _OPENING.search(tag)
    tag = strip_marks(tag)
    if found is None or tag.startswith("</"):
        return tag
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    return f'{tag[:end]} data-msg-attr="{found.group(1).translate(_TO_DIGITS)}"{tag[end:]}'


def marked_text_to_spans(text: str) -> str:
    """Plain text (the text part, the subject line) as HTML, its marked strings as spans."""
    return _spans(html.escape(text, quote=False))


@dataclass(frozen=True)
class MarkedMessage:
    """What a click on a marked string shows: the catalog entry behind it and its state."""

    msgid: str
    context: str | None
    source: str  # where the English comes from: issues/2026-11.yaml:42 or templates/…
    catalog: str  # PO file and line of the entry for this locale ("" for English and pseudo-locales)
    state: str  # translated, fuzzy, untranslated, refused, source, pseudo
    detail: str
    translation: str
    screenshot: str = ""  # URL of its picture (newsletter i18n screenshots), when one was taken


def marked_messages(translator: Translator, settings: Settings) -> list[MarkedMessage]:
    return [_describe(translator, key, source, settings) for key, source in translator.marks or []]


def _describe(translator: Translator, key: tuple[str | None, str], source: str, settings: Settings) -> MarkedMessage:
    context, msgid = key
    if translator.catalog is None:
        state = "source" if translator.locale == settings.source_locale else "pseudo"
        return MarkedMessage(msgid, context, source, "", state, "", "")
    message = translator.catalog.get(msgid, context)
    string = message.string if message is not None else ""
    translation = " | ".join(string) if isinstance(string, tuple) else string or ""
    fallback = translator.fallbacks.get(key)
    if fallback is None:
        where = f"{translator.catalog_file}:{message.lineno}"
        return MarkedMessage(msgid, context, source, where, "translated", "", translation)
    state = fallback.reason if fallback.reason in ("untranslated", "fuzzy") else "refused"
    detail = fallback.detail if state != "refused" else f"{fallback.reason}: {fallback.detail}"
    if message is None:
        detail = "not in the catalog yet: run newsletter i18n update"
    return MarkedMessage(msgid, context, source, fallback.catalog, state, detail, translation)
