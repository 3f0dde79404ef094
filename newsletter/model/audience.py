"""Who gets which locale: the audience section of newsletter.yaml.

Its own keys (the field carrying a subscriber's language, its value per locale, the default locale) are read
here. Each provider that keeps its subscribers in lists or segments declares the shape of its audience.<provider>
section in its module (newsletter/providers/<name>.py) and reads the section handed to it, with the helpers
below; adding a provider touches no settings code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import yaml

from newsletter.errors import Location, Problem
from newsletter.model.fieldspec import derived, field_spec, model_field, spec, yaml_keys
from newsletter.model.values import read_email, read_locale
from newsletter.model.yamlsource import Fields

OTHER_LANGUAGES = "other"  # the audience group of subscribers with no language, or one the project has no locale for


@dataclass(frozen=True)
class ProviderAudience:
    """Where one provider keeps the subscribers of each language.

    groups: locale (or "other") → the list or segment id holding exactly those subscribers
        (Brevo list id, SendGrid segment id, listmonk list id, Mailgun mailing-list address).
    What only one provider keeps (Mailchimp's audience id, SendGrid's unsubscribe group, …) is a
    subclass beside that provider, so that adding a provider changes nothing here.
    """

    location: Location  # where the groups are written (audience.<provider>.<key>)
    groups: dict[str, str | int] = field(default_factory=dict)
    # locales written with no group yet (a language just added): the export leaves them out, everything else works
    missing: tuple[str, ...] = ()

    def missing_line(self, locale: str, provider: str) -> str:
        """What an export of this provider says about a locale it leaves out for want of a group."""
        return (f"{self.location}: {self.location.field}: no list for {locale!r} yet: the {provider} export leaves "
                f"{locale!r} out and ships the other languages — {_add_group_hint(locale)}")

    def missing_problem(self, locale: str, why: str) -> Problem:
        """A locale the export cannot leave out (the default one, or the only one asked for) without a group."""
        return Problem(self.location, f"no list for {locale!r}: {why}", _add_group_hint(locale))


@dataclass(frozen=True)
class Audience:
    """Which subscribers get which locale: the field that carries a subscriber's language, its value per
    locale, and the locale everyone else gets (no language, or one not shipped this month)."""

    location: Location = field(metadata=derived())
    language_field: str = field(default="LANGUAGE", metadata=spec(
        "The merge field / attribute that holds a subscriber's language.", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,49}$"))
    default_locale: str = field(default="en", metadata=spec("The locale subscribers with no (shipped) language get."))
    # locale → the field's value (a locale's own code if unlisted)
    values: dict[str, str] = field(default_factory=dict, metadata=spec("The field's value per locale, where not its code."))
    providers: dict[str, ProviderAudience] = field(default_factory=dict, metadata=derived())  # YAML: audience.<provider>

    def value_of(self, locale: str) -> str:
        return self.values.get(locale, locale)


class AudienceYaml(Protocol):
    """A provider's audience.<provider> section as written: a dataclass (its keys and schema) that reads itself."""

    @staticmethod
    def read(section: Fields, locales: tuple[str, ...]) -> ProviderAudience | None: ...


AudienceSections = Mapping[str, type[AudienceYaml]]  # provider name → the shape of its section, in schema order


# a name every provider accepts for a merge field/attribute
_FIELD_NAME = re.compile(field_spec(model_field(Audience, "language_field")).pattern)


def read_audience(fields: Fields | None, locales: tuple[str, ...], sections: AudienceSections) -> Audience | None:
    """audience: how subscribers carry their language, and where each provider keeps each language's subscribers
    (each provider's own section handed to the shape it declares)."""
    if fields is None:
        return None
    language_field = _field_name(fields)
    default = fields.text("default_locale")
    if default is not None and default not in locales:
        fields.problems.add(fields.location("default_locale"), f"{default!r} is not one of this project's locales",
                            f"use one of: {', '.join(locales)}")
        default = None
    values = _values(_locale_keyed(fields, "values"), locales)
    providers = {name: found for name, shape in sections.items()
                 if (section := fields.mapping(name, yaml_keys(shape), required=False)) is not None
                 and (found := shape.read(section, locales)) is not None}
    if None in (language_field, default, values):
        return None
    return Audience(fields.location(), language_field, default, values, providers)


def _field_name(fields: Fields) -> str | None:
    name = fields.text("language_field")
    if name is not None and not _FIELD_NAME.match(name):
        fields.problems.add(fields.location("language_field"), f"expected a field name like LANGUAGE, got {name!r}",
                            "letters, digits and underscores, starting with a letter (Mailchimp merge tags: 10 at most)")
        return None
    return name


def _values(fields: Fields | None, locales: tuple[str, ...]) -> dict[str, str] | None:
    """audience.values: the language field's value per locale, when it is not the locale's own code."""
    if fields is None:
        return {}
    values = {locale: fields.text(locale) for locale in fields.values}
    taken: dict[str, str] = {}
    for locale in dict.fromkeys([*locales, *values]):
        value = values.get(locale) or locale
        if value in taken:
            fields.problems.add(fields.location(locale) if locale in fields.values else fields.location(),
                                f"{taken[value]} and {locale} both have the value {value!r}",
                                "give each locale its own value: a subscriber must get exactly one email")
            return None
        taken[value] = locale
    return None if None in values.values() else values


def read_groups(section: Fields, key: str, locales: tuple[str, ...],
                read_id: Callable[[Fields, str], str | int | None]) -> ProviderAudience:
    """audience.<provider>.<key>: a list or segment per locale and one for everyone else, each id read by `read_id`."""
    fields = _locale_keyed(section, key, required=True)
    groups = _groups(fields, read_id)
    missing = tuple(locale for locale in locales if fields is not None and locale not in fields.values)
    return ProviderAudience(section.location(key), groups or {}, missing)


def list_number(fields: Fields, key: str) -> int | None:
    """A numeric list id (Brevo, listmonk)."""
    return fields.integer(key, required=True, maximum=2**31 - 1)


def list_address(fields: Fields, key: str) -> str | None:
    """A mailing list that is an email address (Mailgun)."""
    return read_email(fields, key, True)


def list_text(fields: Fields, key: str) -> str | None:
    """A list or segment id as text (SendGrid)."""
    return fields.text(key)


def _groups(fields: Fields | None, read_id: Callable[[Fields, str], str | int | None]) -> dict[str, str | int] | None:
    """Every list or segment written, and "other"'s, which is needed: without it the subscribers with no language
    would get no email. A locale without one yet is not a mistake here: its provider's export leaves it out."""
    if fields is None:
        return None
    groups: dict[str, str | int] = {}
    if OTHER_LANGUAGES not in fields.values:
        fields.problems.add(fields.location(), f"no list for {OTHER_LANGUAGES!r}", _add_group_hint(OTHER_LANGUAGES))
    for key in fields.values:  # a locale not (or no longer) in target_locales keeps its list: it joins the default send
        value = read_id(fields, key)
        if value is not None:
            groups[key] = value
    return None if OTHER_LANGUAGES not in fields.values or len(groups) < len(fields.values) else groups


def _add_group_hint(key: str) -> str:
    what = "no language or one without a locale here" if key == OTHER_LANGUAGES else f"language {key}"
    return f"add '{key}:' with the id of the list or segment of subscribers with {what}"


def _locale_keyed(parent: Fields, key: str, required: bool = False) -> Fields | None:
    """A mapping whose keys are locale codes (any CLDR locale, listed in target_locales or not) or "other"."""
    node = parent.values.get(key)
    if node is None:
        return parent.mapping(key, (), required=required)
    keys = tuple(str(k.value) for k, _ in node.value) if isinstance(node, yaml.MappingNode) else ()
    fields = Fields(node, parent.file, f"{parent.path}.{key}", parent.problems, keys)
    for name in keys:
        if name != OTHER_LANGUAGES or key == "values":
            read_locale(name, fields, fields.problems, name)
    return fields
