"""listmonk's API face: the shared campaign template, then per locale one campaign to the export's lists
(newsletter/providers/listmonk.py).

The template is found by its stable name among the account's templates (GET /api/templates), created once
(POST) and brought back to template.json while it differs (PUT /api/templates/{id}); every campaign names it.
A campaign is found by its name, the send's stable name (GET /api/campaigns, page by page), created (POST),
updated while it is a draft (PUT /api/campaigns/{id}), sent as a test to subscribers of the account
(POST …/test, the campaign plus "subscribers") and scheduled: send_at set on the draft (PUT), then its
status set to "scheduled" (PUT …/status; listmonk schedules only a draft that has a send_at). A campaign
in any other status (scheduled, running, paused, cancelled, finished) is left alone, though listmonk would
let a scheduled or paused one be edited. References: https://listmonk.app/docs/apis/campaigns/,
https://listmonk.app/docs/apis/templates/, and listmonk's cmd/campaigns.go (campReq, TestCampaign,
canEditCampaign) and internal/core/campaigns.go (UpdateCampaignStatus).

The address is the instance's own (self-hosted): LISTMONK_API_URL, e.g. https://lists.example.com/api.
The key is an API user and its token, "user:token", sent as `Authorization: token user:token`
(https://listmonk.app/docs/apis/apis/).
"""

from __future__ import annotations

from newsletter.delivery.publish.engine import Publisher
from newsletter.delivery.publish.exported import ExportedSend
from newsletter.delivery.publish.ledger import Ledger
from newsletter.delivery.publish.plan import Options, PlanStep, RemoteObject, Results, schedule_detail, utc_iso
from newsletter.errors import QUOTE_LIMIT, shortened
from newsletter.providers.listmonk import CONTENT_ONLY_TEMPLATE, SHARED_TEMPLATE

# template.json of the export, as the provider module writes it
TEMPLATE_DOCUMENT = {"name": SHARED_TEMPLATE, "type": "campaign", "body": CONTENT_ONLY_TEMPLATE}
KIND = "campaign"
TEMPLATE = "template"
TEST = "test email"
EVERY_LOCALE = "all"  # the template's steps: one object for every locale
PAGE_SIZE = 100
MAX_PAGES = 1000  # 100,000 campaigns: every walk over the account ends
COMPARED = ("name", "subject", "from_email", "content_type", "messenger", "body", "altbody", "headers")
STATUS_WORDS = {"scheduled": "scheduled", "running": "being sent", "paused": "paused while sending",
                "cancelled": "cancelled", "finished": "sent"}


class ListmonkPublisher(Publisher):
    name = "listmonk"
    title = "listmonk"
    key_variable = "LISTMONK_API_KEY"
    url_variable = "LISTMONK_API_URL"
    default_url = ""
    self_hosted = True  # there is no default address
    test_sends = True

    @staticmethod
    def headers(key: str) -> dict[str, str]:
        return {"Authorization": f"token {key}", "accept": "application/json"}

    @staticmethod
    def error_text(body: object) -> str:
        """listmonk's errors: {"message": …} (echo's HTTPError, as every handler returns them)."""
        return str(body["message"]) if isinstance(body, dict) and body.get("message") else ""

    @classmethod
    def advice(cls, status: int, text: str) -> str:
        if status == 403 and "credentials" in text:  # internal/auth/auth.go: a wrong key is 403, not 401
            return super().advice(401, text)
        return super().advice(status, text)

    def account(self) -> tuple[list[str], list[PlanStep]]:
        self.existing = self._campaigns()
        self.lists = self._lists()
        wanted = TEMPLATE_DOCUMENT
        same_name = [t for t in self._templates() if t.get("name") == wanted["name"]]
        details = (f"type {wanted['type']}: every locale's campaign names it",)
        if len(same_name) > 1:
            ids = ", ".join(str(t.get("id")) for t in same_name)
            return [], [PlanStep(EVERY_LOCALE, "refuse", TEMPLATE, wanted["name"], details,
                                 f"{len(same_name)} templates have this name ({ids}): delete the extra ones in {self.title}")]
        if not same_name:
            return [], [PlanStep(EVERY_LOCALE, "create", TEMPLATE, wanted["name"], details,
                                 run=lambda _: self._create_template(wanted), find=self._find_template)]
        remote = _template(same_name[0])
        changed = [key for key in ("type", "body") if remote.fields.get(key) != wanted[key]]
        send = ExportedSend(EVERY_LOCALE, wanted["name"], "", (), {})
        return [], [self.update_or_keep(send, TEMPLATE, details, remote, changed,
                                        lambda _: self._update_template(remote, wanted))]

    def _templates(self) -> list[dict]:
        return self.client.request("GET", "/templates", params={"no_body": "false"}).get("data") or []

    def _find_template(self) -> RemoteObject | None:
        found = [t for t in self._templates() if t.get("name") == TEMPLATE_DOCUMENT["name"]]
        return _template(found[0]) if found else None

    def _create_template(self, wanted: dict) -> RemoteObject:
        return _template(self.client.request("POST", "/templates", json=wanted)["data"])

    def _update_template(self, remote: RemoteObject, wanted: dict) -> RemoteObject:
        return _template(self.client.request("PUT", f"/templates/{remote.id}", json=wanted)["data"])

    def _lists(self) -> set[int]:
        """The ids of the account's lists (GET /api/lists, page by page)."""
        found: set[int] = set()
        for page in range(1, MAX_PAGES + 1):
            data = self.client.request("GET", "/lists", params={"page": page, "per_page": PAGE_SIZE,
                                                                "minimal": "true"}).get("data") or {}
            results = data.get("results") or []
            found |= {entry.get("id") for entry in results}
            if len(results) < PAGE_SIZE or page * PAGE_SIZE >= int(data.get("total") or 0):
                break
        return found

    def _campaigns(self) -> dict[str, list[dict]]:
        """Every campaign of the account by name (listmonk's names need not be unique)."""
        found: dict[str, list[dict]] = {}
        for page in range(1, MAX_PAGES + 1):
            data = self.client.request("GET", "/campaigns", params={"page": page, "per_page": PAGE_SIZE,
                                                                    "no_body": "true"}).get("data") or {}
            results = data.get("results") or []
            for entry in results:
                found.setdefault(entry.get("name"), []).append(entry)
            if len(results) < PAGE_SIZE or page * PAGE_SIZE >= int(data.get("total") or 0):
                break
        return found

    def plan_send(self, send: ExportedSend, options: Options, ledger: Ledger) -> list[PlanStep]:
        wanted = next(doc for name, doc in send.documents.items() if name == f"{send.locale}.json")
        details = _details(send, wanted, options)
        same_name = self.existing.get(send.name, [])
        if len(same_name) > 1:
            return [self.same_name_refused(send, KIND, details, same_name, "campaigns")]
        missing = [str(number) for number in wanted["lists"] if number not in self.lists]
        if missing:
            return [PlanStep(send.locale, "refuse", KIND, send.name, details,
                             f"no list {', '.join(missing)} in {self.title}: create it (Lists → New) or correct "
                             "audience.listmonk.lists in newsletter.yaml, then export again")]
        at = utc_iso(options.schedule) if options.schedule else ""
        later = [*self.test_steps(send, KIND, options, lambda remote, to: self._send_test(remote, wanted, to)),
                 *self.schedule_steps(send, KIND, options, at, self._schedule)]
        if not same_name:
            return [PlanStep(send.locale, "create", KIND, send.name, details,
                             run=lambda results: self._create(_with_template(wanted, results)),
                             find=lambda: self._find(send.name)), *later]
        remote = self._get(same_name[0]["id"])
        if remote.status != "draft":
            return [self.left_alone(send, KIND, details, remote, STATUS_WORDS.get(remote.status, remote.status),
                                    remote.send_at)]
        template = self._find_template()
        changed = _differences(wanted, remote, template.id if template else "")  # "": the template is made anew
        step = self.update_or_keep(send, KIND, details, remote, changed,
                                   lambda results: self._update(remote, _with_template(wanted, results)))
        return [step, *later]

    def _find(self, name: str) -> RemoteObject | None:
        found = self._campaigns().get(name, [])
        return self._get(found[0]["id"]) if found else None

    def _get(self, campaign_id: object) -> RemoteObject:
        body = self.client.request("GET", f"/campaigns/{campaign_id}")["data"]
        fields = {**body, "lists": sorted(entry.get("id") for entry in body.get("lists") or [])}
        return RemoteObject(KIND, body.get("name", ""), str(body.get("id")), str(body.get("status", "")),
                            body.get("send_at") or None, fields)

    def _create(self, wanted: dict) -> RemoteObject:
        data = self.client.request("POST", "/campaigns", json=wanted)["data"]
        return RemoteObject(KIND, wanted["name"], str(data["id"]), "draft")

    def _update(self, remote: RemoteObject, wanted: dict) -> RemoteObject:
        self.client.request("PUT", f"/campaigns/{remote.id}", json=wanted)
        return RemoteObject(KIND, remote.name, remote.id, "draft")

    def _send_test(self, remote: RemoteObject, wanted: dict, addresses: tuple[str, ...]) -> RemoteObject:
        """listmonk renders the campaign in the request (campReq) for subscribers of the account by address."""
        campaign = {**wanted, "template_id": int(self._template_id(remote))}
        self.client.request("POST", f"/campaigns/{remote.id}/test", json={**campaign, "subscribers": list(addresses)})
        return RemoteObject(TEST, remote.name, remote.id, f"sent to {len(addresses)}")

    def _template_id(self, remote: RemoteObject) -> str:
        return str(self._get(remote.id).fields.get("template_id"))

    def _schedule(self, remote: RemoteObject, at: str) -> RemoteObject:
        self.client.request("PUT", f"/campaigns/{remote.id}", json={"send_later": True, "send_at": at})
        self.client.request("PUT", f"/campaigns/{remote.id}/status", json={"status": "scheduled"})
        return RemoteObject(KIND, remote.name, remote.id, "scheduled", at)


def _template(body: dict) -> RemoteObject:
    return RemoteObject(TEMPLATE, body.get("name", ""), str(body.get("id")), str(body.get("type", "")), None, body)


def _with_template(wanted: dict, results: Results) -> dict:
    """The campaign as exported, naming the shared template as the account holds it."""
    return {**wanted, "template_id": int(results[f"{EVERY_LOCALE}/{TEMPLATE}"].id)}


def _details(send: ExportedSend, wanted: dict, options: Options) -> tuple[str, ...]:
    lists = ", ".join(str(number) for number in wanted["lists"])
    reply = next((h["Reply-To"] for h in wanted.get("headers", []) if "Reply-To" in h), "")
    return (f"audience: {send.audience} → lists {lists}",
            f"subject: “{shortened(wanted.get('subject', ''), QUOTE_LIMIT)}”",
            f"sender: {wanted['from_email']}, replies to {reply or 'the sender'}; "
            "unsubscribe: {{ UnsubscribeURL }} in the email",
            schedule_detail(options))


def _differences(wanted: dict, remote: RemoteObject, template_id: str) -> list[str]:
    changed = [name for name in COMPARED if name in wanted and remote.fields.get(name) != wanted[name]]
    if remote.fields.get("lists") != sorted(wanted["lists"]):
        changed.append("lists")
    if str(remote.fields.get("template_id")) != template_id:
        changed.append("template")
    return changed
