"""The translators' commands: extract, init, update, compile — Babel's machinery with the
project's settings, so nobody has to remember pybabel flags.

Equivalent pybabel commands are listed in docs/translating.md.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from newsletter.content import issue_paths, load_issue
from newsletter.i18n.catalogs import po_path, pot_path, read_catalog
from newsletter.output import write_file_atomic
from newsletter.settings import DOMAIN, PSEUDO_LOCALES, Settings

METHOD_MAP = [("issues/**.yaml", "newsletter_yaml"), ("templates/**.j2", "jinja2")]
OPTIONS_MAP = {"templates/**.j2": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
            "npgettext": ((1, "c"), 2, 3)}
WIDTH = 76  # pybabel's default: translators' diffs stay the same whichever tool wrote the file


def _stamp(settings: Settings) -> dt.datetime:
    """A creation date derived from the content (the newest issue), so extraction is deterministic."""
    dates = [load_issue(path, settings).date for path in issue_paths(settings)]
    day = max(dates) if dates else dt.date(2026, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _header(catalog: Catalog, settings: Settings) -> None:
    catalog.project = settings.brand.name + " newsletter"
    catalog.version = "1"
    catalog.copyright_holder = settings.brand.name
    catalog.msgid_bugs_address = settings.sender.reply_to or settings.sender.email


def extract(settings: Settings) -> Catalog:
    """Collect every message of the issues and templates, as `pybabel extract` would."""
    for path in issue_paths(settings):
        load_issue(path, settings)  # a broken issue stops extraction with its located error
    catalog = Catalog(domain=DOMAIN, creation_date=_stamp(settings), fuzzy=False)
    _header(catalog, settings)
    for filename, lineno, message, comments, context in extract_from_dir(
        settings.root, METHOD_MAP, OPTIONS_MAP, KEYWORDS, comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def catalog_bytes(catalog: Catalog, **options) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, include_previous=True, **options)
    return buffer.getvalue()


def write_template(settings: Settings) -> Path:
    path = pot_path(settings)
    write_file_atomic(path, catalog_bytes(extract(settings)))
    return path


def init(settings: Settings, locale: str) -> Path:
    template = extract(settings)
    catalog = Catalog(domain=DOMAIN, locale=Locale.parse(PSEUDO_LOCALES.get(locale, locale)),
                      creation_date=template.creation_date, fuzzy=False)
    _header(catalog, settings)
    catalog.revision_date = template.creation_date
    catalog.language_team = f"{catalog.locale.english_name} translators"
    catalog.update(template)
    path = po_path(settings, locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_file_atomic(path, catalog_bytes(catalog))
    return path


def update(settings: Settings, locales: list[str] | None = None) -> list[Path]:
    """Merge the new template into each catalog: new strings appear, changed ones turn fuzzy,
    removed ones are kept as obsolete (#~) entries, translator comments stay."""
    template = extract(settings)
    write_file_atomic(pot_path(settings), catalog_bytes(template))
    written = []
    for locale in locales or settings.target_locales:
        path = po_path(settings, locale)
        catalog = read_catalog(path, settings.relative(path), locale)
        catalog.update(template, update_header_comment=False)
        write_file_atomic(path, catalog_bytes(catalog))
        written.append(path)
    return written


def compile_catalogs(settings: Settings, locales: list[str] | None = None) -> list[Path]:
    """Write .mo files (for tools that want them; the build itself reads the PO files)."""
    written = []
    for locale in locales or settings.target_locales:
        path = po_path(settings, locale)
        catalog = read_catalog(path, settings.relative(path), locale)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        target = path.with_suffix(".mo")
        write_file_atomic(target, buffer.getvalue())
        written.append(target)
    return written
