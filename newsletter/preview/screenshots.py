"""`newsletter i18n screenshots`: one picture per catalog entry, showing where its string sits.

The email is rendered as translator mode renders it (every string wrapped in a marked span,
newsletter/preview/marks.py), on a context sheet: the inbox line (sender, subject, preheader)
above the email and the plain-text part below it, so that every entry has a place to be seen,
and an image's alt text is written over its image. Headless Chromium lays the sheet out; for
each entry (msgctxt + msgid) its first visible occurrence is highlighted and a picture cropped
around it is written, with an index in the form Weblate's screenshot API takes.

Chromium and Playwright for Python are an optional extra (`pip install 'newsletter[screenshots]'`).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from newsletter.dist import screenshots_folder
from newsletter.errors import Location, NewsletterError, Problem, UsageError
from newsletter.i18n.translator import translator_for
from newsletter.model.content import find_issue, load_issue
from newsletter.model.settings import PSEUDO_LOCALES, Settings
from newsletter.output import write_file_atomic
from newsletter.preview.marks import marked_text_to_spans, marks_to_spans
from newsletter.render import render_email

INDEX = "screenshots.json"
WIDTH = 680  # the 600-pixel email with a margin
MARGIN = 48  # context kept above and below the string
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# Drawn as a box over the string (not a style on it, which would reflow the text): outline colour, fill.
HIGHLIGHT = "#c2410c"
HIGHLIGHT_FILL = "rgba(253, 224, 71, .45)"
SHEET_STYLE = """
  #inbox-line { font: 14px/1.5 system-ui, sans-serif; max-width: 600px; margin: 12px auto; padding: 10px 14px;
                border: 1px solid #d1d5db; border-radius: 8px; background: #ffffff; color: #111827; }
  #inbox-line .preheader { color: #4b5563; }
  #text-part { max-width: 600px; margin: 24px auto; padding: 12px; border-top: 4px double #9ca3af; background: #ffffff; }
  #text-part pre { font: 13px/1.45 ui-monospace, monospace; white-space: pre-wrap; color: #111827; }
  .alt-text { position: absolute; padding: 4px 8px; font: 13px/1.4 system-ui, sans-serif; color: #ffffff;
              background: rgba(17, 24, 39, .8); border-radius: 4px; }
"""


@dataclass(frozen=True)
class Screenshot:
    """One picture, named and described as Weblate's screenshot upload takes it (name, image, language_code),
    with the entry it belongs to (context and source identify the string to associate it with)."""

    name: str
    image: str  # relative to the index
    language_code: str
    context: str | None
    source: str
    box: dict  # the highlighted string inside the picture, in pixels
    text: str  # the highlighted string as the page shows it


def picture_name(context: str | None, msgid: str) -> str:
    """A file name per entry: readable, stable, unique (the digest tells apart entries that slug alike)."""
    digest = hashlib.sha256(f"{context or ''}\x04{msgid}".encode()).hexdigest()[:10]
    words = "-".join(re.findall(r"[a-z0-9]+", f"{context or ''} {msgid}".lower()))[:60].strip("-")
    return f"{words}-{digest}.png"


def context_sheet(settings: Settings, issue_id: str, locale: str) -> tuple[str, list[tuple[str | None, str]]]:
    """The sheet's HTML with every string marked, and the entry behind each mark index."""
    issue = load_issue(find_issue(settings, issue_id), settings)
    translator = translator_for(settings, locale)
    translator.marks = []
    email = render_email(issue, settings, locale, translator)
    inbox = (f'<div id="inbox-line"><strong>{html.escape(settings.sender.name)}</strong><br>'
             f'<span class="subject">{marked_text_to_spans(email.subject)}</span><br>'
             f'<span class="preheader">{marked_text_to_spans(email.preheader)}</span></div>')
    text = f'<section id="text-part"><pre>{marked_text_to_spans(email.text)}</pre></section>'
    page = marks_to_spans(email.html).replace("</head>", f"<style>{SHEET_STYLE}</style></head>", 1)
    head, body_tag, rest = page.partition("<body")
    body_open, _, body = rest.partition(">")
    body = body.replace("</body>", f"{text}</body>", 1)
    return f"{head}{body_tag}{body_open}>{inbox}{body}", [key for key, _ in translator.marks]


def chosen_locales(settings: Settings, locales: list[str] | None) -> list[str]:
    for locale in locales or ():
        if locale not in settings.locales:
            raise UsageError(Problem(Location("--locale"), f"{locale!r} is not one of the project's locales "
                                     f"({', '.join(settings.locales)})", "give a locale of newsletter.yaml"))
    return [locale for locale in locales or settings.locales if locale not in PSEUDO_LOCALES]


def launch_chromium(playwright):
    """Chromium as installed on this machine; never downloaded."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise NewsletterError(Problem(Location("newsletter i18n screenshots"), "Chromium is not installed",
                                      "install it (apt-get install chromium), then run the command again"))
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)


def sync_playwright():
    try:
        from playwright.sync_api import sync_playwright as start
    except ImportError:
        raise NewsletterError(Problem(Location("newsletter i18n screenshots"), "Playwright for Python is not installed",
                                      "install the extra: python3 -m pip install 'newsletter[screenshots]'")) from None
    return start()


def take_screenshots(settings: Settings, issue_id: str, locales: list[str] | None, out: Path) -> list[Screenshot]:
    """Every locale's pictures under out/<issue>/<locale>/, and the index out/<issue>/screenshots.json."""
    chosen = chosen_locales(settings, locales)
    folder = out / issue_id
    taken: list[Screenshot] = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            page.route(re.compile(r"^https?://"), lambda route: route.abort())  # the sheet loads nothing from the network
            for locale in chosen:
                taken += _locale_pictures(page, settings, issue_id, locale, folder)
        finally:
            browser.close()
    index = {"issue": issue_id, "screenshots": [asdict(shot) for shot in taken]}
    write_file_atomic(folder / INDEX, (json.dumps(index, ensure_ascii=False, indent=2) + "\n").encode())
    return taken


def _locale_pictures(page, settings: Settings, issue_id: str, locale: str, folder: Path) -> list[Screenshot]:
    sheet, keys = context_sheet(settings, issue_id, locale)
    page.set_content(sheet, wait_until="load")
    page.evaluate(_ALT_LABELS)
    taken = []
    for key in dict.fromkeys(keys):  # each entry once, in reading order
        indices = [index for index, found in enumerate(keys) if found == key]
        shot = _picture(page, key, indices, locale, folder)
        if shot is not None:
            taken.append(shot)
    return taken


# An image's alt text, written over the image, so that its picture shows the string.
_ALT_LABELS = """() => {
  for (const image of document.querySelectorAll("img[data-msg-attr]")) {
    const box = image.getBoundingClientRect();
    const label = document.createElement("div");
    label.className = "alt-text";
    label.dataset.msg = image.dataset.msgAttr;
    label.textContent = image.alt;
    label.style.left = `${box.left + window.scrollX + 8}px`;
    label.style.top = `${box.top + window.scrollY + 8}px`;
    label.style.maxWidth = `${Math.max(120, box.width - 16)}px`;
    document.body.append(label);
  }
}"""


def _picture(page, key: tuple[str | None, str], indices: list[int], locale: str, folder: Path) -> Screenshot | None:
    target = _first_visible(page, indices)
    if target is None:
        return None
    element, box = target
    page.evaluate(_DRAW_BOX, [box, HIGHLIGHT, HIGHLIGHT_FILL])
    crop = _crop(page, box)
    name = picture_name(*key)
    path = folder / locale / name
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), clip=crop, full_page=True)
    page.evaluate("document.getElementById('screenshot-highlight').remove()")
    inside = {"x": round(box["x"] - crop["x"]), "y": round(box["y"] - crop["y"]),
              "width": round(box["width"]), "height": round(box["height"])}
    return Screenshot(_display_name(key), f"{locale}/{name}", locale, key[0], key[1], inside, element.inner_text())


_DRAW_BOX = """([box, colour, fill]) => {
  const mark = document.createElement("div");
  mark.id = "screenshot-highlight";
  Object.assign(mark.style, {position: "absolute", left: `${box.x}px`, top: `${box.y}px`, width: `${box.width}px`,
    height: `${box.height}px`, outline: `3px solid ${colour}`, outlineOffset: "2px", background: fill,
    pointerEvents: "none", zIndex: "2147483647"});
  document.body.append(mark);
}"""


def _first_visible(page, indices: list[int]):
    """The first occurrence of the entry with a box on the page (the preheader's copy in the email is hidden)."""
    for index in indices:
        element = page.query_selector(f'[data-msg="{index}"]')
        box = element.bounding_box() if element is not None else None
        if box and box["width"] > 0 and box["height"] > 0:
            page_box = element.evaluate("node => { const r = node.getBoundingClientRect();"
                                        " return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}; }")
            return element, page_box
    return None


def _crop(page, box: dict) -> dict:
    height = page.evaluate("document.documentElement.scrollHeight")
    top = max(0, box["y"] - MARGIN)
    bottom = min(height, box["y"] + box["height"] + MARGIN)
    return {"x": 0, "y": top, "width": WIDTH, "height": max(1, bottom - top)}


def _display_name(key: tuple[str | None, str]) -> str:
    context, msgid = key
    short = msgid if len(msgid) <= 60 else msgid[:57] + "..."
    return f"{context}: {short}" if context else short


def run_command(args, settings: Settings) -> int:
    from newsletter.model.content import issue_paths

    issue_id = args.issue or (issue_paths(settings)[-1].stem if issue_paths(settings) else None)
    if issue_id is None:
        raise NewsletterError(Problem(Location("issues/"), "no issue to picture", "write one first"))
    out = screenshots_folder(settings, args.out)
    taken = take_screenshots(settings, issue_id, args.locale, out)
    locales = sorted({shot.language_code for shot in taken})
    print(f"wrote {len(taken)} pictures for {len(locales)} locales and {settings.relative(out / issue_id / INDEX)}",
          file=sys.stderr)
    return 0
