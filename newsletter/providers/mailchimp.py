"""Mailchimp: per locale, the body of POST /campaigns and the body of PUT /campaigns/{id}/content.

https://mailchimp.com/developer/marketing/api/campaigns/add-campaign/ — `type`, `recipients`
{list_id, segment_opts} and `settings` {title, subject_line, preview_text, from_name, reply_to}.
Mailchimp has one address for a campaign: `settings.reply_to` is the From address its UI calls
"From email", and replies go to it; newsletter.yaml's sender.reply_to cannot be set apart.
https://mailchimp.com/developer/marketing/api/campaign-content/set-campaign-content/ — html, plain_text.

Routing: an inline segment on the language merge field
(https://mailchimp.com/developer/marketing/docs/alternative-schemas/#segment-condition-schemas,
TextMerge: op "is"/"not"); a locale's send matches `is <value>`, the default send matches all of
`not <value>` for the other shipped locales, so a subscriber without a language gets it too.

Merge tags: `*|UNSUB|*`, `*|ARCHIVE|*`, `*|FNAME|*` (https://mailchimp.com/help/all-the-merge-tags-cheat-sheet/);
the fallback is a conditional block `*|IF:FNAME|*…*|ELSE:|*…*|END:IF|*`
(https://mailchimp.com/help/use-conditional-merge-tag-blocks/). Mailchimp has no escape for a
literal `*|`, so one in the content is broken with an invisible word joiner.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from newsletter.model.audience import ProviderAudience
from newsletter.model.fieldspec import spec
from newsletter.model.settings import Settings
from newsletter.model.yamlsource import Fields
from newsletter.providers.base import ExportFile, Provider, break_sequence, json_file
from newsletter.providers.routing import Send
from newsletter.render import RenderedEmail


@dataclass(frozen=True)
class MailchimpAudienceYaml:
    """audience.mailchimp as written: one audience, cut into segments by the language merge field."""

    list_id: str = field(metadata=spec("Mailchimp's audience id."))

    @staticmethod
    def read(section: Fields, locales: tuple[str, ...]) -> MailchimpAudience:
        return MailchimpAudience(section.location(), list_id=section.text("list_id"))


@dataclass(frozen=True)
class MailchimpAudience(ProviderAudience):
    """One audience, cut into segments by the language merge field: no groups."""

    list_id: str | None = None


class Mailchimp(Provider):
    name = "mailchimp"
    audience_yaml = MailchimpAudienceYaml  # audience.mailchimp in newsletter.yaml
    title = "Mailchimp (campaign + content JSON)"
    unsubscribe = "*|UNSUB|*"
    web_version = "*|ARCHIVE|*"
    hosts_web_version = True

    def escape(self, literal: str) -> str:
        return break_sequence(break_sequence(literal, "*|"), "|*")

    def first_name(self, fallback: str, is_html: bool) -> str:
        return f"*|IF:FNAME|**|FNAME|**|ELSE:|*{self.escape(fallback)}*|END:IF|*"

    def files(self, email: RenderedEmail, settings: Settings, date: dt.date, send: Send) -> list[ExportFile]:
        campaign = {
            "type": "regular",
            "recipients": {"list_id": self.audience(settings).list_id, "segment_opts": segment(send)},
            "settings": {
                "title": send.name,
                "subject_line": self.merge(email.subject, email, is_html=False),
                "preview_text": self.merge(email.preheader, email, is_html=False),
                "from_name": settings.sender.name,
                "reply_to": settings.sender.email,  # Mailchimp's From address (see above)
            },
        }
        content = {"html": self.merge(email.html, email, is_html=True),
                   "plain_text": self.merge(email.text, email, is_html=False)}
        return [json_file(f"{email.locale}.json", {"campaign": campaign, "content": content})]


def segment(send: Send) -> dict:
    """The send's audience as Mailchimp segment conditions on the language merge field."""
    if not send.is_default:
        return {"match": "all", "conditions": [_condition(send.field, "is", send.values[0])]}
    return {"match": "all", "conditions": [_condition(send.field, "not", value) for value in send.excluded]}


def _condition(field: str, op: str, value: str) -> dict:
    return {"condition_type": "TextMerge", "field": field, "op": op, "value": value}
