"""Amazon SES v2: one CreateEmailTemplate request body (JSON) per locale, and routing.json.

https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateEmailTemplate.html —
TemplateName and TemplateContent {Subject, Html, Text}; templates are Handlebars
(https://docs.aws.amazon.com/ses/latest/dg/send-personalized-email-advanced.html).
`{{amazonSESUnsubscribeUrl}}` is SES's own unsubscribe link when list management is on
(https://docs.aws.amazon.com/ses/latest/dg/sending-email-subscription-management.html);
the web-version URL comes from the TemplateData the sender passes, as `web_version_url`.

SES has no audience of its own: the sender's code picks each subscriber's template with
routing.json — the language field, its value → template name, and the default template for
every other value or none (see docs/export.md for a ten-line example).

    aws sesv2 create-email-template --cli-input-json file://en.json
"""

from __future__ import annotations

import datetime as dt

from newsletter.providers.base import ExportFile, RemoteTemplate, json_file
from newsletter.providers.handlebars import HandlebarsProvider
from newsletter.providers.routing import Send, SendPlan, routing_table, stable_template_name
from newsletter.render import RenderedEmail
from newsletter.model.settings import Settings


class Ses(HandlebarsProvider):
    name = "ses"
    title = "Amazon SES v2 (CreateEmailTemplate JSON)"
    audience_in_files = False
    unsubscribe = "{{amazonSESUnsubscribeUrl}}"
    web_version = "{{{web_version_url}}}"

    def files(self, email: RenderedEmail, settings: Settings, date: dt.date, send: Send) -> list[ExportFile]:
        return [json_file(f"{email.locale}.json", {
            "TemplateName": stable_template_name(email.locale),
            "TemplateContent": {
                "Subject": self.merge(email.subject, email, is_html=False),
                "Html": self.merge(email.html, email, is_html=True),
                "Text": self.merge(email.text, email, is_html=False),
            },
        })]

    def template(self, locale: str) -> RemoteTemplate:
        return RemoteTemplate(stable_template_name(locale), "UpdateEmailTemplate with the locale's file "
                              "(CreateEmailTemplate the first time)")

    def plan_files(self, plan: SendPlan, settings: Settings) -> list[ExportFile]:
        return [json_file("routing.json", routing_table(plan))]

