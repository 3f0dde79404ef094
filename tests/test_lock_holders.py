"""Commands of one issue at once, as real processes held at a known instant (NEWSLETTER_FAULT=STAGE:STOP,
newsletter/faults.py): a build kept out of the issue's folder names what holds it, and a build, an export and
the web archive of one issue run together lose nothing.

Before: a build refused while an export held the folder said "another build is writing dist/2026-11": the
lock file held a pid only, and every holder was called a build."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.test_concurrent_exports import start_export, stopped, wait_until, waiting_for_a_lock
from tests.test_interrupt import processes_in

ISSUE = "2026-11"


def start(project: Path, *args: str, fault: str | None = None) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(REPO), **({"NEWSLETTER_FAULT": fault} if fault else {})}
    return subprocess.Popen([sys.executable, "-m", "newsletter", *args], cwd=project, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def export_intact(export: Path) -> bool:
    """Every file the export's manifest lists is there with the SHA-256 it gives."""
    manifest = json.loads((export / "manifest.json").read_text(encoding="utf-8"))
    return all((export / entry["path"]).is_file()
               and hashlib.sha256((export / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
               for entry in manifest["files"])


def refused_build(project: Path, cli, holder: subprocess.Popen) -> list[str]:
    """A build while `holder` is paused holding dist/2026-11: its error lines, then `holder` let go on."""
    try:
        wait_until(stopped, holder)
        refused = cli("build", ISSUE, cwd=project)
    finally:
        os.kill(holder.pid, signal.SIGCONT)
    _, stderr = holder.communicate(timeout=120)
    assert holder.returncode == 0, stderr
    assert refused.returncode == 1, refused.stderr
    return error_lines(refused.stderr)


def test_a_build_kept_out_by_an_export_names_the_export_and_its_pid(project, cli):
    export = start_export(project, "mailchimp", "export-write:STOP")  # holds the folder from its read to its swap
    assert refused_build(project, cli, export) == [
        f"error: dist/{ISSUE}: an export is writing dist/{ISSUE} (pid {export.pid}) — wait a moment for it to finish "
        "(an export holds the folder only while it writes its files), then build again, or build into another --out"]
    assert export_intact(project / "dist" / ISSUE / "mailchimp")


def test_a_build_kept_out_by_a_build_names_the_build_and_its_pid(project, cli):
    build = start(project, "build", ISSUE, fault="loaded:STOP")  # holds the folder for its whole build
    assert refused_build(project, cli, build) == [
        f"error: dist/{ISSUE}: another build is writing dist/{ISSUE} (pid {build.pid}) — wait for it to finish, or "
        "build into another --out"]


def test_a_build_an_export_and_the_archive_of_one_issue_at_once_lose_nothing(project, cli):
    """The build is paused holding dist/2026-11; the export renders and waits for the folder; the archive is
    written meanwhile. Let go, the build writes, then the export carries the build's files into its own."""
    build = start(project, "build", ISSUE, fault="loaded:STOP")
    try:
        wait_until(stopped, build)
        export = start_export(project, "brevo")
        wait_until(lambda process: process.poll() is not None or waiting_for_a_lock(process), export)
        archive = start(project, "archive")
        _, archive_stderr = archive.communicate(timeout=120)
    finally:
        os.kill(build.pid, signal.SIGCONT)
    stderrs = [process.communicate(timeout=120)[1] for process in (build, export)]
    assert (archive.returncode, build.returncode, export.returncode) == (0, 0, 0), (archive_stderr, stderrs)
    issue = project / "dist" / ISSUE
    assert export_intact(issue / "brevo")
    manifest = json.loads((issue / "manifest.json").read_text(encoding="utf-8"))
    assert all((issue / entry[kind]).is_file() for entry in manifest["locales"] for kind in ("html", "text", "mjml"))
    archive_now = folder_bytes(project / "dist" / "archive")
    assert cli("archive", "--out", "again", cwd=project).returncode == 0
    assert archive_now == folder_bytes(project / "again")  # whole, as one archive alone writes it
    assert sorted(path.name for path in issue.parent.iterdir() if path.name.startswith(".")) == []
    assert processes_in(project) == []
