"""`newsletter publish --apply` holds the issue folder while it reads the export and records its steps, as real
processes against SES's stand-in (tests/test_publish_ses.py): an export of another provider waits for it, and a
build is refused naming it.

Before: publish took no lock. An export of another provider reads dist/2026-11 (every provider's folder, each
ledger with it) and swaps in a new copy, so a step publish recorded in between was lost with the copy. Here
publish is paused by NEWSLETTER_FAULT=publish-step:STOP (newsletter/faults.py) after its first step, and the
export by export-write:STOP after its read, the instant the issue's "2 s pause before the second write" hit."""

from __future__ import annotations

import os
import signal
import subprocess

from tests.publish_contract import LOCALES, contract_fixtures
from tests.test_concurrent_exports import start_export, stopped, wait_until, waiting_for_a_lock
from tests.test_lock_holders import ISSUE, export_intact, refused_build
from tests.test_publish_ses import SesAccount

harness, exported, account = contract_fixtures(SesAccount)


def start_publish(account) -> subprocess.Popen:
    """`publish --apply`, paused once its first step is done and in the ledger."""
    return subprocess.Popen(account.command("--apply"), cwd=account.root,
                            env={**account.env, "NEWSLETTER_FAULT": "publish-step:STOP"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_an_export_of_another_provider_waits_for_a_publish_and_loses_no_step_of_its_ledger(account):
    publish = start_publish(account)
    try:
        wait_until(stopped, publish)  # one template made and recorded; the publish holds dist/2026-11
        export = start_export(account.root, "mailchimp", "export-write:STOP")
        wait_until(lambda process: stopped(process) or waiting_for_a_lock(process), export)
        waited = waiting_for_a_lock(export)  # not stopped: it has not read the folder, publish.json with it
    finally:
        os.kill(publish.pid, signal.SIGCONT)
    try:
        _, publish_stderr = publish.communicate(timeout=120)
        wait_until(stopped, export)  # now past its read of the folder, the whole ledger in it
    finally:
        os.kill(export.pid, signal.SIGCONT)
    _, export_stderr = export.communicate(timeout=120)
    assert (publish.returncode, export.returncode) == (0, 0), (publish_stderr, export_stderr)
    account.assert_templates()
    steps = account.ledger()["steps"]
    assert [(step["locale"], step["action"]) for step in steps] == [(locale, "create") for locale in LOCALES]
    assert waited, "the export read the issue folder while the publish held it"
    issue = account.root / "dist" / ISSUE
    assert export_intact(issue / "mailchimp") and export_intact(issue / "ses")
    assert sorted(path.name for path in issue.parent.iterdir() if path.name.startswith(".")) == []


def test_a_build_while_a_publish_writes_is_refused_naming_the_publish_and_its_pid(account, cli):
    publish = start_publish(account)
    assert refused_build(account.root, cli, publish) == [
        f"error: dist/{ISSUE}: a publish is writing dist/{ISSUE} (pid {publish.pid}) — wait for it to finish carrying "
        "the export into the provider's account, then build again, or build into another --out"]
    assert len(account.ledger()["steps"]) == len(LOCALES)
    assert export_intact(account.root / "dist" / ISSUE / "ses")
