"""SendGrid's API face: per locale one Single Send (Marketing Campaigns), routed by segment, from the
export's `single_send` (newsletter/providers/sendgrid.py).

The account gives what the export cannot know: the verified sender whose address is newsletter.yaml's
sender.email (GET /v3/verified_senders). The unsubscribe group is the export's: each Single Send's
`email_config.suppression_group_id`, newsletter.yaml's audience.sendgrid.unsubscribe_group; publish checks
that the account has it (GET /v3/asm/groups) and refuses the plan if not, never another group in its place. A Single Send is found by its name (GET /v3/marketing/singlesends, page by page),
created (POST), updated while it is a draft (PATCH /{id}) and scheduled (PUT /{id}/schedule); one that
is scheduled or sent ("triggered") is left alone. Reference: https://www.twilio.com/docs/sendgrid/api-reference/single-sends
and the definition at https://github.com/twilio/sendgrid-oai (spec/yaml/tsg_mc_singlesends_v3.yaml).

--test-to: SendGrid's test email of Marketing Campaigns (POST /v3/marketing/test/send_email) sends a Dynamic
Transactional Template only, not a Single Send (tsg_mc_test_v3.yaml: "this endpoint works with Dynamic
Transactional Templates only"). So each locale has one dynamic template for its test emails,
`newsletter-<locale> test email`, the same every month (SendGrid allows 300 templates): created once
(POST /v3/templates, then its first version), its active version brought to the Single Send's subject,
HTML and text each issue (PATCH …/versions/{id}); the test email names the Single Send's sender and
unsubscribe group, so SendGrid fills {{{unsubscribe}}} as in the send itself. At most 10 addresses.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from newsletter.delivery.publish.engine import Publisher
from newsletter.delivery.publish.exported import ExportedSend
from newsletter.delivery.publish.ledger import Ledger
from newsletter.delivery.publish.plan import Options, PlanStep, RemoteObject, account_refusal, schedule_detail, utc_iso
from newsletter.errors import QUOTE_LIMIT, quoted, shortened
from newsletter.providers.routing import stable_template_name
from newsletter.providers.sendgrid import SendGrid

KIND = "Single Send"
TEST_TEMPLATE = "dynamic template"
TEST = "test email"
MAX_TEST_ADDRESSES = 10  # SendTestMarketingEmail's emails: maxItems 10
VERSION_FIELDS = ("subject", "html_content", "plain_content")
PAGE_SIZE = 100
MAX_PAGES = 200  # 20,000 Single Sends: every walk over the account ends
COMPARED = ("subject", "html_content", "plain_content", "generate_plain_content", "editor", "sender_id",
            "suppression_group_id")


class SendGridPublisher(Publisher):
    name = "sendgrid"
    title = "SendGrid"
    key_variable = "SENDGRID_API_KEY"
    url_variable = "SENDGRID_API_URL"  # https://api.eu.sendgrid.com for an EU-pinned account
    default_url = "https://api.sendgrid.com"
    test_sends = True

    @staticmethod
    def headers(key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}

    @staticmethod
    def error_text(body: object) -> str:
        """SendGrid's errors: {"errors": [{"field": …, "message": …}]}."""
        errors = body.get("errors") if isinstance(body, dict) else None
        if not isinstance(errors, list):
            return ""
        return "; ".join(f"{e.get('field')}: {e.get('message')}" if e.get("field") else str(e.get("message"))
                         for e in errors if isinstance(e, dict))

    @classmethod
    def advice(cls, status: int, text: str) -> str:
        if status == 403:
            return (f"the key in {cls.key_variable} needs Marketing (full access) and Sender Verification (read) "
                    "permissions: edit it under Settings → API Keys")
        return super().advice(status, text)

    def account(self) -> tuple[list[str], list[PlanStep]]:
        sender_email = self.settings.sender.email
        senders = self.client.request("GET", "/v3/verified_senders").get("results", [])
        sender = next((s for s in senders if str(s.get("from_email", "")).lower() == sender_email.lower()), None)
        wanted_group = self._exported_group()
        groups = self.client.request("GET", "/v3/asm/groups")
        group = next((g for g in groups if str(g.get("id")) == str(wanted_group)), None)
        self.sender, self.group = sender, group
        self.existing = self._single_sends()
        lines, refused = [], []
        if sender is None:
            refused.append(account_refusal("sender", sender_email, f"no sender {sender_email} in {self.title}: add it under "
                                   "Settings → Sender Authentication (Single Sender Verification) and verify it"))
        elif not sender.get("verified"):
            refused.append(account_refusal("sender", sender_email, "not verified yet: open the link SendGrid emailed to "
                                   f"{sender_email}, then run again"))
        else:
            lines.append(f"sender {sender.get('from_name')} <{sender_email}> (verified sender {sender['id']})")
        if group is None:
            refused.append(account_refusal("unsubscribe group", str(wanted_group), f"no unsubscribe group {wanted_group} in "
                                           "SendGrid: set newsletter.yaml's audience.sendgrid.unsubscribe_group to the id "
                                           "of one under Suppressions → Unsubscribe Groups (or create it), then export "
                                           "again"))
        else:
            lines.append(f"unsubscribe group {quoted(str(group['name']))} ({group['id']}, audience.sendgrid.unsubscribe_group)")
        return lines, refused

    def _exported_group(self) -> object:
        """The unsubscribe group the export names (audience.sendgrid.unsubscribe_group), one for every Single Send."""
        return SendGrid().audience(self.settings).unsubscribe_group

    def _single_sends(self) -> dict[str, list[dict]]:
        """Every Single Send of the account by name (SendGrid's names need not be unique)."""
        return self._by_name("/v3/marketing/singlesends", {})

    def _by_name(self, path: str, params: dict) -> dict[str, list[dict]]:
        """Every object of a listing SendGrid pages through `_metadata.next`'s page_token, by name."""
        found: dict[str, list[dict]] = {}
        params = {**params, "page_size": PAGE_SIZE}
        for _ in range(MAX_PAGES):
            page = self.client.request("GET", path, params=params)
            for entry in page.get("result", []):
                found.setdefault(entry.get("name"), []).append(entry)
            token = parse_qs(urlsplit(str((page.get("_metadata") or {}).get("next") or "")).query).get("page_token")
            if not token:
                break
            params = {**params, "page_token": token[0]}
        return found

    def plan_send(self, send: ExportedSend, options: Options, ledger: Ledger) -> list[PlanStep]:
        at = utc_iso(options.schedule) if options.schedule else ""  # SendGrid's send_at: ISO 8601 in UTC
        wanted = self._wanted(send)
        details = self._details(send, wanted, options)
        exported_group = wanted["email_config"].get("suppression_group_id")
        if self.group is not None and str(exported_group) != str(self.group["id"]):
            return [PlanStep(send.locale, "refuse", KIND, send.name, details, reason=f"the export names unsubscribe group "
                             f"{exported_group}, newsletter.yaml {self.group['id']}: export again, then publish")]
        same_name = self.existing.get(send.name, [])
        if len(same_name) > 1:
            return [self.same_name_refused(send, KIND, details, same_name, "Single Sends")]
        if not same_name:
            steps = [PlanStep(send.locale, "create", KIND, send.name, details, run=lambda _: self._create(wanted),
                              find=lambda: self._find(send.name))]
            return steps + self._test_steps(send, wanted, options) + self.schedule_steps(send, KIND, options, at,
                                                                                         self._schedule_now)
        remote = self._get(same_name[0]["id"])
        if remote.status != "draft":
            state = "sent" if remote.status == "triggered" else remote.status
            return [self.left_alone(send, KIND, details, remote, state, remote.send_at if state == "scheduled" else None)]
        changed = _differences(wanted, remote)
        step = self.update_or_keep(send, KIND, details, remote, changed, lambda _: self._update(remote.id, wanted))
        return [step, *self._test_steps(send, wanted, options), *self.schedule_steps(send, KIND, options, at,
                                                                                     self._schedule_now)]

    def _test_steps(self, send: ExportedSend, wanted: dict, options: Options) -> list[PlanStep]:
        """The locale's test-email template, made or brought to the export, then SendGrid's test email of it."""
        if not options.test_to:
            return []
        name = f"{stable_template_name(send.locale)} test email"
        if len(options.test_to) > MAX_TEST_ADDRESSES:
            return [PlanStep(send.locale, "refuse", TEST, name, reason=f"{len(options.test_to)} addresses: SendGrid sends "
                             f"a test email to at most {MAX_TEST_ADDRESSES}; name fewer after --test-to")]
        version = {"name": send.name, "active": 1, "editor": "code", "generate_plain_content": False,
                   **{key: wanted["email_config"].get(key, "") for key in VERSION_FIELDS}}
        details = (f"for SendGrid's test email of {send.name}", )
        same_name = self._test_templates().get(name, [])
        if len(same_name) > 1:
            return [self.same_name_refused(send, TEST_TEMPLATE, details, same_name, "dynamic templates", name)]
        if not same_name:
            step = PlanStep(send.locale, "create", TEST_TEMPLATE, name, details,
                            run=lambda _: self._put_template(name, version, create=True),
                            find=lambda: self._put_template(name, version, create=False))
        else:
            remote = self._template(same_name[0]["id"])
            active = remote.fields.get("version") or {}
            changed = [key for key in VERSION_FIELDS if active.get(key) != version[key]] if active else ["no version yet"]
            step = self.update_or_keep(send, TEST_TEMPLATE, details, remote, changed,
                                       lambda _: self._put_version(remote, version), name, "already as exported")
        return [step, *self.test_steps(send, TEST_TEMPLATE, options, self._send_test)]

    def _test_templates(self) -> dict[str, list[dict]]:
        """The account's dynamic templates by name, read once (only when test emails are asked for)."""
        if not hasattr(self, "templates"):
            self.templates = self._read_templates()
        return self.templates

    def _read_templates(self) -> dict[str, list[dict]]:
        return self._by_name("/v3/templates", {"generations": "dynamic"})

    def _template(self, template_id: str) -> RemoteObject:
        body = self.client.request("GET", f"/v3/templates/{template_id}")
        active = next((v for v in body.get("versions") or [] if v.get("active") == 1), None)
        return RemoteObject(TEST_TEMPLATE, body.get("name", ""), str(body.get("id")), "dynamic", None, {"version": active})

    def _put_template(self, name: str, version: dict, create: bool) -> RemoteObject | None:
        """The template of this name with the version wanted; made when `create`, else None when there is none.
        A look-up first, so a create whose answer was lost is never made twice."""
        found = self._read_templates().get(name, [])
        if not found and not create:
            return None
        if found:
            remote = self._template(found[0]["id"])
        else:
            body = self.client.request("POST", "/v3/templates", json={"name": name, "generation": "dynamic"})
            remote = RemoteObject(TEST_TEMPLATE, name, str(body["id"]), "dynamic", None, {"version": None})
        active = remote.fields.get("version")
        if active and all(active.get(key) == version[key] for key in VERSION_FIELDS):
            return remote
        return self._put_version(remote, version)

    def _put_version(self, remote: RemoteObject, version: dict) -> RemoteObject:
        active = remote.fields.get("version")
        if active:
            body = self.client.request("PATCH", f"/v3/templates/{remote.id}/versions/{active['id']}", json=version)
        else:
            body = self.client.request("POST", f"/v3/templates/{remote.id}/versions", json=version)
        return RemoteObject(TEST_TEMPLATE, remote.name, remote.id, "dynamic", None, {"version": body})

    def _send_test(self, template: RemoteObject, addresses: tuple[str, ...]) -> RemoteObject:
        config = {"sender_id": self.sender["id"], "suppression_group_id": int(self.group["id"])}
        self.client.request("POST", "/v3/marketing/test/send_email",
                            json={"template_id": template.id, **config, "emails": list(addresses)})
        return RemoteObject(TEST, template.name, template.id, f"sent to {len(addresses)}")

    def _wanted(self, send: ExportedSend) -> dict:
        exported = next(doc for doc in send.documents.values() if isinstance(doc, dict) and "single_send" in doc)
        single = exported["single_send"]
        config = {**single["email_config"], "sender_id": self.sender["id"] if self.sender else None}  # the export's group
        segments = list(single["send_to"].get("segment_ids", []))
        return {"name": send.name, "send_to": {"segment_ids": segments, "list_ids": [], "all": False}, "email_config": config}

    def _details(self, send: ExportedSend, wanted: dict, options: Options) -> tuple[str, ...]:
        config = wanted["email_config"]
        sender = f"{self.sender.get('from_name')} <{self.sender.get('from_email')}>" if self.sender else "none"
        return (f"audience: {send.audience} → segments {', '.join(wanted['send_to']['segment_ids'])}",
                f"subject: “{shortened(config.get('subject', ''), QUOTE_LIMIT)}”",
                f"sender: {sender}; unsubscribe: group {config['suppression_group_id']}",
                schedule_detail(options))

    def _find(self, name: str) -> RemoteObject | None:
        found = self._single_sends().get(name, [])
        return self._get(found[0]["id"]) if found else None

    def _get(self, single_send_id: str) -> RemoteObject:
        return _remote(self.client.request("GET", f"/v3/marketing/singlesends/{single_send_id}"))

    def _create(self, wanted: dict) -> RemoteObject:
        return _remote(self.client.request("POST", "/v3/marketing/singlesends", json=wanted))

    def _update(self, single_send_id: str, wanted: dict) -> RemoteObject:
        return _remote(self.client.request("PATCH", f"/v3/marketing/singlesends/{single_send_id}", json=wanted))

    def _schedule_now(self, remote: RemoteObject, at: str) -> RemoteObject:
        answer = self.client.request("PUT", f"/v3/marketing/singlesends/{remote.id}/schedule", json={"send_at": at})
        return RemoteObject(KIND, remote.name, remote.id, str(answer.get("status", "scheduled")), answer.get("send_at", at))


def _remote(body: dict) -> RemoteObject:
    return RemoteObject(KIND, body.get("name", ""), str(body.get("id")), str(body.get("status", "")), body.get("send_at"),
                        {**(body.get("email_config") or {}), "segment_ids": (body.get("send_to") or {}).get("segment_ids")})


def _differences(wanted: dict, remote: RemoteObject) -> list[str]:
    config = wanted["email_config"]
    changed = [name for name in COMPARED if remote.fields.get(name) != config.get(name)]
    if sorted(remote.fields.get("segment_ids") or []) != sorted(wanted["send_to"]["segment_ids"]):
        changed.append("segments")
    return changed
