"""The release gate: a language below its minimum (newsletter.yaml's release_gate) does not ship this
month; `newsletter i18n status` and the preview say which languages would."""

from __future__ import annotations

import json

from test_preview import get, open_preview, page, start_preview, stop_preview  # noqa: F401 (fixtures)

from newsletter.i18n.catalogs import read_catalog
from newsletter.i18n.workflow import catalog_bytes
from tests.support.catalogs import catalog_path

TARGETS = ["es", "fr", "de", "ar", "zh_Hans"]


def untranslate(project, locale: str, count: int) -> float:
    """Take the translation out of `count` entries of the issue; returns the share left, in percent."""
    path = catalog_path(project, locale)
    catalog = read_catalog(path, path.name, locale)
    live = [message for message in catalog if message.id]
    for message in live[:count]:
        message.string = tuple("" for _ in message.string) if isinstance(message.string, tuple) else ""
    path.write_bytes(catalog_bytes(catalog))
    return round(100 * (len(live) - count) / len(live), 1)


def use_forbidden_term(project) -> None:
    """A forbidden term in place of the approved one: two findings (forbidden-term, approved-term)."""
    path = catalog_path(project, "de")
    path.write_text(path.read_text(encoding="utf-8").replace("Stammzellen und der", "Stemzellen und der"), encoding="utf-8")


def test_every_sample_language_ships(project, cli):
    done = cli("i18n", "status", "2026-11", cwd=project)
    assert done.returncode == 0
    assert all(line.split()[-1] == "yes" for line in done.stdout.splitlines()[1:len(TARGETS) + 1])
    assert "ships: en, es, fr, de, ar, zh_Hans" in done.stdout


def test_status_names_the_locales_held_back_and_why(project, cli):
    left = untranslate(project, "es", 3)
    use_forbidden_term(project)
    done = cli("i18n", "status", "2026-11", cwd=project)
    rows = {line.split()[0]: line.split() for line in done.stdout.splitlines()[1:len(TARGETS) + 1]}
    assert rows["es"][-1] == "no" and rows["de"][-1] == "yes" and rows["fr"][-1] == "yes"
    assert "ships: en, fr, de, ar, zh_Hans" in done.stdout  # a forbidden term is advice: it ships
    assert f"held back: es: {left}% translated, below the minimum of 95% — its subscribers get the en email" in done.stdout
    data = {row["locale"]: row for row in json.loads(cli("i18n", "status", "2026-11", "--format", "json", cwd=project).stdout)}
    assert data["es"]["ships"] is False and data["fr"]["ships"] is True


def test_a_per_locale_minimum_overrides_the_default(project, cli):
    untranslate(project, "es", 3)
    settings = project / "newsletter.yaml"
    settings.write_text(settings.read_text().replace("  max_failed_checks: 0",
                                                     "  max_failed_checks: 0\n  overrides:\n    es: {min_translated: 80}"))
    done = cli("i18n", "status", "2026-11", cwd=project)
    assert "ships: en, es, fr, de, ar, zh_Hans" in done.stdout, done.stdout + done.stderr


def test_a_wrong_minimum_is_one_located_line(project, cli):
    settings = project / "newsletter.yaml"
    text = settings.read_text()
    settings.write_text(text.replace("min_translated: 95", "min_translated: 120"))
    line = next(n for n, row in enumerate(settings.read_text().splitlines(), 1) if "min_translated: 120" in row)
    done = cli("i18n", "status", cwd=project)
    assert done.returncode == 1
    assert done.stderr.strip() == (f"error: newsletter.yaml:{line}:19: release_gate.min_translated: expected a percentage "
                                   "from 0 to 100, got '120' — write a percentage from 0 to 100, such as 95")


def test_the_preview_marks_the_locales_held_back(project, page):  # noqa: F811
    untranslate(project, "es", 3)
    preview = start_preview(project)
    try:
        status, body = get(preview, "/api/issues/2026-11")
        locales = {entry["locale"]: entry for entry in json.loads(body)["locales"]}
        assert status == 200 and locales["es"]["ships"] is False and locales["fr"]["ships"] is True
        assert "ships" not in locales["en"] and "ships" not in locales["en_XA"]
        open_preview(page, preview)
        badge = page.locator('[data-locale="es"] .held-back')
        badge.wait_for()
        assert badge.inner_text() == "held back"
        assert "below the minimum of 95%" in badge.get_attribute("title")
        assert page.locator('[data-locale="fr"] .held-back').count() == 0
    finally:
        stop_preview(preview)


def exported(cli, project, *options: str):
    done = cli("export", "2026-11", "--skip-external-checks", *options, cwd=project)
    manifest = json.loads((project / "dist/2026-11/eml/manifest.json").read_text(encoding="utf-8"))
    return done, manifest


def test_a_language_under_the_gate_is_not_exported_and_the_export_says_so(project, cli):
    left = untranslate(project, "es", 3)
    done, manifest = exported(cli, project)
    assert done.returncode == 0, done.stderr
    assert (f"warning: es is not shipped this month: {left}% translated, below the minimum of 95% — its subscribers "
            "get the en email") in done.stderr
    assert manifest["locales"] == ["en", "fr", "de", "ar", "zh_Hans"]
    assert not any(entry["locale"] == "es" for entry in manifest["files"])
    assert not (project / "dist/2026-11/es").exists()


def test_an_earlier_export_of_a_language_now_held_back_is_not_kept(project, cli):
    assert exported(cli, project)[0].returncode == 0
    german = catalog_path(project, "de")  # a placeholder renamed: a translation the build refuses
    german.write_text(german.read_text(encoding="utf-8").replace('msgstr "Hallo %(first_name)s,"', 'msgstr "Hallo %(vorname)s,"'),
                      encoding="utf-8")
    done, manifest = exported(cli, project, "--locale", "fr")
    assert "warning: de is not shipped this month" not in done.stderr  # only the chosen locales are gated
    failed = cli("i18n", "check", "--locale", "de", cwd=project).stdout.count("\n")
    assert failed > 0
    done, manifest = exported(cli, project, "--locale", "fr", "--locale", "de")
    assert f"warning: de is not shipped this month: {failed} failed translation check(s)" in done.stderr, done.stderr
    assert "de" not in manifest["locales"] and "es" in manifest["locales"]
    assert "kept en, es, ar, zh_Hans from the earlier export" in done.stderr


def test_holding_back_every_chosen_language_exports_nothing(project, cli):
    untranslate(project, "es", 3)
    before = (project / "dist").exists()
    done = cli("export", "2026-11", "--locale", "es", "--skip-external-checks", cwd=project)
    assert done.returncode == 1
    assert "error: newsletter.yaml: release_gate: nothing to export: es held back by the release gate" in done.stderr
    assert (project / "dist").exists() == before


def add_link_to_a_paragraph(project) -> None:
    """What marketing does in a month: one link more in a translated paragraph; `i18n update` makes it fuzzy."""
    issue = project / "issues/2026-11.yaml"
    text = issue.read_text(encoding="utf-8")
    issue.write_text(text.replace("generic in their remodeling capabilities.",
                                  "generic in their remodeling capabilities. Read [our FAQ](https://www.example.com/faq/)."),
                     encoding="utf-8")


def test_one_link_added_by_marketing_holds_no_language_back(project, cli):
    """The fuzzy entry shows the English (its stale translation never ships), so its failed link check is
    advice for the reviewer, not a refusal the gate counts."""
    add_link_to_a_paragraph(project)
    assert cli("i18n", "update", cwd=project).returncode == 0
    done = cli("i18n", "status", "2026-11", cwd=project)
    assert "ships: en, es, fr, de, ar, zh_Hans" in done.stdout, done.stdout
    check = cli("i18n", "check", "--locale", "fr", cwd=project)
    assert ": warning: fr: links: " in check.stdout, check.stdout
    assert "[fuzzy: the email shows the English until the entry is reviewed]" in check.stdout
    assert ": error: " not in check.stdout
    assert "0 error(s)" in check.stderr


def test_advice_never_holds_a_language_back(project, cli):
    """A forbidden term is advice (the guide: it still reaches the email), shown as a warning with its fix."""
    use_forbidden_term(project)
    done = cli("i18n", "status", "2026-11", cwd=project)
    assert "ships: en, es, fr, de, ar, zh_Hans" in done.stdout, done.stdout
    findings = json.loads(cli("i18n", "check", "--locale", "de", "--format", "json", cwd=project).stdout)
    assert {finding["check"] for finding in findings} == {"forbidden-term", "approved-term"}
    assert all(finding["severity"] == "warning" for finding in findings)
    assert all(finding["consequence"] == "advice: the translation ships as it is" for finding in findings)
    assert all(finding["fix"].startswith("use the approved term") for finding in findings)


def test_every_finding_says_its_severity_and_what_to_do(project, cli):
    path = catalog_path(project, "es")
    text = path.read_text(encoding="utf-8")
    start = text.index('msgid "Hello %(first_name)s,"')
    end = text.index("\n\n", start)
    path.write_text(text[:start] + 'msgid "Hello %(first_name)s,"\nmsgstr "Hola, %(nombre)s:"' + text[end:], encoding="utf-8")
    line = text[:start].count("\n") + 2  # the msgstr's line, where msgfmt -c reports it
    check = cli("i18n", "check", "--locale", "es", cwd=project)
    assert check.stdout.startswith(f"locales/es/LC_MESSAGES/newsletter.po:{line}: error: es: placeholders: "), check.stdout
    assert "copy every placeholder" in check.stdout
    assert "[refused: the email shows the English until it is fixed]" in check.stdout
    finding = json.loads(cli("i18n", "check", "--locale", "es", "--format", "json", cwd=project).stdout)[0]
    assert finding["severity"] == "error" and finding["fix"].startswith("copy every placeholder")
    done = cli("i18n", "status", "2026-11", cwd=project)
    assert "held back: es: 1 failed translation check(s), more than the 0 allowed" in done.stdout


def test_a_glossary_term_inside_a_link_target_is_not_asked_for(project, cli):
    """Weblate's glossary matches words of the text; a URL's path is no text the reader reads."""
    path = catalog_path(project, "fr")
    path.write_text(path.read_text(encoding="utf-8") + '\nmsgid "Read about [our therapies](https://www.example.com/'
                    'stem-cell-therapies)."\nmsgstr "Découvrez [nos thérapies](https://www.example.com/'
                    'stem-cell-therapies)."\n', encoding="utf-8")
    check = cli("i18n", "check", "--locale", "fr", cwd=project)
    assert check.returncode == 0, check.stdout


def break_arabic_catalog(project) -> int:
    """A quote left open in ar's subject, as a hand edit leaves it; returns its line."""
    path = catalog_path(project, "ar")
    text = path.read_text(encoding="utf-8")
    broken = text.replace('وهل هي قانونية؟"\n', "وهل هي قانونية؟\n", 1)
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    return broken[:broken.index("وهل هي قانونية؟\n")].count("\n") + 1


def test_a_broken_catalog_holds_back_its_own_language_only(project, cli):
    """The guide: a syntax error "stops the build for that language" — the other five are built and
    exported, the Arabic subscribers routed to the English email, and status prints every other row."""
    line = break_arabic_catalog(project)
    where = f"locales/ar/LC_MESSAGES/newsletter.po:{line}:"
    status = cli("i18n", "status", "2026-11", cwd=project)
    assert status.returncode == 1
    rows = {row.split()[0]: row.split() for row in status.stdout.splitlines()[1:len(TARGETS) + 1]}
    assert rows["fr"][-1] == "yes" and rows["fr"][2] == "37" and rows["ar"][-1] == "no"
    assert "ships: en, es, fr, de, zh_Hans" in status.stdout
    assert f"held back: ar: its catalog cannot be read ({where}" in status.stdout
    assert status.stderr.startswith(f"error: {where}")
    build = cli("build", cwd=project)
    assert build.returncode == 1 and f"error: {where}" in build.stderr
    assert sorted(path.name for path in (project / "dist/2026-11").iterdir() if path.is_dir()) == \
        ["de", "en", "es", "fr", "zh_Hans"]
    done, manifest = exported(cli, project)
    assert done.returncode == 0, done.stderr
    assert f"warning: ar is not shipped this month: its catalog cannot be read ({where}" in done.stderr
    assert manifest["locales"] == ["en", "es", "fr", "de", "zh_Hans"]
    assert manifest["send_plan"]["shipped"] == ["en", "es", "fr", "de", "zh_Hans"]
