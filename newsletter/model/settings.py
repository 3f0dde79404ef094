"""Project settings, read from newsletter.yaml at the project root."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import yaml
from babel import Locale

from newsletter.errors import Location, NewsletterError, Problem, ProblemList, quoted
from newsletter.model.audience import Audience, AudienceSections, read_audience
from newsletter.model.fieldspec import FieldSpec, derived, field_spec, flattened, model_field, spec, yaml_keys
from newsletter.model.gaterules import GateRule, ReleaseGate, read_release_gate
from newsletter.model.inline import URL_PATTERN
from newsletter.model.palette import COLOR_KEYS, DarkPalette, color_spec, derive_dark, read_color, read_dark
from newsletter.model.values import EMAIL, locale_spec, read_email, read_locale
from newsletter.model.yamlsource import Fields, compose

SETTINGS_FILE = "newsletter.yaml"
DOMAIN = "newsletter"

# Pseudo-locales exist for layout checks only; each renders with its base language's rules.
PSEUDO_LOCALES = {"en_XA": "en", "ar_XB": "ar"}

SPAM_THRESHOLD_ABOVE, SPAM_THRESHOLD_MAX = 0, 100
UTM_KEYS = ("source", "medium", "campaign")


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
    email: str = field(metadata=spec("The sender's address.", pattern=EMAIL.pattern))
    reply_to: str | None = field(metadata=spec("Where replies go, when not to the sender.", pattern=EMAIL.pattern))


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


@dataclass(frozen=True)
class Settings:
    root: Path = field(metadata=derived())
    brand: Brand = field(metadata=spec("The clinic's name, website and colours."))
    sender: Sender = field(metadata=spec("Who the email comes from."))
    postal_address: str = field(metadata=spec("The clinic's postal address, shown in every email (CAN-SPAM)."))
    source_locale: str = field(metadata=locale_spec("The language the issues are written in."))
    target_locales: tuple[str, ...] = field(metadata=locale_spec("The languages the issues are translated into."))
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
        "Which subscribers get which language, and where each provider keeps them."))  # audience.<provider>: newsletter.project
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


def read_settings(root: Path | None, audiences: AudienceSections) -> Settings:
    """newsletter.yaml at the root (found from the current folder when None), each provider's audience section
    handed to the shape it declares (newsletter.project passes them all)."""
    root = find_root(Path.cwd()) if root is None else root
    path = root / SETTINGS_FILE
    if not path.is_file():
        raise NewsletterError(Problem(Location(SETTINGS_FILE), "file not found",
                                      "run the command at the root of the newsletter project"))
    problems = ProblemList()
    top = Fields(compose(path, SETTINGS_FILE), SETTINGS_FILE, "", problems, yaml_keys(Settings))
    settings = _read(root, top, problems, audiences)
    problems.raise_if_any()
    return settings


def _read(root: Path, top: Fields, problems: ProblemList, audiences: AudienceSections) -> Settings | None:
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
    gate = read_release_gate(top.mapping("release_gate", yaml_keys(ReleaseGate, flattened(GateRule)), required=False), problems)
    if None in (brand, sender, source, default_links, postal, checks, gate) or None in targets:
        return None
    audience = read_audience(top.mapping("audience", yaml_keys(Audience, audiences), required=False), (source, *targets),
                             audiences)
    return Settings(root=root, brand=brand, sender=sender, postal_address=postal, source_locale=source,
                    target_locales=tuple(targets), links=default_links, link_overrides=overrides,
                    utm={key: value for key, value in utm.items() if value}, checks=checks, release_gate=gate,
                    audience=audience or default_audience(source),
                    archive_url=archive and archive.rstrip("/") + "/")


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
        targets.append(read_locale(value, top, problems, "target_locales", at=location) if value != source else None)
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
    name, email = fields.text("name"), read_email(fields, "email", True)
    reply_to = read_email(fields, "reply_to", False)
    return Sender(name, email, reply_to) if name and email else None


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
        locale = read_locale(str(key_node.value), links, problems, "overrides")
        sub = Fields(value_node, links.file, f"links.overrides.{key_node.value}", problems, yaml_keys(Links))
        localized = _links(sub)
        if locale and localized:
            overrides[locale] = replace(localized, contact=localized.contact or (default.contact if default else None))
    return overrides


def _locale(fields: Fields, key: str, problems: ProblemList) -> str | None:
    value = fields.text(key)
    return read_locale(value, fields, problems, key) if value else None


def default_audience(source: str) -> Audience:
    """Without an audience section: the field is LANGUAGE, each locale's value its code, the source the default."""
    return Audience(Location(SETTINGS_FILE), default_locale=source)
