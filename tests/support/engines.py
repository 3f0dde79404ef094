"""The recipient-view tests' engines: Blink, Gecko and WebKit as newsletter/shots/engines.py drives them (the
same drivers `newsletter shots` uses), handed to each test by the `engine` fixture, and the page server.

Outside CI a missing engine skips its tests with one line; with CI=true it is a failure.
"""

from __future__ import annotations

import os

import pytest

from newsletter.shots.engines import ENGINES, REFUSED, TIMEOUT_SECONDS, Chromium, Gecko, Page, PageServer, WebKit, png  # noqa: F401 (the tests' names for them)
from newsletter.shots.machine import firefox_binary, unavailable


def missing(engine: str, why: str):
    """A missing engine: a failure in CI, one skipped line elsewhere."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{engine} is required in CI: {why}")
    pytest.skip(f"{engine} not available: {why}")


def launch(name: str, request):
    """The engine by name, or a skip (a failure in CI) saying what is missing."""
    if name == "chromium":
        return Chromium(request.getfixturevalue("browser"))
    why = unavailable(name)
    if why:
        missing(name, why)
    if name == "gecko":
        return Gecko(firefox_binary(), request.getfixturevalue("page_server"))
    return WebKit()


_WEBKIT: list[WebKit] = []  # GTK starts once a process: one WebKit for the whole run


@pytest.fixture(scope="module")
def page_server():
    server = PageServer()
    yield server
    server.close()


@pytest.fixture(scope="module", params=ENGINES)
def engine(request):
    """Each engine in turn, for the tests of a module."""
    if request.param == "webkit":
        if not _WEBKIT:
            _WEBKIT.append(launch("webkit", request))
        yield _WEBKIT[0]
        return
    launched = launch(request.param, request)
    yield launched
    launched.close()
