"""The send plan: which subscribers get which locale's email, so that each gets exactly one.

Every subscriber carries a language value in one field (newsletter.yaml `audience.language_field`).
Each shipped locale other than the default is sent to the subscribers whose value is that
locale's; the default locale's send goes to everyone else — no value, a value the project has no
locale for, or the value of a locale not shipped this month — written as "none of" the others.
For providers that route by list or segment, the same partition is a set of groups: one per locale
and "other"; the default send takes every group but those of the other shipped locales — its own,
"other", and those of locales not shipped this month or no longer in target_locales.

The set of shipped locales is an input (`plan_sends(…, shipped)`): whatever leaves a locale out
of this month's export (target_locales, --locale, a release gate) routes its subscribers to the default.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from babel import Locale

from newsletter.model.audience import Audience
from newsletter.model.settings import Settings


@dataclass(frozen=True)
class Send:
    """One campaign (or template) of the plan and the subscribers it goes to."""

    locale: str
    name: str  # the campaign or template name in the provider
    field: str  # the subscriber field that carries the language
    values: tuple[str, ...]  # the field values routed here; empty for the default send (it takes the rest)
    excluded: tuple[str, ...]  # the default send only: the values the other sends take
    taken: tuple[str, ...]  # the default send only: the locales the other sends take (their lists are not its)

    @property
    def is_default(self) -> bool:
        return not self.values

    def groups_among(self, groups: Iterable[str]) -> list[str]:
        """Of a provider's list or segment groups (locales and "other"), those this send goes to."""
        if not self.is_default:
            return [group for group in groups if group == self.locale]
        return [group for group in groups if group not in self.taken]

    @property
    def rule(self) -> str:
        """The audience in words, as the manifest and docs show it."""
        if not self.is_default:
            return f"{self.field} is {self.values[0]}"
        if not self.excluded:
            return "everyone"
        return f"{self.field} is none of {', '.join(self.excluded)} (or empty)"


@dataclass(frozen=True)
class SendPlan:
    field: str
    default_locale: str
    shipped: tuple[str, ...]
    sends: tuple[Send, ...]

    @property
    def has_default(self) -> bool:
        return any(send.is_default for send in self.sends)

    def send_for(self, locale: str) -> Send:
        return next(send for send in self.sends if send.locale == locale)

    def route(self, value: str | None) -> Send | None:
        """The send a subscriber with this language value gets (None: no value); None when the plan has no default."""
        chosen = [send for send in self.sends if value in send.values]
        return chosen[0] if chosen else next((send for send in self.sends if send.is_default), None)

    def route_group(self, group: str) -> list[Send]:
        """The sends that go to a list or segment group (a locale or "other"): exactly one in a complete plan."""
        return [send for send in self.sends if group in send.groups_among([group])]


def campaign_name(issue_id: str, locale: str) -> str:
    """The name of one issue's campaign (Single Send, message) in a locale, made anew each month. Every provider
    accepts it: letters, digits, hyphen, underscore; starts with a letter."""
    return f"newsletter-{issue_id}-{locale}"


def stable_template_name(locale: str) -> str:
    """The name (Postmark: alias) of a locale's template in the provider, the same every month: it is created
    once and updated with each issue, so the provider's template count never grows with the issues
    (Postmark allows 100 templates per server, SendGrid 300). Same alphabet as campaign_name."""
    return f"newsletter-{locale}"


def plan_sends(settings: Settings, issue_id: str, shipped: Sequence[str]) -> SendPlan:
    """One send per shipped locale (in newsletter.yaml's order); the default one takes everyone the others do not."""
    audience = settings.audience or Audience(None, default_locale=settings.source_locale)
    shipped = tuple(locale for locale in settings.locales if locale in shipped)
    default = audience.default_locale
    others = [locale for locale in shipped if locale != default]
    sends = []
    for locale in shipped:
        if locale == default:
            values: tuple[str, ...] = ()
            excluded, taken = tuple(audience.value_of(other) for other in others), tuple(others)
        else:
            values, excluded, taken = (audience.value_of(locale),), (), ()
        sends.append(Send(locale, campaign_name(issue_id, locale), audience.language_field, values, excluded, taken))
    return SendPlan(audience.language_field, default, shipped, tuple(sends))


NORMALIZATION = "the value with spaces trimmed, lower-cased, '_' written '-' (ES, es, ' es ' → es; zh_Hans → zh-hans)"


def normalized(value: str | None) -> str:
    """A language value as routing.json's keys are written: real data holds `ES`, `zh_Hans`, `zh-Hans`, ` es `."""
    return (value or "").strip().lower().replace("_", "-")


def routing_table(plan: SendPlan) -> dict:
    """For senders that route in their own code (SES, Postmark): every normalized spelling of a language value →
    template name, and the default template for every other value or none. A send is reached by its configured
    value and its locale's code; and by its language alone (zh for zh_Hans) where that is no other locale's
    value or code and no other shipped locale has that language (zh_Hans and zh_Hant: zh gets the default)."""
    default = next((send for send in plan.sends if send.is_default), None)
    named = {normalized(spelling): send for send in plan.sends
             for spelling in ((send.values[0] if send.values else send.locale), send.locale)}
    languages: dict[str, list[Send]] = {}
    for send in plan.sends:
        languages.setdefault(normalized(Locale.parse(send.locale).language), []).append(send)
    for language, sends in languages.items():
        if language not in named and len(sends) == 1:
            named[language] = sends[0]
    templates = {spelling: stable_template_name(send.locale) for spelling, send in named.items() if send is not default}
    return {"field": plan.field, "normalize": NORMALIZATION, "templates": templates,
            "default": stable_template_name(default.locale) if default else None}
