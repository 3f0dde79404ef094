"""Proofs against SMTP servers scripted to misbehave on loopback (tests/scripted_smtp.py): one that trickles
`220-` lines, one silent, one that stalls in DATA, one that drops, one that refuses the second proof, one
whose 535 echoes the credentials. Each ends within the dialogue's one deadline (--smtp-timeout), with one
located line, and what the server accepted before is still told.

RFC 5321 §4.5.3.2 (https://www.rfc-editor.org/rfc/rfc5321#section-4.5.3.2) gives per-command timeouts of
minutes; a person waiting at a terminal needs the whole dialogue bounded, which is what we test."""

from __future__ import annotations

import base64

import pytest

from tests.scripted_smtp import DROP, STALL, Script, ScriptedServer, silent, trickling
from tests.test_proof import PASSWORD, RECIPIENTS, one_error_line

ONE = RECIPIENTS[0]
DEADLINE = "3"


@pytest.fixture
def scripted():
    started = []

    def start(script: Script) -> ScriptedServer:
        server = ScriptedServer(script)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def proofs(cli, project, server: ScriptedServer, *options: str, env=None, deadline: str = DEADLINE):
    return cli("export", "2026-11", "--smtp", f"127.0.0.1:{server.port}", "--to", ONE, "--skip-external-checks",
               "--locale", "es", "--locale", "fr", "--smtp-timeout", deadline, *options, cwd=project, env=env,
               timeout=90)


def test_a_greeting_that_trickles_for_ever_ends_at_the_deadline(cli, project, scripted):
    """Before: one `220-` line every few seconds kept send.py running for ever (each line reset the timeout)."""
    server = scripted(Script(greeting=trickling(0.3)))
    line = one_error_line(proofs(cli, project, server))
    assert line == (f"error: smtp://127.0.0.1:{server.port}: no answer to the greeting within 3 s: the whole dialogue "
                    "may take 3 s (--smtp-timeout) — check that the server is up and answering, or allow it more "
                    "with --smtp-timeout")


def test_a_silent_server_is_given_up_on_at_the_deadline_not_after_a_minute(cli, project, scripted):
    server = scripted(Script(greeting=silent()))
    line = one_error_line(proofs(cli, project, server))
    assert f"smtp://127.0.0.1:{server.port}: no answer to the greeting within 3 s" in line


@pytest.mark.parametrize("second, deadline, failure", [
    (STALL, DEADLINE, "no answer to DATA within 3 s: the whole dialogue may take 3 s (--smtp-timeout)"),
    # a drop is tried again: time for the pauses between attempts (1 s, 2 s)
    (DROP, "30", "connection lost: Connection unexpectedly closed (gave up after 3 attempts)"),
])
def test_a_failure_at_the_second_proof_still_tells_the_first(cli, project, scripted, second, deadline, failure):
    """Before: only the failure ('connection lost … gave up after 3 attempts'), though es had been accepted."""
    server = scripted(Script(data_replies=["250 OK queued", second]))
    result = proofs(cli, project, server, deadline=deadline)
    line = one_error_line(result)
    assert line.startswith(f"error: smtp://127.0.0.1:{server.port}: {failure}; not sent: fr — ")
    assert f"{ONE}: accepted 1 proof (es)" in result.stderr.splitlines()
    assert len(server.script.messages) == 1


def test_a_554_to_the_second_proof_refuses_that_proof_and_keeps_the_first(cli, project, scripted):
    """Before: 'server replied 554 … the proof was not sent', nothing about es, which the server had accepted."""
    server = scripted(Script(data_replies=["250 OK", "554 5.7.1 Message rejected as spam"]))
    result = proofs(cli, project, server)
    line = one_error_line(result)
    assert line == (f"error: smtp://127.0.0.1:{server.port}: {ONE}: refused 1 proof (fr): 554 5.7.1 Message "
                    "rejected as spam — the server refused the message itself: read its reply")
    assert f"{ONE}: accepted 1 proof (es)" in result.stderr.splitlines()
    assert len(server.script.messages) == 1


def test_a_535_that_echoes_the_credentials_is_shown_redacted(cli, project, scripted):
    """Before: the reply was printed as received, the password in base64 (AUTH PLAIN, RFC 4616) and in clear."""
    def echo(line: str) -> str:
        blob = line.split()[-1]
        clear = base64.b64decode(blob).split(b"\0")[-1].decode()
        return f"535 5.7.8 Authentication failed for {blob} ({clear})"

    server = scripted(Script(auth_reply=echo))
    result = proofs(cli, project, server, "--user", "marketing", "--insecure-auth",
                    env={"NEWSLETTER_SMTP_PASSWORD": PASSWORD})
    line = one_error_line(result)
    blob = base64.b64encode(f"\0marketing\0{PASSWORD}".encode()).decode()
    assert PASSWORD not in result.stderr and blob not in result.stderr
    assert line == (f"error: smtp://127.0.0.1:{server.port}: authentication failed for 'marketing': 535 5.7.8 "
                    "Authentication failed for [redacted] ([redacted]) — check --user and NEWSLETTER_SMTP_PASSWORD")


@pytest.mark.parametrize("address", ["you@example.com\r\nBcc: all@example.com", "you@example.com\n"])
def test_a_to_address_with_a_line_break_is_refused_before_the_build(cli, project, address):
    """Before: a ValueError traceback after the whole build."""
    result = cli("export", "2026-11", "--smtp", "127.0.0.1:25", "--to", address, cwd=project)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: --to: {address!r} holds a line break — give one address per --to, on one line"]


def test_a_deadline_that_is_not_a_number_is_a_usage_error(cli, project):
    result = cli("export", "2026-11", "--smtp", "127.0.0.1:25", "--to", ONE, "--smtp-timeout", "soon", cwd=project)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: --smtp-timeout: expected seconds between 0 and 3600, got 'soon' — for example: --smtp-timeout 60"]
