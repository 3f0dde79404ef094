"""The `newsletter` command. Thin: parse options, call one function, print problems as lines.

Exit codes: 0 success, 1 bad input (file:line: message), 2 bad usage.
Heavy modules are imported inside each command, so `newsletter --help` starts at once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path


def _print_error(error) -> int:
    for problem in error.problems:
        print(f"error: {problem}", file=sys.stderr)
    return error.exit_code


def _settings(args):
    from newsletter.settings import load_settings

    return load_settings(Path(args.project).resolve() if args.project else None)


def cmd_build(args) -> int:
    from newsletter.build import BuildReport, build, summary_table

    settings = _settings(args)
    report = BuildReport(on_line=(lambda line: None) if args.quiet else (lambda line: print(line, file=sys.stderr)))
    out = Path(args.out)
    builds = build(settings, args.issues, args.locale, out, report, use_cache=not args.no_cache)
    if not args.quiet:
        print(summary_table(builds), file=sys.stderr)
        print(f"wrote {sum(len(b.emails) for b in builds)} emails under {out}/", file=sys.stderr)
    return 1 if report.errors else 0


def cmd_i18n(args) -> int:
    from newsletter.i18n import commands

    return commands.run(args, _settings(args))


def _add_build(sub) -> None:
    parser = sub.add_parser("build", help="build issues into HTML, text and MJML for every locale")
    parser.add_argument("issues", nargs="*", metavar="ISSUE", help="issue ids such as 2026-11 (default: all)")
    parser.add_argument("--locale", action="append", metavar="L", help="only this locale (repeatable)")
    parser.add_argument("--out", default="dist", metavar="DIR", help="output folder (default: dist)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    parser.add_argument("--no-cache", action="store_true", help="render everything again, ignoring .cache/")
    parser.set_defaults(run=cmd_build)


def _add_i18n(sub) -> None:
    parser = sub.add_parser("i18n", help="translators' commands: extract, init, update, compile, status, check")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    verbs.add_parser("extract", help="write locales/newsletter.pot from issues and templates")
    init = verbs.add_parser("init", help="start a catalog for a new locale")
    init.add_argument("locale", metavar="LOCALE")
    update = verbs.add_parser("update", help="extract, then merge new and changed strings into every catalog")
    update.add_argument("--locale", action="append", metavar="L")
    compile_ = verbs.add_parser("compile", help="write .mo files")
    compile_.add_argument("--locale", action="append", metavar="L")
    status = verbs.add_parser("status", help="translation progress per locale (and per issue)")
    status.add_argument("issue", nargs="?", metavar="ISSUE")
    status.add_argument("--format", choices=("text", "json"), default="text")
    status.add_argument("--min-coverage", type=float, metavar="N", help="exit 1 when a locale is below N percent")
    check = verbs.add_parser("check", help="check every translation against its English source")
    check.add_argument("--locale", action="append", metavar="L")
    check.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(run=cmd_i18n)


COMMANDS: list[Callable] = [_add_build, _add_i18n]


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="newsletter", description="Build a multilingual email newsletter from YAML issues.")
    root.add_argument("--project", metavar="DIR", help="project folder (default: the one holding newsletter.yaml)")
    sub = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from newsletter.errors import NewsletterError

    try:
        return args.run(args)
    except NewsletterError as error:
        return _print_error(error)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
