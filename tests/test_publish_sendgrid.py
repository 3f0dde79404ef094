"""`newsletter publish ISSUE --provider sendgrid`: the plan, --apply, --schedule, re-runs, interruptions and
failures, against SendGrid's published OpenAPI definition: the contract every provider shares
(tests/publish_contract.py, kill -9 after every one of the 12 changes here) and what the shared HTTP client
does with 429, 500, timeouts, dropped connections, keys and certificates, tested once, here.

Every request goes through Stoplight Prism in proxy mode with errors on (tests/api_harness.py) over
tests/openapi/sendgrid.yaml, a fragment of https://github.com/twilio/sendgrid-oai (MIT), in front of a
stateful stand-in (tests/standin_sendgrid.py), over https with a test CA: a request outside the definition
fails the test, and so does a stand-in answer outside it. The export published is the sample issue's,
made once by `newsletter export` and never rendered again by publish.
"""

from __future__ import annotations

import ssl
import subprocess
import sys

import httpx
import pytest

from tests.api_harness import Fault
from tests.conftest import REPO
from tests.publish_contract import LOCALES, SCHEDULE, SCHEDULED_UTC, ProviderAccount, PublishContract, contract_fixtures
from tests.standin_sendgrid import KEY, UNSUBSCRIBE_GROUP, SendGridStandIn


class SendGridAccount(ProviderAccount):
    provider = "sendgrid"
    title = "SendGrid"
    key = KEY
    key_variable = "SENDGRID_API_KEY"
    url_variable = "SENDGRID_API_URL"
    standin = SendGridStandIn
    create_path = "/v3/marketing/singlesends"
    kind = "Single Send"
    changes_per_locale = 2  # create, schedule
    wrong_key = "SG.not-the-key"
    wrong_key_text = "authorization required"

    def remotes(self) -> list[dict]:
        return list(self.app.sends.values())

    def assert_as_exported(self, locale: str, send: dict, scheduled: bool) -> None:
        single = self.exported(locale)["single_send"]
        for key in ("subject", "html_content", "plain_content"):
            assert send["email_config"][key] == single["email_config"][key]
        assert send["send_to"]["segment_ids"] == single["send_to"]["segment_ids"]
        assert (send["email_config"]["sender_id"], send["email_config"]["suppression_group_id"]) == (3001, UNSUBSCRIBE_GROUP)
        assert (send["status"], send["send_at"]) == (("scheduled", SCHEDULED_UTC) if scheduled else ("draft", None))

    def schedules(self, send: dict) -> list[tuple[str, str, object]]:
        return self.app.mutating("PUT", f"/v3/marketing/singlesends/{send['id']}/schedule")

    def add_sent(self, name: str) -> dict:
        return self.app.add(name, status="triggered", email_config={"subject": "last month's words"})

    def sent_reason(self) -> str:
        return "already sent (SendGrid status triggered)"

    def assert_plan_details(self, locale: str, details: list[str]) -> None:
        single = self.exported(locale)["single_send"]
        audience, subject, sender, schedule = details
        assert audience.endswith("→ segments " + ", ".join(single["send_to"]["segment_ids"]))
        assert subject == f"subject: “{single['email_config']['subject']}”"
        assert sender == "sender: Northside Plastic Surgery <newsletter@example.com>; unsubscribe: group 4242"
        assert schedule == "schedule: none (a draft, ready to send)"

    def refusal(self) -> tuple[Fault, str]:
        body = {"errors": [{"field": "email_config.subject", "message": "subject is too long"}]}
        return Fault("POST", "/v3/marketing/singlesends", status=400, body=body), "email_config.subject: subject is too long"


harness, exported, account = contract_fixtures(SendGridAccount)


class TestSendGrid(PublishContract):
    def test_the_plan_names_the_verified_sender(self, account):
        result = account.publish()
        assert "  account: sender Northside Plastic Surgery <newsletter@example.com> (verified sender 3001)" in \
            result.stdout.splitlines()


def test_the_single_sends_take_the_configured_unsubscribe_group_not_the_accounts_default(account):
    """The Single Send's `email_config.suppression_group_id` is the export's, newsletter.yaml's
    audience.sendgrid.unsubscribe_group (4242), looked up in the account (GET /v3/asm/groups,
    https://www.twilio.com/docs/sendgrid/api-reference/suppressions-unsubscribe-groups/retrieve-all-suppression-groups-associated-with-the-user),
    though the account's default group is another (77): SendGrid fills {{{unsubscribe}}} from the group the send
    names (https://www.twilio.com/docs/sendgrid/api-reference/single-sends/create-single-send, suppression_group_id)."""
    result = account.publish("--apply", "--schedule", SCHEDULE, "--test-to", "proof@example.com")
    assert result.returncode == 0, result.stderr
    assert "  account: unsubscribe group 'Newsletter' (4242, audience.sendgrid.unsubscribe_group)" in result.stdout.splitlines()
    account.assert_published(scheduled=True)
    assert {send["email_config"]["suppression_group_id"] for send in account.remotes()} == {UNSUBSCRIBE_GROUP}
    tests = account.app.mutating("POST", "/v3/marketing/test/send_email")
    assert len(tests) == len(LOCALES) and {body["suppression_group_id"] for _, _, body in tests} == {UNSUBSCRIBE_GROUP}


def test_a_configured_unsubscribe_group_missing_from_the_account_is_refused_never_replaced(account):
    """The account has only its default group (77), not the configured 4242: the plan refuses in one line what to
    set or create, and nothing is changed; the default group is never used in its place."""
    account.app.groups[:] = [group for group in account.app.groups if group["id"] != UNSUBSCRIBE_GROUP]
    result = account.publish("--apply", "--schedule", SCHEDULE)
    assert result.returncode == 1 and account.changes() == []
    refusals = [line for line in result.stdout.splitlines() if "refused" in line and "unsubscribe group" in line]
    assert refusals == ["account  refused     unsubscribe group 4242: no unsubscribe group 4242 in SendGrid: set "
                        "newsletter.yaml's audience.sendgrid.unsubscribe_group to the id of one under Suppressions → "
                        "Unsubscribe Groups (or create it), then export again"]
    assert "group 77" not in result.stdout


def test_drafts_rerun_as_up_to_date_and_an_edited_draft_is_updated_back(account):
    assert account.publish("--apply").returncode == 0
    account.assert_published(scheduled=False)
    (edited,) = account.by_name()["newsletter-2026-11-es"]
    edited["email_config"]["subject"] = "changed in SendGrid's editor"
    plan = account.publish()
    assert "es       update      Single Send newsletter-2026-11-es: changed: subject" in plan.stdout
    assert plan.stdout.count("up to date  Single Send") == 5
    before = len(account.changes())
    assert account.publish("--apply").returncode == 0
    assert [request[:2] for request in account.changes()[before:]] == [("PATCH", f"/v3/marketing/singlesends/{edited['id']}")]
    account.assert_published(scheduled=False)


def test_429_is_retried_after_the_wait_sendgrid_asks_for(account):
    account.app.faults.append(Fault("GET", "/v3/verified_senders", status=429, headers={"Retry-After": "1"},
                                    body={"errors": [{"field": None, "message": "too many requests"}]}))
    result = account.publish("--apply")
    assert result.returncode == 0, result.stderr
    assert ("SendGrid: GET /v3/verified_senders: 429 too many requests; trying again in 1 s (as its Retry-After asks)"
            in result.stderr)
    account.assert_published(scheduled=False)


def test_a_500_on_a_create_is_looked_up_then_tried_again_once(account):
    account.app.faults.append(Fault("POST", "/v3/marketing/singlesends", status=500,
                                    body={"errors": [{"field": None, "message": "internal error"}]}))
    result = account.publish("--apply")
    assert result.returncode == 0, result.stderr
    account.assert_published(scheduled=False)
    assert len(account.app.mutating("POST", "/v3/marketing/singlesends")) == len(LOCALES)


@pytest.mark.parametrize("fault", [Fault("POST", "/v3/marketing/singlesends", delay=3.0),
                                   Fault("POST", "/v3/marketing/singlesends", drop=True)], ids=["timeout", "dropped"])
def test_a_create_whose_answer_is_lost_is_found_by_name_not_made_twice(account, fault):
    """SendGrid made the Single Send, but the answer never came (a timeout, a dropped connection)."""
    account.app.faults.append(fault)
    result = account.publish("--apply", "--schedule", SCHEDULE, "--timeout", "1")
    assert result.returncode == 0, result.stderr
    account.assert_published(scheduled=True)
    assert len(account.app.mutating("POST", "/v3/marketing/singlesends")) == len(LOCALES)


def test_a_500_on_every_try_stops_with_one_line_and_the_rerun_finishes(account):
    account.app.faults.append(Fault("PUT", "/schedule", status=500, times=5,
                                    body={"errors": [{"field": None, "message": "internal error"}]}))
    failed = account.publish("--apply", "--schedule", SCHEDULE)
    assert failed.returncode == 1
    (error,) = [line for line in failed.stderr.splitlines() if line.startswith("error:")]
    assert "SendGrid did not answer as expected: 500 internal error" in error and "run the same command again" in error
    assert "Traceback" not in failed.stderr
    assert account.publish("--apply", "--schedule", SCHEDULE).returncode == 0
    account.assert_published(scheduled=True)


def test_the_key_is_in_no_output_no_file_and_no_process_list(account):
    account.assert_key_never_shown("--apply", "--schedule", SCHEDULE, pause_at=3)


def test_only_https_and_only_a_trusted_certificate(account):
    plain = account.publish(env={**account.env, "SENDGRID_API_URL": account.harness.front.url.replace("https", "http")})
    assert plain.returncode == 1 and "SENDGRID_API_URL must be an https:// address" in plain.stderr
    untrusted = subprocess.run(account.command()[:-2], cwd=account.root, env=account.env, capture_output=True, text=True,
                               timeout=60)
    assert untrusted.returncode == 1 and "its certificate is not trusted" in untrusted.stderr
    assert account.app.requests == [] and "Traceback" not in plain.stderr + untrusted.stderr


def test_an_unverified_sender_is_refused_and_nothing_is_changed(account):
    account.app.senders[0]["verified"] = False
    result = account.publish("--apply", "--schedule", SCHEDULE)
    assert result.returncode == 1 and account.changes() == []
    assert ("account  refused     sender newsletter@example.com: not verified yet: open the link SendGrid emailed to "
            "newsletter@example.com, then run again") in result.stdout


def test_prism_refuses_a_request_outside_sendgrids_definition(harness):
    """The harness itself can fail: a Single Send without its required `name` never reaches the stand-in."""
    harness.app.reset()
    with httpx.Client(verify=ssl.create_default_context(cafile=harness.front.cafile)) as client:
        answer = client.post(f"{harness.front.url}/v3/marketing/singlesends", json={"send_to": {"segment_ids": ["x"]}},
                             headers={"Authorization": f"Bearer {KEY}"})
    assert answer.status_code == 422 and harness.app.requests == []
    assert "must have required property 'name'" in answer.text


def test_send_py_publish_exports_then_plans(account):
    done = subprocess.run([sys.executable, str(REPO / "send.py"), "2026-11", "--provider", "sendgrid", "--publish",
                           "--skip-external-checks", "-q", "--cafile", str(account.harness.front.cafile)],
                          cwd=account.root, env=account.env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("summary: 6 create") and account.changes() == []


@pytest.mark.parametrize("when, message", [("2020-01-01T09:00+01:00", "is in the past"),
                                           ("2030-12-01T09:00", "is not a date and time with its offset")])
def test_a_schedule_in_the_past_or_without_offset_is_refused_before_any_request(account, when, message):
    result = account.publish("--apply", "--schedule", when)
    assert result.returncode == 2 and message in result.stderr and account.app.requests == []


def _test_templates(account) -> dict[str, dict]:
    return {template["name"]: template for template in account.app.templates.values()}


def test_test_to_asks_sendgrid_for_its_test_email_of_each_locale_before_scheduling(account):
    """SendGrid's test email of Marketing Campaigns, POST /v3/marketing/test/send_email, sends a Dynamic
    Transactional Template, not a Single Send (https://www.twilio.com/docs/sendgrid/api-reference/send-test-email/send-a-test-marketing-email;
    sendgrid-oai spec/yaml/tsg_mc_test_v3.yaml): one dynamic template per locale holds the Single Send's subject,
    HTML and text, and the test names its sender and unsubscribe group (tsg_templates_v3.yaml for the template)."""
    result = account.publish("--apply", "--schedule", SCHEDULE, "--test-to", "proof@example.com", "lead@example.com")
    assert result.returncode == 0, result.stderr
    templates = _test_templates(account)
    assert sorted(templates) == sorted(f"newsletter-{locale} test email" for locale in LOCALES)
    assert account.app.tests == [(templates[f"newsletter-{locale} test email"]["id"], ["proof@example.com", "lead@example.com"])
                                 for locale in LOCALES]
    for locale in LOCALES:
        (version,) = templates[f"newsletter-{locale} test email"]["versions"]
        config = account.exported(locale)["single_send"]["email_config"]
        assert (version["active"], version["subject"], version["html_content"], version["plain_content"]) == (
            1, config["subject"], config["html_content"], config["plain_content"])
    tests = [request for request in account.app.mutating("POST", "/v3/marketing/test/send_email")]
    assert all(body["sender_id"] == 3001 and body["suppression_group_id"] == UNSUBSCRIBE_GROUP for _, _, body in tests)
    order = [r[1].rsplit("/", 1)[-1] for r in account.changes() if r[1].endswith(("/send_email", "/schedule"))]
    assert order == ["send_email", "schedule"] * len(LOCALES)
    account.assert_published(scheduled=True)


def test_the_test_templates_are_reused_next_run_and_an_edited_one_is_brought_back(account):
    assert account.publish("--apply", "--test-to", "proof@example.com").returncode == 0
    edited = _test_templates(account)["newsletter-es test email"]
    edited["versions"][0]["subject"] = "changed in SendGrid's template editor"
    plan = account.publish("--test-to", "proof@example.com")
    assert "es       update      dynamic template newsletter-es test email: changed: subject" in plan.stdout, plan.stdout
    assert plan.stdout.count("up to date  dynamic template") == 5
    before = len(account.changes())
    again = account.publish("--apply", "--test-to", "proof@example.com")
    assert again.returncode == 0, again.stderr
    version_path = f"/v3/templates/{edited['id']}/versions/{edited['versions'][0]['id']}"
    assert [r[:2] for r in account.changes()[before:] if "send_email" not in r[1]] == [("PATCH", version_path)]
    assert len(account.app.templates) == len(LOCALES) and len(account.app.tests) == 2 * len(LOCALES)
    assert edited["versions"][0]["subject"] == account.exported("es")["single_send"]["email_config"]["subject"]


def test_more_than_ten_test_addresses_are_refused_in_the_plan(account):
    """emails: maxItems 10 (sendgrid-oai spec/yaml/tsg_mc_test_v3.yaml)."""
    addresses = [f"proof{n}@example.com" for n in range(11)]
    result = account.publish("--apply", "--test-to", *addresses)
    assert result.returncode == 1 and account.changes() == []
    assert "11 addresses: SendGrid sends a test email to at most 10" in result.stdout
