"""`newsletter i18n check`: the checks the build applies to every translation (qa, errors: the build
refuses the translation), and the advice only a translator can act on (warnings: the translation ships)
— length limits and, per locale, the clinic's terminology (locales/glossary.tbx).

A translation over its length limit still ships (the pre-send check warns about a long subject); the
translator sees it here, with the entry's file and line, as Weblate shows it while typing.
"""

from __future__ import annotations

from collections.abc import Callable

from babel.messages.catalog import Message

from newsletter.i18n.catalog_qa import WARNING, CatalogFinding, check_catalogs
from newsletter.i18n.catalogs import header_line, load_catalog, po_path
from newsletter.i18n.plurals import header_fix, header_problem
from newsletter.i18n.glossary import check_approved_terms, check_forbidden_terms, glossary_path, load_glossary
from newsletter.i18n.limits import check_display_width, check_max_length
from newsletter.model.settings import Settings

EntryCheck = Callable[[Message], str | None]


def translator_checks(settings: Settings, locale: str) -> dict[str, EntryCheck]:
    """The translator-only checks for one locale, by the name shown in their findings."""
    path = glossary_path(settings.locales_dir)
    glossary = load_glossary(path, settings.relative(path))
    return {"max-length": check_max_length,
            "display-width": check_display_width,
            "forbidden-term": check_forbidden_terms(glossary, locale),
            "approved-term": check_approved_terms(glossary, locale)}


def review_catalogs(settings: Settings, locales: list[str] | None = None) -> list[CatalogFinding]:
    """Every finding of `newsletter i18n check`, in catalog order, then line order."""
    chosen = list(locales or settings.target_locales)
    found = check_catalogs(settings, chosen)
    for locale in chosen:
        found += _header_findings(settings, locale) + _translator_findings(settings, locale)
    return sorted(found, key=lambda finding: (chosen.index(finding.locale), finding.line, finding.check))


def _translator_findings(settings: Settings, locale: str) -> list[CatalogFinding]:
    catalog, display = load_catalog(settings, locale), settings.relative(po_path(settings, locale))
    checks = translator_checks(settings, locale)
    found = []
    for message in catalog:
        if not message.id or not message.string or message.fuzzy:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        for name, check in checks.items():
            problem = check(message)
            if problem:
                found.append(CatalogFinding(display, message.lineno, locale, msgid, name, problem, WARNING))
    return found


def _header_findings(settings: Settings, locale: str) -> list[CatalogFinding]:
    """A Plural-Forms header that is not the language's rule (newsletter.i18n.plurals): every plural string
    would take the wrong form for some counts."""
    catalog, path = load_catalog(settings, locale), po_path(settings, locale)
    language = catalog.locale.english_name if catalog.locale else locale
    problem = header_problem(locale, catalog.num_plurals, catalog.plural_expr, language)
    if problem is None:
        return []
    line = header_line(path.read_text(encoding="utf-8"), "Plural-Forms") or 1
    return [CatalogFinding(settings.relative(path), line, locale, "", "plural-rule",
                           f"{problem} — {header_fix(locale)}", WARNING)]
