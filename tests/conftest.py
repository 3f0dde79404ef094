"""Shared fixtures: a private copy of the sample project, and the real CLI run as users run it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROJECT_FILES = ("newsletter.yaml", "babel.cfg", "issues", "locales", "templates")


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the sample project that a test may edit freely."""
    return copy_project(tmp_path / "project")


def copy_project(root: Path) -> Path:
    """The sample project's files copied into `root` (a new folder), compiled catalogs left out."""
    root.mkdir()
    for name in PROJECT_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("*.mo"))
        else:
            shutil.copy2(source, root / name)
    return root


def run_newsletter(*args: str, cwd: Path, env: dict | None = None, timeout: int = 120) -> Result:
    """Run `python -m newsletter ARGS` in a fresh process, the way a user's shell would."""
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    done = subprocess.run([sys.executable, "-m", "newsletter", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=timeout)
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def cli():
    return run_newsletter


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the current output")
