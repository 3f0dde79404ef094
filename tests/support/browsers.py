"""The browser engines tests run in, one fixture per engine, launched from the system's own binaries.

Chromium (Blink, as Gmail's web client and most webmail run in) drives through Playwright with Debian's
/usr/bin/chromium — never `playwright install`, nothing downloads. A test asks for `browser` (Chromium) by
name; another engine is another fixture here, next to it, with its launch options in one place.
Registered for every test by `pytest_plugins` in tests/conftest.py.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Headless and quiet: no GPU, no sandbox (tests run as root in a container), nothing fetched in the background.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


def launch_chromium(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, one per test module."""
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()
