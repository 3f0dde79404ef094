"""`newsletter shots ISSUE`: the email as recipients see it, side by side, offline.

Every locale at phone and desktop width, light and dark, remote images on and off, in the three engines mail
apps run on (Blink, Gecko, WebKit: engines.py, each in a process of its own, capture.py), and the text part as
a terminal client shows it (the text/plain part in 80 columns, as mutt does; the HTML part through w3m or
lynx, as mutt's `auto_view text/html` does), written as PNGs under dist/<issue>/shots/ with an index.html
(sheet.py) that marks where an engine differs from the others by more than TOLERANCE_PX in the page's height
or a landmark's box. A missing engine is one line, and the others go on.

The engines are optional: `pip install 'newsletter[shots]'` and Debian's chromium, firefox-esr,
gir1.2-webkit2-4.1 and xvfb (`newsletter doctor` lists what this machine has).
"""

from __future__ import annotations

import html
import multiprocessing
import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from newsletter.dist import holding
from newsletter.errors import Location, Problem, UsageError
from newsletter.i18n.translator import translator_for
from newsletter.model.content import find_issue, load_issue
from newsletter.model.settings import PSEUDO_LOCALES, Settings
from newsletter.output import replace_folder
from newsletter.render import RenderedEmail, render_email
from newsletter.shots.capture import View, capture
from newsletter.shots.machine import ENGINES, unavailable
from newsletter.shots.sheet import TOLERANCE_PX, index_page

FOLDER = "shots"
WIDTHS = {"phone": 375, "desktop": 800}
COLUMNS = 80
TERMINAL_WIDTH = 700  # 80 columns of a 13px monospace font, and the margin
TERMINAL = ('<!doctype html><html><head><meta charset="utf-8"><style>body {{ margin: 0; background: #000; }} '
            'pre {{ margin: 0; padding: 10px; font: 13px/1.35 "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace; '
            'color: #e5e5e5; white-space: pre; }}</style></head><body><pre>{}</pre></body></html>')

__all__ = ["FOLDER", "TOLERANCE_PX", "shots_folder", "take_shots"]


def shots_folder(out: Path, issue_id: str) -> Path:
    return out / issue_id / FOLDER


def email_views(email: RenderedEmail) -> list[View]:
    """The email's 16 views in one engine: each width, scheme and image setting (the name says which)."""
    return [View(f"{email.locale}-{width}-{'dark' if dark else 'light'}-images-{'on' if images else 'off'}", email.html,
                 WIDTHS[width], dark, images)
            for width in WIDTHS for dark in (False, True) for images in (False, True)]


def terminal_texts(email: RenderedEmail) -> dict[str, str]:
    """The text as terminal clients show it: the text/plain part, and the HTML part dumped by w3m (or lynx)."""
    texts = {"text": email.text}
    if shutil.which("w3m"):
        command = ["w3m", "-dump", "-T", "text/html", "-cols", str(COLUMNS), "-I", "UTF-8", "-O", "UTF-8"]
    elif shutil.which("lynx"):
        command = ["lynx", "-dump", "-stdin", "-nolist", f"-width={COLUMNS}", "-display_charset=utf-8",
                   "-assume_charset=utf-8"]
    else:
        return texts
    done = subprocess.run(command, input=email.html.encode(), capture_output=True, timeout=60)
    if done.returncode == 0:
        texts[command[0]] = done.stdout.decode("utf-8", "replace")
    return texts


def take_shots(settings: Settings, issue_id: str, out: Path, say: Callable[[str], None], *,
               locales: list[str] | None = None, engines: list[str] | None = None) -> Path:
    """Every picture and the index, written whole into dist/<issue>/shots/ (swapped in at the end): every locale
    and engine, or those chosen."""
    issue = load_issue(find_issue(settings, issue_id), settings)
    for locale in locales or ():
        if locale not in settings.locales:
            raise UsageError(Problem(Location("--locale"), f"{locale!r} is not one of the project's locales "
                                     f"({', '.join(settings.locales)})", "give a locale of newsletter.yaml"))
    emails = [render_email(issue, settings, locale, translator_for(settings, locale))
              for locale in locales or settings.locales if locale not in PSEUDO_LOCALES or locales]
    chosen, engines, skipped = engines, [], {}
    for engine in (name for name in ENGINES if not chosen or name in chosen):
        why = unavailable(engine)
        if why:
            skipped[engine] = why
            say(f"skipped {engine}: {why}")
        else:
            engines.append(engine)
    texts = {email.locale: terminal_texts(email) for email in emails}
    views = {engine: [View(f"{view.file}-{engine}.png", view.html, view.width, view.dark, view.images)
                      for email in emails for view in email_views(email)] for engine in engines}
    if "chromium" in engines:  # the terminal's text pictured too, in the engine that starts fastest
        views["chromium"] += [View(f"{locale}-{kind}.png", TERMINAL.format(html.escape(text)), TERMINAL_WIDTH)
                              for locale, kinds in texts.items() for kind, text in kinds.items()]
    folder = shots_folder(out, issue_id)
    staging = out / issue_id / f".{FOLDER}-pictures"  # dotted: never taken for a locale or an export
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        with holding([issue], settings, out):
            shots = _capture_all(views, staging)
            files = {path.name: path.read_bytes() for path in sorted(staging.iterdir())}
            files |= {f"{locale}-{kind}.txt": text.encode() for locale, kinds in texts.items()
                      for kind, text in kinds.items()}
            files["index.html"] = index_page(issue_id, [email.locale for email in emails], WIDTHS, engines, skipped,
                                             shots, texts).encode()
            replace_folder(folder, files)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def _capture_all(views: dict[str, list[View]], folder: Path) -> dict[str, dict]:
    """Each engine in its own fresh process, side by side: engine → file → its Shot."""
    if not views:
        return {}
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: GTK and Playwright start clean
    with ProcessPoolExecutor(max_workers=len(views), mp_context=context) as pool:
        running = {engine: pool.submit(capture, engine, chosen, str(folder)) for engine, chosen in views.items()}
        return {engine: {shot.file: shot for shot in future.result()} for engine, future in running.items()}
