"""The whole pipeline in one place: load → validate → localize → render → check → write.

Every locale of an issue is rendered in memory first; only when all succeeded is the
issue's folder written, through a temporary folder swapped into place. A broken issue
leaves its previous output untouched.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from newsletter.cache import RenderCache
from newsletter.checks import Finding
from newsletter.checks.content import REFUSED_TRANSLATION
from newsletter.content import Issue, read_issues
from newsletter.errors import Location, NewsletterError, Problem, UsageError
from newsletter.output import replace_folder, writing
from newsletter.render import IssueBuild, RenderedEmail
from newsletter.render_pool import RenderPool, render_locale
from newsletter.report import BuildReport
from newsletter.settings import PSEUDO_LOCALES, Settings


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


def _previous_entries(folder: Path) -> list[dict]:
    """The locales of the folder's manifest.json, as the previous build wrote them."""
    try:
        entries = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["locales"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [entry for entry in entries if isinstance(entry, dict)] if isinstance(entries, list) else []


def _kept_locales(folder: Path, rebuilt: set[str], known: set[str]) -> tuple[dict[str, bytes], list[dict]]:
    """Files and manifest entries of the locales a partial build (--locale) did not touch; a locale that is no
    longer in newsletter.yaml is not kept."""
    files, entries = {}, []
    for entry in _previous_entries(folder):
        if entry.get("locale") in rebuilt or entry.get("locale") not in known:
            continue
        paths = [entry.get(key) for key in ("html", "text", "mjml")]
        if all(isinstance(p, str) and (folder / p).is_file() for p in paths):
            files.update({p: (folder / p).read_bytes() for p in paths})
            entries.append(entry)
    return files, entries


def _locale_order(settings: Settings, locale: str) -> int:
    order = (*settings.locales, *PSEUDO_LOCALES)
    return order.index(locale) if locale in order else len(order)


def issue_files(build: IssueBuild, settings: Settings, previous: Path | None = None) -> dict[str, bytes]:
    """The files of one built issue: per locale email.html/.txt/.mjml, plus manifest.json.

    Locales not rebuilt this time keep their previous files, so `--locale es` updates one locale.
    """
    rebuilt = {email.locale for email in build.emails}
    known = {*settings.locales, *PSEUDO_LOCALES}
    files, entries = _kept_locales(previous, rebuilt, known) if previous else ({}, [])
    for email in build.emails:
        html, text = email.html.encode(), email.text.encode()
        files[f"{email.locale}/email.html"] = html
        files[f"{email.locale}/email.txt"] = text
        files[f"{email.locale}/email.mjml"] = email.mjml.encode()
        entries.append({
            "locale": email.locale, "lang": email.lang, "dir": email.dir,
            "subject": email.subject, "preheader": email.preheader,
            "html": f"{email.locale}/email.html", "text": f"{email.locale}/email.txt",
            "mjml": f"{email.locale}/email.mjml",
            "html_bytes": len(html), "text_bytes": len(text),
            "coverage": email.coverage, "fallbacks": len(email.fallbacks),
            "pseudo": email.locale in PSEUDO_LOCALES,
        })
    entries.sort(key=lambda entry: _locale_order(settings, entry["locale"]))
    manifest = {"issue": build.issue.id, "date": build.issue.date.isoformat(), "locales": entries}
    files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()
    return files


def _exports(folder: Path, files: dict[str, bytes]) -> list[str]:
    """Provider exports beside the build's files (dist/<issue>/eml/, …): folders the build does not write,
    nor wrote before (those are locales since taken out of newsletter.yaml)."""
    own = {name.split("/", 1)[0] for name in files} | {entry.get("locale") for entry in _previous_entries(folder)}
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and p.name not in own and not p.name.startswith("."))


def _retired_locales(folder: Path, files: dict[str, bytes]) -> list[str]:
    """Locales of the previous build that this one no longer writes: taken out of target_locales."""
    return [entry["locale"] for entry in _previous_entries(folder)
            if isinstance(entry.get("locale"), str) and f"{entry['locale']}/email.html" not in files]


def _unchanged(folder: Path, files: dict[str, bytes]) -> bool:
    """True when the folder already holds exactly these files, exports aside (nothing to rewrite)."""
    if not folder.is_dir():
        return False
    exports = set(_exports(folder, files))
    present = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}
    present = {name for name in present if name.split("/", 1)[0] not in exports}
    return present == set(files) and all((folder / name).read_bytes() == data for name, data in files.items())


def _shipped_files(folder: Path, files: dict[str, bytes]) -> dict[str, bytes]:
    """The files of the locales subscribers receive (pseudo-locales and the manifest aside), as on disk."""
    exports = set(_exports(folder, files))
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and path.relative_to(folder).parts[0] not in {*exports, *PSEUDO_LOCALES, "manifest.json"}}


def _kept_exports(folder: Path, files: dict[str, bytes]) -> dict[str, bytes]:
    """Earlier exports stay while every shipped locale's files are what they were exported from
    (a pseudo-locale built for a layout check changes none of them)."""
    shipped = {name: data for name, data in files.items()
               if name.split("/", 1)[0] not in PSEUDO_LOCALES and name != "manifest.json"}
    if _shipped_files(folder, files) != shipped:
        return {}
    return {path.relative_to(folder).as_posix(): path.read_bytes() for name in _exports(folder, files)
            for path in sorted((folder / name).rglob("*")) if path.is_file()}


def _write_issue(folder: Path, files: dict[str, bytes], report: BuildReport, unchanged: bool | None = None) -> None:
    """Write the issue's folder unless it is unchanged; exports of an older build go with it, said aloud,
    unless the locales they hold are unchanged."""
    if _unchanged(folder, files) if unchanged is None else unchanged:
        return
    kept = _kept_exports(folder, files) if folder.is_dir() else {}
    for stale in _exports(folder, files) if folder.is_dir() and not kept else []:
        report.warn(f"{folder / stale}/: removed, it was exported from the previous build — export again")
    for locale in _retired_locales(folder, files):
        why = ("a pseudo-locale, for layout checks: build it with --locale" if locale in PSEUDO_LOCALES
               else "no longer in target_locales (newsletter.yaml)")
        report.info(f"note: {folder / locale}/: removed, {locale} is {why}")
    replace_folder(folder, {**files, **kept})


def build(settings: Settings, issue_ids: list[str] | None, locales: list[str] | None, out: Path,
          report: BuildReport, use_cache: bool = True) -> list[IssueBuild]:
    """Build the issues; each one is written whole or not at all. Raises when any failed.

    load → validate (read_issues) → localize + render + check (RenderPool) → write (_write_issue).
    A broken issue is reported and skipped; the others are still built.
    """
    chosen_locales = select_locales(settings, locales)
    issues, problems = _valid_issues(settings, issue_ids, report)
    built = []
    with _writing(issues, settings, out), \
            RenderPool(issues, settings, chosen_locales, RenderCache(settings) if use_cache else None) as pool:
        # While the workers render: compare each issue that came whole from the cache with its folder.
        compared = {issue.id: _compared(IssueBuild(issue, hit.emails), settings, out) for issue, hit in pool.cached()}
        for issue, rendered in pool.results():
            report.info(f"building {issue.id} in {len(chosen_locales)} locales: {', '.join(chosen_locales)}")
            if isinstance(rendered, NewsletterError):
                problems.extend(rendered.problems)
                report.info(f"{issue.id}: not written; the previous output is unchanged")
                continue
            result = IssueBuild(issue, rendered.emails)
            review_issue(result, report)
            _report_findings(rendered.findings, report)
            files, unchanged = compared.get(issue.id) or (issue_files(result, settings, out / issue.id), None)
            _write_issue(out / issue.id, files, report, unchanged)
            built.append(result)
    _report_written(built, out, report)
    if problems:
        raise NewsletterError(problems)
    return built


@contextmanager
def _writing(issues: list[Issue], settings: Settings, out: Path) -> Iterator[None]:
    """Every issue's output folder held for the whole build: a second build of the same folders is refused at
    once, rather than rendering for nothing and then writing over this one."""
    with ExitStack() as held:
        for issue in issues:
            held.enter_context(writing(out / issue.id, settings.relative(out / issue.id)))
        yield


def _valid_issues(settings: Settings, issue_ids: list[str] | None, report: BuildReport) -> tuple[list[Issue], list[Problem]]:
    """The issues that load and validate, and the problems of those that do not (said to be skipped)."""
    issues, broken = read_issues(settings, issue_ids)
    for broken_file in dict.fromkeys(problem.location.file for problem in broken):
        report.info(f"{broken_file}: not built; its previous output is unchanged")
    return issues, list(broken)


def _compared(result: IssueBuild, settings: Settings, out: Path) -> tuple[dict[str, bytes], bool]:
    """An issue's files, and whether its folder already holds exactly them."""
    files = issue_files(result, settings, out / result.issue.id)
    return files, _unchanged(out / result.issue.id, files)


def _report_findings(findings: tuple[Finding, ...], report: BuildReport) -> None:
    """The pre-send findings: an error fails the build, but the draft is still written."""
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
