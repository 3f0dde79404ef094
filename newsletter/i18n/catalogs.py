"""Reading the PO catalogs: a PO file parsed strictly, and every problem in it reported at its
file, line and column, in a translator's words (what Babel forgives and msgfmt refuses included).

Translating with a catalog, at render time, is `i18n/translator.py`'s.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, read_po, unescape

from newsletter.errors import Location, NewsletterError, Problem
from newsletter.i18n.catalog_bounds import check_bounds
from newsletter.i18n.plurals import header_fix, header_problem
from newsletter.model.settings import DOMAIN, Settings

_PO_LINE = re.compile(r'^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"\s*$')


def po_path(settings: Settings, locale: str) -> Path:
    return settings.locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def pot_path(settings: Settings) -> Path:
    return settings.locales_dir / f"{DOMAIN}.pot"


def read_catalog(path: Path, display: str, locale: str | None = None) -> Catalog:
    """Parse a PO file strictly: a syntax error names the file and line."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NewsletterError(Problem(Location(display), "catalog not found",
                                      f"create it with: newsletter i18n init {locale}")) from None
    data = data.removeprefix(_UTF8_BOM)  # Windows editors save UTF-8 with one; it is no part of the text
    check_bounds(data, display)
    _check_lines(data, display)
    try:
        import io

        catalog = read_po(io.BytesIO(_OBSOLETE_PREVIOUS.sub(b"", data)), locale=locale, abort_invalid=True)
    except PoFileError as error:
        raise NewsletterError(_po_problem(error, data.decode("utf-8"), display)) from None
    except ValueError as error:
        where = Location(display, header_line(data.decode("utf-8"), "Plural-Forms"))
        raise NewsletterError(Problem(where, f"invalid PO file: {error}", _PO_HINT)) from None
    _check_plural_rule(catalog, data.decode("utf-8"), display)
    _restore_previous(catalog)
    _restore_obsolete_previous(catalog, data.decode("utf-8"))
    _at_msgstr(catalog, data.decode("utf-8"))
    return catalog


_MSGSTR = re.compile(r"^\s*msgstr(?:\[\d+\])?\s")


def _at_msgstr(catalog: Catalog, text: str) -> None:
    """Each entry's line is its msgstr's (its first form's), where the translator edits and where msgfmt -c
    reports a wrong translation ("newsletter.po:535: number of format specifications in 'msgid' and 'msgstr'
    does not match"); Babel gives the msgid's."""
    lines = text.split("\n")  # numbered as Babel numbers them
    for message in catalog:
        if message.id and message.lineno:
            message.lineno = next((number for number in range(message.lineno, len(lines) + 1)
                                   if _MSGSTR.match(lines[number - 1])), message.lineno)


def header_line(text: str, field: str) -> int | None:
    """The line of a header field (`"Plural-Forms: …\\n"`), or None."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(f'"{field}:'):
            return number
    return None


# How far the plural rule is tried: msgfmt tries as far; every rule in CLDR repeats well before.
_PLURAL_RULE_TRIED = range(1001)


def _check_plural_rule(catalog: Catalog, text: str, display: str) -> None:
    """The Plural-Forms header must be a valid C expression whose value always names one of the
    nplurals forms, as msgfmt -c requires: otherwise every plural string would fail in the build."""
    where, hint = Location(display, header_line(text, "Plural-Forms"), None, "Plural-Forms"), _plural_hint(catalog)
    try:
        rule = plural_rule(catalog.plural_expr)
        values = {n: rule(n) for n in _PLURAL_RULE_TRIED}
    except (ValueError, ZeroDivisionError, RecursionError) as error:
        raise NewsletterError(Problem(where, f"invalid plural expression {catalog.plural_expr!r} ({error})", hint)) from None
    wrong = next((n for n, value in values.items() if not 0 <= value < catalog.num_plurals), None)
    if wrong is not None:
        raise NewsletterError(Problem(where, f"nplurals = {catalog.num_plurals} but plural={catalog.plural_expr} gives "
                                      f"{values[wrong]} for n = {wrong}", hint))


def _plural_hint(catalog: Catalog | None) -> str:
    return ('write "Plural-Forms: nplurals=N; plural=EXPRESSION;\\n" with an EXPRESSION of n that gives 0 to N-1 '
            "(msgfmt -c suggests the one for your language)")


# `#~| msgid "…"`: the previous English of an obsolete fuzzy entry, as msgmerge --previous and Poedit write it.
# Babel cannot read it: the line is blanked for Babel (line numbers stay right) and read here.
_OBSOLETE_PREVIOUS = re.compile(rb"^[ \t]*#~[ \t]*\|[^\r\n]*", re.MULTILINE)
_OBSOLETE_PREVIOUS_LINE = re.compile(_OBSOLETE_PREVIOUS.pattern.decode())
_UTF8_BOM = "\ufeff".encode()
_PO_HINT = "fix the entry, or run msgfmt -c on the file to see more"
_MISSING_MSGSTR = re.compile(r"missing msgstr for msgid '(.*)'", re.DOTALL)
_PLURAL_FORM = re.compile(r"^(?:#~)?\s*msgstr\[(\d+)\]")


def _po_problem(error: PoFileError, text: str, display: str) -> Problem:
    """Babel's complaint in a translator's words, at the line it is about (Babel counts lines from 0)."""
    line = error.lineno + 1
    complaint = str(error).removesuffix(f" on {error.lineno}")
    missing = _MISSING_MSGSTR.fullmatch(complaint)
    if missing:
        return Problem(Location(display, line), f"msgid {short_msgid(missing.group(1))!r} has no msgstr",
                       'add a msgstr line under it (msgstr "" leaves it untranslated)')
    if complaint.startswith("invalid literal for int()") and header_line(text, "Plural-Forms"):
        return Problem(Location(display, header_line(text, "Plural-Forms"), None, "Plural-Forms"),
                       "nplurals must be a number", _plural_hint(error.catalog))
    if complaint.startswith("msg has more translations than num_plurals"):
        return _extra_plural_form(error.catalog, text.splitlines(), line, display)
    return Problem(Location(display, line), f"invalid PO file: {complaint}", _PO_HINT)


def _extra_plural_form(catalog: Catalog, lines: list[str], msgid_line: int, display: str) -> Problem:
    """A msgstr[N] beyond the language's plural forms, located on its own line."""
    count = catalog.num_plurals
    language = catalog.locale.english_name if catalog.locale else "this catalog"
    wrong_header = header_problem(str(catalog.locale), count, catalog.plural_expr, language) if catalog.locale else None
    if wrong_header:  # the forms are right, the header is not: fix the header, keep every form
        where = Location(display, header_line("\n".join(lines), "Plural-Forms"), None, "Plural-Forms")
        return Problem(where, wrong_header, header_fix(str(catalog.locale)))
    number, index = _first_form_beyond(lines, msgid_line, count) or (msgid_line, None)
    forms = {1: "msgstr[0] only", 2: "msgstr[0] and msgstr[1]"}.get(count, f"msgstr[0] to msgstr[{count - 1}]")
    where = Location(display, number, None, f"msgstr[{index}]" if index is not None else None)
    return Problem(where, f"{language} has {count} plural forms ({forms})", "remove the extra forms")


def _first_form_beyond(lines: list[str], msgid_line: int, count: int) -> tuple[int, int] | None:
    """The line and index of the entry's first msgstr[N] with N >= count (the entry ends at a blank line)."""
    for number in range(msgid_line, len(lines) + 1):
        line = lines[number - 1].strip()
        if not line:
            return None
        form = _PLURAL_FORM.match(line)
        if form and int(form.group(1)) >= count:
            return number, int(form.group(1))
    return None


_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_PREVIOUS_KEYWORD = re.compile(r'^\|\s*(msgctxt|msgid|msgid_plural)\s+"')
_PREVIOUS_CONTINUATION = re.compile(r'^\|\s*"')


def _restore_previous(catalog: Catalog) -> None:
    """Babel reads `#| msgid` lines (the English a fuzzy entry was translated from) and `#| msgctxt` as
    translator comments, and would write them back as `# |`; give them back their meaning. A translator's
    own comment that starts with a bar (`# | note`) stays a comment."""
    for message in catalog:
        comments, previous = _split_previous(message.user_comments)
        if not previous:
            continue
        message.user_comments = comments
        _set_previous(message, previous)


def _set_previous(message: Message, previous: list[tuple[str, str]]) -> None:
    message.previous_id = [text for keyword, text in previous if keyword != "msgctxt"]
    message.previous_context = next((text for keyword, text in previous if keyword == "msgctxt"), None)


def _restore_obsolete_previous(catalog: Catalog, text: str) -> None:
    """Each run of `#~|` lines belongs to the obsolete entry whose msgid comes next."""
    obsolete = sorted((message for message in catalog.obsolete.values() if message.lineno), key=lambda m: m.lineno)
    run: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):  # numbered as Babel numbers them
        if _OBSOLETE_PREVIOUS_LINE.match(line):
            run.append(line.strip()[2:].strip())  # '| msgid "…"', as Babel keeps a `#|` comment
            continue
        owner = next((message for message in obsolete if message.lineno > number), None) if run else None
        if owner is not None:
            _set_previous(owner, _split_previous(run)[1])
        run = []


def _split_previous(comments: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """The comments that are a translator's, and the (keyword, text) of the previous msgctxt/msgid lines."""
    kept: list[str] = []
    previous: list[list[str]] = []
    continues = False  # a quoted line continues a previous field only right after one
    for comment in comments:
        keyword = _PREVIOUS_KEYWORD.match(comment)
        if keyword:
            previous.append([keyword.group(1), ""])
        elif not (continues and _PREVIOUS_CONTINUATION.match(comment)):
            kept.append(comment)
            continues = False
            continue
        previous[-1][1] += "".join(unescape(f'"{part}"') for part in _QUOTED.findall(comment))
        continues = True
    return kept, [(keyword, text) for keyword, text in previous]


def _check_lines(data: bytes, display: str) -> None:
    """Babel's reader forgives unterminated strings; a translator's typo must not pass silently."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise NewsletterError(Problem(Location(display), "not UTF-8 text", "save the catalog as UTF-8")) from None
    entry: dict[str, int] = {}  # the keywords of the entry being read, with their lines
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not _PO_LINE.match(stripped):
            raise NewsletterError(_syntax_problem(line, Location(display, number)))
        problem = _keyword_problem(stripped.split(" ", 1)[0], entry, number)
        if problem:
            raise NewsletterError(Problem(Location(display, number, None, problem[0]), problem[1], problem[2]))


def _syntax_problem(line: str, where: Location) -> Problem:
    opening = _unclosed_quote(line)
    if opening is not None:
        return Problem(replace(where, column=opening), "this quoted string has no closing quote",
                       'end it with " on the same line')
    return Problem(where, f"invalid PO syntax: {line.strip()[:60]!r}",
                   'each line must be a keyword followed by a "quoted string"')


def _unclosed_quote(line: str) -> int | None:
    """The 1-based column of the quote that opens a string never closed on its line (a PO string ends on
    its own line), or None."""
    opening, escaped = None, False
    for column, char in enumerate(line, start=1):
        if opening is not None and char == "\\" and not escaped:
            escaped = True
            continue
        if char == '"' and not escaped:
            opening = column if opening is None else None
        escaped = False
    return opening


def _keyword_problem(keyword: str, entry: dict[str, int], number: int) -> tuple[str, str, str] | None:
    """What msgfmt refuses and Babel lets pass: numbered forms on a singular entry, a plain msgstr on a
    plural one, a msgstr given twice. Returns (keyword, problem, what to do)."""
    if keyword == "msgctxt" or (keyword == "msgid" and list(entry) != ["msgctxt"]):
        entry.clear()  # a new entry
    if keyword.startswith('"'):
        return None
    if keyword in entry and keyword.startswith("msgstr"):
        return keyword, f"this entry already has a {keyword} (line {entry[keyword]})", "keep one of them"
    entry[keyword] = number
    if keyword.startswith("msgstr[") and "msgid_plural" not in entry:
        return keyword, "numbered forms are only for an entry with msgid_plural", 'write one msgstr "…" instead'
    if keyword == "msgstr" and "msgid_plural" in entry:
        return keyword, "an entry with msgid_plural needs numbered forms", 'write msgstr[0] "…", msgstr[1] "…" and so on'
    return None


@lru_cache(maxsize=64)
def _cached_catalog(path: Path, mtime_ns: int, size: int, display: str, locale: str) -> Catalog:
    return read_catalog(path, display, locale)


def load_catalog(settings: Settings, locale: str) -> Catalog:
    """A locale's catalog, parsed once per file version (the preview and rebuilds reuse it)."""
    path = po_path(settings, locale)
    display = settings.relative(path)
    if not path.is_file():
        return read_catalog(path, display, locale)
    stat = path.stat()
    return _cached_catalog(path, stat.st_mtime_ns, stat.st_size, display, locale)


def readable_locales(settings: Settings, locales: tuple[str, ...]) -> tuple[tuple[str, ...], list[Problem]]:
    """The locales whose catalog can be read, and the problem of each other one: a broken catalog stops
    its own language only."""
    readable, problems = [], []
    for locale in locales:
        try:
            if locale in settings.target_locales:
                load_catalog(settings, locale)
            readable.append(locale)
        except NewsletterError as error:
            problems += error.problems
    return tuple(readable), problems


def short_msgid(text: str) -> str:
    """A msgid as a message about it quotes it: its first 57 characters and "..." when long."""
    return text if len(text) <= 60 else text[:57] + "..."


@lru_cache(maxsize=16)
def plural_rule(expression: str) -> Callable[[int], int]:
    """The catalog's Plural-Forms expression as a function, compiled by gettext as msgfmt reads it."""
    return gettext.c2py(expression)
