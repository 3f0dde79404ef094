"""The translators' workflow: extract, update, status, checks, and catalogs any tool accepts."""

from __future__ import annotations

import gettext
import json
import re
import shutil
import subprocess

import pytest
from babel.messages.plurals import get_plural

from tests.support.catalogs import catalog_path, read_po_file

TARGETS = ["es", "fr", "de", "ar", "zh_Hans"]
SEED_PARAGRAPH = "Stem cells are all the rave right now in plastic surgery"


def messages(catalog):
    return {(m.context, m.id) for m in catalog if m.id}


def newsletter_catalog(project, locale):
    """The catalog as the project reads it (Babel's reader, plus the `#|` previous msgid)."""
    from newsletter.i18n.catalogs import read_catalog as read_project_catalog

    return read_project_catalog(catalog_path(project, locale), locale, locale)


def test_pybabel_and_newsletter_extract_the_same_messages(project, cli):
    done = subprocess.run(["pybabel", "extract", "-F", "babel.cfg", "-o", "pybabel.pot", "."],
                          cwd=project, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert cli("i18n", "extract", cwd=project).returncode == 0
    ours, theirs = read_po_file(project / "locales/newsletter.pot"), read_po_file(project / "pybabel.pot")
    assert messages(ours) == messages(theirs)
    paragraph = next(m for m in ours if isinstance(m.id, str) and m.id.startswith(SEED_PARAGRAPH))
    assert paragraph.locations == [("issues/2026-11.yaml", 62)]
    assert paragraph.auto_comments[0] == "Issue 2026-11: paragraph 2 of 'What About Stem Cells?'"
    assert ("article title", "Exosomes in Plastic Surgery") in messages(ours)
    assert (None, "Unsubscribe") in messages(ours)
    plural = next(m for m in ours if isinstance(m.id, tuple))
    assert plural.id == ("Reading time: %(num)d minute", "Reading time: %(num)d minutes")


def test_extraction_is_deterministic(project, cli):
    cli("i18n", "extract", cwd=project)
    first = (project / "locales/newsletter.pot").read_bytes()
    cli("i18n", "extract", cwd=project)
    assert (project / "locales/newsletter.pot").read_bytes() == first


def test_every_catalog_passes_msgfmt_check(project):
    for locale in TARGETS:
        done = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(catalog_path(project, locale))],
                              capture_output=True, text=True)
        assert done.returncode == 0, f"{locale}: {done.stderr}"


def test_arabic_has_six_plural_forms_all_filled(project):
    catalog = read_po_file(catalog_path(project, "ar"))
    assert catalog.num_plurals == 6
    plural = next(m for m in catalog if isinstance(m.id, tuple))
    assert len(plural.string) == 6 and all(plural.string)


def test_sample_catalogs_are_complete_and_pass_every_check(project, cli):
    status = cli("i18n", "status", "--format", "json", "--min-coverage", "100", cwd=project)
    assert status.returncode == 0, status.stderr
    rows = json.loads(status.stdout)
    assert [row["locale"] for row in rows] == TARGETS
    assert all(row["untranslated"] == 0 and row["fuzzy"] == 0 for row in rows)
    check = cli("i18n", "check", cwd=project)
    assert check.returncode == 0, check.stdout


def test_changed_english_paragraph_turns_fuzzy_and_the_email_falls_back(project, cli):
    issue = project / "issues/2026-11.yaml"
    issue.write_text(issue.read_text().replace("Stem cells are all the rave right now", "Stem cells are all the rage right now"))
    assert cli("i18n", "update", cwd=project).returncode == 0
    for locale in TARGETS:
        fuzzy = [m for m in read_po_file(catalog_path(project, locale)) if m.fuzzy and m.id]
        assert [m.id[:40] for m in fuzzy] == ["Stem cells are all the rage right now in"], locale
        # the English it was translated from, as msgmerge writes it and Poedit shows it as a diff
        assert '#| msgid ""\n#| "Stem cells are all the rave right now in' in catalog_path(project, locale).read_text()
    assert cli("i18n", "update", cwd=project).returncode == 0  # a second update keeps it, not as a comment
    catalog = newsletter_catalog(project, "de")
    fuzzy = next(m for m in catalog if m.fuzzy and m.id)
    assert fuzzy.previous_id[0].startswith("Stem cells are all the rave right now") and not fuzzy.user_comments
    assert "# |" not in catalog_path(project, "de").read_text()
    status = json.loads(cli("i18n", "status", "2026-11", "--format", "json", cwd=project).stdout)
    assert {row["locale"]: row["fuzzy"] for row in status} == dict.fromkeys(TARGETS, 1)
    build = cli("build", "--locale", "de", cwd=project)
    assert build.returncode == 0
    assert "fuzzy" in build.stderr and "Stem cells are all the rage" in build.stderr
    assert "Stem cells are all the rage right now" in (project / "dist/2026-11/de/email.txt").read_text().replace("\n", " ")
    manifest = json.loads((project / "dist/2026-11/manifest.json").read_text())
    assert manifest["locales"][0]["coverage"] < 1


def test_update_keeps_translator_comments_and_obsolete_entries(project, cli):
    french_po = catalog_path(project, "fr")
    text = french_po.read_text()
    comment = "# Terme validé par le Dr Martin\n"
    french_po.write_text(text.replace('msgctxt "article title"', comment + 'msgctxt "article title"', 1))
    issue = project / "issues/2026-11.yaml"
    heading = "      - heading: Legality of Exosomes\n"
    issue.write_text(issue.read_text().replace(heading, "      - heading: Exosomes and the Law\n"))
    assert cli("i18n", "update", cwd=project).returncode == 0
    updated = french_po.read_text()
    assert "# Terme validé par le Dr Martin" in updated
    assert '#~ msgctxt "section heading"\n#~ msgid "Legality of Exosomes"' in updated


def test_a_translator_comment_starting_with_a_bar_is_kept(project, cli):
    french_po = catalog_path(project, "fr")
    comments = '# | vertical bar note: « | » sépare les rubriques\n# | "Dr" reste tel quel\n'
    french_po.write_text(french_po.read_text().replace('msgctxt "article title"', comments + 'msgctxt "article title"', 1))
    assert cli("i18n", "update", cwd=project).returncode == 0
    assert comments in french_po.read_text()
    assert cli("i18n", "check", "--locale", "fr", cwd=project).returncode == 0


HEADING, CHANGED_HEADING = "      - heading: Legality of Exosomes\n", "      - heading: Legality of the Exosomes\n"
PREVIOUS_WITH_CONTEXT = ('#| msgctxt "section heading"\n#| msgid "Legality of Exosomes"\n'
                         'msgctxt "section heading"\nmsgid "Legality of the Exosomes"\n')


def test_a_changed_heading_keeps_its_previous_context_as_msgmerge_writes_it(project, cli):
    before = project / "fr-before.po"
    shutil.copy(catalog_path(project, "fr"), before)
    issue = project / "issues/2026-11.yaml"
    issue.write_text(issue.read_text().replace(HEADING, CHANGED_HEADING))
    assert cli("i18n", "update", cwd=project).returncode == 0
    gnu = subprocess.run(["msgmerge", "--previous", "--quiet", "-o", "-", str(before), "locales/newsletter.pot"],
                         cwd=project, capture_output=True, text=True)
    assert PREVIOUS_WITH_CONTEXT in gnu.stdout, gnu.stderr
    assert PREVIOUS_WITH_CONTEXT in catalog_path(project, "fr").read_text()
    assert cli("i18n", "update", cwd=project).returncode == 0  # kept while the entry is still fuzzy
    assert PREVIOUS_WITH_CONTEXT in catalog_path(project, "fr").read_text()


OBSOLETE_WITH_PREVIOUS = ('#~| msgctxt "section heading"\n#~| msgid "Legality of Exosomes"\n'
                          '#~ msgctxt "section heading"\n#~ msgid "Legality of the Exosomes"\n')


def make_the_changed_heading_obsolete(project, cli) -> None:
    """The heading changes (its entry turns fuzzy, with the previous English), then goes away."""
    issue = project / "issues/2026-11.yaml"
    issue.write_text(issue.read_text().replace(HEADING, CHANGED_HEADING))
    assert cli("i18n", "update", cwd=project).returncode == 0
    shutil.copy(catalog_path(project, "fr"), project / "fr-fuzzy.po")
    issue.write_text(issue.read_text().replace(CHANGED_HEADING, "      - heading: Exosomes and the Law\n"))


def test_an_obsolete_fuzzy_entry_keeps_its_previous_english_as_msgmerge_writes_it(project, cli):
    make_the_changed_heading_obsolete(project, cli)
    assert cli("i18n", "update", cwd=project).returncode == 0
    gnu = subprocess.run(["msgmerge", "--previous", "--quiet", "--no-fuzzy-matching", "-o", "-", "fr-fuzzy.po",
                          "locales/newsletter.pot"], cwd=project, capture_output=True, text=True)
    assert OBSOLETE_WITH_PREVIOUS in gnu.stdout, gnu.stderr
    assert OBSOLETE_WITH_PREVIOUS in catalog_path(project, "fr").read_text()
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(catalog_path(project, "fr"))]).returncode == 0


def test_an_obsolete_entry_with_its_previous_english_from_gnu_tools_is_read(project, cli):
    """msgmerge --previous (and Poedit) write `#~| msgid` when a fuzzy entry becomes obsolete."""
    make_the_changed_heading_obsolete(project, cli)
    assert cli("i18n", "extract", cwd=project).returncode == 0
    french_po = catalog_path(project, "fr")
    merged = subprocess.run(["msgmerge", "--previous", "--quiet", "--no-fuzzy-matching", "-U", "--backup=off",
                             str(french_po), "locales/newsletter.pot"], cwd=project, capture_output=True, text=True)
    assert merged.returncode == 0, merged.stderr
    assert OBSOLETE_WITH_PREVIOUS in catalog_path(project, "fr").read_text()
    check = cli("i18n", "check", "--locale", "fr", cwd=project)
    assert check.returncode == 0 and "Traceback" not in check.stderr, check.stderr
    assert cli("i18n", "update", "--locale", "fr", cwd=project).returncode == 0
    assert OBSOLETE_WITH_PREVIOUS in catalog_path(project, "fr").read_text()


LINKED = "Read [our FAQ](https://www.example.com/faq/) before your visit."


def add_linked_paragraph(project, translation: str) -> int:
    """An article paragraph with a link, and a German translation of it; returns its PO line: the msgstr's,
    where msgfmt -c reports a wrong translation and where the translator edits."""
    issue = project / "issues/2026-11.yaml"
    issue.write_text(issue.read_text() + f"          - \"{LINKED}\"\n")
    catalog = catalog_path(project, "de")
    before = catalog.read_text()
    catalog.write_text(before + f'\nmsgid "{LINKED}"\nmsgstr "{translation}"\n')
    return before.count("\n") + 3


def test_angle_brackets_that_are_no_tags_pass_the_markup_check(project, cli):
    add_linked_paragraph(project, "Lesen Sie [unsere FAQ](https://www.example.com/faq/) (Wartezeit < eine Woche).")
    result = cli("i18n", "check", "--locale", "de", cwd=project)
    assert result.returncode == 0, result.stdout
    build = cli("build", "--locale", "de", cwd=project)
    assert build.returncode == 0, build.stderr
    assert "(Wartezeit &lt; eine Woche)" in (project / "dist/2026-11/de/email.html").read_text()


@pytest.mark.parametrize("translation, check", [
    ("Lesen Sie vor Ihrem Besuch unsere FAQ.", "links"),
    ("Lesen Sie [unsere FAQ](https://evil.example.net/) vor Ihrem Besuch.", "links"),
    ("Lesen Sie [unsere FAQ](https://www.example.com/faq/) <script>alert(1)</script>.", "markup"),
    ("Lesen Sie **[unsere FAQ](https://www.example.com/faq/) vor Ihrem Besuch.", "emphasis"),
    ("Lesen Sie [unsere FAQ](https://www.example.com/faq/) vor Ihrem \u202ehcusebBesuch.", "control-chars"),
    ("Lesen Sie [unsere FAQ](https://www.example.com/faq/) vor Ihrem Be\u200bsuch.", "control-chars"),
    ("Lesen Sie [unsere FAQ](https://www.example.com/faq/) vor Ihrem Besuch.\U000e0041\U000e0042", "control-chars"),
])
def test_broken_translation_is_reported_and_never_shipped(project, cli, translation, check):
    line = add_linked_paragraph(project, translation)
    result = cli("i18n", "check", "--locale", "de", cwd=project)
    assert result.returncode == 1
    assert f"locales/de/LC_MESSAGES/newsletter.po:{line}: error: de: {check}:" in result.stdout
    build = cli("build", "--locale", "de", cwd=project)
    assert build.returncode == 1 and f"newsletter.po:{line}: {check}" in build.stderr
    html = (project / "dist/2026-11/.draft/de/email.html").read_text()
    assert "evil.example.net" not in html and "<script>" not in html and "unsere FAQ" not in html
    assert "Read <a href=\"https://www.example.com/faq/?utm_source=newsletter" in html


@pytest.mark.parametrize("command", [["build"], ["export", "2026-11", "--skip-external-checks"]], ids=["build", "export"])
def test_quiet_hides_progress_and_warnings_but_not_errors(project, cli, command):
    line = add_linked_paragraph(project, "Lesen Sie [unsere FAQ](https://evil.example.net/) vor Ihrem Besuch.")
    result = cli(*command, "--locale", "de", "--quiet", cwd=project)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: 2026-11 de: locales/de/LC_MESSAGES/newsletter.po:{line}: links:"), result.stderr
    assert all(printed.startswith("error: ") for printed in result.stderr.splitlines()), result.stderr


def test_joiners_and_no_break_spaces_pass_the_control_chars_check(project, cli):
    add_linked_paragraph(project, "Lesen Sie [unsere FAQ](https://www.example.com/faq/) vor Ihrem Besuch\u00a0👩\u200d⚕️.")
    result = cli("i18n", "check", "--locale", "de", cwd=project)
    assert result.returncode == 0, result.stdout


def test_placeholder_change_is_refused(project, cli):
    catalog = catalog_path(project, "es")
    text = catalog.read_text()
    start = text.index('msgid "Hello %(first_name)s,"')
    end = text.index("\n\n", start)
    catalog.write_text(text[:start] + 'msgid "Hello %(first_name)s,"\nmsgstr "Hola, %(nombre)s:"' + text[end:])
    result = cli("i18n", "check", "--locale", "es", "--format", "json", cwd=project)
    findings = json.loads(result.stdout)
    assert result.returncode == 1 and [f["check"] for f in findings] == ["placeholders"]
    assert findings[0]["msgid"] == "Hello %(first_name)s,"


def test_status_table_and_min_coverage_gate(project, cli):
    shutil.copy(project / "locales/newsletter.pot", catalog_path(project, "fr"))
    catalog = catalog_path(project, "fr")
    catalog.write_text(catalog.read_text().replace('"Content-Type', '"Language: fr\\n"\n"Content-Type', 1))
    table = cli("i18n", "status", cwd=project)
    assert table.returncode == 0
    fr_row = next(line for line in table.stdout.splitlines() if line.startswith("fr "))
    assert fr_row.split()[6] == "0.0%"
    gate = cli("i18n", "status", "--min-coverage", "90", cwd=project)
    assert gate.returncode == 1 and "fr: 0.0% translated, below the required 90%" in gate.stderr


def test_init_creates_a_catalog_gettext_accepts(project, cli):
    result = cli("i18n", "init", "it", cwd=project)
    assert result.returncode == 0
    assert "target_locales: add it — only the listed languages are built" in result.stderr
    path = catalog_path(project, "it")
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)]).returncode == 0
    header = path.read_text()
    assert '"Language: it\\n"' in header and f'"Plural-Forms: {msginit_plural_forms("it")}\\n"' in header


def msginit_plural_forms(locale: str) -> str:
    """GNU gettext's rule for the language, as the installed msginit writes it (empty when its table has none)."""
    header = b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    done = subprocess.run(["msginit", "-i", "-", "-o", "-", "-l", locale, "--no-translator"], input=header,
                          capture_output=True, check=True)
    found = [line for line in done.stdout.decode().splitlines() if line.startswith('"Plural-Forms: ')]
    return found[0].removeprefix('"Plural-Forms: ').removesuffix('\\n"') if found else ""


@pytest.mark.parametrize("locale", ["it", "pt_BR", "es", "fr"])
def test_init_writes_one_rule_for_the_languages_cldr_gives_a_millions_form(project, cli, locale):
    """docs/translating.md, "Plural forms": GNU gettext's rule (msginit's table, https://www.gnu.org/software/gettext/
    manual/html_node/Plural-forms.html) wherever it has one, CLDR's (Babel) elsewhere; es and fr as the
    sample catalogs have them, it and pt_BR the same way (Babel 2.19 gives them CLDR's third form, `many`)."""
    if catalog_path(project, locale).exists():
        catalog_path(project, locale).unlink()
    assert cli("i18n", "init", locale, cwd=project).returncode == 0
    wanted = msginit_plural_forms(locale)
    assert wanted.startswith("nplurals=2;")
    assert f'"Plural-Forms: {wanted}\\n"' in catalog_path(project, locale).read_text(encoding="utf-8")


def test_a_plural_rule_gettext_lacks_is_cldrs(project, cli):
    """Arabic and Chinese: msginit's table has no rule, Babel's CLDR data has it."""
    assert msginit_plural_forms("ar") == ""
    catalog_path(project, "ar").unlink()
    assert cli("i18n", "init", "ar", cwd=project).returncode == 0
    rule, written = get_plural("ar"), read_po_file(catalog_path(project, "ar"))
    assert (written.num_plurals, written.plural_expr) == (rule.num_plurals, rule.plural_expr)


def test_an_arabic_header_copied_from_french_gets_advice_that_fixes_the_header(project, cli):
    """Arabic has six forms (CLDR): the six msgstr[N] are right, the header is wrong."""
    path = catalog_path(project, "ar")
    text = path.read_text(encoding="utf-8")
    start = text.index('"Plural-Forms: ')
    end = text.index('\n"MIME-Version', start)
    path.write_text(text[:start] + '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"' + text[end:], encoding="utf-8")
    line = text[:start].count("\n") + 1
    done = cli("i18n", "check", "--locale", "ar", cwd=project)
    assert done.returncode == 1
    rule = get_plural("ar")
    assert done.stderr.startswith(f"error: locales/ar/LC_MESSAGES/newsletter.po:{line}: Plural-Forms: the Plural-Forms "
                                  "header says 2 plural forms"), done.stderr
    assert "Arabic has 6 (CLDR)" in done.stderr
    assert f'write the header "Plural-Forms: nplurals=6; plural={rule.plural_expr};\\n"' in done.stderr
    assert "remove" not in done.stderr


def test_a_header_that_is_not_the_languages_rule_is_reported(project, cli):
    """French says "0 minute" (gettext: plural=(n > 1)); a header copied from German gives "0 minutes"."""
    path = catalog_path(project, "fr")
    path.write_text(path.read_text(encoding="utf-8").replace("plural=(n > 1);", "plural=(n != 1);"), encoding="utf-8")
    findings = json.loads(cli("i18n", "check", "--locale", "fr", "--format", "json", cwd=project).stdout)
    assert [(f["check"], f["severity"]) for f in findings] == [("plural-rule", "warning")]
    assert "gives form 1 for n = 0 where French takes form 0" in findings[0]["message"]
    assert 'write the header "Plural-Forms: nplurals=2; plural=(n > 1);\\n"' in findings[0]["message"]


def test_init_refuses_to_overwrite_a_finished_catalog(project, cli):
    before = catalog_path(project, "es").read_bytes()
    result = cli("i18n", "init", "es", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr == ("error: locales/es/LC_MESSAGES/newsletter.po: already exists — "
                             "use newsletter i18n update to merge new strings into it\n")
    assert catalog_path(project, "es").read_bytes() == before


@pytest.mark.parametrize("locale", ["klingon", "xx-YY"])
def test_init_of_an_unknown_locale_is_a_usage_error(project, cli, locale):
    result = cli("i18n", "init", locale, cwd=project)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"unknown locale {locale!r} — use a CLDR locale code such as es, fr, de, ar or zh_Hans" in result.stderr
    assert not (project / "locales" / locale).exists()


@pytest.mark.parametrize("locale, reason", [
    ("en_XA", "'en_XA' is a pseudo-locale, made from the English when it is built — it needs no catalog: "
              "build or preview it as it is (newsletter build --locale en_XA)"),
    ("ar_XB", "'ar_XB' is a pseudo-locale"),
    ("en", "'en' is the source language: its text is the issues' and templates' own — it needs no catalog: "
           "give the code of the language to translate into, such as es"),
])
def test_init_of_a_pseudo_locale_or_the_source_language_is_a_usage_error(project, cli, locale, reason):
    result = cli("i18n", "init", locale, cwd=project)
    assert result.returncode == 2 and result.stderr.startswith(f"error: newsletter i18n init: {reason}"), result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not (project / "locales" / locale).exists()


def test_init_of_a_target_locale_needs_no_note(project, cli):
    catalog_path(project, "fr").unlink()
    result = cli("i18n", "init", "fr", cwd=project)
    assert result.returncode == 0 and "note:" not in result.stderr


def test_compile_writes_mo_files_gettext_reads(project, cli):
    assert cli("i18n", "compile", cwd=project).returncode == 0
    with open(project / "locales/de/LC_MESSAGES/newsletter.mo", "rb") as handle:
        translations = gettext.GNUTranslations(handle)
    assert translations.gettext("Unsubscribe") not in ("", "Unsubscribe")


@pytest.mark.parametrize("locale, direction", [("en_XA", "ltr"), ("ar_XB", "rtl")])
def test_pseudo_locales_build_with_links_and_placeholders_intact(project, cli, locale, direction):
    result = cli("build", "--locale", locale, cwd=project)
    assert result.returncode == 0, result.stderr
    html = (project / f"dist/2026-11/{locale}/email.html").read_text()
    assert f'dir="{direction}"' in html
    assert "[[unsubscribe_url]]" in html and "https://www.example.com/faq/?utm_source=newsletter" in html
    if locale == "en_XA":
        assert "⟦Šçĥéðûļé å Çöñšûļţåţîöñ" in html
    manifest = json.loads((project / "dist/2026-11/manifest.json").read_text())
    assert [e["pseudo"] for e in manifest["locales"] if e["locale"] == locale] == [True]


def test_a_new_arabic_catalog_gets_the_cldr_plural_rule(project, cli):
    """Eleven minutes is 'many' in Arabic (دقيقة), not 'other': Babel's own table says otherwise."""
    catalog_path(project, "ar").unlink()
    assert cli("i18n", "init", "ar", cwd=project).returncode == 0
    catalog = read_po_file(catalog_path(project, "ar"))
    rule = gettext.c2py(catalog.plural_expr)
    assert catalog.num_plurals == 6
    assert [rule(n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 102, 111)] == [0, 1, 2, 3, 3, 4, 4, 5, 5, 4]
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(catalog_path(project, "ar"))]).returncode == 0


@pytest.mark.parametrize("broken", [
    '"Consultez notre %(faq_lien)s ou contactez notre cabinet pour "',  # refused: a placeholder renamed
    '"Consultez notre %(faq_link)s ou contactez notre cabinet pour 100% "',  # refused: a lone percent sign
])
def test_a_refused_sentence_falls_back_to_english_whole(project, cli, broken):
    """The sentence and the link texts it holds are one piece of English: a refused translation of the
    sentence shows the English sentence with the English link texts, never a mix of both languages."""
    path = catalog_path(project, "fr")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"Consultez notre %(faq_link)s ou contactez notre cabinet pour "', broken), encoding="utf-8")
    build = cli("build", "--locale", "fr", cwd=project)
    assert "placeholders" in build.stderr
    email = project / "dist/2026-11/.draft/fr"
    plain = " ".join((email / "email.txt").read_text(encoding="utf-8").split())
    assert "Visit our frequently asked questions" in plain and "to schedule a consultation" in plain, plain
    html = (email / "email.html").read_text(encoding="utf-8")
    assert "foire aux questions" not in html and "prendre rendez-vous" not in html
    assert ">frequently asked questions</a>" in html and ">schedule a consultation</a>" in html


@pytest.mark.parametrize("typed, code", [("pt-BR", "pt_BR"), ("zh-Hant", "zh_Hant")])
def test_init_accepts_a_bcp47_tag(project, cli, typed, code):
    """Weblate and the XLIFF write language tags as BCP 47 (RFC 5646: pt-BR); the catalogs use CLDR's
    identifiers (pt_BR), as Babel converts them (Locale.parse with sep="-")."""
    done = cli("i18n", "init", typed, cwd=project)
    assert done.returncode == 0, done.stderr
    assert f"note: {typed} is written {code} in the catalogs and in newsletter.yaml" in done.stderr
    assert catalog_path(project, code).is_file() and not (project / "locales" / typed).exists()
    assert f'"Language: {code}\\n"' in catalog_path(project, code).read_text(encoding="utf-8")


def test_template_strings_carry_python_format_so_gnu_tools_check_them(project, cli, tmp_path):
    """Jinja's newstyle gettext formats every template string (`text % variables`), even one without a
    placeholder, so a lone % in its translation breaks it. With `#, python-format` on the entry, GNU
    msgfmt -c (and Poedit, Weblate, dennis, which read the same flag) refuses it as the build does
    (https://www.gnu.org/software/gettext/manual/html_node/PO-Files.html, "python-format";
    https://docs.weblate.org/en/latest/user/checks.html#python-format). An article's text is never
    formatted: its "50% done" is `no-python-format`, so no tool asks for "%%" there."""
    issue = project / "issues/2026-11.yaml"
    text = issue.read_text(encoding="utf-8")
    issue.write_text(text.replace("generic in their remodeling capabilities.",
                                  "generic in their remodeling capabilities, 50% done."), encoding="utf-8")
    assert cli("i18n", "update", cwd=project).returncode == 0
    from translate.storage import po as toolkit_po  # another reader: Babel drops the flag of an entry without %

    for path in [project / "locales/newsletter.pot", catalog_path(project, "fr")]:
        units = [unit for unit in toolkit_po.pofile(path.read_bytes()).units if not unit.isheader()]
        templates = [unit for unit in units if any(place.startswith("templates/") for place in unit.getlocations())]
        assert templates and all(unit.hastypecomment("python-format") for unit in templates), path
        article = next(unit for unit in units if "50% done" in unit.source)
        assert article.hastypecomment("no-python-format") and not article.hastypecomment("python-format")
    path = catalog_path(project, "fr")
    path.write_text(path.read_text(encoding="utf-8").replace('msgstr "Se désabonner"',
                                                             'msgstr "Se désabonner (100% gratuit)"'), encoding="utf-8")
    done = subprocess.run(["msgfmt", "-c", "-o", str(tmp_path / "fr.mo"), str(path)], capture_output=True, text=True)
    assert done.returncode == 1 and "format specifications" in done.stderr, done.stderr


def test_the_committed_template_and_catalogs_are_up_to_date(project, cli):
    """CI fails when a change to the issues or templates was committed without `newsletter i18n update`
    (issue 23: the first update of a fresh clone changed lines): updating a fresh copy changes no byte
    of the POT or of any catalog."""
    files = [project / "locales/newsletter.pot"] + [catalog_path(project, locale) for locale in TARGETS]
    before = {path: path.read_bytes() for path in files}
    assert cli("i18n", "update", cwd=project).returncode == 0
    stale = [str(path.relative_to(project)) for path in files if path.read_bytes() != before[path]]
    assert not stale, f"run `newsletter i18n update` and commit: {stale}"


def test_a_refused_translation_is_reported_at_the_line_msgfmt_reports(project, cli):
    """GNU msgfmt -c reports a python-format entry's wrong translation at its msgstr line (gettext's
    msgfmt checks, https://www.gnu.org/software/gettext/manual/html_node/msgfmt-Invocation.html, run here):
    the project names the same line, where the translator edits, not the msgid's."""
    path = catalog_path(project, "fr")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('msgstr "Se désabonner"', 'msgstr "Se désabonner (100% gratuit)"'), encoding="utf-8")
    gnu = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert gnu.returncode == 1
    line = int(re.search(r"newsletter\.po:(\d+): ", gnu.stderr).group(1))
    assert path.read_text(encoding="utf-8").splitlines()[line - 1] == 'msgstr "Se désabonner (100% gratuit)"'
    check = cli("i18n", "check", "--locale", "fr", cwd=project)
    assert check.stdout.startswith(f"locales/fr/LC_MESSAGES/newsletter.po:{line}: error: fr: placeholders: "), check.stdout
    build = cli("build", "--locale", "fr", cwd=project)
    assert f"locales/fr/LC_MESSAGES/newsletter.po:{line}: placeholders:" in build.stderr, build.stderr
