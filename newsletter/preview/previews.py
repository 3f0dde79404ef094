"""What the preview shows, built by the same pipeline as `newsletter build`.

Every render goes through `render_issue` with the build's `RenderCache`, whose key hashes every
input of one email (issue file, the locale's catalog, templates, settings, code). After a file
is saved, only the emails that read it get a new key and are rendered again; the others come
back from the cache. Issues and catalogs are parsed through the build's per-file-version caches.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from babel import Locale

from newsletter.build import render_issue
from newsletter.cache import GateCache, RenderCache
from newsletter.dist import screenshots_folder
from newsletter.errors import NewsletterError
from newsletter.i18n.catalog_qa import check_catalogs
from newsletter.i18n.translator import translator_for
from newsletter.model.content import Issue, issue_paths, load_issue
from newsletter.model.settings import PSEUDO_LOCALES, SETTINGS_FILE, Settings
from newsletter.preview.marks import MarkedMessage, marked_messages, marks_to_spans
from newsletter.preview.screenshots import picture_name
from newsletter.project import load_settings
from newsletter.render import IssueBuild, RenderedEmail, render_email
from newsletter.report import BuildReport

PSEUDO_NAMES = {"en_XA": "Pseudo: accented, 35% longer", "ar_XB": "Pseudo: right-to-left"}


@dataclass(frozen=True)
class LocaleView:
    """One issue in one locale, with everything the side panel lists."""

    email: RenderedEmail
    version: str  # the render key: it changes exactly when the email may have changed
    warnings: tuple[str, ...]
    errors: tuple[str, ...]
    qa: tuple[dict, ...]
    build: IssueBuild


def problem_dicts(error: NewsletterError) -> list[dict]:
    """Problems as the page shows them: the one-line text plus its parts."""
    return [{"text": str(p), "file": p.location.file, "line": p.location.line, "message": p.message,
             "hint": p.hint} for p in error.problems]


def locale_name(locale: str) -> str:
    return PSEUDO_NAMES.get(locale) or Locale.parse(locale).get_display_name("en")


def screenshot_path(settings: Settings, issue_id: str, locale: str, name: str) -> Path:
    """Where `newsletter i18n screenshots` writes a picture (its default output folder)."""
    return screenshots_folder(settings) / issue_id / locale / name


def _with_picture(message: MarkedMessage, settings: Settings, issue_id: str, locale: str) -> MarkedMessage:
    name = picture_name(message.context, message.msgid)
    if not screenshot_path(settings, issue_id, locale, name).is_file():
        return message
    return replace(message, screenshot=f"/screenshots/{issue_id}/{locale}/{name}")


class Previews:
    """Builds previews on request; one render at a time (the Jinja environment is shared)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.settings_error: NewsletterError | None = None
        self._lock = threading.Lock()
        self._cache = RenderCache(settings)
        self._gates = GateCache(settings)  # a saved catalog has the gate judge that locale again, not every one

    @property
    def locales(self) -> tuple[str, ...]:
        return (*self.settings.locales, *PSEUDO_LOCALES)

    def refresh(self, changed: list[str] | None = None) -> None:
        """After files changed (`changed`, relative to the project; None: any): re-read the settings when
        newsletter.yaml changed, and fingerprint the templates again when one did. A saved issue or catalog
        is read again by the render itself (parsed per file version), and only the emails it feeds are."""
        with self._lock:
            if changed is None or SETTINGS_FILE in changed:
                try:
                    self.settings = load_settings(self.settings.root)
                    self.settings_error = None
                except NewsletterError as error:
                    self.settings_error = error
            if changed is None or any(not path.startswith(("issues/", "locales/")) for path in changed):
                self._cache = RenderCache(self.settings)

    def issue_ids(self) -> list[str]:
        return [path.stem for path in issue_paths(self.settings)]

    def issue(self, issue_id: str) -> Issue:
        if self.settings_error:
            raise self.settings_error
        return load_issue(self.settings.issues_dir / f"{issue_id}.yaml", self.settings)

    def view(self, issue_id: str, locale: str, with_qa: bool = True) -> LocaleView:
        """The email as `newsletter build` writes it, its warnings and the catalog's QA findings."""
        issue = self.issue(issue_id)
        report = BuildReport()
        with self._lock:
            settings, cache = self.settings, self._cache
            build = render_issue(issue, settings, (locale,), report, cache)
            version = cache.key(settings.root / issue.file, locale)
        qa = check_catalogs(settings, [locale]) if with_qa and locale in settings.target_locales else []
        return LocaleView(build.emails[0], version, tuple(report.warnings), tuple(report.errors),
                          tuple(asdict(finding) for finding in qa), build)

    def gates(self, issue_id: str) -> dict[str, dict]:
        """Per target locale, whether it would ship this month and why not (the export's release gate)."""
        from newsletter.i18n.gate import gate_issue

        self.issue(issue_id)  # a broken issue is reported as such, not as a gate problem
        return {gate.locale: gate.as_dict() for gate in gate_issue(self.settings, issue_id, judge=self._gates.judge)}

    def translator_view(self, issue_id: str, locale: str) -> tuple[str, list[MarkedMessage]]:
        """The email with every translated string in a <span data-msg=N>, and the table N → entry."""
        issue = self.issue(issue_id)
        with self._lock:
            translator = translator_for(self.settings, locale)
            translator.marks = []
            email = render_email(issue, self.settings, locale, translator)
        messages = [_with_picture(message, self.settings, issue_id, locale)
                    for message in marked_messages(translator, self.settings)]
        return marks_to_spans(email.html), messages

    def checks(self, issue_id: str, locale: str) -> list[dict] | None:
        """Findings of the pre-send checks (`newsletter check`); None where they are not available."""
        try:
            from newsletter.checks import check_build
        except ImportError:
            return None
        build = self.view(issue_id, locale, with_qa=False).build
        return [{"severity": f.severity, "locale": f.locale, "check": f.check, "message": f.message,
                 "hint": f.hint} for f in check_build(build, self.settings, spam=False)]

