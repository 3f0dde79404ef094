"""Mailchimp's API face: per locale one regular campaign on the audience (list) of newsletter.yaml, routed
by the export's segment condition on the audience's language group category (interest category): a locale's
send `interestcontains` its group, the default send `interestnotcontains` the other shipped locales' groups
(newsletter/providers/mailchimp.py). The plan checks that the audience has the category of
audience.mailchimp.language_group and each group of audience.mailchimp.interests
(GET /lists/{list_id}/interest-categories, …/{id}/interests), and names them as Mailchimp does.

A campaign is found by its title, the send's stable name (GET /campaigns, page by page), created
(POST /campaigns), its content set (PUT /campaigns/{id}/content), updated while it is a draft — Mailchimp's
status "save" — (PATCH /campaigns/{id}), sent as a test (POST …/actions/test) and scheduled
(POST …/actions/schedule, on the quarter-hour only). A campaign in any other status (schedule, sending,
sent, paused) is left alone. The key names its data centre (…-us6 → https://us6.api.mailchimp.com/3.0).
Reference: https://mailchimp.com/developer/marketing/api/campaigns/ and …/campaign-content/.
"""

from __future__ import annotations

import re

import base64

from newsletter.errors import Location, NewsletterError, Problem, QUOTE_LIMIT, shortened
from newsletter.delivery.publish.engine import Publisher
from newsletter.delivery.publish.exported import ExportedSend
from newsletter.delivery.publish.ledger import Ledger
from newsletter.delivery.publish.plan import Options, PlanStep, RemoteObject, account_refusal, schedule_detail, utc_iso
from newsletter.providers.mailchimp import Mailchimp

KIND = "campaign"
CONTENT = "campaign content"
TEST = "test email"
DRAFT = "save"  # Mailchimp's status of a campaign not yet scheduled or sent
PAGE_SIZE = 1000  # the largest `count` Mailchimp's listings allow
MAX_PAGES = 100  # 100,000 entries: every walk over the account ends
STATUS_WORDS = {"schedule": "scheduled", "sending": "being sent", "sent": "sent", "paused": "paused (an RSS or "
                "automated send)"}
SETTINGS = ("subject_line", "preview_text", "title", "from_name", "reply_to")


class MailchimpPublisher(Publisher):
    name = "mailchimp"
    title = "Mailchimp"
    key_variable = "MAILCHIMP_API_KEY"
    url_variable = "MAILCHIMP_API_URL"
    default_url = "https://<dc>.api.mailchimp.com/3.0"
    test_sends = True

    @classmethod
    def default_url_for(cls, key: str) -> str:
        """The data centre is the key's last part (https://mailchimp.com/developer/marketing/docs/fundamentals/)."""
        centre = key.rsplit("-", 1)[-1] if "-" in key else ""
        if not re.fullmatch(r"[a-z]+[0-9]+", centre):  # us6, us21: letters then the centre's number
            raise NewsletterError(Problem(Location(cls.key_variable), "a Mailchimp API key ends in its data centre "
                                          "(…-us6) and this one does not", "copy the whole key from Mailchimp "
                                          "(Profile → Extras → API keys)"))
        return f"https://{centre}.api.mailchimp.com/3.0"

    @staticmethod
    def headers(key: str) -> dict[str, str]:
        """HTTP Basic, any user name and the key as password."""
        return {"Authorization": "Basic " + base64.b64encode(f"newsletter:{key}".encode()).decode()}

    @staticmethod
    def error_text(body: object) -> str:
        """Mailchimp's errors: a problem detail document {title, detail, errors: [{field, message}]}."""
        if not isinstance(body, dict):
            return ""
        fields = "; ".join(f"{e.get('field')}: {e.get('message')}" if e.get("field") else str(e.get("message"))
                           for e in body.get("errors") or [] if isinstance(e, dict))
        words = ": ".join(str(body[key]) for key in ("title", "detail") if body.get(key))
        return f"{words} ({fields})" if fields else words

    def account(self) -> tuple[list[str], list[PlanStep]]:
        wanted = Mailchimp().audience(self.settings)
        list_id = wanted.list_id
        self.existing = self._campaigns()
        self.group_names: dict[str, str] = {}  # interest id → its name, for the plan
        try:
            audience = self.client.request("GET", f"/lists/{list_id}")
        except NewsletterError as error:
            if getattr(error, "status", None) != 404:
                raise
            return [], [account_refusal("audience", str(list_id), f"no audience {list_id} in {self.title}: set "
                                        "newsletter.yaml's audience.mailchimp.list_id to the Audience ID its settings "
                                        "show, then export again")]
        lines = [f"audience {audience['name']} ({list_id})"]
        refused = self._language_groups(list_id, str(wanted.language_group),
                                        {locale: str(interest) for locale, interest in wanted.groups.items()}, lines)
        return lines, refused

    def _language_groups(self, list_id: str, category_id: str, interests: dict[str, str],
                         lines: list[str]) -> list[PlanStep]:
        """The language group category and each locale's group (and "other"'s) as the audience holds them."""
        path = f"/lists/{list_id}/interest-categories"
        category = next((c for c in self._pages(path, "categories") if str(c.get("id")) == category_id), None)
        if category is None:
            return [account_refusal("group category", category_id, f"no group category {category_id} in audience "
                                    f"{list_id}: create the audience's Language group category (Audience → Manage "
                                    "contacts → Groups), set its id in newsletter.yaml's audience.mailchimp."
                                    "language_group, then export again")]
        self.group_names = {str(g.get("id")): str(g.get("name")) for g in self._pages(f"{path}/{category_id}/interests",
                                                                                      "interests")}
        missing = [f"{interest} ({locale})" for locale, interest in interests.items() if interest not in self.group_names]
        if missing:
            return [account_refusal("group", ", ".join(missing), f"not in the group category {category.get('title')} "
                                    f"({category_id}): add a group per language there (or fix newsletter.yaml's "
                                    "audience.mailchimp.interests to the groups' ids), then export again")]
        lines.append(f"language groups: category {category.get('title')} ({category_id}), " + ", ".join(
            f"{locale} {self.group_names[interest]}" for locale, interest in interests.items()))
        return []

    def _campaigns(self) -> dict[str, list[dict]]:
        """Every campaign of the account by title (Mailchimp's titles need not be unique)."""
        found: dict[str, list[dict]] = {}
        for entry in self._pages("/campaigns", "campaigns"):
            found.setdefault((entry.get("settings") or {}).get("title"), []).append(entry)
        return found

    def _pages(self, path: str, key: str) -> list[dict]:
        """Every entry of a listing Mailchimp pages by `count` and `offset` (a bounded walk)."""
        entries: list[dict] = []
        for page in range(MAX_PAGES):
            answer = self.client.request("GET", path, params={"count": PAGE_SIZE, "offset": page * PAGE_SIZE})
            found = answer.get(key) or []
            entries += found
            if not found or (page + 1) * PAGE_SIZE >= int(answer.get("total_items") or 0):
                break
        return entries

    def plan_send(self, send: ExportedSend, options: Options, ledger: Ledger) -> list[PlanStep]:
        exported = next(doc for doc in send.documents.values() if isinstance(doc, dict) and "campaign" in doc)
        campaign, content = exported["campaign"], exported["content"]
        details = _details(send, campaign, options, self.group_names)
        same_name = self.existing.get(send.name, [])
        if len(same_name) > 1:
            return [self.same_name_refused(send, KIND, details, same_name, "campaigns")]
        later = [*self.test_steps(send, KIND, options, self._send_test), *self._schedule(send, options)]
        set_content = PlanStep(send.locale, "update", CONTENT, send.name, reason="HTML and plain text as exported",
                               run=lambda results: self._set_content(results[f"{send.locale}/{KIND}"], content))
        if not same_name:
            return [PlanStep(send.locale, "create", KIND, send.name, details, run=lambda _: self._create(campaign),
                             find=lambda: self._find(send.name)), set_content, *later]
        remote = _remote(self.client.request("GET", f"/campaigns/{same_name[0]['id']}"))
        if remote.status != DRAFT:
            return [self.left_alone(send, KIND, details, remote, STATUS_WORDS.get(remote.status, remote.status),
                                    remote.send_at)]
        changed = _differences(campaign, remote)
        steps = [self.update_or_keep(send, KIND, details, remote, changed,
                                     lambda _: self._update(remote.id, campaign))]
        held = self.client.request("GET", f"/campaigns/{remote.id}/content")
        if any((held or {}).get(key, "") != content.get(key, "") for key in ("html", "plain_text")):
            steps.append(set_content)
        return [*steps, *later]

    def _schedule(self, send: ExportedSend, options: Options) -> list[PlanStep]:
        at = utc_iso(options.schedule) if options.schedule else ""
        if options.schedule and (options.schedule.minute % 15 or options.schedule.second or options.schedule.microsecond):
            return [PlanStep(send.locale, "refuse", "schedule", send.name, (f"at {at}",), "Mailchimp schedules campaigns "
                             "on the quarter-hour only (:00, :15, :30, :45): choose such a time for --schedule")]
        return self.schedule_steps(send, KIND, options, at, self._schedule_now)

    def _find(self, title: str) -> RemoteObject | None:
        found = self._campaigns().get(title, [])
        return _remote(self.client.request("GET", f"/campaigns/{found[0]['id']}")) if found else None

    def _create(self, campaign: dict) -> RemoteObject:
        return _remote(self.client.request("POST", "/campaigns", json=campaign))

    def _update(self, campaign_id: str, campaign: dict) -> RemoteObject:
        body = {"recipients": campaign["recipients"], "settings": campaign["settings"]}
        return _remote(self.client.request("PATCH", f"/campaigns/{campaign_id}", json=body))

    def _set_content(self, remote: RemoteObject, content: dict) -> RemoteObject:
        self.client.request("PUT", f"/campaigns/{remote.id}/content", json=content)
        return RemoteObject(CONTENT, remote.name, remote.id, remote.status)

    def _send_test(self, remote: RemoteObject, addresses: tuple[str, ...]) -> RemoteObject:
        self.client.request("POST", f"/campaigns/{remote.id}/actions/test",
                            json={"test_emails": list(addresses), "send_type": "html"})
        return RemoteObject(TEST, remote.name, remote.id, f"sent to {len(addresses)}")

    def _schedule_now(self, remote: RemoteObject, at: str) -> RemoteObject:
        self.client.request("POST", f"/campaigns/{remote.id}/actions/schedule", json={"schedule_time": at})
        return RemoteObject(KIND, remote.name, remote.id, "schedule", at)


def _details(send: ExportedSend, campaign: dict, options: Options, names: dict[str, str]) -> tuple[str, ...]:
    settings, recipients = campaign["settings"], campaign["recipients"]
    conditions = recipients.get("segment_opts", {}).get("conditions", [])
    segment = " and ".join(f"{c['field']} {c['op']} {_groups_read(c['value'], names)}" for c in conditions) or "everyone"
    return (f"audience: {send.audience} → list {recipients['list_id']}, segment {segment}",
            f"subject: “{shortened(settings.get('subject_line', ''), QUOTE_LIMIT)}”",
            f"sender: {settings.get('from_name')} <{settings.get('reply_to')}>; unsubscribe: *|UNSUB|* in the email",
            schedule_detail(options))


def _groups_read(value: object, names: dict[str, str]) -> str:
    """A condition's groups as words: each group's name and id, joined (a text merge field's value as it is)."""
    if not isinstance(value, list):
        return str(value)
    return ", ".join(f"{names[str(v)]} ({v})" if str(v) in names else str(v) for v in value)


def _remote(body: dict) -> RemoteObject:
    recipients = body.get("recipients") or {}
    segment = recipients.get("segment_opts") or {}
    fields = {**(body.get("settings") or {}), "list_id": recipients.get("list_id"),
              "segment": {"match": segment.get("match"), "conditions": segment.get("conditions") or []}}
    return RemoteObject(KIND, (body.get("settings") or {}).get("title", ""), str(body.get("id")), str(body.get("status", "")),
                        body.get("send_time") or None, fields)


def _differences(campaign: dict, remote: RemoteObject) -> list[str]:
    changed = [name for name in SETTINGS if remote.fields.get(name, "") != campaign["settings"].get(name, "")]
    if remote.fields.get("list_id") != campaign["recipients"]["list_id"]:
        changed.append("audience")
    wanted = campaign["recipients"].get("segment_opts") or {}
    if remote.fields.get("segment") != {"match": wanted.get("match"), "conditions": wanted.get("conditions") or []}:
        changed.append("segment")
    return changed
