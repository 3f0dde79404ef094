"""Project settings, read from newsletter.yaml at the project root."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError
from babel.localedata import locale_identifiers

from newsletter.errors import Location, NewsletterError, Problem, ProblemList, quoted
from newsletter.model.fieldspec import FieldSpec, derived, field_spec, flattened, model_field, spec, yaml_keys
from newsletter.model.inline import URL_PATTERN
from newsletter.model.palette import COLOR_KEYS, DarkPalette, color_spec, derive_dark, read_color, read_dark
from newsletter.model.yamlsource import Fields, compose

SETTINGS_FILE = "newsletter.yaml"
DOMAIN = "newsletter"

# Pseudo-locales exist for layout checks only; each renders with its base language's rules.
PSEUDO_LOCALES = {"en_XA": "en", "ar_XB": "ar"}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SPAM_THRESHOLD_ABOVE, SPAM_THRESHOLD_MAX = 0, 100
UTM_KEYS = ("source", "medium", "campaign")


def _locale_spec(description: str) -> dict:
    """Locale codes as Babel (CLDR) knows them: editors offer them while typing."""
    return spec(description, choices=locale_identifiers)


@dataclass(frozen=True)
class Brand:
    name: str = field(metadata=spec("The clinic's name, as readers know it."))
    website: str = field(metadata=spec("The clinic's website (https://).", pattern=URL_PATTERN))
    primary_color: str = field(metadata=color_spec("Buttons and headings"))
    text_color: str = field(metadata=color_spec("Body text"))
    background_color: str = field(metadata=color_spec("The email's background"))
    dark: DarkPalette = field(metadata=spec("The colours in dark mode; any left out are derived from the ones above.",
                                            optional=True))


@dataclass(frozen=True)
class Sender:
    name: str = field(metadata=spec("The sender's name in the inbox."))
    email: str = field(metadata=spec("The sender's address.", pattern=_EMAIL.pattern))
    reply_to: str | None = field(metadata=spec("Where replies go, when not to the sender.", pattern=_EMAIL.pattern))


@dataclass(frozen=True)
class Links:
    faq: str = field(metadata=spec("The FAQ page (https://).", pattern=URL_PATTERN))
    consultation: str = field(metadata=spec("The page to schedule a consultation (https://).", pattern=URL_PATTERN))
    # the clinic's contact page, shown as a "Contact Us" button when set
    contact: str | None = field(default=None, metadata=spec("The contact page; a 'Contact Us' button when set.",
                                                            pattern=URL_PATTERN))


@dataclass(frozen=True)
class CheckSettings:
    # a SpamAssassin score above this is an error in the pre-send checks
    spam_threshold: float = field(default=5.0, metadata=spec(
        "A SpamAssassin score above this fails the checks (SpamAssassin's own default is 5.0).",
        exclusive_minimum=SPAM_THRESHOLD_ABOVE, maximum=SPAM_THRESHOLD_MAX))


OTHER_LANGUAGES = "other"  # the audience group of subscribers with no language, or one the project has no locale for
LIST_ROUTED_PROVIDERS = ("brevo", "sendgrid", "listmonk", "mailgun")  # route by a list or segment per language


@dataclass(frozen=True)
class ProviderAudience:
    """Where one provider keeps the subscribers of each language.

    groups: locale (or "other") → the list or segment id holding exactly those subscribers
        (Brevo list id, SendGrid segment id, listmonk list id, Mailgun mailing-list address).
    list_id: Mailchimp's audience, cut into segments by the language merge field instead.
    template_id: listmonk's campaign template (its body only `{{ template "content" . }}`).
    """

    location: Location
    groups: dict[str, str | int] = field(default_factory=dict)
    list_id: str | None = None
    template_id: int | None = None
    unsubscribe_group: int | None = None  # SendGrid's unsubscribe group (asm.group_id)


@dataclass(frozen=True)
class MailchimpAudienceYaml:
    """audience.mailchimp as written: one audience, cut into segments by the language merge field."""

    list_id: str = field(metadata=spec("Mailchimp's audience id."))


@dataclass(frozen=True)
class BrevoAudienceYaml:
    """audience.brevo as written: a list per locale and one for "other"."""

    lists: dict[str, int] = field(metadata=spec("Locale (or other) → the Brevo list id."))


@dataclass(frozen=True)
class MailgunAudienceYaml:
    """audience.mailgun as written: a mailing list per locale and one for "other"."""

    lists: dict[str, str] = field(metadata=spec("Locale (or other) → the Mailgun mailing list's address."))


@dataclass(frozen=True)
class SegmentsAudienceYaml:
    """audience.sendgrid as written: a segment per locale and one for "other"."""

    segments: dict[str, str] = field(metadata=spec("Locale (or other) → the SendGrid segment id."))
    unsubscribe_group: int = field(metadata=spec(
        "The SendGrid unsubscribe group (asm.group_id) the email's unsubscribe link leaves.", minimum=1))


@dataclass(frozen=True)
class ListmonkAudienceYaml:
    """audience.listmonk as written: a list per locale and "other", and the campaign template."""

    lists: dict[str, int] = field(metadata=spec("Locale (or other) → the listmonk list id."))
    template_id: int = field(metadata=spec("The listmonk campaign template's id.", minimum=1))


# The provider sub-sections of audience: (name → the YAML shape), beside Audience's own keys.
AUDIENCE_PROVIDERS = {"mailchimp": MailchimpAudienceYaml, "brevo": BrevoAudienceYaml,
                      "sendgrid": SegmentsAudienceYaml, "listmonk": ListmonkAudienceYaml, "mailgun": MailgunAudienceYaml}


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


@dataclass(frozen=True)
class GateRule:
    """What a language needs to ship this month: a share of the issue's strings translated, and at most
    so many failed translation checks (None: not counted)."""

    min_translated: float = field(default=0.0, metadata=spec(  # percent
        "The share of the issue's strings a language needs translated to ship, in percent.", minimum=0, maximum=100))
    max_failed_checks: int | None = field(default=None, metadata=spec(
        "The most failed translation checks a language may have and still ship.", minimum=0, maximum=10_000))


@dataclass(frozen=True)
class ReleaseGate:
    default: GateRule = field(default_factory=GateRule, metadata=derived())  # YAML: release_gate's own keys
    overrides: dict[str, GateRule] = field(default_factory=dict, metadata=spec("Per locale, its own minimum."))

    def rule_for(self, locale: str) -> GateRule:
        return self.overrides.get(locale, self.default)


@dataclass(frozen=True)
class Settings:
    root: Path = field(metadata=derived())
    brand: Brand = field(metadata=spec("The clinic's name, website and colours."))
    sender: Sender = field(metadata=spec("Who the email comes from."))
    postal_address: str = field(metadata=spec("The clinic's postal address, shown in every email (CAN-SPAM)."))
    source_locale: str = field(metadata=_locale_spec("The language the issues are written in."))
    target_locales: tuple[str, ...] = field(metadata=_locale_spec("The languages the issues are translated into."))
    links: Links = field(metadata=spec("The links of the calls to action, and of the web archive.", also={
        "archive": (str, FieldSpec("Where the web archive of the newsletter is published (https://); when set, the "
                                   "build writes it and 'View in browser' links to its pages.", pattern=URL_PATTERN)),
        "overrides": dict[str, Links]}))
    link_overrides: dict[str, Links] = field(default_factory=dict, metadata=derived())  # YAML: links.overrides
    utm: dict[str, str] = field(default_factory=dict, metadata=spec("UTM tags added to the links to the website.",
                                                                     keys=UTM_KEYS))
    checks: CheckSettings = field(default_factory=CheckSettings, metadata=spec("Settings of the pre-send checks."))
    release_gate: ReleaseGate = field(default_factory=ReleaseGate, metadata=spec(
        "When a language ships this month: a minimum translated share and most failed checks, per locale if needed.",
        also=flattened(GateRule)))
    # None: newsletter.yaml has no audience section (the source locale is the default)
    audience: Audience | None = field(default=None, metadata=spec(
        "Which subscribers get which language, and where each provider keeps them.", also=AUDIENCE_PROVIDERS))
    archive_url: str | None = field(default=None, metadata=derived())  # YAML: links.archive, ending in '/'

    @property
    def issues_dir(self) -> Path:
        return self.root / "issues"

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def locales(self) -> tuple[str, ...]:
        """Every locale subscribers receive: the source first, then the targets."""
        return (self.source_locale, *self.target_locales)

    def links_for(self, locale: str) -> Links:
        return self.link_overrides.get(locale, self.links)

    def relative(self, path: Path) -> str:
        """A path as users see it in messages: relative to the project root."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)


@lru_cache(maxsize=64)
def babel_locale(code: str) -> Locale:
    """The Babel locale for a project locale code (pseudo-locales use their base language)."""
    return Locale.parse(PSEUDO_LOCALES.get(code, code))


def find_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    raise NewsletterError(Problem(Location(SETTINGS_FILE), "no newsletter.yaml here or in any parent folder",
                                  "run the command inside the newsletter project"))


def load_settings(root: Path | None = None) -> Settings:
    root = find_root(Path.cwd()) if root is None else root
    path = root / SETTINGS_FILE
    if not path.is_file():
        raise NewsletterError(Problem(Location(SETTINGS_FILE), "file not found",
                                      "run the command at the root of the newsletter project"))
    problems = ProblemList()
    top = Fields(compose(path, SETTINGS_FILE), SETTINGS_FILE, "", problems, yaml_keys(Settings))
    settings = _read(root, top, problems)
    problems.raise_if_any()
    return settings


def _read(root: Path, top: Fields, problems: ProblemList) -> Settings | None:
    brand = _brand(top.mapping("brand", yaml_keys(Brand)))
    sender = _sender(top.mapping("sender", yaml_keys(Sender)))
    source = _locale(top, "source_locale", problems)
    targets = _target_locales(top, problems, source)
    links = top.mapping("links", yaml_keys(Links, field_spec(model_field(Settings, "links")).also))
    default_links = _links(links)
    overrides = _overrides(links, problems, default_links) if links else {}
    utm_fields = top.mapping("utm", UTM_KEYS, required=False)
    utm = {key: utm_fields.text(key, required=False) for key in UTM_KEYS} if utm_fields else {}
    postal = top.text("postal_address")
    checks = _checks(top.mapping("checks", yaml_keys(CheckSettings), required=False))
    archive = links.url("archive", required=False) if links else None
    gate = _release_gate(top.mapping("release_gate", yaml_keys(ReleaseGate, flattened(GateRule)), required=False), problems)
    if None in (brand, sender, source, default_links, postal, checks, gate) or None in targets:
        return None
    audience = _audience(top.mapping("audience", AUDIENCE_FIELDS, required=False), (source, *targets))
    return Settings(root=root, brand=brand, sender=sender, postal_address=postal, source_locale=source,
                    target_locales=tuple(targets), links=default_links, link_overrides=overrides,
                    utm={key: value for key, value in utm.items() if value}, checks=checks, release_gate=gate,
                    audience=audience or default_audience(source),
                    archive_url=archive and archive.rstrip("/") + "/")


GATE_FIELDS = yaml_keys(GateRule)  # min_translated, max_failed_checks


def _release_gate(fields: Fields | None, problems: ProblemList) -> ReleaseGate | None:
    """release_gate: the minimum for a language to ship, with per-locale overrides (all optional)."""
    if fields is None:
        return ReleaseGate()
    default = _gate_rule(fields, GateRule())
    overrides = {}
    node = fields.values.get("overrides")
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            locale = _locale_value(str(key_node.value), fields, problems, "overrides")
            sub = Fields(value_node, fields.file, f"release_gate.overrides.{key_node.value}", problems, GATE_FIELDS)
            rule = _gate_rule(sub, default or GateRule())
            if locale and rule:
                overrides[locale] = rule
    elif node is not None:
        problems.add(fields.location("overrides"), "expected a mapping of locale: minimums")
    return ReleaseGate(default, overrides) if default else None


def _gate_rule(fields: Fields, inherited: GateRule) -> GateRule | None:
    percent = _number(fields, "min_translated", 100, "a percentage from 0 to 100, such as 95")
    most = _number(fields, "max_failed_checks", 10_000, "a whole number of failed checks, such as 0", whole=True)
    if _INVALID in (percent, most):
        return None
    return GateRule(inherited.min_translated if percent is None else percent,
                    inherited.max_failed_checks if most is None else int(most))


_INVALID = -1.0


def _number(fields: Fields, key: str, high: float, hint: str, whole: bool = False) -> float | None:
    """An optional number from 0 to `high`: None when absent, _INVALID (reported) when it is not one."""
    value = fields.text(key, required=False)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        number = _INVALID
    if not 0 <= number <= high or (whole and number != int(number)):
        fields.problems.add(fields.location(key), f"expected {hint.split(',')[0]}, got {value!r}", f"write {hint}")
        return _INVALID
    return number


def _target_locales(top: Fields, problems: ProblemList, source: str | None) -> list[str | None]:
    """The locales translated into: each a known locale, listed once, and not the source (whose text is the
    issues' own; listed as a target, its emails would be built twice into the same folder)."""
    targets: list[str | None] = []
    for value, location in top.text_list("target_locales"):
        if value == source:
            problems.add(location, f"{quoted(value)} is the source locale (source_locale), not a translation",
                         "remove it from target_locales: the source locale is always built")
        elif value in targets:
            problems.add(location, f"{quoted(value)} is listed twice", "keep one")
        targets.append(_locale_value(value, top, problems, "target_locales", at=location) if value != source else None)
    return targets


def _brand(fields: Fields | None) -> Brand | None:
    if fields is None:
        return None
    colors = {key: read_color(fields, key) for key in COLOR_KEYS}
    name, website = fields.text("name"), fields.url("website")
    dark = read_dark(fields.mapping("dark", COLOR_KEYS, required=False))
    if None in (name, website, *colors.values()):
        return None  # a wrong dark colour is reported too, and fails the settings as a whole
    return Brand(name=name, website=website, **colors, dark=derive_dark(DarkPalette(**colors), dark))


def _checks(fields: Fields | None) -> CheckSettings | None:
    """checks: settings of the pre-send checks (all optional)."""
    if fields is None:
        return CheckSettings()
    value = fields.text("spam_threshold", required=False)
    if value is None:
        return CheckSettings()
    try:
        threshold = float(value)
    except ValueError:
        threshold = -1.0
    if not SPAM_THRESHOLD_ABOVE < threshold <= SPAM_THRESHOLD_MAX:
        fields.problems.add(fields.location("spam_threshold"), f"expected a SpamAssassin score like 5.0, got {quoted(value)}",
                            "write a number above 0; SpamAssassin's own default is 5.0")
        return None
    return CheckSettings(spam_threshold=threshold)


def _sender(fields: Fields | None) -> Sender | None:
    if fields is None:
        return None
    name, email = fields.text("name"), _email(fields, "email", True)
    reply_to = _email(fields, "reply_to", False)
    return Sender(name, email, reply_to) if name and email else None


def _email(fields: Fields, key: str, required: bool) -> str | None:
    value = fields.text(key, required=required)
    if value is not None and not _EMAIL.match(value):
        fields.problems.add(fields.location(key), f"expected an email address, got {quoted(value)}")
        return None
    return value


def _links(fields: Fields | None) -> Links | None:
    if fields is None:
        return None
    faq, consultation, contact = fields.url("faq"), fields.url("consultation"), fields.url("contact", required=False)
    return Links(faq, consultation, contact) if faq and consultation else None


def _overrides(links: Fields, problems: ProblemList, default: Links | None) -> dict[str, Links]:
    """links.overrides: a mapping of locale → its own faq/consultation (and contact) links."""
    node = links.values.get("overrides")
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        problems.add(links.location("overrides"), "expected a mapping of locale: links")
        return {}
    overrides = {}
    for key_node, value_node in node.value:
        locale = _locale_value(str(key_node.value), links, problems, "overrides")
        sub = Fields(value_node, links.file, f"links.overrides.{key_node.value}", problems, yaml_keys(Links))
        localized = _links(sub)
        if locale and localized:
            overrides[locale] = replace(localized, contact=localized.contact or (default.contact if default else None))
    return overrides


def _locale(fields: Fields, key: str, problems: ProblemList) -> str | None:
    value = fields.text(key)
    return _locale_value(value, fields, problems, key) if value else None


def _locale_value(value: str, fields: Fields, problems: ProblemList, key: str | None = None,
                  at: Location | None = None) -> str | None:
    try:
        Locale.parse(value)
    except (UnknownLocaleError, ValueError):
        problems.add(at or fields.location(key), f"unknown locale {quoted(value)}",
                     "use a CLDR locale code such as es, fr, de, ar or zh_Hans")
        return None
    return value


AUDIENCE_FIELDS = yaml_keys(Audience, AUDIENCE_PROVIDERS)  # language_field, default_locale, values, the providers
# a name every provider accepts for a merge field/attribute
_FIELD_NAME = re.compile(field_spec(model_field(Audience, "language_field")).pattern)


def default_audience(source: str) -> Audience:
    """Without an audience section: the field is LANGUAGE, each locale's value its code, the source the default."""
    return Audience(Location(SETTINGS_FILE), default_locale=source)


def _audience(fields: Fields | None, locales: tuple[str, ...]) -> Audience | None:
    """audience: how subscribers carry their language, and where each provider keeps each language's subscribers."""
    if fields is None:
        return None
    language_field = _field_name(fields)
    default = fields.text("default_locale")
    if default is not None and default not in locales:
        fields.problems.add(fields.location("default_locale"), f"{default!r} is not one of this project's locales",
                            f"use one of: {', '.join(locales)}")
        default = None
    values = _values(_locale_keyed(fields, "values"), locales)
    providers = {name: found for name in ("mailchimp", *LIST_ROUTED_PROVIDERS)
                 if (found := _provider_audience(fields, name, locales)) is not None}
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


def _provider_audience(audience: Fields, name: str, locales: tuple[str, ...]) -> ProviderAudience | None:
    """audience.<provider>: Mailchimp's list_id, or a list/segment per locale and one for everyone else."""
    known = ("list_id",) if name == "mailchimp" else ("segments", "unsubscribe_group") if name == "sendgrid" else \
        ("lists", "template_id") if name == "listmonk" else ("lists",)
    fields = audience.mapping(name, known, required=False)
    if fields is None:
        return None
    if name == "mailchimp":
        return ProviderAudience(fields.location(), list_id=fields.text("list_id"))
    key = known[0]
    groups = _groups(_locale_keyed(fields, key, required=True), locales, name)
    template_id = fields.integer("template_id", required=True, maximum=2**31 - 1) if name == "listmonk" else None
    # SendGrid fills {{{unsubscribe}}} only for a send that names an unsubscribe group (sendgrid-php #862)
    group = fields.integer("unsubscribe_group", required=True, maximum=2**31 - 1) if name == "sendgrid" else None
    return ProviderAudience(fields.location(key), groups or {}, template_id=template_id, unsubscribe_group=group)


def _groups(fields: Fields | None, locales: tuple[str, ...], provider: str) -> dict[str, str | int] | None:
    """Every locale's list or segment, and "other"'s: a language without one would get no email."""
    if fields is None:
        return None
    groups: dict[str, str | int] = {}
    missing = [key for key in (*locales, OTHER_LANGUAGES) if key not in fields.values]
    for key in missing:
        what = "no language or one without a locale here" if key == OTHER_LANGUAGES else f"language {key}"
        fields.problems.add(fields.location(), f"no list for {key!r}",
                            f"add '{key}:' with the id of the list or segment of subscribers with {what}")
    for key in fields.values:  # a locale not (or no longer) in target_locales keeps its list: it joins the default send
        value = _group_id(fields, key, provider)
        if value is not None:
            groups[key] = value
    return None if missing or len(groups) < len(fields.values) else groups


def _locale_keyed(parent: Fields, key: str, required: bool = False) -> Fields | None:
    """A mapping whose keys are locale codes (any CLDR locale, listed in target_locales or not) or "other"."""
    node = parent.values.get(key)
    if node is None:
        return parent.mapping(key, (), required=required)
    keys = tuple(str(k.value) for k, _ in node.value) if isinstance(node, yaml.MappingNode) else ()
    fields = Fields(node, parent.file, f"{parent.path}.{key}", parent.problems, keys)
    for name in keys:
        if name != OTHER_LANGUAGES or key == "values":
            _locale_value(name, fields, fields.problems, name)
    return fields


def _group_id(fields: Fields, key: str, provider: str) -> str | int | None:
    if provider in ("brevo", "listmonk"):  # numeric list ids
        return fields.integer(key, required=True, maximum=2**31 - 1)
    if provider == "mailgun":  # a mailing list is an email address
        return _email(fields, key, True)
    return fields.text(key)
