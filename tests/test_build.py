"""Marketing's main job: build the sample issue in every locale."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from tests.support.catalogs import catalog_path, editing_catalog, read_po_file

LOCALES = ["en", "es", "fr", "de", "ar", "zh_Hans"]


class RootAttributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.html_attrs: dict[str, str] = {}
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.html_attrs = dict(attrs)
        if tag == "a":
            self.links.append(dict(attrs).get("href", ""))


def parse(html: str) -> RootAttributes:
    parser = RootAttributes()
    parser.feed(html)
    return parser


def test_build_writes_every_locale_with_manifest(project, cli):
    result = cli("build", cwd=project)
    assert result.returncode == 0, result.stderr
    out = project / "dist" / "2026-11"
    manifest = json.loads((out / "manifest.json").read_text())
    assert [entry["locale"] for entry in manifest["locales"]] == LOCALES
    for entry in manifest["locales"]:
        html = (out / entry["html"]).read_text()
        text = (out / entry["text"]).read_text()
        assert (out / entry["mjml"]).read_text().startswith("<mjml")
        assert entry["html_bytes"] == len(html.encode()) < 80 * 1024
        root = parse(html).html_attrs
        assert root["lang"] == entry["locale"].replace("_", "-")
        assert root["dir"] == ("rtl" if entry["locale"] == "ar" else "ltr") == entry["dir"]
        assert entry["subject"] and entry["preheader"] and 0 <= entry["coverage"] <= 1
        assert "[[unsubscribe_url]]" in html and "[[unsubscribe_url]]" in text


def test_build_is_byte_identical_between_runs(project, cli):
    assert cli("build", "--out", "one", cwd=project).returncode == 0
    assert cli("build", "--out", "two", cwd=project).returncode == 0
    one = {p.relative_to(project / "one"): p.read_bytes() for p in (project / "one").rglob("*") if p.is_file()}
    two = {p.relative_to(project / "two"): p.read_bytes() for p in (project / "two").rglob("*") if p.is_file()}
    issue_files = [path for path in one if path.parts[0] == "2026-11"]  # the sample sets links.archive: archive/ too
    assert one.keys() == two.keys() and len(issue_files) == 3 * len(LOCALES) + 1
    assert any(path.parts[0] == "archive" for path in one)
    assert one == two


def english_paragraphs(project) -> list[str]:
    import yaml

    issue = yaml.safe_load((project / "issues/2026-11.yaml").read_text())
    texts = [issue["intro"]]
    for article in issue["articles"]:
        texts += [" ".join(p.split()) for s in article["sections"] for p in s["paragraphs"]]
        texts += [s["heading"] for s in article["sections"] if "heading" in s]
    return texts


def test_text_part_carries_every_link_of_the_html(project, cli):
    assert cli("build", cwd=project).returncode == 0
    for locale in LOCALES:
        folder = project / "dist/2026-11" / locale
        html_links = {href for href in parse((folder / "email.html").read_text()).links}
        text = (folder / "email.txt").read_text()
        assert html_links, locale
        for href in html_links:
            assert href in text, f"{locale}: {href} missing from the text part"
        assert "https://www.example.com/faq/" in text or "preguntas-frecuentes" in text


def test_translated_emails_carry_no_english_article_text(project, cli):
    assert cli("build", cwd=project).returncode == 0
    english = english_paragraphs(project)
    for locale in LOCALES[1:]:
        html = (project / "dist/2026-11" / locale / "email.html").read_text()
        text = " ".join((project / "dist/2026-11" / locale / "email.txt").read_text().split())
        for paragraph in english:
            assert paragraph[:60] not in html and paragraph[:60] not in text, f"{locale}: {paragraph[:60]}"


def test_faq_and_consultation_links_use_each_locales_pages(project, cli):
    assert cli("build", cwd=project).returncode == 0
    for locale, faq in [("en", "https://www.example.com/faq/"), ("es", "https://www.example.com/es/preguntas-frecuentes/")]:
        links = parse((project / "dist/2026-11" / locale / "email.html").read_text()).links
        tagged = f"{faq}?utm_source=newsletter&utm_medium=email&utm_campaign=2026-11&utm_content={locale}"
        assert links.count(tagged) >= 2  # the sentence link and the button


def test_reading_time_is_counted_in_the_english_and_worded_by_each_catalog(project, cli):
    """Chinese has no spaces between words: the minutes come from the source, the words from the catalog."""
    import gettext

    assert cli("build", cwd=project).returncode == 0
    english = (project / "dist/2026-11/en/email.txt").read_text()
    minutes = int(english.split("Reading time: ")[1].split()[0])
    for locale in LOCALES[1:]:
        catalog = read_po_file(catalog_path(project, locale))
        message = catalog.get(("Reading time: %(num)d minute", "Reading time: %(num)d minutes"))
        expected = message.string[gettext.c2py(catalog.plural_expr)(minutes)] % {"num": minutes}
        assert expected in (project / "dist/2026-11" / locale / "email.txt").read_text(), locale


def test_marks_and_non_breaking_spaces_in_attributes_reach_the_reader_intact(project, cli):
    """MRML would print a French subject's no-break space or an Arabic vowel mark as `\\u{a0}` in attributes."""
    with editing_catalog(catalog_path(project, "ar")) as catalog:
        alt = catalog.get("Microscopic view of cells releasing exosomes", "image alt text")
        alt.string = "مَنظرٌ\u00a0مجهري\u200c"  # vowel marks, a no-break space, a zero-width non-joiner
    assert cli("build", "--locale", "ar", "--locale", "fr", cwd=project).returncode == 0

    class Alts(HTMLParser):
        alts: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag == "img":
                self.alts.append(dict(attrs)["alt"])

    html = (project / "dist/2026-11/ar/email.html").read_text()
    parser = Alts()
    parser.feed(html)
    assert parser.alts == [alt.string] and "\\u{" not in html
    assert "\\u{" not in (project / "dist/2026-11/fr/email.html").read_text()


def test_an_unfinished_draft_of_next_month_does_not_hold_this_month_back(project, cli):
    (project / "issues/2026-12.yaml").write_text("id: 2026-12\ndate: 2026-12-15\n")
    result = cli("build", cwd=project)
    assert result.returncode == 1
    assert "error: issues/2026-12.yaml" in result.stderr and "missing required field 'subject'" in result.stderr
    assert "issues/2026-12.yaml: not built; its previous output is unchanged" in result.stderr
    assert (project / "dist/2026-11/manifest.json").is_file() and not (project / "dist/2026-12").exists()


def test_the_sample_issue_passes_the_strict_check_marketing_runs_before_sending(project, cli):
    result = cli("check", "2026-11", "--strict", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2026-11: 0 error(s), 0 warning(s)" in result.stdout + result.stderr


def test_the_contact_us_button_of_the_blog_post_is_optional_and_localized(project, cli):
    assert cli("build", cwd=project).returncode == 0
    contact = "https://www.example.com/contact-us/?utm_source=newsletter&utm_medium=email&utm_campaign=2026-11&utm_content="
    for locale in LOCALES:
        folder = project / "dist/2026-11" / locale
        assert parse((folder / "email.html").read_text()).links.count(contact + locale) == 1, locale
        assert contact + locale in (folder / "email.txt").read_text(), locale
    assert "Contáctenos" in (project / "dist/2026-11/es/email.html").read_text()
    settings = project / "newsletter.yaml"
    settings.write_text(settings.read_text().replace("  contact: https://www.example.com/contact-us/\n", ""))
    assert cli("build", cwd=project).returncode == 0
    assert "contact-us" not in (project / "dist/2026-11/en/email.html").read_text()


def test_a_reader_that_stops_reading_the_progress_does_not_stop_the_build(project):
    """`newsletter build 2>&1 | head -1`: once the reader is gone the messages are lost, the emails are not."""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    issue = project / "issues/2026-11.yaml"  # an untranslated English edit: a warning per locale
    issue.write_text(issue.read_text().replace("What Are Exosomes?", "What Exactly Are Exosomes?"))
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-m", "newsletter", "build"], cwd=project, env=environment,
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    process.stderr.close()  # the reader goes away before the first line
    assert process.wait(timeout=120) == 0
    assert len(list((project / "dist/2026-11").glob("*/email.html"))) == len(LOCALES)


def test_a_broken_issue_is_reported_and_the_others_still_checked_and_summed_up(project, cli):
    (project / "issues/2026-12.yaml").write_text("id: 2026-12\ndate: 2026-12-15\n")
    (project / "issues/2027-01.yaml").mkdir()  # a folder named like an issue
    built = cli("build", cwd=project)
    assert built.returncode == 1 and "Traceback" not in built.stderr
    assert "error: issues/2027-01.yaml: cannot be read: is a directory" in built.stderr
    assert "wrote 6 emails under" in built.stderr  # 2026-11 was built, and the build says so
    checked = cli("check", "--locale", "en", cwd=project)
    assert checked.returncode == 1
    assert "2026-11: 0 error(s)" in checked.stderr and "error: issues/2026-12.yaml" in checked.stderr


def test_a_pseudo_locale_built_for_a_layout_check_keeps_the_export(project, cli):
    assert cli("export", "2026-11", "--skip-external-checks", "--quiet", cwd=project).returncode == 0
    folder = project / "dist/2026-11"
    exported = {p.name: p.read_bytes() for p in (folder / "eml").iterdir()}
    layout_check = cli("build", "2026-11", "--locale", "en_XA", cwd=project)
    assert layout_check.returncode == 0 and "removed" not in layout_check.stderr
    assert {p.name: p.read_bytes() for p in (folder / "eml").iterdir()} == exported
    full = cli("build", "2026-11", cwd=project)
    assert full.returncode == 0 and "eml/: removed" not in full.stderr
    assert (folder / "eml").is_dir()
    issue = project / "issues/2026-11.yaml"
    issue.write_text(issue.read_text(encoding="utf-8").replace("\nintro: ", "\nintro: Changed. ", 1), encoding="utf-8")
    changed = cli("build", "2026-11", cwd=project)
    assert "eml/: removed, it was exported from the previous build — export again" in changed.stderr
    assert not (folder / "eml").exists()
