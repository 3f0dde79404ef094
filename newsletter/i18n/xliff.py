"""XLIFF 1.2 for translation agencies, whose CAT tools (Trados, memoQ, Phrase) take XLIFF, not PO.

Export is translate-toolkit's po2xliff, plus what it leaves out: the entry's msgctxt (as the
`x-po-msgctxt` context translate-toolkit itself uses for alternative translations), its flags
(`x-po-flags`) and its length limit as XLIFF's own `maxwidth`, which CAT tools enforce. Then it is
made valid against the OASIS XLIFF 1.2 strict schema, which po2xliff's 1.1 output is not: the 1.2
namespace, context groups without names (a name must be unique in the whole file), `approved` on
trans-units only, BCP 47 language tags (zh-Hans, pt-BR), and no unit for the PO header. Each plural
unit names the CLDR form it stands for and carries the English form that reads the same numbers.

Import converts each unit with xliff2po and writes back what an agency changes — the translation, its
fuzzy state (XLIFF's `approved`) and the translator's comments — into the catalog; the rest of the
catalog (references, extracted comments, flags, obsolete entries, header) is the project's own.
An export imported unchanged leaves the catalog byte-identical.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.core import get_locale_identifier
from babel.messages.catalog import Catalog, Message
from lxml import etree

from newsletter.errors import Location, NewsletterError, Problem
from newsletter.i18n.catalogs import po_path, read_catalog
from newsletter.i18n.revision import Revision, read_revision, record_revision
from newsletter.i18n.workflow import as_it_was, catalog_bytes
from newsletter.model.settings import Settings
from newsletter.output import write_file_atomic

MAX_BYTES = 20_000_000  # an XLIFF of one newsletter catalog is a few hundred kilobytes
CONTEXT = "x-po-msgctxt"
FLAGS = "x-po-flags"
PLURAL_FORM = "x-cldr-plural-form"
XLIFF_1_2 = "urn:oasis:names:tc:xliff:document:1.2"
PLURAL_SAMPLES = range(1000)  # every CLDR category of every language has a number below 1000


@dataclass(frozen=True)
class PluralForm:
    """One of a catalog's plural forms: the CLDR category it is for, numbers it is for, and whether the
    English singular (not the plural) reads those numbers."""
    category: str
    numbers: tuple[int, ...]
    english_singular: bool


def bcp47(locale: str) -> str:
    """A catalog's CLDR identifier as the BCP 47 tag XLIFF's xml:lang type wants (zh_Hans → zh-Hans)."""
    parsed = Locale.parse(locale)
    return get_locale_identifier((parsed.language, parsed.territory, parsed.script, parsed.variant), sep="-")


def plural_forms(catalog: Catalog) -> list[PluralForm]:
    """Each plural form of the catalog (its Plural-Forms header says which numbers take it), named by the
    CLDR category of those numbers in its language, with the English form of the same numbers."""
    index_of = gettext.c2py(catalog.plural_expr)
    english = Locale("en").plural_form
    numbers: dict[int, list[int]] = {}
    for number in PLURAL_SAMPLES:
        numbers.setdefault(index_of(number), []).append(number)
    forms = []
    for index in range(catalog.num_plurals):
        sample = numbers.get(index, [])
        first = sample[0] if sample else None
        forms.append(PluralForm(catalog.locale.plural_form(first) if first is not None else "other",
                                tuple(sample[:4]), first is not None and english(first) == "one"))
    return forms


def export_xliff(po_data: bytes, po_display: str, source_language: str, target_language: str,
                 plurals: list[PluralForm]) -> bytes:
    """The catalog's bytes as XLIFF 1.2, as translate-toolkit writes it, with contexts, flags and limits."""
    from translate.convert.po2xliff import po2xliff
    from translate.storage import po

    class _WithContexts(po2xliff):
        def convertunit(self, outputstore, inputunit, filename):
            unit = super().convertunit(outputstore, inputunit, filename)
            _add_what_po2xliff_leaves_out(unit, inputunit)
            return unit

    store = po.pofile(po_data)
    store.filename = po_display  # the file's name in the project, never a path of the machine that exported it
    # Obsolete entries have nothing to translate; the header is the project's, not a segment.
    store.units = [unit for unit in store.units if not unit.isobsolete() and not unit.isheader()]
    # po2xliff writes one unit per form, its English the singular's where a language has one form (Chinese)
    english = {tuple(unit.source.strings)[0]: tuple(unit.source.strings)[:2] for unit in store.units if unit.hasplural()}
    converted = _WithContexts().convertstore(store, sourcelanguage=source_language, targetlanguage=target_language)
    root = _in_1_2_namespace(etree.fromstring(converted, etree.XMLParser(resolve_entities=False, no_network=True)))
    _valid_as_1_2(root, plurals, english)
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8") + b"\n"


def _in_1_2_namespace(old_root):
    """po2xliff writes 1.1 (its 1.2 store mixes both namespaces in plural groups): the same elements, in 1.2's."""
    for element in old_root.iter("{*}*"):
        element.tag = f"{{{XLIFF_1_2}}}{etree.QName(element).localname}"
    root = etree.Element(old_root.tag, dict(old_root.attrib), nsmap={None: XLIFF_1_2})
    root.set("version", "1.2")
    root.text = old_root.text
    root.extend(list(old_root))
    etree.cleanup_namespaces(root)
    return root


def _valid_as_1_2(root, plurals: list[PluralForm], plural_english: dict[str, tuple[str, ...]]) -> None:
    """What the 1.2 strict schema refuses in po2xliff's output, and what XLIFF 1.2 says a state means."""
    for element in root.iter(f"{{{XLIFF_1_2}}}context-group"):
        element.attrib.pop("name", None)  # unique in the whole file: translate-toolkit repeats po-entry per unit
    for group in root.iter(f"{{{XLIFF_1_2}}}group"):
        group.attrib.pop("approved", None)  # a trans-unit's attribute only
        if group.get("restype") == "x-gettext-plurals":
            _label_plurals(group, plurals, plural_english)
    for unit in root.iter(f"{{{XLIFF_1_2}}}trans-unit"):
        target = unit.find(f"{{{XLIFF_1_2}}}target")
        if target is not None and target.text and unit.get("approved") == "no":
            target.set("state", "needs-review-translation")  # fuzzy: translated, to be checked


def _label_plurals(group, plurals: list[PluralForm], plural_english: dict[str, tuple[str, ...]]) -> None:
    units = group.findall(f"{{{XLIFF_1_2}}}trans-unit")
    first = units[0].findtext(f"{{{XLIFF_1_2}}}source") if units else None
    english = plural_english.get(first) or [unit.findtext(f"{{{XLIFF_1_2}}}source") for unit in units[:2]]
    if plurals and len(units) > len(plurals):  # po2xliff writes English's two forms for a one-form language (Chinese)
        units[len(plurals) - 1].tail = units[-1].tail
        for extra in units[len(plurals):]:
            group.remove(extra)
        units = units[:len(plurals)]
    if len(units) != len(plurals) or len(english) < 2:
        return
    for unit, form in zip(units, plurals):
        source = unit.find(f"{{{XLIFF_1_2}}}source")
        source.text = english[0] if form.english_singular else english[1]
        context = etree.Element(f"{{{XLIFF_1_2}}}context-group", {"purpose": "information"})
        etree.SubElement(context, f"{{{XLIFF_1_2}}}context", {"context-type": PLURAL_FORM}).text = form.category
        note = etree.Element(f"{{{XLIFF_1_2}}}note", {"from": "developer"})
        numbers = ", ".join(str(number) for number in form.numbers)
        note.text = f"Plural form {form.category!r} (CLDR), for numbers such as {numbers}"
        last = unit[-1]
        context.tail, note.tail, last.tail = source.tail, last.tail, source.tail  # po2xliff's indentation
        unit.extend([context, note])


def _add_what_po2xliff_leaves_out(unit, inputunit) -> None:
    extra = [(CONTEXT, inputunit.getcontext())] if inputunit.getcontext() else []
    flags = _flags(inputunit)
    if flags:
        extra.append((FLAGS, ", ".join(flags)))
    if extra:
        unit.createcontextgroup("po-entry", extra, purpose="information")
    limit = next((int(flag.split(":", 1)[1]) for flag in flags if flag.startswith("max-length:")
                  and flag.split(":", 1)[1].isdigit()), None)
    if limit is not None:
        for element in _trans_units(unit):
            element.set("maxwidth", str(limit))
            element.set("size-unit", "char")


def _flags(inputunit) -> list[str]:
    """The entry's `#,` flags but fuzzy (the fuzzy state travels as XLIFF's approved attribute)."""
    return [flag.strip() for comment in inputunit.typecomments for flag in comment.lstrip("#,").split(",")
            if flag.strip() and flag.strip() != "fuzzy"]


def _trans_units(unit) -> list:
    element = unit.xmlelement
    if element.tag.endswith("trans-unit"):
        return [element]
    return [child for child in element.iter() if child.tag.endswith("trans-unit")]


@dataclass(frozen=True)
class ImportedUnit:
    context: str | None
    source: str | tuple[str, ...]
    target: str | tuple[str, ...]
    fuzzy: bool
    translator_comments: list[str]
    line: int


def read_xliff(data: bytes, display: str) -> tuple[str | None, list[ImportedUnit]]:
    """The target language and the units of an XLIFF file, each converted by xliff2po."""
    from translate.convert.xliff2po import xliff2po
    from translate.storage import poxliff

    if len(data) > MAX_BYTES:
        raise NewsletterError(Problem(Location(display), f"larger than {MAX_BYTES // 1_000_000} MB",
                                      "export one locale per file"))
    try:
        store = poxliff.PoXliffFile.parsestring(data)
    except Exception as error:  # lxml's XMLSyntaxError and translate-toolkit's own complaints alike
        line = getattr(error, "lineno", None)
        raise NewsletterError(Problem(Location(display, line), f"not an XLIFF file: {error}",
                                      "import the file the agency returned, as their tool saved it")) from None
    units = [_imported(unit, xliff2po.converttransunit(unit)) for unit in store.units if not unit.isheader()]
    return store.gettargetlanguage(), units


def _forms(text) -> list[str]:
    """A plural's forms: a multistring's strings, or the one form of a one-form language (Chinese) as a plain str."""
    return [str(form) for form in getattr(text, "strings", [text or ""])]


def _imported(unit, converted) -> ImportedUnit:
    contexts = [element.text for element in unit.xmlelement.iter("{*}context") if element.get("context-type") == CONTEXT]
    source = tuple(_forms(converted.source)) if unit.hasplural() else str(converted.source)
    target = tuple(_forms(converted.target)) if unit.hasplural() else str(converted.target or "")
    notes = converted.getnotes("translator")
    fuzzy = converted.isfuzzy()
    if unit.hasplural():  # XLIFF 1.2 has `approved` on each form's trans-unit, not on their group
        fuzzy = _filled(target) and any(form.get("approved") != "yes" for form in unit.xmlelement.iter("{*}trans-unit"))
    return ImportedUnit(contexts[0] if contexts else None, source, target, fuzzy,
                        notes.split("\n") if notes else [], unit.xmlelement.sourceline or 0)


def _filled(target: str | tuple[str, ...]) -> bool:
    return all(target) if isinstance(target, tuple) else bool(target)


def apply_units(catalog: Catalog, units: list[ImportedUnit], display: str, catalog_display: str) -> tuple[int, int]:
    """Write each unit's translation, fuzzy state and translator comments into the catalog. Returns how many
    entries changed, and how many of them in their translation or fuzzy state; a unit the catalog does not
    have is an error, nothing is applied."""
    pairs = [(_entry(catalog, unit, display, catalog_display), unit) for unit in units]
    changes = [_apply(message, unit, catalog.num_plurals) for message, unit in pairs]
    return sum(1 for change in changes if change), sum(1 for change in changes if change == "revised")


def _entry(catalog: Catalog, unit: ImportedUnit, display: str, catalog_display: str) -> Message:
    message = catalog.get(unit.source, unit.context) if isinstance(unit.source, str) else _plural(catalog, unit)
    if message is None or message.id != unit.source and isinstance(unit.source, str):
        english = unit.source[0] if isinstance(unit.source, tuple) else unit.source
        context = f" (msgctxt {unit.context!r})" if unit.context else ""
        raise NewsletterError(Problem(Location(display, unit.line), f"{_short(english)!r}{context} is not in {catalog_display}",
                                      "export the locale again (newsletter i18n export) and send the agency the new file"))
    return message


def _plural(catalog: Catalog, unit: ImportedUnit) -> Message | None:
    """A plural unit's entry: each of its forms carries the English singular or plural, as its numbers read."""
    found = [message for message in catalog if isinstance(message.id, tuple) and message.context == unit.context
             and set(unit.source) <= set(message.id)]
    return found[0] if len(found) == 1 else None


def _apply(message: Message, unit: ImportedUnit, forms: int) -> str | None:
    """'revised' when the translation or its fuzzy state changed, 'comments' when only the comments did."""
    before = (message.string, message.fuzzy, list(message.user_comments))
    # XLIFF has a unit for the English singular and plural; the catalog has its language's forms (Chinese: one).
    message.string = unit.target[:forms] if isinstance(unit.target, tuple) else unit.target
    if unit.fuzzy and _filled(message.string):
        message.flags.add("fuzzy")
    else:
        message.flags.discard("fuzzy")
    message.user_comments = unit.translator_comments
    if before[:2] != (message.string, message.fuzzy):
        return "revised"
    return "comments" if before[2] != message.user_comments else None


def _short(text: str) -> str:
    return text if len(text) <= 50 else text[:47] + "..."


def export_locale(settings: Settings, locale: str, out: Path) -> Path:
    """Write `<out>/<locale>.xlf` from the locale's catalog (read first, so a broken catalog stops here)."""
    path = po_path(settings, locale)
    display = settings.relative(path)
    catalog = read_catalog(path, display, locale)
    target = out / f"{locale}.xlf"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_file_atomic(target, export_xliff(path.read_bytes(), display, bcp47(settings.source_locale), bcp47(locale),
                                           plural_forms(catalog)))
    return target


@dataclass(frozen=True)
class Imported:
    catalog: Path
    changed: int  # entries changed
    revision: Revision | None  # recorded in the header when a translation changed


def import_file(settings: Settings, xliff: Path, display: str, locale: str | None = None,
                translator: str | None = None) -> Imported:
    """Bring an agency's XLIFF back into its locale's catalog; the catalog is rewritten only when it changed,
    and its header records the revision (i18n/revision.py) only when a translation changed."""
    data = _read(xliff, display)
    language, units = read_xliff(data, display)
    locale = locale or _locale_of(language, settings, display)
    path = po_path(settings, locale)
    catalog_display = settings.relative(path)
    catalog = read_catalog(path, catalog_display, locale)
    before = as_it_was(path, catalog_display, locale)
    changed, revised = apply_units(catalog, units, display, catalog_display)
    revision = None
    if revised:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
        revision = read_revision(root, xliff, translator)
        record_revision(catalog, revision)
    if changed:
        write_file_atomic(path, catalog_bytes(catalog, before))
    return Imported(path, changed, revision)


def _locale_of(language: str | None, settings: Settings, display: str) -> str:
    """The catalog an XLIFF belongs to, from its target-language (zh-Hans and zh_Hans alike)."""
    wanted = (language or "").replace("-", "_")
    if wanted in settings.target_locales:
        return wanted
    raise NewsletterError(Problem(Location(display), f"target-language {language!r} is not one of the target locales "
                                  f"({', '.join(settings.target_locales)})", "give the catalog with --locale L"))


def _read(path: Path, display: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise NewsletterError(Problem(Location(display), "no such file", "give the path of the XLIFF file to import")) from None
