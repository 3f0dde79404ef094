"""Build an issue and export it for a mailing provider (the command is newsletter.commands.export).

load → render (newsletter.build) → pre-send checks → provider files + manifest → write.
Everything is produced in memory first; then the issue's folder — the build's files, the
exports of other providers already there, and this export under <provider>/ — is swapped in
whole. A failure at any step leaves the previous output untouched. A partial export (--locale)
keeps the provider's files of the other locales while nothing they are made from changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from newsletter.build import render_checked, select_locales
from newsletter.cache import GateCache, RenderCache, VerdictCache
from newsletter.checks import Finding, check_build
from newsletter.checks.external import spamd_started_early
from newsletter.delivery.webversion import require_web_version, with_web_version
from newsletter.dist import issue_files, other_exports
from newsletter.errors import Location, NewsletterError, Problem, UsageError
from newsletter.faults import fault_point
from newsletter.i18n.gate import gate_export
from newsletter.model.content import load_issues
from newsletter.model.settings import PSEUDO_LOCALES, Settings
from newsletter.output import locked, recover_swaps, replace_folder
from newsletter.providers import PROVIDERS, provider_named
from newsletter.providers.base import Provider
from newsletter.providers.routing import SendPlan, plan_sends
from newsletter.render import IssueBuild
from newsletter.report import BuildReport

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Export:
    build: IssueBuild
    provider: str
    folder: Path  # DIR/<issue>/<provider>/
    files: dict[str, bytes]  # relative to folder, manifest.json included


def build_for_send(settings: Settings, issue_id: str, locales: list[str] | None, report: BuildReport,
                   external_checks: bool = True) -> IssueBuild:
    """Render every chosen locale of the issue in memory and run the pre-send checks."""
    chosen = select_locales(settings, locales)
    issue = load_issues(settings, [issue_id])[0]
    fault_point("loaded")
    report.info(f"building {issue.id} in {len(chosen)} locales: {', '.join(chosen)}")
    renders = RenderCache(settings)
    built, in_package = render_checked(issue, settings, chosen, report, renders)
    run_pre_send_checks(built, settings, report, external_checks, in_package, VerdictCache(renders, settings.root / issue.file))
    return built


def export_issue(settings: Settings, issue_id: str, provider_name: str, locales: list[str] | None,
                 out: Path, report: BuildReport, external_checks: bool = True) -> Export:
    provider = provider_named(provider_name)  # before any work: a typo is reported at once
    refuse_pseudo_locales(locales)
    require_web_version(provider, settings)
    listed, unlisted = listed_locales(provider, settings, list(select_locales(settings, locales)), report.warn)
    recover_swaps(out)  # a folder a killed command left half-swapped is whole again first
    with spamd_started_early(external_checks and unjudged(settings, issue_id, listed)):
        # The release gate: a language below its minimum is left out, and said so; its subscribers get the default.
        shipped, held = gate_export(settings, issue_id, listed, report.warn, GateCache(settings).judge)
        built = build_for_send(settings, issue_id, shipped, report, external_checks)
    fault_point("checked")
    folder = out / built.issue.id
    with locked(folder):  # another export's folder, read here, is still there when this one is swapped in
        made_locales = [email.locale for email in built.emails]
        # a partial export keeps the others; never a language left out this time
        kept = kept_exports(folder / provider.name, built, settings, made_locales, report, held | unlisted)
        plan, kept = send_plan_for(folder / provider.name, built, provider, settings, made_locales, kept, report)
        made = locale_exports(built, provider, settings, plan)
        files = export_files(built, provider, settings, [*made, *kept], plan)
        everything = {**issue_files(built, settings, folder), **other_exports(folder, provider.name, PROVIDERS),
                      **{f"{provider.name}/{name}": data for name, data in files.items()}}
        fault_point("export-write")
        replace_folder(folder, everything)
    return Export(built, provider.name, folder / provider.name, files)


def unjudged(settings: Settings, issue_id: str, locales: list[str]) -> bool:
    """Whether a locale's email has no kept verdict of the send checks (it is new, or changed): spamd is
    then started at once, before anything is rendered."""
    verdicts = VerdictCache(RenderCache(settings), settings.issues_dir / f"{issue_id}.yaml")
    return any(verdicts.get(locale) is None for locale in locales)


def listed_locales(provider: Provider, settings: Settings, chosen: list[str], warn) -> tuple[list[str], set[str]]:
    """The chosen locales the provider has a list or segment for, and those it has none for yet (a language just
    added to target_locales), each said through `warn` and left out of its export as the release gate leaves its
    own. The default locale's send (everyone no other send takes) cannot be left out, nor every locale chosen."""
    if provider.audience_yaml is None:
        return chosen, set()
    audience = provider.audience(settings)  # its section missing is said before any work, and nothing is written
    unlisted = [locale for locale in chosen if locale in audience.missing]
    default = settings.audience.default_locale
    if default in unlisted:
        raise NewsletterError(audience.missing_problem(default, "it is the default locale, whose send goes to everyone "
                                                       "no other send takes"))
    if unlisted and len(unlisted) == len(chosen):
        raise NewsletterError([audience.missing_problem(locale, f"nothing else to export for {provider.name}")
                               for locale in unlisted])
    for locale in unlisted:
        warn(audience.missing_line(locale, provider.name))
    return [locale for locale in chosen if locale not in unlisted], set(unlisted)


def refuse_pseudo_locales(locales: list[str] | None) -> None:
    """Pseudo-locales are for layout checks: an export goes to subscribers, so it never holds one (a proof may)."""
    for locale in locales or ():
        if locale in PSEUDO_LOCALES:
            raise UsageError(Problem(Location("--locale"), f"{locale} is a pseudo-locale, made for layout checks and never "
                                     "sent to subscribers", f"to look at it, run: newsletter build --locale {locale}, or "
                                     "newsletter preview (proofs over --smtp may include it)"))


@dataclass(frozen=True)
class LocaleExport:
    """One locale's files for a provider, and the digest of everything they are made from: the issue,
    the locale's catalog, the templates, the settings and the program (the render cache's key)."""

    locale: str
    inputs: str
    files: dict[str, bytes]


def send_plan_for(export: Path, built: IssueBuild, provider: Provider, settings: Settings, made: list[str],
                  kept: list[LocaleExport], report: BuildReport) -> tuple[SendPlan, list[LocaleExport]]:
    """The send plan of the locales shipped: those built now and those kept. The default locale's audience
    depends on which locales are shipped, so where a provider's files name their recipients, an earlier
    default export is kept only for the same set."""
    shipped = [*made, *(export.locale for export in kept)]
    plan = plan_sends(settings, built.issue.id, shipped)
    earlier = _read_manifest(export).get("send_plan", {})
    stale = provider.audience_in_files and earlier.get("shipped") != list(plan.shipped)
    if stale and plan.default_locale in {e.locale for e in kept}:
        kept = [e for e in kept if e.locale != plan.default_locale]
        report.warn(f"{export}/: removed {plan.default_locale}: its audience (everyone not in another send) was made for "
                    f"other languages than {', '.join(plan.shipped)} — export it again with --locale {plan.default_locale}")
        plan = plan_sends(settings, built.issue.id, [locale for locale in shipped if locale != plan.default_locale])
    if not plan.has_default:
        report.warn(f"{export}/: no send for {plan.default_locale}, the default locale: subscribers whose language is none "
                    f"of {', '.join(plan.shipped)} would get nothing — export it too with --locale {plan.default_locale}")
    return plan, kept


def locale_exports(built: IssueBuild, provider: Provider, settings: Settings, plan: SendPlan) -> list[LocaleExport]:
    """The provider's files for each locale just built, each with its audience from the send plan."""
    cache = RenderCache(settings)
    return [LocaleExport(email.locale, cache.key(settings.root / built.issue.file, email.locale),
                         {exported.name: exported.data
                          for exported in provider.files(with_web_version(email, settings), settings, built.issue.date,
                                                         plan.send_for(email.locale))})
            for email in built.emails]


def export_files(built: IssueBuild, provider: Provider, settings: Settings, exports: list[LocaleExport],
                 plan: SendPlan) -> dict[str, bytes]:
    """Every locale's files and the plan's, plus a manifest: per file its locale, size and SHA-256; per locale
    its inputs' digest; the send plan."""
    order = {locale: index for index, locale in enumerate(settings.locales)}
    exports = sorted(exports, key=lambda export: order.get(export.locale, len(order)))
    files = {name: data for export in exports for name, data in export.files.items()}
    plan_files = {exported.name: exported.data for exported in provider.plan_files(plan, settings)}
    entries = [(name, export.locale, data) for export in exports for name, data in export.files.items()]
    manifest = {
        "issue": built.issue.id, "date": built.issue.date.isoformat(), "provider": provider.name,
        "locales": [export.locale for export in exports],
        "files": [{"path": name, "locale": locale, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                  for name, locale, data in [*entries, *((name, None, data) for name, data in plan_files.items())]],
        "inputs": {export.locale: export.inputs for export in exports},
        "send_plan": send_plan_manifest(plan, provider, settings, {e.locale: list(e.files) for e in exports}, list(plan_files)),
    }
    files.update(plan_files)
    files[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()
    return files


def send_plan_manifest(plan: SendPlan, provider: Provider, settings: Settings, files: dict[str, list[str]],
                       plan_files: list[str]) -> dict:
    """The send plan as the manifest states it: per locale, who gets it (the rule, and the provider's lists or
    segments where it routes by list), under which name, from which files."""
    sends = []
    for send in plan.sends:
        lists = provider.recipients(settings, send)
        template = provider.template(send.locale)
        sends.append({"locale": send.locale, "audience": provider.audience_rule(send), **({"lists": lists} if lists is not None else {}),
                      "name": send.name, "files": [*files.get(send.locale, []), *plan_files],
                      **({"template": {"name": template.name, "each_issue": template.each_issue}} if template else {})})
    return {"field": plan.field, "default_locale": plan.default_locale, "shipped": list(plan.shipped), "sends": sends}


def kept_exports(export: Path, built: IssueBuild, settings: Settings, made: list[str],
                 report: BuildReport, held: set[str] = frozenset()) -> list[LocaleExport]:
    """A partial export (--locale) keeps this provider's earlier files of the other locales while they are
    exactly what exporting them now would give; the others are removed, and the report says so. A language
    the release gate holds back is never kept (the gate's warning said why)."""
    previous = _read_manifest(export)
    done = set(made) | held
    others = [locale for locale in previous.get("locales", []) if locale in settings.locales and locale not in done]
    cache = RenderCache(settings)
    kept = [found for locale in others
            if (found := _earlier_export(export, previous, locale, cache.key(settings.root / built.issue.file, locale)))]
    stale = [locale for locale in others if locale not in {found.locale for found in kept}]
    if kept:
        report.info(f"{export}/: kept {', '.join(e.locale for e in kept)} from the earlier export, made from the same "
                    "issue, catalogs, templates and settings")
    if stale:
        report.warn(f"{export}/: removed {', '.join(stale)}: the issue, a catalog, a template or the settings changed since "
                    "they were exported, or their files were edited — export them again with "
                    f"{' '.join(f'--locale {locale}' for locale in stale)}")
    return kept


def _read_manifest(export: Path) -> dict:
    """The provider's earlier manifest; empty when there is none or it is not one this program wrote."""
    try:
        manifest = json.loads((export / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    shape = {"locales": list, "files": list, "inputs": dict}
    ok = isinstance(manifest, dict) and all(isinstance(manifest.get(key), kind) for key, kind in shape.items())
    return manifest if ok else {}


def _earlier_export(export: Path, manifest: dict, locale: str, inputs: str) -> LocaleExport | None:
    """The locale's files as exported earlier, if made from these same inputs and unchanged on disk since."""
    if manifest["inputs"].get(locale) != inputs:
        return None
    present = {path.name: path for path in export.iterdir() if path.is_file()}
    files = {}
    for entry in manifest["files"]:
        if isinstance(entry, dict) and entry.get("locale") == locale:
            path = present.get(str(entry.get("path")))
            if path is None or hashlib.sha256(data := path.read_bytes()).hexdigest() != entry.get("sha256"):
                return None
            files[path.name] = data
    return LocaleExport(locale, inputs, files) if files else None


def run_pre_send_checks(built: IssueBuild, settings: Settings, report: BuildReport, external: bool,
                        in_package: tuple[Finding, ...] | None = None, verdicts: VerdictCache | None = None) -> None:
    """The pre-send checks (newsletter/checks): errors stop the export or proof, warnings are listed.
    `external` adds the official MJML validator and SpamAssassin, as `newsletter check` runs them;
    `in_package`: the in-package checks' findings, when already known; `verdicts`: where the send checks'
    verdicts are kept."""
    findings = check_build(built, settings, spam=external, in_package=in_package, verdicts=verdicts)
    for finding in findings:
        if finding.severity != "error":
            report.warn(str(finding))
    errors = [Problem(Location(f.locale), f"{f.check}: {f.message}", f.hint) for f in findings if f.severity == "error"]
    if errors:
        raise NewsletterError(errors)
