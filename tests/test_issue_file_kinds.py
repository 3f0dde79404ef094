"""An issue named on the command line whose file is there but is no file: a folder, a link to /dev/zero, a pipe.

Before: "issues/2026-11.yaml: no issue '2026-11' — known issues: 2026-11", which names as missing the issue it
lists as known (the issue's report). Now the one line says what is wrong with it, and nothing is read from it."""

from __future__ import annotations

import os

import pytest

ISSUE = "issues/2026-11.yaml"


def make(project, kind: str) -> None:
    (project / ISSUE).unlink()
    if kind == "folder":
        (project / ISSUE).mkdir()
    elif kind == "device":
        (project / ISSUE).symlink_to("/dev/zero")  # read, it never ends
    else:
        os.mkfifo(project / ISSUE)  # read, it waits for a writer for ever


@pytest.mark.parametrize("kind, command", [
    ("folder", ["build", "2026-11"]), ("device", ["build", "2026-11"]), ("pipe", ["build", "2026-11"]),
    ("device", ["export", "2026-11", "--skip-external-checks"]), ("folder", ["check", "2026-11"]),
], ids=["build-folder", "build-device", "build-pipe", "export-device", "check-folder"])
def test_an_issue_that_is_not_a_file_is_one_line_saying_so(project, cli, kind, command):
    make(project, kind)
    result = cli(*command, cwd=project, timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: {ISSUE}: cannot be read: not a regular file — an issue is one YAML file the build can read"]
