"""The `newsletter` command: the parser, the dispatch to each verb's module (newsletter/commands/), and the one
mapping of errors to lines and exit codes.

Exit codes: 0 success, 1 bad input (file:line: message) or a file that cannot be read or written,
2 bad usage, 141 output cut short by a closed pipe (`| head`). Never a traceback for any of these.
Heavy modules are imported inside each command, so `newsletter --help` starts at once.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable

from newsletter import INTERRUPTED
from newsletter.commands import shown
from newsletter.errors import Location, NewsletterError, Problem


# Each verb's module (newsletter/commands/<verb>.py) is imported only when it runs: `newsletter --help` starts at once.
def _build(args) -> int:
    from newsletter.commands import build

    return build.run(args)


def _check(args) -> int:
    from newsletter.commands import check

    return check.run(args)


def _export(args) -> int:
    from newsletter.commands import export

    return export.run(args)


def _publish(args) -> int:
    from newsletter.commands import publish

    return publish.run(args)


def _preview(args) -> int:
    from newsletter.commands import preview

    return preview.run(args)


def _i18n(args) -> int:
    from newsletter.commands import i18n

    return i18n.run(args)


def _new(args) -> int:
    from newsletter.commands import new

    return new.run(args)


def _import(args) -> int:
    from newsletter.commands import import_

    return import_.run(args)


def _archive(args) -> int:
    from newsletter.commands import archive

    return archive.run(args)


def _schema(args) -> int:
    from newsletter.commands import schema

    return schema.run(args)


def _doctor(args) -> int:
    from newsletter.commands import doctor

    return doctor.run(args)


PRINTED_PROBLEMS = 20  # a flood (20,000 unknown keys) is told by its first few and a count


def _print_error(error) -> int:
    for problem in error.problems[:PRINTED_PROBLEMS]:
        print(f"error: {problem}", file=sys.stderr)
    if len(error.problems) > PRINTED_PROBLEMS:
        rest = len(error.problems) - PRINTED_PROBLEMS
        print(f"error: … and {rest} more problem{'s' if rest != 1 else ''} not shown — fix the ones above and run "
              "again", file=sys.stderr)
    return error.exit_code


def _add_doctor(sub) -> None:
    parser = sub.add_parser("doctor", help="which optional tools this machine has, and Python packages against the lock")
    parser.set_defaults(run=_doctor)


def _add_build(sub) -> None:
    parser = sub.add_parser("build", help="build issues into HTML, text and MJML for every locale")
    parser.add_argument("issues", nargs="*", metavar="ISSUE", help="issue ids such as 2026-11 (default: all)")
    parser.add_argument("--locale", action="append", metavar="L", help="only this locale (repeatable)")
    parser.add_argument("--out", metavar="DIR", help="output folder (default: dist/ in the project)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    parser.add_argument("--no-cache", action="store_true", help="render everything again, ignoring .cache/")
    parser.set_defaults(run=_build)


def _add_i18n(sub) -> None:
    parser = sub.add_parser("i18n", help="translators' commands: catalogs, checks, XLIFF, screenshots")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    verbs.add_parser("extract", help="write locales/newsletter.pot from issues and templates")
    init = verbs.add_parser("init", help="start a catalog for a new locale")
    init.add_argument("locale", metavar="LOCALE")
    update = verbs.add_parser("update", help="extract, then merge new and changed strings into every catalog")
    update.add_argument("--locale", action="append", metavar="L")
    update.add_argument("--compendium", action="append", metavar="FILE.po",
                        help="fill untranslated entries from translations the clinic already has (as msgmerge -C)")
    compile_ = verbs.add_parser("compile", help="write .mo files")
    compile_.add_argument("--locale", action="append", metavar="L")
    status = verbs.add_parser("status", help="translation progress per locale (and per issue)")
    status.add_argument("issue", nargs="?", metavar="ISSUE")
    status.add_argument("--format", choices=("text", "json"), default="text")
    status.add_argument("--min-coverage", type=float, metavar="N", help="exit 1 when a locale is below N percent")
    export = verbs.add_parser("export", help="write each catalog as XLIFF for a translation agency")
    export.add_argument("--format", choices=("xliff",), default="xliff")
    export.add_argument("--locale", action="append", metavar="L")
    export.add_argument("--out", metavar="DIR", help="folder for <locale>.xlf (default: dist/xliff/ in the project)")
    import_ = verbs.add_parser("import", help="bring an agency's XLIFF back into its catalog")
    import_.add_argument("files", nargs="+", metavar="FILE.xlf")
    import_.add_argument("--locale", metavar="L", help="the catalog to import into (default: the file's target-language)")
    import_.add_argument("--translator", metavar="'NAME <ADDRESS>'",
                         help="the header's Last-Translator, where the XLIFF names none (no <phase contact-name>)")
    shots = verbs.add_parser("screenshots", help="one picture per string, showing where it sits in the email (Chromium)")
    shots.add_argument("issue", nargs="?", metavar="ISSUE", help="issue id (default: the newest)")
    shots.add_argument("--locale", action="append", metavar="L", help="only this locale (repeatable)")
    shots.add_argument("--out", metavar="DIR", help="output folder (default: dist/screenshots/ in the project)")
    check = verbs.add_parser("check", help="check every translation against its English source")
    check.add_argument("--locale", action="append", metavar="L")
    check.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(run=_i18n)


def _add_export(sub) -> None:
    parser = sub.add_parser("export", help="build an issue and export it for a mailing provider, or send proofs over SMTP")
    parser.add_argument("issue", metavar="ISSUE", help="issue id such as 2026-11")
    parser.add_argument("--provider", default="eml", metavar="P", help="mailing provider (default: eml, provider-neutral)")
    parser.add_argument("--locale", action="append", metavar="L", help="only this locale (repeatable)")
    parser.add_argument("--out", metavar="DIR", help="output folder (default: dist/ in the project)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    parser.add_argument("--skip-external-checks", action="store_true",
                        help="skip the slow pre-send checks that run external tools (official MJML validator, SpamAssassin)")
    proof = parser.add_argument_group("proofs", "send one proof per locale over SMTP instead of exporting")
    proof.add_argument("--smtp", metavar="HOST:PORT", help="SMTP server for proofs")
    proof.add_argument("--to", action="append", metavar="ADDR", help="proof recipient (repeatable)")
    tls = proof.add_mutually_exclusive_group()
    tls.add_argument("--starttls", action="store_true", help="upgrade the connection with STARTTLS")
    tls.add_argument("--ssl", action="store_true", help="connect over TLS from the start (SMTPS)")
    proof.add_argument("--user", metavar="USER", help="SMTP login; the password is read from NEWSLETTER_SMTP_PASSWORD")
    proof.add_argument("--insecure-auth", action="store_true",
                       help="allow --user without --starttls or --ssl (the password crosses the network in clear text)")
    proof.add_argument("--cafile", metavar="FILE", help="trust this certificate authority (PEM), e.g. a company's own")
    proof.add_argument("--smtp-timeout", metavar="SECONDS",
                       help="give up when the whole SMTP dialogue, retries included, takes longer (default: 60)")
    parser.set_defaults(run=_export)


def _add_publish(sub) -> None:
    parser = sub.add_parser("publish", help="carry an export into the provider's account through its API: the plan, "
                            "then --apply")
    parser.add_argument("issue", metavar="ISSUE", help="issue id such as 2026-11 (exported first: newsletter export)")
    parser.add_argument("--provider", required=True, metavar="P", help="mailing provider, as exported")
    parser.add_argument("--apply", action="store_true", help="carry the plan out (without it, nothing is changed)")
    parser.add_argument("--schedule", metavar="WHEN", help="schedule each send, e.g. 2026-12-01T09:00+01:00 "
                        "(default: drafts, ready to send)")
    parser.add_argument("--test-to", action="extend", nargs="+", metavar="ADDR",
                        help="ask the provider to send its test email of each locale to these addresses")
    parser.add_argument("--out", metavar="DIR", help="where the export is (default: dist/ in the project)")
    parser.add_argument("--cafile", metavar="FILE", help="trust this certificate authority (PEM), e.g. a company proxy's")
    parser.add_argument("--timeout", type=float, default=30.0, metavar="S", help="seconds to wait for each answer (default 30)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the plan and errors")
    parser.set_defaults(run=_publish)


def _add_check(sub) -> None:
    parser = sub.add_parser("check", help="pre-send checks: size, links, accessibility, compliance, content, MJML, spam")
    parser.add_argument("issue", nargs="?", metavar="ISSUE", help="issue id (default: every issue)")
    parser.add_argument("--locale", action="append", metavar="L", help="only this locale (repeatable)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.set_defaults(run=_check)


def _add_preview(sub) -> None:
    parser = sub.add_parser("preview", help="live-reloading preview of every issue, locale and width in the browser")
    parser.add_argument("issue", nargs="?", metavar="ISSUE", help="issue to open first (default: the newest)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    parser.add_argument("--open", action="store_true", help="open the preview in the default browser")
    parser.set_defaults(run=_preview)


def _add_schema(sub) -> None:
    parser = sub.add_parser("schema", help="write the JSON Schema of issues and settings (schema/), for editor completion")
    parser.set_defaults(run=_schema)


def _add_import(sub) -> None:
    parser = sub.add_parser("import", help="turn a blog post (saved web page or Markdown) into an article of an issue")
    parser.add_argument("file", metavar="FILE", help="a saved article page (.html) or a Markdown post (.md)")
    parser.add_argument("--issue", metavar="YYYY-MM", help="add the article to this issue (default: print it)")
    parser.add_argument("--url", help="the post's address, when the file does not say it")
    parser.set_defaults(run=_import)


def _add_archive(sub) -> None:
    parser = sub.add_parser("archive", help="write the web archive: every issue in every language, indexes, feeds, sitemap")
    parser.add_argument("--out", metavar="DIR", help="output folder (default: dist/archive/ in the project)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    parser.set_defaults(run=_archive)


def _add_new(sub) -> None:
    parser = sub.add_parser("new", help="start next month's issue file, from a documented skeleton or another issue")
    parser.add_argument("issue", metavar="YYYY-MM", help="the new issue's id, such as 2026-12")
    parser.add_argument("--from", dest="source", metavar="FILE", help="copy this issue, moving its id and date to the new month")
    parser.set_defaults(run=_new)


COMMANDS: list[Callable] = [_add_new, _add_schema, _add_import, _add_archive, _add_build, _add_export, _add_publish,
                            _add_check, _add_preview, _add_i18n, _add_doctor]


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="newsletter", description="Build a multilingual email newsletter from YAML issues.")
    root.add_argument("--project", metavar="DIR", help="project folder (default: the one holding newsletter.yaml)")
    sub = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return root


class _StderrThatOutlivesItsReader:
    """stderr whose reader may go away (`newsletter build 2>&1 | head -1`): what follows is lost,
    but the build goes on and writes its files, rather than stopping at the first warning."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._forget()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._forget()

    def _forget(self) -> None:
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)  # Python's own last flush at exit must not fail either
        self._stream = open(os.devnull, "w")  # noqa: SIM115 — lives as long as the process

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


class Stopped(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl+C's KeyboardInterrupt: every `finally` runs, so nothing half-written stays."""


def _stop(signum: int, frame) -> None:
    raise Stopped


def main(argv: list[str] | None = None) -> int:
    """The program: run one command, and return its exit code (the process ends right after).

    Ctrl+C or SIGTERM at any stage is one line and 130 or 143, as a shell reports them; once the exit
    code is decided, they are ignored, so a late one cannot kill the exit itself."""
    signal.signal(signal.SIGTERM, _stop)
    try:
        return _run(argv)
    except KeyboardInterrupt as stop:
        print(INTERRUPTED, file=sys.stderr)
        return 128 + (signal.SIGTERM if isinstance(stop, Stopped) else signal.SIGINT)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _run(argv: list[str] | None) -> int:
    args = parser().parse_args(argv)
    sys.stderr = _StderrThatOutlivesItsReader(sys.stderr)
    try:
        code = args.run(args)
        sys.stdout.flush()  # a reader that went away (`| head -1`) shows here, where it can be handled
        return code
    except NewsletterError as error:
        return _print_error(error)
    except BrokenPipeError:
        # The reader has all it wanted: say nothing, and keep Python's own flush at exit from failing too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # as a shell reports a command ended by SIGPIPE
    except OSError as error:
        return _print_error(NewsletterError(_os_problem(error)))


def _os_problem(error: OSError) -> Problem:
    """A file that cannot be read or written, in the user's words: `issues/2026-12.yaml: is a directory`."""
    reason = error.strerror or str(error)
    where = shown(os.fsdecode(error.filename)) if error.filename is not None else "newsletter"
    return Problem(Location(where), reason[:1].lower() + reason[1:])
