"""`newsletter build [ISSUE…]`: every issue (or the chosen ones) into dist/, then the web archive when set."""

from __future__ import annotations

from newsletter.archive import write_archive
from newsletter.build import build
from newsletter.commands import open_project, output_folder, report_printer, writing_to
from newsletter.faults import fault_point
from newsletter.report import BuildReport


def run(args) -> int:
    settings = open_project(args)
    report = BuildReport(on_line=report_printer(args.quiet))
    out = output_folder(args, settings)
    with writing_to(out):
        built = build(settings, args.issues, args.locale, out, report, use_cache=not args.no_cache)
        # the web archive follows every successful build (links.archive); a failed one leaves the public pages as they were
        if settings.archive_url and not report.errors:
            fault_point("archive")
            write_archive(settings, out / "archive", report, built)
    return 1 if report.errors else 0
