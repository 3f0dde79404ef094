"""`newsletter i18n VERB`: each verb is one call into the workflow, status or checks; screenshots are the
preview's translator mode (newsletter/preview/screenshots.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from newsletter.commands import open_project
from newsletter.dist import DIST
from newsletter.i18n import workflow
from newsletter.model.settings import Settings
from newsletter.preview.screenshots import run_command as screenshots


def _print_paths(settings: Settings, verb: str, paths) -> None:
    for path in paths:
        print(f"{verb} {settings.relative(path)}", file=sys.stderr)


def run(args) -> int:
    if args.verb == "screenshots":  # renders the email in Chromium: the preview's translator mode, not the catalogs'
        return screenshots(args, open_project(args))
    return run_verb(args, open_project(args))


def run_verb(args, settings: Settings) -> int:
    verb = args.verb
    if verb == "extract":
        _print_paths(settings, "wrote", [workflow.write_template(settings)])
    elif verb == "init":
        _print_paths(settings, "created", [workflow.init(settings, args.locale)])
    elif verb == "update":
        compendia = [Path(name) for name in args.compendium or []]
        _print_paths(settings, "updated", workflow.update(settings, args.locale, compendia))
    elif verb == "compile":
        _print_paths(settings, "compiled", workflow.compile_catalogs(settings, args.locale))
    elif verb == "export":
        _print_paths(settings, "wrote", _export(args, settings))
    elif verb == "import":
        return _import(args, settings)
    elif verb == "status":
        return _status(args, settings)
    elif verb == "check":
        return _check(args, settings)
    return 0


def _export(args, settings: Settings) -> list:
    from newsletter.i18n.xliff import export_locale

    out = Path(args.out) if args.out else settings.root / DIST / "xliff"
    return [export_locale(settings, locale, out) for locale in args.locale or settings.target_locales]


def _import(args, settings: Settings) -> int:
    """Bring each XLIFF back, then check the catalogs it changed, as `i18n check` would: an agency's
    lost placeholder or added markup is said now, at its PO line, not at the next build."""
    from newsletter.i18n.review import review_catalogs
    from newsletter.i18n.xliff import import_file

    imported = []
    for name in args.files:
        done = import_file(settings, Path(name), name, args.locale, getattr(args, "translator", None))
        changed = done.changed
        print(f"imported {name} into {settings.relative(done.catalog)}: {changed} entr{'y' if changed == 1 else 'ies'} changed",
              file=sys.stderr)
        if done.revision:
            _print_revision(name, done.revision)
        imported.append(done.catalog.parent.parent.name)  # locales/<locale>/LC_MESSAGES/newsletter.po
    findings = review_catalogs(settings, sorted(set(imported)))
    for finding in findings:
        print(finding)
    if findings:
        print(f"{len(findings)} problem(s) in the imported catalog(s): fix them in the PO file or ask the agency "
              "(newsletter i18n check lists them again)", file=sys.stderr)
    return 1 if findings else 0


def _print_revision(name: str, revision) -> None:
    when = revision.date.strftime("%Y-%m-%d %H:%M")
    print(f"  PO-Revision-Date: {when} UTC, from {name}: {revision.date_from}", file=sys.stderr)
    if revision.translator:
        print(f"  Last-Translator: {revision.translator}", file=sys.stderr)
    else:
        print("  Last-Translator: unchanged — the file names no translator (no <phase contact-name>): "
              "give it with --translator 'Name <address>'", file=sys.stderr)


def _status(args, settings: Settings) -> int:
    from newsletter.i18n.gate import gate_issue
    from newsletter.i18n.status import project_status, status_table
    from newsletter.model.content import find_issue

    if args.issue:
        find_issue(settings, args.issue)
    rows = project_status(settings, args.issue)
    gates = {gate.locale: gate for gate in gate_issue(settings, args.issue)}
    if args.format == "json":
        print(json.dumps([{**row.as_dict(), "ships": gates[row.locale].ships, "held_back_because": gates[row.locale].reasons()}
                          for row in rows], indent=2, ensure_ascii=False))
    else:
        print(status_table(rows, {locale: gate.ships for locale, gate in gates.items()}))
        _print_gate(settings, list(gates.values()))
    for row in rows:
        if row.unreadable:
            print(f"error: {row.unreadable}", file=sys.stderr)
    broken = any(row.unreadable for row in rows)
    if args.min_coverage is not None:
        low = [row for row in rows if row.percent < args.min_coverage and not row.unreadable]
        for row in low:
            print(f"error: {row.locale}: {row.percent:.1f}% translated, below the required {args.min_coverage:g}%",
                  file=sys.stderr)
        return 1 if low or broken else 0
    return 1 if broken else 0


def _print_gate(settings: Settings, gates: list) -> None:
    """Which locales would ship this month, and why the others would not (release_gate in newsletter.yaml)."""
    shipped = [settings.source_locale, *(gate.locale for gate in gates if gate.ships)]
    print(f"ships: {', '.join(shipped)}")
    for gate in gates:
        if not gate.ships:
            print(f"held back: {gate.locale}: {'; '.join(gate.reasons())} — its subscribers get the "
                  f"{settings.source_locale} email")


def _check(args, settings: Settings) -> int:
    from newsletter.i18n.review import review_catalogs

    findings = review_catalogs(settings, args.locale)
    if args.format == "json":
        print(json.dumps([finding.as_dict() for finding in findings], indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            print(finding)
        print(_check_summary(findings, len(args.locale or settings.target_locales)), file=sys.stderr)
    return 1 if findings else 0


def _check_summary(findings: list, catalogs: int) -> str:
    errors = sum(1 for finding in findings if finding.refused)
    return (f"{errors} error(s) (refused: the email shows the English) and {len(findings) - errors} warning(s) "
            f"(advice, or fuzzy entries to review) in {catalogs} catalog(s)")
