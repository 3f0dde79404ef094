"""Brevo: one email campaign (JSON body of POST /v3/emailCampaigns) per locale.

https://developers.brevo.com/reference/createemailcampaign — name, subject, previewText,
sender, replyTo, htmlContent (Brevo builds the text version itself). Brevo Template Language
(https://help.brevo.com/hc/en-us/articles/4402386448530): `{{ contact.FIRSTNAME | default : "…" }}`
for a fallback, `{{ unsubscribe }}` and `{{ mirror }}` for the unsubscribe and web-version links.
A literal `{{` or `{%` in the content is broken with an invisible word joiner.
"""

from __future__ import annotations

import datetime as dt

from newsletter.providers.base import ExportFile, Provider, break_sequence, json_file, template_name
from newsletter.render import RenderedEmail
from newsletter.settings import Settings


class Brevo(Provider):
    name = "brevo"
    title = "Brevo (email campaign JSON)"
    unsubscribe = "{{ unsubscribe }}"
    web_version = "{{ mirror }}"

    def escape(self, literal: str) -> str:
        return break_sequence(break_sequence(literal, "{{"), "{%")

    def first_name(self, fallback: str, is_html: bool) -> str:
        quoted = self.escape(fallback).replace("\\", "\\\\").replace('"', '\\"')
        return f'{{{{ contact.FIRSTNAME | default : "{quoted}" }}}}'

    def files(self, email: RenderedEmail, settings: Settings, date: dt.date) -> list[ExportFile]:
        campaign = {
            "name": template_name(email),
            "subject": self.merge(email.subject, email, is_html=False),
            "previewText": self.merge(email.preheader, email, is_html=False),
            "sender": {"name": settings.sender.name, "email": settings.sender.email},
            "htmlContent": self.merge(email.html, email, is_html=True),
        }
        if settings.sender.reply_to:
            campaign["replyTo"] = settings.sender.reply_to
        return [json_file(f"{email.locale}.json", campaign)]
