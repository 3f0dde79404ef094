"""Reading the PO catalogs and translating an issue with them.

A translation reaches the email only when it exists, is not fuzzy and passes every
translation check; otherwise the English is used and the fallback is recorded with
its reason, so the build can say how many strings fell back and where.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from weakref import WeakKeyDictionary

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, read_po, unescape

from newsletter.errors import Location, NewsletterError, Problem
from newsletter.i18n import formats
from newsletter.i18n.catalog_bounds import check_bounds
from newsletter.i18n.plurals import header_fix, header_problem
from newsletter.i18n.pseudo import PSEUDO_TRANSFORMS
from newsletter.i18n.qa import check_message, is_formatted
from newsletter.model.content import Issue, Text
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
    return catalog


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
        rule = _plural_rule(catalog.plural_expr)
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
        return Problem(Location(display, line), f"msgid {_short(missing.group(1))!r} has no msgstr",
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


@dataclass(frozen=True)
class Fallback:
    """A string shown in English in a translated email, and why."""

    msgid: str
    context: str | None
    reason: str  # "untranslated", "fuzzy", or the name of the failed check
    source: str  # where the English comes from: issues/2026-11.yaml:42 or a template
    catalog: str  # the PO file and line of the entry, when it exists
    detail: str = ""

    def __str__(self) -> str:
        what = f"{self.reason}: {self.detail}" if self.detail else self.reason
        return f"{self.catalog}: {what}: {_short(self.msgid)!r} (from {self.source})"


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


# Private-use characters: invisible, untouched by Jinja's autoescaping and by MJML.
MARK_START, MARK_TEXT, MARK_END = "\ue000", "\ue001", "\ue002"
MARK_DIGITS = "".join(chr(0xE010 + digit) for digit in range(10))


def mark(index: int, text: str) -> str:
    """`text` wrapped in sentinels that carry `index` (translator mode of the preview)."""
    digits = str(index).translate(str.maketrans("0123456789", MARK_DIGITS))
    return f"{MARK_START}{digits}{MARK_TEXT}{text}{MARK_END}"


@dataclass
class Translator:
    """Looks strings up in one locale's catalog; counts what was translated and what fell back."""

    locale: str
    catalog: Catalog | None  # None for the source locale: the English is the text
    catalog_file: str = ""
    transform: Callable[[str], str] | None = None  # pseudo-locales rewrite the English
    seen: set[tuple[str | None, str]] = field(default_factory=set)
    translated: set[tuple[str | None, str]] = field(default_factory=set)
    fallbacks: dict[tuple[str | None, str], Fallback] = field(default_factory=dict)
    # The preview's translator mode only: every looked-up string is wrapped in invisible sentinels
    # carrying its index here; never set by a build, so shipped output carries no sentinel.
    marks: list[tuple[tuple[str | None, str], str]] | None = None

    @property
    def coverage(self) -> float:
        return 1.0 if not self.seen else round(len(self.translated) / len(self.seen), 4)

    def lookup(self, msgid: str, context: str | None, source: str, plural: str | None = None,
               count: int | None = None, finish: Callable[[str, str], str] | None = None) -> str:
        """The string to show. `finish(english, text)` is a template's last step (escaping, then `%`
        formatting): the lookup is then checked as a template string, and if finishing the translation
        fails all the same, the English is shown and the failure recorded against the PO entry."""
        english = msgid if plural is None or count == 1 else plural
        text = self._lookup(msgid, context, source, plural, count, formatted=finish is not None)
        if finish is not None:
            text = self._finished(finish, english, text, (context, msgid), source, strict=plural is None)
        if self.marks is None:
            return text
        self.marks.append(((context, msgid), source))
        return mark(len(self.marks) - 1, text)

    def _finished(self, finish: Callable[[str, str], str], english: str, text: str, key, source: str,
                  strict: bool) -> str:
        if text == english:
            return finish(english, text)  # if the English fails, that is the template's mistake
        # Python fills "100% seguro, %(first_name)s" without a complaint, and wrongly: read it as msgfmt would.
        problem = formats.problem(english, text, strict)
        try:
            if problem:
                raise ValueError(problem)
            return finish(english, text)
        except (KeyError, TypeError, ValueError) as error:
            self.translated.discard(key)
            message = self.catalog.get(key[1], key[0]) if self.catalog is not None else None
            self._fall_back(key, "placeholders", source, message, f"the translation cannot be filled in: {error}")
            return finish(english, english)

    def _lookup(self, msgid: str, context: str | None, source: str, plural: str | None, count: int | None,
                formatted: bool = False) -> str:
        key = (context, msgid)
        self.seen.add(key)
        if self.catalog is None:
            self.translated.add(key)  # the source locale's text is the English itself
            english = msgid if plural is None or count == 1 else plural
            return self.transform(english) if self.transform else english
        message = self.catalog.get(msgid, context)
        string = self._usable(message, key, source, formatted)
        if string is None:
            return msgid if plural is None or count == 1 else plural
        self.translated.add(key)
        if plural is None:
            return string if isinstance(string, str) else string[0]
        return string[_plural_rule(self.catalog.plural_expr)(count)] if isinstance(string, tuple) else string

    def _usable(self, message: Message | None, key: tuple[str | None, str], source: str, formatted: bool):
        """The message's translation, or None after recording why it cannot be used."""
        if message is None or not _has_translation(message):
            self._fall_back(key, "untranslated", source, message)
            return None
        if message.fuzzy:
            self._fall_back(key, "fuzzy", source, message, "marked fuzzy: the English changed; review it")
            return None
        findings = checked(message, self.catalog, formatted)
        if findings:
            self._fall_back(key, findings[0].check, source, message, findings[0].message)
            return None
        return message.string

    def _fall_back(self, key, reason: str, source: str, message: Message | None, detail: str = "") -> None:
        line = f":{message.lineno}" if message is not None and message.lineno else ""
        self.fallbacks[key] = Fallback(key[1], key[0], reason, source, f"{self.catalog_file}{line}", detail)

    def translate_text(self, text: Text, source_file: str) -> Text:
        return replace(text, value=self.lookup(text.value, text.context, f"{source_file}:{text.line}"))

    def localize(self, issue: Issue) -> Issue:
        return issue.map_texts(lambda text: self.translate_text(text, issue.file))


_FINDINGS: WeakKeyDictionary[Catalog, dict] = WeakKeyDictionary()


def checked(message: Message, catalog: Catalog, formatted: bool = False) -> list:
    """The entry's translation-check findings, worked out once per catalog version: every email of
    every issue looks the same entries up, and a loaded catalog is never changed."""
    known = _FINDINGS.setdefault(catalog, {})
    key = (message.id, message.context, formatted)
    if key not in known:
        known[key] = check_message(message, catalog, formatted)
    return known[key]


def check_all(catalog: Catalog) -> None:
    """Check every translated entry now (before render workers fork, so that they share the results)."""
    for message in catalog:
        if message.id and _has_translation(message) and not message.fuzzy:
            checked(message, catalog, is_formatted(message))  # as a template's lookup will ask for it


@lru_cache(maxsize=16)
def _plural_rule(expression: str) -> Callable[[int], int]:
    """The catalog's Plural-Forms expression as a function, compiled by gettext as msgfmt reads it."""
    return gettext.c2py(expression)


def _has_translation(message: Message) -> bool:
    """Any form filled: a plural entry with some forms missing is not untranslated, it fails the
    plural-forms check (and is reported as such, at its line)."""
    if isinstance(message.string, tuple):
        return any(message.string)
    return bool(message.string)


def translator_for(settings: Settings, locale: str) -> Translator:
    if locale == settings.source_locale:
        return Translator(locale, None)
    if locale in PSEUDO_TRANSFORMS:
        return Translator(locale, None, transform=PSEUDO_TRANSFORMS[locale])
    catalog = load_catalog(settings, locale)
    return Translator(locale, catalog, settings.relative(po_path(settings, locale)))
