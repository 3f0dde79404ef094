"""What marketing sees when a provider's API answers other than its definition says, or not at all, or when the
environment lacks more than one thing: always lines that name what to check, never a traceback.

The odd answer is a real https server on loopback (a test CA, tests/api_harness.py's TlsFront) that answers every
request 200 with an empty JSON object: what a proxy, a captive portal, a mistyped API address or a changed API may
give. The provider's definition has a field where this has none, so reading it must end in one line."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import threading
from pathlib import Path

import pytest

from tests.api_harness import TlsFront, free_port

ISSUE = "2026-11"
# provider → (its key's variable, a key of the shape it takes, its address variable, the path its API sits under)
PROVIDERS = {
    "sendgrid": ("SENDGRID_API_KEY", "SG.test", "SENDGRID_API_URL", ""),
    "mailchimp": ("MAILCHIMP_API_KEY", "test-us6", "MAILCHIMP_API_URL", "/3.0"),
    "brevo": ("BREVO_API_KEY", "xkeysib-test", "BREVO_API_URL", "/v3"),
    "listmonk": ("LISTMONK_API_KEY", "api-user:token", "LISTMONK_API_URL", "/api"),
    "mailgun": ("MAILGUN_API_KEY", "key-test", "MAILGUN_API_URL", ""),
    "postmark": ("POSTMARK_SERVER_TOKEN", "server-token", "POSTMARK_API_URL", ""),
}


class EmptyAnswers(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def empty_api(tmp_path: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), EmptyAnswers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    front = TlsFront(server.server_address[1], tmp_path)
    yield front
    server.shutdown()
    front.server.shutdown()


def exported(cli, project: Path, provider: str) -> None:
    result = cli("export", ISSUE, "--provider", provider, "--skip-external-checks", cwd=project)
    assert result.returncode == 0, result.stderr


def errors(result) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_an_answer_without_what_the_api_documents_is_one_line_naming_the_request(cli, project, empty_api, provider):
    key_variable, key, url_variable, base = PROVIDERS[provider]
    exported(cli, project, provider)
    result = cli("publish", ISSUE, "--provider", provider, "--cafile", str(empty_api.cafile), cwd=project,
                 env={key_variable: key, url_variable: empty_api.url + base})
    lines = errors(result)
    if not lines:  # an empty answer read as an empty account: the plan, saying what the account lacks or gets
        assert result.stdout.startswith(f"{provider_title(result)}, issue {ISSUE}:"), result.stdout
        assert "None" not in result.stdout, result.stdout  # a field it lacks is never printed as Python's None
        assert result.returncode in (0, 1)
        return
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert "without what its API documents" in lines[0] and " GET /" in lines[0], lines[0]


def provider_title(result) -> str:
    return result.stdout.split(",", 1)[0]


@pytest.mark.parametrize("provider", ["listmonk", "mailgun"])  # one client for all (http.py); each try waits 15 s
def test_an_address_that_answers_nothing_names_the_variable_that_chose_it(cli, project, provider):
    key_variable, key, url_variable, base = PROVIDERS[provider]
    exported(cli, project, provider)
    nobody = f"https://127.0.0.1:{free_port()}{base}"
    result = cli("publish", ISSUE, "--provider", provider, cwd=project, env={key_variable: key, url_variable: nobody},
                 timeout=180)
    lines = errors(result)
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert f"cannot connect to {nobody}" in lines[0] and f"{url_variable} is set to {nobody}" in lines[0], lines[0]


def test_ses_says_every_variable_it_lacks_at_once(cli, project):
    exported(cli, project, "ses")
    result = cli("publish", ISSUE, "--provider", "ses", cwd=project,
                 env={"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_REGION": "", "AWS_DEFAULT_REGION": ""})
    lines = errors(result)
    assert result.returncode == 1
    assert [line.split(":")[1].strip() for line in lines] == ["AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_REGION"]


def test_a_mailchimp_key_without_its_data_centre_is_refused_before_any_request(cli, project):
    """"The data center is the part of the API key after the dash, e.g. us6"
    (https://mailchimp.com/developer/marketing/docs/fundamentals/#api-structure): `test-key` has none."""
    exported(cli, project, "mailchimp")
    result = cli("publish", ISSUE, "--provider", "mailchimp", cwd=project, env={"MAILCHIMP_API_KEY": "test-key"})
    lines = errors(result)
    assert result.returncode == 1 and len(lines) == 1
    assert "a Mailchimp API key ends in its data centre (…-us6) and this one does not" in lines[0], lines[0]
