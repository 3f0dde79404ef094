"""Mailgun: the fields of POST /v3/{domain}/messages per locale, sent to that locale's mailing list.

https://documentation.mailgun.com/docs/mailgun/user-manual/mailing-lists — a message to a
mailing list's address goes to each member; `to` holds the lists of newsletter.yaml's audience.mailgun
this send goes to (the default send: its own list, "other" and any language not shipped this month).

What Mailgun does at send time decides the merge values. It leaves a recipient variable that a
member's vars do not set exactly as written (mailgun-php #385) and has no fallback syntax
(mailgun.js #105, #445), so the export uses none: the greeting is the localized one for a subscriber
without a name ("Hello there,"), which reads right for everyone, and "View in browser" is the issue's
page in the web archive (links.archive: Mailgun hosts no web copy). The unsubscribe link is
`%mailing_list_unsubscribe_url%`, the list's own (https://documentation.mailgun.com/docs/mailgun/user-manual/tracking-messages,
"Unsubscribe Variables"), replaced while the domain's unsubscribe tracking is on; `%unsubscribe_url%`
would take the subscriber off every mail of the domain. A literal `%recipient.` or
`%…unsubscribe_url%` in the content is broken with an invisible word joiner.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from email.utils import formataddr

from newsletter.model.audience import ProviderAudience, list_address, read_groups
from newsletter.model.fieldspec import spec
from newsletter.model.settings import Settings
from newsletter.model.yamlsource import Fields
from newsletter.providers.base import ExportFile, Provider, break_sequence, json_file
from newsletter.providers.routing import Send
from newsletter.render import RenderedEmail

MAILGUN_VARIABLES = ("%recipient.", "%unsubscribe_url%", "%tag_unsubscribe_url%", "%mailing_list_unsubscribe_url%")
UNSUBSCRIBE_NOTE = ("%mailing_list_unsubscribe_url% is replaced only while the domain's unsubscribe tracking is on: turn it on "
                    "(Sending → Domain settings → Tracking, or PUT /v3/domains/{domain}/tracking/unsubscribe with "
                    "active=true) before sending, or subscribers get a dead unsubscribe link")


@dataclass(frozen=True)
class MailgunAudienceYaml:
    """audience.mailgun as written: a mailing list per locale and one for "other"."""

    lists: dict[str, str] = field(metadata=spec("Locale (or other) → the Mailgun mailing list's address."))

    @staticmethod
    def read(section: Fields, locales: tuple[str, ...]) -> ProviderAudience:
        return read_groups(section, "lists", locales, list_address)


class Mailgun(Provider):
    name = "mailgun"
    audience_yaml = MailgunAudienceYaml  # audience.mailgun in newsletter.yaml
    title = "Mailgun (message fields JSON, one mailing list per language)"
    unsubscribe = "%mailing_list_unsubscribe_url%"

    def escape(self, literal: str) -> str:
        for variable in MAILGUN_VARIABLES:
            literal = break_sequence(literal, variable)
        return literal

    def first_name(self, fallback: str, is_html: bool) -> str:
        return self.escape(fallback)  # no recipient variable: an unset one would print as written

    def recipients(self, settings: Settings, send: Send) -> list[str | int] | None:
        return self.group_ids(settings, send)

    def files(self, email: RenderedEmail, settings: Settings, date: dt.date, send: Send) -> list[ExportFile]:
        message = {
            "from": formataddr((settings.sender.name, settings.sender.email)),
            "to": self.group_ids(settings, send),
            "subject": self.merge(email.subject, email, is_html=False),
            "html": self.merge(email.html, email, is_html=True),
            "text": self.merge(email.text, email, is_html=False),
            "o:tag": send.name,  # the send plan's name, so the month's message of each language is found in Mailgun's logs
        }
        if settings.sender.reply_to:
            message["h:Reply-To"] = settings.sender.reply_to
        return [json_file(f"{email.locale}.json", {"message": message, "notes": [UNSUBSCRIBE_NOTE]})]
