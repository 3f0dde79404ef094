"""What `newsletter publish` promises for every provider, written once and run per provider (the way
django-anymail's backends share one test mixin): the plan changes nothing; --apply --schedule makes one object
per locale and a re-run changes nothing; kill -9 after the provider acted on a change, before its answer,
then a re-run gives one object per locale and one schedule; a sent object is left alone; a missing key is one
line naming the variable; a wrong key and a refusal are the provider's own words and what to do.

A provider's test module subclasses `ProviderAccount` (what its stand-in holds, as the provider's objects),
binds the fixtures with `contract_fixtures`, and runs `PublishContract` by subclassing it. Every request goes
through Prism in proxy mode with errors on over the provider's definition (tests/api_harness.py).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import pytest
from tests.api_harness import Fault, Harness, StandIn
from tests.conftest import REPO, Result, copy_project, run_newsletter

LOCALES = ["en", "es", "fr", "de", "ar", "zh_Hans"]
SCHEDULE = "2030-12-01T09:00+01:00"
SCHEDULED_UTC = "2030-12-01T08:00:00Z"


class ProviderAccount:
    """One test's account at the provider (its stand-in, reset) and a fresh copy of the project with its export."""

    provider: ClassVar[str]  # as the export names it
    title: ClassVar[str]
    key: ClassVar[str]
    key_variable: ClassVar[str]
    url_variable: ClassVar[str]
    url_path: ClassVar[str] = ""  # the API's base path, when it has one
    standin: ClassVar[type[StandIn]]
    kind: ClassVar[str]  # the object made per locale, as the plan names it
    create_path: ClassVar[str]  # where a POST creates one
    changes_per_locale: ClassVar[int]  # the changes an apply --schedule makes per locale
    shared_creates: ClassVar[int] = 0  # objects made once for every locale (listmonk's campaign template)
    kill_at: ClassVar[tuple[int, ...] | None] = None  # the changes after which kill -9 is tried; None: every one
    wrong_key: ClassVar[str]  # a key of the right shape the account does not know
    wrong_key_text: ClassVar[str]  # the provider's own words about it
    schedule: ClassVar[str] = SCHEDULE  # --schedule of the contract's runs, and the provider's form of it
    scheduled_utc: ClassVar[str] = SCHEDULED_UTC
    refusal_args: ClassVar[tuple[str, ...]] = ()  # what the refused create's runs add (Mailgun: a schedule, it has no drafts)

    @classmethod
    def start_harness(cls, folder: Path, definition: Path) -> Harness:
        """The provider's definition between publish and the stand-in: Prism over its OpenAPI definition."""
        return Harness(cls.standin(), definition, folder)

    def __init__(self, harness: Harness, exported: Path, tmp_path: Path):
        self.harness, self.app = harness, harness.app
        self.app.reset()
        self.root = tmp_path / "project"
        shutil.copytree(exported, self.root)
        self.export = self.root / "dist" / "2026-11" / self.provider
        self.env = {**os.environ, "PYTHONPATH": str(REPO), self.key_variable: self.key,
                    self.url_variable: harness.front.url + self.url_path}

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "newsletter", "publish", "2026-11", "--provider", self.provider,
                "--cafile", str(self.harness.front.cafile), *args]

    def publish(self, *args: str, env: dict | None = None) -> Result:
        done = subprocess.run(self.command(*args), cwd=self.root, env=env or self.env, capture_output=True, text=True,
                              timeout=120)
        return Result(done.returncode, done.stdout, done.stderr)

    def exported(self, locale: str) -> dict:
        return json.loads((self.export / f"{locale}.json").read_text(encoding="utf-8"))

    def changes(self) -> list[tuple[str, str, object]]:
        return [request for request in self.app.requests if request[0] in StandIn.MUTATING]

    def ledger(self) -> dict:
        return json.loads((self.export / "publish.json").read_text(encoding="utf-8"))

    def plan(self) -> tuple[Result, list[str]]:
        """The plan, printed: a success that changed nothing and wrote no ledger; its lines."""
        result = self.publish()
        assert result.returncode == 0, result.stderr
        assert self.changes() == [] and not (self.export / "publish.json").exists()
        return result, result.stdout.splitlines()

    def kill_after(self, k: int, *args: str) -> None:
        """A publish with `args` killed (-9) right after the provider acted on its k-th change, before the answer
        arrives; the account as that left it, the ledger checked whole."""
        self.app.reset()
        self.app.pause_at = k
        (self.export / "publish.json").unlink(missing_ok=True)
        process = subprocess.Popen(self.command(*args), cwd=self.root, env=self.env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        assert self.app.paused.wait(60), f"change {k} was never reached"
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        self.app.release.set()
        if (self.export / "publish.json").exists():  # written atomically: whole, or not at all
            assert len(self.ledger()["steps"]) == k - 1
        self.app.pause_at = None

    def assert_key_never_shown(self, *args: str, pause_at: int) -> None:
        """A publish with `args`, paused after its `pause_at`-th change to read its process's command line: the key
        is in no output, no file of the project and not in the command line."""
        self.app.pause_at = pause_at
        process = subprocess.Popen(self.command(*args), cwd=self.root, env=self.env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        assert self.app.paused.wait(60)
        command_line = Path(f"/proc/{process.pid}/cmdline").read_bytes()
        self.app.release.set()
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert self.key.encode() not in command_line + out + err
        for path in self.root.rglob("*"):
            if path.is_file():
                assert self.key.encode() not in path.read_bytes(), path

    # What each provider's module says about its stand-in's objects.
    def remotes(self) -> list[dict]:
        """Every object the stand-in holds of the kind publish makes."""
        raise NotImplementedError

    def name_of(self, remote: dict) -> str:
        return remote["name"]

    def by_name(self) -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = {}
        for remote in self.remotes():
            found.setdefault(self.name_of(remote), []).append(remote)
        return found

    def object_id(self, remote: dict) -> str:
        return str(remote["id"])

    def creates(self) -> int:
        """How many creating requests (POST to `create_path`) the stand-in acted on."""
        return len([r for r in self.app.mutating("POST", self.create_path) if r[1] == self.create_path])

    def assert_published(self, scheduled: bool) -> None:
        """Exactly one object per locale, with the export's content and audience, and one schedule each."""
        by_name = self.by_name()
        assert sorted(by_name) == sorted(f"newsletter-2026-11-{locale}" for locale in LOCALES)
        for locale in LOCALES:
            (remote,) = by_name[f"newsletter-2026-11-{locale}"]
            self.assert_as_exported(locale, remote, scheduled)
            assert len(self.schedules(remote)) == (1 if scheduled else 0)

    def assert_as_exported(self, locale: str, remote: dict, scheduled: bool) -> None:
        """The locale's object holds the export's content and audience, and is scheduled or a draft."""
        raise NotImplementedError

    def schedules(self, remote: dict) -> list[tuple[str, str, object]]:
        """The scheduling requests the stand-in acted on for this object."""
        raise NotImplementedError

    def add_sent(self, name: str) -> dict:
        """An object of this name the provider has sent already."""
        raise NotImplementedError

    def sent_reason(self) -> str:
        raise NotImplementedError

    def assert_plan_details(self, locale: str, details: list[str]) -> None:
        raise NotImplementedError

    def refusal(self) -> tuple[Fault, str]:
        """A 4xx the provider documents for a create, and its text as the one line should quote it."""
        raise NotImplementedError


def contract_fixtures(account_type: type[ProviderAccount], definition: Callable[[Path], Path] | None = None):
    """The module's `harness`, `exported` and `account` fixtures for one provider; `definition` gives the
    provider's definition in a folder of the test's, where it is not a fragment under tests/openapi/."""

    @pytest.fixture(scope="module")
    def harness(tmp_path_factory):
        folder = tmp_path_factory.mktemp("prism")
        path = definition(folder) if definition else REPO / "tests" / "openapi" / f"{account_type.provider}.yaml"
        running = account_type.start_harness(folder, path)
        yield running
        running.stop()
        assert running.violations() == [], f"a request or an answer outside {account_type.title}'s definition"

    @pytest.fixture(scope="module")
    def exported(tmp_path_factory) -> Path:
        """The sample project, exported once for the provider."""
        root = copy_project(tmp_path_factory.mktemp(account_type.provider) / "project")
        done = run_newsletter("export", "2026-11", "--provider", account_type.provider, "--skip-external-checks", "-q",
                              cwd=root, timeout=300)
        assert done.returncode == 0, done.stderr
        return root

    @pytest.fixture
    def account(harness, exported, tmp_path) -> ProviderAccount:
        return account_type(harness, exported, tmp_path)

    return harness, exported, account


class PublishContract:
    def test_the_plan_reads_the_account_says_everything_per_locale_and_changes_nothing(self, account):
        result, lines = account.plan()
        for locale in LOCALES:
            at = lines.index(f"{locale:<8} create      {account.kind} newsletter-2026-11-{locale}")
            details = []
            for line in lines[at + 1:]:
                if not line.startswith(" " * 9):
                    break
                details.append(line.strip())
            account.assert_plan_details(locale, details)
        creates = sum(line.split()[1] == "create" for line in lines if line.split()[:1] in ([locale] for locale in LOCALES))
        assert creates == len(LOCALES)
        assert lines[-1].startswith(f"summary: {len(LOCALES) + account.shared_creates} create, ")
        assert lines[-1].endswith(", 0 schedule, 0 send test, 0 up to date, 0 left alone, 0 refused")
        assert "add --apply" in result.stderr

    def test_apply_with_schedule_makes_one_object_per_locale_and_a_rerun_changes_nothing(self, account):
        first = account.publish("--apply", "--schedule", account.schedule)
        assert first.returncode == 0, first.stderr
        account.assert_published(scheduled=True)
        ids = {name: account.object_id(remote) for name, (remote,) in account.by_name().items()}
        objects = account.ledger()["objects"]
        assert {locale: objects[f"{locale}/{account.kind}"]["id"] for locale in LOCALES} == {
            locale: ids[f"newsletter-2026-11-{locale}"] for locale in LOCALES}
        assert len(account.ledger()["steps"]) == account.changes_per_locale * len(LOCALES) + account.shared_creates
        changes = len(account.changes())

        again = account.publish("--apply", "--schedule", account.schedule)
        assert again.returncode == 0, again.stderr
        assert len(account.changes()) == changes
        assert again.stdout.count(f"left alone  {account.kind}") == len(LOCALES)
        assert f"already scheduled for {account.scheduled_utc}" in again.stdout
        account.assert_published(scheduled=True)

    def test_killed_mid_apply_a_rerun_gives_one_object_per_locale_and_one_schedule(self, account):
        """kill -9 right after the provider acted on the k-th change, before its answer arrives."""
        steps = account.changes_per_locale * len(LOCALES) + account.shared_creates
        for k in account.kill_at or range(1, steps + 1):
            account.kill_after(k, "--apply", "--schedule", account.schedule)
            rerun = account.publish("--apply", "--schedule", account.schedule)
            assert rerun.returncode == 0, (k, rerun.stderr)
            account.assert_published(scheduled=True)
            assert account.creates() == len(LOCALES)

    def test_a_sent_object_is_reported_and_never_changed_or_sent_again(self, account):
        sent = account.add_sent("newsletter-2026-11-fr")
        result = account.publish("--apply", "--schedule", account.schedule)
        assert result.returncode == 0, result.stderr
        assert (f"fr       left alone  {account.kind} newsletter-2026-11-fr: {account.sent_reason()}: "
                "never changed or sent again") in result.stdout
        assert [r for r in account.changes() if account.object_id(sent) in r[1]] == []
        assert len(account.by_name()["newsletter-2026-11-fr"]) == 1 and len(account.by_name()) == len(LOCALES)

    def test_a_missing_key_is_one_line_naming_the_variable(self, account):
        variable, title = account.key_variable, account.title
        result = account.publish(env={name: value for name, value in account.env.items() if name != variable})
        assert result.returncode == 1 and account.app.requests == []
        assert result.stderr.splitlines() == [f"error: {variable}: {title} needs an API key and {variable} is not set — "
                                              f"set it in the environment of this command (export {variable}=…); "
                                              "it is never read from the command line"]

    def test_a_wrong_key_is_the_providers_own_words_and_what_to_do(self, account):
        result = account.publish("--apply", env={**account.env, account.key_variable: account.wrong_key})
        assert result.returncode == 1 and account.by_name() == {}
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"error: {account.title}: GET ")
        assert line.endswith(f"{account.title} refused it (401): {account.wrong_key_text} — the key in "
                             f"{account.key_variable} is wrong or revoked: create a new one in {account.title} and set it")
        assert account.wrong_key not in result.stderr + result.stdout

    def test_a_refused_create_is_the_providers_text_mapped_to_what_to_do_and_nothing_half_done(self, account):
        fault, text = account.refusal()
        account.app.faults.append(fault)
        result = account.publish("--apply", *account.refusal_args)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        (line,) = [line for line in result.stderr.splitlines() if not line.startswith("done: ")]  # a shared object made first
        assert f"refused it ({fault.status}): {text} — fix what {account.title} names" in line
        assert account.publish("--apply", *account.refusal_args).returncode == 0  # the re-run finishes what was left
        account.assert_published(scheduled=bool(account.refusal_args))


class TemplateContract:
    """What `newsletter publish` promises for a provider that keeps templates, not campaigns, and has no scheduled
    sends (SES, Postmark): per locale the template `newsletter-<locale>`, created once and brought to each export;
    the plan changes nothing; a re-run and a run killed anywhere end with one template per locale; --schedule
    is refused. The account type gives `assert_templates()`, `template_id(locale)`, `edit_template(locale)` (the
    part it changed) and `update_request(locale)`."""

    def test_the_plan_says_each_locales_template_and_changes_nothing(self, account):
        _, lines = account.plan()
        for locale in LOCALES:
            at = lines.index(f"{locale:<8} create      {account.kind} newsletter-{locale}")
            account.assert_plan_details(locale, [line.strip() for line in lines[at + 1:at + 5]])
        assert lines[-1] == "summary: 6 create, 0 update, 0 schedule, 0 send test, 0 up to date, 0 left alone, 0 refused"

    def test_apply_makes_one_template_per_locale_and_a_rerun_changes_nothing(self, account):
        first = account.publish("--apply")
        assert first.returncode == 0, first.stderr
        account.assert_templates()
        objects = account.ledger()["objects"]
        assert {key: entry["id"] for key, entry in objects.items()} == {
            f"{locale}/{account.kind}": account.template_id(locale) for locale in LOCALES}
        changes = len(account.changes())
        again = account.publish("--apply")
        assert again.returncode == 0, again.stderr
        assert len(account.changes()) == changes and again.stdout.count(f"up to date  {account.kind}") == len(LOCALES)

    def test_an_edited_template_is_brought_back_to_the_export_and_only_it(self, account):
        assert account.publish("--apply").returncode == 0
        part = account.edit_template("fr")
        plan = account.publish()
        assert f"fr       update      {account.kind} newsletter-fr: changed: {part}" in plan.stdout
        before = len(account.changes())
        assert account.publish("--apply").returncode == 0
        assert [r[:2] for r in account.changes()[before:]] == [account.update_request("fr")]
        account.assert_templates()

    def test_killed_mid_apply_a_rerun_gives_one_template_per_locale(self, account):
        """kill -9 right after the provider acted on the k-th change, before its answer arrives."""
        for k in (1, 4, 6):
            account.kill_after(k, "--apply")
            rerun = account.publish("--apply")
            assert rerun.returncode == 0, (k, rerun.stderr)
            account.assert_templates()
            assert account.creates() == len(LOCALES)

    def test_schedule_is_refused_in_the_plan_the_provider_has_none(self, account):
        result = account.publish("--apply", "--schedule", SCHEDULE)
        assert result.returncode == 1 and account.changes() == []
        assert (f"en       refused     {account.kind} newsletter-en: {account.title} has no scheduled sends: publish "
                "without --schedule, then run the routing loop of docs/export.md at the send time") in result.stdout

    def test_the_key_is_in_no_output_no_file_and_no_process_list(self, account):
        account.assert_key_never_shown("--apply", "--test-to", "proof@example.com", pause_at=2)
