"""The web archive: every issue in every language as a page, an index and an Atom feed per language, a
sitemap, and "View in browser" in every export leading to the page. Feeds are read by feedparser, the
sitemap by an XML parser, the pages by headless Chromium through the preview (which serves the archive).
"""

from __future__ import annotations

import email
import email.policy
import html
import json
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import feedparser
import pytest
from babel import Locale
from playwright.sync_api import expect

from tests.test_preview import page, screenshot, server  # noqa: F401 (fixtures)

BASE = "https://www.example.com/newsletter/"
LOCALES = {"en": "en", "es": "es", "fr": "fr", "de": "de", "ar": "ar", "zh_Hans": "zh-Hans"}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def publish_archive(project: Path) -> None:
    """What the clinic adds to newsletter.yaml to publish its archive."""
    settings = project / "newsletter.yaml"
    text = settings.read_text(encoding="utf-8")
    if f"archive: {BASE}" not in text:  # the sample project publishes it already
        settings.write_text(text.replace("links:\n", f"links:\n  archive: {BASE}\n", 1), encoding="utf-8")


@pytest.fixture
def two_issues(project: Path, cli) -> Path:
    """The sample project publishing its archive, with December started beside November."""
    publish_archive(project)
    assert cli("new", "2026-12", cwd=project).returncode == 0
    return project


def test_every_language_has_its_pages_index_and_atom_feed(two_issues, cli):
    result = cli("archive", cwd=two_issues)
    assert result.returncode == 0, result.stderr
    site = two_issues / "dist/archive"
    for locale, lang in LOCALES.items():
        feed = feedparser.parse((site / locale / "feed.xml").read_bytes())
        assert not feed.bozo, feed.bozo_exception
        assert feed.feed.language == lang
        assert {(link.rel, link.href) for link in feed.feed.links} >= {("alternate", f"{BASE}{locale}/"),
                                                                       ("self", f"{BASE}{locale}/feed.xml")}
        assert [entry.link for entry in feed.entries] == [f"{BASE}{locale}/2026-12/", f"{BASE}{locale}/2026-11/"]
        assert feed.entries[0].published_parsed[:3] == (2026, 12, 1)
        for entry in feed.entries:
            page_html = (site / entry.link.removeprefix(BASE) / "index.html").read_text(encoding="utf-8")
            assert html.unescape(re.search(r"<title>(.*?)</title>", page_html).group(1)) == entry.title
            assert f'<html lang="{lang}" dir="{"rtl" if locale == "ar" else "ltr"}"' in page_html
            assert f'<link rel="canonical" href="{entry.link}">' in page_html
            alternates = set(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page_html))
            issue = entry.link.rstrip("/").rsplit("/", 1)[1]
            assert alternates == {(other, f"{BASE}{code}/{issue}/") for code, other in LOCALES.items()} | {
                ("x-default", f"{BASE}en/{issue}/")}
            assert "[[" not in page_html and "unsubscribe" not in page_html.lower()


def test_the_sitemap_names_every_page_with_its_languages_and_the_site_is_the_same_each_time(two_issues, cli):
    assert cli("archive", cwd=two_issues).returncode == 0
    site = two_issues / "dist/archive"
    urls = ElementTree.parse(site / "sitemap.xml").getroot().findall(f"{SITEMAP}url")
    pages = {url.find(f"{SITEMAP}loc").text for url in urls}
    assert pages == {f"{BASE}{locale}/{issue}" for locale in LOCALES for issue in ("", "2026-11/", "2026-12/")}
    for url in urls:
        path = url.find(f"{SITEMAP}loc").text.removeprefix(BASE)
        assert (site / path / "index.html").is_file()
        assert len(url.findall("{http://www.w3.org/1999/xhtml}link")) == len(LOCALES)
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert cli("archive", cwd=two_issues).returncode == 0
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_the_build_writes_the_archive_and_every_export_links_to_its_page(two_issues, cli):
    result = cli("build", cwd=two_issues)
    assert result.returncode == 0, result.stderr
    assert "wrote the web archive: 2 issues in 6 locales (12 pages)" in result.stderr
    assert (two_issues / "dist/archive/es/2026-11/index.html").is_file()
    for provider in ("eml", "mailchimp", "listmonk"):
        exported = cli("export", "2026-11", "--provider", provider, "--skip-external-checks", cwd=two_issues)
        assert exported.returncode == 0, exported.stderr
        folder = two_issues / "dist/2026-11" / provider
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        locale_files = [entry for entry in manifest["files"] if entry.get("locale")]  # not a shared file (listmonk's template)
        assert {entry["locale"] for entry in locale_files} == {"en", "es", "fr", "de", "ar", "zh_Hans"}, provider
        for entry in manifest["files"]:
            data = readable(folder / entry["path"])
            if entry.get("locale"):
                assert f"{BASE}{entry['locale']}/2026-11/" in data, (provider, entry["path"])
            assert "[[web_version_url]]" not in data


def readable(path: Path) -> str:
    """An exported file's text; a message's parts decoded (its HTML is quoted-printable)."""
    if path.suffix != ".eml":
        return path.read_text(encoding="utf-8")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    return "\n".join(part.get_content() for part in message.walk() if part.get_content_maintype() == "text")


def test_without_an_address_there_is_no_archive_and_asking_for_one_says_what_to_add(project, cli):
    settings = project / "newsletter.yaml"
    settings.write_text(re.sub(r"\n  archive: .*", "", settings.read_text(encoding="utf-8")), encoding="utf-8")
    assert cli("build", "--locale", "en", cwd=project).returncode == 0
    assert not (project / "dist/archive").exists()
    result = cli("archive", cwd=project)
    assert result.returncode == 1
    assert result.stderr == ("error: newsletter.yaml: links.archive: no address for the web archive — add under links: "
                             f"archive: {BASE}\n")


def test_a_broken_issue_stays_out_of_the_archive_and_the_others_are_published(two_issues, cli):
    (two_issues / "issues/2027-01.yaml").write_text("id: 2027-01\n", encoding="utf-8")
    result = cli("archive", cwd=two_issues)
    assert result.returncode == 0, result.stderr
    assert "issues/2027-01.yaml" in result.stderr and "not in the archive" in result.stderr
    assert not (two_issues / "dist/archive/en/2027-01").exists()
    assert (two_issues / "dist/archive/en/2026-12/index.html").is_file()


@pytest.fixture
def archive_server(two_issues, server):  # noqa: F811
    return server


def test_the_archive_in_chromium_index_pages_switcher_and_arabic_right_to_left(archive_server, page):  # noqa: F811
    page.goto(archive_server.url + "archive/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".issue h2")).to_have_text(["Our December 2026 newsletter",
                                                      "Exosomes in plastic surgery: what they are and what is legal"])
    page.click("text=Exosomes in plastic surgery: what they are and what is legal")
    expect(page).to_have_url(archive_server.url + "archive/en/2026-11/")
    expect(page.locator("body")).to_contain_text("Exosomes in Plastic Surgery")
    assert page.locator("a", has_text=re.compile("unsubscribe", re.I)).count() == 0
    screenshot(page, "archive-en.png")

    spanish = Locale.parse("es").display_name
    page.click(f"nav.archive-languages a:text-is('{spanish}')")
    expect(page).to_have_url(archive_server.url + "archive/es/2026-11/")
    expect(page.locator("html")).to_have_attribute("lang", "es")

    page.click(f"nav.archive-languages a:text-is('{Locale.parse('ar').display_name}')")
    expect(page).to_have_url(archive_server.url + "archive/ar/2026-11/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('nav.archive-languages')).direction") == "rtl"
    current = page.locator("nav.archive-languages [aria-current=page]")
    expect(current).to_have_text(Locale.parse("ar").display_name)
    screenshot(page, "archive-ar.png")

    page.click("nav.archive-languages a >> nth=0")  # the brand: back to this language's index
    expect(page).to_have_url(archive_server.url + "archive/ar/")
    expect(page.locator(".issue h2 a")).to_have_count(2)
    assert page.request.get(archive_server.url + "archive/../newsletter.yaml").status == 404
