"""One engine's pictures of every view of the email: run in a process of its own (WebKitGTK wants its
process's main thread, and the three engines then work side by side), each view opened, measured (the
page's height and the boxes of its landmarks: images, headings, buttons) and pictured whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from newsletter.shots.engines import PageServer
from newsletter.shots.machine import start

VIEWPORT_HEIGHT = 800
# The page's height and, in reading order, the boxes (x, y, width, height in page pixels) of what a reader finds
# their way by: the email's images, headings and buttons.
LAYOUT = """() => {
  const marks = [...document.querySelectorAll('img, h1, h2, h3, h4, .dark-button a, .dark-button-outline a')];
  return {height: document.documentElement.scrollHeight, boxes: marks.map((el) => {
    const r = el.getBoundingClientRect();
    return [el.tagName.toLowerCase(), Math.round(r.x + scrollX), Math.round(r.y + scrollY), Math.round(r.width),
            Math.round(r.height)];
  })};
}"""


@dataclass(frozen=True)
class View:
    """One picture to take: a page (the email, or its text part as a terminal shows it), how it is opened,
    and the file it is written to."""

    file: str
    html: str
    width: int
    dark: bool = False
    images: bool = False


@dataclass
class Shot:
    file: str
    height: int
    boxes: list[list] = field(default_factory=list)


def capture(engine: str, views: list[View], folder: str) -> list[Shot]:
    """Every view in this engine, its picture written into `folder`; the measurements back."""
    server = PageServer()
    opened = start(engine, server)
    shots = []
    try:
        for view in views:
            page = opened.open(server.publish(view.html, view.images), width=view.width, height=VIEWPORT_HEIGHT,
                               dark=view.dark, images=view.images)
            try:
                layout = page.evaluate(LAYOUT)
                page.screenshot(Path(folder) / view.file)
            finally:
                page.close()
            shots.append(Shot(view.file, layout["height"], layout["boxes"]))
    finally:
        opened.close()
        server.close()
    return shots
