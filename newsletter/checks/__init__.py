"""Pre-send checks, per locale: size, links, accessibility, compliance, content, MJML and spam.

One module per check family; each check is a small function named after what it checks,
taking one CheckedEmail and yielding Findings. `check_build` runs the fast ones on every build;
`spam=True` (used by `newsletter check` and the export) adds the checks of the exported MIME
message and the external tools: the official MJML validator and SpamAssassin, where installed.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field

from newsletter.checks import accessibility, clients, compliance, content, links, mjml, size
from newsletter.checks import spam as spam_check
from newsletter.checks.external import ExternalTools
from newsletter.checks.model import Check, CheckedEmail, Finding
from newsletter.checks.spam import SpamScore
from newsletter.i18n.translator import translator_for
from newsletter.model.settings import Settings
from newsletter.render import IssueBuild

__all__ = ["Finding", "check_build", "run_checks"]

CHECKS: tuple[Check, ...] = (*size.CHECKS, *links.CHECKS, *accessibility.CHECKS, *compliance.CHECKS,
                             *content.CHECKS, *mjml.CHECKS)


@dataclass
class CheckRun:
    findings: list[Finding] = field(default_factory=list)
    spam_scores: list[SpamScore] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # external checks whose tool is not installed
    client_gaps: dict[str, clients.ClientGap] = field(default_factory=dict)  # by feature, over all locales


def checked_emails(build: IssueBuild, settings: Settings) -> list[CheckedEmail]:
    """Each email with its English source and its localized issue (catalogs are cached: this is cheap)."""
    return [CheckedEmail(email, build.issue, translator_for(settings, email.locale).localize(build.issue), settings)
            for email in build.emails]


def run_checks(build: IssueBuild, settings: Settings, *, external: bool = False,
               in_package: tuple[Finding, ...] | None = None) -> CheckRun:
    """The in-package checks on every email (or their findings, when the caller already has them:
    the build caches them with each render); with `external`, the installed external tools too,
    started first so that they run beside the in-package checks."""
    run = CheckRun()
    emails = checked_emails(build, settings)
    with ExternalTools(emails, settings) if external else nullcontext() as tools:
        if in_package is not None:
            run.findings.extend(in_package)
        for checked in emails if in_package is None else ():
            run.findings.extend(finding for check in CHECKS for finding in check(checked))
        if tools:
            _add_send_checks(emails, tools, run)
            order = [email.locale for email in build.emails]
            run.findings.sort(key=lambda finding: order.index(finding.locale))  # stable: families keep their order
    return run


def _add_send_checks(emails: list[CheckedEmail], tools: ExternalTools, run: CheckRun) -> None:
    run.findings.extend(finding for checked in emails for check in compliance.EXPORT_CHECKS for finding in check(checked))
    run.findings.extend(finding for checked in emails for check in clients.CHECKS for finding in check(checked))
    for checked in emails:
        run.client_gaps.update({gap.feature: gap for gap in clients.client_gaps(checked) if gap.feature not in run.client_gaps})
    run.findings.extend(tools.mjml_findings())
    for checked, score in zip(emails, tools.spam_scores()):
        run.spam_scores.append(score)
        run.findings.extend(spam_check.findings(checked, score))
    run.skipped.extend(tools.skipped)


def check_build(build: IssueBuild, settings: Settings, *, spam: bool = False,
                in_package: tuple[Finding, ...] | None = None) -> list[Finding]:
    """Every finding about the built emails, in locale order. spam=True also checks the exported
    MIME message and runs the external tools (the official MJML validator and SpamAssassin):
    slower, for the command and the export. `in_package`: see run_checks."""
    return run_checks(build, settings, external=spam, in_package=in_package).findings

