"""Mailgun: the fields of POST /v3/{domain}/messages per locale, sent to that locale's mailing list.

https://documentation.mailgun.com/docs/mailgun/user-manual/mailing-lists — a message to a
mailing list's address goes to each member, `%recipient.first_name%` filled from the member's
vars; `to` holds the lists of newsletter.yaml's audience.mailgun this send goes to (the default
send: its own list, "other" and any language not shipped this month).
https://documentation.mailgun.com/docs/mailgun/user-manual/tracking-messages — `%unsubscribe_url%`
is replaced only while the domain's unsubscribe tracking is on; the export says so in `notes`.
Recipient variables have no fallback syntax, so the export lists, under `recipient_variables_defaults`,
the value each member's vars start from (the localized fallback greeting). A literal
`%recipient.` or `%unsubscribe_url%` in the content is broken with an invisible word joiner.
"""

from __future__ import annotations

import datetime as dt
from email.utils import formataddr

from newsletter.providers.base import PLACEHOLDER, ExportFile, Provider, break_sequence, json_file
from newsletter.providers.routing import Send
from newsletter.render import RenderedEmail
from newsletter.model.settings import Settings

MAILGUN_VARIABLES = ("%recipient.", "%unsubscribe_url%", "%tag_unsubscribe_url%", "%mailing_list_unsubscribe_url%")
UNSUBSCRIBE_NOTE = ("%unsubscribe_url% is replaced only while the domain's unsubscribe tracking is on: turn it on "
                    "(Sending → Domain settings → Tracking, or PUT /v3/domains/{domain}/tracking/unsubscribe with "
                    "active=true) before sending, or subscribers get a dead unsubscribe link")


class Mailgun(Provider):
    name = "mailgun"
    title = "Mailgun (message fields JSON, one mailing list per language)"
    unsubscribe = "%unsubscribe_url%"
    web_version = "%recipient.web_version_url%"

    def escape(self, literal: str) -> str:
        for variable in MAILGUN_VARIABLES:
            literal = break_sequence(literal, variable)
        return literal

    def first_name(self, fallback: str, is_html: bool) -> str:
        return "%recipient.first_name%"

    def recipients(self, settings: Settings, send: Send) -> list[str | int] | None:
        return self.group_ids(settings, send)

    def files(self, email: RenderedEmail, settings: Settings, date: dt.date, send: Send) -> list[ExportFile]:
        message = {
            "from": formataddr((settings.sender.name, settings.sender.email)),
            "to": self.group_ids(settings, send),
            "subject": self.merge(email.subject, email, is_html=False),
            "html": self.merge(email.html, email, is_html=True),
            "text": self.merge(email.text, email, is_html=False),
        }
        if settings.sender.reply_to:
            message["h:Reply-To"] = settings.sender.reply_to
        return [json_file(f"{email.locale}.json", {"message": message, "recipient_variables_defaults": _defaults(email),
                                                   "notes": [UNSUBSCRIBE_NOTE]})]


def _defaults(email: RenderedEmail) -> dict[str, str]:
    """The first-name fallback of the text part (plain text, as recipient variables are)."""
    fallbacks = [m.group(2) or "" for m in PLACEHOLDER.finditer(email.text) if m.group(1) == "first_name"]
    return {"first_name": fallbacks[0]} if fallbacks else {}
