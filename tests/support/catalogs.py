"""Editing a project's PO catalogs as a translator's tool saves them: read and written by Babel, the library the
build itself reads them with (write_po at width 76, as `newsletter i18n update` writes)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po


def catalog_path(project: Path, locale: str) -> Path:
    """The project's catalog of one locale."""
    return project / "locales" / locale / "LC_MESSAGES" / "newsletter.po"


def read_po_file(path: Path, locale: str | None = None) -> Catalog:
    with open(path, "rb") as handle:
        return read_po(handle, locale=locale)


def write_po_file(path: Path, catalog: Catalog) -> None:
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=76)


@contextmanager
def editing_catalog(path: Path, locale: str | None = None) -> Iterator[Catalog]:
    """The catalog read, changed by the caller, and written back when the block ends."""
    catalog = read_po_file(path, locale)
    yield catalog
    write_po_file(path, catalog)
