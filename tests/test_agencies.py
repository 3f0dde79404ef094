"""Agencies and tools: XLIFF export/import through translate-toolkit, the compendium as GNU msgmerge -C
has it, and the Weblate component configuration that docs/translating.md gives."""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml
from lxml import etree
from translate.storage import factory

from newsletter.i18n.catalogs import read_catalog
from newsletter.i18n.workflow import catalog_bytes
from tests.support.catalogs import catalog_path, read_po_file

REPO = Path(__file__).resolve().parent.parent
TARGETS = ["es", "fr", "de", "ar", "zh_Hans"]
XLIFF = "{urn:oasis:names:tc:xliff:document:1.2}"
HEADING = "      - heading: What Are Exosomes?\n"
CHANGED_HEADING = "      - heading: What Exactly Are Exosomes?\n"


def entries(path):
    """(context, msgid) → (msgstr, fuzzy) of every live entry, as Babel reads the file."""
    return {(m.context, m.id): (m.string, m.fuzzy) for m in read_po_file(path) if m.id}


def give_the_catalogs_every_kind_of_entry(project, cli):
    """A fuzzy entry with its previous English, an obsolete one, a translator's comment, an untranslated one."""
    issue = project / "issues/2026-11.yaml"
    issue.write_text(issue.read_text().replace(HEADING, CHANGED_HEADING))
    text = issue.read_text()
    issue.write_text(text.replace("      - heading: Legality of Exosomes\n", "      - heading: Exosomes and the Law\n"))
    assert cli("i18n", "update", cwd=project).returncode == 0
    for locale in TARGETS:
        path = catalog_path(project, locale)
        text = path.read_text(encoding="utf-8")
        comment = "# Keep it short: it is also the web page title.\n"
        title = "#. Issue 2026-11: title of article"
        text = text.replace(title, comment + title, 1)  # first, where Poedit and msgmerge write a translator's comment
        path.write_text(text, encoding="utf-8")
    assert cli("i18n", "update", cwd=project).returncode == 0
    text = (project / "locales/de/LC_MESSAGES/newsletter.po").read_text(encoding="utf-8")
    assert "#, fuzzy" in text and "#| msgid" in text and "#~ msgid" in text and 'msgstr ""\n\n' in text


def blank(path) -> bytes:
    """The catalog with every translation, fuzzy flag and translator comment taken out (an agency fills them)."""
    original = path.read_bytes()
    catalog = read_catalog(path, path.name, path.parent.parent.name)  # as the project reads it, `#|` lines included
    for message in catalog:
        if message.id:
            message.string = tuple("" for _ in message.string) if isinstance(message.string, tuple) else ""
            message.flags.discard("fuzzy")
            message.user_comments = []
    path.write_bytes(catalog_bytes(catalog))
    assert path.read_bytes() != original
    return original


def without_revision_date(data: bytes) -> bytes:
    return re.sub(rb'"PO-Revision-Date: [^"]*"\n', b"", data)


def test_an_xliff_round_trip_leaves_every_catalog_byte_identical(project, cli):
    """Everything comes back byte for byte; the header's PO-Revision-Date records the import (the XLIFF's
    save time: the exported file names no phase)."""
    give_the_catalogs_every_kind_of_entry(project, cli)
    assert cli("i18n", "export", "--format", "xliff", cwd=project).returncode == 0
    originals = {locale: blank(catalog_path(project, locale)) for locale in TARGETS}
    files = [f"dist/xliff/{locale}.xlf" for locale in TARGETS]
    done = cli("i18n", "import", *files, cwd=project)
    assert done.returncode == 0, done.stderr
    for locale in TARGETS:
        assert without_revision_date(catalog_path(project, locale).read_bytes()) == without_revision_date(originals[locale])


PHASE = ('<header><phase-group><phase phase-name="tr1" process-name="translation" company-name="Agence Lumière" '
         'contact-name="Claire Martin" contact-email="claire@lumiere.example" date="2026-11-28T10:15:42Z"/>'
         '</phase-group></header>')


def agency_returns(project, cli, phase: str | None) -> Path:
    """The French XLIFF as an agency's tool returns it: one translation changed, maybe a phase naming them."""
    assert cli("i18n", "export", "--locale", "fr", cwd=project).returncode == 0
    xliff = project / "dist/xliff/fr.xlf"
    text = xliff.read_text(encoding="utf-8").replace("<target state=\"translated\">Se désabonner</target>",
                                                     "<target state=\"translated\">Vous désabonner</target>")
    xliff.write_text(text.replace("<body>", (phase or "") + "<body>", 1), encoding="utf-8")
    return xliff


def test_an_import_records_who_revised_the_translation_and_when(project, cli):
    """What Poedit, pybabel and translate-toolkit do when they write a translation: the header's
    PO-Revision-Date and Last-Translator (GNU gettext manual, "Header Entry":
    https://www.gnu.org/software/gettext/manual/html_node/Header-Entry.html). Taken from the XLIFF 1.2
    <phase> (contact-name, contact-email, date: https://docs.oasis-open.org/xliff/v1.2/os/xliff-core.html#phase),
    so the same file imported twice, or into two copies, gives the same bytes; the file stays valid."""
    xliff = agency_returns(project, cli, PHASE)
    oasis_xliff_1_2_schema().assertValid(etree.parse(str(xliff)))
    french = catalog_path(project, "fr")
    before = french.read_text(encoding="utf-8").splitlines()
    done = cli("i18n", "import", "dist/xliff/fr.xlf", cwd=project)
    assert done.returncode == 0 and "1 entry changed" in done.stderr, done.stderr
    after = french.read_text(encoding="utf-8").splitlines()
    changed = [line for line in difflib.unified_diff(before, after, lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert sorted(line for line in changed if line[0] == "+") == [
        '+"Last-Translator: Claire Martin <claire@lumiere.example>\\n"',
        '+"PO-Revision-Date: 2026-11-28 10:15+0000\\n"',
        '+msgstr "Vous désabonner"'], changed  # nothing else of the catalog is rewritten
    imported = french.read_bytes()
    again = cli("i18n", "import", "dist/xliff/fr.xlf", cwd=project)
    assert again.returncode == 0 and "0 entries changed" in again.stderr
    assert french.read_bytes() == imported
    check = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(french)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_without_a_phase_the_date_is_the_files_and_the_translator_is_given(project, cli):
    """An XLIFF without a <phase>: the date is when the agency's tool saved it (its modification time, the
    same on every rerun), the translator is --translator's, and the import says where each came from."""
    xliff = agency_returns(project, cli, None)
    os.utime(xliff, (1764325500, 1764325500))  # 2025-11-28 10:25 UTC
    french = catalog_path(project, "fr")
    original, kept = french.read_bytes(), read_po_file(french).last_translator
    done = cli("i18n", "import", "dist/xliff/fr.xlf", "--translator", "Agence Lumière <pm@lumiere.example>", cwd=project)
    assert done.returncode == 0, done.stderr
    header = read_po_file(french)
    assert header.last_translator == "Agence Lumière <pm@lumiere.example>"
    assert header.revision_date.strftime("%Y-%m-%d %H:%M%z") == "2025-11-28 10:25+0000"
    assert "PO-Revision-Date: 2025-11-28 10:25 UTC, from dist/xliff/fr.xlf: when the file was saved" in done.stderr
    french.write_bytes(original)
    done = cli("i18n", "import", "dist/xliff/fr.xlf", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "Last-Translator: unchanged — the file names no translator" in done.stderr
    assert read_po_file(french).last_translator == kept
    assert read_po_file(french).revision_date == header.revision_date  # the same file, the same date



def test_the_xliff_carries_contexts_comments_flags_limits_and_fuzzy_state(project, cli):
    give_the_catalogs_every_kind_of_entry(project, cli)
    cli("i18n", "export", cwd=project)
    store = factory.getobject(str(project / "dist/xliff/de.xlf"))
    assert store.gettargetlanguage() == "de"
    root = etree.parse(str(project / "dist/xliff/de.xlf")).getroot()
    subject = next(unit for unit in root.iter(f"{XLIFF}trans-unit")
                   if unit.findtext(f"{XLIFF}source", "").startswith("Exosomes in plastic surgery"))
    assert subject.get("maxwidth") == "60" and subject.get("size-unit") == "char"
    contexts = {c.get("context-type"): c.text for c in subject.iter(f"{XLIFF}context")}
    assert contexts["x-po-msgctxt"] == "email subject"
    assert contexts["x-po-flags"] == "max-length:60"
    assert "subject line of the email" in contexts["x-po-autocomment"]
    fuzzy = next(unit for unit in root.iter(f"{XLIFF}trans-unit")
                 if unit.findtext(f"{XLIFF}source") == "What Exactly Are Exosomes?")
    assert fuzzy.get("approved") == "no"
    assert fuzzy.find(f"{XLIFF}target").get("state") not in ("translated", "final", "signed-off")
    commented = [unit for unit in root.iter(f"{XLIFF}trans-unit")
                 if "Keep it short" in "".join(n.text or "" for n in unit.iter(f"{XLIFF}note"))]
    assert len(commented) == 1


def test_the_export_is_deterministic(project, cli):
    cli("i18n", "export", cwd=project)
    first = {locale: (project / f"dist/xliff/{locale}.xlf").read_bytes() for locale in TARGETS}
    cli("i18n", "export", cwd=project)
    assert {locale: (project / f"dist/xliff/{locale}.xlf").read_bytes() for locale in TARGETS} == first
    assert b"/tmp" not in first["de"] and b'original="locales/de/LC_MESSAGES/newsletter.po"' in first["de"]


def test_an_agencys_reviewed_translation_comes_back_approved(project, cli):
    give_the_catalogs_every_kind_of_entry(project, cli)
    cli("i18n", "export", "--locale", "de", cwd=project)
    xliff = project / "dist/xliff/de.xlf"
    tree = etree.parse(str(xliff))
    unit = next(u for u in tree.iter(f"{XLIFF}trans-unit") if u.findtext(f"{XLIFF}source") == "What Exactly Are Exosomes?")
    unit.set("approved", "yes")
    unit.find(f"{XLIFF}target").text = "Was genau sind Exosomen?"
    unit.find(f"{XLIFF}target").set("state", "translated")
    tree.write(str(xliff), xml_declaration=True, encoding="UTF-8")
    done = cli("i18n", "import", "dist/xliff/de.xlf", cwd=project)
    assert done.returncode == 0 and "1 entry changed" in done.stderr
    german = catalog_path(project, "de")
    assert entries(german)[("section heading", "What Exactly Are Exosomes?")] == ("Was genau sind Exosomen?", False)
    check = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(german)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_a_unit_the_catalog_does_not_have_is_refused_with_its_line(project, cli):
    cli("i18n", "export", "--locale", "es", cwd=project)
    xliff = project / "dist/xliff/es.xlf"
    text = xliff.read_text(encoding="utf-8")
    xliff.write_text(text.replace("<source>Unsubscribe</source>", "<source>Unsubscribe now</source>"), encoding="utf-8")
    line = next(n for n, row in enumerate(xliff.read_text().splitlines(), 1) if "Unsubscribe now" in row) - 1
    before = catalog_path(project, "es").read_bytes()
    done = cli("i18n", "import", "dist/xliff/es.xlf", cwd=project)
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: dist/xliff/es.xlf:{line}: 'Unsubscribe now' is not in "
                                  "locales/es/LC_MESSAGES/newsletter.po")
    assert catalog_path(project, "es").read_bytes() == before


def test_an_agencys_lost_placeholder_and_added_markup_are_said_at_import(project, cli):
    cli("i18n", "export", "--locale", "es", cwd=project)
    xliff = project / "dist/xliff/es.xlf"
    tree = etree.parse(str(xliff))
    unit = next(u for u in tree.iter(f"{XLIFF}trans-unit") if u.findtext(f"{XLIFF}source") == "Unsubscribe")
    unit.find(f"{XLIFF}target").text = "<b>Cancelar</b> la suscripción"
    tree.write(str(xliff), xml_declaration=True, encoding="UTF-8")
    done = cli("i18n", "import", "dist/xliff/es.xlf", cwd=project)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "1 entry changed" in done.stderr  # the agency's work is in the catalog, to be fixed there
    problem = next(line for line in done.stdout.splitlines() if "markup" in line)
    assert problem.startswith("locales/es/LC_MESSAGES/newsletter.po:"), done.stdout
    assert cli("i18n", "check", "--locale", "es", cwd=project).stdout == done.stdout


NEW_PARAGRAPH = "Our office is closed on the 24th and 25th of December."


def test_a_compendium_fills_what_gnu_msgmerge_C_fills(project, cli, tmp_path):
    """The same compendium given to `newsletter i18n update --compendium` and to `msgmerge -N -C`."""
    issue = project / "issues/2026-11.yaml"
    issue.write_text(issue.read_text().replace(
        "      - paragraphs:\n          - >-\n", f"      - paragraphs:\n          - {NEW_PARAGRAPH}\n          - >-\n", 1))
    catalog = catalog_path(project, "de")
    catalog.write_text(catalog.read_text(encoding="utf-8").replace('msgstr "Kontakt"', 'msgstr ""'), encoding="utf-8")
    compendium = tmp_path / "clinic-de.po"
    compendium.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: de\\n"\n\n'
        f'msgid "{NEW_PARAGRAPH}"\nmsgstr "Unsere Praxis ist am 24. und 25. Dezember geschlossen."\n\n'
        'msgctxt "button"\nmsgid "Contact Us"\nmsgstr "Kontaktieren Sie uns"\n\n'
        'msgid "Contact Us"\nmsgstr "Ohne Kontext: nie genommen"\n\n'
        '#, fuzzy\nmsgctxt "button"\nmsgid "FAQs"\nmsgstr "Schon übersetzt: nie genommen"\n\n'
        'msgid "Unsubscribe"\nmsgstr "Anders übersetzt: nie genommen"\n', encoding="utf-8")
    gnu = tmp_path / "gnu"
    gnu.mkdir()
    shutil.copy(catalog, gnu / "de.po")
    assert cli("i18n", "extract", cwd=project).returncode == 0
    merged = subprocess.run(["msgmerge", "-q", "-N", "-C", str(compendium), "-o", str(gnu / "merged.po"), str(gnu / "de.po"),
                             str(project / "locales/newsletter.pot")], capture_output=True, text=True)
    assert merged.returncode == 0, merged.stderr

    done = cli("i18n", "update", "--locale", "de", "--compendium", str(compendium), cwd=project)
    assert done.returncode == 0, done.stderr
    ours, theirs = entries(catalog), entries(gnu / "merged.po")
    assert ours == theirs
    assert ours[(None, NEW_PARAGRAPH)] == ("Unsere Praxis ist am 24. und 25. Dezember geschlossen.", False)
    assert ours[("button", "Contact Us")] == ("Kontaktieren Sie uns", False)
    assert ours[(None, "Unsubscribe")][0] != "Anders übersetzt: nie genommen"


def weblate_component() -> dict:
    text = (REPO / "docs/translating.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n# Weblate component\n(.*?)```", text, re.DOTALL)
    assert block, "docs/translating.md has no Weblate component block"
    return yaml.safe_load(block.group(1))



def test_the_weblate_component_in_the_docs_matches_the_project(project):
    component = weblate_component()
    assert component["file_format"] == "po"
    found = sorted(path.relative_to(project).as_posix() for path in project.glob(component["filemask"]))
    assert found == sorted(f"locales/{locale}/LC_MESSAGES/newsletter.po" for locale in TARGETS)
    assert read_po_file(project / component["new_base"]).locale is None  # a template, not a translation
    assert component["template"] == ""  # bilingual: the English is each entry's msgid
    assert "md-text" in component["check_flags"]
    assert {addon["name"] for addon in component["addons"]} >= {"weblate.gettext.msgmerge"}


def test_weblates_msgmerge_add_on_keeps_what_the_project_needs(project, cli):
    """The add-on runs `msgmerge --previous` on every file of the mask with the template, when it changes."""
    component = weblate_component()
    addon = next(addon for addon in component["addons"] if addon["name"] == "weblate.gettext.msgmerge")
    assert addon["configuration"]["previous"] is True
    issue = project / "issues/2026-11.yaml"
    issue.write_text(issue.read_text().replace(HEADING, CHANGED_HEADING))
    assert cli("i18n", "extract", cwd=project).returncode == 0
    before = {locale: entries(catalog_path(project, locale)) for locale in TARGETS}
    for path in project.glob(component["filemask"]):
        done = subprocess.run(["msgmerge", "-q", "--previous", "-o", str(path), str(path), str(project / component["new_base"])],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        check = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
    for locale in TARGETS:
        heading = next(m for m in read_po_file(catalog_path(project, locale)) if m.id == "What Exactly Are Exosomes?")
        assert heading.fuzzy and heading.string == before[locale][("section heading", "What Are Exosomes?")][0]
    assert cli("i18n", "check", cwd=project).returncode == 0
    # Limits hold even where msgmerge dropped the flag it does not know, and update writes the flags back.
    german = catalog_path(project, "de")
    german.write_text(german.read_text(encoding="utf-8").replace(
        'msgstr "Beratungstermin vereinbaren"', 'msgstr "Vereinbaren Sie noch heute Ihren Beratungstermin"'), encoding="utf-8")
    done = cli("i18n", "check", "--locale", "de", cwd=project)
    assert done.returncode == 1 and "max-length: 48 characters, over the limit of 30" in done.stdout
    assert cli("i18n", "update", cwd=project).returncode == 0
    for locale in TARGETS:
        subject = next(m for m in read_po_file(catalog_path(project, locale)) if m.context == "email subject")
        assert "max-length:60" in subject.flags


def oasis_xliff_1_2_schema() -> etree.XMLSchema:
    """The OASIS XLIFF 1.2 strict schema (https://docs.oasis-open.org/xliff/v1.2/os/xliff-core-1.2-strict.xsd,
    OASIS copyright notice in the file) and W3C's xml.xsd it imports, as Debian's php-symfony-translation
    ships them (.ci/install): the import's web address is answered from the package, nothing is fetched."""
    listed = subprocess.run(["dpkg-query", "-L", "php-symfony-translation"], capture_output=True, text=True, check=True)
    schema = next(Path(line) for line in listed.stdout.splitlines() if line.endswith("/xliff-core-1.2-strict.xsd"))

    class Packaged(etree.Resolver):
        def resolve(self, url, public_id, context):
            if url == "http://www.w3.org/2001/xml.xsd":
                return self.resolve_filename(str(schema.with_name("xml.xsd")), context)
            return None

    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(Packaged())
    return etree.XMLSchema(etree.parse(str(schema), parser))


def test_every_export_validates_against_the_oasis_xliff_1_2_schema(project, cli):
    """XLIFF 1.2 (https://docs.oasis-open.org/xliff/v1.2/os/xliff-core.html): language tags are BCP 47 (xml:lang,
    RFC 4646: zh-Hans, as Babel composes it), `approved` belongs to trans-unit, a context-group name is unique
    in the file, a translated unit still to be reviewed is `needs-review-translation`; the PO header is no segment."""
    from babel import Locale

    give_the_catalogs_every_kind_of_entry(project, cli)
    assert cli("i18n", "export", cwd=project).returncode == 0
    schema = oasis_xliff_1_2_schema()
    for locale in TARGETS:
        tree = etree.parse(str(project / f"dist/xliff/{locale}.xlf"))
        assert schema.validate(tree), (locale, [str(error) for error in schema.error_log][:5])
        parsed = Locale.parse(locale)
        tag = "-".join(part for part in (parsed.language, parsed.script, parsed.territory) if part)
        assert tree.find(f"{XLIFF}file").get("target-language") == tag
        assert not [unit for unit in tree.iter(f"{XLIFF}trans-unit") if unit.get("restype") == "x-gettext-domain-header"]
    assert etree.parse(str(project / "dist/xliff/zh_Hans.xlf")).find(f"{XLIFF}file").get("target-language") == "zh-Hans"
    german = etree.parse(str(project / "dist/xliff/de.xlf"))
    fuzzy = next(unit for unit in german.iter(f"{XLIFF}trans-unit") if unit.findtext(f"{XLIFF}source") == "What Exactly Are Exosomes?")
    assert fuzzy.find(f"{XLIFF}target").get("state") == "needs-review-translation"


def test_arabic_plural_units_name_their_cldr_form_and_carry_the_english_that_reads_the_same_numbers(project, cli):
    """Arabic has CLDR's six categories (https://www.unicode.org/cldr/charts/latest/supplemental/language_plural_rules.html);
    its gettext form 0 is for 0, which English reads with the plural ("0 minutes"), form 1 for 1 (the singular)."""
    from babel import Locale

    assert cli("i18n", "export", "--locale", "ar", cwd=project).returncode == 0
    tree = etree.parse(str(project / "dist/xliff/ar.xlf"))
    group = next(group for group in tree.iter(f"{XLIFF}group") if group.get("restype") == "x-gettext-plurals")
    units = group.findall(f"{XLIFF}trans-unit")
    forms = [next(c.text for c in unit.iter(f"{XLIFF}context") if c.get("context-type") == "x-cldr-plural-form") for unit in units]
    assert sorted(forms) == sorted(Locale.parse("ar").plural_form.tags | {"other"})
    english = {form: unit.findtext(f"{XLIFF}source") for form, unit in zip(forms, units)}
    assert english["zero"] == english["two"] == english["other"] == "Reading time: %(num)d minutes"
    assert english["one"] == "Reading time: %(num)d minute"


def test_a_one_form_language_has_one_plural_unit_named_other_that_an_agency_edit_brings_back(project, cli):
    """Chinese has one CLDR category, `other` (https://www.unicode.org/cldr/charts/latest/supplemental/
    language_plural_rules.html), and one msgstr; po2xliff wrote English's two forms, the second an empty
    target a CAT tool counts as untranslated. One unit, read with the English plural, round-trips."""
    from babel import Locale

    assert Locale.parse("zh_Hans").plural_form.tags == set()  # no category but `other`
    assert cli("i18n", "export", "--locale", "zh_Hans", cwd=project).returncode == 0
    exported = project / "dist/xliff/zh_Hans.xlf"
    tree = etree.parse(str(exported))
    group = next(group for group in tree.iter(f"{XLIFF}group") if group.get("restype") == "x-gettext-plurals")
    (unit,) = group.findall(f"{XLIFF}trans-unit")
    assert [c.text for c in unit.iter(f"{XLIFF}context") if c.get("context-type") == "x-cldr-plural-form"] == ["other"]
    assert unit.findtext(f"{XLIFF}source") == "Reading time: %(num)d minutes"
    unit.find(f"{XLIFF}target").text = "阅读：%(num)d分钟"  # the agency's edit
    tree.write(str(exported), xml_declaration=True, encoding="UTF-8")
    result = cli("i18n", "import", str(exported), cwd=project)
    assert result.returncode == 0, result.stderr
    assert 'msgstr[0] "阅读：%(num)d分钟"' in (project / "locales/zh_Hans/LC_MESSAGES/newsletter.po").read_text(encoding="utf-8")
