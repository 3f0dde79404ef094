"""The preview against probes and unlucky starts: Host headers it must not answer, ports that do not
exist, and Ctrl+C while a page is open."""

from __future__ import annotations

import pytest

from newsletter.preview import allowed_host_headers
from tests import test_preview
from tests.test_preview import get, open_preview, start_preview, stop_preview

page = test_preview.page  # the same page, in the Chromium of tests/support/browsers.py


def test_listening_on_every_address_still_answers_only_loopback_names(project):
    preview = start_preview(project, "--host", "0.0.0.0")
    try:
        for host in ("attacker.example", "attacker.example:80", "192.168.1.20", "0.0.0.0", "127.0.0.1.nip.io", ""):
            assert get(preview, "/api/issues", host=host or " ")[0] == 400, host
        for host in ("127.0.0.1", f"127.0.0.1:{preview.port}", f"localhost:{preview.port}", f"[::1]:{preview.port}"):
            assert get(preview, "/api/issues", host=host)[0] == 200, host
    finally:
        stop_preview(preview)
    assert "only answers requests addressed to 127.0.0.1, localhost, [::1]" in preview.process.stderr.read()


def test_an_address_given_with_host_is_answered_by_that_name_too():
    assert allowed_host_headers("studio.local") == ["127.0.0.1", "localhost", "[::1]", "studio.local"]
    assert allowed_host_headers("fe80::1") == ["127.0.0.1", "localhost", "[::1]", "[fe80::1]"]
    assert allowed_host_headers("0.0.0.0") == allowed_host_headers("127.0.0.1") == ["127.0.0.1", "localhost", "[::1]"]


@pytest.mark.parametrize("port", ["99999", "-1", "65536"])
def test_a_port_that_does_not_exist_is_a_usage_error_naming_port(project, cli, port):
    result = cli("preview", "--port", port, cwd=project, timeout=30)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"error: --port: expected a port number from 1 to 65535, got {port} — "
                                          "for example: --port 8000 (or --port 0 for any free port)"]


def test_ctrl_c_with_a_page_open_stops_at_once_and_quietly(project, page):
    preview = start_preview(project)
    open_preview(page, preview, "es")  # the page holds its live-reload stream open
    assert stop_preview(preview) == 0
    lines = preview.process.stderr.read().splitlines()
    assert lines == [lines[0], "preview stopped"] and lines[0].startswith("preview: http://127.0.0.1:"), lines
