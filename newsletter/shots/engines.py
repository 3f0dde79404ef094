"""The email opened in the three engines recipients' mail apps run on, all from Debian's own binaries: Blink
(Chromium through Playwright: Gmail's web client, Outlook.com, most webmail), Gecko (firefox-esr, headless,
over Mozilla's `marionette-driver`: Thunderbird's engine) and WebKit (WebKitGTK through PyGObject under Xvfb:
Apple Mail and iOS Mail).

Each opens a page from a server on 127.0.0.1 at a given width, in light or dark mode, with remote images
off (the engine's own setting, as a mail app's "load remote content" is off) or on (the email's images are
then served by that local server as grey pictures of their size). Every other address is refused on loopback
(a proxy on a closed port), so no engine sends anything off this machine. A script runs in the page as
Playwright's `page.evaluate` takes it (a function's source, an expression or statements) and its JSON value
comes back. `newsletter shots` and the recipient-view tests (tests/support/engines.py) share these drivers;
`unavailable` says in one line what a machine lacks for an engine.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import re
import struct
import subprocess
import tempfile
import threading
import zlib
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ENGINES = ("chromium", "gecko", "webkit")
REFUSED = ("127.0.0.1", 9)  # the discard port, where nothing listens: every non-loopback request ends here
TIMEOUT_SECONDS = 30
IMAGE_SOURCE = re.compile(r'src="https://[^"/]+(/[^"]+\.(?:jpe?g|png|gif|webp))"')
LOOPBACK = re.compile(r"^(data:|about:|http://127\.0\.0\.1[:/])")
LOOPBACK_PAGE = re.compile(r"^(data:|about:|http://127\.0\.0\.1:\d+/[a-z]+-\d+\.html$)")
# Evaluates a script in the page the way Playwright's page.evaluate does: a function is called.
RUN = "(source) => { const value = (0, eval)(source); return typeof value === 'function' ? value() : value; }"


@lru_cache(maxsize=8)
def png(width: int, height: int) -> bytes:
    """A solid mid-grey PNG of this size: the stand-in for the email's photograph."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


class PageServer:
    """Serves each opened page at its own path, and any image path as a 600×300 PNG, on 127.0.0.1."""

    def __init__(self) -> None:
        pages: dict[str, bytes] = {}
        self.pages = pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the standard library's name)
                body = pages.get(self.path)
                kind = "text/html; charset=utf-8"
                if body is None and IMAGE_SOURCE.match(f'src="https://x{self.path}"'):
                    body, kind = png(600, 300), "image/png"
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def publish(self, html: str, images: bool) -> str:
        """The page's address; with images on, the email's remote images point at this server."""
        if images:
            html = IMAGE_SOURCE.sub(lambda m: f'src="{self.url}{m.group(1)}"', html)
        path = f"/page-{len(self.pages)}.html"
        self.pages[path] = html.encode()
        return self.url + path

    def frame(self, url: str, width: int, height: int) -> str:
        """A page holding the one at `url` in an iframe of this size, without a border, and without scrollbars
        (they would take 12 px of a phone's width: phones, like headless Chromium, draw them over the page)."""
        path = f"/frame-{len(self.pages)}.html"
        self.pages[path] = (f'<!doctype html><body style="margin:0"><iframe id="email" src="{url}" width="{width}" '
                            f'height="{height}" scrolling="no" style="display:block;border:0"></iframe></body>').encode()
        return self.url + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Page:
    """One opened email, whatever the engine."""

    engine = ""

    def evaluate(self, script: str):
        raise NotImplementedError

    def resize(self, width: int, height: int) -> None:
        raise NotImplementedError

    def screenshot(self, path: Path) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


# ---- Blink


class ChromiumPage(Page):
    engine = "chromium"

    def __init__(self, page, url: str, width: int, height: int):
        self.page = page
        self.page.set_viewport_size({"width": width, "height": height})
        self.page.goto(url, wait_until="load")

    def evaluate(self, script: str):
        return self.page.evaluate(RUN, script)

    def resize(self, width: int, height: int) -> None:
        self.page.set_viewport_size({"width": width, "height": height})

    def screenshot(self, path: Path) -> None:
        self.page.screenshot(path=str(path), full_page=True)

    def close(self) -> None:
        pass  # the tab stays for the next email of its scheme and image setting, which replaces this one


class Chromium:
    """One tab in one browser context per scheme and image setting, each email opened in it in turn (a context,
    and even a tab, costs more than loading a page)."""

    name = "chromium"

    def __init__(self, browser, playwright=None, proxied: bool = False):
        self.browser, self.playwright, self.proxied, self.contexts = browser, playwright, proxied, {}

    @classmethod
    def start(cls, binary: str, args: list[str]) -> Chromium:
        """Its own Chromium (the tests hand theirs to __init__), every address but loopback sent to the closed
        port: no request then needs a look from Python (remote images stay blocked with images off or on)."""
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        proxy = {"server": f"http://{REFUSED[0]}:{REFUSED[1]}", "bypass": "127.0.0.1"}
        return cls(playwright.chromium.launch(executable_path=binary, args=args, proxy=proxy), playwright, proxied=True)

    def _context(self, dark: bool, images: bool):
        if (dark, images) not in self.contexts:
            context = self.browser.new_context(color_scheme="dark" if dark else "light")
            self.contexts[dark, images] = context
            if self.proxied and images:
                return context
            # the server's pages, and with images on its images; nothing else (remote images stay blocked)
            allowed = LOOPBACK if images else LOOPBACK_PAGE
            context.route("**/*", lambda route: route.continue_() if allowed.match(route.request.url) else route.abort())
        return self.contexts[dark, images]

    def open(self, url: str, *, width: int, height: int, dark: bool, images: bool) -> Page:
        context = self._context(dark, images)
        return ChromiumPage(context.pages[0] if context.pages else context.new_page(), url, width, height)

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()
        self.contexts.clear()
        if self.playwright:  # else the browser belongs to the tests' fixture
            self.browser.close()
            self.playwright.stop()


# ---- Gecko

GECKO_PREFS = {
    # Every address but loopback goes to a proxy where nothing listens; names are left to the proxy, never resolved.
    "network.proxy.type": 1, "network.proxy.http": REFUSED[0], "network.proxy.http_port": REFUSED[1],
    "network.proxy.ssl": REFUSED[0], "network.proxy.ssl_port": REFUSED[1], "network.proxy.no_proxies_on": "",
    "network.proxy.allow_hijacking_localhost": False, "network.trr.mode": 5, "network.dns.disablePrefetch": True,
    "network.prefetch-next": False, "network.connectivity-service.enabled": False, "app.update.disabledForTesting": True,
    "layout.css.prefers-color-scheme.content-override": 1, "permissions.default.image": 2,
}


# Room beyond the frame for the window's own edges: an element taller than the viewport is pictured cut at its top.
WINDOW_MARGIN = 200


class GeckoPage(Page):
    """The email in an iframe of the asked size: Firefox keeps a window at least about 500 px wide, and an
    iframe is the viewport (media queries, innerWidth) of the document in it."""

    engine = "gecko"

    def __init__(self, client, width: int):
        self.client, self.width = client, width
        self.frame = client.find_element("id", "email")
        client.switch_to_frame(self.frame)

    def evaluate(self, script: str):
        return self.client.execute_script(f"return ({RUN})(arguments[0]);", script_args=[script], sandbox=None)

    def resize(self, width: int, height: int) -> None:
        self.width = width
        self.client.switch_to_frame()
        self.client.set_window_rect(width=max(width, 600) + 50, height=height + WINDOW_MARGIN)
        self.client.execute_script("const f = document.getElementById('email'); f.width = arguments[0]; f.height = arguments[1];",
                                   script_args=[width, height])
        self.client.switch_to_frame(self.frame)

    def screenshot(self, path: Path) -> None:
        """The whole page, as the other engines picture it: the frame first grown to the document's height."""
        self.resize(self.width, self.evaluate("document.documentElement.scrollHeight"))
        self.client.switch_to_frame()
        path.write_bytes(self.client.screenshot(element=self.frame, format="binary"))
        self.client.switch_to_frame(self.frame)

    def close(self) -> None:
        self.client.switch_to_frame()
        self.client.navigate("about:blank")


class Gecko:
    name = "gecko"

    def __init__(self, binary: str, server: PageServer):
        from marionette_driver.marionette import Marionette

        # mozversion prints Firefox's build details on standard output unless its logger exists first
        logging.getLogger("mozversion").setLevel(logging.WARNING)
        self.server = server
        # Marionette writes Firefox's own log to ./gecko.log unless told where: keep it out of the project.
        log = Path(tempfile.gettempdir()) / f"newsletter-gecko-{os.getpid()}.log"
        self.client = Marionette(bin=binary, headless=True, prefs=GECKO_PREFS, startup_timeout=TIMEOUT_SECONDS,
                                 gecko_log=str(log))
        self.client.start_session()
        self.client.timeout.page_load = TIMEOUT_SECONDS
        self.client.timeout.script = TIMEOUT_SECONDS

    def open(self, url: str, *, width: int, height: int, dark: bool, images: bool) -> Page:
        url = self.server.frame(url, width, height)
        self.client.set_prefs({"layout.css.prefers-color-scheme.content-override": 0 if dark else 1,
                               "permissions.default.image": 1 if images else 2})
        self.client.set_window_rect(width=max(width, 600) + 50, height=height + WINDOW_MARGIN)
        self.client.navigate(url)
        return GeckoPage(self.client, width)

    def close(self) -> None:
        instance = self.client.instance
        self.client.delete_session()
        self.client.cleanup()  # Firefox stopped
        # mozprofile removes its temporary profile when the objects are collected, which at interpreter exit
        # printed a traceback on stderr ("sys.meta_path is None"): removed now, and only once
        runner = getattr(instance, "runner", None)
        for profile in (getattr(instance, "profile", None), getattr(runner, "profile", None)):
            if profile is not None and getattr(profile, "restore", False):
                profile.cleanup()
                profile.restore = False


# ---- WebKit


class WebKitPage(Page):
    engine = "webkit"

    def __init__(self, engine: WebKit, window, view):
        self.engine_, self.window, self.view = engine, window, view

    def evaluate(self, script: str):
        source = f"JSON.stringify(({RUN})({json.dumps(script)}))"
        done = {}
        self.view.evaluate_javascript(source, -1, None, None, None,
                                      lambda view, result: done.update(value=view.evaluate_javascript_finish(result)))
        self.engine_.wait(lambda: done)
        value = done["value"]
        return None if value.is_undefined() else json.loads(value.to_string())

    def resize(self, width: int, height: int) -> None:
        self.window.resize(width, height)
        self.view.set_size_request(width, height)
        self.engine_.settle()

    def screenshot(self, path: Path) -> None:
        WebKit2 = self.engine_.WebKit2  # noqa: N806 (the library's name)
        done = {}
        self.view.get_snapshot(WebKit2.SnapshotRegion.FULL_DOCUMENT, WebKit2.SnapshotOptions.NONE, None,
                               lambda view, result: done.update(surface=view.get_snapshot_finish(result)))
        self.engine_.wait(lambda: done)
        done["surface"].write_to_png(str(path))

    def close(self) -> None:
        self.window.destroy()


class WebKit:
    name = "webkit"

    def __init__(self):
        self.display = None
        if not os.environ.get("DISPLAY"):
            self.display = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            os.environ["DISPLAY"] = f":{self.display.stdout.readline().decode().strip()}"
            atexit.register(self.close)  # GTK cannot start twice in a process: the display lives as long as the run
        import gi

        gi.require_version("Gtk", "3.0")
        gi.require_version("WebKit2", "4.1")
        from gi.repository import GLib, Gtk, WebKit2

        self.GLib, self.Gtk, self.WebKit2 = GLib, Gtk, WebKit2
        Gtk.init(None)
        self.context = WebKit2.WebContext.get_default()
        proxy = WebKit2.NetworkProxySettings.new(f"http://{REFUSED[0]}:{REFUSED[1]}", ["127.0.0.1"])
        self.context.get_website_data_manager().set_network_proxy_settings(WebKit2.NetworkProxyMode.CUSTOM, proxy)

    def wait(self, ready) -> None:
        """Runs GLib's loop until ready() holds, for at most TIMEOUT_SECONDS."""
        context, expired = self.GLib.MainContext.default(), []
        timer = self.GLib.timeout_add_seconds(TIMEOUT_SECONDS, lambda: expired.append(True) or False)
        while not ready() and not expired:
            context.iteration(True)
        if not expired:
            self.GLib.source_remove(timer)
        assert not expired, f"WebKitGTK did not answer within {TIMEOUT_SECONDS} s"

    def settle(self) -> None:
        while self.GLib.MainContext.default().iteration(False):
            pass

    def open(self, url: str, *, width: int, height: int, dark: bool, images: bool) -> Page:
        self.Gtk.Settings.get_default().props.gtk_application_prefer_dark_theme = dark
        window, view = self.Gtk.OffscreenWindow(), self.WebKit2.WebView.new_with_context(self.context)
        view.get_settings().props.auto_load_images = images
        window.add(view)
        window.set_default_size(width, height)
        view.set_size_request(width, height)
        window.show_all()
        loaded = []
        view.connect("load-changed", lambda _, event: loaded.append(True) if event == self.WebKit2.LoadEvent.FINISHED else None)
        view.load_uri(url)
        self.wait(lambda: loaded)
        return WebKitPage(self, window, view)

    def close(self) -> None:
        if self.display:
            self.display.terminate()
            self.display.wait(timeout=10)
