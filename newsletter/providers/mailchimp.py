"""Mailchimp: per locale, the body of POST /campaigns and the body of PUT /campaigns/{id}/content.

https://mailchimp.com/developer/marketing/api/campaigns/add-campaign/ — `type`, `recipients`
{list_id, segment_opts} and `settings` {title, subject_line, preview_text, from_name, reply_to}.
Mailchimp has one address for a campaign: `settings.reply_to` is the From address its UI calls
"From email", and replies go to it; newsletter.yaml's sender.reply_to cannot be set apart.
https://mailchimp.com/developer/marketing/api/campaign-content/set-campaign-content/ — html, plain_text.

Routing: an inline segment on the audience's language group category, one group (interest) per locale and one
for "other" (audience.mailchimp). A locale's send is `interestcontains [its group]`; the default send is
`interestnotcontains [the other shipped locales' groups]`. Mailchimp's definition of the condition
(https://mailchimp.com/developer/marketing/docs/alternative-schemas/#segment-condition-schemas, Interests):
"Whether the member is a part of one, all, or none of the groups", and of a member's interests: "values are
booleans that describe whether the list member is in that group or not". A member's group is a yes or no, never
blank, so a subscriber in no group, in "other" or in a locale not sent this month is in none of them and gets the
default send. A text merge field would not do: whether `not` matches a blank field is documented nowhere, and
the default send would need one `not` per other locale, where Mailchimp combines "up to 5 conditions"
(https://mailchimp.com/help/all-the-segmenting-options/). Here every segment is one condition, for any number
of locales; and a group is chosen, not typed: no `ES` or `zh-Hans` to spell alike.

Merge tags: `*|UNSUB|*`, `*|ARCHIVE|*`, `*|FNAME|*` (https://mailchimp.com/help/all-the-merge-tags-cheat-sheet/);
the fallback is a conditional block `*|IF:FNAME|*…*|ELSE:|*…*|END:IF|*`
(https://mailchimp.com/help/use-conditional-merge-tag-blocks/). Mailchimp has no escape for a
literal `*|`, so one in the content is broken with an invisible word joiner.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from newsletter.model.audience import ProviderAudience, list_text, read_groups
from newsletter.model.fieldspec import spec
from newsletter.model.settings import Settings
from newsletter.model.yamlsource import Fields
from newsletter.providers.base import ExportFile, Provider, break_sequence, json_file
from newsletter.providers.routing import Send
from newsletter.render import RenderedEmail


@dataclass(frozen=True)
class MailchimpAudienceYaml:
    """audience.mailchimp as written: one audience, cut into segments by its language group category."""

    list_id: str = field(metadata=spec("Mailchimp's audience id."))
    language_group: str = field(metadata=spec(
        "The id of the audience's group category (interest category) holding each subscriber's language."))
    interests: dict[str, str] = field(metadata=spec(
        "Locale (or other) → the id of that language's group (interest) in the category."))

    @staticmethod
    def read(section: Fields, locales: tuple[str, ...]) -> MailchimpAudience:
        found = read_groups(section, "interests", locales, list_text)
        seen: dict[str | int, str] = {}
        for locale, interest in found.groups.items():  # a member of a group two sends take would get both
            if interest in seen:
                section.problems.add(section.location("interests"), f"{seen[interest]} and {locale} both have the "
                                     f"group {str(interest)!r}", "give each language its own group: a subscriber must "
                                     "get exactly one email")
            seen.setdefault(interest, locale)
        return MailchimpAudience(found.location, found.groups, found.missing, list_id=section.text("list_id"),
                                 language_group=section.text("language_group"))


@dataclass(frozen=True)
class MailchimpAudience(ProviderAudience):
    """One audience; groups: locale (or "other") → the interest id of that language's group."""

    list_id: str | None = None
    language_group: str | None = None  # the interest category's id


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

    def audience_rule(self, send: Send) -> str:
        """Mailchimp routes by the language groups, not by the field: the rule names the groups."""
        if not send.is_default:
            return f"language group {send.locale}"
        if not send.taken:
            return "everyone"
        return f"in none of the language groups {', '.join(send.taken)} (in other, or in none)"

    def files(self, email: RenderedEmail, settings: Settings, date: dt.date, send: Send) -> list[ExportFile]:
        campaign = {
            "type": "regular",
            "recipients": {"list_id": self.audience(settings).list_id, **segment(send, self.audience(settings))},
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


def segment(send: Send, audience: MailchimpAudience) -> dict:
    """The send's audience as one Mailchimp segment condition on the language group category (nothing: everyone)."""
    if not send.is_default:
        op, interests = "interestcontains", [str(audience.groups[send.locale])]
    else:
        op, interests = "interestnotcontains", [str(audience.groups[locale]) for locale in send.taken]
        if not interests:  # the default locale sent alone goes to the whole audience
            return {}
    condition = {"condition_type": "Interests", "field": f"interests-{audience.language_group}", "op": op,
                 "value": interests}
    return {"segment_opts": {"match": "all", "conditions": [condition]}}
