"""The test harness of `newsletter publish`: the provider's published OpenAPI definition between our client
and a stateful stand-in of the provider, all on 127.0.0.1.

    publish (httpx, https) ─▶ TlsFront (trustme certificate) ─▶ Prism proxy --errors ─▶ stand-in (http.server)

Stoplight Prism in proxy mode with errors on refuses any request that violates the definition (422, or
401 for a missing key) and turns any stand-in answer that violates it into a 500 naming the violation
(https://docs.stoplight.io/docs/prism/ — "Proxy", "Errors"), so neither our reading of the API nor the
stand-in's can drift from the provider's own. The stand-in keeps state, so look-ups, updates and re-runs
are real. The front is the network: it can drop a connection after the provider acted on a request.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import socket
import socketserver
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import trustme

TESTS = Path(__file__).resolve().parent
PRISM = TESTS / "prism" / "node_modules" / ".bin" / "prism"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Fault:
    """What goes wrong with the next request matching `method` and `path_part`."""

    method: str
    path_part: str
    status: int | None = None  # answer this instead, without acting on the request
    headers: dict = field(default_factory=dict)
    body: object = None
    delay: float = 0.0  # act on it, then wait this long before answering (the client's timeout)
    drop: bool = False  # act on it, then the front drops the connection before the answer arrives
    times: int = 1


@dataclass
class Answer:
    status: int
    body: object = None
    headers: dict = field(default_factory=dict)


class StandIn:
    """A provider's API, in memory. Subclasses route requests in `handle` and keep `requests`, every request
    acted on (method, path, JSON body), for the tests to count."""

    MUTATING = ("POST", "PUT", "PATCH", "DELETE")

    def __init__(self):
        self.lock = threading.RLock()
        self.front: TlsFront | None = None
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.faults: list[Fault] = []
            self.requests: list[tuple[str, str, object]] = []
            self.pause_at: int | None = None  # pause after the n-th mutating request has been acted on
            self.paused = threading.Event()
            self.release = threading.Event()
            self.mutations = 0
            self.reset_state()

    def reset_state(self) -> None:
        raise NotImplementedError

    def handle(self, method: str, path: str, query: dict, headers, body: object) -> Answer:
        raise NotImplementedError

    def mutating(self, method: str, path: str) -> list[tuple[str, str, object]]:
        return [r for r in self.requests if r[0] == method and path in r[1]]

    def serve(self, method: str, path: str, query: dict, headers, body: object, raw: bytes = b"") -> Answer:
        fault = self._fault(method, path)
        if fault and fault.status is not None:
            return Answer(fault.status, fault.body, fault.headers)
        with self.lock:
            answer = self.handle(method, path, query, headers, body)
            if 200 <= answer.status < 300:
                self.requests.append((method, path, body))
            if method in self.MUTATING and 200 <= answer.status < 300:
                self.mutations += 1
                pause = self.pause_at == self.mutations
        if method in self.MUTATING and 200 <= answer.status < 300 and pause:
            self.paused.set()  # the test kills the client now: the provider acted, the answer never arrives
            self.release.wait(60)
        if fault and fault.drop and self.front:
            self.front.drop_next.set()
        if fault and fault.delay:
            time.sleep(fault.delay)
        return answer

    def _fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.method == method and fault.path_part in path and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None


def _form(content_type: str, raw: bytes) -> object:
    """A request's body: JSON, or multipart/form-data as {name: [values]} (a name may repeat), parsed by the stdlib's
    MIME parser."""
    if not content_type.startswith("multipart/form-data"):
        return json.loads(raw)
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    fields: dict[str, list[str]] = {}
    for part in message.iter_parts():
        fields.setdefault(part.get_param("name", header="content-disposition"), []).append(
            part.get_payload(decode=True).decode("utf-8"))
    return fields


def stand_in_server(app: StandIn) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = _form(self.headers.get("Content-Type", ""), raw) if raw else None
            parts = urlsplit(self.path)
            answer = app.serve(self.command, parts.path, parse_qs(parts.query), self.headers, body, raw)
            data = b"" if answer.body is None else json.dumps(answer.body).encode()
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if data and "Content-Type" not in answer.headers:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except OSError:
                pass

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class TlsFront:
    """https on 127.0.0.1 with a certificate from a test CA (trustme), piped to Prism's plain http port."""

    def __init__(self, upstream_port: int, folder: Path):
        self.ca = trustme.CA()
        self.cafile = folder / "test-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.cafile))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert("127.0.0.1").configure_cert(context)
        self.drop_next = threading.Event()
        front = self

        class Pipe(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                try:
                    client = context.wrap_socket(self.request, server_side=True)
                except (ssl.SSLError, OSError):
                    return  # a client that does not trust the CA hangs up during the handshake
                upstream = socket.create_connection(("127.0.0.1", upstream_port))
                threading.Thread(target=_pump, args=(client, upstream, None), daemon=True).start()
                _pump(upstream, client, front.drop_next)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Pipe)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"


def _pump(source: socket.socket, target: socket.socket, drop: threading.Event | None) -> None:
    try:
        while data := source.recv(65536):
            if drop is not None and drop.is_set():
                drop.clear()
                break  # the answer is lost on the way: close both ends
            target.sendall(data)
    except OSError:
        pass
    for end in (source, target):
        try:
            end.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        end.close()


class Harness:
    """Stand-in, Prism and front, started together; `stop()` ends the Prism process it started."""

    def __init__(self, app: StandIn, definition: Path, folder: Path):
        self.app = app
        self.server = stand_in_server(app)
        prism_port = free_port()
        self.log = folder / "prism.log"
        self.prism = subprocess.Popen(
            [str(PRISM), "proxy", str(definition), f"http://127.0.0.1:{self.server.server_address[1]}", "--errors",
             "-h", "127.0.0.1", "-p", str(prism_port), "-v", "warn"],
            stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        _wait_for_port(prism_port, self.prism)
        self.front = TlsFront(prism_port, folder)
        app.front = self.front

    def violations(self) -> list[str]:
        """Prism's log lines about a request or an answer the definition does not allow (warnings included)."""
        return [line for line in self.log.read_text(errors="replace").splitlines() if "iolation" in line]

    def stop(self) -> None:
        self.prism.terminate()
        self.prism.wait(10)
        self.server.shutdown()
        self.front.server.shutdown()


class ModelHarness:
    """For a provider whose definition is its SDK's model (SES: botocore's service model), no Prism: the SDK
    checks each request against the model before it is sent, and the stand-in checks each request it gets
    and each answer it gives against the same model, keeping what breaks it in `violations`."""

    def __init__(self, app: StandIn, folder: Path):
        self.app = app
        self.server = stand_in_server(app)
        self.front = TlsFront(self.server.server_address[1], folder)
        app.front = self.front

    def violations(self) -> list[str]:
        return list(getattr(self.app, "violations", []))

    def stop(self) -> None:
        self.server.shutdown()
        self.front.server.shutdown()


def _wait_for_port(port: int, process: subprocess.Popen) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError("Prism ended before it listened")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("Prism did not start listening")
