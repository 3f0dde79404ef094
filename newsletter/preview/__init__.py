"""`newsletter preview`: a live-reloading preview of every issue, locale and width in the browser.

previews.py builds what is shown (through the build pipeline and its caches), marks.py makes
translator mode's clickable strings, watcher.py turns saved files into reloads, server.py is
the web application, page/ is the page itself.
"""

from __future__ import annotations

import errno
import socket
import sys
import threading
import webbrowser

from newsletter.content import find_issue, issue_paths
from newsletter.errors import Location, NewsletterError, Problem
from newsletter.settings import Settings

LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]
WILDCARDS = ("0.0.0.0", "::", "")


def listening_socket(host: str, port: int) -> socket.socket:
    """Bind before anything starts, so a taken port is one clear line and not a traceback."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family)
    except socket.gaierror:
        raise NewsletterError(Problem(Location("--host"), f"unknown address {host!r}",
                                      "use 127.0.0.1 (this machine only) or an address of this machine")) from None
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise NewsletterError(Problem(Location("--port"), f"port {port} on {host} is already in use",
                                          f"stop the other server, or choose another port: --port {port + 1}")) from None
        raise NewsletterError(Problem(Location("--host"), f"cannot listen on {host}:{port}: {error.strerror}",
                                      "choose another --host or --port")) from None


def run_command(args, settings: Settings) -> int:
    import uvicorn

    from newsletter.preview.previews import Previews
    from newsletter.preview.server import create_app

    first = find_issue(settings, args.issue).stem if args.issue else None
    if not issue_paths(settings):
        raise NewsletterError(Problem(Location("issues/"), "no issue files found", "add an issue such as issues/2026-11.yaml"))
    sock = listening_socket(args.host, args.port)
    app = create_app(Previews(settings), first, LOOPBACK_NAMES if args.host in LOOPBACK_NAMES else ["*"])
    url = _announce(args.host, sock.getsockname()[1])
    if args.open:
        threading.Timer(0.5, webbrowser.open, (url,)).start()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # Ctrl+C is how a preview ends: uvicorn has shut down cleanly by now
        pass
    print("preview stopped", file=sys.stderr)
    return 0


def _announce(host: str, port: int) -> str:
    """Say where the preview is (a wildcard address is opened through this machine's loopback)."""
    shown = "127.0.0.1" if host in WILDCARDS else f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    print(f"preview: {url} (reloads when files in issues/, locales/ or templates/ are saved; Ctrl+C to stop)",
          file=sys.stderr, flush=True)
    if host not in LOOPBACK_NAMES:
        print(f"warning: listening on {host}: other machines can see the preview", file=sys.stderr, flush=True)
    return url
