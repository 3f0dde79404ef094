"""`newsletter new YYYY-MM [--from FILE]`: next month's issue from the skeleton or a copy."""

from __future__ import annotations

from pathlib import Path

from newsletter.authoring.scaffold import create_issue, next_steps
from newsletter.commands import open_project


def run(args) -> int:
    created = create_issue(open_project(args), args.issue, Path(args.source) if args.source else None)
    print(next_steps(created))
    return 0
