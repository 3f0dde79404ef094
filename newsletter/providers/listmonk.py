"""listmonk: one campaign (JSON body of POST /api/campaigns) per locale, and template.json.

https://listmonk.app/docs/apis/campaigns/ — name, subject, lists (the lists of newsletter.yaml's
audience.listmonk this send goes to; a subscriber in several gets one email), from_email,
content_type, body, altbody, headers, template_id. Templates are Go templates with Sprig
(https://listmonk.app/docs/templating): `{{ UnsubscribeURL }}`, `{{ MessageURL }}` (the web
version), `{{ .Subscriber.FirstName }}`; `Safe` prints a string as HTML.

What listmonk does with a campaign (models/campaigns.go, CompileTemplate): the body *and* the
altbody go through Go's html/template, which drops every HTML comment — so each comment (Outlook's
`<!--[if mso]>…`) is written as `{{ "<!--…-->" | Safe }}`, the documented way — and escapes every
value it prints, so in the plain-text altbody the name is piped through `Safe` ("D'Angelo", not
"D&#39;Angelo"). The body is a whole HTML document: template.json is a campaign template holding
only `{{ template "content" . }}`, whose id goes in audience.listmonk.template_id, so that listmonk's
default template does not wrap it in a second document with a second footer. A literal `{{` is
written as the Go string `{{"{{"}}`.

The greeting: since v3.0.0 listmonk stores a subscriber created without a name under the local part of
the address, title-cased, dots as spaces (knadh/listmonk commit 0d74619, subimporter ValidateFields), so
`.Subscriber.FirstName` is never empty and `default` never shows: "Hello Jdoe42,". The template treats a
name that is the address's local part (compared without spaces, dots or case, with Sprig's `nospace`,
`replace`, `lower`, `splitList`) as no name.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from email.utils import formataddr

from newsletter.model.audience import ProviderAudience, list_number, read_groups
from newsletter.model.fieldspec import spec
from newsletter.model.settings import Settings
from newsletter.model.yamlsource import Fields
from newsletter.providers.base import ExportFile, Provider, RemoteTemplate, json_file
from newsletter.providers.routing import Send, SendPlan
from newsletter.render import RenderedEmail

COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
CONTENT_ONLY_TEMPLATE = '{{ template "content" . }}'
# A name and the address's local part, both without spaces, dots or case: equal when listmonk made the name up.
NAME_KEY = "(lower (nospace .Subscriber.Name))"
ADDRESS_KEY = '(lower (nospace (replace "." "" (index (splitList "@" .Subscriber.Email) 0))))'
SHARED_TEMPLATE = "newsletter: the campaign's own HTML"  # one campaign template for every locale and issue


def go_string(text: str) -> str:
    """A Go interpreted string literal: a JSON string is one (\\" \\\\ \\n \\uXXXX)."""
    return json.dumps(text, ensure_ascii=False)


@dataclass(frozen=True)
class ListmonkAudienceYaml:
    """audience.listmonk as written: a list per locale and "other", and the campaign template."""

    lists: dict[str, int] = field(metadata=spec("Locale (or other) → the listmonk list id."))
    template_id: int = field(metadata=spec("The listmonk campaign template's id.", minimum=1))

    @staticmethod
    def read(section: Fields, locales: tuple[str, ...]) -> ListmonkAudience:
        found = read_groups(section, "lists", locales, list_number)
        template = section.integer("template_id", required=True, maximum=2**31 - 1)
        return ListmonkAudience(found.location, found.groups, found.missing, template_id=template)


@dataclass(frozen=True)
class ListmonkAudience(ProviderAudience):
    template_id: int | None = None  # the campaign template (its body only `{{ template "content" . }}`)


class Listmonk(Provider):
    name = "listmonk"
    audience_yaml = ListmonkAudienceYaml  # audience.listmonk in newsletter.yaml
    title = "listmonk (campaign JSON)"
    unsubscribe = "{{ UnsubscribeURL }}"
    web_version = "{{ MessageURL }}"
    hosts_web_version = True

    def escape(self, literal: str) -> str:
        return literal.replace("{{", '{{"{{"}}')

    def first_name(self, fallback: str, is_html: bool) -> str:
        printed = "" if is_html else " | Safe"  # html/template escapes in the HTML body, as it should; not in text
        fallback = self.escape(fallback)  # template text, printed as written (in HTML already escaped by Jinja)
        return (f"{{{{ if and .Subscriber.FirstName (ne {NAME_KEY} {ADDRESS_KEY}) }}}}"
                f"{{{{ .Subscriber.FirstName{printed} }}}}{{{{ else }}}}{fallback}{{{{ end }}}}")

    def recipients(self, settings: Settings, send: Send) -> list[str | int] | None:
        return self.group_ids(settings, send)

    def files(self, email: RenderedEmail, settings: Settings, date: dt.date, send: Send) -> list[ExportFile]:
        body = COMMENT.sub(lambda comment: f"{{{{ {go_string(comment.group())} | Safe }}}}", self.merge(email.html, email, True))
        campaign = {
            "name": send.name,
            "subject": self.merge(email.subject, email, is_html=False),
            "lists": self.group_ids(settings, send),
            "from_email": formataddr((settings.sender.name, settings.sender.email)),
            "content_type": "html",
            "messenger": "email",
            "template_id": self.audience(settings).template_id,
            "body": body,
            "altbody": self.merge(email.text, email, is_html=False),
            "headers": [{"Reply-To": settings.sender.reply_to}] if settings.sender.reply_to else [],
        }
        return [json_file(f"{email.locale}.json", campaign)]

    def template(self, locale: str) -> RemoteTemplate:
        return RemoteTemplate(SHARED_TEMPLATE, "unchanged: template.json is created once (POST /api/templates), "
                              "every campaign names it by audience.listmonk.template_id")

    def plan_files(self, plan: SendPlan, settings: Settings) -> list[ExportFile]:
        return [json_file("template.json", {"name": SHARED_TEMPLATE, "type": "campaign",
                                            "body": CONTENT_ONLY_TEMPLATE})]
