"""What every provider shares: finding the provider-neutral placeholders and mapping them.

The rendered emails carry `[[unsubscribe_url]]`, `[[web_version_url]]` and
`[[first_name|fallback]]` (see `MergeTags` in newsletter/render.py). A provider module only
declares its merge tags and how its template engine escapes literal text; the base walks the
text, escapes every literal stretch, swaps each placeholder for the provider's tag, and refuses
a placeholder it does not know (django-anymail's shape: the base owns the common path).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urljoin

from newsletter.errors import Location, NewsletterError, Problem
from newsletter.model.audience import AudienceYaml, ProviderAudience
from newsletter.model.settings import SETTINGS_FILE, Settings
from newsletter.providers.routing import Send, SendPlan
from newsletter.render import RenderedEmail
from newsletter.render.templating import MergeTags

# `[[name]]` or `[[name|fallback]]`; the fallback is everything up to the closing brackets.
PLACEHOLDER = re.compile(r"\[\[([^\[\]|]*)(?:\|([^\[\]]*))?\]\]")
KNOWN_PLACEHOLDERS = ("unsubscribe_url", "web_version_url", "first_name")


@dataclass(frozen=True)
class MergeValues:
    """Values to put in place of the placeholders (proofs, previews), as one subscriber would see them."""

    unsubscribe_url: str
    web_version_url: str
    first_name: str | None = None  # None: the fallback shows, as for a subscriber without a name


def archive_page_path(issue_id: str, locale: str) -> str:
    """An issue's page in the web archive, relative to its root: one folder per locale, then per issue. The one
    layout of every web-version link: exports, proofs, the archive itself, the docs."""
    return f"{locale}/{issue_id}/"


def sample_values(settings: Settings, email: RenderedEmail, first_name: str | None = "Alex") -> MergeValues:
    """Believable values for a proof: links on the brand's website (the web version where its archive would be),
    a sample first name."""
    website = settings.brand.website
    archive = settings.archive_url or urljoin(website, "newsletter/")
    return MergeValues(unsubscribe_url=urljoin(website, f"unsubscribe?proof={email.issue_id}-{email.locale}"),
                       web_version_url=urljoin(archive, archive_page_path(email.issue_id, email.locale)),
                       first_name=first_name)


def issue_date(email: RenderedEmail, date: dt.date | None) -> dt.date:
    """The issue's date; without one, the first day of the issue's month (ids are YYYY-MM)."""
    return date or dt.date(int(email.issue_id[:4]), int(email.issue_id[5:7]), 1)


def _unknown(email: RenderedEmail, name: str, provider: str) -> NewsletterError:
    return NewsletterError(Problem(
        Location("templates/", field=f"{email.issue_id} {email.locale}"),
        f"unknown placeholder [[{name}]] for provider {provider}",
        f"use one of: {', '.join(f'[[{known}]]' for known in KNOWN_PLACEHOLDERS)}"))


def map_placeholders(text: str, email: RenderedEmail, provider: str,
                     literal: Callable[[str], str], placeholder: Callable[[str, str], str]) -> str:
    """`text` with every literal stretch passed through `literal` and every placeholder
    through `placeholder(name, fallback)`; an unknown placeholder is an error."""
    pieces, start = [], 0
    for match in PLACEHOLDER.finditer(text):
        name, fallback = match.group(1), match.group(2) or ""
        if name not in KNOWN_PLACEHOLDERS:
            raise _unknown(email, name, provider)
        pieces += [literal(text[start:match.start()]), placeholder(name, fallback)]
        start = match.end()
    pieces.append(literal(text[start:]))
    return "".join(pieces)


def fill(text: str, email: RenderedEmail, values: MergeValues, is_html: bool) -> str:
    """The text with placeholders replaced by `values` (escaped for HTML when `is_html`)."""

    def value(name: str, fallback: str) -> str:
        if name == "first_name":  # the HTML fallback is already escaped by the template
            return (html.escape(values.first_name) if is_html else values.first_name) if values.first_name else fallback
        chosen = getattr(values, name)
        return html.escape(chosen) if is_html else chosen

    return map_placeholders(text, email, "proof", lambda literal: literal, value)


def keep_placeholders(text: str, email: RenderedEmail) -> str:
    """The text unchanged, once every placeholder in it is known (a sender could not fill the others)."""

    def same(name: str, fallback: str) -> str:
        return MergeTags.first_name(fallback) if name == "first_name" else f"[[{name}]]"

    return map_placeholders(text, email, "eml", lambda literal: literal, same)


@dataclass(frozen=True)
class ExportFile:
    """One file a provider imports, relative to the provider's export folder."""

    name: str
    data: bytes


@dataclass(frozen=True)
class RemoteTemplate:
    """A template in the provider that every issue reuses: created once under a stable name, then updated."""

    name: str  # routing.stable_template_name(locale), or the one template every locale shares
    each_issue: str  # what each issue's export does to it, in the provider's own terms


class Provider:
    """One mailing provider: its merge tags, its escaping, and the files it imports.

    A provider module declares `unsubscribe` and `web_version` (its merge tags for those URLs),
    `first_name()` (the tag with a fallback) and `escape()` (literal text made inert for its
    template engine), and turns each RenderedEmail into files with `files()`.
    """

    name: ClassVar[str]
    title: ClassVar[str]  # how people call it, for messages and docs
    # the shape of audience.<name> in newsletter.yaml, read from the section handed to it; None: routes by field only
    audience_yaml: ClassVar[type[AudienceYaml] | None] = None
    audience_in_files: ClassVar[bool] = True  # a locale's files name its recipients (False: routing is in a plan file)
    hosts_web_version: ClassVar[bool] = False  # the provider keeps a web copy of each email (else: links.archive)
    unsubscribe: ClassVar[str] = MergeTags.unsubscribe_url
    web_version: ClassVar[str | None] = None  # the provider's own hosted copy (None: links.archive's page, put in before)

    def first_name(self, fallback: str, is_html: bool) -> str:
        """The merge tag for the subscriber's first name, showing `fallback` when it is unknown.
        In HTML the fallback arrives HTML-escaped already (the template autoescapes)."""
        return MergeTags.first_name(fallback)

    def escape(self, literal: str) -> str:
        """Literal text made inert for the provider's template engine (default: nothing to do)."""
        return literal

    def files(self, email: RenderedEmail, settings: Settings, date: dt.date, send: Send) -> list[ExportFile]:
        """The files of one locale's send: its content, and its audience in the provider's own terms."""
        raise NotImplementedError

    def audience_rule(self, send: Send) -> str:
        """Who gets the send, in words, as the manifest and the publish plan state it (default: the field's rule)."""
        return send.rule

    def template(self, locale: str) -> RemoteTemplate | None:
        """The template a locale's send lives in, where the provider keeps one across issues (None: the
        campaign carries its own content, made anew each issue)."""
        return None

    def plan_files(self, plan: SendPlan, settings: Settings) -> list[ExportFile]:
        """Files for the whole send plan (a routing table for providers that route in the sender's code)."""
        return []

    def audience(self, settings: Settings) -> ProviderAudience:
        """This provider's part of newsletter.yaml's audience section; its absence stops the export."""
        found = settings.audience.providers.get(self.name) if settings.audience else None
        if found is None:
            location = settings.audience.location if settings.audience else None
            where = location if location and location.line else Location(SETTINGS_FILE)
            raise NewsletterError(Problem(
                Location(where.file, where.line, where.column, "audience"), f"no audience.{self.name} section: "
                f"{self.title} needs to know where each language's subscribers are",
                f"add audience.{self.name} (see docs/export.md, \"Routing each language\")"))
        return found

    def group_ids(self, settings: Settings, send: Send) -> list[str | int]:
        """The ids of the lists or segments this send goes to (audience.<provider> in newsletter.yaml)."""
        groups = self.audience(settings).groups
        return [groups[group] for group in send.groups_among(groups)]

    def recipients(self, settings: Settings, send: Send) -> list[str | int] | None:
        """The lists or segments the send goes to, for the manifest; None where the provider routes by field."""
        return None

    def merge(self, text: str, email: RenderedEmail, is_html: bool) -> str:
        """The text in the provider's template language: literals escaped, placeholders as merge tags."""

        def tag(name: str, fallback: str) -> str:
            if name == "first_name":
                return self.first_name(fallback, is_html)
            if name == "unsubscribe_url":
                return self.unsubscribe
            if self.web_version is None:  # export refuses this earlier (webversion.require_web_version)
                raise _unknown(email, name, self.name)
            return self.web_version

        return map_placeholders(text, email, self.name, self.escape, tag)


def break_sequence(text: str, sequence: str) -> str:
    """`sequence` (like "*|") made unrecognisable to a template engine that has no escape for it:
    an invisible WORD JOINER (U+2060) goes between its first two characters."""
    return text.replace(sequence, f"{sequence[0]}\u2060{sequence[1:]}")


def json_file(name: str, document: dict) -> ExportFile:
    """A JSON file, stable byte for byte: insertion order, UTF-8, two-space indent, final newline."""
    return ExportFile(name, (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode())
