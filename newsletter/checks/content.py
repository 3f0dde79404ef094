"""Content: subject and preheader fit the inbox, no English left in a translated email, no template
or merge-tag syntax left over, and a plain-text part that carries the same message."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from newsletter.checks.model import CheckedEmail, Finding
from newsletter.i18n.catalogs import po_path
from newsletter.i18n.limits import MAX_LENGTH
from newsletter.model.content import Text
from newsletter.model.fillin import MARK, open_fields

SUBJECT_MAX = MAX_LENGTH["email subject"]  # columns most inboxes show before cutting the subject (the PO flag's)
PREHEADER_RANGE = (30, MAX_LENGTH["email preheader"])  # shorter leaves room for body text in the preview; longer is cut
MIN_WORDS = 3  # fewer words (once names and URLs are removed) may rightly read the same in any language
LISTED = 5
TEXT_PART_MIN_SHARE = 0.8  # of the HTML's visible letters

KNOWN_MERGE_TAGS = re.compile(r"\[\[(?:unsubscribe_url|web_version_url|first_name\|[^\[\]]*)\]\]")
LEFTOVER = re.compile(r"\[\[|\]\]|\{\{|\}\}|\{%|%\}|%\([a-z_]*\)[sd]?|%[sd]\b")
_LINK_TARGET = re.compile(r"\]\([^)]*\)|https?://\S+|mailto:\S+|[*_\[\]]")
_ADDRESS = re.compile(r"\S+://\S+|\[\[[^\]]*\]\]")


def display_width(text: str) -> int:
    """Characters as an inbox shows them: wide (CJK) characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def subject_length(checked: CheckedEmail) -> Iterator[Finding]:
    width = display_width(checked.email.subject)
    if width > SUBJECT_MAX:
        yield checked.warning("content.subject-length", f"{checked.where(checked.source.subject)}: the subject is {width} "
                              f"characters wide; inboxes cut it near {SUBJECT_MAX}", "put the key words first, or shorten it")


def preheader_length(checked: CheckedEmail) -> Iterator[Finding]:
    width, (low, high) = display_width(checked.email.preheader), PREHEADER_RANGE
    if not low <= width <= high:
        yield checked.warning("content.preheader-length", f"{checked.where(checked.source.preheader)}: the preheader is "
                              f"{width} characters wide", f"aim for {low} to {high} characters")


def _words(text: str, names: tuple[str, ...]) -> list[str]:
    stripped = _LINK_TARGET.sub(" ", text)
    for name in names:
        stripped = stripped.replace(name, " ")
    return re.findall(r"[^\W\d_]{2,}", stripped)


def _still_english(checked: CheckedEmail) -> list[Text]:
    """Issue texts (but image alt, see a11y.alt-translated) identical to their English beyond names and URLs."""
    names = (checked.settings.brand.name, checked.settings.sender.name)
    return [source for source, localized in zip(checked.source.texts(), checked.localized.texts())
            if source.context != "image alt text" and localized.value == source.value
            and len(_words(source.value, names)) >= MIN_WORDS]


def untranslated(checked: CheckedEmail) -> Iterator[Finding]:
    if not checked.translated:
        return
    places = [checked.where(text) for text in _still_english(checked)]
    places += [f"{fallback.source} ({fallback.catalog})" for fallback in checked.email.fallbacks
               if fallback.source.startswith("templates/") and fallback.reason in ("untranslated", "fuzzy")]
    if places:
        more = f", … and {len(places) - LISTED} more" if len(places) > LISTED else ""
        catalog = checked.settings.relative(po_path(checked.settings, checked.locale))
        are = "text is" if len(places) == 1 else "texts are"
        yield checked.warning("content.untranslated", f"{len(places)} {are} still in English: "
                              f"{', '.join(places[:LISTED])}{more}",
                              f"translate them in {catalog} (newsletter i18n status lists them all)")


def placeholders(checked: CheckedEmail) -> Iterator[Finding]:
    html = checked.html
    attributes = [e.attrs.get(name, "") for e in html.elements for name in ("href", "alt", "title")]
    parts = (("HTML", " ".join([html.visible_text, *attributes])), ("text part", checked.email.text))
    for part, text in parts:
        unknown = KNOWN_MERGE_TAGS.sub(" ", text)  # known merge tags blanked: leftovers are found and quoted here
        for leftover in sorted(set(LEFTOVER.findall(unknown))):
            yield checked.error("content.placeholder", f"{_origin(checked, leftover)}: {leftover!r} left in the {part}: "
                                f"…{_context(unknown, leftover)}…", "close the placeholder or merge tag, e.g. "
                                "[[first_name|there]] or %(brand)s, or remove it")


def _origin(checked: CheckedEmail, leftover: str) -> str:
    """The issue text (and its translation) holding the leftover, else the templates."""
    for source, localized in zip(checked.source.texts(), checked.localized.texts()):
        if leftover in KNOWN_MERGE_TAGS.sub(" ", localized.value):
            return checked.where(source)
    for code in checked.source.code_blocks():  # code is shown as written, template syntax and all
        if leftover in KNOWN_MERGE_TAGS.sub(" ", code.code):
            return f"{checked.source.file}:{code.line}"
    return "templates/"


def _context(text: str, needle: str) -> str:
    start = text.find(needle)
    return " ".join(text[max(0, start - 25):start + len(needle) + 25].split())


def _letters(text: str) -> int:
    return sum(map(str.isalpha, text))


def text_part(checked: CheckedEmail) -> Iterator[Finding]:
    text_letters = _letters(_ADDRESS.sub(" ", checked.email.text))  # the text lists its links in full
    html_letters = _letters(checked.html.visible_text)
    if text_letters == 0:
        yield checked.error("content.text-part", "templates/email.txt.j2: the plain-text part is empty",
                            "keep the text template rendering the issue")
    elif text_letters < TEXT_PART_MIN_SHARE * html_letters:
        yield checked.warning("content.text-part", f"templates/email.txt.j2: the plain-text part has {text_letters} letters, "
                              f"the HTML {html_letters}", "the text part should carry the whole message, like the HTML")


REFUSED_TRANSLATION = "content.translation-refused"


def refused_translations(checked: CheckedEmail) -> Iterator[Finding]:
    """A translation that failed a translation check is never shipped: the English stands in for it,
    which a subscriber reads as English in the middle of their language. An error, so that `check`,
    the build and the export all stop on it, not only the build."""
    for fallback in checked.email.fallbacks:
        if fallback.reason not in ("untranslated", "fuzzy"):
            yield checked.error(REFUSED_TRANSLATION, f"{fallback}: the English is shown in its place",
                                "fix the entry in the PO file (newsletter i18n check explains each)")


def fill_in(checked: CheckedEmail) -> Iterator[Finding]:
    """What an import left for marketing (newsletter.model.fillin), once per issue: in the source locale."""
    if checked.locale != checked.settings.source_locale:
        return
    for field in open_fields("\n".join(checked.issue_lines())):
        yield checked.error("content.fill-in", f"{checked.source.file}:{field.line}:{field.column}: still to fill in"
                            + (f": {field.what}" if field.what else ""),
                            f"write it, then delete the '{MARK}' comment")


CHECKS = (subject_length, preheader_length, untranslated, refused_translations, placeholders, text_part, fill_in)
