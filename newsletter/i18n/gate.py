"""The release gate: which languages ship this month.

A build falls back to English string by string, which can make an email half Spanish, half
English. The gate decides per language, before the export: a locale whose share of the issue's
strings translated is below its minimum, or whose catalog has more failed translation checks
than allowed (`release_gate` in newsletter.yaml), is left out of the export, and the send plan
gives its subscribers the default locale's email. The source locale always ships.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from newsletter.errors import Location, NewsletterError, Problem
from newsletter.i18n.catalogs import load_catalog
from newsletter.i18n.status import belongs_to_issue, catalog_status
from newsletter.model.gaterules import GateRule
from newsletter.model.settings import Settings


@dataclass(frozen=True)
class LocaleGate:
    locale: str
    translated: float  # percent of the issue's strings, as `newsletter i18n status ISSUE` counts them
    failed_checks: int  # errors of `newsletter i18n check` on the issue's strings: translations the build refuses
    rule: GateRule
    unreadable: Problem | None = None  # the catalog cannot be read: the locale is held back, the others go on

    @property
    def ships(self) -> bool:
        return not self.reasons()

    def reasons(self) -> list[str]:
        """Why the locale is held back; empty when it ships."""
        if self.unreadable is not None:
            return [f"its catalog cannot be read ({self.unreadable})"]
        reasons = []
        if self.translated < self.rule.min_translated:
            reasons.append(f"{self.translated:.1f}% translated, below the minimum of {self.rule.min_translated:g}%")
        if self.rule.max_failed_checks is not None and self.failed_checks > self.rule.max_failed_checks:
            reasons.append(f"{self.failed_checks} failed translation check(s), more than the {self.rule.max_failed_checks} "
                           "allowed (newsletter i18n check)")
        return reasons

    def as_dict(self) -> dict:
        return {"locale": self.locale, "ships": self.ships, "translated": self.translated,
                "failed_checks": self.failed_checks, "reasons": self.reasons()}


def gate_locale(settings: Settings, locale: str, issue_id: str | None) -> LocaleGate:
    from newsletter.i18n.review import review_catalogs  # here: an export whose verdicts are cached needs no review

    try:
        catalog = load_catalog(settings, locale)
    except NewsletterError as error:  # one broken catalog holds back its own language only
        return LocaleGate(locale, 0.0, 0, settings.release_gate.rule_for(locale), error.problems[0])
    status = catalog_status(catalog, locale, issue_id)
    lines = {message.lineno for message in catalog if message.id and belongs_to_issue(message, issue_id)}
    # Only what would ship broken counts: a fuzzy entry shows the English, advice ships as it is.
    failed = sum(1 for finding in review_catalogs(settings, [locale]) if finding.line in lines and finding.refused)
    return LocaleGate(locale, status.percent, failed, settings.release_gate.rule_for(locale))


Judge = Callable[[Settings, str, "str | None"], LocaleGate]  # gate_locale, or a cache in front of it


def gate_issue(settings: Settings, issue_id: str | None, locales: list[str] | None = None,
               judge: Judge = gate_locale) -> list[LocaleGate]:
    """The gate of every target locale (or the chosen ones) for one issue (None: the whole catalog)."""
    return [judge(settings, locale, issue_id) for locale in locales or settings.target_locales
            if locale in settings.target_locales]


def held_back(settings: Settings, issue_id: str, locales: list[str], judge: Judge = gate_locale) -> list[LocaleGate]:
    """The chosen locales the gate keeps out of this issue's export."""
    return [gate for gate in gate_issue(settings, issue_id, locales, judge) if not gate.ships]


def held_back_line(gate: LocaleGate, default_locale: str) -> str:
    """What the export says, loudly, about a locale it leaves out."""
    if gate.unreadable is not None:
        return (f"{gate.locale} is not shipped this month: {gate.reasons()[0]} — its subscribers get the "
                f"{default_locale} email")
    return (f"{gate.locale} is not shipped this month: {'; '.join(gate.reasons())} — its subscribers get the "
            f"{default_locale} email; translate and check locales/{gate.locale}/LC_MESSAGES/newsletter.po, or lower "
            "release_gate in newsletter.yaml")


def gate_export(settings: Settings, issue_id: str, chosen: list[str], warn,
                judge: Judge = gate_locale) -> tuple[list[str], set[str]]:
    """The chosen locales the export may ship, and those it holds back, each said through `warn`.
    Holding back every chosen locale leaves nothing to export: that is an error, not an empty export."""
    held = held_back(settings, issue_id, chosen, judge)
    for gate in held:
        warn(held_back_line(gate, settings.source_locale))
    names = {gate.locale for gate in held}
    shipped = [locale for locale in chosen if locale not in names]
    if not shipped:
        raise NewsletterError(Problem(Location("newsletter.yaml", None, None, "release_gate"),
                                      f"nothing to export: {', '.join(sorted(names))} held back by the release gate",
                                      "translate and check the catalogs, or export the default locale"))
    return shipped, names
