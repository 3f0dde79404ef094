"""What marketing copies to a web server and sends to an agency reads as any file the user makes.

Output is written through temporary files and folders, which Python creates private (mkstemp: 0600,
mkdtemp: 0700; https://docs.python.org/3/library/tempfile.html#tempfile.mkstemp). Kept as they are, the
web archive copied with its modes (rsync -a, scp -p) is unreadable by the web server, and the XLIFF
sent to an agency is the user's alone. With the usual umask 022 every folder is 0755 and every file 0644,
as mkdir and open() make them; a file written over an existing one (a catalog) keeps that file's mode.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.support.catalogs import catalog_path

ISSUE = "2026-11"


def newsletter(project: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m newsletter ARGS` from a shell whose umask is 022."""
    return subprocess.run([sys.executable, "-m", "newsletter", *args], cwd=project, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=300, preexec_fn=lambda: os.umask(0o022))


def modes(folder: Path) -> dict[str, str]:
    found = {folder.name + "/": stat.filemode(folder.stat().st_mode)}
    for path in sorted(folder.rglob("*")):
        found[path.relative_to(folder.parent).as_posix() + ("/" if path.is_dir() else "")] = stat.filemode(path.stat().st_mode)
    return found


def test_the_built_issue_its_web_archive_and_the_xliff_read_as_files_mkdir_and_open_make(project):
    assert newsletter(project, "build", ISSUE).returncode == 0
    assert newsletter(project, "i18n", "export", "--locale", "fr").returncode == 0
    made = {**modes(project / "dist" / ISSUE), **modes(project / "dist" / "archive"), **modes(project / "dist" / "xliff")}
    assert any(name.startswith("archive/es/") for name in made) and "xliff/fr.xlf" in made
    wrong = {name: mode for name, mode in made.items()
             if mode != ("drwxr-xr-x" if name.endswith("/") else "-rw-r--r--")}
    assert wrong == {}


def test_a_catalog_rewritten_by_i18n_update_keeps_its_mode(project):
    catalog = catalog_path(project, "de")
    catalog.chmod(0o664)  # a team that shares the checkout through a group
    issue = project / "issues" / f"{ISSUE}.yaml"
    issue.write_text(issue.read_text(encoding="utf-8").replace('\nsubject: "', '\nsubject: "New: ', 1), encoding="utf-8")
    assert newsletter(project, "i18n", "update").returncode == 0
    assert stat.filemode(catalog.stat().st_mode) == "-rw-rw-r--"
