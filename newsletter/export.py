"""`newsletter export` / `python send.py`: build an issue and export it for a mailing provider.

load → render (newsletter.build) → pre-send checks → provider files + manifest → write.
Everything is produced in memory first; then the issue's folder — the build's files, the
exports of other providers already there, and this export under <provider>/ — is swapped in
whole. A failure at any step leaves the previous output untouched.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from newsletter.build import BuildReport, IssueBuild, issue_files, render_issue, select_locales
from newsletter.cache import RenderCache
from newsletter.checks import check_build
from newsletter.content import load_issues
from newsletter.errors import Location, NewsletterError, Problem, UsageError
from newsletter.output import replace_folder
from newsletter.providers import PROVIDERS, provider_named
from newsletter.providers.base import Provider
from newsletter.settings import PSEUDO_LOCALES, Settings

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Export:
    build: IssueBuild
    provider: str
    folder: Path  # DIR/<issue>/<provider>/
    files: dict[str, bytes]  # relative to folder, manifest.json included


def run_command(args, settings: Settings) -> int:
    """The CLI entry point: proofs over SMTP when --smtp is given, otherwise an export."""
    from newsletter.cli import output_folder

    report = BuildReport(on_line=(lambda line: None) if args.quiet else (lambda line: print(line, file=sys.stderr)))
    if args.smtp or args.to:
        from newsletter.proof import send_proofs_command

        return send_proofs_command(args, settings, report)
    result = export_issue(settings, args.issue, args.provider, args.locale, output_folder(args, settings), report,
                          external_checks=not args.skip_external_checks)
    if not args.quiet:
        print(f"wrote {len(result.files) - 1} files for {result.provider} under {result.folder}/", file=sys.stderr)
    return 1 if report.errors else 0


def build_for_send(settings: Settings, issue_id: str, locales: list[str] | None, report: BuildReport,
                   external_checks: bool = True) -> IssueBuild:
    """Render every chosen locale of the issue in memory and run the pre-send checks."""
    chosen = select_locales(settings, locales)
    issue = load_issues(settings, [issue_id])[0]
    report.info(f"building {issue.id} in {len(chosen)} locales: {', '.join(chosen)}")
    built = render_issue(issue, settings, chosen, report, RenderCache(settings))
    run_pre_send_checks(built, settings, report, external_checks)
    return built


def export_issue(settings: Settings, issue_id: str, provider_name: str, locales: list[str] | None,
                 out: Path, report: BuildReport, external_checks: bool = True) -> Export:
    provider = provider_named(provider_name)  # before any work: a typo is reported at once
    refuse_pseudo_locales(locales)
    built = build_for_send(settings, issue_id, locales, report, external_checks)
    folder = out / built.issue.id
    files = export_files(built, provider, settings)
    everything = {**issue_files(built, settings, folder), **_other_exports(folder, provider.name),
                  **{f"{provider.name}/{name}": data for name, data in files.items()}}
    replace_folder(folder, everything)
    return Export(built, provider.name, folder / provider.name, files)


def refuse_pseudo_locales(locales: list[str] | None) -> None:
    """Pseudo-locales are for layout checks: an export goes to subscribers, so it never holds one (a proof may)."""
    for locale in locales or ():
        if locale in PSEUDO_LOCALES:
            raise UsageError(Problem(Location("--locale"), f"{locale} is a pseudo-locale, made for layout checks and never "
                                     "sent to subscribers", f"to look at it, run: newsletter build --locale {locale}, or "
                                     "newsletter preview (proofs over --smtp may include it)"))


def export_files(built: IssueBuild, provider: Provider, settings: Settings) -> dict[str, bytes]:
    """The provider's files for every locale, plus a manifest (files, sizes, SHA-256)."""
    files = {}
    for email in built.emails:
        for exported in provider.files(email, settings, built.issue.date):
            files[exported.name] = exported.data
    manifest = {
        "issue": built.issue.id, "date": built.issue.date.isoformat(), "provider": provider.name,
        "locales": [email.locale for email in built.emails],
        "files": [{"path": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                  for name, data in files.items()],
    }
    files[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()
    return files


def _other_exports(folder: Path, replaced: str) -> dict[str, bytes]:
    """Other providers' earlier exports in the issue folder, kept as they are."""
    kept = {}
    for name in PROVIDERS:
        export = folder / name
        if name != replaced and export.is_dir():
            kept.update({p.relative_to(folder).as_posix(): p.read_bytes() for p in export.rglob("*") if p.is_file()})
    return kept


def run_pre_send_checks(built: IssueBuild, settings: Settings, report: BuildReport, external: bool) -> None:
    """The pre-send checks (newsletter/checks): errors stop the export or proof, warnings are listed.
    `external` adds the official MJML validator and SpamAssassin, as `newsletter check` runs them."""
    findings = check_build(built, settings, spam=external)
    for finding in findings:
        if finding.severity != "error":
            report.warn(str(finding))
    errors = [Problem(Location(f.locale), f"{f.check}: {f.message}", f.hint) for f in findings if f.severity == "error"]
    if errors:
        raise NewsletterError(errors)
