"""The command layer: one module per `newsletter` verb that needs more than a call.

Each verb parses nothing (newsletter.cli does that), calls the pipeline, and prints; nothing below
this package imports it. What the verbs share — where output goes, where report lines go — is here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from newsletter.dist import output_folder as dist_folder


def output_folder(args, settings) -> Path:
    """--out as given, relative to where the command runs; by default the project's own dist/."""
    return dist_folder(settings, args.out)


def report_printer(quiet: bool) -> Callable[[str], None]:
    """Where a build's report lines go: stderr; --quiet hides progress and warnings, never errors."""
    def show(line: str) -> None:
        if not quiet or line.startswith("error:"):
            print(line, file=sys.stderr)
    return show
