"""`newsletter shots` as marketing runs it: the real engines on this machine (Debian's chromium through Playwright,
firefox-esr over Marionette; WebKitGTK is left without a display, to show a missing engine is one line and the
others go on), the real w3m for the HTML part as mutt's `auto_view` shows it, and the pictures read back as PNG
files (https://www.w3.org/TR/png/).

The whole matrix (every locale, three engines) is `newsletter shots 2026-11` itself; here one locale keeps the
suite's added time small.
"""

from __future__ import annotations

import re
import shutil
import struct
import sys
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

from newsletter.shots import FOLDER, WIDTHS
from newsletter.shots.capture import View, capture
from newsletter.shots.sheet import TOLERANCE_PX, differences
from tests.test_text_clients import text_browser_dump

ISSUE = "2026-11"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (https://www.w3.org/TR/png/#11IHDR)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def path_without_xvfb(tmp_path: Path) -> str:
    """A PATH with Python, Chromium, Firefox ESR and w3m, and no Xvfb: with no display, no WebKitGTK."""
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "python3").symlink_to(sys.executable)
    for tool in ("chromium", "firefox-esr", "w3m"):
        found = shutil.which(tool)
        if not found:
            pytest.skip(f"{tool} is not installed")
        (folder / tool).symlink_to(found)
    return str(folder)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources, self.marked = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.sources.append(attrs["src"])
        if attrs.get("class") == "differs":
            self.marked += 1


def test_shots_pictures_every_view_and_the_terminal_text_and_a_missing_engine_is_one_line(project, cli, tmp_path):
    built = cli("build", ISSUE, "--locale", "ar", "--quiet", cwd=project)
    assert built.returncode == 0, built.stderr
    result = cli("shots", ISSUE, "--locale", "ar", "--engine", "chromium", "--engine", "gecko", "--engine", "webkit",
                 cwd=project, env={"PATH": path_without_xvfb(tmp_path), "DISPLAY": ""}, timeout=600)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == ["skipped webkit: no display and no Xvfb (Debian: xvfb)"]
    folder = project / "dist" / ISSUE / FOLDER
    views = [f"ar-{width}-{scheme}-images-{images}" for width in WIDTHS for scheme in ("light", "dark")
             for images in ("off", "on")]
    pictures = {f"{view}-{engine}.png" for view in views for engine in ("chromium", "gecko")}
    terminal = {"ar-text.png", "ar-w3m.png", "ar-text.txt", "ar-w3m.txt"}
    assert {path.name for path in folder.iterdir()} == pictures | terminal | {"index.html"}
    assert re.fullmatch(rf"wrote dist/{ISSUE}/shots/index.html: {len(pictures) + 2} pictures in \d+ s\n", result.stdout)

    index = (folder / "index.html").read_text(encoding="utf-8")
    links = Links()
    links.feed(index)
    assert sorted(links.sources) == sorted(pictures | {"ar-text.png", "ar-w3m.png"})
    assert "webkit skipped: no display and no Xvfb (Debian: xvfb)" in index
    for name in pictures:
        width, height = png_size((folder / name).read_bytes())
        view_width = WIDTHS[name.split("-")[1]]
        assert width == view_width, name
        # the whole page is pictured (Gecko's frame was cut at its top by the window's edges): the height the
        # index gives is the picture's
        assert f'<a href="{name}"><img src="{name}" alt="" loading="lazy"></a><div class="measure">{height} px high' in index

    assert (folder / "ar-text.txt").read_text(encoding="utf-8") == \
        (project / "dist" / ISSUE / "ar" / "email.txt").read_text(encoding="utf-8")
    html = (project / "dist" / ISSUE / "ar" / "email.html").read_text(encoding="utf-8")
    assert (folder / "ar-w3m.txt").read_text(encoding="utf-8") == text_browser_dump("w3m", html)
    shown_in_the_preview(project, folder)


def fetched(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def shown_in_the_preview(project: Path, folder: Path) -> None:
    """The preview links to the shots page and serves its files; nothing else of dist/ through that route."""
    from tests.test_preview import start_preview, stop_preview

    preview = start_preview(project)
    base = preview.url.rstrip("/")
    try:
        assert b'href="/shots/"' in fetched(base)[1]
        assert fetched(f"{base}/shots/")[1].count(f'href="/shots/{ISSUE}/index.html"'.encode()) == 1
        assert fetched(f"{base}/shots/{ISSUE}/index.html") == (200, (folder / "index.html").read_bytes())
        assert fetched(f"{base}/shots/{ISSUE}/ar-text.png") == (200, (folder / "ar-text.png").read_bytes())
        for name in ("..%2Fmanifest.json", "manifest.json", "missing.png"):
            assert fetched(f"{base}/shots/{ISSUE}/{name}")[0] == 404, name
    finally:
        stop_preview(preview)


def test_the_index_marks_the_engine_whose_page_stands_apart(tmp_path):
    """Three pictures of one view: two engines alike, one whose page runs taller by twice the tolerance (a
    block pushed the article down, as WebKit's empty 600×600 image box did): only that one is marked."""
    if not shutil.which("chromium"):
        pytest.skip("chromium is not installed")
    email = ('<!doctype html><html><body style="margin:0"><h1>Title</h1>{}<h2>Section</h2>'
             '<p style="height:1200px">text</p></body></html>')
    spacer = f'<div style="height:{2 * TOLERANCE_PX}px"></div>'
    views = [View("one.png", email.format(""), 375), View("two.png", email.format(""), 375),
             View("three.png", email.format(spacer), 375)]
    one, two, three = capture("chromium", views, str(tmp_path))
    assert three.height > one.height + TOLERANCE_PX == two.height + TOLERANCE_PX
    shots = {engine: {f"view-{engine}.png": shot}
             for engine, shot in (("blink", one), ("gecko", two), ("webkit", three))}
    marked = differences(shots, "view")
    assert list(marked) == ["webkit"]
    assert marked["webkit"].startswith(f"height {three.height} px against {one.height} px")
