"""The whole pipeline in one place: load → validate → localize → render → check → write.

Every locale of an issue is rendered in memory first; only when all succeeded is the
issue's folder written, through a temporary folder swapped into place. A broken issue
leaves its previous output untouched; one that fails a pre-send check is written as a
draft beside it (dist/<issue>/.draft/), its previous output and exports untouched.
"""

from __future__ import annotations

from pathlib import Path

from newsletter.cache import RenderCache
from newsletter.checks import Finding
from newsletter.checks.content import REFUSED_TRANSLATION
from newsletter.dist import compared_files, holding, issue_files, write_draft, write_issue
from newsletter.errors import Location, NewsletterError, Problem, UsageError
from newsletter.faults import fault_point
from newsletter.i18n.catalogs import readable_locales
from newsletter.model.content import Issue, read_issues
from newsletter.model.settings import PSEUDO_LOCALES, Settings
from newsletter.output import recover_swaps
from newsletter.render import IssueBuild, RenderedEmail
from newsletter.render_pool import RenderPool, render_locale
from newsletter.report import BuildReport


def select_locales(settings: Settings, wanted: list[str] | None) -> tuple[str, ...]:
    """The locales to build: all subscriber locales by default; pseudo-locales on request."""
    if not wanted:
        return settings.locales
    known = (*settings.locales, *PSEUDO_LOCALES)
    for locale in wanted:
        if locale not in known:
            raise UsageError(Problem(Location("newsletter.yaml"), f"unknown locale {locale!r}",
                                     f"known locales: {', '.join(known)}"))
    return tuple(dict.fromkeys(wanted))


def render_issue(issue: Issue, settings: Settings, locales: tuple[str, ...], report: BuildReport,
                 cache: RenderCache | None = None) -> IssueBuild:
    """Localize and render every locale of one issue, in memory (reusing cached renders)."""
    result = IssueBuild(issue, tuple(render_locale(issue, settings, locale, cache) for locale in locales))
    review_issue(result, report)
    return result


def render_checked(issue: Issue, settings: Settings, locales: tuple[str, ...], report: BuildReport,
                   cache: RenderCache) -> tuple[IssueBuild, tuple[Finding, ...]]:
    """render_issue, with the in-package findings of every email: from the cache when a build (or an
    earlier export or check) already checked that email, else rendered and checked on every core
    when that pays, and cached. A failed locale raises its problems."""
    with RenderPool([issue], settings, locales, cache) as pool:
        [(_, checked)] = pool.results()
    if isinstance(checked, NewsletterError):
        raise checked
    result = IssueBuild(issue, checked.emails)
    review_issue(result, report)
    return result, checked.findings


def review_issue(result: IssueBuild, report: BuildReport) -> None:
    """Report what fell back to English (the size limit is the pre-send check size.gmail-clip)."""
    for email in result.emails:
        _report_fallbacks(email, report)


MAX_LISTED_FALLBACKS = 10


def _report_fallbacks(email: RenderedEmail, report: BuildReport) -> None:
    """Untranslated and fuzzy strings are warnings; a translation that failed a check is an error
    (it is never shipped: the English stands in for it). `newsletter check` and the export see the
    same as the pre-send check content.translation-refused."""
    where = f"{email.issue_id} {email.locale}"
    missing = [f for f in email.fallbacks if f.reason in ("untranslated", "fuzzy")]
    if missing:
        kinds = ", ".join(f"{sum(f.reason == k for f in missing)} {k}" for k in ("untranslated", "fuzzy")
                          if any(f.reason == k for f in missing))
        report.warn(f"{where}: {len(missing)} strings shown in English ({kinds}); "
                    f"see: newsletter i18n status")
        for fallback in missing[:MAX_LISTED_FALLBACKS]:
            report.warn(f"{where}: {fallback}")
        if len(missing) > MAX_LISTED_FALLBACKS:
            report.warn(f"{where}: … and {len(missing) - MAX_LISTED_FALLBACKS} more")
    for fallback in email.fallbacks:
        if fallback.reason not in ("untranslated", "fuzzy"):
            report.error(f"{where}: {fallback} — translation refused, the English is used")


def build(settings: Settings, issue_ids: list[str] | None, locales: list[str] | None, out: Path,
          report: BuildReport, use_cache: bool = True) -> list[IssueBuild]:
    """Build the issues; each one is written whole or not at all. Raises when any failed.

    load → validate (read_issues) → localize + render + check (RenderPool) → write (newsletter.dist.write_issue).
    A broken issue is reported and skipped; the others are still built.
    """
    chosen_locales = select_locales(settings, locales)
    recover_swaps(out)  # a folder a killed command left half-swapped is whole again before anything is said of it
    issues, problems = _valid_issues(settings, issue_ids, report)
    chosen_locales, unreadable = _readable_locales(settings, chosen_locales, report)
    problems += unreadable
    if not chosen_locales:
        raise NewsletterError(problems)
    built = []
    with holding(issues, settings, out), \
            RenderPool(issues, settings, chosen_locales, RenderCache(settings) if use_cache else None) as pool:
        # While the workers render: compare each issue that came whole from the cache with its folder.
        compared = {issue.id: compared_files(IssueBuild(issue, hit.emails), settings, out) for issue, hit in pool.cached()}
        for issue, rendered in pool.results():
            report.info(f"building {issue.id} in {len(chosen_locales)} locales: {', '.join(chosen_locales)}")
            if isinstance(rendered, NewsletterError):
                problems.extend(rendered.problems)
                report.info(f"{issue.id}: not written; the previous output is unchanged")
                continue
            result, errors_before = IssueBuild(issue, rendered.emails), len(report.errors)
            review_issue(result, report)
            _report_findings(rendered.findings, report)
            fault_point("checked")
            files, unchanged = compared.get(issue.id) or (issue_files(result, settings, out / issue.id), None)
            if len(report.errors) > errors_before:  # never sent as it is: good output is not replaced by it
                write_draft(out / issue.id, files, report, settings.relative(out / issue.id), report.errors[errors_before:])
                continue
            write_issue(out / issue.id, files, report, unchanged)
            built.append(result)
    _report_written(built, out, report)
    if problems:
        raise NewsletterError(problems)
    return built


def _valid_issues(settings: Settings, issue_ids: list[str] | None, report: BuildReport) -> tuple[list[Issue], list[Problem]]:
    """The issues that load and validate, and the problems of those that do not (said to be skipped)."""
    issues, broken = read_issues(settings, issue_ids)
    for broken_file in dict.fromkeys(problem.location.file for problem in broken):
        report.info(f"{broken_file}: not built; its previous output is unchanged")
    return issues, list(broken)


def _readable_locales(settings: Settings, locales: tuple[str, ...], report: BuildReport) -> tuple[tuple[str, ...], list[Problem]]:
    """The locales to build: a catalog that cannot be read stops its own language (said), not the others."""
    readable, problems = readable_locales(settings, locales)
    for locale in (locale for locale in locales if locale not in readable):
        report.info(f"{locale}: not built, its catalog cannot be read; the other languages are")
    return readable, problems


def _report_findings(findings: tuple[Finding, ...], report: BuildReport) -> None:
    """The pre-send findings: an error fails the build, but the draft is still written (to <issue>/.draft/)."""
    for finding in findings:
        if finding.check != REFUSED_TRANSLATION:  # the review of the render said it already, at its PO line
            (report.error if finding.severity == "error" else report.warn)(str(finding))


def _report_written(built: list[IssueBuild], out: Path, report: BuildReport) -> None:
    if built:  # also when another issue failed: what was written is worth saying
        report.info(summary_table(built))
        report.info(f"wrote {sum(len(b.emails) for b in built)} emails under {out}/")


def summary_table(builds: list[IssueBuild]) -> str:
    rows = [("issue", "locale", "dir", "coverage", "html", "fallbacks")]
    for result in builds:
        for email in result.emails:
            rows.append((result.issue.id, email.locale, email.dir, f"{email.coverage:.0%}",
                         f"{len(email.html.encode()) / 1024:.1f} KB", str(len(email.fallbacks))))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows)
