"""Which of the recipients' engines this machine can run, each missing piece said in one line (what to
install), and each engine started by name: what `newsletter shots` and `newsletter doctor` ask.
"""

from __future__ import annotations

import os
import shutil

from newsletter.shots.engines import ENGINES, Chromium, Gecko, PageServer, WebKit

__all__ = ["ENGINES", "start", "unavailable"]
TITLES = {"chromium": "Blink (Chromium)", "gecko": "Gecko (Firefox ESR)", "webkit": "WebKit (WebKitGTK)"}

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


def chromium_binary() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def firefox_binary() -> str | None:
    return shutil.which("firefox-esr") or shutil.which("firefox")


def _module(name: str) -> bool:
    from importlib.util import find_spec

    return find_spec(name) is not None


def unavailable(name: str) -> str | None:
    """Why this machine cannot run the engine (what to install, in one line), or None when it can."""
    if name == "chromium":
        if not chromium_binary():
            return "no chromium (Debian: chromium)"
        return None if _module("playwright") else "no Playwright for Python (pip: playwright)"
    if name == "gecko":
        if not firefox_binary():
            return "no firefox-esr (Debian: firefox-esr)"
        return None if _module("marionette_driver") else "no marionette-driver (pip: marionette-driver)"
    if not _module("gi"):
        return "no PyGObject (pip: 'PyGObject<3.50')"
    try:
        import gi

        gi.require_version("WebKit2", "4.1")
    except (ImportError, ValueError):
        return "no WebKitGTK (Debian: gir1.2-webkit2-4.1)"
    if not os.environ.get("DISPLAY") and not shutil.which("Xvfb"):
        return "no display and no Xvfb (Debian: xvfb)"
    return None


def start(name: str, server: PageServer):
    """The engine by name, started on this machine (after `unavailable` said it can)."""
    if name == "chromium":
        return Chromium.start(chromium_binary(), CHROMIUM_ARGS)
    if name == "gecko":
        return Gecko(firefox_binary(), server)
    return WebKit()
