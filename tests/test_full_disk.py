"""A full disk, made for the test: a small tmpfs (mount(8), tmpfs(5)) as the output folder, filled up after a
good build and export. Each command then fails with one line naming the folder it could not write, and the
previous output is byte-identical, with nothing half-written beside it and no process left.

Before: "error: newsletter: no space left on device", naming no folder (a failed write carries no file name).
Mounting needs root: the test is skipped without it (CI's install runs as root or with sudo)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.test_interrupt import processes_in
from tests.test_kept_output import change_subject, folder_bytes, send_py

ROOM_LEFT = 32 * 1024  # less than one email's files: the next write fails


@pytest.fixture
def disk(tmp_path: Path):
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", str(mount_point)], check=True)
    yield mount_point
    subprocess.run(["umount", str(mount_point)], check=True)


def fill(disk: Path) -> None:
    room = os.statvfs(disk)
    with (disk / "filler").open("wb") as filler:
        filler.write(b"\0" * max(0, room.f_bavail * room.f_frsize - ROOM_LEFT))


def test_a_full_disk_fails_build_and_export_with_one_line_and_keeps_the_previous_output(project, cli, disk):
    out = disk / "dist"
    assert cli("build", "2026-11", "--out", str(out), cwd=project).returncode == 0
    assert send_py(project, "--out", str(out)).returncode == 0  # dist/2026-11/eml/ too
    before = folder_bytes(out)
    fill(disk)
    change_subject(project)  # so that there is something new to write

    line = f"error: {out}: cannot write there (no space left on device) — free some space on its disk, or choose another --out"
    for failed in (cli("build", "2026-11", "--out", str(out), cwd=project), send_py(project, "--out", str(out))):
        assert failed.returncode == 1, failed.stderr
        assert [row for row in failed.stderr.splitlines() if row.startswith("error:")] == [line]
        assert "Traceback" not in failed.stderr
        assert folder_bytes(out) == before
        assert sorted(path.name for path in out.iterdir() if path.name.startswith(".")) == []
        assert processes_in(project) == []

    (disk / "filler").unlink()
    assert cli("build", "2026-11", "--out", str(out), cwd=project).returncode == 0
