"""`newsletter publish ISSUE --provider P` (and `send.py ISSUE --provider P --publish`): the plan of what the
export would change in the provider's account, printed; with --apply, carried out."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys

from newsletter.commands import open_project, output_folder
from newsletter.delivery.publish.engine import apply, make_plan
from newsletter.delivery.publish.exported import read_export
from newsletter.delivery.publish.http import account_from_environment
from newsletter.delivery.publish.ledger import LEDGER, Ledger
from newsletter.delivery.publish.plan import Options
from newsletter.delivery.publish.registry import PUBLISHERS
from newsletter.errors import Location, NewsletterError, Problem, UsageError
from newsletter.model.settings import Settings
from newsletter.output import locked, recover_swaps


def run(args) -> int:
    return run_command(args, open_project(args))


def run_command(args, settings: Settings) -> int:
    publisher_type = _publisher(args.provider)
    options = Options(apply=args.apply, schedule=parse_schedule(args.schedule), test_to=tuple(args.test_to or ()))
    if options.test_to and not publisher_type.test_sends:
        raise UsageError(Problem(Location("--test-to"), f"test sends are not done for {publisher_type.title} yet",
                                 "send proofs with: newsletter export ISSUE --smtp HOST:PORT --to ADDR"))
    out = output_folder(args, settings)
    shown = f"{args.out.rstrip('/') if args.out else 'dist'}/{args.issue}/{publisher_type.name}"
    recover_swaps(out)  # a folder a killed command left half-swapped is whole again first
    # The issue folder held from reading the export to the last step in the ledger: an export of another provider
    # (which reads this folder, the ledger with it, and swaps in a new copy) waits; a build is refused, naming this.
    with locked(out / args.issue) if (out / args.issue).is_dir() else contextlib.nullcontext():  # none: no export
        exported = read_export(out, args.issue, publisher_type.name, shown)
        account = _account(publisher_type)
        client = publisher_type.connect(account, args.cafile, args.timeout, _say(args.quiet))
        try:
            publisher = publisher_type(client, settings)
            ledger = Ledger(exported.folder / LEDGER, exported.issue, publisher.name)
            with _answers_read(publisher_type.title, client):
                plan = make_plan(publisher, exported, options, ledger)
            for line in plan.lines():
                print(line)
            if not options.apply:
                if not args.quiet:
                    print("nothing changed: this is the plan; add --apply to carry it out", file=sys.stderr)
                return 1 if plan.refused else 0
            sys.stdout.flush()
            with _answers_read(publisher_type.title, client):
                apply(plan, ledger, _say(args.quiet))
        finally:
            client.close()
    if not args.quiet:
        print(f"published: {len(plan.changes)} changes in {publisher.title}; recorded in {exported.folder / LEDGER}",
              file=sys.stderr)
    return 0


def _account(publisher_type):
    """The key and the address, and whatever else the provider needs from the environment: every lack said at once."""
    missing = publisher_type.environment_problems()
    try:
        account = account_from_environment(publisher_type.title, publisher_type.key_variable, publisher_type.url_variable,
                                           publisher_type.default_url_for, self_hosted=publisher_type.self_hosted)
    except NewsletterError as error:
        raise NewsletterError([*error.problems, *missing]) from None
    if missing:
        raise NewsletterError(missing)
    return account


@contextlib.contextmanager
def _answers_read(title: str, client):
    """An answer without what the provider's API documents (a field missing, another type) is one line, not a
    traceback: nothing after it is done, and the ledger keeps what was."""
    try:
        yield
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as error:
        where = getattr(client, "last_request", "")
        raise NewsletterError(Problem(Location(title, field=where), f"{title} answered {where or 'a request'} without what "
                                      f"its API documents ({type(error).__name__}: {error})", "nothing after it was "
                                      "done; run the same command again later, and if it says this again, the API has "
                                      "changed: report this line")) from None


def parse_schedule(text: str | None, now: dt.datetime | None = None) -> dt.datetime | None:
    """--schedule 2026-12-01T09:00+01:00: a moment with its time zone offset, in the future."""
    if text is None:
        return None
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise UsageError(Problem(Location("--schedule"), f"{text!r} is not a date and time with its offset",
                                 "write it like 2026-12-01T09:00+01:00 (or Z for UTC)"))
    if when <= (now or dt.datetime.now(dt.timezone.utc)):
        raise UsageError(Problem(Location("--schedule"), f"{text} is in the past", "choose a moment still to come"))
    return when


def _publisher(name: str):
    if name not in PUBLISHERS:
        raise UsageError(Problem(Location("--provider"), f"publish does not know {name!r} yet",
                                 f"use one of: {', '.join(PUBLISHERS)} (or export its files: newsletter export)"))
    return PUBLISHERS[name]


def _say(quiet: bool):
    def show(line: str) -> None:
        if not quiet:
            print(line, file=sys.stderr, flush=True)
    return show
