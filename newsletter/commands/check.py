"""`newsletter check [ISSUE] [--locale L ...] [--format text|json] [--strict]`.

Text: one line per finding on stdout (`severity: locale: check: message — hint`), then the spam
score of each locale, the features a major email client lacks (with the email's fallback), and a
summary on stderr. JSON: {"findings": [...], "spam": [...], "skipped": [...], "clients": [...]}.
Exit 1 when any error (with --strict, any warning too), else 0.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace

from newsletter.build import render_checked, select_locales
from newsletter.cache import RenderCache, VerdictCache
from newsletter.checks import CheckRun, run_checks
from newsletter.commands import open_project
from newsletter.errors import NewsletterError, Problem
from newsletter.model.content import read_issues
from newsletter.model.settings import Settings
from newsletter.report import BuildReport


def check_issues(settings: Settings, issue: str | None, locales: list[str] | None, strict: bool,
                 broken: list[Problem] | None = None) -> dict[str, CheckRun]:
    """Every chosen issue rendered in memory (nothing written) and checked with every tool installed;
    the problems of issues that do not load go to `broken`, and the others are still checked."""
    chosen = select_locales(settings, locales)
    runs = {}
    loaded_issues, problems = read_issues(settings, [issue] if issue else None)
    if broken is not None:
        broken.extend(problems)
    elif problems:
        raise NewsletterError(problems)
    for loaded in loaded_issues:
        renders = RenderCache(settings)
        built, in_package = render_checked(loaded, settings, chosen, BuildReport(), renders)
        run = run_checks(built, settings, external=True, in_package=in_package,
                         verdicts=VerdictCache(renders, settings.root / loaded.file))
        if strict:
            run.findings = [replace(finding, severity="error") for finding in run.findings]
        runs[loaded.id] = run
    return runs


def run(args) -> int:
    settings = open_project(args)
    broken: list[Problem] = []
    runs = check_issues(settings, args.issue, args.locale, args.strict, broken)
    if args.format == "json":
        print(json.dumps(_as_json(runs), indent=2, ensure_ascii=False))
    else:
        _print_text(runs)
    if broken:
        raise NewsletterError(broken)  # printed after the findings of the issues that could be checked
    return 1 if any(f.severity == "error" for run in runs.values() for f in run.findings) else 0


def _as_json(runs: dict[str, CheckRun]) -> dict:
    return {
        "findings": [{"issue": issue, **finding.as_dict()} for issue, run in runs.items() for finding in run.findings],
        "spam": [{"issue": issue, **score.as_dict()} for issue, run in runs.items() for score in run.spam_scores],
        "skipped": sorted({skipped for run in runs.values() for skipped in run.skipped}),
        "clients": [{"issue": issue, **gap.as_dict()} for issue, run in runs.items() for gap in run.client_gaps.values()],
    }


def _print_text(runs: dict[str, CheckRun]) -> None:
    for issue, run in runs.items():
        for finding in run.findings:
            print(f"{finding.severity}: {finding}")
        for score in run.spam_scores:
            print(f"spam: {issue} {score.locale}: SpamAssassin {score}", file=sys.stderr)
        _print_client_gaps(issue, run)
        errors = sum(finding.severity == "error" for finding in run.findings)
        print(f"{issue}: {errors} error(s), {len(run.findings) - errors} warning(s)", file=sys.stderr)
        for skipped in run.skipped:
            print(f"{issue}: skipped {skipped}", file=sys.stderr)


def _print_client_gaps(issue: str, run: CheckRun) -> None:
    """The features a major client lacks, with the email's fallback; the rest is in --format json."""
    major = [gap for gap in run.client_gaps.values() if gap.major_unsupported]
    for gap in major:
        fallback = f"fallback: {gap.fallback}" if gap.fallback else "no fallback"
        print(f"clients: {issue}: {gap.title} ({gap.feature}) not supported in {', '.join(gap.major_unsupported)} "
              f"— {fallback}", file=sys.stderr)
    others = len(run.client_gaps) - len(major)
    if others:
        print(f"clients: {issue}: {others} more features lack support only in other clients or only in part "
              "(--format json lists them)", file=sys.stderr)
