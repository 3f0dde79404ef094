"""The clinic's terminology in locales/glossary.tbx: approved and forbidden terms per language,
checked by `newsletter i18n check` whatever the words' endings, and named to translators in the template's `#.` lines."""

from __future__ import annotations

import subprocess

import pytest
from defusedxml.ElementTree import parse

from tests.support.catalogs import catalog_path, read_po_file

TARGETS = ["es", "fr", "de", "ar", "zh_Hans"]
CONCEPTS = ["exosome", "stem-cell", "stromal-vascular-fraction", "fat-transfer", "regenerative-medicine", "fda",
            "clinic-name"]
PREHEADER = "Our surgeons answer your questions about exosomes, stem cells and the FDA."
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def preheader_line(path) -> int:
    """The line of the preheader's msgstr, where a finding about its translation is reported."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines.index(f'msgid "{PREHEADER}"') + 2


def test_the_glossary_holds_every_concept_in_every_language_with_approved_terms(project):
    root = parse(project / "locales/glossary.tbx").getroot()
    entries = {entry.get("id"): entry for entry in root.iter("termEntry")}
    assert list(entries) == CONCEPTS
    for concept, entry in entries.items():
        statuses = {}
        for lang_set in entry.iter("langSet"):
            statuses[lang_set.get(XML_LANG)] = [note.text for note in lang_set.iter("termNote")]
        assert set(statuses) == {"en", "es", "fr", "de", "ar", "zh-Hans"}, concept
        assert all("preferredTerm-admn-sts" in found for found in statuses.values()), concept
    forbidden = [note for note in root.iter("termNote") if note.text == "forbidden"]
    assert len(forbidden) >= 20


def test_translate_toolkit_reads_the_glossary_as_weblate_does(project):
    from translate.storage import tbx

    store = tbx.tbxfile.parsestring((project / "locales/glossary.tbx").read_bytes())
    assert [unit.source for unit in store.units] == ["exosome", "stem cell", "stromal vascular fraction", "fat transfer",
                                                     "regenerative medicine", "FDA", "Northside Plastic Surgery"]


def test_the_sample_translations_use_the_approved_terms_in_every_inflection(project, cli):
    german = catalog_path(project, "de").read_text(encoding="utf-8")
    assert "Stammzellen" in german and "Stammzelle " not in german  # only the plural: the term is singular
    assert "células madre" in catalog_path(project, "es").read_text(encoding="utf-8")
    done = cli("i18n", "check", cwd=project)
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize("locale, old, new, term", [
    ("de", "Stammzellen und der", "Stemzellen und der", "Stemzelle"),  # plural of a forbidden singular
    ("es", "células madre y la FDA.", "células tallo y la FDA.", "célula tallo"),
])
def test_a_forbidden_term_is_reported_with_file_and_line(project, cli, locale, old, new, term):
    path = catalog_path(project, locale)
    edit(path, old, new)
    done = cli("i18n", "check", "--locale", locale, cwd=project)
    assert done.returncode == 1
    where = f"locales/{locale}/LC_MESSAGES/newsletter.po:{preheader_line(path)}: warning: {locale}: forbidden-term: "
    assert f"{where}forbidden term {term!r} for 'stem cell'" in done.stdout


@pytest.mark.parametrize("locale, old, new, approved", [
    ("de", "Stammzellen und der", "Vorläuferzellen und der", "'Stammzelle'"),
    ("es", "células madre y la FDA.", "células progenitoras y la FDA.", "'célula madre' or 'célula troncal'"),
])
def test_a_missing_approved_term_is_reported_with_file_and_line(project, cli, locale, old, new, approved):
    path = catalog_path(project, locale)
    edit(path, old, new)
    done = cli("i18n", "check", "--locale", locale, cwd=project)
    assert done.returncode == 1
    where = f"locales/{locale}/LC_MESSAGES/newsletter.po:{preheader_line(path)}: warning: {locale}: approved-term: "
    assert f"{where}'stem cell' should be translated as {approved} (locales/glossary.tbx)" in done.stdout


def comments_of(path, msgid: str) -> list[str]:
    return next(m for m in read_po_file(path) if m.id == msgid).auto_comments


def test_extraction_and_update_name_the_terms_an_entry_uses(project, cli):
    assert cli("i18n", "update", cwd=project).returncode == 0
    template = " ".join(comments_of(project / "locales/newsletter.pot", PREHEADER))
    assert "Terms (locales/glossary.tbx): exosome, stem cell, FDA" in template
    german = " ".join(comments_of(catalog_path(project, "de"), PREHEADER))
    assert "stem cell = Stammzelle, not Stemzelle" in german
    assert "Terms" not in " ".join(comments_of(catalog_path(project, "de"), "Unsubscribe"))


@pytest.mark.parametrize("merge", [
    ["msgmerge", "-q", "--previous", "-o", "{po}", "{po}", "{pot}"],  # Weblate's msgmerge add-on, Poedit's "Update from POT"
    ["pybabel", "update", "-D", "newsletter", "-i", "{pot}", "-d", "locales", "-l", "de", "--previous"],
])
def test_the_hints_survive_a_merge_with_the_template(project, cli, merge):
    """A merge takes every `#.` line from the template ("extracted comments … are always taken from the POT
    file", GNU gettext manual, msgmerge Invocation; Babel's Catalog.update does the same): each language's
    hints are in the template, so they are in every catalog after msgmerge or pybabel update, as after
    `newsletter i18n update`."""
    assert cli("i18n", "update", cwd=project).returncode == 0
    german = catalog_path(project, "de")
    pot = project / "locales/newsletter.pot"
    command = [part.format(po=german, pot=pot) for part in merge]
    done = subprocess.run(command, cwd=project, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    hints = " ".join(comments_of(german, PREHEADER))
    assert "Terms in de: exosome = Exosom; stem cell = Stammzelle, not Stemzelle; FDA = FDA, not Drogenbehörde" in hints
    assert "Terms in fr: exosome = exosome, not exosôme; stem cell = cellule souche, not cellule tige" in hints


def test_update_is_byte_identical_when_run_twice(project, cli):
    cli("i18n", "update", cwd=project)
    first = {locale: catalog_path(project, locale).read_bytes() for locale in TARGETS}
    cli("i18n", "update", cwd=project)
    assert {locale: catalog_path(project, locale).read_bytes() for locale in TARGETS} == first


def test_a_broken_glossary_is_one_located_line(project, cli):
    glossary = project / "locales/glossary.tbx"
    edit(glossary, "<term>Stammzelle</term>", "<term>Stammzelle</trem>")
    done = cli("i18n", "check", cwd=project)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    line = next(n for n, text in enumerate(glossary.read_text().splitlines(), 1) if "</trem>" in text)
    assert done.stderr.startswith(f"error: locales/glossary.tbx:{line}:")
    assert "not well-formed XML: mismatched tag" in done.stderr


def test_an_entity_expanding_glossary_is_refused(project, cli):
    glossary = project / "locales/glossary.tbx"
    text = glossary.read_text(encoding="utf-8")
    bomb = '<!DOCTYPE martif [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
    glossary.write_text(text.replace("<martif", bomb + "<martif", 1), encoding="utf-8")
    done = cli("i18n", "check", cwd=project)
    assert done.returncode == 1
    assert done.stderr.strip() == ("error: locales/glossary.tbx: entity or DTD declarations are not allowed — "
                                   "remove the <!DOCTYPE …> internal subset and <!ENTITY …> lines")
