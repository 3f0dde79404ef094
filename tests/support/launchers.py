"""Logging launchers: a small script per tool, first on PATH, that writes one line (the tool's name and
arguments) to a log and then runs the real program, so a test counts which real tools a command starts."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def logging_path(folder: Path, tools: tuple[str, ...]) -> tuple[dict[str, str], Path]:
    """The environment's PATH with a launcher for each tool before the real ones, and the log they write."""
    launchers, log = folder / "launchers", folder / "tools.log"
    launchers.mkdir()
    for tool in tools:
        real = shutil.which(tool)
        assert real, f"{tool} is installed by .ci/install"
        launcher = launchers / tool
        launcher.write_text(f'#!/bin/sh\necho "{tool} $*" >> "{log}"\nexec "{real}" "$@"\n', encoding="utf-8")
        launcher.chmod(0o755)
    return {"PATH": f"{launchers}{os.pathsep}{os.environ['PATH']}"}, log
