"""What an import leaves for marketing to write, and how the build finds it again.

An imported post is never refused for a field people can fix (an image without alt text, a saved page
without its address): the import writes a stand-in value that the issue's reader accepts, and a YAML
comment saying what to do, both carrying `MARK`. Every line of an issue that still holds the mark is
an open field; the build and `newsletter check` report each one at its line until it is gone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MARK = "FILL IN"
# The stand-in for a missing address: .invalid is reserved never to resolve (RFC 2606, section 2), so
# a forgotten one can lead nowhere real.
PLACEHOLDER_HOST = "fill-in.invalid"
PLACEHOLDER_URL = f"https://{PLACEHOLDER_HOST}/the-post-address"
_COMMENT = re.compile(rf"#\s*{MARK}:?\s*(?P<what>.*?)\s*$")


@dataclass(frozen=True)
class OpenField:
    line: int  # 1-based
    column: int  # 1-based, where the mark stands
    what: str  # what to do, from the comment; empty when only the stand-in value is left


def open_fields(source: str) -> list[OpenField]:
    """Every line of an issue's text that still holds the mark, in order."""
    found = []
    for number, line in enumerate(source.splitlines(), start=1):
        columns = [column for column in (line.find(PLACEHOLDER_HOST), line.find(MARK)) if column >= 0]
        if not columns:
            continue
        column = min(columns)
        comment = _COMMENT.search(line)
        found.append(OpenField(number, column + 1, comment.group("what") if comment else ""))
    return found
