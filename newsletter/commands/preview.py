"""`newsletter preview [ISSUE]`: the live-reloading preview server (newsletter/preview/)."""

from __future__ import annotations

from newsletter.commands import open_project
from newsletter.preview import run_command


def run(args) -> int:
    return run_command(args, open_project(args))
