"""`newsletter publish ISSUE --provider ses`: per locale SES's email template `newsletter-<locale>`, created once
and brought to each issue's export, through botocore (AWS's own SDK core) against SES v2's own service model.

SES's definition is the service model botocore ships (botocore/data/sesv2): botocore validates every request
before it leaves, and the stand-in (tests/standin_ses.py) routes each request by that model, validates it and
its own answers against it, and checks each request's Signature Version 4 with the test key; a violation
fails the module (tests/api_harness.py ModelHarness). Over https with a test CA, on 127.0.0.1.
SES has no campaigns and no scheduled sends (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_Operations.html
has no operation to schedule one): publish carries the templates, and refuses --schedule.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import botocore.session
import pytest
from botocore.config import Config

from tests.api_harness import Fault, ModelHarness
from tests.publish_contract import LOCALES, ProviderAccount, TemplateContract, contract_fixtures
from tests.standin_ses import ACCESS_KEY, KEY, REGION, SesStandIn


class SesAccount(ProviderAccount):
    provider = "ses"
    title = "Amazon SES"
    key = KEY
    key_variable = "AWS_SECRET_ACCESS_KEY"
    url_variable = "AWS_ENDPOINT_URL_SESV2"
    standin = SesStandIn
    kind = "email template"

    @classmethod
    def start_harness(cls, folder: Path, definition: Path) -> ModelHarness:
        return ModelHarness(cls.standin(), folder)

    def __init__(self, harness, exported, tmp_path):
        super().__init__(harness, exported, tmp_path)
        self.env = {name: value for name, value in self.env.items() if not name.startswith("AWS_")}
        self.env.update({"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": KEY, "AWS_REGION": REGION,
                         "AWS_ENDPOINT_URL_SESV2": harness.front.url, "AWS_CONFIG_FILE": "/nonexistent",
                         "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"})

    def creates(self) -> int:
        return len(self.app.mutating("POST", "/v2/email/templates"))

    def assert_templates(self) -> None:
        """One template per locale, `newsletter-<locale>`, holding the locale's exported file."""
        assert sorted(self.app.templates) == sorted(f"newsletter-{locale}" for locale in LOCALES)
        for locale in LOCALES:
            exported = self.exported(locale)
            assert self.app.templates[exported["TemplateName"]]["TemplateContent"] == exported["TemplateContent"]

    def template_id(self, locale: str) -> str:
        return f"newsletter-{locale}"  # SES names its templates: the name is the id

    def edit_template(self, locale: str) -> str:
        self.app.templates[f"newsletter-{locale}"]["TemplateContent"]["Html"] = "<p>last month's</p>"
        return "Html"

    def update_request(self, locale: str) -> tuple[str, str]:
        """UpdateEmailTemplate (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_UpdateEmailTemplate.html)."""
        return ("PUT", f"/v2/email/templates/newsletter-{locale}")

    def assert_plan_details(self, locale: str, details: list[str]) -> None:
        audience, subject, sender, schedule = details
        exported = self.exported(locale)
        assert audience.endswith(f"→ template newsletter-{locale} in routing.json, sent by your loop")
        assert subject == f"subject: “{exported['TemplateContent']['Subject']}”"
        assert sender == ("sender: Northside Plastic Surgery <newsletter@example.com>; unsubscribe: "
                          "{{amazonSESUnsubscribeUrl}}, contact list newsletter, topic monthly")
        assert schedule == "schedule: none (SES has no scheduled sends: your loop sends at the send time)"


harness, exported, account = contract_fixtures(SesAccount)


class TestSes(TemplateContract):
    def test_the_plan_names_the_verified_sender(self, account):
        assert "  account: sender Northside Plastic Surgery <newsletter@example.com> (verified identity " \
               "newsletter@example.com)" in account.publish().stdout.splitlines()


def test_a_create_whose_answer_is_lost_is_found_by_name_not_made_twice(account):
    """SES made the template, the answer never came; botocore tries again (its standard retry mode,
    https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html), SES says it exists
    (AlreadyExistsException), and publish finds it by its name."""
    account.app.faults.append(Fault("POST", "/v2/email/templates", delay=3.0))
    result = account.publish("--apply", "--timeout", "1")
    assert result.returncode == 0, result.stderr
    account.assert_templates()
    assert account.creates() == len(LOCALES)  # the retry met AlreadyExistsException, acted on by none
    assert account.app.faults[0].times == 0 and "done: en       create      email template newsletter-en" in result.stderr


def test_throttling_is_retried_by_botocore(account):
    """TooManyRequestsException (429) is retried (https://docs.aws.amazon.com/ses/latest/APIReference-V2/CommonErrors.html)."""
    account.app.faults.append(Fault("GET", "/v2/email/account", status=429, headers={"x-amzn-ErrorType": "TooManyRequestsException"},
                                    body={"message": "Too many requests"}))
    result = account.publish("--apply")
    assert result.returncode == 0, result.stderr
    account.assert_templates()


def test_test_to_sends_a_proof_of_each_template_to_those_addresses_only(account):
    """SES has no test email: the proof is SendEmail with the template
    (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html), sample TemplateData and the
    ListManagementOptions of the real send, so SES fills {{amazonSESUnsubscribeUrl}} as it will then
    (https://docs.aws.amazon.com/ses/latest/dg/sending-email-subscription-management.html)."""
    result = account.publish("--apply", "--test-to", "proof@example.com", "lead@example.com")
    assert result.returncode == 0, result.stderr
    account.assert_templates()
    assert [sent["Content"]["Template"]["TemplateName"] for sent in account.app.sent] == [
        f"newsletter-{locale}" for locale in LOCALES]
    for sent in account.app.sent:
        assert sent["Destination"] == {"ToAddresses": ["proof@example.com", "lead@example.com"]}
        assert sent["ListManagementOptions"] == {"ContactListName": "newsletter", "TopicName": "monthly"}
        assert json.loads(sent["Content"]["Template"]["TemplateData"]) == {"first_name": "Alex", "first_name_html": "Alex"}
        assert sent["FromEmailAddress"] == "Northside Plastic Surgery <newsletter@example.com>"
    order = [r[0] for r in account.changes()]
    assert order == ["POST", "POST"] * len(LOCALES)  # each template made before its proof


def test_an_unverified_sender_or_a_missing_topic_is_refused_and_nothing_changes(account):
    account.app.identities["newsletter@example.com"]["VerifiedForSendingStatus"] = False
    account.app.contact_lists["newsletter"]["Topics"] = []
    result = account.publish("--apply")
    assert result.returncode == 1 and account.changes() == []
    assert "account  refused     sender newsletter@example.com: not verified yet: verify it under" in result.stdout
    assert result.stdout.count("contact list newsletter has no topic monthly: add it") == len(LOCALES)


@pytest.mark.parametrize("variable", ["AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_REGION"])
def test_a_missing_key_or_region_is_one_line_naming_the_variable(account, variable):
    result = account.publish(env={name: value for name, value in account.env.items() if name != variable})
    assert result.returncode == 1 and account.app.requests == []
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {variable}: Amazon SES needs ") and f"{variable} is not set" in line


@pytest.mark.parametrize("variable, value, code", [
    ("AWS_SECRET_ACCESS_KEY", "not/the/secret/0123456789abcdefghijklmnop", "SignatureDoesNotMatch"),
    ("AWS_ACCESS_KEY_ID", "AKIANOTTHEKEY0000001", "UnrecognizedClientException")])
def test_a_wrong_key_is_ses_own_words_and_what_to_do(account, variable, value, code):
    result = account.publish("--apply", env={**account.env, variable: value})
    assert result.returncode == 1 and account.app.templates == {}
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: Amazon SES: GetAccount: Amazon SES refused it (403): ") and f"({code})" in line
    assert line.endswith("is wrong or revoked: create a new one in IAM (Security credentials → Access keys) and set both")
    assert value not in result.stdout + result.stderr


def test_only_https_and_only_a_trusted_certificate(account):
    plain = account.publish(env={**account.env, "AWS_ENDPOINT_URL_SESV2": account.harness.front.url.replace("https", "http")})
    assert plain.returncode == 1 and "AWS_ENDPOINT_URL_SESV2 must be an https:// address" in plain.stderr
    untrusted = subprocess.run(account.command()[:-2], cwd=account.root, env=account.env, capture_output=True,
                               text=True, timeout=60)
    assert untrusted.returncode == 1 and "its certificate is not trusted" in untrusted.stderr
    assert account.app.requests == [] and "Traceback" not in plain.stderr + untrusted.stderr


def test_the_stand_in_refuses_a_call_outside_ses_model(harness):
    """The harness itself can fail: CreateEmailTemplate without its required TemplateContent, sent by a client
    whose own validation is off, is refused by the stand-in's check against the same model."""
    harness.app.reset()
    client = botocore.session.Session().create_client(
        "sesv2", region_name=REGION, endpoint_url=harness.front.url, aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=KEY, verify=str(harness.front.cafile),
        config=Config(parameter_validation=False, retries={"max_attempts": 1}))
    with pytest.raises(client.exceptions.BadRequestException, match="TemplateContent"):
        client.create_email_template(TemplateName="newsletter-xx")
    assert harness.app.templates == {} and harness.app.violations
    harness.app.violations.clear()
