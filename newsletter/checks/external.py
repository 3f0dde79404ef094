"""The external tools of `newsletter check` and the export — SpamAssassin and the official MJML
validator — started together as a run begins, so that they work beside the in-package checks and
beside each other (each in its own processes), and each answered from its cache where it already
judged the same bytes. Leaving the `with` block waits for both, or stops them on an error."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from newsletter.checks import mjml, spam
from newsletter.checks.model import CheckedEmail, Finding
from newsletter.checks.spam import SpamScore
from newsletter.model.settings import Settings

NO_MJML_CLI = "the official MJML validator (needs Node.js and tools/mjml: npm ci --prefix tools/mjml)"
NO_SPAMD = "the spam score (needs SpamAssassin's spamd and spamc: apt-get install spamd spamc)"


class ExternalTools:
    def __init__(self, emails: list[CheckedEmail], settings: Settings):
        cli, has_spamd = mjml.official_cli(settings), spam.available()
        self.skipped = [what for what, missing in ((NO_MJML_CLI, cli is None), (NO_SPAMD, not has_spamd)) if missing]
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="spamassassin")
        spam.import_message_builder()  # before the thread starts: the other checks import it too
        # spamd first: loading its rules is the longest wait of the run
        self._scores: Future | None = self._pool.submit(spam.scores, emails) if has_spamd and emails else None
        self._validation = mjml.OfficialValidation(emails, cli) if cli and emails else None

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
