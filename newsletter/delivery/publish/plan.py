"""The plan of a publish: per locale, what is created, updated, scheduled or left alone, and what is refused.

A plan is made from the account as it is (the remote account is the truth) and the export; printing it
changes nothing. Each step that changes the account carries the call that does it (`run`), and, for a
create, the look-up that tells whether an interrupted create reached the provider after all (`find`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

CHANGES = ("create", "update", "schedule", "test")  # what --apply does; the others only say what is there
ACTIONS = (*CHANGES, "keep", "leave", "refuse")
VERBS = {"create": "create", "update": "update", "schedule": "schedule", "test": "send test",
         "keep": "up to date", "leave": "left alone", "refuse": "refused"}


@dataclass(frozen=True)
class RemoteObject:
    """An object in the provider's account, as its API describes it."""

    kind: str  # as the provider calls it: "Single Send", "campaign", "template"
    name: str
    id: str
    status: str = ""  # the provider's own word: draft, scheduled, sent, triggered, …
    send_at: str | None = None
    fields: Mapping[str, object] = field(default_factory=dict, compare=False)  # the content, as the account holds it


@dataclass(frozen=True)
class Options:
    apply: bool = False
    schedule: dt.datetime | None = None  # an aware datetime; None: drafts ready to send
    test_to: tuple[str, ...] = ()


Results = dict[str, RemoteObject]  # the objects of the steps done so far, by PlanStep.key


@dataclass(frozen=True)
class PlanStep:
    locale: str
    action: str  # one of ACTIONS
    kind: str
    name: str
    details: tuple[str, ...] = ()  # audience, subject, sender, unsubscribe construct, schedule
    reason: str = ""  # why it is kept, left alone or refused
    run: Callable[[Results], RemoteObject] | None = field(default=None, compare=False, repr=False)
    find: Callable[[], RemoteObject | None] | None = field(default=None, compare=False, repr=False)
    remote: RemoteObject | None = None  # what the account holds now, when it holds it

    @property
    def key(self) -> str:
        """The object this step is about, stable across runs: the ledger and later steps find it by this."""
        return f"{self.locale}/{self.kind}"

    @property
    def changes(self) -> bool:
        return self.action in CHANGES

    def line(self) -> str:
        text = f"{self.locale:<8} {VERBS[self.action]:<11} {self.kind} {self.name}"
        return f"{text}: {self.reason}" if self.reason else text


@dataclass(frozen=True)
class Plan:
    issue: str
    provider: str  # its title, as people call it
    account: tuple[str, ...]  # what the plan found in the account: sender, unsubscribe group
    steps: tuple[PlanStep, ...]

    @property
    def refused(self) -> list[PlanStep]:
        return [step for step in self.steps if step.action == "refuse"]

    @property
    def changes(self) -> list[PlanStep]:
        return [step for step in self.steps if step.changes]

    def lines(self) -> list[str]:
        """The plan as marketing reads it: the account, then one line per step with its details below."""
        lines = [f"{self.provider}, issue {self.issue}:", *(f"  account: {line}" for line in self.account)]
        for step in self.steps:
            lines.append(step.line())
            lines += [f"{'':<9}{detail}" for detail in step.details]
        counts = {action: sum(step.action == action for step in self.steps) for action in ACTIONS}
        lines.append("summary: " + ", ".join(f"{counts[action]} {VERBS[action]}" for action in ACTIONS))
        return lines


def account_refusal(kind: str, name: str, reason: str) -> PlanStep:
    """Something the account lacks that every locale needs (a sender, an unsubscribe group, a list)."""
    return PlanStep("account", "refuse", kind, name, reason=reason)


def utc_iso(when: dt.datetime) -> str:
    """A moment as ISO 8601 in UTC (yyyy-MM-ddTHH:mm:ssZ), the form the providers' schedule fields take."""
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def schedule_detail(options: Options) -> str:
    return f"schedule: {utc_iso(options.schedule)}" if options.schedule else "schedule: none (a draft, ready to send)"
