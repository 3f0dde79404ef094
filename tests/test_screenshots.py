"""Context pictures: `newsletter i18n screenshots` writes one picture per catalog entry in every locale,
each showing its string highlighted, with an index Weblate's screenshot upload takes."""

from __future__ import annotations

import base64
import json
import os
import re
import struct

import pytest

from newsletter.preview.screenshots import HIGHLIGHT, context_sheet
from newsletter.project import load_settings
from tests.support.catalogs import catalog_path, read_po_file

LOCALES = ["en", "es", "fr", "de", "ar", "zh_Hans"]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\]\([^)]*\)")


def entries(project, locale):
    path = project / "locales/newsletter.pot" if locale == "en" else catalog_path(project, locale)
    return {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id): m for m in read_po_file(path) if m.id}


def first_words(message, locale: str) -> set[str]:
    """The first word of the translation (of each plural form), placeholders and link targets left out."""
    strings = message.id if locale == "en" else message.string
    forms = strings if isinstance(strings, tuple) else (strings,)
    return {found.group() for form in forms if (found := re.search(r"\w+", PLACEHOLDER.sub(" ", form)))}


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def pictured(tmp_path_factory):
    """The sample project, pictured once in every locale by the real command."""
    import shutil

    from conftest import PROJECT_FILES, REPO, run_newsletter
    root = tmp_path_factory.mktemp("pictured") / "project"
    root.mkdir()
    for name in PROJECT_FILES:
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / name)
    done = run_newsletter("i18n", "screenshots", "2026-11", cwd=root, timeout=600)
    assert done.returncode == 0, done.stderr
    index = json.loads((root / "dist/screenshots/2026-11/screenshots.json").read_text(encoding="utf-8"))
    return root, index


# Template strings the sample issue (one article, sent whole) cannot show, with the email that shows them.
NOT_IN_THE_SAMPLE = {
    ("heading of the list of the issue's articles", "In this issue"): "an issue of several articles",
    ("button", "Read the full article"): "an article sent as its summary",
    ("plain-text part: heading of the numbered list of web addresses", "Links:"): "a paragraph with links in its text",
}


def test_every_entry_of_the_sample_has_a_picture_in_every_locale(pictured):
    project, index = pictured
    for locale in LOCALES:
        pictures = {(shot["context"], shot["source"]): shot for shot in index["screenshots"] if shot["language_code"] == locale}
        assert set(pictures) == set(entries(project, locale)) - set(NOT_IN_THE_SAMPLE), locale
        for shot in pictures.values():
            width, height = png_size(project / "dist/screenshots/2026-11" / shot["image"])
            box = shot["box"]
            assert 0 <= box["x"] and box["x"] + box["width"] <= width and 0 <= box["y"] and box["y"] + box["height"] <= height
            assert shot["name"] and shot["image"].startswith(f"{locale}/")


def test_each_highlighted_box_shows_the_first_word_of_its_translation(pictured, browser):
    project, index = pictured
    settings = load_settings(project)
    page = browser.new_page()
    for locale in LOCALES:
        sheet, keys = context_sheet(settings, "2026-11", locale)
        page.set_content(sheet)
        catalog = entries(project, locale)
        for shot in (s for s in index["screenshots"] if s["language_code"] == locale):
            key = (shot["context"], shot["source"])
            shown = [page.locator(f'[data-msg="{i}"], [data-msg-attr="{i}"]').first for i, k in enumerate(keys) if k == key]
            texts = {(node.inner_text() if node.get_attribute("data-msg-attr") is None else node.get_attribute("alt"))
                     for node in shown}
            assert shot["text"] in texts, (locale, key)
            words = first_words(catalog[key], locale)
            assert any(word in shot["text"] for word in words) or not words, (locale, key, shot["text"])
    page.close()


def outline_color(page, png: bytes, x: float, y: float) -> list[int]:
    """The colour of one pixel of a picture, read by the browser from the PNG itself."""
    url = "data:image/png;base64," + base64.b64encode(png).decode()
    return page.evaluate("""async ([url, x, y]) => {
        const image = new Image(); image.src = url; await image.decode();
        const canvas = document.createElement("canvas"); canvas.width = image.width; canvas.height = image.height;
        const context = canvas.getContext("2d"); context.drawImage(image, 0, 0);
        return Array.from(context.getImageData(Math.round(x), Math.round(y), 1, 1).data.slice(0, 3)); }""", [url, x, y])


def test_the_box_the_index_names_is_the_one_highlighted_in_the_picture(pictured, browser):
    project, index = pictured
    wanted = tuple(int(HIGHLIGHT[1:][i:i + 2], 16) for i in (0, 2, 4))  # the outline colour
    page = browser.new_page()
    for shot in index["screenshots"]:
        png = (project / "dist/screenshots/2026-11" / shot["image"]).read_bytes()
        box = shot["box"]
        left = outline_color(page, png, box["x"] - 4, box["y"] + box["height"] / 2)
        assert all(abs(got - want) <= 40 for got, want in zip(left, wanted)), (shot["image"], left)
    page.close()


def test_without_chromium_the_command_says_so_in_one_line(project, cli):
    done = cli("i18n", "screenshots", cwd=project, env={"PATH": os.devnull})
    assert done.returncode == 1
    assert done.stderr == ("error: newsletter i18n screenshots: Chromium is not installed — install it "
                           "(apt-get install chromium), then run the command again\n")


def test_translator_mode_shows_the_picture_beside_the_entry(pictured, browser):
    from test_preview import open_preview, start_preview, stop_preview  # the preview as its own tests run it

    project, index = pictured
    server = start_preview(project)
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:)"), lambda route: route.abort())
    page = context.new_page()
    try:
        email = open_preview(page, server, "de")
        page.check("#translator")
        email.locator("[data-msg]", has_text=re.compile("^Beratungstermin vereinbaren$")).click()
        picture = page.locator('#message-details [data-field="Picture"] img')
        picture.wait_for()
        shot = next(s for s in index["screenshots"] if s["language_code"] == "de" and s["source"] == "Schedule a Consultation"
                    and s["context"] == "button")
        assert picture.get_attribute("src") == f"/screenshots/2026-11/{shot['image']}"
        page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=picture.element_handle())
        assert picture.evaluate("image => [image.naturalWidth, image.naturalHeight]") == list(
            png_size(project / "dist/screenshots/2026-11" / shot["image"]))
    finally:
        context.close()
        stop_preview(server)
