"""`python send.py 2026-11` run again with nothing changed answers from its stamp (newsletter/uptodate.py), the way
make and ninja answer "nothing to do": the same lines, no file written, and none of the pipeline imported. The
danger of a shortcut is a stale answer, so most of these tests change one thing the export read or wrote and
check that the next run does the work again and its files show the change: a catalog, the issue, a template,
newsletter.yaml, an exported file edited or removed; a run that failed is never answered as a success; proofs
over SMTP are never answered from a stamp (they send mail, aiosmtpd on loopback counts it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.test_export import folder_bytes, send_py
from tests.test_proof import RECIPIENTS, smtp_server  # noqa: F401 (the fixture)

ISSUE = "2026-11"


def imported_modules(project: Path) -> set[str]:
    """The modules `python send.py 2026-11` imports, as CPython's -X importtime lists them."""
    done = subprocess.run([sys.executable, "-X", "importtime", str(REPO / "send.py"), ISSUE, "--skip-external-checks"],
                          cwd=project, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}


def test_the_same_command_again_says_the_same_without_importing_the_pipeline(project):
    first = send_py(ISSUE, cwd=project)
    assert first.returncode == 0, first.stderr
    written = {path: path.stat().st_mtime_ns for path in project.rglob("*") if path.is_file()}

    again = send_py(ISSUE, cwd=project)
    assert (again.returncode, again.stdout, again.stderr) == (first.returncode, first.stdout, first.stderr)
    assert {path: path.stat().st_mtime_ns for path in project.rglob("*") if path.is_file()} == written
    assert "newsletter.build" not in imported_modules(project), "answered before the pipeline's imports"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def spanish_button(project: Path) -> None:
    catalog = project / "locales" / "es" / "LC_MESSAGES" / "newsletter.po"
    text = catalog.read_text(encoding="utf-8")
    msgid = 'msgid "Schedule a Consultation"\nmsgstr "'
    start = text.index(msgid) + len(msgid)
    catalog.write_text(text[:start] + "Pida su cita hoy" + text[text.index('"', start):], encoding="utf-8")


# Each change, and the text the next export's Spanish (or every) email must then hold.
CHANGES = {
    "catalog": (spanish_button, "es", "Pida su cita hoy"),
    "issue": (lambda p: edit(p / "issues" / f"{ISSUE}.yaml", "Exosomes", "Exosome therapy"), "en", "Exosome therapy"),
    "template": (lambda p: append(p / "templates" / "email.txt.j2", "\nStamped anew.\n"), "en", "Stamped anew."),
    "settings": (lambda p: edit(p / "newsletter.yaml", "name: ", "name: Renamed "), "en", "Renamed "),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_to_what_the_export_read_makes_it_work_again(project, change):
    make, locale, shown = CHANGES[change]
    assert send_py(ISSUE, cwd=project).returncode == 0
    make(project)
    again = send_py(ISSUE, cwd=project)
    assert again.returncode == 0, again.stderr
    email = project / "dist" / ISSUE / "eml" / f"{locale}.eml"
    assert shown in email.read_bytes().decode("utf-8", "replace") + _decoded(email), f"{change}: the old export kept"


def _decoded(eml: Path) -> str:
    from email import message_from_bytes, policy
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    return str(message["From"]) + "".join(part.get_content() for part in message.walk()
                                          if part.get_content_type() in ("text/plain", "text/html"))


@pytest.mark.parametrize("harm", ["edited", "removed"])
def test_an_exported_file_edited_or_removed_is_written_again(project, harm):
    assert send_py(ISSUE, cwd=project).returncode == 0
    exported = project / "dist" / ISSUE / "eml"
    as_exported = folder_bytes(exported)
    target = exported / "fr.eml"
    if harm == "edited":
        target.write_bytes(target.read_bytes().replace(b"Subject:", b"Subject: [edited by hand]", 1))
    else:
        target.unlink()
    assert send_py(ISSUE, cwd=project).returncode == 0
    assert folder_bytes(exported) == as_exported


def test_a_run_that_failed_is_never_answered_as_a_success(project):
    assert send_py(ISSUE, cwd=project).returncode == 0
    issue = project / "issues" / f"{ISSUE}.yaml"
    good = issue.read_text(encoding="utf-8")
    issue.write_text(good + "\n  - this: is not an article\n", encoding="utf-8")
    for _ in range(2):  # the failure is said again, not the last success
        failed = send_py(ISSUE, cwd=project)
        assert failed.returncode == 1 and "error:" in failed.stderr, failed.stderr
    issue.write_text(good, encoding="utf-8")
    assert send_py(ISSUE, cwd=project).returncode == 0


def test_proofs_over_smtp_are_sent_every_time(project, smtp_server):  # noqa: F811 (the fixture)
    inbox, port = smtp_server()
    recipients = [argument for address in RECIPIENTS for argument in ("--to", address)]
    for _ in range(2):
        sent = send_py(ISSUE, "--smtp", f"127.0.0.1:{port}", *recipients, cwd=project)
        assert sent.returncode == 0, sent.stderr
    assert len(inbox.messages) == 2 * 6, "every run sends its six proofs"
