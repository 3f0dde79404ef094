"""Who revised a catalog's translations, and when: the PO header's `PO-Revision-Date` and `Last-Translator`,
which Poedit, pybabel and translate-toolkit set whenever they write a translation, set by an XLIFF import.

Both come from the XLIFF, so that importing the same file again gives the same catalog: the translator
and date of the last `<phase>` in its header (XLIFF 1.2's record of who did what, when: `contact-name`,
`contact-email`, `date`), or the `<file date>`, or else when the file was last saved (its modification
time). `--translator "Name <address>"` names the translator where the file names none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

@dataclass(frozen=True)
class Revision:
    date: dt.datetime
    translator: str | None  # "Name <address>", as the header field has it; None: the XLIFF names nobody
    date_from: str  # where the date was read, for the import's one line


def _date(text: str | None) -> dt.datetime | None:
    """An xsd:dateTime (2026-11-28T10:15:00Z); one without a zone is taken as UTC."""
    try:
        value = dt.datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _translator(phase) -> str | None:
    name, address = (phase.get("contact-name") or "").strip(), (phase.get("contact-email") or "").strip()
    if name and address:
        return f"{name} <{address}>"
    return name or (f"<{address}>" if address else None)


def read_revision(root, path: Path, translator: str | None = None) -> Revision:
    """The revision an XLIFF file records (see the module's docstring)."""
    phases = [(date, phase) for phase in root.iter("{*}phase") if (date := _date(phase.get("date"))) is not None]
    phases.sort(key=lambda pair: pair[0])
    named = translator or next((found for _, phase in reversed(phases) if (found := _translator(phase))), None)
    if phases:
        return Revision(phases[-1][0], named, "its last <phase date>")
    file_date = next((date for element in root.iter("{*}file") if (date := _date(element.get("date")))), None)
    if file_date is not None:
        return Revision(file_date, named, "its <file date>")
    saved = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    return Revision(saved, named, "when the file was saved")


def record_revision(catalog: Catalog, revision: Revision) -> None:
    """PO-Revision-Date (to the minute, as the header writes it) and, when known, Last-Translator."""
    catalog.revision_date = revision.date.astimezone(dt.UTC).replace(second=0, microsecond=0)
    if revision.translator:
        catalog.last_translator = revision.translator
