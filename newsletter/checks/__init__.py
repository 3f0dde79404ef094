"""Pre-send checks, per locale: size, links, accessibility, compliance, content, MJML and spam.

One module per check family; each check is a small function named after what it checks,
taking one CheckedEmail and yielding Findings. `check_build` runs the fast ones on every build;
`spam=True` (used by `newsletter check` and the export) adds the checks of the exported MIME
message and the external tools: the official MJML validator and SpamAssassin, where installed.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Protocol

from newsletter.checks import accessibility, clients, compliance, content, links, mjml, size
from newsletter.checks import spam as spam_check
from newsletter.checks.external import ExternalTools, SendVerdict, missing_tools
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


class Verdicts(Protocol):
    """Where a caller keeps each email's SendVerdict (newsletter.cache.VerdictCache), by locale."""

    def get(self, locale: str) -> SendVerdict | None: ...

    def put(self, locale: str, verdict: SendVerdict) -> None: ...


def run_checks(build: IssueBuild, settings: Settings, *, external: bool = False,
               in_package: tuple[Finding, ...] | None = None, verdicts: Verdicts | None = None) -> CheckRun:
    """The in-package checks on every email (or their findings, when the caller already has them:
    the build caches them with each render); with `external`, the send checks and the installed
    external tools too, started first so that they run beside the in-package checks — for the emails
    whose verdict `verdicts` does not already hold (those are kept there after)."""
    run = CheckRun()
    if external:
        spam_check.end_orphans()  # a spamd whose run was killed outright, even when this run scores nothing
    known = {email.locale: verdicts.get(email.locale) for email in build.emails} if external and verdicts else {}
    emails = checked_emails(build if in_package is None else IssueBuild(build.issue, tuple(
        email for email in build.emails if external and known.get(email.locale) is None)), settings)
    unknown = [checked for checked in emails if external and known.get(checked.locale) is None]
    with ExternalTools(unknown, settings) if unknown else nullcontext() as tools:
        if in_package is not None:
            run.findings.extend(in_package)
        for checked in emails if in_package is None else ():
            run.findings.extend(finding for check in CHECKS for finding in check(checked))
        found = _send_verdicts(unknown, tools) if tools else {}
    if external:
        if verdicts and tools and not tools.mjml_failed:
            for locale, verdict in found.items():
                verdicts.put(locale, verdict)
        for email in build.emails:
            verdict = known.get(email.locale) or found[email.locale]
            run.findings.extend(verdict.findings)
            run.spam_scores.extend([verdict.score] if verdict.score else [])
            run.client_gaps.update({gap.feature: gap for gap in verdict.gaps if gap.feature not in run.client_gaps})
        run.skipped.extend(tools.skipped if tools else missing_tools(settings))
        order = [email.locale for email in build.emails]
        run.findings.sort(key=lambda finding: order.index(finding.locale))  # stable: families keep their order
    return run


def _send_verdicts(emails: list[CheckedEmail], tools: ExternalTools) -> dict[str, SendVerdict]:
    """Each email's SendVerdict by locale (the validator's own failure is the first email's finding: such
    verdicts are not kept)."""
    official = tools.mjml_findings()
    scores = dict(zip((checked.locale for checked in emails), tools.spam_scores()))
    found = {}
    for checked in emails:
        score = scores.get(checked.locale)
        findings = [*(f for check in compliance.EXPORT_CHECKS for f in check(checked)),
                    *(f for check in clients.CHECKS for f in check(checked)),
                    *(f for f in official if f.locale == checked.locale),
                    *(spam_check.findings(checked, score) if score else ())]
        found[checked.locale] = SendVerdict(tuple(findings), score, clients.client_gaps(checked))
    return found


def check_build(build: IssueBuild, settings: Settings, *, spam: bool = False,
                in_package: tuple[Finding, ...] | None = None, verdicts: Verdicts | None = None) -> list[Finding]:
    """Every finding about the built emails, in locale order. spam=True also checks the exported
    MIME message and runs the external tools (the official MJML validator and SpamAssassin):
    slower, for the command and the export. `in_package`, `verdicts`: see run_checks."""
    return run_checks(build, settings, external=spam, in_package=in_package, verdicts=verdicts).findings

