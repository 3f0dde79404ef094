"""kill -9 and SIGTERM at every stage boundary of a build and of an export, injected by NEWSLETTER_FAULT
(newsletter/faults.py) at the instant the command reaches the stage: load, render, check, the read under the
folder's lock, the two renames of the swap, the web archive. Each time nothing is lost: once the next
command has run (it finishes or rolls back a swap left half-way), each output folder is byte-identical to
the previous one or is the new one whole; no process is left; SIGTERM ends the command with one line; and
nothing of the killed command is left beside the output.

The previous output is a build and an eml export of the sample issue; the command killed builds or exports
the issue with a new subject. Renders come from the render cache (warmed for both subjects), except at the
render stage, which needs a render."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from newsletter import INTERRUPTED
from tests.conftest import REPO, copy_project
from tests.test_interrupt import processes_in, wait_for_workers
from tests.test_kept_output import change_subject, folder_bytes

ISSUE = "2026-11"
BUILD = ("-m", "newsletter", "build", ISSUE)
EXPORT = (str(REPO / "send.py"), ISSUE, "--skip-external-checks")
# stage → whether the issue's folder is the new one once the command is killed there (else the previous one)
BUILD_STAGES = {"loaded": False, "render": False, "checked": False, "swap": False, "swapped": True, "archive": True}
EXPORT_STAGES = {"loaded": False, "render": False, "checked": False, "export-write": False, "swap": False, "swapped": True}


def run(project: Path, command: tuple[str, ...], fault: str | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(REPO), **({"NEWSLETTER_FAULT": fault} if fault else {})}
    return subprocess.run([sys.executable, *command], cwd=project, env=environment, capture_output=True, text=True,
                          timeout=180, start_new_session=True)


def outputs(project: Path) -> dict[str, dict[str, bytes]]:
    return {name: folder_bytes(project / "dist" / name) for name in (ISSUE, "archive")}


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    """The previous output, and the new one each command writes when nothing stops it (in projects whose
    render caches hold both subjects' emails)."""
    before = copy_project(tmp_path_factory.mktemp("before") / "project")
    assert run(before, BUILD).returncode == 0 and run(before, EXPORT).returncode == 0
    after = {}
    for name, command in (("build", BUILD), ("export", EXPORT)):
        project = tmp_path_factory.mktemp(name) / "project"
        shutil.copytree(before, project)
        change_subject(project)
        assert run(project, command).returncode == 0
        after[name] = (project, outputs(project))
    return before, outputs(before), after


CASES = [(name, stage, signal_name) for name, stages in (("build", BUILD_STAGES), ("export", EXPORT_STAGES))
         for stage in stages for signal_name in ("KILL", "TERM")]


@pytest.mark.parametrize("name, stage, signal_name", CASES, ids=[f"{n}-{s}-{g}" for n, s, g in CASES])
def test_a_command_stopped_at_a_stage_loses_nothing(states, tmp_path, name, stage, signal_name):
    before_project, before, after = states
    renewed_project, renewed = after[name]
    project = tmp_path / "project"
    shutil.copytree(before_project, project)
    shutil.rmtree(project / ".cache")
    if stage != "render":  # every email from the cache; at render, rendered anew
        shutil.copytree(renewed_project / ".cache", project / ".cache")
    change_subject(project)
    # at render the fault is in a worker: `parent` stops the command itself
    fault = f"{stage}:{signal_name}" + (":parent" if stage == "render" else "")
    stopped = run(project, BUILD if name == "build" else EXPORT, fault)

    signum = signal.Signals[f"SIG{signal_name}"]
    if signum == signal.SIGKILL:
        assert stopped.returncode == -signal.SIGKILL, stopped.stderr
    else:
        assert stopped.returncode == 128 + signum, stopped.stderr
        assert stopped.stderr.splitlines()[-1] == INTERRUPTED and "Traceback" not in stopped.stderr, stopped.stderr
    wait_for_workers(project)
    assert processes_in(project) == []

    # The next command (here a build of a broken issue, which writes nothing) finishes or rolls back the swap.
    (project / "issues" / f"{ISSUE}.yaml").write_text("id: [", encoding="utf-8")
    following = run(project, BUILD)
    assert following.returncode == 1 and "Traceback" not in following.stderr, following.stderr
    now = outputs(project)
    new_issue = BUILD_STAGES[stage] if name == "build" else EXPORT_STAGES[stage]
    assert now[ISSUE] == (renewed if new_issue else before)[ISSUE]
    assert now["archive"] == before["archive"]  # a build writes it last: killed at any stage, it has not yet
    assert sorted(path.name for path in (project / "dist").iterdir() if path.name.startswith(".")) == []
    restored = [line for line in following.stderr.splitlines() if "restored the previous output" in line]
    assert len(restored) == (1 if stage == "swap" and signum == signal.SIGKILL else 0), following.stderr
