"""The format flags other tools check by: `#, python-format` on every string a template formats, so that
GNU msgfmt -c, Poedit, Weblate and dennis refuse "Se désabonner (100% gratuit)" as the build does;
`#, no-python-format` on an article's string that only looks like one ("50% discount"), so that none
of them asks for "%%" where the issue's text is never formatted.

Babel decides the flag from the English alone (and drops it again whenever it reads or merges an
entry), so it is set here, from where the entry comes from, just before a catalog is written.
"""

from __future__ import annotations

from babel.messages.catalog import Catalog, Message

FORMATTED, NOT_FORMATTED = "python-format", "no-python-format"


def is_formatted(message: Message) -> bool:
    """A template's string: Jinja formats it (`text % variables`) even without placeholders."""
    return any(file.startswith("templates/") for file, _ in message.locations)


def mark_formats(catalog: Catalog) -> None:
    for message in catalog:
        if not message.id:
            continue
        if is_formatted(message):
            message.flags = (message.flags - {NOT_FORMATTED}) | {FORMATTED}
        elif FORMATTED in message.flags or message.python_format:
            message.flags = (message.flags - {FORMATTED}) | {NOT_FORMATTED}
        else:
            message.flags -= {NOT_FORMATTED}
