"""The release gate: a language below its minimum (newsletter.yaml's release_gate) does not ship this
month; `newsletter i18n status` and the preview say which languages would."""

from __future__ import annotations

import json

from test_preview import get, open_preview, page, start_preview, stop_preview  # noqa: F401 (fixtures)

from newsletter.i18n.catalogs import read_catalog
from newsletter.i18n.workflow import catalog_bytes

TARGETS = ["es", "fr", "de", "ar", "zh_Hans"]


def po(project, locale):
    return project / "locales" / locale / "LC_MESSAGES" / "newsletter.po"


def untranslate(project, locale: str, count: int) -> float:
    """Take the translation out of `count` entries of the issue; returns the share left, in percent."""
    path = po(project, locale)
    catalog = read_catalog(path, path.name, locale)
    live = [message for message in catalog if message.id]
    for message in live[:count]:
        message.string = tuple("" for _ in message.string) if isinstance(message.string, tuple) else ""
    path.write_bytes(catalog_bytes(catalog))
    return round(100 * (len(live) - count) / len(live), 1)


def use_forbidden_term(project) -> None:
    """A forbidden term in place of the approved one: two findings (forbidden-term, approved-term)."""
    path = po(project, "de")
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
    assert rows["es"][-1] == "no" and rows["de"][-1] == "no" and rows["fr"][-1] == "yes"
    assert "ships: en, fr, ar, zh_Hans" in done.stdout
    assert f"held back: es: {left}% translated, below the minimum of 95% — its subscribers get the en email" in done.stdout
    assert "held back: de: 2 failed translation check(s), more than the 0 allowed" in done.stdout
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
    glossary = project / "locales/glossary.tbx"  # not an input of the email: the earlier German files are unchanged
    glossary.write_text(glossary.read_text(encoding="utf-8").replace("<term>Stemzelle</term>", "<term>Stammzellen</term>"),
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
