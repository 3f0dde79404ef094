"""`newsletter import FILE [--issue YYYY-MM] [--url URL]`: a blog post as an article (the module is
import_ because `import` is Python's own word)."""

from __future__ import annotations

import sys
from pathlib import Path

from newsletter.authoring.blogimport import run_import
from newsletter.commands import open_project, shown


def run(args) -> int:
    source = Path(args.file)
    output, notes = run_import(open_project(args), source, shown(source), args.issue, args.url)
    if output:
        print(output, end="")
    if notes:
        print(notes, file=sys.stderr)
    return 0
