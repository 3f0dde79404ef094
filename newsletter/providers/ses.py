"""Amazon SES v2: one CreateEmailTemplate request body (JSON) per locale.

https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateEmailTemplate.html —
TemplateName and TemplateContent {Subject, Html, Text}; templates are Handlebars
(https://docs.aws.amazon.com/ses/latest/dg/send-personalized-email-advanced.html).
`{{amazonSESUnsubscribeUrl}}` is SES's own unsubscribe link when list management is on
(https://docs.aws.amazon.com/ses/latest/dg/sending-email-subscription-management.html);
the web-version URL comes from the TemplateData the sender passes, as `web_version_url`.

    aws sesv2 create-email-template --cli-input-json file://en.json
"""

from __future__ import annotations

import datetime as dt

from newsletter.providers.base import ExportFile, json_file, template_name
from newsletter.providers.handlebars import HandlebarsProvider
from newsletter.render import RenderedEmail
from newsletter.settings import Settings


class Ses(HandlebarsProvider):
    name = "ses"
    title = "Amazon SES v2 (CreateEmailTemplate JSON)"
    unsubscribe = "{{amazonSESUnsubscribeUrl}}"
    web_version = "{{{web_version_url}}}"

    def files(self, email: RenderedEmail, settings: Settings, date: dt.date) -> list[ExportFile]:
        return [json_file(f"{email.locale}.json", {
            "TemplateName": template_name(email),
            "TemplateContent": {
                "Subject": self.merge(email.subject, email, is_html=False),
                "Html": self.merge(email.html, email, is_html=True),
                "Text": self.merge(email.text, email, is_html=False),
            },
        })]
