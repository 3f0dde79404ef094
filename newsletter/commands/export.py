"""`newsletter export` / `python send.py`: an export for a mailing provider, or proofs over SMTP."""

from __future__ import annotations

import sys

from newsletter.commands import open_project, output_folder, report_printer, writing_to
from newsletter.delivery.export import build_for_send, export_issue
from newsletter.delivery.proof import ProofsStopped, accepted_lines, outcomes, send_proofs, summary
from newsletter.delivery.proof_server import server_from_args
from newsletter.errors import NewsletterError
from newsletter.model.settings import Settings
from newsletter.report import BuildReport
from newsletter.uptodate import produced, watch_tree


def run(args) -> int:
    settings = open_project(args)
    with writing_to(output_folder(args, settings)):
        return run_command(args, settings)


def run_command(args, settings: Settings) -> int:
    """Proofs over SMTP when --smtp is given, otherwise an export."""
    report = BuildReport(on_line=report_printer(args.quiet))
    if args.smtp or args.to:
        return send_proofs_command(args, settings, report)
    result = export_issue(settings, args.issue, args.provider, args.locale, output_folder(args, settings), report,
                          external_checks=not args.skip_external_checks)
    produced(result.folder.parent)  # the issue's folder: its emails and every provider's export
    for folder in (settings.issues_dir, settings.locales_dir, settings.templates_dir):
        watch_tree(folder)
    if not args.quiet:
        print(f"wrote {len(result.files) - 1} files for {result.provider} under {result.folder}/", file=sys.stderr)
    return 1 if report.errors else 0


def send_proofs_command(args, settings: Settings, report: BuildReport) -> int:
    """One proof per locale to every --to address; what the server said of each recipient, and exit 1 if it
    refused any."""
    server = server_from_args(args)
    built = build_for_send(settings, args.issue, args.locale, report, external_checks=not args.skip_external_checks)
    try:
        deliveries = send_proofs(built, settings, server, args.to)
    except ProofsStopped as stopped:
        for line in accepted_lines(stopped.deliveries, server):  # what went through is still true
            print(line, file=sys.stderr)
        raise
    lines, problems = outcomes(deliveries, server)
    if not args.quiet:
        for line in [*lines, *summary(deliveries, server)]:
            print(line, file=sys.stderr)
    if problems:
        raise NewsletterError(problems)
    return 1 if report.errors else 0
