"""Values newsletter.yaml checks alike in several sections: locale codes (as Babel's CLDR data knows them)
and email addresses."""

from __future__ import annotations

import re

from babel import Locale, UnknownLocaleError
from babel.localedata import locale_identifiers

from newsletter.errors import Location, ProblemList, quoted
from newsletter.model.fieldspec import spec
from newsletter.model.yamlsource import Fields

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def locale_spec(description: str) -> dict:
    """Locale codes as Babel (CLDR) knows them: editors offer them while typing."""
    return spec(description, choices=locale_identifiers)


def read_locale(value: str, fields: Fields, problems: ProblemList, key: str | None = None,
                at: Location | None = None) -> str | None:
    try:
        Locale.parse(value)
    except (UnknownLocaleError, ValueError):
        problems.add(at or fields.location(key), f"unknown locale {quoted(value)}",
                     "use a CLDR locale code such as es, fr, de, ar or zh_Hans")
        return None
    return value


def read_email(fields: Fields, key: str, required: bool) -> str | None:
    value = fields.text(key, required=required)
    if value is not None and not EMAIL.match(value):
        fields.problems.add(fields.location(key), f"expected an email address, got {quoted(value)}")
        return None
    return value
