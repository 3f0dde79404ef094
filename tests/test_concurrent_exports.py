"""Exports of different providers of one issue at once, as real processes: each keeps the others' folders.

Before: the export read the other providers' folders (to carry them into the new issue folder) outside the
folder's lock, so a second export swapped in between that read and the first one's write was lost, both
exiting 0 (2 of 5 tries of `send.py 2026-11 --provider mailchimp & send.py 2026-11 --provider brevo`).
Here the first export is paused by NEWSLETTER_FAULT=export-write:STOP (newsletter/faults.py) right after
its read, at a known instant, while the second one runs."""

from __future__ import annotations

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
