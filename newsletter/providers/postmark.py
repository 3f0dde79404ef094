"""Postmark: one template (JSON body of POST /templates) per locale, and routing.json.

https://postmarkapp.com/developer/api/templates-api#create-template — Name, Alias, Subject,
HtmlBody, TextBody. Templates are Mustachio (https://postmarkapp.com/support/article/1077-template-syntax):
`{{ x }}` HTML-escapes, `{{{ x }}}` does not; `{{#x}}…{{/x}}` shows when x is set and
`{{^x}}…{{/x}}` when it is not. Inside `{{#first_name}}` the scope *is* the first name, and
Mustachio does not look a name up in parent scopes ("Advanced Interpolation" on that page), so
the name is written `{{.}}` there: `{{ first_name }}` would print nothing. `{{{ pm:unsubscribe }}}`
is Postmark's unsubscribe link on broadcast streams
(https://postmarkapp.com/support/article/1214-how-do-unsubscribes-work-in-postmark).
Mustachio has no escape for a literal `{{`, so one in the content is broken with an invisible word joiner.

Postmark sends one message per API call: the sender picks each subscriber's template with
routing.json (see docs/export.md).
"""

from __future__ import annotations

import datetime as dt

from newsletter.model.settings import Settings
from newsletter.providers.base import ExportFile, Provider, RemoteTemplate, break_sequence, json_file
from newsletter.providers.routing import Send, SendPlan, routing_table, stable_template_name
from newsletter.render import RenderedEmail


class Postmark(Provider):
    name = "postmark"
    title = "Postmark (template JSON)"
    audience_in_files = False
    unsubscribe = "{{{ pm:unsubscribe }}}"

    def escape(self, literal: str) -> str:
        return break_sequence(literal, "{{")

    def first_name(self, fallback: str, is_html: bool) -> str:
        value = "{{.}}" if is_html else "{{{.}}}"
        return f"{{{{#first_name}}}}{value}{{{{/first_name}}}}{{{{^first_name}}}}{self.escape(fallback)}{{{{/first_name}}}}"

    def files(self, email: RenderedEmail, settings: Settings, date: dt.date, send: Send) -> list[ExportFile]:
        return [json_file(f"{email.locale}.json", {
            "Name": f"Newsletter ({email.locale})",
            "Alias": stable_template_name(email.locale),
            "TemplateType": "Standard",
            "Subject": self.merge(email.subject, email, is_html=False),
            "HtmlBody": self.merge(email.html, email, is_html=True),
            "TextBody": self.merge(email.text, email, is_html=False),
        })]

    def template(self, locale: str) -> RemoteTemplate:
        return RemoteTemplate(stable_template_name(locale), "PUT /templates/{alias} with the locale's file "
                              "(POST /templates the first time)")

    def plan_files(self, plan: SendPlan, settings: Settings) -> list[ExportFile]:
        return [json_file("routing.json", routing_table(plan))]
