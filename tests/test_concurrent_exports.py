"""Exports of different providers of one issue at once, as real processes: each keeps the others' folders.

Before: the export read the other providers' folders (to carry them into the new issue folder) outside the
folder's lock, so a second export swapped in between that read and the first one's write was lost, both
exiting 0 (2 of 5 tries of `send.py 2026-11 --provider mailchimp & send.py 2026-11 --provider brevo`).
Here the first export is paused by NEWSLETTER_FAULT=export-write:STOP (newsletter/faults.py) right after
its read, at a known instant, while the second one runs."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO


def start_export(project: Path, provider: str, fault: str | None = None) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(REPO), **({"NEWSLETTER_FAULT": fault} if fault else {})}
    return subprocess.Popen([sys.executable, str(REPO / "send.py"), "2026-11", "--provider", provider,
                             "--skip-external-checks"], cwd=project, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stopped(process: subprocess.Popen) -> bool:
    """The process paused itself (state T in /proc/PID/stat)."""
    stat = Path(f"/proc/{process.pid}/stat").read_text()
    return stat.rpartition(")")[2].split()[0] == "T"


def waiting_for_a_lock(process: subprocess.Popen) -> bool:
    """The process waits on a flock another holds: /proc/locks lists it with '->' (see proc(5), /proc/locks)."""
    return any(line.split()[1] == "->" and line.split()[5] == str(process.pid)
               for line in Path("/proc/locks").read_text().splitlines())


def wait_until(condition, process: subprocess.Popen, limit: float = 120) -> None:
    started = time.monotonic()  # a bound so that a broken build fails the test instead of hanging it
    while not condition(process):
        assert process.poll() is None or condition is not stopped, process.communicate()
        assert time.monotonic() - started < limit, f"{condition.__name__} never held"
        time.sleep(0.05)


def test_a_second_provider_exported_while_the_first_one_writes_keeps_both(project):
    first = start_export(project, "mailchimp", "export-write:STOP")
    try:
        wait_until(stopped, first)  # mailchimp has read dist/2026-11 and is about to swap its new folder in
        second = start_export(project, "brevo")
        wait_until(lambda process: process.poll() is not None or waiting_for_a_lock(process), second)
    finally:
        os.kill(first.pid, signal.SIGCONT)
    first_out, second_out = first.communicate(timeout=120), second.communicate(timeout=120)
    assert (first.returncode, second.returncode) == (0, 0), (first_out, second_out)
    issue = project / "dist" / "2026-11"
    assert (issue / "mailchimp" / "manifest.json").is_file()
    assert (issue / "brevo" / "manifest.json").is_file()
    assert sorted(path.name for path in issue.parent.iterdir() if path.name.startswith(".")) == []


PROVIDERS = ("eml", "mailchimp", "ses", "sendgrid", "postmark", "mailgun", "brevo", "listmonk")
LOCALES = ("es", "fr", "de", "ar", "zh_Hans")  # not en, the default: its send depends on the others shipped
EXPORTS = 20


def test_twenty_exports_at_once_over_every_provider_keep_all_twenty(project, cli):
    """The issue's "20 concurrent exports of different providers keep all 20": 20 processes started together,
    each exporting one locale for one of the 8 providers (a partial export keeps that provider's other
    locales), so each provider's folder must end with every locale exported to it, and each file what its
    manifest's SHA-256 says."""
    assert cli("build", "2026-11", cwd=project).returncode == 0  # the renders cached: the exports race to write
    wanted = [(PROVIDERS[number % len(PROVIDERS)], LOCALES[number % len(LOCALES)]) for number in range(EXPORTS)]
    assert len(set(wanted)) == EXPORTS
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    exports = [subprocess.Popen([sys.executable, str(REPO / "send.py"), "2026-11", "--provider", provider, "--locale",
                                 locale, "--skip-external-checks"], cwd=project, env=environment,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
               for provider, locale in wanted]
    errors = [(export.args[3:7], export.communicate(timeout=600)[1]) for export in exports]
    assert [(args, stderr) for (args, stderr), export in zip(errors, exports) if export.returncode != 0] == []
    issue = project / "dist" / "2026-11"
    kept = set()
    for provider in PROVIDERS:
        manifest = json.loads((issue / provider / "manifest.json").read_text(encoding="utf-8"))
        kept |= {(provider, locale) for locale in manifest["locales"]}
        for entry in manifest["files"]:
            assert hashlib.sha256((issue / provider / entry["path"]).read_bytes()).hexdigest() == entry["sha256"], entry
    assert kept == set(wanted), set(wanted) - kept
    assert sorted(path.name for path in issue.parent.iterdir() if path.name.startswith(".")) == []
