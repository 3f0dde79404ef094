"""A new language, added as docs/translating.md ("A new language") says: `newsletter i18n init it`, then `it` in
target_locales. Until a provider's audience mapping has a list for it, that provider's export leaves it out with
one located warning (as the release gate leaves out a language it holds back) and ships the others; every other
command works from the first step. A locale typed as BCP 47 (`pt-BR`, as Weblate and the XLIFF write it) is the
CLDR identifier Babel makes of it (`pt_BR`: https://babel.pocoo.org/en/latest/api/core.html#babel.core.Locale.parse,
sep="-"). Issue 23, point 8.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.test_preview import start_preview, stop_preview
from tests.test_send_plan import edit, export, sends_for

ISSUE = "2026-11"
SHIPPED_BEFORE = ["en", "es", "fr", "de", "ar", "zh_Hans"]
# the providers that keep a list, segment or group per locale, and the key of that mapping in audience.<provider>
MAPPINGS = {"mailchimp": "interests", "brevo": "lists", "sendgrid": "segments", "listmonk": "lists", "mailgun": "lists"}


def add_language(cli, project: Path, typed: str) -> tuple[str, str]:
    """The guide's steps: init (whose note names the settings), then the code in target_locales, nothing else."""
    done = cli("i18n", "init", typed, cwd=project)
    assert done.returncode == 0, done.stderr
    code = typed.replace("-", "_")
    edit(project / "newsletter.yaml", "target_locales: [es, fr, de, ar, zh_Hans]",
         f"target_locales: [es, fr, de, ar, zh_Hans, {code}]")
    return code, done.stderr


def mapping_at(project: Path, provider: str) -> str:
    """Where audience.<provider>.<key> is written (line:column of its value), read with PyYAML's own marks."""
    top = yaml.compose((project / "newsletter.yaml").read_text(encoding="utf-8"))
    audience = next(value for key, value in top.value if key.value == "audience")
    section = next(value for key, value in audience.value if key.value == provider)
    node = next(value for key, value in section.value if key.value == MAPPINGS[provider])
    return f"newsletter.yaml:{node.start_mark.line + 1}:{node.start_mark.column + 1}"


@pytest.mark.parametrize("typed", ["it", "pt-BR"])
def test_a_language_added_as_the_guide_says_fails_no_command(cli, project, typed):
    """build, check, the preview and the i18n commands work with the new locale in target_locales and no list for
    it anywhere; the build writes its email (English until translated, as for any untranslated string)."""
    code, note = add_language(cli, project, typed)
    for provider in MAPPINGS:  # init said where each list goes, at the place the export's warning names
        assert f"{mapping_at(project, provider)}: audience.{provider}.{MAPPINGS[provider]}: add '{code}:'" in note
    for command in (["build"], ["check", ISSUE], ["i18n", "status"], ["i18n", "status", ISSUE], ["i18n", "check"],
                    ["i18n", "update"], ["i18n", "compile"], ["i18n", "export", "--format", "xliff", "--locale", code]):
        done = cli(*command, cwd=project)
        assert done.returncode == 0 and "error:" not in done.stderr, (command, done.stderr)
    manifest = json.loads((project / f"dist/{ISSUE}/manifest.json").read_text(encoding="utf-8"))
    assert [entry["locale"] for entry in manifest["locales"]] == [*SHIPPED_BEFORE, code]
    assert f'lang="{typed}"' in (project / f"dist/{ISSUE}/{code}/email.html").read_text(encoding="utf-8")
    preview = start_preview(project)
    try:
        with urllib.request.urlopen(f"{preview.url}email/{ISSUE}/{code}.html", timeout=30) as answer:
            assert answer.status == 200 and f'lang="{typed}"' in answer.read().decode()
    finally:
        stop_preview(preview)


@pytest.mark.parametrize("provider", MAPPINGS)
def test_an_export_leaves_the_language_without_a_list_out_with_one_located_warning(cli, project, provider):
    """The export ships the other languages, with one warning line naming the mapping's place and the key to add;
    the language is absent from the files and the send plan, every other subscriber gets the send they got before."""
    add_language(cli, project, "it")
    result = cli("export", ISSUE, "--provider", provider, "--skip-external-checks", cwd=project)
    assert result.returncode == 0, result.stderr
    mentions = [line for line in result.stderr.splitlines() if "'it'" in line or " it " in line]
    assert mentions == [
        f"warning: {mapping_at(project, provider)}: audience.{provider}.{MAPPINGS[provider]}: no list for 'it' yet: the "
        f"{provider} export leaves 'it' out and ships the other languages — add 'it:' with the id of the list or "
        "segment of subscribers with language it"], result.stderr
    manifest, files = export(cli, project, provider)
    assert manifest["locales"] == manifest["send_plan"]["shipped"] == SHIPPED_BEFORE
    assert {entry["locale"] for entry in manifest["files"]} - {None} == set(SHIPPED_BEFORE)
    assert not any(name.startswith("it") for name in files)
    for value in ("es", "zh", "it", None):  # the sample's values; "it" subscribers are in "other" until their list
        expected = {"es": ["es"], "zh": ["zh_Hans"]}.get(value, ["en"])
        assert sends_for(provider, project, manifest, files, value) == expected


def test_a_provider_that_routes_by_field_exports_the_new_language_at_once(cli, project):
    """SES keeps no list per locale (routing.json carries the language values): the new locale is exported as soon
    as the release gate lets it through (lowered to 0 here: the catalog is new)."""
    add_language(cli, project, "it")
    edit(project / "newsletter.yaml", "min_translated: 95", "min_translated: 0")
    result = cli("export", ISSUE, "--provider", "ses", "--skip-external-checks", cwd=project)
    assert result.returncode == 0 and "warning: newsletter.yaml" not in result.stderr, result.stderr
    manifest, files = export(cli, project, "ses")
    assert manifest["send_plan"]["shipped"] == [*SHIPPED_BEFORE, "it"]
    assert sends_for("ses", project, manifest, files, "it") == ["it"]


def test_once_the_list_is_written_the_language_is_exported(cli, project):
    add_language(cli, project, "it")
    edit(project / "newsletter.yaml", "min_translated: 95", "min_translated: 0")
    edit(project / "newsletter.yaml", "zh_Hans: 7, other: 8}", "zh_Hans: 7, it: 9, other: 8}")
    result = cli("export", ISSUE, "--provider", "brevo", "--skip-external-checks", cwd=project)
    assert result.returncode == 0 and "no list" not in result.stderr, result.stderr
    manifest, files = export(cli, project, "brevo")
    assert manifest["send_plan"]["shipped"] == [*SHIPPED_BEFORE, "it"]
    assert files["it.json"]["recipients"]["listIds"] == [9]


def test_an_export_of_only_languages_without_a_list_fails_and_writes_nothing(cli, project):
    add_language(cli, project, "it")
    result = cli("export", ISSUE, "--provider", "brevo", "--skip-external-checks", "--locale", "it", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: {mapping_at(project, 'brevo')}: audience.brevo.lists: no list for 'it': nothing else to export for "
        "brevo — add 'it:' with the id of the list or segment of subscribers with language it"]
    assert not (project / "dist").exists()


def test_the_default_locale_without_a_list_stops_that_providers_export_only(cli, project):
    """The default send goes to everyone no other send takes: without its list the export cannot leave it out."""
    edit(project / "newsletter.yaml", "lists: {en: 2, es: 3,", "lists: {es: 3,")
    result = cli("export", ISSUE, "--provider", "brevo", "--skip-external-checks", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.fullmatch(rf"error: {mapping_at(project, 'brevo')}: audience\.brevo\.lists: no list for 'en': it is the "
                        r"default locale, whose send goes to everyone no other send takes — add 'en:' .*",
                        result.stderr.strip()), result.stderr
    assert not (project / "dist").exists()
    assert cli("export", ISSUE, "--provider", "mailgun", "--skip-external-checks", cwd=project).returncode == 0
