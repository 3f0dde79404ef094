"""The external tools of `newsletter check` and the export — SpamAssassin and the official MJML
validator — started together as a run begins, so that they work beside the in-package checks and
beside each other (each in its own processes), and each answered from its cache where it already
judged the same bytes. Leaving the `with` block waits for both, or stops them on an error.

What the send checks said of one email (`SendVerdict`: the export's own checks, the email-client
support, the validator, the spam score) can be kept whole by the caller, under the key of what the
email is made from and `tools_fingerprint`: an unchanged email then starts no tool, builds no message
and parses nothing."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from newsletter.checks import mjml, spam
from newsletter.checks.clients import ClientGap
from newsletter.checks.model import CheckedEmail, Finding
from newsletter.checks.spam import Rule, SpamScore
from newsletter.model.settings import Settings

NO_MJML_CLI = "the official MJML validator (needs Node.js and tools/mjml: npm ci --prefix tools/mjml)"
NO_SPAMD = "the spam score (needs SpamAssassin's spamd and spamc: apt-get install spamd spamc)"


def missing_tools(settings: Settings) -> list[str]:
    """The external checks whose tool is not installed here."""
    return [what for what, missing in ((NO_MJML_CLI, mjml.official_cli(settings) is None), (NO_SPAMD, not spam.available()))
            if missing]


def tools_fingerprint(settings: Settings) -> str:
    """Which tools are installed and which version of each: a verdict kept under another is not reused."""
    cli = mjml.official_cli(settings)
    return (f"mjml:{mjml.validator_fingerprint(cli) if cli else 'none'}\0"
            f"spamassassin:{spam.rules_fingerprint() if spam.available() else 'none'}")


@dataclass(frozen=True)
class SendVerdict:
    """The send checks' findings about one email, in the order they run, its spam score (None without
    spamd) and the client-support gaps it has."""

    findings: tuple[Finding, ...]
    score: SpamScore | None
    gaps: tuple[ClientGap, ...]

    def as_json(self) -> str:
        return json.dumps({"findings": [f.as_dict() for f in self.findings], "gaps": [g.as_dict() for g in self.gaps],
                           "score": self.score and self.score.as_dict()}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> SendVerdict:
        data = json.loads(text)
        score = data["score"] and SpamScore(data["score"]["locale"], data["score"]["score"], data["score"]["threshold"],
                                            tuple(Rule(**rule) for rule in data["score"]["rules"]))
        gaps = tuple(ClientGap(**{k: tuple(v) if isinstance(v, list) else v for k, v in gap.items()}) for gap in data["gaps"])
        return cls(tuple(Finding(**f) for f in data["findings"]), score or None, gaps)


_EARLY: list[Future] = []  # the start of a spamd begun before the messages exist, for the run's scoring to take


@contextmanager
def spamd_started_early(needed: bool) -> Iterator[None]:
    """With `needed` (an email of the run has no kept verdict): spamd starts now, in a thread of its own,
    loading its rules (the longest wait of a cold run) while the run gates, renders and checks; the run's
    scoring takes it. However the block is left, it is stopped: unused, scored, or on an error, Ctrl+C or
    SIGTERM (at once, not after its start)."""
    if not needed or not spam.available():
        yield
        return
    spamd = spam.Spamd(children=os.cpu_count() or 1)
    starter = ThreadPoolExecutor(1, thread_name_prefix="spamd-start")
    _EARLY.append(starter.submit(spamd.__enter__))
    try:
        yield
    except BaseException:
        spam.stop_all()
        raise
    finally:
        _EARLY.clear()
        starter.shutdown(wait=True)
        spamd.__exit__(None, None, None)


class ExternalTools:
    def __init__(self, emails: list[CheckedEmail], settings: Settings):
        cli, has_spamd = mjml.official_cli(settings), spam.available()
        self.skipped = [what for what, missing in ((NO_MJML_CLI, cli is None), (NO_SPAMD, not has_spamd)) if missing]
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="spamassassin")
        self._scores: Future | None = None
        self._validation: mjml.OfficialValidation | None = None
        try:
            spam.import_message_builder()  # before the thread starts: the other checks import it too
            # spamd first: loading its rules is the longest wait of the run
            early = _EARLY.pop() if _EARLY else None
            self._scores = self._pool.submit(spam.scores, emails, early) if has_spamd and emails else None
            self._validation = mjml.OfficialValidation(emails, cli) if cli and emails else None
        except BaseException as stop:  # Ctrl+C or SIGTERM before the `with` block: nothing is left running
            self.__exit__(type(stop), stop, None)
            raise

    def __enter__(self) -> ExternalTools:
        return self

    def mjml_findings(self) -> list[Finding]:
        return self._validation.findings() if self._validation else []

    @property
    def mjml_failed(self) -> bool:
        """The validator itself failed (its one error is not a verdict on any email)."""
        return bool(self._validation and self._validation.failed)

    def spam_scores(self) -> list[SpamScore]:
        return self._scores.result() if self._scores else []

    def __exit__(self, *exc) -> None:
        if exc[0] is not None:  # an error, Ctrl+C or SIGTERM: spamd is stopped now, not waited for
            spam.stop_all()
        if self._validation:
            self._validation.close()
        self._pool.shutdown(wait=True, cancel_futures=True)
