"""Bounds on a PO file, checked on its bytes before any parser sees it, each refused at its line.

A catalog comes from outside (a translator's tool, an agency): a value that would exhaust memory later
(`%(num)999999999d`, `nplurals=999999999`, a 1 MB translation), a header that lies about the bytes, an
invisible line separator, or a message defined twice must stop here, in one pass over the file, with
the line to fix. What GNU msgfmt -c calls fatal is fatal here too (duplicate message definitions).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from babel.messages.plurals import PLURALS
from babel.messages.pofile import unescape

from newsletter.errors import Location, NewsletterError, Problem

MAX_CATALOG_BYTES = 20 * 1024 * 1024
# The most plural forms any language has in CLDR, as Babel ships its table (six: zero … other).
MAX_PLURALS = max(count for count, _ in PLURALS.values())
MAX_FORMAT_WIDTH = 100  # padding or precision a translation may ask of a placeholder, in characters
LENGTH_FACTOR, LENGTH_SLACK = 10, 200  # a translation may be 10 times its English, plus a little

_CHARSET = re.compile(rb'^"Content-Type:[^"\n]*charset=([^"\s;\\]*)', re.MULTILINE | re.IGNORECASE)
_NPLURALS = re.compile(rb'^"Plural-Forms:[^"\n]*nplurals\s*=\s*(\d+)', re.MULTILINE | re.IGNORECASE)
# What str.splitlines() and some editors take for a line break, though a PO line ends only at \n.
_LINE_BREAKERS = {"\u2028": "U+2028 LINE SEPARATOR", "\u2029": "U+2029 PARAGRAPH SEPARATOR", "\x85": "U+0085 NEXT LINE",
                  "\x0b": "a vertical tab", "\x0c": "a form feed", "\x1c": "U+001C", "\x1d": "U+001D", "\x1e": "U+001E"}
_BREAKER = re.compile("[" + "".join(_LINE_BREAKERS) + "]")
_KEYWORD_LINE = re.compile(r'^\s*(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)?\s*"((?:[^"\\]|\\.)*)"\s*$')
_WIDTH = re.compile(r"%(?:\([^()]*\))?[-+ #0]*(\d+)?(?:\.(\d+))?[hlL]*[A-Za-z]?")


def check_bounds(data: bytes, display: str) -> None:
    """Refuse what no later stage should meet; raises a NewsletterError with the line to fix."""
    if len(data) > MAX_CATALOG_BYTES:
        _refuse(Location(display), f"{len(data) // (1024 * 1024)} MB, more than a catalog may be "
                f"({MAX_CATALOG_BYTES // (1024 * 1024)} MB)", "check that this is the right file")
    text = _checked_charset(data, display)
    _check_line_breakers(text, display)
    _check_nplurals(data, display)
    _check_entries(text, display)


def _refuse(where: Location, message: str, hint: str) -> None:
    raise NewsletterError(Problem(where, message, hint))


def _line_of(data: bytes | str, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset, lines ending at \\n only (as msgfmt and editors count them)."""
    newline = "\n" if isinstance(data, str) else b"\n"
    start = data.rfind(newline, 0, offset) + 1
    return data.count(newline, 0, offset) + 1, offset - start + 1


def _checked_charset(data: bytes, display: str) -> str:
    """The file as text. It must be UTF-8; a header must not declare another charset for UTF-8 bytes
    (Babel would decode them as that charset: 'plÃ¡stica'), nor one that does not exist."""
    declared = _CHARSET.search(data)
    where = Location(display, _line_of(data, declared.start())[0], None, "Content-Type") if declared else None
    name = declared.group(1).decode("ascii", "replace") if declared else "UTF-8"
    fix = 'write "Content-Type: text/plain; charset=UTF-8\\n" in the header'
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        _refuse(where, f"unknown charset {name!r}", fix)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_of(data, error.start)
        saved = f" (the header says {name})" if codec != "utf-8" else ""
        _refuse(Location(display, line, column), f"not UTF-8 text: byte 0x{data[error.start]:02X}{saved}",
                "save the catalog as UTF-8 (msgconv --to-code=UTF-8 does it), with charset=UTF-8 in its header")
    if codec != "utf-8" and not text.isascii():
        _refuse(where, f"the header declares charset={name} but the file is UTF-8: its accented letters would "
                "turn to mojibake", fix)
    return text


def _check_line_breakers(text: str, display: str) -> None:
    found = _BREAKER.search(text)
    if found:
        line, column = _line_of(text, found.start())
        _refuse(Location(display, line, column), f"{_LINE_BREAKERS[found.group()]} in the text: an invisible line "
                "break that tools and email clients read differently", 'remove it (write \\n for a line break)')


def _check_nplurals(data: bytes, display: str) -> None:
    found = _NPLURALS.search(data)
    if found and (len(found.group(1)) > 3 or int(found.group(1)) > MAX_PLURALS):
        digits = found.group(1).decode()
        _refuse(Location(display, _line_of(data, found.start())[0], None, "Plural-Forms"),
                f"nplurals={digits[:12]}{'…' if len(digits) > 12 else ''}: no language has more than {MAX_PLURALS} plural forms",
                "give your language's Plural-Forms (msginit or Poedit writes it)")


@dataclass
class _Entry:
    """One message as its lines give it: each keyword's text and the line where it starts."""

    texts: dict[str, list[str]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    def text(self, keyword: str) -> str:
        return "".join(self.texts.get(keyword, ()))


def _entries(text: str):
    """The live (not obsolete) entries, read loosely: the strict syntax check comes after this one."""
    entry, keyword = _Entry(), None
    for number, line in enumerate(text.split("\n"), start=1):
        match = _KEYWORD_LINE.match(line)
        if not match:
            continue
        if match.group(1):
            keyword = match.group(1)
            if keyword in ("msgctxt", "msgid") and ("msgid" in entry.texts or keyword == "msgctxt"):
                if "msgid" in entry.texts:
                    yield entry
                entry = _Entry()
            entry.lines.setdefault(keyword, number)
        if keyword:
            entry.texts.setdefault(keyword, []).append(unescape(f'"{match.group(2)}"'))
    if "msgid" in entry.texts:
        yield entry


def _check_entries(text: str, display: str) -> None:
    seen: dict[tuple[str | None, str], int] = {}
    for entry in _entries(text):
        msgid = entry.text("msgid")
        key = (entry.text("msgctxt") if "msgctxt" in entry.texts else None, msgid)
        if key in seen:
            _refuse(Location(display, entry.lines["msgid"]), f"duplicate message definition (first at line {seen[key]})",
                    "keep one of the two entries (msgfmt -c refuses the file too)")
        seen[key] = entry.lines["msgid"]
        if msgid:  # not the header
            _check_translations(entry, msgid + entry.text("msgid_plural"), display)


def _check_translations(entry: _Entry, english: str, display: str) -> None:
    limit = LENGTH_FACTOR * len(english) + LENGTH_SLACK
    for keyword, parts in entry.texts.items():
        if not keyword.startswith("msgstr"):
            continue
        where = Location(display, entry.lines[keyword], None, keyword)
        translation = "".join(parts)
        if len(translation) > limit:
            _refuse(where, f"{len(translation)} characters, more than {LENGTH_FACTOR} times its English "
                    f"({len(english)})", "shorten the translation, or check that it belongs to this entry")
        for directive in _WIDTH.finditer(translation):
            widths = [int(n) if len(n) < 6 else 10**6 for n in directive.groups() if n]
            if any(width > MAX_FORMAT_WIDTH for width in widths):
                _refuse(where, f"{directive.group()[:30]!r} pads to more than {MAX_FORMAT_WIDTH} characters",
                        "write the placeholder as its English has it, without a width (%(name)s, %(name)d)")
