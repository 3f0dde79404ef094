"""`newsletter publish ISSUE --provider brevo` against Brevo's published definition: the shared contract
(tests/publish_contract.py) and what is Brevo's own — the export's lists, the active sender, scheduling by
`scheduledAt`, its test email to contacts of the account.

Every request goes through Stoplight Prism in proxy mode with errors on over tests/openapi/brevo.yaml, a
fragment of Brevo's Swagger definition, in front of tests/standin_brevo.py, over https with a test CA.
kill -9 is tried after 3 of the 12 changes (the first create, the first schedule, the last change), not
after all of them, to keep the suite short; SendGrid's tests try every step of the same engine.
"""

from __future__ import annotations

from tests.api_harness import Fault
from tests.publish_contract import LOCALES, SCHEDULE, SCHEDULED_UTC, ProviderAccount, PublishContract, contract_fixtures
from tests.standin_brevo import KEY, BrevoStandIn, error


class BrevoAccount(ProviderAccount):
    provider = "brevo"
    title = "Brevo"
    key = KEY
    key_variable = "BREVO_API_KEY"
    url_variable = "BREVO_API_URL"
    standin = BrevoStandIn
    create_path = "/v3/emailCampaigns"
    kind = "campaign"
    changes_per_locale = 2  # create, schedule
    kill_at = (1, 2, 12)
    wrong_key = "xkeysib-not-the-key"
    wrong_key_text = "Key not found (unauthorized)"

    def remotes(self) -> list[dict]:
        return list(self.app.campaigns.values())

    def assert_as_exported(self, locale: str, campaign: dict, scheduled: bool) -> None:
        exported = self.exported(locale)
        for key in ("subject", "htmlContent", "replyTo", "mirrorActive"):
            assert campaign[key] == exported[key]
        assert campaign["recipients"]["lists"] == exported["recipients"]["listIds"]
        wanted = ("queued", SCHEDULED_UTC) if scheduled else ("draft", None)
        assert (campaign["status"], campaign.get("scheduledAt")) == wanted

    def schedules(self, campaign: dict) -> list[tuple[str, str, object]]:
        return [r for r in self.app.mutating("PUT", f"/v3/emailCampaigns/{campaign['id']}") if "scheduledAt" in r[2]]

    def add_sent(self, name: str) -> dict:
        return self.app.add(name, status="sent", subject="last month's words")

    def sent_reason(self) -> str:
        return "already sent for 2026-11-01T08:00:00.000Z (Brevo status sent)"

    def assert_plan_details(self, locale: str, details: list[str]) -> None:
        exported = self.exported(locale)
        audience, subject, sender, schedule = details
        assert audience.endswith("→ lists " + ", ".join(str(n) for n in exported["recipients"]["listIds"]))
        assert subject == f"subject: “{exported['subject']}”"
        assert sender == ("sender: Northside Plastic Surgery <newsletter@example.com>, replies to office@example.com; "
                          "unsubscribe: {{ unsubscribe }} in the email")
        assert schedule == "schedule: none (a draft, ready to send)"

    def refusal(self) -> tuple[Fault, str]:
        answer = error(400, "invalid_parameter", "Sender is invalid / inactive")
        return Fault("POST", "/v3/emailCampaigns", status=400, body=answer.body), "Sender is invalid / inactive (invalid_parameter)"


harness, exported, account = contract_fixtures(BrevoAccount)


class TestBrevo(PublishContract):
    pass


def test_the_default_send_goes_to_its_lists_and_an_edited_draft_is_updated_back(account):
    assert account.publish("--apply").returncode == 0
    (english,) = account.by_name()["newsletter-2026-11-en"]
    assert english["recipients"]["lists"] == account.exported("en")["recipients"]["listIds"] and len(
        english["recipients"]["lists"]) == 2  # its language's list and everyone else's
    (edited,) = account.by_name()["newsletter-2026-11-de"]
    edited["subject"] = "changed in Brevo's editor"
    plan = account.publish()
    assert "de       update      campaign newsletter-2026-11-de: changed: subject" in plan.stdout
    assert plan.stdout.count("up to date  campaign") == 5
    before = len(account.changes())
    assert account.publish("--apply").returncode == 0
    assert [request[:2] for request in account.changes()[before:]] == [("PUT", f"/v3/emailCampaigns/{edited['id']}")]
    account.assert_published(scheduled=False)


def test_test_to_asks_brevo_for_its_test_email_of_each_locale_before_scheduling(account):
    """POST /v3/emailCampaigns/{id}/sendTest (https://developers.brevo.com/reference/sendtestemail)."""
    result = account.publish("--apply", "--schedule", SCHEDULE, "--test-to", "proof@example.com")
    assert result.returncode == 0, result.stderr
    ids = [account.by_name()[f"newsletter-2026-11-{locale}"][0]["id"] for locale in LOCALES]
    assert account.app.tests == [(campaign_id, ["proof@example.com"]) for campaign_id in ids]
    account.assert_published(scheduled=True)


def test_a_test_address_that_is_no_contact_is_brevos_refusal_in_one_line(account):
    result = account.publish("--apply", "--test-to", "stranger@example.com")
    assert result.returncode == 1 and account.app.tests == []
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert "Brevo refused it (400): Test email could not be sent to the following email addresses" in line


def test_an_inactive_sender_is_refused_and_nothing_is_changed(account):
    account.app.senders[0]["active"] = False
    result = account.publish("--apply", "--schedule", SCHEDULE)
    assert result.returncode == 1 and account.changes() == []
    assert "account  refused     sender newsletter@example.com: not active yet" in result.stdout
