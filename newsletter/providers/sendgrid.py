"""SendGrid dynamic templates: one template-version request body (JSON) per locale.

POST /v3/templates/{template_id}/versions with name, subject, html_content, plain_content
(https://www.twilio.com/docs/sendgrid/api-reference/transactional-templates-versions/create-a-new-transactional-template-version).
Dynamic templates are Handlebars (https://www.twilio.com/docs/sendgrid/for-developers/sending-email/using-handlebars);
`{{{unsubscribe}}}` is SendGrid's unsubscribe link in them
(https://www.twilio.com/docs/sendgrid/ui/sending-email/how-to-send-an-email-with-dynamic-templates#unsubscribe-modules-for-dynamic-templates);
the web-version URL and first name come from the sender's dynamic_template_data.
"""

from __future__ import annotations

import datetime as dt

from newsletter.providers.base import ExportFile, json_file, template_name
from newsletter.providers.handlebars import HandlebarsProvider
from newsletter.render import RenderedEmail
from newsletter.settings import Settings


class SendGrid(HandlebarsProvider):
    name = "sendgrid"
    title = "SendGrid (dynamic template version JSON)"
    unsubscribe = "{{{unsubscribe}}}"
    web_version = "{{{web_version_url}}}"

    def files(self, email: RenderedEmail, settings: Settings, date: dt.date) -> list[ExportFile]:
        return [json_file(f"{email.locale}.json", {
            "name": template_name(email),
            "subject": self.merge(email.subject, email, is_html=False),
            "html_content": self.merge(email.html, email, is_html=True),
            "plain_content": self.merge(email.text, email, is_html=False),
            "generate_plain_content": False,
            "editor": "code",
            "active": 1,
        })]
