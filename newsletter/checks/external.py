"""The external tools of `newsletter check` and the export — SpamAssassin and the official MJML
validator — started together as a run begins, so that they work beside the in-package checks and
beside each other (each in its own processes), and each answered from its cache where it already
judged the same bytes. Leaving the `with` block waits for both, or stops them on an error."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from newsletter.checks import mjml, spam
from newsletter.checks.model import CheckedEmail, Finding
from newsletter.checks.spam import SpamScore
from newsletter.settings import Settings

NO_MJML_CLI = "the official MJML validator (needs Node.js and tools/mjml: npm ci --prefix tools/mjml)"
NO_SPAMD = "the spam score (needs SpamAssassin's spamd and spamc: apt-get install spamd spamc)"


class ExternalTools:
    def __init__(self, emails: list[CheckedEmail], settings: Settings):
        self.skipped: list[str] = []
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="spamassassin")
        self._scores: Future | None = None
        self._validation: mjml.OfficialValidation | None = None
        if spam.available() and emails:
            self._scores = self._pool.submit(spam.scores, emails)  # the longest: spamd loads its rules first
        else:
            self.skipped.append(NO_SPAMD)
        cli = mjml.official_cli(settings)
        if cli and emails:
            self._validation = mjml.OfficialValidation(emails, cli)
        elif not cli:
            self.skipped.append(NO_MJML_CLI)

    def __enter__(self) -> ExternalTools:
        return self

    def mjml_findings(self) -> list[Finding]:
        return self._validation.findings() if self._validation else []

    def spam_scores(self) -> list[SpamScore]:
        return self._scores.result() if self._scores else []

    def __exit__(self, *exc) -> None:
        if self._validation:
            self._validation.close()
        self._pool.shutdown(wait=True, cancel_futures=True)
