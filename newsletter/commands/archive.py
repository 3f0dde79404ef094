"""`newsletter archive`: the web archive (newsletter/archive/) written to dist/archive/ or --out."""

from __future__ import annotations

from newsletter.archive import write_archive
from newsletter.commands import open_project, report_printer, writing_to
from newsletter.dist import archive_folder
from newsletter.report import BuildReport


def run(args) -> int:
    settings = open_project(args)
    out = archive_folder(settings, args.out)
    with writing_to(out):
        write_archive(settings, out, BuildReport(on_line=report_printer(args.quiet)))
    return 0
