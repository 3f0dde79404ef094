"""Ctrl+C and SIGTERM at any stage of a real build: one line, a non-zero exit, no worker tracebacks,
no worker left behind, and no half-written or temporary folder in dist/."""

from __future__ import annotations

import os
import select
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


def wait_for_workers(folder: Path) -> None:
    """Workers of a command killed outright end after the email they are on: waited for by pidfd (they are not
    this test's children), at most 30 s each."""
    for pid in processes_in(folder):
        try:
            descriptor = os.pidfd_open(pid)
        except ProcessLookupError:
            continue
        select.select([descriptor], [], [], 30)
        os.close(descriptor)


def assert_whole_or_absent(dist: Path) -> None:
    leftovers = [path.name for path in dist.iterdir() if path.name.startswith(".")] if dist.exists() else []
    assert leftovers == [], leftovers
    issue = dist / "2026-11"
    if issue.exists():
        written = sorted(path.relative_to(issue).as_posix() for path in issue.rglob("*") if path.is_file())
        assert written == sorted(["manifest.json", *(f"{locale}/email.{kind}" for locale in LOCALES
                                                      for kind in ("html", "mjml", "txt"))])


def wait_for(condition, process: subprocess.Popen) -> float:
    """Poll until `condition()` or the process has ended; returns when, on the monotonic clock."""
    while not condition() and process.poll() is None:
        time.sleep(0.002)
    return time.monotonic()


def importing_the_program(process: subprocess.Popen) -> bool:
    """Past Python's own start-up (a Ctrl+C there is Python's to report), loading the program: libyaml is in."""
    try:
        return "_yaml" in Path(f"/proc/{process.pid}/maps").read_text()
    except OSError:
        return False


def building(project: Path) -> bool:
    """Settings and issues read, the output folder held: the workers are about to render."""
    return (project / "dist/.2026-11.lock").exists()


def seconds_after_loading(project: Path) -> float:
    """How long a build runs once it holds its folder, to place signals across rendering and writing."""
    process = start_build(project)
    since = wait_for(lambda: building(project), process)
    process.communicate(timeout=120)
    return time.monotonic() - since


def interrupt_at(project: Path, signum: int, stage: str, delay: float) -> subprocess.Popen:
    process = start_build(project)
    wait_for(lambda: importing_the_program(process) if stage == "importing" else building(project), process)
    time.sleep(delay)
    if signum == signal.SIGINT:
        os.killpg(process.pid, signum)  # to the whole group, workers included, as a terminal's Ctrl+C does
    else:
        os.kill(process.pid, signum)  # to the build, as `kill PID`, a process manager or a CI runner's timeout does
    return process


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_build_stops_cleanly_at_any_stage(project, signum):
    rendering = seconds_after_loading(project)
    stages = [("importing", 0.0), ("building", 0.0)] + [("building", rendering * part) for part in (0.3, 0.6, 0.9)]
    for stage, delay in stages:
        process = interrupt_at(project, signum, stage, delay)
        _, stderr = process.communicate(timeout=60)  # a build blocked on its pool would hang here
        assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, (stage, delay, stderr)
        if process.returncode != 0:  # 0: it had finished before the signal came
            # 128 + signal is the exit code; a Ctrl+C that came inside an exec() of the program's imports
            # (dataclasses) makes Python 3.11 end by the signal itself, which shells report the same way.
            assert process.returncode in (128 + signum, -signum), (stage, delay, stderr)
            assert stderr.splitlines()[-1:] == [INTERRUPTED] or process.returncode == -signal.SIGTERM, stderr
        assert processes_in(project) == []
        assert_whole_or_absent(project / "dist")


def test_the_next_build_after_a_killed_one_writes_whole_output(project, cli):
    process = interrupt_at(project, signal.SIGKILL, "building", seconds_after_loading(project) * 0.8)
    process.communicate(timeout=60)  # killed outright: nothing of it could clean up
    result = cli("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert_whole_or_absent(project / "dist")
    assert (project / "dist/2026-11/manifest.json").is_file()
