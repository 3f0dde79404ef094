"""What every check receives (one email with its sources) and what it returns (findings)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from newsletter.checks.document import HtmlDocument, MjmlTree
from newsletter.i18n.catalogs import load_catalog, po_path
from newsletter.model.content import Issue, Text
from newsletter.model.settings import PSEUDO_LOCALES, SETTINGS_FILE, Settings
from newsletter.model.yamlsource import compose
from newsletter.render import RenderedEmail


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" | "warning"
    locale: str
    check: str  # family.name, e.g. "size.gmail-clip", "links.utm", "a11y.contrast"
    message: str  # what, and where: file:line for sources
    hint: str  # how to fix

    def __str__(self) -> str:
        """The line after `error: ` or `warning: ` (BuildReport and the check command add the severity)."""
        return f"{self.locale}: {self.check}: {self.message} — {self.hint}"

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class CheckedEmail:
    """One rendered email with what it was made from: the English issue and its localized copy."""

    email: RenderedEmail
    source: Issue
    localized: Issue
    settings: Settings

    @cached_property
    def html(self) -> HtmlDocument:
        return HtmlDocument(self.email.html)

    @cached_property
    def mjml(self) -> MjmlTree:
        return MjmlTree(self.email.mjml)

    @property
    def locale(self) -> str:
        return self.email.locale

    @property
    def translated(self) -> bool:
        """A locale whose text should differ from the English (not the source, not a pseudo-locale)."""
        return self.locale != self.settings.source_locale and self.locale not in PSEUDO_LOCALES

    def error(self, check: str, message: str, hint: str) -> Finding:
        return Finding("error", self.locale, check, message, hint)

    def warning(self, check: str, message: str, hint: str) -> Finding:
        return Finding("warning", self.locale, check, message, hint)

    def where(self, text: Text) -> str:
        """file:line of an issue text, and in a translated locale its catalog entry's file:line."""
        if not self.translated:
            return f"{self.source.file}:{text.line}"
        return f"{self.source.file}:{text.line} ({self.catalog_entry(text)})"

    def catalog_entry(self, text: Text) -> str:
        """file:line of the catalog entry translating an issue text (the file alone when it has none)."""
        catalog = self.settings.relative(po_path(self.settings, self.locale))
        message = load_catalog(self.settings, self.locale).get(text.value, text.context)
        return f"{catalog}:{message.lineno}" if message is not None and message.lineno else catalog

    def setting(self, dotted: str) -> str:
        """file:line of a newsletter.yaml setting such as brand.primary_color."""
        path = self.settings.root / SETTINGS_FILE
        line = _setting_lines(path, path.stat().st_mtime_ns).get(dotted)
        return f"{SETTINGS_FILE}:{line}" if line else SETTINGS_FILE


    def issue_lines(self) -> tuple[str, ...]:
        """The issue file's lines as written, comments included."""
        path = self.settings.root / self.source.file
        return _lines(path, path.stat().st_mtime_ns)

    def source_of(self, needle: str) -> str | None:
        """file:line of the first source line holding `needle`: the issue, the settings, then the templates."""
        root = self.settings.root
        files = [root / self.source.file, root / SETTINGS_FILE, *sorted(self.settings.templates_dir.rglob("*.j2"))]
        for path in files:
            for number, line in enumerate(_lines(path, path.stat().st_mtime_ns), start=1):
                if needle in line:
                    return f"{self.settings.relative(path)}:{number}"
        return None

    def template_line(self, tag: str, needle: str | None = None) -> str | None:
        """file:line in templates/ of the first <tag …> written on one line with `needle`."""
        for path in sorted(self.settings.templates_dir.rglob("*.j2")):
            for number, line in enumerate(_lines(path, path.stat().st_mtime_ns), start=1):
                if f"<{tag}" in line and (needle is None or needle in line):
                    return f"{self.settings.relative(path)}:{number}"
        return None


Check = Callable[[CheckedEmail], Iterable[Finding]]


@lru_cache(maxsize=64)
def _lines(path: Path, mtime_ns: int) -> tuple[str, ...]:
    return tuple(path.read_text(encoding="utf-8").splitlines())


@lru_cache(maxsize=8)
def _setting_lines(path: Path, mtime_ns: int) -> dict[str, int]:
    """Line of every key in newsletter.yaml, by dotted path (the file is valid: settings loaded)."""
    lines: dict[str, int] = {}

    def walk(node: yaml.Node, prefix: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                dotted = f"{prefix}{key.value}"
                lines[dotted] = value.start_mark.line + 1
                walk(value, dotted + ".")

    walk(compose(path, SETTINGS_FILE), "")
    return lines
