"""Translation checks, one small function per check, in the spirit of Translate Toolkit's pofilter.

Each check compares a translation with its English source and returns what is wrong, or
None. Only what can break an email is checked: links, emphasis, placeholders, markup,
surrounding whitespace, invisible control characters, and complete plural forms.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from babel.messages.catalog import Catalog, Message

from newsletter.i18n import formats
from newsletter.i18n.flags import is_formatted
from newsletter.i18n.markup import markup_difference
from newsletter.model.inline import INVISIBLE_HINT, emphasis_counts, inline_problems, invisible_character, links

_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]+\}|\[\[[a-z_]+(?:\|[^\]]*)?\]\]")


@dataclass(frozen=True)
class Finding:
    check: str
    message: str


def check_links(source: str, translation: str) -> str | None:
    expected, got = Counter(link.url for link in links(source)), Counter(link.url for link in links(translation))
    if expected == got:
        return None
    missing, extra = expected - got, got - expected
    if missing:
        return f"link target {next(iter(missing))!r} is missing or changed"
    return f"link target {next(iter(extra))!r} is not in the English"


def check_emphasis(source: str, translation: str) -> str | None:
    (bold, italic), (got_bold, got_italic) = emphasis_counts(source), emphasis_counts(translation)
    if (bold, italic) != (got_bold, got_italic):
        return f"expected {bold} bold and {italic} italic spans, found {got_bold} and {got_italic}"
    if "unbalanced * or ** emphasis" in inline_problems(translation):
        return "unbalanced * or ** emphasis"
    return None


def check_placeholders(source: str, translation: str) -> str | None:
    expected, got = Counter(_PLACEHOLDER.findall(source)), Counter(_PLACEHOLDER.findall(translation))
    if expected == got:
        return None
    missing, extra = expected - got, got - expected
    if missing:
        return f"placeholder {next(iter(missing))} is missing or altered"
    return f"placeholder {next(iter(extra))} is not in the English"


def check_markup(source: str, translation: str) -> str | None:
    """Exactly the English's markup, as a browser reads it: `<xss onmouseover=…>`, `<svg/onload=…>` and
    `<img src="x"onerror=…>` are all tags to a browser, whatever their names."""
    difference = markup_difference(source, translation)
    if difference:
        return f"{difference} — a translation is text: keep the English's markup as it is, add none"
    if "javascript:" in translation.lower() and "javascript:" not in source.lower():
        return "script is not allowed; use **bold**, *italic* and [text](url) only"
    return None


def check_whitespace(source: str, translation: str) -> str | None:
    for name, pick in (("leading", lambda s: s[: len(s) - len(s.lstrip())]),
                       ("trailing", lambda s: s[len(s.rstrip()):])):
        if pick(source) != pick(translation):
            return f"{name} whitespace differs from the English"
    if source.count("\n") != translation.count("\n"):
        return f"expected {source.count(chr(10))} line breaks, found {translation.count(chr(10))}"
    return None


def check_control_chars(source: str, translation: str) -> str | None:
    found = invisible_character(translation)
    if found and not invisible_character(source):
        return f"invisible character {found} — {INVISIBLE_HINT}"
    return None


TEXT_CHECKS: dict[str, Callable[[str, str], str | None]] = {
    "links": check_links,
    "emphasis": check_emphasis,
    "placeholders": check_placeholders,
    "markup": check_markup,
    "whitespace": check_whitespace,
    "control-chars": check_control_chars,
}


def check_plural_forms(message: Message, catalog: Catalog) -> str | None:
    if not isinstance(message.id, tuple):
        return None
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    filled = sum(1 for form in forms if form)
    if filled and filled != catalog.num_plurals:
        return f"{catalog.num_plurals} plural forms needed for {catalog.locale_identifier}, {filled} given"
    return None


def check_message(message: Message, catalog: Catalog, formatted: bool = False) -> list[Finding]:
    """Every problem of one translated entry (an untranslated entry has none). `formatted`: the entry is
    a template's string, whatever its `#:` lines say."""
    findings = []
    plural = check_plural_forms(message, catalog)
    if plural:
        findings.append(Finding("plural-forms", plural))
    formatted = formatted or is_formatted(message)
    for source, translation in _pairs(message):
        for name, check in TEXT_CHECKS.items():
            problem = _text_problem(name, check, source, translation, formatted) if translation else None
            # A plural form may spell its number out ("one minute"): only a foreign placeholder counts.
            if problem and not (isinstance(message.id, tuple) and "is missing" in problem):
                findings.append(Finding(name, problem))
    return findings


def _text_problem(name: str, check: Callable[[str, str], str | None], source: str, translation: str,
                  formatted: bool) -> str | None:
    if name == "placeholders" and formatted:  # every % counts, as msgfmt -c counts it in a python-format entry
        return formats.problem(source, translation) or check(source, translation)
    return check(source, translation)


def _pairs(message: Message) -> list[tuple[str, str]]:
    """(English, translation) pairs; every plural form is compared with the English plural."""
    if not isinstance(message.id, tuple):
        return [(message.id, message.string or "")]
    singular, plural = message.id
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return [(singular if len(forms) == 1 else plural, form or "") for form in forms]
