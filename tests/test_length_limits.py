"""Length limits translators see in their tool: `#, max-length:N` written by extraction, kept by
update, accepted by GNU msgfmt, and checked by `newsletter i18n check` in characters (display width as advice)."""

from __future__ import annotations

import json
import subprocess
import unicodedata

import pytest

from tests.support.catalogs import catalog_path, read_po_file

TARGETS = ["es", "fr", "de", "ar", "zh_Hans"]
SUBJECT = "Exosomes in plastic surgery: what they are and what is legal"
LENGTH_BOUND = {("email subject", SUBJECT): 60, ("button", "Schedule a Consultation"): 30, ("button", "FAQs"): 30,
                ("button", "Contact Us"): 30}


def limits(catalog):
    return {(m.context, m.id): [f for f in m.flags if f.startswith("max-length:")] for m in catalog if m.id}


def msgid_line(path, msgid: str) -> int:
    """The line of the entry's msgstr, where a finding about its translation is reported (as msgfmt -c does)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line == f'msgid "{msgid}"') + 1


def replace_translation(path, msgid: str, translation: str) -> None:
    text = path.read_text(encoding="utf-8")
    start = text.index(f'msgid "{msgid}"\nmsgstr "')
    end = text.index("\n", text.index("msgstr", start))
    path.write_text(text[:start] + f'msgid "{msgid}"\nmsgstr "{translation}"' + text[end:], encoding="utf-8")


def columns(text: str) -> int:
    """Display width measured independently of the project: East Asian Wide/Fullwidth count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def test_extraction_and_update_write_the_limit_in_the_template_and_every_catalog(project, cli):
    assert cli("i18n", "update", cwd=project).returncode == 0
    for path in [project / "locales/newsletter.pot"] + [catalog_path(project, locale) for locale in TARGETS]:
        found = limits(read_po_file(path))
        for key, limit in LENGTH_BOUND.items():
            assert found[key] == [f"max-length:{limit}"], (path, key)
        assert found[("link inside a sentence", "schedule a consultation")] == []
        preheader = next(key for key in found if key[0] == "email preheader")
        assert found[preheader] == ["max-length:100"]


def test_update_replaces_a_stale_limit_with_the_templates(project, cli):
    path = catalog_path(project, "de")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("#, max-length:60\n", "#, max-length:20\n", 1), encoding="utf-8")
    assert "max-length:20" in path.read_text(encoding="utf-8")
    assert cli("i18n", "update", "--locale", "de", cwd=project).returncode == 0
    assert limits(read_po_file(path))[("email subject", SUBJECT)] == ["max-length:60"]


def test_gnu_msgfmt_accepts_the_flag_without_a_word(project):
    for path in [catalog_path(project, locale) for locale in TARGETS]:
        assert "#, max-length:" in path.read_text(encoding="utf-8")
        done = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert done.returncode == 0 and done.stderr == "", (path, done.stderr)


@pytest.mark.parametrize("locale, msgid, translation", [
    ("de", SUBJECT, "Exosomen in der plastischen und ästhetischen Chirurgie: was sie sind und was erlaubt ist"),
    ("es", "Schedule a Consultation", "Solicite hoy mismo una consulta personal"),
])
def test_a_translation_over_its_limit_is_reported_with_file_and_line(project, cli, locale, msgid, translation):
    path = catalog_path(project, locale)
    replace_translation(path, msgid, translation)
    done = cli("i18n", "check", "--locale", locale, cwd=project)
    assert done.returncode == 1
    limit = LENGTH_BOUND[next(key for key in LENGTH_BOUND if key[1] == msgid)]
    where = f"locales/{locale}/LC_MESSAGES/newsletter.po:{msgid_line(path, msgid)}: warning: {locale}: max-length: "
    assert f"{where}{len(translation)} characters, over the limit of {limit}" in done.stdout
    assert len(translation) > limit


def test_the_limit_counts_characters_and_cjk_width_is_advice(project, cli):
    """One rule with Weblate (its max-length check counts characters: https://docs.weblate.org/en/latest/user/
    checks.html#maximum-length-of-translation) and the XLIFF (size-unit="char", XLIFF 1.2 §2.3.3): 41 Chinese
    characters fit a limit of 60; that they take 82 columns in an inbox is advice, not a refusal."""
    translation = "整形外科中的外泌体：它们究竟是什么，哪些用法在美国目前是合法的呢？听听医生们的看法"
    assert len(translation) == 41 and columns(translation) == 82
    path = catalog_path(project, "zh_Hans")
    replace_translation(path, SUBJECT, translation)
    findings = json.loads(cli("i18n", "check", "--locale", "zh_Hans", "--format", "json", cwd=project).stdout)
    assert [(f["check"], f["severity"], f["line"]) for f in findings] == [("display-width", "warning", msgid_line(path, SUBJECT))]
    assert findings[0]["message"].startswith("82 columns wide in an inbox")
    assert "ships: en, es, fr, de, ar, zh_Hans" in cli("i18n", "status", "2026-11", cwd=project).stdout


def test_cjk_within_the_limit_in_columns_passes(project, cli):
    translation = "整形外科中的外泌体：它们是什么，哪些用法合法？"
    assert columns(translation) <= 60
    replace_translation(catalog_path(project, "zh_Hans"), SUBJECT, translation)
    done = cli("i18n", "check", "--locale", "zh_Hans", cwd=project)
    assert done.returncode == 0, done.stdout
