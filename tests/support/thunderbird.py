"""Debian's Thunderbird under its own Xvfb, driven over Marionette, the remote protocol built into it.

One launch opens many messages: a throwaway profile (no account wizard, no start page, no update, every address
but loopback sent to a closed port on 127.0.0.1), then each .eml is opened in a message window the way
File > Open Saved Message does (a file URL with `type=application/x-message-display`), and what Thunderbird
shows is read from its own windows in the chrome context: the subject in the message header, the window's
title, the message pane's document (its layout and computed colours), a picture of the window.

Views: light (the light theme), dark (the dark theme with the dark reader, `mail.dark-reader.enabled`, on as
it is by default) and plain (View > Message Body As > Plain Text: `mailnews.display.prefer_plaintext` with
`html_as` 1, what Thunderbird writes for that menu).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support.engines import REFUSED, TIMEOUT_SECONDS, missing

USER_PREFS = {
    "marionette.port": 0,  # any free port, written to MarionetteActivePort in the profile
    "mail.provider.suppress_dialog_on_startup": True, "mail.shell.checkDefaultClient": False,
    "mailnews.start_page.enabled": False, "mail.spotlight.firstRunDone": True, "mail.rights.version": 1,
    "datareporting.policy.dataSubmissionEnabled": False, "toolkit.telemetry.reportingpolicy.firstRun": False,
    "app.update.disabledForTesting": True, "mail.inappnotifications.enabled": False,
    "mail.dark-reader.enabled": True,
    "network.proxy.type": 1, "network.proxy.http": REFUSED[0], "network.proxy.http_port": REFUSED[1],
    "network.proxy.ssl": REFUSED[0], "network.proxy.ssl_port": REFUSED[1], "network.proxy.no_proxies_on": "",
    "network.trr.mode": 5, "network.dns.disablePrefetch": True, "network.connectivity-service.enabled": False,
}
THEMES = {"light": "thunderbird-compact-light@mozilla.org", "dark": "thunderbird-compact-dark@mozilla.org",
          "plain": "thunderbird-compact-light@mozilla.org"}

SET_VIEW = """
const [theme, plain, resolve] = arguments;
// A message shown when the view changes reloads, and its MsgLoaded could be taken for the next message's
for (const open of Services.wm.getEnumerator("mail:messageWindow")) open.close();
Services.prefs.setBoolPref("mailnews.display.prefer_plaintext", plain);
Services.prefs.setIntPref("mailnews.display.html_as", plain ? 1 : 0);
const { AddonManager } = ChromeUtils.importESModule("resource://gre/modules/AddonManager.sys.mjs");
AddonManager.getAddonByID(theme).then((addon) => addon.enable()).then(() => resolve(true), (e) => resolve(String(e)));
"""
# Shows the message in the message window (opened once, then reused as File > Open Saved Message reuses it)
# and answers once Thunderbird says it is loaded (its MsgLoaded event, after which the dark reader has run).
OPEN = """
const [path, width, height, resolve] = arguments;
const url = Services.io.newFileURI(new FileUtils.File(path)).mutate()
  .setQuery("type=application/x-message-display").finalize();
const loaded = (about) => about.addEventListener("MsgLoaded", function shown() {
  if (about.gMessageURI !== url.spec) return;  // an earlier message's load, not this one's
  about.removeEventListener("MsgLoaded", shown);
  about.requestAnimationFrame(() => resolve(true));  // the header and the window's title are written
});
const win = [...Services.wm.getEnumerator("mail:messageWindow")].pop();
if (win) {
  const about = win.document.getElementById("messageBrowser").contentWindow;
  loaded(about);
  about.displayMessage(url.spec);
} else {
  const opened = Services.ww.openWindow(null, "chrome://messenger/content/messageWindow.xhtml", "_blank",
                                        "all,chrome,dialog=no,status,toolbar", url);
  opened.addEventListener("load", () => {
    opened.resizeTo(width, height);
    loaded(opened.document.getElementById("messageBrowser").contentWindow);
  }, {once: true});
}
"""
# Runs `source` (a function's text) with the message pane's document and window, and the header's.
IN_MESSAGE = """
const [source, args] = arguments;
const win = [...Services.wm.getEnumerator("mail:messageWindow")].pop();
const about = win.document.getElementById("messageBrowser").contentWindow;
const pane = about.document.getElementById("messagepane");
return (0, eval)(source)({doc: pane.contentDocument, view: pane.contentWindow, about, title: win.document.title}, ...args);
"""


class Thunderbird:
    """A running Thunderbird on its own display; `open` a message, then `evaluate` in what it shows."""

    def __init__(self, binary: str, xvfb: str):
        from marionette_driver.marionette import Marionette

        self.home = Path(tempfile.mkdtemp(prefix="newsletter-thunderbird-"))
        profile = self.home / "profile"
        profile.mkdir()
        (profile / "user.js").write_text("".join(f"user_pref({_js(k)}, {_js(v)});\n" for k, v in USER_PREFS.items()))
        self.display = subprocess.Popen([xvfb, "-displayfd", "1", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        number = self.display.stdout.readline().decode().strip()
        env = {**os.environ, "DISPLAY": f":{number}", "HOME": str(self.home), "MOZ_CRASHREPORTER_DISABLE": "1"}
        self.process = subprocess.Popen([binary, "--marionette", "-remote-allow-system-access", "-no-remote",
                                         "-profile", str(profile)], env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        port_file, deadline = profile / "MarionetteActivePort", time.monotonic() + TIMEOUT_SECONDS
        while not (port_file.is_file() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                raise RuntimeError(f"Thunderbird did not start its Marionette server within {TIMEOUT_SECONDS} s")
            time.sleep(0.2)
        self.client = Marionette(host="127.0.0.1", port=int(port_file.read_text()))
        self.client.start_session()
        self.client.set_context("chrome")
        self.client.timeout.script = TIMEOUT_SECONDS
        self.main_window = self.client.current_chrome_window_handle  # scripts run here: message windows come and go
        self.view = None

    def set_view(self, view: str) -> None:
        if view != self.view:
            done = self.client.execute_async_script(SET_VIEW, script_args=[THEMES[view], view == "plain"], sandbox="system")
            assert done is True, done
            self.view = view

    def open(self, path: Path, view: str, width: int = 900, height: int = 1000) -> None:
        self.set_view(view)
        self.client.execute_async_script(OPEN, script_args=[str(path), width, height], sandbox="system")

    def evaluate(self, source: str, *args):
        """`source`'s function called with {doc, view, about, title} of the open message, and `args`."""
        return self.client.execute_script(IN_MESSAGE, script_args=[source, list(args)], sandbox="system")

    def screenshot(self, path: Path) -> None:
        """The message window as Thunderbird draws it (its header, the remote-content bar, the message)."""
        shown = [handle for handle in self.client.chrome_window_handles if handle != self.main_window]
        self.client.switch_to_window(shown[-1])
        path.write_bytes(self.client.screenshot(format="binary"))
        self.client.switch_to_window(self.main_window)

    def close(self) -> None:
        if getattr(self, "client", None):
            try:
                self.client.delete_session()
            except Exception:  # noqa: BLE001 (Thunderbird may already be gone: it is stopped below either way)
                pass
        for process in (getattr(self, "process", None), self.display):
            if process and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        shutil.rmtree(self.home, ignore_errors=True)


def _js(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, int) else f'"{value}"'


def launch_thunderbird() -> Thunderbird:
    """Thunderbird on its own Xvfb, or a skip (a failure in CI) saying what is missing."""
    binary, xvfb = shutil.which("thunderbird"), shutil.which("Xvfb")
    if not binary:
        missing("thunderbird", "no thunderbird (Debian: thunderbird)")
    if not xvfb:
        missing("thunderbird", "no Xvfb (Debian: xvfb)")
    try:
        import marionette_driver  # noqa: F401
    except ImportError:
        missing("thunderbird", "no marionette-driver (pip: marionette-driver)")
    return Thunderbird(binary, xvfb)
