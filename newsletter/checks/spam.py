"""Spam score: each locale's MIME message, as a subscriber would receive it, scored by SpamAssassin
offline (-L: local tests only, no network). Above the threshold (newsletter.yaml
checks.spam_threshold) is an error; from half of it on, a warning listing the rules that fired."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy

from newsletter.checks.model import CheckedEmail, Finding
from newsletter.errors import Location, NewsletterError, Problem

SAMPLE_RECIPIENT = "Alex Example <alex@example.org>"  # the export leaves To: to the provider; scoring needs one
_RULE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s+([A-Z0-9_]+)\s+(.*)$")
_SCORE = re.compile(r"score=(-?\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class Rule:
    name: str
    points: float
    description: str


@dataclass(frozen=True)
class SpamScore:
    locale: str
    score: float
    threshold: float
    rules: tuple[Rule, ...]  # every rule that fired, highest points first

    def as_dict(self) -> dict:
        return {"locale": self.locale, "score": self.score, "threshold": self.threshold,
                "rules": [{"name": r.name, "points": r.points, "description": r.description} for r in self.rules]}

    def __str__(self) -> str:
        fired = ", ".join(f"{r.name} {r.points:g}" for r in self.rules if r.points > 0) or "no rule with points"
        return f"score {self.score:g} (threshold {self.threshold:g}): {fired}"


def available() -> bool:
    return shutil.which("spamassassin") is not None


def parse_report(output: str, locale: str, threshold: float) -> SpamScore:
    """Score and rules from `spamassassin -t` output: the X-Spam-Status header and the report table."""
    message = message_from_bytes(output.encode(), policy=policy.default)
    status = " ".join(str(message.get("X-Spam-Status", "")).split())
    score = _SCORE.search(status)
    if score is None:
        raise ValueError(f"no score in SpamAssassin's output: {output[:200]!r}")
    rules, table = [], output.split("---- ----", 1)[-1].split("\n", 1)[-1] if "---- ----" in output else ""
    for line in table.splitlines():
        if not line.strip():
            break  # the table ends at the first blank line (the report may be repeated further on)
        match = _RULE.match(line)
        if match:
            rules.append(Rule(match.group(2), float(match.group(1)), match.group(3).strip()))
        elif rules and line.startswith(" " * 10):
            last = rules.pop()  # a description continued on the next line
            rules.append(Rule(last.name, last.points, f"{last.description} {line.strip()}"))
    rules.sort(key=lambda rule: (-rule.points, rule.name))
    return SpamScore(locale, float(score.group(1)) or 0.0, threshold, tuple(rules))  # `or`: SpamAssassin may print -0.0


def message_bytes(checked: CheckedEmail) -> bytes:
    """The message as a subscriber receives it: merge tags filled with sample values, a To: address."""
    from newsletter.providers.base import sample_values
    from newsletter.providers.eml import EML_POLICY, build_message

    message = build_message(checked.email, checked.settings, merge=sample_values(checked.settings, checked.email))
    message["To"] = SAMPLE_RECIPIENT
    return message.as_bytes(policy=EML_POLICY)


def score(checked: CheckedEmail) -> SpamScore:
    done = subprocess.run(["spamassassin", "-t", "-L", "-p", "/dev/null"], input=message_bytes(checked),
                          capture_output=True, timeout=120)
    try:
        return parse_report(done.stdout.decode("utf-8", "replace"), checked.locale, checked.settings.checks.spam_threshold)
    except ValueError:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines() or [f"exit status {done.returncode}"]
        raise NewsletterError(Problem(Location("spamassassin"), f"could not score the {checked.locale} message: {detail[-1]}",
                                      "run: newsletter export ISSUE, then spamassassin -t -L < the .eml file")) from None


def findings(checked: CheckedEmail, result: SpamScore) -> Iterator[Finding]:
    hint = "rework what the listed rules point at (shouting, spammy words, image-only content), then check again"
    if result.score > result.threshold:
        yield checked.error("spam.score", f"{checked.source.file}: SpamAssassin {result}", hint)
    elif result.score >= result.threshold / 2:
        yield checked.warning("spam.score", f"{checked.source.file}: SpamAssassin {result}", hint)
