"""Translation progress per locale, and per issue through the entries' source references."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from babel.messages.catalog import Catalog, Message

from newsletter.errors import NewsletterError, Problem
from newsletter.i18n.catalogs import load_catalog
from newsletter.model.settings import Settings


@dataclass(frozen=True)
class LocaleStatus:
    locale: str
    issue: str | None  # None: the whole catalog
    translated: int
    fuzzy: int
    untranslated: int
    obsolete: int
    unreadable: Problem | None = None  # the catalog cannot be read: its row says where, the others are counted

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return round(100 * self.translated / self.total, 1) if self.total else 100.0

    def as_dict(self) -> dict:
        return {**asdict(self), "unreadable": str(self.unreadable) if self.unreadable else None,
                "total": self.total, "percent": self.percent}


def belongs_to_issue(message: Message, issue: str | None) -> bool:
    """An entry counts for an issue when it comes from that issue's file or from the templates."""
    if issue is None:
        return True
    return any(path == f"issues/{issue}.yaml" or path.startswith("templates/") for path, _ in message.locations)


def _state(message: Message) -> str:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    if not all(strings):
        return "untranslated"
    return "fuzzy" if message.fuzzy else "translated"


def catalog_status(catalog: Catalog, locale: str, issue: str | None = None) -> LocaleStatus:
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for message in catalog:
        if message.id and belongs_to_issue(message, issue):
            counts[_state(message)] += 1
    obsolete = len(catalog.obsolete) if issue is None else 0
    return LocaleStatus(locale, issue, obsolete=obsolete, **counts)


def project_status(settings: Settings, issue: str | None = None, locales: tuple[str, ...] | None = None) -> list[LocaleStatus]:
    return [_locale_status(settings, locale, issue) for locale in locales or settings.target_locales]


def _locale_status(settings: Settings, locale: str, issue: str | None) -> LocaleStatus:
    try:
        return catalog_status(load_catalog(settings, locale), locale, issue)
    except NewsletterError as error:
        return LocaleStatus(locale, issue, 0, 0, 0, 0, error.problems[0])


def status_table(rows: list[LocaleStatus], ships: dict[str, bool] | None = None) -> str:
    """The progress table; with the release gate's verdicts, a last column saying which locales ship."""
    header = ("locale", "issue", "translated", "fuzzy", "untranslated", "obsolete", "percent") + (("ships",) if ships else ())
    lines = [header] + [_cells(r) + ((_yes(ships.get(r.locale)),) if ships else ()) for r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    table = ["  ".join(cell.rjust(w) if 2 <= i <= 6 else cell.ljust(w) for i, (cell, w) in
                       enumerate(zip(line, widths))).rstrip() for line in lines]
    return "\n".join(table)


def _cells(row: LocaleStatus) -> tuple[str, ...]:
    if row.unreadable:
        return (row.locale, row.issue or "all", "-", "-", "-", "-", "-")
    return (row.locale, row.issue or "all", str(row.translated), str(row.fuzzy), str(row.untranslated),
            str(row.obsolete), f"{row.percent:.1f}%")


def _yes(ships: bool | None) -> str:
    return "yes" if ships else "no"
