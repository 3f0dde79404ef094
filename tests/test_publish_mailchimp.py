"""`newsletter publish ISSUE --provider mailchimp` against Mailchimp's published definition: the shared contract
(tests/publish_contract.py) and what is Mailchimp's own — content set apart from the campaign, the segment
conditions of the export's send plan, scheduling on the quarter-hour, the key's data centre, its test email.

Every request goes through Stoplight Prism in proxy mode with errors on over tests/openapi/mailchimp.yaml, a
fragment of Mailchimp's Swagger definition, in front of tests/standin_mailchimp.py, over https with a test CA.
kill -9 is tried after 4 of the 18 changes (the first locale's create, content and schedule, and the last
change), not after all of them, to keep the suite short; SendGrid's tests try every step of the
same engine.
"""

from __future__ import annotations

from tests.api_harness import Fault
from tests.publish_contract import LOCALES, SCHEDULE, SCHEDULED_UTC, ProviderAccount, PublishContract, contract_fixtures
from tests.standin_mailchimp import INTERESTS, KEY, LANGUAGE_GROUP, LIST_ID, MailchimpStandIn, error


class MailchimpAccount(ProviderAccount):
    provider = "mailchimp"
    title = "Mailchimp"
    key = KEY
    key_variable = "MAILCHIMP_API_KEY"
    url_variable = "MAILCHIMP_API_URL"
    url_path = "/3.0"
    standin = MailchimpStandIn
    create_path = "/3.0/campaigns"
    kind = "campaign"
    changes_per_locale = 3  # create, content, schedule
    kill_at = (1, 2, 3, 18)  # a create, its content, its schedule; the last change
    wrong_key = "ffffffffffffffffffffffffffffffff-us6"
    wrong_key_text = ("API Key Invalid: Your API key may be invalid, or you've attempted to access the wrong "
                      "datacenter.")

    def remotes(self) -> list[dict]:
        return list(self.app.campaigns.values())

    def name_of(self, remote: dict) -> str:
        return remote["settings"]["title"]

    def assert_as_exported(self, locale: str, campaign: dict, scheduled: bool) -> None:
        exported = self.exported(locale)
        assert campaign["settings"] == exported["campaign"]["settings"]
        assert campaign["recipients"] == exported["campaign"]["recipients"]
        assert self.app.contents[campaign["id"]] == exported["content"]
        wanted = ("schedule", SCHEDULED_UTC) if scheduled else ("save", None)
        assert (campaign["status"], campaign.get("send_time")) == wanted

    def schedules(self, campaign: dict) -> list[tuple[str, str, object]]:
        return self.app.mutating("POST", f"/3.0/campaigns/{campaign['id']}/actions/schedule")

    def add_sent(self, name: str) -> dict:
        return self.app.add(name, status="sent", subject_line="last month's words")

    def sent_reason(self) -> str:
        return "already sent for 2026-11-01T08:00:00+00:00 (Mailchimp status sent)"

    def assert_plan_details(self, locale: str, details: list[str]) -> None:
        settings = self.exported(locale)["campaign"]["settings"]
        conditions = self.exported(locale)["campaign"]["recipients"]["segment_opts"]["conditions"]
        audience, subject, sender, schedule = details
        (condition,) = conditions
        groups = ", ".join(f"{INTERESTS[interest]} ({interest})" for interest in condition["value"])
        assert audience.endswith(f"→ list {LIST_ID}, segment interests-{LANGUAGE_GROUP} {condition['op']} {groups}")
        assert "[" not in audience  # the groups read as words, never a Python list
        assert subject == f"subject: “{settings['subject_line']}”"
        assert sender == "sender: Northside Plastic Surgery <newsletter@example.com>; unsubscribe: *|UNSUB|* in the email"
        assert schedule == "schedule: none (a draft, ready to send)"

    def refusal(self) -> tuple[Fault, str]:
        answer = error(400, "Invalid Resource", "The resource submitted could not be validated.",
                       [{"field": "settings.reply_to", "message": "This email address looks fake or invalid."}])
        return (Fault("POST", "/3.0/campaigns", status=400, body=answer.body, headers=answer.headers),
                "Invalid Resource: The resource submitted could not be validated. (settings.reply_to: This email "
                "address looks fake or invalid.)")


harness, exported, account = contract_fixtures(MailchimpAccount)


class TestMailchimp(PublishContract):
    pass


def test_the_plan_names_the_language_groups_as_the_audience_holds_them(account):
    """The export routes by the audience's language group category (audience.mailchimp.language_group) and one group
    (interest) per locale (audience.mailchimp.interests); the plan reads both from the account
    (https://mailchimp.com/developer/marketing/api/interest-categories/list-interest-categories/,
    https://mailchimp.com/developer/marketing/api/interests/list-interests-in-category/) and names them."""
    result = account.publish()
    assert result.returncode == 0, result.stderr
    assert ("  account: language groups: category Language (9b1f3c2d7e), en English, es Español, fr Français, "
            "de Deutsch, ar العربية, zh_Hans 简体中文, other Other") in result.stdout.splitlines()
    assert [line for line in result.stdout.splitlines() if line.endswith(
        "→ list a1b2c3d4e5, segment interests-9b1f3c2d7e interestcontains Español (4e0c2a1b02)")] != []


def test_a_language_group_category_missing_from_the_audience_is_refused_in_one_line(account):
    """Segments on a group category the audience lacks would route no one: refused before anything changes."""
    account.app.categories.clear()
    result = account.publish("--apply")
    assert result.returncode == 1 and account.changes() == []
    assert [line for line in result.stdout.splitlines() if line.startswith("account  refused")] == [
        "account  refused     group category 9b1f3c2d7e: no group category 9b1f3c2d7e in audience a1b2c3d4e5: create "
        "the audience's Language group category (Audience → Manage contacts → Groups), set its id in newsletter.yaml's "
        "audience.mailchimp.language_group, then export again"]


def test_a_locales_group_missing_from_the_category_is_refused_in_one_line(account):
    """A group (interest) of audience.mailchimp.interests deleted in Mailchimp: its locale's send, and the default
    send's `interestnotcontains`, would route wrongly. The plan names each missing group and its locale."""
    interests = account.app.interests[LANGUAGE_GROUP]
    interests[:] = [interest for interest in interests if interest["id"] not in ("4e0c2a1b03", "4e0c2a1b07")]
    result = account.publish("--apply", "--schedule", SCHEDULE)
    assert result.returncode == 1 and account.changes() == []
    assert [line for line in result.stdout.splitlines() if line.startswith("account  refused")] == [
        "account  refused     group 4e0c2a1b03 (fr), 4e0c2a1b07 (other): not in the group category Language "
        "(9b1f3c2d7e): add a group per language there (or fix newsletter.yaml's audience.mailchimp.interests to the "
        "groups' ids), then export again"]


def test_the_default_locale_is_routed_to_everyone_not_in_another_language(account):
    """The export's segment for the default send: in none of the other shipped locales' groups of the language
    group category (newsletter/providers/mailchimp.py); Mailchimp receives it as exported."""
    assert account.publish("--apply").returncode == 0
    (campaign,) = account.by_name()["newsletter-2026-11-en"]
    assert campaign["recipients"]["segment_opts"] == {"match": "all", "conditions": [
        {"condition_type": "Interests", "field": "interests-9b1f3c2d7e", "op": "interestnotcontains",
         "value": ["4e0c2a1b02", "4e0c2a1b03", "4e0c2a1b04", "4e0c2a1b05", "4e0c2a1b06"]}]}
    account.assert_published(scheduled=False)


def test_an_edited_draft_is_updated_back_and_its_content_set_again(account):
    assert account.publish("--apply").returncode == 0
    (edited,) = account.by_name()["newsletter-2026-11-es"]
    edited["settings"]["subject_line"] = "changed in Mailchimp's editor"
    account.app.contents[edited["id"]]["html"] = "<p>pasted by hand</p>"
    plan = account.publish()
    assert "es       update      campaign newsletter-2026-11-es: changed: subject_line" in plan.stdout
    assert "es       update      campaign content newsletter-2026-11-es: HTML and plain text as exported" in plan.stdout
    assert plan.stdout.count("up to date  campaign") == 5
    before = len(account.changes())
    assert account.publish("--apply").returncode == 0
    assert [request[:2] for request in account.changes()[before:]] == [
        ("PATCH", f"/3.0/campaigns/{edited['id']}"), ("PUT", f"/3.0/campaigns/{edited['id']}/content")]
    account.assert_published(scheduled=False)


def test_test_to_asks_mailchimp_for_its_test_email_of_each_locale_before_scheduling(account):
    """POST /campaigns/{id}/actions/test (https://mailchimp.com/developer/marketing/api/campaigns/send-test-email/)."""
    result = account.publish("--apply", "--schedule", SCHEDULE, "--test-to", "proof@example.com", "lead@example.com")
    assert result.returncode == 0, result.stderr
    ids = [account.by_name()[f"newsletter-2026-11-{locale}"][0]["id"] for locale in LOCALES]
    assert account.app.tests == [(campaign_id, ["proof@example.com", "lead@example.com"]) for campaign_id in ids]
    order = [request[1].rsplit("/", 1)[-1] for request in account.changes() if request[1].startswith(f"/3.0/campaigns/{ids[0]}")]
    assert order == ["content", "test", "schedule"]
    account.assert_published(scheduled=True)


def test_a_schedule_off_the_quarter_hour_is_refused_before_anything_changes(account):
    result = account.publish("--apply", "--schedule", "2030-12-01T09:10+01:00")
    assert result.returncode == 1 and account.changes() == []
    assert "Mailchimp schedules campaigns on the quarter-hour only (:00, :15, :30, :45)" in result.stdout


def test_a_key_without_its_data_centre_is_one_line(account):
    env = {name: value for name, value in account.env.items() if name != "MAILCHIMP_API_URL"}
    result = account.publish(env={**env, "MAILCHIMP_API_KEY": "0123456789abcdef"})
    assert result.returncode == 1 and account.app.requests == []
    assert result.stderr.splitlines() == ["error: MAILCHIMP_API_KEY: a Mailchimp API key ends in its data centre (…-us6) "
                                          "and this one does not — copy the whole key from Mailchimp (Profile → Extras "
                                          "→ API keys)"]


def test_an_audience_missing_from_the_account_is_refused(account):
    account.app.lists.clear()
    result = account.publish("--apply")
    assert result.returncode == 1 and account.changes() == []
    assert f"account  refused     audience {LIST_ID}: no audience {LIST_ID} in Mailchimp" in result.stdout
