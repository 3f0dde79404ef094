"""The plan/apply engine every provider shares: read the account, make the plan, carry it out step by step.

A provider's API face (a `Publisher`) says per locale which steps bring its account to the export:
create, update, schedule, test, or leave alone (already scheduled or sent: never changed, never sent
again). The engine applies them in order and records each in the ledger as it completes, so an
interrupted run (a crash, a lost connection, Ctrl-C, kill -9) is finished by the next: that one's plan,
read from the account again, holds only what is left. A create whose outcome is unknown (a timeout,
a dropped connection) is followed by a look-up by the object's stable name before any new attempt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from newsletter.delivery.publish.exported import ExportedIssue, ExportedSend
from newsletter.delivery.publish.http import Account, ApiClient, Uncertain
from newsletter.delivery.publish.ledger import Ledger
from newsletter.delivery.publish.plan import Options, Plan, PlanStep, RemoteObject, Results
from newsletter.errors import Location, NewsletterError, Problem
from newsletter.faults import fault_point
from newsletter.model.settings import Settings

CREATE_ATTEMPTS = 3  # a create tried again after a look-up found nothing, at most this often


class Publisher:
    """One provider's API face: its objects, and how to find, create, update and schedule them.

    A subclass declares its name, title, the environment variables of its key and address, its
    authentication headers and how its error bodies read; `account()` reads what the plan needs from
    the account once, `plan_send()` gives one locale's steps.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    key_variable: ClassVar[str]
    url_variable: ClassVar[str]
    default_url: ClassVar[str]
    self_hosted: ClassVar[bool] = False  # the account's address is the user's own server: it has no default
    test_sends: ClassVar[bool] = False  # plan_send gives "test" steps for Options.test_to

    @classmethod
    def default_url_for(cls, key: str) -> str:
        """The API's address when the environment names none (some providers read it from the key)."""
        return cls.default_url

    @classmethod
    def environment_problems(cls) -> list[Problem]:
        """What else the environment lacks besides the key and the address (said with them, all at once)."""
        return []

    def __init__(self, client, settings: Settings):
        self.client, self.settings = client, settings  # the client `connect` gave

    @classmethod
    def connect(cls, account: Account, cafile: str | None, timeout: float, on_retry: Callable[[str], None]) -> ApiClient:
        """The client of this provider's API: the shared HTTP client, or (SES) the provider's own SDK."""
        return ApiClient(account, cls.headers(account.key), cls.advice, cls.error_text, cafile=cafile, timeout=timeout,
                         on_retry=on_retry)

    @staticmethod
    def headers(key: str) -> dict[str, str]:
        raise NotImplementedError

    @staticmethod
    def error_text(body: object) -> str:
        """The provider's own words from its documented error body."""
        return ""

    @classmethod
    def advice(cls, status: int, text: str) -> str:
        """What marketing should do about a refusal with this status."""
        if status == 401:
            return f"the key in {cls.key_variable} is wrong or revoked: create a new one in {cls.title} and set it"
        if status == 403:
            return f"the key in {cls.key_variable} lacks a permission this needs: give it that access in {cls.title}"
        if status == 404:
            return "it is no longer in the account: run the same command again, it plans from what is there"
        return f"fix what {cls.title} names, export again if it is in the email, then run the same command"

    def account(self) -> tuple[list[str], list[PlanStep]]:
        """What the plan found in the account (sender, unsubscribe construct), and what is refused for every locale."""
        return [], []

    def plan_send(self, send: ExportedSend, options: Options, ledger: Ledger) -> list[PlanStep]:
        raise NotImplementedError

    def same_name_refused(self, send: ExportedSend, kind: str, details: tuple[str, ...], same_name: list[dict],
                          objects: str, name: str | None = None) -> PlanStep:
        """Several objects under the send's stable name (or the template's `name`): which one is it? Marketing decides."""
        ids = ", ".join(str(entry.get("id")) for entry in same_name)
        return PlanStep(send.locale, "refuse", kind, name or send.name, details,
                        f"{len(same_name)} {objects} have this name ({ids}): delete the extra ones in {self.title}")

    @staticmethod
    def update_or_keep(send: ExportedSend, kind: str, details: tuple[str, ...], remote: RemoteObject, changed: list[str],
                       run: Callable[[Results], RemoteObject], name: str | None = None,
                       kept: str = "a draft, already as exported") -> PlanStep:
        """A draft (or a template, `name`d apart from the send): brought back to the export where it differs
        (`changed`), else left as it is."""
        if changed:
            return PlanStep(send.locale, "update", kind, name or send.name, details, f"changed: {', '.join(changed)}",
                            remote=remote, run=run)
        return PlanStep(send.locale, "keep", kind, name or send.name, details, kept, remote=remote)

    @staticmethod
    def test_steps(send: ExportedSend, kind: str, options: Options,
                   run: Callable[[RemoteObject, tuple[str, ...]], RemoteObject]) -> list[PlanStep]:
        """The provider's own test email of this locale's `kind` object to --test-to, when asked for."""
        if not options.test_to:
            return []
        return [PlanStep(send.locale, "test", "test email", send.name, (f"to {', '.join(options.test_to)}",),
                         run=lambda results: run(results[f"{send.locale}/{kind}"], options.test_to))]

    @staticmethod
    def schedule_steps(send: ExportedSend, kind: str, options: Options, at: str,
                       run: Callable[[RemoteObject, str], RemoteObject]) -> list[PlanStep]:
        """Scheduling this locale's `kind` object at `at` (the provider's form of --schedule), when asked for."""
        if options.schedule is None:
            return []
        return [PlanStep(send.locale, "schedule", kind, send.name, (f"at {at}",),
                         run=lambda results: run(results[f"{send.locale}/{kind}"], at))]

    def left_alone(self, send: ExportedSend, kind: str, details: tuple[str, ...], remote: RemoteObject, state: str,
                   at: str | None) -> PlanStep:
        """An object already scheduled or sent (`state`, in words; `at`, when): reported, never changed or sent again.
        Its schedule detail says what the account holds."""
        details = (*details[:-1], f"schedule: {remote.send_at or 'none'} (as in {self.title})")
        when = f" for {at}" if at else ""
        return PlanStep(send.locale, "leave", kind, send.name, details, f"already {state}{when} ({self.title} status "
                        f"{remote.status}): never changed or sent again", remote=remote)


def make_plan(publisher: Publisher, exported: ExportedIssue, options: Options, ledger: Ledger) -> Plan:
    """The plan from the account as it is now: nothing is changed."""
    account, refused = publisher.account()
    steps = [*refused]
    for send in exported.sends:
        steps += publisher.plan_send(send, options, ledger)
    return Plan(exported.issue, publisher.title, tuple(account), tuple(steps))


def apply(plan: Plan, ledger: Ledger, on_line: Callable[[str], None]) -> Results:
    """Carry out every change of the plan in order, recording each as it completes. A plan with a refusal
    changes nothing: nothing half-done."""
    if plan.refused:
        raise NewsletterError([Problem(Location(plan.provider, field=step.locale), f"{step.kind} {step.name}: {step.reason}")
                               for step in plan.refused])
    results: Results = {}
    recorded = 0
    for step in plan.steps:
        if step.remote is not None:
            results[step.key] = step.remote
        if not step.changes:
            continue
        done = run_step(step, results)
        results[step.key] = done
        ledger.record(step, done)
        on_line(f"done: {step.line()} (id {done.id})")
        recorded += 1
        if recorded == 1:
            fault_point("publish-step")  # the first step done and in the ledger, the next not begun
    return results


def run_step(step: PlanStep, results: Results) -> RemoteObject:
    """One step; a create that may have reached the provider is looked up by name before it is tried again."""
    assert step.run is not None
    if step.action != "create" or step.find is None:
        return step.run(results)
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        try:
            return step.run(results)
        except Uncertain:
            found = step.find()
            if found is not None:
                return found
            if attempt == CREATE_ATTEMPTS:
                raise
    raise AssertionError("unreachable")
