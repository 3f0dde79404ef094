"""The translators' commands: extract, init, update, compile — Babel's machinery with the
project's settings, so nobody has to remember pybabel flags.

Equivalent pybabel commands are listed in docs/translating.md.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import normalize, write_po

from newsletter.errors import Location, NewsletterError, Problem, UsageError
from newsletter.i18n.catalogs import po_path, pot_path, read_catalog
from newsletter.i18n.flags import mark_formats
from newsletter.i18n.glossary import Glossary, glossary_path, load_glossary, terms_comments
from newsletter.i18n.layout import Written, as_read, keep_layout
from newsletter.i18n.newlocale import settings_needed
from newsletter.i18n.limits import keep_template_limit, length_flags
from newsletter.i18n.plurals import language_rule
from newsletter.model.content import issue_paths, load_issue
from newsletter.model.settings import DOMAIN, PSEUDO_LOCALES, Settings
from newsletter.output import write_file_atomic

METHOD_MAP = [("issues/**.yaml", "newsletter_yaml"), ("templates/**.j2", "jinja2")]
OPTIONS_MAP = {"templates/**.j2": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
            "npgettext": ((1, "c"), 2, 3)}
_UTF8_BOM = "\ufeff".encode()
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
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context,
                    flags=length_flags(context))
    name_terms(catalog, project_glossary(settings), settings.target_locales)
    return catalog


def project_glossary(settings: Settings) -> Glossary:
    path = glossary_path(settings.locales_dir)
    return load_glossary(path, settings.relative(path))


def name_terms(catalog: Catalog, glossary: Glossary, locales: tuple[str, ...]) -> None:
    """`#.` lines on each entry of the template naming the glossary terms it uses, with each target language's
    approved and forbidden ones (glossary.terms_comments)."""
    for message in catalog:
        if message.id:
            english = " ".join(message.id) if isinstance(message.id, tuple) else message.id
            message.auto_comments = list(message.auto_comments) + terms_comments(glossary, english, locales)


def catalog_bytes(catalog: Catalog, before: Written | None = None) -> bytes:
    """The catalog as a PO file; with `before` (the file as it was read), in the file's own layout
    wherever the project changed nothing."""
    return keep_layout(_render(catalog), catalog, before)


def as_it_was(path: Path, display: str, locale: str | None = None) -> Written | None:
    """The catalog file as a translator's tool left it, for `catalog_bytes` to keep its layout."""
    if not path.is_file():
        return None
    return as_read(path.read_bytes().removeprefix(_UTF8_BOM), read_catalog(path, display, locale), _render)


def _render(catalog: Catalog) -> bytes:
    mark_formats(catalog)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, include_previous=True)
    return _write_obsolete_previous(_rewrite_previous(buffer.getvalue(), catalog), catalog)


_PREVIOUS_RUN = re.compile(rb"^(?:#\| .*\n)+", re.MULTILINE)


def _rewrite_previous(data: bytes, catalog: Catalog) -> bytes:
    """Write each `#|` previous msgid as GNU msgmerge does, one quoted line under another.

    Babel wraps a long previous msgid as a single comment (`#| msgid "" "Stem cells… (and`), which
    neither Babel nor Poedit reads back: the translator would lose the English they translated.
    """
    stale = [message for message in catalog if message.id and message.previous_id]
    runs = list(_PREVIOUS_RUN.finditer(data))
    if len(runs) != len(stale):
        return data
    pieces, end = [], 0
    for run, message in zip(runs, stale):
        pieces += [data[end:run.start()], _previous_lines(message).encode(catalog.charset)]
        end = run.end()
    return b"".join(pieces) + data[end:]


def _write_obsolete_previous(data: bytes, catalog: Catalog) -> bytes:
    """msgmerge keeps the English an obsolete fuzzy entry was translated from as `#~|` lines; Babel drops them.
    Babel writes the obsolete entries last, in order, each ending with a blank line."""
    obsolete = list(catalog.obsolete.values())
    blocks = data.split(b"\n\n")
    tail = blocks[len(blocks) - 1 - len(obsolete):-1]
    if not any(message.previous_id for message in obsolete) or not all(b"#~ msgid " in block for block in tail):
        return data
    for index, message in enumerate(obsolete):
        if message.previous_id:
            lines = tail[index].split(b"\n")
            first = next(number for number, line in enumerate(lines) if line.startswith(b"#~ "))
            previous = _previous_lines(message, prefix="#~|").encode(catalog.charset).splitlines()
            tail[index] = b"\n".join(lines[:first] + previous + lines[first:])
    return b"\n\n".join(blocks[:len(blocks) - 1 - len(obsolete)] + tail + [blocks[-1]])


def _previous_lines(message: Message, prefix: str = "#|") -> str:
    lines = []
    context = getattr(message, "previous_context", None)  # set by merge() or when the catalog was read
    previous = [("msgctxt", context)] if context is not None else []
    for keyword, text in previous + list(zip(("msgid", "msgid_plural"), message.previous_id)):
        quoted = normalize(text, width=WIDTH - 3).splitlines()
        lines += [f"{prefix} {keyword} {quoted[0]}", *(f"{prefix} {line}" for line in quoted[1:])]
    return "".join(f"{line}\n" for line in lines)


def write_template(settings: Settings) -> Path:
    path = pot_path(settings)
    before = as_it_was(path, settings.relative(path))
    write_file_atomic(path, catalog_bytes(extract(settings), before))
    return path


def init(settings: Settings, locale: str) -> Path:
    """Start the catalog of a new locale; a catalog already there is never overwritten."""
    _needs_a_catalog(settings, locale)
    language = _known_locale(locale)
    if str(language) != locale:  # pt-BR (BCP 47, as Weblate and the XLIFF write it) is pt_BR in the catalogs
        print(f"note: {locale} is written {language} in the catalogs and in newsletter.yaml", file=sys.stderr)
        locale = str(language)
    _needs_a_catalog(settings, locale)
    path = po_path(settings, locale)
    if path.exists():
        raise NewsletterError(Problem(Location(settings.relative(path)), "already exists",
                                      "use newsletter i18n update to merge new strings into it"))
    template = extract(settings)
    catalog = Catalog(domain=DOMAIN, locale=language, creation_date=template.creation_date, fuzzy=False)
    _header(catalog, settings)
    catalog.mime_headers = [("Plural-Forms", language_rule(str(catalog.locale)).header)]  # the rule check compares with
    catalog.revision_date = template.creation_date
    catalog.language_team = f"{catalog.locale.english_name} translators"
    catalog.update(template)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_file_atomic(path, catalog_bytes(catalog))
    needed = settings_needed(settings, locale)
    if needed:
        print(f"note: to send {locale}, add to newsletter.yaml (until a provider's list is there, that provider's "
              f"export leaves {locale} out, with a warning; every other command works):", file=sys.stderr)
        for line in needed:
            print(f"  {line}", file=sys.stderr)
    return path


def _needs_a_catalog(settings: Settings, locale: str) -> None:
    """The source language and the pseudo-locales are made from the English itself: a catalog would be ignored."""
    if locale in PSEUDO_LOCALES:
        raise UsageError(Problem(Location("newsletter i18n init"),
                                 f"{locale!r} is a pseudo-locale, made from the English when it is built",
                                 f"it needs no catalog: build or preview it as it is (newsletter build --locale {locale})"))
    if locale == settings.source_locale:
        raise UsageError(Problem(Location("newsletter i18n init"),
                                 f"{locale!r} is the source language: its text is the issues' and templates' own",
                                 "it needs no catalog: give the code of the language to translate into, such as es"))


def _known_locale(locale: str) -> Locale:
    """The Babel locale of a code typed on the command line; a typo is a usage error, worded as settings word it."""
    try:
        return Locale.parse(locale, sep="-" if "-" in locale else "_")
    except (UnknownLocaleError, ValueError):
        raise UsageError(Problem(Location("newsletter i18n init"), f"unknown locale {locale!r}",
                                 "use a CLDR locale code such as es, fr, de, ar or zh_Hans")) from None


def merge(catalog: Catalog, template: Catalog) -> None:
    """Babel's merge, keeping the previous English of entries still fuzzy (Babel forgets it once
    the new English is the entry's own, where msgmerge keeps it until the translator is done), and
    the previous context, which msgmerge writes as `#| msgctxt` and Babel does not keep at all."""
    previous = {(message.id, message.context): (message.previous_id, getattr(message, "previous_context", None))
                for message in catalog if message.fuzzy and message.previous_id}
    # The entry Babel's fuzzy matching takes an English text from: the last translated one with that text.
    contexts = {_singular(message.id): message.context for message in catalog if message.id and message.string}
    catalog.update(template, update_header_comment=False)
    for message in catalog:
        if message.id:
            keep_template_limit(message, template.get(message.id, message.context))
        if not message.fuzzy:
            continue
        if message.previous_id:  # matched by this update
            message.previous_context = contexts.get(message.previous_id[0])
        else:
            message.previous_id, message.previous_context = previous.get((message.id, message.context), ([], None))


def _singular(msgid: str | tuple[str, ...]) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def update(settings: Settings, locales: list[str] | None = None, compendia: list[Path] | None = None) -> list[Path]:
    """Merge the new template into each catalog: new strings appear, changed ones turn fuzzy,
    removed ones are kept as obsolete (#~) entries, translator comments stay. Entries still
    untranslated then take the translation a compendium has for the same msgctxt and msgid."""
    template = extract(settings)
    libraries = [read_catalog(path, settings.relative(path)) for path in compendia or []]
    pot = pot_path(settings)
    write_file_atomic(pot, catalog_bytes(template, as_it_was(pot, settings.relative(pot))))
    written = []
    for locale in locales or settings.target_locales:
        path = po_path(settings, locale)
        catalog = read_catalog(path, settings.relative(path), locale)
        before = as_it_was(path, settings.relative(path), locale)
        merge(catalog, template)
        fill_from_compendia(catalog, libraries)
        write_file_atomic(path, catalog_bytes(catalog, before))
        written.append(path)
    return written


def fill_from_compendia(catalog: Catalog, compendia: list[Catalog]) -> None:
    """What GNU msgmerge -C does with exact matches: an entry without a translation takes the first
    compendium's translation of the same msgctxt and msgid, fuzzy if it is fuzzy there. An entry
    already translated (or fuzzy) keeps its own."""
    for message in catalog:
        if not message.id or _translated(message):
            continue
        known = next((found for found in (library.get(message.id, message.context) for library in compendia)
                      if found is not None and found.id == message.id and _translated(found)), None)
        if known is not None:
            message.string = known.string
            message.flags |= {"fuzzy"} if known.fuzzy else set()


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


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
