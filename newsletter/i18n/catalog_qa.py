"""The translation checks (newsletter.i18n.qa) run over whole catalogs, each finding located in its PO file.

Apart from qa.py because the catalogs themselves use qa's per-message checks when they load.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsletter.i18n.catalogs import load_catalog, po_path
from newsletter.i18n.qa import check_message


@dataclass(frozen=True)
class CatalogFinding:
    """A failed check, located in a PO file."""

    file: str
    line: int
    locale: str
    msgid: str
    check: str
    message: str

    def __str__(self) -> str:
        short = self.msgid if len(self.msgid) <= 50 else self.msgid[:47] + "..."
        return f"{self.file}:{self.line}: {self.locale}: {self.check}: {self.message} (msgid {short!r})"

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def check_catalogs(settings, locales=None) -> list[CatalogFinding]:
    """Every finding of every translated entry in the chosen catalogs."""
    found = []
    for locale in locales or settings.target_locales:
        catalog = load_catalog(settings, locale)
        display = settings.relative(po_path(settings, locale))
        for message in catalog:
            if not message.id:
                continue
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            for finding in check_message(message, catalog):
                found.append(CatalogFinding(display, message.lineno, locale, msgid, finding.check, finding.message))
    return found
