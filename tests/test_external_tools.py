"""SpamAssassin and the official MJML validator, as `newsletter check` and the export run them: one
SpamAssassin daemon and one Node.js process for all the messages of a run, and nothing run again
for a locale whose message did not change.

The real tools run. To count how often each one starts, the tests put small logging launchers
first on PATH: each writes one line (its name and arguments) and then runs the real program.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from newsletter.build import BuildReport, render_issue
from newsletter.checks import checked_emails
from newsletter.checks.spam import message_bytes, parse_report
from newsletter.model.content import load_issues
from newsletter.project import load_settings
from tests.support.catalogs import catalog_path, editing_catalog
from tests.support.launchers import logging_path

ISSUE = "2026-11"
LOCALES = ["en", "es", "fr", "de", "ar", "zh_Hans"]
LOGGED_TOOLS = ("spamd", "spamc", "node")


@pytest.fixture
def logged_path(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """PATH with a logging launcher for spamd, spamc and node before the real ones; and the log."""
    return logging_path(tmp_path, LOGGED_TOOLS)


def started(log: Path) -> dict[str, list[str]]:
    """Each logged tool's command lines since the last call (the log is emptied)."""
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return {tool: [line for line in lines if line.split(" ", 1)[0] == tool] for tool in LOGGED_TOOLS}


def still_running(spamd_command: str) -> list[str]:
    """Processes (spamd, its children, spamc) still using the socket folder of the spamd logged."""
    folder = str(Path(re.search(r"--socketpath=(\S+)", spamd_command).group(1)).parent)
    done = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True)
    return [line for line in done.stdout.splitlines() if folder in line]


def check_json(cli, project: Path, env: dict[str, str]) -> dict:
    result = cli("check", ISSUE, "--format", "json", cwd=project, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def test_one_spamd_and_one_validator_per_run_and_nothing_again_for_unchanged_locales(project, cli, logged_path):
    env, log = logged_path
    first = check_json(cli, project, env)
    assert [score["locale"] for score in first["spam"]] == LOCALES and first["skipped"] == []
    tools = started(log)
    assert len(tools["spamd"]) == 1 and "--socketpath=" in tools["spamd"][0] and "--local" in tools["spamd"][0]
    assert len(tools["spamc"]) == len(LOCALES)
    [validator] = tools["node"]
    assert "--validate" in validator and len(re.findall(r"\.mjml\b", validator)) == len(LOCALES)
    assert still_running(tools["spamd"][0]) == [], "the command stops the spamd it started"
    assert not Path(re.search(r"--socketpath=(\S+)", tools["spamd"][0]).group(1)).parent.exists(), "and removes its folder"

    second = check_json(cli, project, env)
    assert second == first, "the cached reports give the same scores, rules and findings"
    assert started(log) == {tool: [] for tool in LOGGED_TOOLS}, "nothing changed: no tool runs again"

    _retranslate_button(project, "es", "Pida una cita")
    third = check_json(cli, project, env)
    tools = started(log)
    assert len(tools["spamd"]) == 1 and len(tools["spamc"]) == 1, "only the Spanish message is scored again"
    [validator] = tools["node"]
    assert re.findall(r"[\w]+\.mjml\b", validator) == ["es.mjml"]
    assert [score["locale"] for score in third["spam"]] == LOCALES


def test_spamd_gives_the_score_and_rules_of_a_plain_spamassassin_run(project):
    """The daemon's report agrees with `spamassassin -t -L` on the same message (the documented way
    to score one message by hand)."""
    from newsletter.checks.spam import scores

    settings = load_settings(project)
    built = render_issue(load_issues(settings, [ISSUE])[0], settings, ("de",), BuildReport())
    [checked] = checked_emails(built, settings)
    [ours] = scores([checked])
    done = subprocess.run(["spamassassin", "-t", "-L"], input=message_bytes(checked), capture_output=True, timeout=300)
    status = re.search(rb"^X-Spam-Status: .*?score=(-?[\d.]+)", done.stdout, re.MULTILINE)
    assert status, done.stderr.decode()[-500:]
    table = done.stdout.decode().split("Content analysis details:", 1)[1]
    by_hand = parse_report(f"{status.group(1).decode()}/5.0\n{table}", "de", ours.threshold)
    assert ours.score == by_hand.score and [r.name for r in ours.rules] == [r.name for r in by_hand.rules]
    assert ours.rules, "SpamAssassin always lists some rules, if only informational ones"


def _retranslate_button(project: Path, locale: str, text: str) -> None:
    with editing_catalog(catalog_path(project, locale), locale) as catalog:
        catalog.get("Schedule a Consultation", "button").string = text
