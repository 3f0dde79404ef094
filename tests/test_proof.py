"""Proofs over SMTP to a real aiosmtpd server on loopback: plain, STARTTLS with a trustme
certificate, SMTPS, login; the failures marketing can meet, each as one line."""

from __future__ import annotations

import re
import socket
import ssl
from email import message_from_bytes, policy
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

LOCALES = ("en", "es", "fr", "de", "ar", "zh_Hans")
RECIPIENTS = ("marketing@example.org", "owner@example.org")
PASSWORD = "correct horse battery staple"


class Inbox:
    """An aiosmtpd handler that keeps what it receives; it can answer 'try later' a few times first."""

    def __init__(self, busy_replies: int = 0):
        self.messages: list[tuple[list[str], bytes]] = []
        self.busy_replies = busy_replies

    async def handle_DATA(self, server, session, envelope):
        if self.busy_replies:
            self.busy_replies -= 1
            return "451 4.3.0 Busy, try again later"
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def parsed(self) -> dict[str, object]:
        """Received messages by locale (from the [PROOF <locale>] subject)."""
        messages = [message_from_bytes(content, policy=policy.default) for _, content in self.messages]
        return {re.match(r"\[PROOF (\S+)(?: pseudo-locale)?\] ", m["Subject"]).group(1): m for m in messages}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def check_login(server, session, envelope, mechanism, auth_data) -> AuthResult:
    good = isinstance(auth_data, LoginPassword) and auth_data == LoginPassword(b"marketing", PASSWORD.encode())
    return AuthResult(success=good, handled=False)  # handled=False: aiosmtpd replies 535 itself


@pytest.fixture
def certificate_authority(tmp_path: Path):
    """A private CA and a certificate for 127.0.0.1; the client trusts it through SSL_CERT_FILE."""
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return server_context, {"SSL_CERT_FILE": str(ca_file)}


@pytest.fixture
def smtp_server():
    """Start aiosmtpd on 127.0.0.1 with the given options; stopped after the test."""
    started = []

    def start(inbox: Inbox | None = None, **options) -> tuple[Inbox, int]:
        inbox = inbox or Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **options)
        controller.start()
        started.append(controller)
        return inbox, controller.port

    yield start
    for controller in started:
        controller.stop()


def send_proofs(cli, project, port: int, *options: str, env: dict | None = None):
    recipients = [arg for address in RECIPIENTS for arg in ("--to", address)]
    return cli("export", "2026-11", "--smtp", f"127.0.0.1:{port}", *recipients, "--skip-external-checks", *options,
               cwd=project, env=env)


def one_error_line(result) -> str:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def test_a_proof_arrives_for_every_locale_with_sample_merge_values(cli, project, smtp_server):
    inbox, port = smtp_server()
    result = send_proofs(cli, project, port)
    assert result.returncode == 0, result.stderr
    assert f"sent 6 proofs ({', '.join(LOCALES)})" in result.stderr
    assert all(rcpt == list(RECIPIENTS) for rcpt, _ in inbox.messages)
    received = inbox.parsed()
    assert sorted(received) == sorted(LOCALES)
    for locale, message in received.items():
        assert message.get_content_type() == "multipart/alternative"
        assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
        assert message["Content-Language"] == locale.replace("_", "-")
        assert message["To"] == ", ".join(RECIPIENTS)
        assert message["From"] == "Northside Plastic Surgery <newsletter@example.com>"
        assert message["List-Unsubscribe"] == f"<https://www.example.com/unsubscribe?proof=2026-11-{locale}>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert "[[" not in text and "[[" not in html
        assert "Alex" in text and "Alex" in html  # the sample first name, in place of the fallback
        assert f"https://www.example.com/newsletter/{locale}/2026-11/" in html  # the web version: the archive page
        assert re.search(rf'<html[^>]* dir="{"rtl" if locale == "ar" else "ltr"}"', html)
        for url in (unescape(u) for u in re.findall(r'href="(https://www\.example\.com/[^"]*)"', html)):
            if "/unsubscribe" not in url and "/newsletter/" not in url:
                assert parse_qs(urlsplit(url).query)["utm_content"] == [locale], url


def test_a_pseudo_locale_may_be_proofed_and_says_so_in_the_subject(cli, project, smtp_server):
    """A proof is not a campaign: en_XA may go to the people checking the layout, marked as what it is."""
    inbox, port = smtp_server()
    result = send_proofs(cli, project, port, "--locale", "en_XA", "--locale", "es")
    assert result.returncode == 0, result.stderr
    received = inbox.parsed()
    assert sorted(received) == ["en_XA", "es"]
    assert received["en_XA"]["Subject"].startswith("[PROOF en_XA pseudo-locale] ")
    assert received["es"]["Subject"].startswith("[PROOF es] ")
    assert received["en_XA"]["Content-Language"] == "en-XA"


def test_proofs_over_starttls_with_a_login(cli, project, smtp_server, certificate_authority):
    server_context, trust = certificate_authority
    inbox, port = smtp_server(tls_context=server_context, require_starttls=True, authenticator=check_login,
                              auth_require_tls=True)
    result = send_proofs(cli, project, port, "--starttls", "--user", "marketing", "--locale", "ar",
                         env={**trust, "NEWSLETTER_SMTP_PASSWORD": PASSWORD})
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stderr + result.stdout
    received = inbox.parsed()
    assert list(received) == ["ar"]
    assert 'dir="rtl"' in received["ar"].get_body(("html",)).get_content()


def test_proofs_over_ssl_from_the_start(cli, project, smtp_server, certificate_authority):
    server_context, trust = certificate_authority
    inbox, port = smtp_server(ssl_context=server_context)
    result = send_proofs(cli, project, port, "--ssl", "--locale", "es", env=trust)
    assert result.returncode == 0, result.stderr
    assert list(inbox.parsed()) == ["es"]


def test_a_busy_server_is_tried_again_and_every_proof_arrives_once(cli, project, smtp_server):
    inbox, port = smtp_server(Inbox(busy_replies=1))
    result = send_proofs(cli, project, port, "--locale", "en", "--locale", "fr")
    assert result.returncode == 0, result.stderr
    assert sorted(inbox.parsed()) == ["en", "fr"] and len(inbox.messages) == 2


def test_a_server_that_stays_busy_is_given_up_on_with_one_line(cli, project, smtp_server):
    inbox, port = smtp_server(Inbox(busy_replies=100))
    line = one_error_line(send_proofs(cli, project, port, "--locale", "en"))
    assert line == (f"error: smtp://127.0.0.1:{port}: server replied 451 4.3.0 Busy, try again later "
                    "(gave up after 3 attempts) — check that the server is up and accepting mail, then try again")
    assert inbox.messages == []


def test_connection_refused_is_one_line(cli, project):
    port = free_port()  # nothing listens there
    line = one_error_line(send_proofs(cli, project, port))
    assert line == (f"error: smtp://127.0.0.1:{port}: connection refused — "
                    "check --smtp HOST:PORT and that the server is running")


def test_starttls_against_a_server_without_it_is_one_line(cli, project, smtp_server):
    inbox, port = smtp_server()
    line = one_error_line(send_proofs(cli, project, port, "--starttls"))
    assert f"smtp://127.0.0.1:{port}: the server does not offer STARTTLS" in line
    assert inbox.messages == []


def test_an_untrusted_certificate_is_one_line(cli, project, smtp_server, certificate_authority):
    server_context, _ = certificate_authority  # the client is not told about this CA
    inbox, port = smtp_server(tls_context=server_context, require_starttls=True)
    line = one_error_line(send_proofs(cli, project, port, "--starttls"))
    assert "TLS failure: the server's certificate is not trusted" in line
    assert inbox.messages == []


def test_a_wrong_password_is_one_line(cli, project, smtp_server, certificate_authority):
    server_context, trust = certificate_authority
    inbox, port = smtp_server(tls_context=server_context, require_starttls=True, authenticator=check_login)
    result = send_proofs(cli, project, port, "--starttls", "--user", "marketing",
                         env={**trust, "NEWSLETTER_SMTP_PASSWORD": "wrong"})
    line = one_error_line(result)
    assert line.startswith(f"error: smtp://127.0.0.1:{port}: authentication failed for 'marketing': 535")
    assert line.endswith("— check --user and NEWSLETTER_SMTP_PASSWORD")
    assert "wrong" not in result.stderr  # the password is never echoed
    assert inbox.messages == []


def test_a_login_without_a_password_in_the_environment_is_a_usage_error(cli, project):
    result = cli("export", "2026-11", "--smtp", "127.0.0.1:1", "--to", RECIPIENTS[0], "--user", "marketing",
                 cwd=project, env={"NEWSLETTER_SMTP_PASSWORD": ""})
    assert result.returncode == 2
    assert result.stderr.strip() == ("error: --user: no password for 'marketing' — "
                                     "set the environment variable NEWSLETTER_SMTP_PASSWORD")
