"""Amazon SES v2: one CreateEmailTemplate request body (JSON) per locale, and routing.json.

https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateEmailTemplate.html —
TemplateName and TemplateContent {Subject, Html, Text}; templates are Handlebars
(https://docs.aws.amazon.com/ses/latest/dg/send-personalized-email-advanced.html).
`{{amazonSESUnsubscribeUrl}}` is SES's own unsubscribe link, filled only for a SendEmail that names a
contact list (and topic) in ListManagementOptions
(https://docs.aws.amazon.com/ses/latest/dg/sending-email-subscription-management.html): routing.json
carries them from newsletter.yaml's audience.ses;
"View in browser" is the issue's page in the web archive (links.archive: SES hosts no web copy).

"SES doesn't escape HTML content when rendering the HTML template"
(https://docs.aws.amazon.com/ses/latest/dg/send-personalized-email-advanced.html), so `{{first_name}}`
in the HTML part would print a name holding `<a href=…>` as a live link. The HTML part prints
`first_name_html` instead, which `template_data()` — the sender loop docs/export.md documents — fills
with the HTML-escaped name; without it the greeting falls back, so a sender that forgets it still
sends right. The subject and the text part print `first_name` as written.

SES has no audience of its own: the sender's code picks each subscriber's template with
routing.json — the language field, its value → template name, and the default template for
every other value or none (see docs/export.md for a ten-line example).

    aws sesv2 create-email-template --cli-input-json file://en.json
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

from newsletter.model.audience import ProviderAudience
from newsletter.model.fieldspec import spec
from newsletter.model.settings import Settings
from newsletter.model.yamlsource import Fields
from newsletter.providers.base import ExportFile, RemoteTemplate, json_file
from newsletter.providers.handlebars import HandlebarsProvider
from newsletter.providers.routing import Send, SendPlan, routing_table, stable_template_name
from newsletter.render import RenderedEmail


def template_data(first_name: str | None) -> dict[str, str]:
    """The TemplateData of one subscriber: the name as written (subject, text part) and HTML-escaped
    (the HTML part, which SES fills without escaping)."""
    return {"first_name": first_name, "first_name_html": html.escape(first_name)} if first_name else {}


@dataclass(frozen=True)
class SesAudienceYaml:
    """audience.ses as written: the list management {{amazonSESUnsubscribeUrl}} needs."""

    contact_list: str = field(metadata=spec("The SES contact list (ListManagementOptions.ContactListName)."))
    topic: str = field(metadata=spec("The contact list's topic for the newsletter (ListManagementOptions.TopicName)."))

    @staticmethod
    def read(section: Fields, locales: tuple[str, ...]) -> SesAudience:
        return SesAudience(section.location(), contact_list=section.text("contact_list", required=True) or "",
                           topic=section.text("topic", required=True) or "")


@dataclass(frozen=True)
class SesAudience(ProviderAudience):
    """SES routes in the sender's loop (routing.json); it keeps only its list management."""

    contact_list: str = ""
    topic: str = ""


class Ses(HandlebarsProvider):
    name = "ses"
    title = "Amazon SES v2 (CreateEmailTemplate JSON)"
    audience_in_files = False
    audience_yaml = SesAudienceYaml  # audience.ses in newsletter.yaml

    def first_name(self, fallback: str, is_html: bool) -> str:
        if not is_html:
            return super().first_name(fallback, is_html)
        return f"{{{{#if first_name_html}}}}{{{{{{first_name_html}}}}}}{{{{else}}}}{self.escape(fallback)}{{{{/if}}}}"
    unsubscribe = "{{amazonSESUnsubscribeUrl}}"

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
        """routing.json, with the ListManagementOptions each SendEmail needs for {{amazonSESUnsubscribeUrl}}."""
        audience = self.audience(settings)
        options = {"ContactListName": audience.contact_list, "TopicName": audience.topic}
        return [json_file("routing.json", {**routing_table(plan), "ListManagementOptions": options})]

