"""`newsletter publish ISSUE --provider sendgrid`: the plan, --apply, --schedule, re-runs, interruptions and
failures, against SendGrid's published OpenAPI definition.

Every request goes through Stoplight Prism in proxy mode with errors on (tests/api_harness.py) over
tests/openapi/sendgrid.yaml, a fragment of https://github.com/twilio/sendgrid-oai (MIT), in front of a
stateful stand-in (tests/standin_sendgrid.py), over https with a test CA: a request outside the definition
fails the test, and so does a stand-in answer outside it. The export published is the sample issue's,
made once by `newsletter export` and never rendered again by publish.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from tests.api_harness import Fault, Harness
from tests.conftest import REPO, Result, copy_project, run_newsletter
from tests.standin_sendgrid import KEY, SendGridStandIn

LOCALES = ["en", "es", "fr", "de", "ar", "zh_Hans"]
SCHEDULE = "2030-12-01T09:00+01:00"
SCHEDULED_UTC = "2030-12-01T08:00:00Z"


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    app = SendGridStandIn()
    running = Harness(app, REPO / "tests" / "openapi" / "sendgrid.yaml", tmp_path_factory.mktemp("prism"))
    yield running
    running.stop()
    assert running.violations() == [], "a request or an answer outside SendGrid's definition"


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """The sample project, exported once for SendGrid."""
    root = copy_project(tmp_path_factory.mktemp("sendgrid") / "project")
    done = run_newsletter("export", "2026-11", "--provider", "sendgrid", "--skip-external-checks", "-q", cwd=root,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return root


class Account:
    """One test's SendGrid account (the stand-in, reset) and a fresh copy of the project with its export."""

    def __init__(self, harness: Harness, exported: Path, tmp_path: Path):
        self.harness, self.app = harness, harness.app
        self.app.reset()
        self.root = tmp_path / "project"
        shutil.copytree(exported, self.root)
        self.export = self.root / "dist" / "2026-11" / "sendgrid"
        self.env = {**os.environ, "PYTHONPATH": str(REPO), "SENDGRID_API_KEY": KEY, "SENDGRID_API_URL": harness.front.url}

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "newsletter", "publish", "2026-11", "--provider", "sendgrid",
                "--cafile", str(self.harness.front.cafile), *args]

    def publish(self, *args: str, env: dict | None = None) -> Result:
        done = subprocess.run(self.command(*args), cwd=self.root, env=env or self.env, capture_output=True, text=True,
                              timeout=120)
        return Result(done.returncode, done.stdout, done.stderr)

    def exported(self, locale: str) -> dict:
        return json.loads((self.export / f"{locale}.json").read_text(encoding="utf-8"))

    def by_name(self) -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = {}
        for send in self.app.sends.values():
            found.setdefault(send["name"], []).append(send)
        return found

    def changes(self) -> list[tuple[str, str, object]]:
        return [request for request in self.app.requests if request[0] in ("POST", "PUT", "PATCH", "DELETE")]

    def assert_published(self, scheduled: bool) -> None:
        """Exactly one Single Send per locale, with the export's content and audience, and one schedule each."""
        by_name = self.by_name()
        assert sorted(by_name) == sorted(f"newsletter-2026-11-{locale}" for locale in LOCALES)
        for locale in LOCALES:
            (send,) = by_name[f"newsletter-2026-11-{locale}"]
            single = self.exported(locale)["single_send"]
            for key in ("subject", "html_content", "plain_content"):
                assert send["email_config"][key] == single["email_config"][key]
            assert send["send_to"]["segment_ids"] == single["send_to"]["segment_ids"]
            assert (send["email_config"]["sender_id"], send["email_config"]["suppression_group_id"]) == (3001, 77)
            assert (send["status"], send["send_at"]) == (("scheduled", SCHEDULED_UTC) if scheduled else ("draft", None))
            schedules = self.app.mutating("PUT", f"/v3/marketing/singlesends/{send['id']}/schedule")
            assert len(schedules) == (1 if scheduled else 0)


@pytest.fixture
def account(harness, exported, tmp_path) -> Account:
    return Account(harness, exported, tmp_path)


def test_the_plan_reads_the_account_says_everything_per_locale_and_changes_nothing(account):
    result = account.publish()
    assert result.returncode == 0, result.stderr
    assert account.changes() == [] and not (account.export / "publish.json").exists()
    lines = result.stdout.splitlines()
    assert "  account: sender Northside Plastic Surgery <newsletter@example.com> (verified sender 3001)" in lines
    for locale in LOCALES:
        single = account.exported(locale)["single_send"]
        at = lines.index(f"{locale:<8} create      Single Send newsletter-2026-11-{locale}")
        audience, subject, sender, schedule = (line.strip() for line in lines[at + 1:at + 5])
        assert audience.endswith("→ segments " + ", ".join(single["send_to"]["segment_ids"]))
        assert subject == f"subject: “{single['email_config']['subject']}”"
        assert sender == "sender: Northside Plastic Surgery <newsletter@example.com>; unsubscribe: group 77"
        assert schedule == "schedule: none (a draft, ready to send)"
    assert lines[-1] == "summary: 6 create, 0 update, 0 schedule, 0 send test, 0 up to date, 0 left alone, 0 refused"
    assert "add --apply" in result.stderr


def test_apply_with_schedule_creates_one_single_send_per_locale_and_a_rerun_changes_nothing(account):
    first = account.publish("--apply", "--schedule", SCHEDULE)
    assert first.returncode == 0, first.stderr
    account.assert_published(scheduled=True)
    ledger = json.loads((account.export / "publish.json").read_text(encoding="utf-8"))
    ids = {send["name"]: send["id"] for send in account.app.sends.values()}
    assert {key: entry["id"] for key, entry in ledger["objects"].items()} == {
        f"{locale}/Single Send": ids[f"newsletter-2026-11-{locale}"] for locale in LOCALES}
    assert [(step["locale"], step["action"]) for step in ledger["steps"]] == [
        (locale, action) for locale in LOCALES for action in ("create", "schedule")]
    changes = len(account.changes())

    again = account.publish("--apply", "--schedule", SCHEDULE)
    assert again.returncode == 0, again.stderr
    assert len(account.changes()) == changes
    assert again.stdout.count("left alone  Single Send") == 6 and "already scheduled for 2030-12-01T08:00:00Z" in again.stdout
    account.assert_published(scheduled=True)


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


def test_a_sent_single_send_is_reported_and_never_changed_or_sent_again(account):
    sent = account.app.add("newsletter-2026-11-fr", status="triggered", email_config={"subject": "last month's words"})
    result = account.publish("--apply", "--schedule", SCHEDULE)
    assert result.returncode == 0, result.stderr
    assert ("fr       left alone  Single Send newsletter-2026-11-fr: already sent (SendGrid status triggered): "
            "never changed or sent again") in result.stdout
    assert [r for r in account.changes() if sent["id"] in r[1]] == []
    assert sent["email_config"]["subject"] == "last month's words" and len(account.by_name()["newsletter-2026-11-fr"]) == 1
    assert len(account.by_name()) == 6


def test_killed_at_every_step_of_an_apply_a_rerun_gives_one_single_send_per_locale_and_one_schedule(account, tmp_path):
    """kill -9 right after SendGrid acted on the k-th change, before its answer arrives, for every k."""
    steps = 2 * len(LOCALES)  # a create and a schedule per locale
    for k in range(1, steps + 1):
        account.app.reset()
        account.app.pause_at = k
        (account.export / "publish.json").unlink(missing_ok=True)
        process = subprocess.Popen(account.command("--apply", "--schedule", SCHEDULE), cwd=account.root, env=account.env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert account.app.paused.wait(60), f"step {k} was never reached"
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        account.app.release.set()
        if (account.export / "publish.json").exists():  # written atomically: whole, or not at all
            assert len(json.loads((account.export / "publish.json").read_text())["steps"]) == k - 1
        account.app.pause_at = None
        rerun = account.publish("--apply", "--schedule", SCHEDULE)
        assert rerun.returncode == 0, (k, rerun.stderr)
        account.assert_published(scheduled=True)
        assert len(account.app.mutating("POST", "/v3/marketing/singlesends")) == len(LOCALES)


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


def test_a_missing_key_is_one_line_naming_the_variable(account):
    env = {name: value for name, value in account.env.items() if name != "SENDGRID_API_KEY"}
    result = account.publish(env=env)
    assert result.returncode == 1 and account.app.requests == []
    assert result.stderr.splitlines() == ["error: SENDGRID_API_KEY: SendGrid needs an API key and SENDGRID_API_KEY is not "
                                          "set — set it in the environment of this command (export SENDGRID_API_KEY=…); "
                                          "it is never read from the command line"]


def test_a_wrong_key_is_sendgrids_own_words_and_what_to_do(account):
    result = account.publish("--apply", env={**account.env, "SENDGRID_API_KEY": "SG.not-the-key"})
    assert result.returncode == 1 and account.app.sends == {}
    assert result.stderr.splitlines() == ["error: SendGrid: GET /v3/verified_senders: SendGrid refused it (401): "
                                          "authorization required — the key in SENDGRID_API_KEY is wrong or revoked: "
                                          "create a new one in SendGrid and set it"]
    assert "SG.not-the-key" not in result.stderr + result.stdout


def test_the_key_is_in_no_output_no_file_and_no_process_list(account):
    account.app.pause_at = 3
    process = subprocess.Popen(account.command("--apply", "--schedule", SCHEDULE), cwd=account.root, env=account.env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert account.app.paused.wait(60)
    command_line = Path(f"/proc/{process.pid}/cmdline").read_bytes()
    account.app.release.set()
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert KEY.encode() not in command_line + out + err
    for path in account.root.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


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
