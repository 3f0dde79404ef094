"""listmonk: one campaign (JSON body of POST /api/campaigns) per locale; add your list ids.

https://listmonk.app/docs/apis/campaigns/ — name, subject, from_email, content_type, body, altbody.
Templates are Go templates with Sprig (https://listmonk.app/docs/templating): `{{ UnsubscribeURL }}`,
`{{ MessageURL }}` (the web version), `{{ .Subscriber.FirstName }}`. A literal `{{` is written as the
Go string `{{"{{"}}`; the HTML body goes through html/template, which escapes the fallback itself.
"""

from __future__ import annotations

import datetime as dt
import json
from email.utils import formataddr

from newsletter.providers.base import ExportFile, Provider, json_file, template_name
from newsletter.providers.handlebars import unescaped
from newsletter.render import RenderedEmail
from newsletter.settings import Settings


class Listmonk(Provider):
    name = "listmonk"
    title = "listmonk (campaign JSON)"
    unsubscribe = "{{ UnsubscribeURL }}"
    web_version = "{{ MessageURL }}"

    def escape(self, literal: str) -> str:
        return literal.replace("{{", '{{"{{"}}')

    def first_name(self, fallback: str, is_html: bool) -> str:
        # a JSON string is a valid Go interpreted string literal (\" \\ \n \uXXXX)
        return f"{{{{ .Subscriber.FirstName | default {json.dumps(unescaped(fallback, is_html), ensure_ascii=False)} }}}}"

    def files(self, email: RenderedEmail, settings: Settings, date: dt.date) -> list[ExportFile]:
        return [json_file(f"{email.locale}.json", {
            "name": template_name(email),
            "subject": self.merge(email.subject, email, is_html=False),
            "from_email": formataddr((settings.sender.name, settings.sender.email)),
            "content_type": "html",
            "messenger": "email",
            "body": self.merge(email.html, email, is_html=True),
            "altbody": self.merge(email.text, email, is_html=False),
        })]
