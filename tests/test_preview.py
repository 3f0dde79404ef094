"""`newsletter preview` in real headless Chromium: the server runs as users start it, in a private
copy of the project, and the tests click through the page the way marketing and translators do.

Screenshots land in test-output/ for a human look.
"""

from __future__ import annotations

import html
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import REPO

OUTPUT = REPO / "test-output"
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
ES_CATALOG = "locales/es/LC_MESSAGES/newsletter.po"
ISSUE = "issues/2026-11.yaml"


@dataclass
class Preview:
    url: str
    port: int
    project: Path
    process: subprocess.Popen


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_preview(project: Path, *args: str) -> Preview:
    """`newsletter preview` in a fresh process; returns once it answers."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "newsletter", "preview", "--port", str(port), *args], cwd=project,
                               env={**os.environ, "PYTHONPATH": str(REPO)}, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(url + "api/issues", timeout=5).close()
            return Preview(url, port, project, process)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(f"the preview did not start: {process.communicate()[1]}")


def stop_preview(preview: Preview) -> int:
    preview.process.send_signal(signal.SIGINT)  # Ctrl+C
    try:
        return preview.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        preview.process.kill()
        return preview.process.wait()


@pytest.fixture
def server(project: Path):
    preview = start_preview(project)
    yield preview
    stop_preview(preview)


# The email's images live on the clinic's website; tests send traffic to loopback only.
# (Matched inside the browser, so requests to the preview itself are not intercepted.)
NOT_LOOPBACK = re.compile(r"^(?!http://127\.0\.0\.1:)")


def loopback_only(context) -> None:
    context.route(NOT_LOOPBACK, lambda route: route.abort())


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    loopback_only(context)
    tab = context.new_page()
    yield tab
    context.close()


def screenshot(page, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / name), full_page=False)


def open_preview(page, server: Preview, locale: str = "en"):
    page.goto(server.url)
    expect(page.locator("#live")).to_have_attribute("data-state", "live")
    page.click(f'#locales [data-locale="{locale}"]')
    expect(page.locator(f'#locales [data-locale="{locale}"]')).to_have_class(re.compile("active"))
    email = page.frame_locator("#email")
    expect(email.locator("html")).to_have_attribute("lang", locale.replace("_", "-"))
    return email


def get(server: Preview, path: str, host: str | None = None) -> tuple[int, bytes]:
    """A raw HTTP request: the path is sent exactly as written, dots and escapes included."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", host or f"127.0.0.1:{server.port}")
    connection.endheaders()
    response = connection.getresponse()
    status, body = response.status, response.read()
    connection.close()
    return status, body


def catalog_entry_line(project: Path, msgid: str) -> int:
    lines = (project / ES_CATALOG).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if line == f'msgid "{msgid}"') + 1  # its msgstr


def set_button_translation(project: Path, translation: str, fuzzy: bool = False) -> None:
    """What a translator does in the editor: write the msgstr of the "Schedule a Consultation" button."""
    path = project / ES_CATALOG
    entry = re.compile(r'(?:#, fuzzy\n)?(msgctxt "button"\nmsgid "Schedule a Consultation"\nmsgstr )"[^\n]*"')
    text, count = entry.subn(lambda found: ("#, fuzzy\n" if fuzzy else "") + found.group(1) + f'"{translation}"',
                             path.read_text(encoding="utf-8"))
    assert count == 1
    path.write_text(text, encoding="utf-8")


# ---- what everyone sees


def test_arabic_email_is_right_to_left_in_the_frame(server, page):
    email = open_preview(page, server, "ar")
    expect(email.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#inbox")).to_have_attribute("dir", "rtl")
    expect(page.locator('#locales [data-locale="ar"] .coverage')).to_have_text(re.compile(r"^\d+%$"))
    screenshot(page, "preview-ar-desktop.png")


def test_mobile_width_fits_the_email_without_horizontal_scroll(server, page):
    email = open_preview(page, server, "de")
    page.click('#widths [data-width="mobile"]')
    expect(page.locator("#email")).to_have_css("width", "375px")
    expect(email.locator("html")).to_have_attribute("lang", "de")
    scroll, client = email.locator("html").evaluate("html => [html.scrollWidth, html.clientWidth]")
    assert client == 375 and scroll <= client
    screenshot(page, "preview-de-mobile.png")


def test_all_locales_side_by_side_fit_a_phone(server, page):
    open_preview(page, server, "en")
    page.click('#tabs [data-tab="all"]')
    cards = page.locator(".all-locales figure")
    expect(cards).to_have_count(8)
    for locale in ("en", "es", "fr", "de", "ar", "zh_Hans", "en_XA", "ar_XB"):
        html = page.frame_locator(f'[data-card="{locale}"] iframe').locator("html")
        expect(html).to_have_attribute("lang", locale.replace("_", "-"))
        scroll, client = html.evaluate("html => [html.scrollWidth, html.clientWidth]")
        assert client == 375 and scroll <= client, locale
    screenshot(page, "preview-all-locales.png")


def test_text_and_source_tabs_show_the_built_parts(server, page):
    open_preview(page, server, "fr")
    page.click('#tabs [data-tab="text"]')
    expect(page.locator("#source")).to_contain_text("[[unsubscribe_url]]")
    page.click('#tabs [data-tab="mjml"]')
    expect(page.locator("#source")).to_contain_text('<mjml lang="fr" dir="ltr">')
    page.click('#tabs [data-tab="html"]')
    expect(page.locator("#source")).to_contain_text('<html lang="fr" dir="ltr"')


def test_side_panel_lists_the_pre_send_checks_for_the_locale(project, page):
    issue = project / ISSUE
    issue.write_text(issue.read_text(encoding="utf-8").replace(
        'subject: "Exosomes in plastic surgery: what they are and what is legal"',
        'subject: "Exosomes in plastic surgery: what they are, what they are not, and what is legal today"'), encoding="utf-8")
    server = start_preview(project)
    try:
        open_preview(page, server, "en")
        expect(page.locator("#checks")).to_contain_text("subject")
        expect(page.locator("#checks")).to_contain_text("issues/2026-11.yaml:5")
    finally:
        stop_preview(server)


def test_side_panel_lists_a_refused_translation_with_its_file_and_line(project, page):
    set_button_translation(project, "Reserve <b>ya</b>")
    line = catalog_entry_line(project, "Schedule a Consultation")
    server = start_preview(project)
    try:
        email = open_preview(page, server, "es")
        expect(page.locator("#qa")).to_contain_text(f"{ES_CATALOG}:{line}: markup: '<b>' is not in the English")
        expect(page.locator("#warnings .error")).to_contain_text(f"{ES_CATALOG}:{line}: markup")
        expect(email.get_by_text("Schedule a Consultation", exact=True)).to_be_visible()  # the English stands in
        screenshot(page, "preview-es-refused-translation.png")
    finally:
        stop_preview(server)


def test_markup_a_translation_adds_is_refused_in_the_page_as_in_the_build(project, page):
    set_button_translation(project, 'Reserve <img src=\\"x\\"onerror=\\"document.title=1\\">una consulta')
    line = catalog_entry_line(project, "Schedule a Consultation")
    server = start_preview(project)
    try:
        email = open_preview(page, server, "es")
        refused = f"""{ES_CATALOG}:{line}: markup: '<img src="x"onerror="document.title=1">' is not in the English"""
        expect(page.locator("#qa")).to_contain_text(refused)
        expect(page.locator("#warnings .error")).to_contain_text(f"{ES_CATALOG}:{line}: markup")
        expect(email.get_by_text("Schedule a Consultation", exact=True)).to_be_visible()  # the English stands in
        assert email.locator("[onerror]").count() == 0 and email.locator("html").evaluate("() => document.title") != "1"
    finally:
        stop_preview(server)


def test_the_frame_shows_exactly_the_html_that_build_writes(server, cli):
    assert cli("build", cwd=server.project).returncode == 0
    for locale in ("en", "es", "ar"):
        status, served = get(server, f"/email/2026-11/{locale}.html")
        assert status == 200
        assert served == (server.project / "dist" / "2026-11" / locale / "email.html").read_bytes()


def test_shipped_files_carry_no_translator_marks(project, cli):
    assert cli("build", "--locale", "es", "--locale", "ar", "--locale", "en_XA", "--no-cache", cwd=project).returncode == 0
    files = [path for path in (project / "dist").rglob("*") if path.is_file()]  # the web archive's pages too
    assert len([path for path in files if path.relative_to(project / "dist").parts[0] == "2026-11"]) == 10
    for path in files:
        assert not PRIVATE_USE.search(html.unescape(path.read_text(encoding="utf-8"))), path  # nor as &#xE000;


def test_dark_view_applies_the_emails_dark_mode_rules_beside_the_light_one(project, browser, page):
    # The sample layout's dark rules: a near-black page, dark grey cards, light text.
    server = start_preview(project)
    try:
        open_preview(page, server, "en")
        page.click('#appearance [data-appearance="both"]')
        light, dark = page.frame_locator("#email"), page.frame_locator("#email-dark")
        expect(dark.locator(".dark-page")).to_have_css("background-color", "rgb(18, 18, 18)")
        expect(light.locator(".dark-page")).to_have_css("background-color", "rgb(243, 244, 246)")
        expect(dark.locator(".dark-card").first).to_have_css("background-color", "rgb(30, 30, 30)")
        expect(dark.locator(".dark-text div").first).not_to_have_css("color", "rgb(34, 34, 34)")
        expect(light.locator(".dark-card").first).to_have_css("background-color", "rgb(255, 255, 255)")
        screenshot(page, "preview-light-and-dark.png")
        # The same email under Chromium's own prefers-color-scheme: dark looks the same.
        context = browser.new_context(color_scheme="dark")
        loopback_only(context)
        native = context.new_page()
        native.goto(f"{server.url}email/2026-11/en.html")
        expect(native.locator(".dark-page")).to_have_css("background-color", "rgb(18, 18, 18)")
        context.close()
    finally:
        stop_preview(server)


def test_light_view_stays_light_on_a_computer_set_to_dark(project, browser):
    """The frames follow the computer's preference unless told otherwise: "Light mode" must not show
    the dark email because the marketer's laptop is in dark mode."""
    server = start_preview(project)
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, color_scheme="dark")
    loopback_only(context)
    try:
        page = context.new_page()
        open_preview(page, server, "en")
        page.click('#appearance [data-appearance="light"]')
        expect(page.frame_locator("#email").locator(".dark-card").first).to_have_css("background-color", "rgb(255, 255, 255)")
        page.click('#appearance [data-appearance="both"]')
        light, dark = page.frame_locator("#email"), page.frame_locator("#email-dark")
        expect(light.locator(".dark-page")).to_have_css("background-color", "rgb(243, 244, 246)")
        expect(dark.locator(".dark-page")).to_have_css("background-color", "rgb(18, 18, 18)")
    finally:
        context.close()
        stop_preview(server)


# ---- live reload


def render_versions(server: Preview) -> dict[str, str]:
    """Each locale's render key: it changes exactly when that email is rendered again."""
    status, body = get(server, "/api/issues/2026-11")
    return {entry["locale"]: entry["version"] for entry in json.loads(body)["locales"]}


def test_saving_a_catalog_entry_updates_the_open_page(server, page):
    email = open_preview(page, server, "es")
    before = render_versions(server)
    page.evaluate("window.notReloaded = true")
    set_button_translation(server.project, "Pida su cita hoy")
    expect(email.get_by_text("Pida su cita hoy")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    after = render_versions(server)
    assert [locale for locale in before if before[locale] != after[locale]] == ["es"]  # only Spanish was rebuilt
    screenshot(page, "preview-es-after-catalog-edit.png")


def test_broken_yaml_shows_in_the_page_and_the_preview_recovers(server, page):
    email = open_preview(page, server, "en")
    issue = server.project / ISSUE
    good = issue.read_text(encoding="utf-8")
    issue.write_text(good.replace("\narticles:\n", "\narticles:\n  - slug: [unclosed\n", 1), encoding="utf-8")
    problems = page.locator("#problems")
    expect(problems).to_be_visible()
    expect(problems).to_contain_text(re.compile(r"issues/2026-11\.yaml:\d+"))
    screenshot(page, "preview-broken-yaml.png")
    issue.write_text(good.replace("Exosomes in Plastic Surgery", "Exosomes in Plastic Surgery, Explained"), encoding="utf-8")
    expect(problems).to_be_hidden()
    expect(email.get_by_text("Exosomes in Plastic Surgery, Explained")).to_be_visible()
    assert server.process.poll() is None


def test_settings_saved_by_an_editor_reach_the_page_every_time(server, page):
    email = open_preview(page, server, "en")
    settings = server.project / "newsletter.yaml"
    original = settings.read_text(encoding="utf-8")
    for brand in ("Northside Aesthetics", "Northside Clinic"):
        replacement = settings.with_name(".newsletter.yaml.swp")  # editors write a new file, then rename it
        replacement.write_text(original.replace("name: Northside Plastic Surgery", f"name: {brand}", 1), encoding="utf-8")
        os.replace(replacement, settings)
        expect(email.get_by_text(brand, exact=True)).to_be_visible()
        expect(page.locator("#brand")).to_have_text(brand)


def test_broken_catalog_shows_file_and_line_and_recovers(server, page):
    open_preview(page, server, "es")
    catalog = server.project / ES_CATALOG
    good = catalog.read_text(encoding="utf-8")
    broken = good.replace('msgid "Unsubscribe"\nmsgstr "', 'msgid "Unsubscribe"\nmsgstr "unterminated\n"', 1)
    assert broken != good
    catalog.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index('msgstr "unterminated') + 1
    problems = page.locator("#problems")
    expect(problems).to_contain_text(f"{ES_CATALOG}:{line}")
    catalog.write_text(good, encoding="utf-8")
    expect(problems).to_be_hidden()


# ---- translator mode


def test_translator_mode_shows_the_catalog_entry_of_a_clicked_string(project, page):
    set_button_translation(project, "Reserve una consulta", fuzzy=True)
    server = start_preview(project)
    try:
        email = open_preview(page, server, "es")
        page.check("#translator")
        button = email.locator("[data-msg]", has_text=re.compile("^Schedule a Consultation$"))
        expect(button).to_have_attribute("data-state", "fuzzy")
        button.click()
        details = page.locator("#message-details")
        expect(details.locator('[data-field="msgid"]')).to_have_text("Schedule a Consultation")
        expect(details.locator('[data-field="msgctxt"]')).to_have_text("button")
        line = catalog_entry_line(project, "Schedule a Consultation")
        expect(details.locator('[data-field="Catalog"]')).to_have_text(f"{ES_CATALOG}:{line}")
        expect(details.locator('[data-field="State"]')).to_contain_text("Fuzzy")
        expect(details.locator('[data-field="Translation"]')).to_have_text("Reserve una consulta")
        assert not PRIVATE_USE.search(email.locator("html").evaluate("html => html.outerHTML"))
        screenshot(page, "preview-translator-mode.png")
    finally:
        stop_preview(server)


# ---- safe by default


@pytest.mark.parametrize("path", [
    "/../newsletter.yaml", "/%2e%2e/newsletter.yaml", "/%252e%252e/newsletter.yaml",
    "/assets/..%2f..%2f..%2fsettings.py", "/assets/%2e%2e%2fserver.py", "/assets/%252e%252e%252fserver.py",
    "/email/..%2f..%2fnewsletter.yaml/en.html", "/email/2026-11/..%2f..%2f..%2fnewsletter.yaml%00.html",
    "/api/issues/%2e%2e/en", "/issues/2026-11.yaml", "/locales/es/LC_MESSAGES/newsletter.po",
    "/assets/", "/email/", "/email/2026-11/", "/newsletter.yaml",
])
def test_only_the_preview_is_served_never_project_files(server, path):
    status, body = get(server, path)
    assert status == 404
    assert b"postal_address" not in body and b"msgid" not in body and b"import" not in body


def test_requests_for_another_host_name_are_refused(server):
    assert get(server, "/api/issues", host="attacker.example")[0] == 400
    assert get(server, "/api/issues")[0] == 200


def test_binds_to_this_machine_only_and_stops_cleanly_on_ctrl_c(project):
    preview = start_preview(project)
    listening = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:]]
    addresses = {local for local, state in ((row[1], row[3]) for row in listening)
                 if state == "0A" and local.endswith(f":{preview.port:04X}")}
    assert addresses == {f"0100007F:{preview.port:04X}"}  # 127.0.0.1, listening
    assert stop_preview(preview) == 0


def test_an_unknown_issue_is_one_clear_line(project, cli):
    result = cli("preview", "2031-01", cwd=project, timeout=30)
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["error: issues/2031-01.yaml: no issue '2031-01' — known issues: 2026-11"]


def test_a_taken_port_is_one_clear_line(project, cli):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = cli("preview", "--port", str(port), cwd=project, timeout=30)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: --port: port {port} on 127.0.0.1 is already in use — stop the other server, or choose another port: "
        f"--port {port + 1}"]
