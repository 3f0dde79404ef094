"""Proofs tell the truth, recipient by recipient, against a real aiosmtpd on loopback: a refused address
fails the command with the server's reply, a greylisting server is tried again, a password never
crosses the network in clear text, a private CA can be trusted with --cafile, and IPv6 literals work."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller

from tests import test_proof
from tests.test_proof import PASSWORD, RECIPIENTS, Inbox, check_login, free_port, one_error_line

smtp_server, certificate_authority = test_proof.smtp_server, test_proof.certificate_authority
KNOWN, UNKNOWN = RECIPIENTS[0], "nobody@example.org"


class PickyInbox(Inbox):
    """Refuses unknown addresses at RCPT (550) and answers 'try later' (450, greylisting) a few times first."""

    def __init__(self, greylist: int = 0):
        super().__init__()
        self.greylist = greylist

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == UNKNOWN:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if self.greylist:
            self.greylist -= 1
            return "450 4.2.0 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def proofs_to(cli, project, port: int, *recipients: str, host: str = "127.0.0.1", options=(), env=None):
    to = [arg for address in recipients for arg in ("--to", address)]
    return cli("export", "2026-11", "--smtp", f"{host}:{port}", *to, "--skip-external-checks", "--locale", "es",
               "--locale", "fr", *options, cwd=project, env=env)


def test_a_refused_recipient_fails_the_command_with_the_servers_reply(cli, project, smtp_server):
    inbox, port = smtp_server(PickyInbox())
    result = proofs_to(cli, project, port, KNOWN, UNKNOWN)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert f"{KNOWN}: accepted 2 proofs (es, fr)" in lines
    assert (f"error: smtp://127.0.0.1:{port}: {UNKNOWN}: refused 2 proofs (es, fr): 550 5.1.1 <{UNKNOWN}>: Recipient "
            "address rejected: User unknown — check the --to address") in lines
    assert not any(line.startswith("sent ") and UNKNOWN in line for line in lines), lines
    assert [rcpt for rcpt, _ in inbox.messages] == [[KNOWN], [KNOWN]]


def test_every_recipient_refused_is_still_one_line_each(cli, project, smtp_server):
    inbox, port = smtp_server(PickyInbox())
    result = proofs_to(cli, project, port, UNKNOWN)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == [
        f"error: smtp://127.0.0.1:{port}: {UNKNOWN}: refused 2 proofs (es, fr): 550 5.1.1 <{UNKNOWN}>: Recipient "
        "address rejected: User unknown — check the --to address"]
    assert inbox.messages == []


def test_a_greylisting_server_is_tried_again_and_the_retry_is_said(cli, project, smtp_server):
    inbox, port = smtp_server(PickyInbox(greylist=1))
    result = proofs_to(cli, project, port, KNOWN)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()  # only the first RCPT was greylisted: the es proof
    assert f"{KNOWN}: accepted 1 proof (es) after 1 retry (450 4.2.0 Greylisted, try again later)" in lines
    assert f"{KNOWN}: accepted 1 proof (fr)" in lines
    assert sorted(inbox.parsed()) == ["es", "fr"] and len(inbox.messages) == 2


def test_a_recipient_greylisted_for_good_is_given_up_on(cli, project, smtp_server):
    inbox, port = smtp_server(PickyInbox(greylist=1000))
    result = proofs_to(cli, project, port, KNOWN)
    line = one_error_line(result)
    assert line == (f"error: smtp://127.0.0.1:{port}: {KNOWN}: not accepted 2 proofs (es, fr) after 3 attempts: "
                    "450 4.2.0 Greylisted, try again later — try again later, or ask the server's administrator")
    assert inbox.messages == []


def test_a_login_without_tls_is_refused_before_connecting(cli, project, smtp_server):
    inbox, port = smtp_server(authenticator=check_login, auth_require_tls=False)
    result = proofs_to(cli, project, port, KNOWN, options=("--user", "marketing"),
                       env={"NEWSLETTER_SMTP_PASSWORD": PASSWORD})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: --user: the password would cross the network in clear text — add --starttls or --ssl "
        "(or --insecure-auth for a test server you trust)"]
    assert inbox.messages == []


def test_insecure_auth_logs_in_without_tls_when_asked(cli, project, smtp_server):
    inbox, port = smtp_server(authenticator=check_login, auth_require_tls=False)
    result = proofs_to(cli, project, port, KNOWN, options=("--user", "marketing", "--insecure-auth"),
                       env={"NEWSLETTER_SMTP_PASSWORD": PASSWORD})
    assert result.returncode == 0, result.stderr
    assert "warning: --insecure-auth: the password crossed the network in clear text" in result.stderr
    assert sorted(inbox.parsed()) == ["es", "fr"]


def test_cafile_trusts_a_private_certificate_authority(cli, project, smtp_server, certificate_authority, tmp_path):
    server_context, trust = certificate_authority  # trust: SSL_CERT_FILE, which this test does not pass
    inbox, port = smtp_server(tls_context=server_context, require_starttls=True)
    result = proofs_to(cli, project, port, KNOWN, options=("--starttls", "--cafile", trust["SSL_CERT_FILE"]))
    assert result.returncode == 0, result.stderr
    assert sorted(inbox.parsed()) == ["es", "fr"]


def test_a_cafile_that_is_not_a_certificate_is_a_usage_error(cli, project, tmp_path):
    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("hello\n")
    for cafile, reason in ((not_pem, "no certificate in it"), (tmp_path / "missing.pem", "no such file")):
        result = proofs_to(cli, project, 25, KNOWN, options=("--starttls", "--cafile", str(cafile)))
        assert result.returncode == 2
        assert result.stderr.splitlines() == [
            f"error: --cafile: cannot use {cafile}: {reason} — give the PEM file of the server's certificate authority"]


@pytest.fixture
def ipv6_server():
    controllers = []

    def start():
        inbox = Inbox()
        controller = Controller(inbox, hostname="::1", port=free_port())
        controller.start()
        controllers.append(controller)
        return inbox, controller.port

    yield start
    for controller in controllers:
        controller.stop()


def test_an_ipv6_literal_in_brackets_is_a_server_address(cli, project, ipv6_server):
    inbox, port = ipv6_server()
    result = proofs_to(cli, project, port, KNOWN, host="[::1]")
    assert result.returncode == 0, result.stderr
    assert f"via [::1]:{port}" in result.stderr
    assert sorted(inbox.parsed()) == ["es", "fr"]


@pytest.mark.parametrize("address", ["::1:25", "[::1]", "[::1]:", "[::1]:99999", "host:0", "[::1:25"])
def test_a_malformed_smtp_address_is_a_usage_error(cli, project, address):
    result = cli("export", "2026-11", "--smtp", address, "--to", KNOWN, cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: --smtp: expected HOST:PORT, got {address!r}")

