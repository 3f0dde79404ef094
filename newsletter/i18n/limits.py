"""Length limits translators can see: Weblate's `max-length:N` flag on the entry's `#,` line.

Extraction writes the flag on every length-bound string (by its message context), update keeps it
in every catalog, Weblate, Poedit and Crowdin show it while typing, and `newsletter i18n check`
reports a translation longer than its limit. One rule for all of them: the limit counts characters,
as Weblate's max-length check counts them and as the XLIFF says (`maxwidth` with `size-unit="char"`).
How wide the text shows in an inbox is advice of its own (`display-width`): a CJK character takes
two columns, a combining mark none (wcwidth, the East Asian Width tables).
"""

from __future__ import annotations

import wcwidth
from babel.messages.catalog import Message

FLAG_PREFIX = "max-length:"

# Columns by message context: what an inbox shows of a subject before cutting it, the longest preheader
# it shows, and a button label that still fits one line of a button on a phone.
MAX_LENGTH: dict[str, int] = {
    "email subject": 60,
    "email preheader": 100,
    "button": 30,
}


def display_width(text: str) -> int:
    """Columns the text takes on screen: wide (CJK) characters count two, combining marks none."""
    width = wcwidth.wcswidth(text)
    if width >= 0:
        return width
    # A control character (a tab, a newline) makes wcswidth give up: count the rest, one by one.
    return sum(max(wcwidth.wcwidth(character), 0) for character in text)


def length_flags(context: str | None) -> set[str]:
    """The flags extraction writes on an entry with this context."""
    limit = MAX_LENGTH.get(context or "")
    return {f"{FLAG_PREFIX}{limit}"} if limit else set()


def max_length(message: Message) -> int | None:
    """The entry's limit: its flag, as a translator's tool reads it, or else its context's. GNU msgmerge
    drops flags it does not know (Weblate's msgmerge add-on runs it): the limit must hold all the same."""
    for flag in message.flags:
        if flag.startswith(FLAG_PREFIX) and flag[len(FLAG_PREFIX):].isdigit():
            return int(flag[len(FLAG_PREFIX):])
    return MAX_LENGTH.get(message.context or "")


def keep_template_limit(message: Message, template: Message | None) -> None:
    """After a merge an entry carries the template's limit only (Babel's merge would keep both old and new)."""
    message.flags = {flag for flag in message.flags if not flag.startswith(FLAG_PREFIX)}
    if template is not None:
        message.flags |= {flag for flag in template.flags if flag.startswith(FLAG_PREFIX)}


def _forms(message: Message) -> tuple[str, ...]:
    return tuple(form or "" for form in (message.string if isinstance(message.string, tuple) else (message.string,)))


def check_max_length(message: Message) -> str | None:
    """A translation (any plural form) with more characters than the entry's `max-length` flag."""
    limit = max_length(message)
    longest = max((len(form) for form in _forms(message)), default=0)
    if limit is not None and longest > limit:
        return f"{longest} characters, over the limit of {limit} (max-length:{limit}) — shorten it"
    return None


def check_display_width(message: Message) -> str | None:
    """Within its limit in characters, but wider than the limit in an inbox's columns (CJK): advice."""
    limit = max_length(message)
    forms = _forms(message)
    if limit is None or max((len(form) for form in forms), default=0) > limit:
        return None  # over the limit already: max-length says so
    widest = max((display_width(form) for form in forms), default=0)
    if widest > limit:
        return (f"{widest} columns wide in an inbox (a CJK character takes two), {limit} characters allowed — "
                "the inbox may cut it: shorten it if you can")
    return None
