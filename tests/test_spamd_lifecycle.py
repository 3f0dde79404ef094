"""The spamd a run starts ends with the run, however the run ends: spamd and every child it forks run
in a process group of their own, stopped on SIGTERM and Ctrl+C (SIGINT) at once, with its temporary
folder; a run killed outright (SIGKILL, where nothing of it can clean up) leaves them behind, and the
next run that checks ends them and removes the folder, leaving alone the spamd of a run still alive.
An export with an email to score starts spamd as it begins, before anything is rendered, so that
SpamAssassin loads its rules while the rest of the run works; it is stopped if the run fails first.

Real spamd, real signals. Each test gives the runs a temporary folder of its own (TMPDIR), so the
spamd folders it looks at are only its own; a process group is what ps(1) says of it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.support.launchers import logging_path

ISSUE = "2026-11"


def start_check(project: Path, tmp: Path, fault: str | None = None) -> subprocess.Popen:
    """`newsletter check` with every tool, in its own session (as a shell runs a command)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(tmp), **({"NEWSLETTER_FAULT": fault} if fault else {})}
    return subprocess.Popen([sys.executable, "-m", "newsletter", "check", ISSUE], cwd=project, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)


def listening_spamd(tmp: Path, process: subprocess.Popen, besides: Path | None = None) -> tuple[Path, int]:
    """The spamd folder of the run and spamd's pid, once spamd listens (its socket is there)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        for socket in (found for found in tmp.glob("newsletter-spamd-*/spamd.sock") if found.parent != besides):
            leader = next((pid for pid, command in commands() if f"--socketpath={socket}" in command), None)
            if leader:
                return socket.parent, leader
        time.sleep(0.01)
    raise AssertionError(f"no spamd came up: {process.poll()=}, {process.stderr and process.stderr.read()}")


def commands() -> list[tuple[int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit():
                found.append((int(entry.name), (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()))
        except OSError:
            continue
    return found


def group(leader: int) -> list[int]:
    """The processes of the group still running, as ps(1) lists them (a zombie, ended but not reaped, is not)."""
    listed = subprocess.run(["ps", "-eo", "pid=,pgid=,stat="], capture_output=True, text=True, check=True).stdout
    return [int(pid) for pid, pgid, state in (line.split()[:3] for line in listed.splitlines())
            if int(pgid) == leader and not state.startswith("Z")]


def held(process: subprocess.Popen) -> None:
    """Wait until the run has stopped itself at its fault point (state T: spamd listens, nothing scored)."""
    while Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "T":
        assert process.poll() is None, process.stderr.read()
        time.sleep(0.01)


def with_children(leader: int) -> None:
    """Wait until spamd has forked its scoring children: they are in its process group."""
    deadline = time.monotonic() + 120
    while len(group(leader)) < 2:
        assert time.monotonic() < deadline, "spamd's scoring children share its process group"
        time.sleep(0.01)


@pytest.fixture
def tmp(tmp_path: Path):
    """The runs' TMPDIR; any spamd group still in it at the end is killed (a failed test leaves none)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    yield folder
    for pid, command in commands():
        if f"--socketpath={folder}" in command:
            os.killpg(pid, signal.SIGKILL)


def test_a_run_killed_outright_leaves_spamd_behind_and_the_next_run_ends_it(project, tmp):
    killed = start_check(project, tmp)
    folder, leader = listening_spamd(tmp, killed)
    with_children(leader)
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait()
    assert group(leader) and folder.exists(), "a SIGKILLed run cleans nothing up: its spamd is an orphan"

    alive = start_check(project, tmp, fault="spamd:STOP")  # another run, its spamd listening, held there
    other_folder, other_leader = listening_spamd(tmp, alive, besides=folder)
    held(alive)
    try:
        after = subprocess.run([sys.executable, "-m", "newsletter", "check", ISSUE], cwd=project, capture_output=True,
                               text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(tmp)})
        assert after.returncode == 0, after.stderr
        assert group(leader) == [], "the next run ended the orphaned spamd and every child of it"
        assert not folder.exists(), "and removed its folder"
        assert group(other_leader) and other_folder.exists(), "the spamd of a run still alive is left alone"
    finally:
        os.kill(alive.pid, signal.SIGCONT)
        alive.wait(timeout=600)
    assert group(other_leader) == [] and not other_folder.exists()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_run_ends_its_spamd_and_removes_its_folder(project, tmp, stop):
    run = start_check(project, tmp, fault="spamd:STOP")  # held with spamd listening, before it scores
    folder, leader = listening_spamd(tmp, run)
    held(run)
    os.kill(run.pid, stop)
    os.kill(run.pid, signal.SIGCONT)
    try:
        assert run.wait(timeout=300) == 128 + stop
    finally:
        run.kill()
    assert group(leader) == [], "spamd and its children ended with the run"
    assert not folder.exists()
    assert list(tmp.iterdir()) == [], "nothing of the run is left in the temporary folder"


def test_an_export_starts_spamd_before_rendering_and_stops_it_when_the_render_fails(project, tmp, tmp_path):
    env, log = logging_path(tmp_path, ("spamd",))
    template = project / "templates" / "email.mjml.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\n{{ unclosed\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "newsletter", "export", ISSUE], cwd=project, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(tmp), **env})
    assert done.returncode == 1 and "templates/email.mjml.j2" in done.stderr, done.stderr
    started = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    assert len(started) == 1, "spamd started as the export began"
    assert list(tmp.glob("newsletter-spamd-*")) == [], "and was stopped, its folder removed, when the render failed"
    assert not [pid for pid, command in commands() if f"--socketpath={tmp}" in command]
