"""`newsletter publish ISSUE --provider mailgun` against Mailgun's own OpenAPI definition: the shared contract
(tests/publish_contract.py) and what is Mailgun's own — no drafts (a message is sent when accepted, so only
--schedule sends to the lists), scheduling by o:deliverytime at most 7 days ahead, never twice by the events
of the send's tag, proofs as messages to the test addresses only.

The definition is Mailgun's src/openapi.yaml in https://github.com/mailgun/mailgun-mcp-server (Apache-2.0,
Mailgun Technologies; OpenAPI 3.1, "Mailgun API defined by OpenAPI Specification"): tests/openapi/mailgun.yaml
keeps the operations publish calls, with its source. MAILGUN_OPENAPI may name the whole file of a checkout
to run the same tests against. Every request goes through Stoplight Prism in proxy mode with errors
on over it, in front of tests/standin_mailgun.py, over https with a test CA. One correction is made to a
copy, for Prism rather than Mailgun: Prism reads a multipart/form-data field as one string even when it is
repeated, where OpenAPI gives a repeated part as an array's values (https://spec.openapis.org/oas/v3.1.0#special-considerations-for-multipart-content),
so each array property of the message form (to, o:tag, …) also accepts one of its items.
The contract's schedule is 2 days ahead of the run (Mailgun schedules at most 3 or 7 days ahead);
kill -9 is tried after 3 of the 6 changes.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import yaml
from tests.api_harness import Fault
from tests.publish_contract import LOCALES, ProviderAccount, PublishContract, contract_fixtures
from tests.standin_mailgun import DOMAIN, KEY, MailgunStandIn, error

DEFINITION = Path(os.environ.get("MAILGUN_OPENAPI") or Path(__file__).parent / "openapi" / "mailgun.yaml")
MESSAGE_FORM = "POST-v3-domain_name-messages-multipart-form-data-RequestBody"


def corrected_definition(folder: Path) -> Path:
    definition = yaml.safe_load(DEFINITION.read_text(encoding="utf-8"))
    form = definition["components"]["schemas"][MESSAGE_FORM]["properties"]
    for name, schema in form.items():
        if schema.get("type") == "array":
            form[name] = {"anyOf": [schema["items"], schema], "description": schema.get("description", "")}
    path = folder / "mailgun.yaml"
    path.write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")
    return path


SOON = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)


class MailgunAccount(ProviderAccount):
    provider = "mailgun"
    title = "Mailgun"
    key = KEY
    key_variable = "MAILGUN_API_KEY"
    url_variable = "MAILGUN_API_URL"
    standin = MailgunStandIn
    create_path = f"/v3/{DOMAIN}/messages"
    kind = "message"
    changes_per_locale = 1  # the message, with its delivery time
    kill_at = (1, 3, 6)
    wrong_key = "key-not-the-key"
    wrong_key_text = "Invalid private key"
    schedule = SOON.astimezone(dt.timezone(dt.timedelta(hours=1))).isoformat(timespec="minutes")
    scheduled_utc = SOON.strftime("%Y-%m-%dT%H:%M:%SZ")
    refusal_args = ("--schedule", schedule)

    def remotes(self) -> list[dict]:
        return [m for m in self.app.messages if not any(t.endswith("-proof") for t in m["fields"].get("o:tag", []))]

    def name_of(self, message: dict) -> str:
        return message["fields"]["o:tag"][0]

    def assert_as_exported(self, locale: str, message: dict, scheduled: bool) -> None:
        exported = self.exported(locale)["message"]
        fields = message["fields"]
        for key in ("from", "subject", "html", "text", "h:Reply-To"):
            assert fields[key] == [exported[key]], key
        assert fields["to"] == exported["to"] and fields["o:tag"] == [exported["o:tag"]]
        assert fields.get("o:deliverytime") == ([SOON.strftime("%a, %d %b %Y %H:%M:%S +0000")] if scheduled else None)

    def schedules(self, message: dict) -> list:
        return [message] if "o:deliverytime" in message["fields"] else []

    def add_sent(self, name: str) -> dict:
        return self.app.add_sent(name)

    def sent_reason(self) -> str:
        return "already sent for 2026-11-01T08:00:00Z (Mailgun status accepted)"

    def assert_plan_details(self, locale: str, details: list[str]) -> None:
        exported = self.exported(locale)["message"]
        audience, subject, sender, schedule = details
        assert audience.endswith("→ lists " + ", ".join(exported["to"]))
        assert subject == f"subject: “{exported['subject']}”"
        assert sender == ("sender: Northside Plastic Surgery <newsletter@example.com>, replies to office@example.com; "
                          "unsubscribe: %mailing_list_unsubscribe_url% (the domain's unsubscribe tracking)")
        assert schedule == "schedule: none — Mailgun has no drafts: --apply needs --schedule"

    def refusal(self) -> tuple[Fault, str]:
        text = "'o:deliverytime' parameter is not a valid date"
        return Fault("POST", "/messages", status=400, body=error(400, text).body), text


harness, exported, account = contract_fixtures(MailgunAccount, corrected_definition)


class TestMailgun(PublishContract):
    def test_the_key_is_in_no_output_no_file_and_no_process_list(self, account):
        account.assert_key_never_shown("--apply", "--schedule", account.schedule, "--test-to", "proof@example.com",
                                       pause_at=2)


def test_apply_without_schedule_is_refused_mailgun_would_send_at_once(account):
    """Mailgun queues a message for delivery as soon as it accepts it: it has no drafts
    (https://documentation.mailgun.com/docs/mailgun/user-manual/sending-messages/scheduling-messages)."""
    result = account.publish("--apply")
    assert result.returncode == 1 and account.changes() == []
    assert result.stdout.count("refused     message newsletter-2026-11-") == len(LOCALES)
    assert "Mailgun has no drafts: it sends a message as soon as it accepts it; add --schedule" in result.stdout


def test_a_schedule_beyond_seven_days_is_refused_in_the_plan(account):
    """o:deliverytime: "Depending on your plan, you can schedule messages up to 3 or 7 days in advance"
    (Mailgun's openapi.yaml, POST /v3/{domain_name}/messages)."""
    result = account.publish("--apply", "--schedule", "2030-12-01T09:00+01:00")
    assert result.returncode == 1 and account.changes() == []
    assert "Mailgun schedules a message at most 7 days ahead (3 on some plans)" in result.stdout


def test_test_to_sends_proofs_to_those_addresses_only_and_never_to_a_list(account):
    result = account.publish("--apply", "--test-to", "proof@example.com", "lead@example.com")
    assert result.returncode == 0, result.stderr
    assert account.remotes() == [] and len(account.app.messages) == len(LOCALES)
    for locale, proof in zip(LOCALES, account.app.messages):
        exported = account.exported(locale)["message"]
        assert proof["fields"]["to"] == ["proof@example.com", "lead@example.com"]
        assert proof["fields"]["o:tag"] == [f"newsletter-2026-11-{locale}-proof"]
        assert proof["fields"]["html"] == [exported["html"]] and "o:deliverytime" not in proof["fields"]
    scheduled = account.publish("--apply", "--schedule", account.schedule)
    assert scheduled.returncode == 0, scheduled.stderr
    account.assert_published(scheduled=True)  # the proofs' tags are not the sends'


def test_unsubscribe_tracking_off_or_a_missing_list_is_refused_and_nothing_is_sent(account):
    account.app.unsubscribe_tracking = False
    del account.app.lists[f"newsletter-fr@{DOMAIN}"]
    result = account.publish("--apply", "--schedule", account.schedule)
    assert result.returncode == 1 and account.changes() == []
    assert f"account  refused     domain {DOMAIN}: unsubscribe tracking is off" in result.stdout
    assert f"fr       refused     message newsletter-2026-11-fr: no mailing list newsletter-fr@{DOMAIN} in Mailgun" in result.stdout


def test_a_rerun_reads_the_ledger_first_and_never_sends_again_while_mailguns_events_lag(account):
    """Mailgun's events can lag behind a message it accepted: they "follow different routes to the event storage",
    and a recent page "may not contain all the events that occurred at that time"
    (https://documentation.mailgun.com/docs/mailgun/user-manual/events/event-polling). Each accepted message's id is
    in the ledger (publish.json) before the next step, and a re-run trusts the ledger before the events."""
    account.app.events_lag = True
    first = account.publish("--apply", "--schedule", account.schedule)
    assert first.returncode == 0, first.stderr
    recorded = account.ledger()["objects"]
    assert {key: entry["id"] for key, entry in recorded.items()} == {
        f"{locale}/message": message["id"] for locale, message in zip(LOCALES, account.app.messages)}
    again = account.publish("--apply", "--schedule", account.schedule)
    assert again.returncode == 0, again.stderr
    assert len(account.app.messages) == len(LOCALES) and len(account.changes()) == len(LOCALES)
    es = recorded["es/message"]
    assert (f"es       left alone  message newsletter-2026-11-es: already scheduled for {account.scheduled_utc} "
            f"(Mailgun accepted message {es['id']}, recorded in publish.json): never sent again") in again.stdout
    account.assert_published(scheduled=True)
