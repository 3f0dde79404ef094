"""Translating an issue with its locale's catalog, at render time.

A translation reaches the email only when it exists, is not fuzzy and passes every
translation check; otherwise the English is used and the fallback is recorded with
its reason, so the build can say how many strings fell back and where.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from weakref import WeakKeyDictionary

from babel.messages.catalog import Catalog, Message

from newsletter.i18n import formats
from newsletter.i18n.catalogs import load_catalog, plural_rule, po_path, short_msgid
from newsletter.i18n.pseudo import PSEUDO_TRANSFORMS
from newsletter.i18n.qa import check_message, is_formatted
from newsletter.model.content import Issue, Text
from newsletter.model.settings import Settings


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
        return f"{self.catalog}: {what}: {short_msgid(self.msgid)!r} (from {self.source})"



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
        return string[plural_rule(self.catalog.plural_expr)(count)] if isinstance(string, tuple) else string

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
