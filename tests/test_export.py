"""Marketing's main command, `python send.py ISSUE`: provider-neutral .eml files, read back with
Python's email parser; the manifest; determinism; atomicity; usage errors."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from tests.conftest import REPO, Result

LOCALES = ("en", "es", "fr", "de", "ar", "zh_Hans")


def send_py(*args: str, cwd: Path, external_checks: bool = False, script: Path = REPO / "send.py") -> Result:
    """Run `python send.py ARGS` in the project folder, the way marketing does. The slow external
    pre-send checks (MJML CLI, SpamAssassin) run only where a test asks for them; their own tests are elsewhere."""
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    options = () if external_checks else ("--skip-external-checks",)
    done = subprocess.run([sys.executable, str(script), *args, *options], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=120)
    return Result(done.returncode, done.stdout, done.stderr)


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def read_eml(path: Path):
    return message_from_bytes(path.read_bytes(), policy=policy.default)


def hrefs(html: str) -> list[str]:
    return [unescape(url) for url in re.findall(r'href="([^"]+)"', html)]


@pytest.fixture
def settings(project: Path) -> dict:
    return yaml.safe_load((project / "newsletter.yaml").read_text(encoding="utf-8"))


def test_send_py_writes_one_eml_per_locale_that_reads_back_with_both_parts(project, settings):
    result = send_py("2026-11", cwd=project, external_checks=True)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    export = project / "dist" / "2026-11" / "eml"
    assert sorted(p.name for p in export.iterdir()) == sorted([f"{locale}.eml" for locale in LOCALES] + ["manifest.json"])
    build_manifest = json.loads((project / "dist" / "2026-11" / "manifest.json").read_text(encoding="utf-8"))
    subjects = {entry["locale"]: entry["subject"] for entry in build_manifest["locales"]}
    issue_date = yaml.safe_load((project / "issues" / "2026-11.yaml").read_text(encoding="utf-8"))["date"]
    for locale in LOCALES:
        message = read_eml(export / f"{locale}.eml")
        assert message.get_content_type() == "multipart/alternative"
        assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
        assert all(part.get_content_charset() == "utf-8" for part in message.iter_parts())
        assert message["Content-Language"] == locale.replace("_", "-")
        assert message["From"].addresses[0].addr_spec == settings["sender"]["email"]
        assert message["From"].addresses[0].display_name == settings["sender"]["name"]
        assert message["Reply-To"] == settings["sender"]["reply_to"]
        assert message["Subject"] == subjects[locale]
        assert parsedate_to_datetime(message["Date"]).date() == issue_date
        assert message["List-Unsubscribe"] == "<[[unsubscribe_url]]>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert re.fullmatch(rf"<2026-11\.{locale}\.[0-9a-f]+@example\.com>", message["Message-ID"])
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert "[[first_name|" in text and "[[unsubscribe_url]]" in html  # provider-neutral, for the sender to fill
        direction = "rtl" if locale == "ar" else "ltr"
        assert re.search(rf'<html[^>]* dir="{direction}"', html)


def test_every_link_in_the_exported_emails_keeps_its_utm_parameters_and_localized_pages(project, settings):
    assert send_py("2026-11", cwd=project).returncode == 0
    export = project / "dist" / "2026-11" / "eml"
    for locale in LOCALES:
        html = read_eml(export / f"{locale}.eml").get_body(("html",)).get_content()
        links = [url for url in hrefs(html) if url.startswith("https://")]
        assert links
        web_version = f"{settings['links']['archive']}{locale}/2026-11/"  # the email's own page, not a campaign link
        assert links.count(web_version) == 2
        for url in (url for url in links if url != web_version):
            query = parse_qs(urlsplit(url).query)
            assert query["utm_campaign"] == ["2026-11"] and query["utm_content"] == [locale], url
            assert query["utm_source"] == ["newsletter"] and query["utm_medium"] == ["email"], url
        pages = {urlsplit(url)._replace(query="").geturl() for url in links}
        links_for = settings["links"]["overrides"].get(locale, settings["links"])
        assert links_for["faq"] in pages and links_for["consultation"] in pages
    assert "https://www.example.com/es/preguntas-frecuentes/" not in {
        urlsplit(url)._replace(query="").geturl()
        for url in hrefs(read_eml(export / "en.eml").get_body(("html",)).get_content())}


def test_the_manifest_lists_every_file_with_its_size_and_sha256(project):
    assert send_py("2026-11", "--provider", "postmark", cwd=project).returncode == 0
    export = project / "dist" / "2026-11" / "postmark"
    manifest = json.loads((export / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["issue"] == "2026-11" and manifest["provider"] == "postmark"
    assert manifest["locales"] == list(LOCALES)
    listed = {entry["path"] for entry in manifest["files"]}
    assert listed == {p.name for p in export.iterdir()} - {"manifest.json"}
    for entry in manifest["files"]:
        data = (export / entry["path"]).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()


def test_the_same_issue_exported_twice_gives_byte_identical_files(project):
    for provider in ("eml", "ses", "mailchimp"):
        assert send_py("2026-11", "--provider", provider, "--out", "first", cwd=project).returncode == 0
        assert send_py("2026-11", "--provider", provider, "--out", "second", cwd=project).returncode == 0
    first, second = folder_bytes(project / "first"), folder_bytes(project / "second")
    assert "2026-11/eml/ar.eml" in first and "2026-11/ses/zh_Hans.json" in first
    assert first == second


def test_exports_for_several_providers_live_side_by_side_with_the_build(project):
    assert send_py("2026-11", cwd=project).returncode == 0
    eml_before = folder_bytes(project / "dist" / "2026-11" / "eml")
    assert send_py("2026-11", "--provider", "mailchimp", cwd=project).returncode == 0
    issue_folder = project / "dist" / "2026-11"
    assert folder_bytes(issue_folder / "eml") == eml_before
    assert (issue_folder / "mailchimp" / "fr.json").is_file()
    assert (issue_folder / "fr" / "email.html").is_file() and (issue_folder / "manifest.json").is_file()


def test_a_rebuild_keeps_the_export_until_the_issue_changes(project, cli):
    assert send_py("2026-11", cwd=project).returncode == 0
    export = project / "dist" / "2026-11" / "eml"
    before = folder_bytes(export)
    assert cli("build", "2026-11", cwd=project).returncode == 0
    assert folder_bytes(export) == before  # same build: the export still matches it
    issue = project / "issues" / "2026-11.yaml"
    issue.write_text(issue.read_text().replace("Many of you have asked", "Many patients have asked"))
    rebuilt = cli("build", "2026-11", cwd=project)
    assert rebuilt.returncode == 0 and not export.exists()  # a stale export is never left beside a new build
    assert "dist/2026-11/eml/: removed, it was exported from the previous build — export again" in rebuilt.stderr


def test_send_py_from_another_folder_writes_into_that_projects_dist(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = send_py("--project", str(project), "2026-11", "--locale", "es", cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert (project / "dist/2026-11/eml/es.eml").is_file() and not any(elsewhere.iterdir())


def test_send_py_run_by_its_path_from_outside_any_project_exports_the_project_it_sits_in(project, tmp_path):
    """`python3 ~/clinic-newsletter/send.py 2026-11` from the home folder: send.py sits at the project's root."""
    shutil.copy(REPO / "send.py", project / "send.py")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = send_py("2026-11", "--locale", "es", cwd=elsewhere, script=project / "send.py")
    assert result.returncode == 0, result.stderr
    assert (project / "dist/2026-11/eml/es.eml").is_file() and not any(elsewhere.iterdir())


def test_locale_option_exports_that_locale_and_keeps_the_other_locales_exported_earlier(project):
    first = send_py("2026-11", "--locale", "ar", cwd=project)
    assert first.returncode == 0, first.stderr
    export = project / "dist" / "2026-11" / "eml"
    assert sorted(p.name for p in export.iterdir()) == ["ar.eml", "manifest.json"]
    assert json.loads((export / "manifest.json").read_text(encoding="utf-8"))["locales"] == ["ar"]

    second = send_py("2026-11", "--locale", "es", cwd=project)
    assert second.returncode == 0, second.stderr
    assert sorted(p.name for p in export.iterdir()) == ["ar.eml", "es.eml", "manifest.json"]
    manifest = json.loads((export / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["locales"] == ["es", "ar"]  # in newsletter.yaml's order
    assert [(entry["locale"], entry["path"]) for entry in manifest["files"]] == [("es", "es.eml"), ("ar", "ar.eml")]
    assert "dist/2026-11/eml/: kept ar from the earlier export" in second.stderr


def test_exporting_one_locale_after_a_full_export_leaves_every_locale_as_a_full_export_does(project):
    assert send_py("2026-11", cwd=project).returncode == 0
    export = project / "dist" / "2026-11" / "eml"
    full = folder_bytes(export)
    result = send_py("2026-11", "--locale", "es", cwd=project)
    assert result.returncode == 0, result.stderr
    assert folder_bytes(export) == full  # nothing changed: es is byte-identical, the others kept, the same manifest
    assert "dist/2026-11/eml/: kept en, fr, de, ar, zh_Hans from the earlier export" in result.stderr


def test_a_partial_export_removes_the_other_locales_that_changed_since_and_says_so(project):
    """fr's catalog changed and zh_Hans.eml was edited by hand: keeping them would ship what no longer
    matches; en, de and ar are what exporting them now would give, so they stay."""
    assert send_py("2026-11", cwd=project).returncode == 0
    export = project / "dist" / "2026-11" / "eml"
    full = folder_bytes(export)
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "newsletter.po"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace("Lire cet article sur notre site web",
                                                                    "Lire l'article sur notre site"), encoding="utf-8")
    (export / "zh_Hans.eml").write_bytes(full["zh_Hans.eml"].replace(b"Subject:", b"Subject: [draft]"))
    result = send_py("2026-11", "--locale", "es", cwd=project)
    assert result.returncode == 0, result.stderr
    assert sorted(folder_bytes(export)) == ["ar.eml", "de.eml", "en.eml", "es.eml", "manifest.json"]
    assert all(folder_bytes(export)[f"{locale}.eml"] == full[f"{locale}.eml"] for locale in ("en", "de", "ar", "es"))
    assert json.loads((export / "manifest.json").read_text(encoding="utf-8"))["locales"] == ["en", "es", "de", "ar"]
    assert re.search(r"^warning: .*/dist/2026-11/eml/: removed fr, zh_Hans: the issue, a catalog, a template or the settings "
                     r"changed since they were exported, or their files were edited — export them again with "
                     r"--locale fr --locale zh_Hans$", result.stderr, re.MULTILINE)


def test_a_partial_export_after_the_issue_changed_keeps_no_other_locale(project):
    assert send_py("2026-11", cwd=project).returncode == 0
    issue = project / "issues" / "2026-11.yaml"
    issue.write_text(issue.read_text(encoding="utf-8").replace("Many of you have asked", "Many patients have asked"),
                     encoding="utf-8")
    result = send_py("2026-11", "--locale", "es", cwd=project)
    assert result.returncode == 0, result.stderr
    export = project / "dist" / "2026-11" / "eml"
    assert sorted(p.name for p in export.iterdir()) == ["es.eml", "manifest.json"]
    assert "dist/2026-11/eml/: removed en, fr, de, ar, zh_Hans: the issue, " in result.stderr


@pytest.mark.parametrize("locales", [("en_XA",), ("es", "ar_XB")])
def test_a_pseudo_locale_is_never_exported_for_subscribers(project, locales):
    """en_XA and ar_XB exist for layout checks; an export is what a provider sends to subscribers."""
    result = send_py("2026-11", *(arg for locale in locales for arg in ("--locale", locale)), "--provider", "mailchimp",
                     cwd=project)
    pseudo = locales[-1]
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: --locale: {pseudo} is a pseudo-locale, made for layout checks and never sent to subscribers — "
        f"to look at it, run: newsletter build --locale {pseudo}, or newsletter preview (proofs over --smtp may include it)"]
    assert not (project / "dist").exists()


def test_an_unknown_provider_is_a_usage_error_listing_the_known_ones(project):
    result = send_py("2026-11", "--provider", "mailchump", cwd=project)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: --provider: unknown provider 'mailchump' — use one of: "
        "eml, mailchimp, ses, sendgrid, postmark, mailgun, brevo, listmonk"]
    assert not (project / "dist").exists()


def test_an_unknown_placeholder_stops_the_export_and_keeps_the_previous_one(project):
    assert send_py("2026-11", "--provider", "sendgrid", cwd=project).returncode == 0
    before = folder_bytes(project / "dist")
    footer = project / "templates" / "partials" / "footer.mjml.j2"
    footer.write_text(footer.read_text(encoding="utf-8").replace("</mj-text>", " [[coupon_code]]</mj-text>", 1),
                      encoding="utf-8")
    result = send_py("2026-11", "--provider", "sendgrid", cwd=project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors and all("content.placeholder" in line and "left in the" in line for line in errors)
    assert folder_bytes(project / "dist") == before


def test_a_broken_issue_stops_the_export_and_keeps_the_previous_one(project):
    assert send_py("2026-11", cwd=project).returncode == 0
    before = folder_bytes(project / "dist")
    issue = project / "issues" / "2026-11.yaml"
    issue.write_text(issue.read_text(encoding="utf-8").replace("url: https://", "url: http://", 1), encoding="utf-8")
    result = send_py("2026-11", cwd=project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(r"^error: issues/2026-11\.yaml:\d+:\d+: articles\[0\]\.url: ", result.stderr, re.MULTILINE)
    assert folder_bytes(project / "dist") == before


def test_an_error_from_the_pre_send_checks_stops_the_export_and_keeps_the_previous_one(project):
    assert send_py("2026-11", cwd=project).returncode == 0
    before = folder_bytes(project / "dist")
    text_template = project / "templates" / "email.txt.j2"
    text_template.write_text(text_template.read_text(encoding="utf-8").replace("{{ postal_address }}", ""),
                             encoding="utf-8")
    result = send_py("2026-11", "--provider", "brevo", cwd=project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == len(LOCALES)  # one line per locale
    assert all(re.match(r"error: \w+: compliance\.postal-address: templates/email\.txt\.j2: ", line) for line in errors)
    assert folder_bytes(project / "dist") == before


ENCODED_WORD = re.compile(rb"=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=")


def rfc_line_problems(name: str, data: bytes) -> list[str]:
    """Every line of a message against RFC 5322 (998), RFC 2045 §6.7 (quoted-printable: 76) and RFC 2047 §2
    (encoded words: 75, and a line holding one: 76)."""
    header, _, body = data.partition(b"\r\n\r\n")
    problems = [f"{name}: header line of {len(line)}: {line[:60]!r}" for line in header.split(b"\r\n")
                if len(line) > 998 or (ENCODED_WORD.search(line) and len(line) > 76)]
    problems += [f"{name}: encoded word of {len(word)}" for word in ENCODED_WORD.findall(header) if len(word) > 75]
    problems += [f"{name}: body line of {len(line)}: {line[:60]!r}" for line in body.split(b"\r\n") if len(line) > 76]
    return problems


def test_every_line_of_every_eml_is_within_the_rfc_limits_and_reads_back_the_same(project):
    assert send_py("2026-11", cwd=project).returncode == 0
    export = project / "dist" / "2026-11" / "eml"
    build_manifest = json.loads((project / "dist" / "2026-11" / "manifest.json").read_text(encoding="utf-8"))
    subjects = {entry["locale"]: entry["subject"] for entry in build_manifest["locales"]}
    problems = []
    for locale in LOCALES:
        data = (export / f"{locale}.eml").read_bytes()
        assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF only
        problems += rfc_line_problems(f"{locale}.eml", data)
        message = message_from_bytes(data, policy=policy.default)
        assert message["Subject"] == subjects[locale]
        assert message["To"] is None  # one message for all: the sender sets each subscriber's To
        parts = [part.get_content() for part in message.iter_parts()]
        assert "Hello [[first_name|" in parts[0] or locale != "en"
    assert problems == []
    # the limits were exercised: these subjects are encoded words
    assert all(ENCODED_WORD.search((export / f"{locale}.eml").read_bytes()) for locale in ("ar", "zh_Hans"))


def test_a_proof_carries_to_and_keeps_the_same_limits(project):
    from newsletter.delivery.export import build_for_send
    from newsletter.delivery.proof import proof_message
    from newsletter.project import load_settings
    from newsletter.report import BuildReport

    settings = load_settings(project)
    built = build_for_send(settings, "2026-11", ["ar", "zh_Hans"], BuildReport(), external_checks=False)
    for email in built.emails:
        data = proof_message(email, settings, built, ["reviewer@example.com"]).as_bytes()
        assert rfc_line_problems(email.locale, data) == []
        message = message_from_bytes(data, policy=policy.default)
        assert message["To"] == "reviewer@example.com" and message["Subject"] == f"[PROOF {email.locale}] {email.subject}"
