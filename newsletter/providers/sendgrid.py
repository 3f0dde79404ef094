"""SendGrid: per locale, a Single Send (Marketing Campaigns) routed by segment, and the same content
as a dynamic template for senders that use the Mail Send API.

- `single_send`: body of POST /v3/marketing/singlesends — name, `send_to.segment_ids` (the segments
  of newsletter.yaml's audience.sendgrid this send goes to; a contact in several gets one email),
  email_config {subject, html_content, plain_content, generate_plain_content, editor}
  (https://www.twilio.com/docs/sendgrid/api-reference/single-sends/create-single-send).
- `template`: body of POST /v3/templates. `generation` must be "dynamic": SendGrid's default,
  "legacy", does not run Handlebars and would print every `{{…}}` as written
  (https://www.twilio.com/docs/sendgrid/api-reference/transactional-templates/create-a-transactional-template).
- `version`: body of POST /v3/templates/{template_id}/versions the first time
  (https://www.twilio.com/docs/sendgrid/api-reference/transactional-templates-versions/create-a-new-transactional-template-version),
  then of PATCH /v3/templates/{template_id}/versions/{version_id} each issue, which takes the same body: the one
  version of each locale's template is edited in place, never added to. "Each user can have up to 300 versions
  across all templates" (https://www.twilio.com/docs/sendgrid/api-reference/transactional-templates-versions):
  a new version per locale each month would stop the account at its 50th issue.

Dynamic templates and Marketing Campaigns designs are Handlebars
(https://www.twilio.com/docs/sendgrid/for-developers/sending-email/using-handlebars); `first_name`
is the contact's reserved field (or dynamic_template_data), `{{{unsubscribe}}}` SendGrid's
unsubscribe link (https://www.twilio.com/docs/sendgrid/ui/sending-email/how-to-send-an-email-with-dynamic-templates#unsubscribe-modules-for-dynamic-templates).

SendGrid fills `{{{unsubscribe}}}` only for a send that names an unsubscribe group: a Single Send's
`suppression_group_id`, a Mail Send request's `asm.group_id` (sendgrid-php #862, sendgrid-nodejs #1107);
without one the link is empty, and SendGrid's definition of the Single Send says "you must provide this or the
`custom_unsubscribe_url`". newsletter.yaml's audience.sendgrid.unsubscribe_group is that group: the Single
Send's `email_config.suppression_group_id`, and `asm.group_id` in the `mail_send` part of each locale's file
(the Mail Send request's fixed part: from, reply_to, asm) and in routing.json, which routes each subscriber
to a locale's template like SES's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from newsletter.model.audience import ProviderAudience, list_text, read_groups
from newsletter.model.fieldspec import spec
from newsletter.model.settings import Settings
from newsletter.model.yamlsource import Fields
from newsletter.providers.base import ExportFile, RemoteTemplate, json_file
from newsletter.providers.handlebars import HandlebarsProvider
from newsletter.providers.routing import Send, SendPlan, routing_table, stable_template_name
from newsletter.render import RenderedEmail


@dataclass(frozen=True)
class SegmentsAudienceYaml:
    """audience.sendgrid as written: a segment per locale and one for "other"."""

    segments: dict[str, str] = field(metadata=spec("Locale (or other) → the SendGrid segment id."))
    unsubscribe_group: int = field(metadata=spec(
        "The SendGrid unsubscribe group (asm.group_id) the email's unsubscribe link leaves.", minimum=1))

    @staticmethod
    def read(section: Fields, locales: tuple[str, ...]) -> SendGridAudience:
        found = read_groups(section, "segments", locales, list_text)
        # SendGrid fills {{{unsubscribe}}} only for a send that names an unsubscribe group (sendgrid-php #862)
        group = section.integer("unsubscribe_group", required=True, maximum=2**31 - 1)
        return SendGridAudience(found.location, found.groups, found.missing, unsubscribe_group=group)


@dataclass(frozen=True)
class SendGridAudience(ProviderAudience):
    unsubscribe_group: int | None = None  # asm.group_id


class SendGrid(HandlebarsProvider):
    name = "sendgrid"
    audience_yaml = SegmentsAudienceYaml  # audience.sendgrid in newsletter.yaml
    title = "SendGrid (Single Send + dynamic template JSON)"
    unsubscribe = "{{{unsubscribe}}}"

    def recipients(self, settings: Settings, send: Send) -> list[str | int] | None:
        return self.group_ids(settings, send)

    def template(self, locale: str) -> RemoteTemplate:
        return RemoteTemplate(stable_template_name(locale), "its one version edited in place: PATCH "
                              "/v3/templates/{template_id}/versions/{version_id} with the file's version (the first time "
                              "POST /v3/templates with its template, then POST /v3/templates/{template_id}/versions)")

    def files(self, email: RenderedEmail, settings: Settings, date: dt.date, send: Send) -> list[ExportFile]:
        subject = self.merge(email.subject, email, is_html=False)
        html, text = self.merge(email.html, email, is_html=True), self.merge(email.text, email, is_html=False)
        group = self.audience(settings).unsubscribe_group
        single_send = {
            "name": send.name,
            "send_to": {"segment_ids": self.group_ids(settings, send)},
            "email_config": {"subject": subject, "html_content": html, "plain_content": text,
                             "generate_plain_content": False, "editor": "code",
                             "suppression_group_id": group},  # what {{{unsubscribe}}} leaves, on this route too
        }
        mail_send = {"from": {"email": settings.sender.email, "name": settings.sender.name},
                     **({"reply_to": {"email": settings.sender.reply_to}} if settings.sender.reply_to else {}),
                     "asm": {"group_id": group, "groups_to_display": [group]}}
        version = {"name": send.name, "subject": subject, "html_content": html, "plain_content": text,
                   "generate_plain_content": False, "editor": "code", "active": 1}
        return [json_file(f"{email.locale}.json", {"single_send": single_send,
                                                   "template": {"name": stable_template_name(email.locale),
                                                                "generation": "dynamic"},
                                                   "version": version, "mail_send": mail_send})]

    def plan_files(self, plan: SendPlan, settings: Settings) -> list[ExportFile]:
        """For the Mail Send route: the routing table (locale's template by language), and the unsubscribe group."""
        group = self.audience(settings).unsubscribe_group
        return [json_file("routing.json", {**routing_table(plan), "asm": {"group_id": group, "groups_to_display": [group]}})]
