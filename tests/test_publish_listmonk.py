"""`newsletter publish ISSUE --provider listmonk` against listmonk's own definition: the shared contract
(tests/publish_contract.py) and what is listmonk's own — the shared campaign template found by its name, the
export's lists, scheduling by send_at then status "scheduled", the test email to subscribers of the account.

The definition is listmonk's docs/swagger/collections.yaml (https://github.com/knadh/listmonk, AGPL-3.0):
tests/openapi/listmonk.yaml keeps the operations publish calls, with its source and licence. LISTMONK_OPENAPI may
name the whole file of a listmonk checkout to run the same tests against. Corrections are made to a copy,
from listmonk's source, where the definition contradicts or leaves out the API it describes: its refusals,
{"message": …} with a 4xx or 5xx status, are added to every operation as its default answer (echo's
HTTPError as every handler returns it, cmd/handlers.go), and `send_at` of a campaign
request and of a create's answer is a timestamp string (cmd/campaigns.go campReq embeds models.Campaign,
whose SendAt is a null.Time, `json:"send_at"`; https://listmonk.app/docs/apis/campaigns/ "send_at:
Timestamp to schedule campaign"), not an object.

Every request goes through Stoplight Prism in proxy mode with errors on over that definition, in front of
tests/standin_listmonk.py, over https with a test CA. kill -9 is tried after the first 3 of the 19 changes (the last between a send_at and its status).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from tests.api_harness import Fault
from tests.publish_contract import LOCALES, SCHEDULE, SCHEDULED_UTC, ProviderAccount, PublishContract, contract_fixtures
from tests.standin_listmonk import KEY, ListmonkStandIn, USER, error

DEFINITION = Path(os.environ.get("LISTMONK_OPENAPI") or Path(__file__).parent / "openapi" / "listmonk.yaml")
# listmonk's refusals: echo's HTTPError as JSON (cmd/handlers.go, github.com/labstack/echo HTTPErrorHandler)
ERROR_ANSWER = {"description": "a refusal", "content": {"application/json": {"schema": {
    "type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}}}}
TEMPLATE_NAME = "newsletter: the campaign's own HTML"


def corrected_definition(folder: Path) -> Path:
    definition = yaml.safe_load(DEFINITION.read_text(encoding="utf-8"))
    schemas = definition["components"]["schemas"]
    for name in ("CampaignRequest", "CampaignUpdate"):
        schemas[name]["properties"]["send_at"] = {"type": "string"}
    for operations in definition["paths"].values():
        for operation in operations.values():
            operation["responses"].setdefault("default", ERROR_ANSWER)
    path = folder / "listmonk.yaml"
    path.write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")
    return path


class ListmonkAccount(ProviderAccount):
    provider = "listmonk"
    title = "listmonk"
    key = KEY
    key_variable = "LISTMONK_API_KEY"
    url_variable = "LISTMONK_API_URL"
    standin = ListmonkStandIn
    create_path = "/campaigns"
    kind = "campaign"
    changes_per_locale = 2  # create, schedule (send_at, then status)
    shared_creates = 1  # the campaign template, once
    kill_at = (1, 2, 3)  # the template, the first campaign, and between its send_at and its status
    wrong_key = f"{USER}:not-the-token"
    wrong_key_text = "invalid API credentials"

    def remotes(self) -> list[dict]:
        return list(self.app.campaigns.values())

    def template(self) -> dict:
        (template,) = [t for t in self.app.templates.values() if t["name"] == TEMPLATE_NAME]
        return template

    def assert_as_exported(self, locale: str, campaign: dict, scheduled: bool) -> None:
        exported = self.exported(locale)
        for key in ("subject", "from_email", "body", "altbody", "headers", "lists", "content_type"):
            assert campaign[key] == exported[key]
        assert campaign["template_id"] == self.template()["id"]
        wanted = ("scheduled", SCHEDULED_UTC) if scheduled else ("draft", None)
        assert (campaign["status"], campaign.get("send_at")) == wanted

    def schedules(self, campaign: dict) -> list[tuple[str, str, object]]:
        return self.app.mutating("PUT", f"/campaigns/{campaign['id']}/status")

    def add_sent(self, name: str) -> dict:
        return self.app.add(name, status="finished", subject="last month's words")

    def sent_reason(self) -> str:
        return "already sent for 2026-11-01T08:00:00Z (listmonk status finished)"

    def assert_plan_details(self, locale: str, details: list[str]) -> None:
        exported = self.exported(locale)
        audience, subject, sender, schedule = details
        assert audience.endswith("→ lists " + ", ".join(str(n) for n in exported["lists"]))
        assert subject == f"subject: “{exported['subject']}”"
        assert sender == ("sender: Northside Plastic Surgery <newsletter@example.com>, replies to office@example.com; "
                          "unsubscribe: {{ UnsubscribeURL }} in the email")
        assert schedule == "schedule: none (a draft, ready to send)"

    def refusal(self) -> tuple[Fault, str]:
        answer = error(400, "Invalid `from_email`.")
        return Fault("POST", "/campaigns", status=400, body=answer.body), "Invalid `from_email`."


harness, exported, account = contract_fixtures(ListmonkAccount, corrected_definition)


class TestListmonk(PublishContract):
    def test_killed_mid_apply_a_rerun_gives_one_object_per_locale_and_one_schedule(self, account):
        super().test_killed_mid_apply_a_rerun_gives_one_object_per_locale_and_one_schedule(account)
        assert [t["name"] for t in account.app.templates.values()].count(TEMPLATE_NAME) == 1

    def test_a_wrong_key_is_the_providers_own_words_and_what_to_do(self, account):
        """A wrong key is 403 in listmonk (internal/auth/auth.go), read as a wrong key all the same."""
        result = account.publish("--apply", env={**account.env, account.key_variable: account.wrong_key})
        assert result.returncode == 1 and account.by_name() == {}
        (line,) = result.stderr.splitlines()
        assert line.endswith("listmonk refused it (403): invalid API credentials — the key in LISTMONK_API_KEY is "
                             "wrong or revoked: create a new one in listmonk and set it")
        assert account.wrong_key not in result.stderr + result.stdout


def test_the_shared_template_is_made_once_named_by_every_campaign_and_brought_back_when_edited(account):
    """https://listmonk.app/docs/apis/templates/: POST /api/templates, PUT /api/templates/{id}."""
    assert account.publish("--apply").returncode == 0
    template = account.template()
    assert (template["type"], template["body"]) == ("campaign", '{{ template "content" . }}')
    assert {c["template_id"] for c in account.remotes()} == {template["id"]}
    template["body"] = "edited in listmonk"
    plan = account.publish()
    assert f"all      update      template {TEMPLATE_NAME}: changed: body" in plan.stdout
    assert plan.stdout.count("up to date  campaign") == len(LOCALES)
    before = len(account.changes())
    assert account.publish("--apply").returncode == 0
    assert [r[:2] for r in account.changes()[before:]] == [("PUT", f"/templates/{template['id']}")]
    assert account.template()["body"] == '{{ template "content" . }}'


def test_an_edited_draft_is_updated_back_and_the_rest_left_as_they_are(account):
    assert account.publish("--apply").returncode == 0
    (edited,) = account.by_name()["newsletter-2026-11-de"]
    edited["subject"] = "changed in listmonk's editor"
    plan = account.publish()
    assert "de       update      campaign newsletter-2026-11-de: changed: subject" in plan.stdout
    before = len(account.changes())
    assert account.publish("--apply").returncode == 0
    assert [r[:2] for r in account.changes()[before:]] == [("PUT", f"/campaigns/{edited['id']}")]
    account.assert_published(scheduled=False)


def test_test_to_asks_listmonk_for_its_test_email_of_each_locale_before_scheduling(account):
    """POST /api/campaigns/{id}/test with the campaign and "subscribers" (cmd/campaigns.go TestCampaign)."""
    result = account.publish("--apply", "--schedule", SCHEDULE, "--test-to", "proof@example.com")
    assert result.returncode == 0, result.stderr
    ids = [account.by_name()[f"newsletter-2026-11-{locale}"][0]["id"] for locale in LOCALES]
    assert account.app.tests == [(campaign_id, ["proof@example.com"]) for campaign_id in ids]
    account.assert_published(scheduled=True)


def test_a_test_address_that_is_no_subscriber_is_listmonks_refusal_in_one_line(account):
    result = account.publish("--apply", "--test-to", "stranger@example.com")
    assert result.returncode == 1 and account.app.tests == []
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert "listmonk refused it (400): There are no subscribers to target." in line


def test_a_list_the_account_lacks_is_refused_for_its_locale_and_nothing_is_changed(account):
    """A campaign to a list that is not there would go to fewer subscribers than the export routes to."""
    del account.app.lists[3]
    result = account.publish("--apply", "--schedule", SCHEDULE)
    assert result.returncode == 1 and account.changes() == []
    assert ("fr       refused     campaign newsletter-2026-11-fr: no list 3 in listmonk: create it (Lists → New) or "
            "correct audience.listmonk.lists in newsletter.yaml, then export again") in result.stdout


def test_drafts_whose_template_was_deleted_name_the_new_one(account):
    assert account.publish("--apply").returncode == 0
    old = account.template()["id"]
    del account.app.templates[old]
    plan = account.publish()
    assert plan.stdout.count("update      campaign") == len(LOCALES) and "changed: template" in plan.stdout
    assert account.publish("--apply").returncode == 0
    assert {c["template_id"] for c in account.remotes()} == {account.template()["id"]} != {old}
