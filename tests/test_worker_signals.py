"""Signals while the render workers work, injected at a known instant (NEWSLETTER_FAULT, newsletter/faults.py):
the first worker, on its first email, sends the signal to the process group, to the building process, or to
itself. Before: SIGTERM to the group hung the build for ever in 8 of 50 tries (a killed worker held the lock
of multiprocessing.Pool's task queue, and Pool.terminate() waited on it). Each case ends with one line, no
process left and dist/ whole or absent. The time it takes is measured in benchmarks/signals.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from newsletter import INTERRUPTED
from tests.conftest import REPO
from tests.test_interrupt import assert_whole_or_absent, processes_in, wait_for_workers


def build_with_fault(project, fault: str) -> subprocess.CompletedProcess:
    """`newsletter build --no-cache` in its own process group, as a shell runs it in the foreground."""
    return subprocess.run([sys.executable, "-m", "newsletter", "build", "--no-cache"], cwd=project,
                          env={**os.environ, "PYTHONPATH": str(REPO), "NEWSLETTER_FAULT": fault},
                          capture_output=True, text=True, start_new_session=True, timeout=60)


@pytest.mark.parametrize("fault", ["render:TERM:group", "render:TERM:parent", "render:INT:group"])
def test_a_stop_signal_while_rendering_ends_the_build_with_one_line(project, fault):
    done = build_with_fault(project, fault)  # a build hung on its pool would raise TimeoutExpired here
    signum = signal.Signals[f"SIG{fault.split(':')[1]}"]
    assert done.returncode == 128 + signum, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == INTERRUPTED
    assert processes_in(project) == []
    assert_whole_or_absent(project / "dist")


@pytest.mark.parametrize("name", ["TERM", "KILL"])
def test_a_worker_that_dies_ends_the_build_with_one_located_line(project, name):
    done = build_with_fault(project, f"render:{name}")
    assert done.returncode == 1, done.stderr
    assert [line for line in done.stderr.splitlines() if line.startswith("error:")] == [
        f"error: newsletter: a render worker ended before its email was done (stopped by SIG{name}): nothing was "
        "written — run the command again"]
    assert "Traceback" not in done.stderr
    assert processes_in(project) == []
    assert not (project / "dist" / "2026-11").exists()


def test_a_killed_build_leaves_no_worker_running(project):
    """SIGKILL to the building process: nothing of it can clean up, so each worker must notice its pipe closed
    and end after the email it is on (waited for by pidfd: they are not this test's children)."""
    build_with_fault(project, "render:KILL:parent")
    wait_for_workers(project)
    assert processes_in(project) == []
