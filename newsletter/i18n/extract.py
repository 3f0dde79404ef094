"""Babel extractor for issue YAML, registered as the `newsletter_yaml` entry point.

`pybabel extract -F babel.cfg` calls it for every file under issues/; it yields each
translatable string with its line, message context and a comment telling the translator
where the text appears in the email.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import PurePath
from typing import IO

from newsletter.model.content import parse_issue
from newsletter.errors import Location, NewsletterError, Problem
from newsletter.model.yamlsource import compose_text


def extract_issue_yaml(fileobj: IO[bytes], keywords, comment_tags, options) -> Iterator[tuple]:
    """Yield (line, funcname, message, comments) the way Babel's extractors do."""
    name = getattr(fileobj, "name", "issue.yaml")
    display = options.get("display_name") or str(name)
    try:
        issue = parse_issue(compose_text(_utf8(fileobj.read(), display), display), display, PurePath(name).stem)
    except NewsletterError as error:
        # An invalid issue cannot be extracted; say why and let the rest of the run go on.
        for problem in error.problems:
            print(f"warning: skipped: {problem}", file=sys.stderr)
        return
    for text in issue.texts():
        if text.context:
            yield text.line, "pgettext", (text.context, text.value), [text.comment]
        else:
            yield text.line, None, text.value, [text.comment]


def _utf8(data: bytes, display: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NewsletterError(Problem(Location(display), f"not UTF-8 text ({error.reason})", "save the file as UTF-8")) from None
