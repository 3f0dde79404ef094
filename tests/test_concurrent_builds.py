"""Two builds at once, and what a killed one leaves behind: real processes writing the same folder."""

from __future__ import annotations

import multiprocessing
import os
import re
import subprocess
import sys
from pathlib import Path

from newsletter import output
from newsletter.output import replace_folder, writing
from tests.conftest import REPO

WRITERS, WRITES_EACH = 8, 50


def write_many(target: str, writer: int) -> list[str]:
    """One process replacing the folder again and again; returns the failures."""
    failures = []
    for number in range(WRITES_EACH):
        content = f"writer {writer} write {number}\n".encode()
        try:
            replace_folder(Path(target), {"a/email.html": content, "b/email.txt": content, "manifest.json": content})
        except Exception as error:
            failures.append(f"{type(error).__name__}: {error}")
    return failures


def test_concurrent_replace_folder_calls_all_succeed_and_leave_one_whole_folder(tmp_path):
    target = tmp_path / "dist" / "2026-11"
    with multiprocessing.get_context("spawn").Pool(WRITERS) as pool:
        failures = pool.starmap(write_many, [(str(target), writer) for writer in range(WRITERS)])
    assert [failure for found in failures for failure in found] == []
    contents = {path.relative_to(target).as_posix(): path.read_bytes() for path in target.rglob("*") if path.is_file()}
    assert set(contents) == {"a/email.html", "b/email.txt", "manifest.json"}
    assert len(set(contents.values())) == 1  # all three from the same write, never a mix
    assert sorted(path.name for path in target.parent.iterdir()) == ["2026-11"]  # no temporary folder, no lock file


def test_a_second_build_of_the_same_folder_is_one_line_naming_the_first(project, cli, monkeypatch):
    dist = project / "dist"
    monkeypatch.setattr(output, "_COMMAND", ["build"])  # the verb its lock file names, as `newsletter build` sets it
    with writing(dist / "2026-11", "dist/2026-11"):  # this test process is the first build
        result = cli("build", cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (f"error: dist/2026-11: another build is writing dist/2026-11 (pid {os.getpid()}) "
                                              "— wait for it to finish, or build into another --out")
    assert not (dist / "2026-11").exists()
    assert cli("build", "--locale", "en", cwd=project).returncode == 0  # the lock went with the first build


def test_temporary_folders_of_a_killed_build_are_removed_by_the_next(project, cli):
    dist = project / "dist"
    for leftover in (".2026-11.k1ll3d.tmp/es", ".2026-11.k1ll3d.old/es"):  # what a build killed mid-write leaves
        (dist / leftover).mkdir(parents=True)
        (dist / leftover / "email.html").write_text("half-written", encoding="utf-8")
    assert cli("build", "--locale", "en", cwd=project).returncode == 0
    assert sorted(path.name for path in dist.iterdir()) == ["2026-11", "archive"]  # archive/: the sample sets links.archive


def test_two_builds_started_together_never_fail_on_each_others_files(project):
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    for _ in range(4):
        builds = [subprocess.Popen([sys.executable, "-m", "newsletter", "build", "--no-cache"], cwd=project,
                                   env=environment, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        for build in builds:
            _, stderr = build.communicate(timeout=300)
            assert "Traceback" not in stderr and "cannot write there" not in stderr, stderr
            assert build.returncode == 0 or re.search(r"^error: dist/2026-11: another build is writing dist/2026-11 "
                                                      r"\(pid \d+\) — ", stderr, re.MULTILINE), stderr
        written = sorted(p.relative_to(project / "dist").as_posix() for p in (project / "dist").rglob("*") if p.is_file())
        assert len([name for name in written if name.startswith("2026-11/")]) == 19, written
        assert not any(part.startswith(".") for name in written for part in name.split("/")), written
