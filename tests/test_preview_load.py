"""The preview against connections that hold on and links that lead out: links out of dist/ not followed,
and connections that never finish a request closed (they were kept for ever).

Slowloris, the attack the deadline answers: https://en.wikipedia.org/wiki/Slowloris_(computer_security);
uvicorn's own timeout applies only between requests (https://www.uvicorn.org/settings/#timeouts)."""

from __future__ import annotations

import socket
import time

import pytest

from tests.test_preview import get, start_preview, stop_preview


@pytest.fixture
def quick_preview(project, monkeypatch):
    monkeypatch.setenv("NEWSLETTER_PREVIEW_REQUEST_SECONDS", "1")
    preview = start_preview(project)
    yield preview
    stop_preview(preview)


def test_a_screenshot_linked_out_of_dist_is_not_served(quick_preview, project):
    """Before: a PNG under dist/screenshots/ linked to /etc/passwd was served with 200."""
    folder = project / "dist" / "screenshots" / "2026-11" / "es"
    folder.mkdir(parents=True)
    (folder / "subject-0123456789.png").symlink_to("/etc/passwd")
    (folder / "zero-0123456789.png").symlink_to("/dev/zero")
    assert get(quick_preview, "/screenshots/2026-11/es/subject-0123456789.png")[0] == 404
    assert get(quick_preview, "/screenshots/2026-11/es/zero-0123456789.png")[0] == 404


def closed_by_the_server(sock: socket.socket, trickle: bytes = b"") -> bool:
    """Keep the connection (sending `trickle` a byte at a time) until the server closes it, or 30 s pass."""
    sock.settimeout(0.2)
    given_up = time.monotonic() + 30
    while time.monotonic() < given_up:
        try:
            if trickle:
                sock.send(trickle[:1])
                trickle = trickle[1:] or b"X"
            if sock.recv(1024) == b"":
                return True
        except TimeoutError:
            continue
        except (BrokenPipeError, ConnectionResetError):
            return True
    return False


def test_a_connection_that_sends_nothing_is_closed(quick_preview):
    with socket.create_connection(("127.0.0.1", quick_preview.port)) as sock:
        assert closed_by_the_server(sock)


def test_a_request_head_sent_a_byte_at_a_time_is_cut_off(quick_preview):
    with socket.create_connection(("127.0.0.1", quick_preview.port)) as sock:
        assert closed_by_the_server(sock, b"GET /api/issues HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")


def test_a_prompt_request_is_still_answered_after_the_connection_has_waited(quick_preview):
    """The deadline is for the request head: the answer itself, and the next request on time, are untouched."""
    assert get(quick_preview, "/api/issues")[0] == 200
