"""Ctrl+C and SIGTERM at any stage of a real build: one line, a non-zero exit, no worker tracebacks,
no worker left behind, and no half-written or temporary folder in dist/."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsletter import INTERRUPTED
from tests.conftest import REPO

LOCALES = ("en", "es", "fr", "de", "ar", "zh_Hans")


def start_build(project: Path) -> subprocess.Popen:
    """`newsletter build` in its own process group, as a shell runs it in the foreground."""
    return subprocess.Popen([sys.executable, "-m", "newsletter", "build", "--no-cache"], cwd=project,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def processes_in(folder: Path) -> list[int]:
    """Every process still running (or left a zombie) in the folder: the build and its workers."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and Path(os.readlink(entry / "cwd")) == folder:
                found.append(int(entry.name))
        except OSError:
            continue  # ended meanwhile, or not ours to read
    return found


def assert_whole_or_absent(dist: Path) -> None:
    leftovers = [path.name for path in dist.iterdir() if path.name.startswith(".")] if dist.exists() else []
    assert leftovers == [], leftovers
    issue = dist / "2026-11"
    if issue.exists():
        written = sorted(path.relative_to(issue).as_posix() for path in issue.rglob("*") if path.is_file())
        assert written == sorted(["manifest.json", *(f"{locale}/email.{kind}" for locale in LOCALES
                                                      for kind in ("html", "mjml", "txt"))])


def build_seconds(project: Path) -> float:
    """How long one whole build takes here, to place the signals across its stages (not an assertion)."""
    started = time.monotonic()
    process = start_build(project)
    process.communicate(timeout=120)
    return time.monotonic() - started


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_build_stops_cleanly_at_any_stage(project, signum):
    whole = build_seconds(project)
    for fraction in (0.15, 0.35, 0.55, 0.75, 0.95):  # import, settings and issues, rendering in workers, writing
        process = start_build(project)
        time.sleep(whole * fraction)
        os.killpg(process.pid, signum)  # to the whole group, workers included, as a terminal's Ctrl+C does
        _, stderr = process.communicate(timeout=60)  # a build blocked on its pool would hang here
        assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
        if process.returncode == -signal.SIGTERM:  # SIGTERM before Python ran any of the program: nothing to say
            assert stderr == ""
        elif process.returncode != 0:  # 0: it had finished before the signal came
            assert process.returncode == 128 + signum, stderr
            assert stderr.splitlines()[-1] == INTERRUPTED, stderr
        assert processes_in(project) == []
        assert_whole_or_absent(project / "dist")


def test_the_next_build_after_a_killed_one_writes_whole_output(project, cli):
    process = start_build(project)
    time.sleep(build_seconds(project) * 0.8)
    os.killpg(process.pid, signal.SIGKILL)  # nothing can clean up after this one
    process.communicate(timeout=60)
    result = cli("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert_whole_or_absent(project / "dist")
    assert (project / "dist/2026-11/manifest.json").is_file()
