"""Brevo: one email campaign (JSON body of POST /v3/emailCampaigns) per locale.

https://developers.brevo.com/reference/createemailcampaign — name, subject, previewText,
sender, replyTo, htmlContent (Brevo builds the text version itself), mirrorActive (the
web-version page `{{ mirror }}` links to exists only when it is true), and `recipients.listIds`:
the lists of newsletter.yaml's audience.brevo this send goes to (a contact in several of them
gets one email). Brevo Template Language
(https://help.brevo.com/hc/en-us/articles/4405381108626 — filters, `default`):
`{{ contact.FIRSTNAME|default:'there' }}`; `{{ unsubscribe }}` and `{{ mirror }}` for the
unsubscribe and web-version links. A literal `{{` or `{%` in the content is broken with an
invisible word joiner; a quote in the fallback is written as a typographic one, since the
documented form has no escape inside '…' (in HTML it stays the entity &#39;).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from newsletter.model.audience import ProviderAudience, list_number, read_groups
from newsletter.model.fieldspec import spec
from newsletter.model.settings import Settings
from newsletter.model.yamlsource import Fields
from newsletter.providers.base import ExportFile, Provider, break_sequence, json_file
from newsletter.providers.routing import Send
from newsletter.render import RenderedEmail


@dataclass(frozen=True)
class BrevoAudienceYaml:
    """audience.brevo as written: a list per locale and one for "other"."""

    lists: dict[str, int] = field(metadata=spec("Locale (or other) → the Brevo list id."))

    @staticmethod
    def read(section: Fields, locales: tuple[str, ...]) -> ProviderAudience:
        return read_groups(section, "lists", locales, list_number)


class Brevo(Provider):
    name = "brevo"
    audience_yaml = BrevoAudienceYaml  # audience.brevo in newsletter.yaml
    title = "Brevo (email campaign JSON)"
    unsubscribe = "{{ unsubscribe }}"
    web_version = "{{ mirror }}"
    hosts_web_version = True

    def escape(self, literal: str) -> str:
        return break_sequence(break_sequence(literal, "{{"), "{%")

    def first_name(self, fallback: str, is_html: bool) -> str:
        # In HTML the fallback arrives escaped (no ' left: Jinja writes &#39;) and stays so, as Brevo prints a
        # filter's literal argument as is; elsewhere a quote becomes a typographic one.
        quoted = self.escape(fallback).replace("'", "&#39;" if is_html else "\u2019")
        return f"{{{{ contact.FIRSTNAME|default:'{quoted}' }}}}"

    def recipients(self, settings: Settings, send: Send) -> list[str | int] | None:
        return self.group_ids(settings, send)

    def files(self, email: RenderedEmail, settings: Settings, date: dt.date, send: Send) -> list[ExportFile]:
        campaign = {
            "name": send.name,
            "subject": self.merge(email.subject, email, is_html=False),
            "previewText": self.merge(email.preheader, email, is_html=False),
            "sender": {"name": settings.sender.name, "email": settings.sender.email},
            "htmlContent": self.merge(email.html, email, is_html=True),
            "mirrorActive": True,
            "recipients": {"listIds": self.group_ids(settings, send)},
        }
        if settings.sender.reply_to:
            campaign["replyTo"] = settings.sender.reply_to
        return [json_file(f"{email.locale}.json", campaign)]
