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

from newsletter.model.content import find_issue, issue_paths
from newsletter.errors import Location, NewsletterError, Problem, UsageError
from newsletter.model.settings import Settings

LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]
WILDCARDS = ("0.0.0.0", "::", "")
LOOPBACK_HOST_HEADERS = ["127.0.0.1", "localhost", "[::1]"]  # as a Host header names them (an IPv6 one in brackets)
PORTS = range(0, 65536)  # 0: any free port


def allowed_host_headers(host: str) -> list[str]:
    """The Host headers the preview answers: loopback, and the address or name --host gave. A wildcard adds
    nothing: a page on another site that points its own name at this machine (DNS rebinding) must not read
    the preview, so a request must name an address the user chose."""
    if host in WILDCARDS or host in LOOPBACK_NAMES:
        return LOOPBACK_HOST_HEADERS
    return [*LOOPBACK_HOST_HEADERS, f"[{host}]" if ":" in host else host]


def listening_socket(host: str, port: int) -> socket.socket:
    """Bind before anything starts, so a taken port is one clear line and not a traceback."""
    if port not in PORTS:
        raise UsageError(Problem(Location("--port"), f"expected a port number from 1 to 65535, got {port}",
                                 "for example: --port 8000 (or --port 0 for any free port)"))
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
    from newsletter.preview.previews import Previews
    from newsletter.preview.server import PreviewServer, create_app

    first = find_issue(settings, args.issue).stem if args.issue else None
    if not issue_paths(settings):
        raise NewsletterError(Problem(Location("issues/"), "no issue files found", "add an issue such as issues/2026-11.yaml"))
    sock = listening_socket(args.host, args.port)
    app = create_app(Previews(settings), first, allowed_host_headers(args.host))
    url = _announce(args.host, sock.getsockname()[1])
    if args.open:
        threading.Timer(0.5, webbrowser.open, (url,)).start()
    server = PreviewServer(app)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # Ctrl+C is how a preview ends: uvicorn has shut down cleanly by now
        pass
    print("preview stopped", file=sys.stderr)
    return 0


def _announce(host: str, port: int) -> str:
    """Say where the preview is (a wildcard address is opened through this machine's loopback)."""
    loopback = "[::1]" if host == "::" else "127.0.0.1"  # "::" listens on IPv6 only
    shown = loopback if host in WILDCARDS else f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    print(f"preview: {url} (reloads when files in issues/, locales/ or templates/ are saved; Ctrl+C to stop)",
          file=sys.stderr, flush=True)
    if host in WILDCARDS:
        print(f"warning: listening on {host or 'every address'}: other machines can connect, but the preview only "
              f"answers requests addressed to {', '.join(LOOPBACK_HOST_HEADERS)}; to open it from another machine, "
              f"start it with --host and this machine's address or name", file=sys.stderr, flush=True)
    elif host not in LOOPBACK_NAMES:
        print(f"warning: listening on {host}: other machines can see the preview", file=sys.stderr, flush=True)
    return url
