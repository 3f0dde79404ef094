"""Mailchimp: campaign settings and content (JSON) per locale.

`settings` is the body of PATCH /campaigns/{campaign_id}, `content` the body of
PUT /campaigns/{campaign_id}/content (https://mailchimp.com/developer/marketing/api/campaign-content/set-campaign-content/).
Merge tags: `*|UNSUB|*`, `*|ARCHIVE|*`, `*|FNAME|*` (https://mailchimp.com/help/all-the-merge-tags-cheat-sheet/);
the fallback is a conditional block `*|IF:FNAME|*…*|ELSE:|*…*|END:IF|*`
(https://mailchimp.com/help/use-conditional-merge-tag-blocks/). Mailchimp has no escape for a
literal `*|`, so one in the content is broken with an invisible word joiner.
"""

from __future__ import annotations

import datetime as dt

from newsletter.providers.base import ExportFile, Provider, break_sequence, json_file, template_name
from newsletter.render import RenderedEmail
from newsletter.settings import Settings


class Mailchimp(Provider):
    name = "mailchimp"
    title = "Mailchimp (campaign settings + content JSON)"
    unsubscribe = "*|UNSUB|*"
    web_version = "*|ARCHIVE|*"

    def escape(self, literal: str) -> str:
        return break_sequence(break_sequence(literal, "*|"), "|*")

    def first_name(self, fallback: str, is_html: bool) -> str:
        return f"*|IF:FNAME|**|FNAME|**|ELSE:|*{self.escape(fallback)}*|END:IF|*"

    def files(self, email: RenderedEmail, settings: Settings, date: dt.date) -> list[ExportFile]:
        return [json_file(f"{email.locale}.json", {
            "settings": {
                "title": template_name(email),
                "subject_line": self.merge(email.subject, email, is_html=False),
                "preview_text": self.merge(email.preheader, email, is_html=False),
                "from_name": settings.sender.name,
                "reply_to": settings.sender.reply_to or settings.sender.email,
            },
            "content": {
                "html": self.merge(email.html, email, is_html=True),
                "plain_text": self.merge(email.text, email, is_html=False),
            },
        })]
