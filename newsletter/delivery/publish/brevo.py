"""Brevo's API face: per locale one email campaign, sent to the export's lists (newsletter/providers/brevo.py).

The account gives the sender: the one whose address is newsletter.yaml's sender.email, active (GET /v3/senders).
A campaign is found by its name, the send's stable name (GET /v3/emailCampaigns, page by page), created
(POST), updated while it is a draft (PUT /v3/emailCampaigns/{id}), sent as a test (POST …/sendTest) and
scheduled (PUT with scheduledAt: Brevo's status becomes "queued"). A campaign in any other status (queued,
in_process, sent, suspended, archive) is left alone. Reference: https://developers.brevo.com/reference/createemailcampaign,
…/updateemailcampaign, …/sendtestemail, …/getemailcampaigns.
"""

from __future__ import annotations

from newsletter.errors import QUOTE_LIMIT, shortened
from newsletter.delivery.publish.engine import Publisher
from newsletter.delivery.publish.exported import ExportedSend
from newsletter.delivery.publish.ledger import Ledger
from newsletter.delivery.publish.plan import Options, PlanStep, RemoteObject, account_refusal, schedule_detail, utc_iso

KIND = "campaign"
TEST = "test email"
PAGE_SIZE = 100
MAX_PAGES = 1000  # 100,000 campaigns: every walk over the account ends
COMPARED = ("name", "subject", "htmlContent", "replyTo", "mirrorActive")
STATUS_WORDS = {"queued": "scheduled", "in_process": "being sent", "sent": "sent", "suspended": "suspended",
                "archive": "sent and archived"}


class BrevoPublisher(Publisher):
    name = "brevo"
    title = "Brevo"
    key_variable = "BREVO_API_KEY"
    url_variable = "BREVO_API_URL"
    default_url = "https://api.brevo.com"
    test_sends = True

    @staticmethod
    def headers(key: str) -> dict[str, str]:
        return {"api-key": key, "accept": "application/json"}

    @staticmethod
    def error_text(body: object) -> str:
        """Brevo's errors: {"code": …, "message": …} (errorModel)."""
        if not isinstance(body, dict) or not body.get("message"):
            return ""
        return f"{body['message']} ({body['code']})" if body.get("code") else str(body["message"])

    def account(self) -> tuple[list[str], list[PlanStep]]:
        sender_email = self.settings.sender.email
        senders = self.client.request("GET", "/v3/senders").get("senders") or []
        sender = next((s for s in senders if str(s.get("email", "")).lower() == sender_email.lower()), None)
        self.existing = self._campaigns()
        if sender is None:
            return [], [account_refusal("sender", sender_email, f"no sender {sender_email} in {self.title}: add it "
                                        "under Senders, Domains & Dedicated IPs → Senders, then run again")]
        if not sender.get("active"):
            return [], [account_refusal("sender", sender_email, f"not active yet: confirm it with the code {self.title} "
                                        f"emailed to {sender_email} (or authenticate its domain), then run again")]
        return [f"sender {sender.get('name')} <{sender_email}> (active sender {sender['id']})"], []

    def _campaigns(self) -> dict[str, list[dict]]:
        """Every email campaign of the account by name (Brevo's names need not be unique)."""
        found: dict[str, list[dict]] = {}
        for page in range(MAX_PAGES):
            answer = self.client.request("GET", "/v3/emailCampaigns", params={"limit": PAGE_SIZE, "offset": page * PAGE_SIZE})
            campaigns = answer.get("campaigns") or []
            for entry in campaigns:
                found.setdefault(entry.get("name"), []).append(entry)
            if len(campaigns) < PAGE_SIZE or (page + 1) * PAGE_SIZE >= int(answer.get("count") or 0):
                break
        return found

    def plan_send(self, send: ExportedSend, options: Options, ledger: Ledger) -> list[PlanStep]:
        wanted = next(doc for doc in send.documents.values() if isinstance(doc, dict) and "htmlContent" in doc)
        details = _details(send, wanted, options)
        same_name = self.existing.get(send.name, [])
        if len(same_name) > 1:
            return [self.same_name_refused(send, KIND, details, same_name, "campaigns")]
        at = utc_iso(options.schedule) if options.schedule else ""  # Brevo's scheduledAt: ISO 8601
        later = [*self.test_steps(send, KIND, options, self._send_test),
                 *self.schedule_steps(send, KIND, options, at, self._schedule_now)]
        if not same_name:
            return [PlanStep(send.locale, "create", KIND, send.name, details, run=lambda _: self._create(wanted),
                             find=lambda: self._find(send.name)), *later]
        remote = self._get(same_name[0]["id"])
        if remote.status != "draft":
            return [self.left_alone(send, KIND, details, remote, STATUS_WORDS.get(remote.status, remote.status),
                                    remote.send_at)]
        changed = _differences(wanted, remote)
        step = self.update_or_keep(send, KIND, details, remote, changed, lambda _: self._update(remote, wanted))
        return [step, *later]

    def _find(self, name: str) -> RemoteObject | None:
        found = self._campaigns().get(name, [])
        return self._get(found[0]["id"]) if found else None

    def _get(self, campaign_id: object) -> RemoteObject:
        body = self.client.request("GET", f"/v3/emailCampaigns/{campaign_id}")
        fields = {**body, "sender": {key: (body.get("sender") or {}).get(key) for key in ("name", "email")},
                  "lists": sorted((body.get("recipients") or {}).get("lists") or [])}
        return RemoteObject(KIND, body.get("name", ""), str(body.get("id")), str(body.get("status", "")),
                            body.get("scheduledAt") or None, fields)

    def _create(self, wanted: dict) -> RemoteObject:
        answer = self.client.request("POST", "/v3/emailCampaigns", json=wanted)
        return RemoteObject(KIND, wanted["name"], str(answer["id"]), "draft")

    def _update(self, remote: RemoteObject, wanted: dict) -> RemoteObject:
        self.client.request("PUT", f"/v3/emailCampaigns/{remote.id}", json=wanted)
        return RemoteObject(KIND, remote.name, remote.id, "draft")

    def _send_test(self, remote: RemoteObject, addresses: tuple[str, ...]) -> RemoteObject:
        self.client.request("POST", f"/v3/emailCampaigns/{remote.id}/sendTest", json={"emailTo": list(addresses)})
        return RemoteObject(TEST, remote.name, remote.id, f"sent to {len(addresses)}")

    def _schedule_now(self, remote: RemoteObject, at: str) -> RemoteObject:
        self.client.request("PUT", f"/v3/emailCampaigns/{remote.id}", json={"scheduledAt": at})
        return RemoteObject(KIND, remote.name, remote.id, "queued", at)


def _details(send: ExportedSend, wanted: dict, options: Options) -> tuple[str, ...]:
    lists = ", ".join(str(number) for number in wanted["recipients"]["listIds"])
    sender = wanted["sender"]
    return (f"audience: {send.audience} → lists {lists}",
            f"subject: “{shortened(wanted.get('subject', ''), QUOTE_LIMIT)}”",
            f"sender: {sender.get('name')} <{sender.get('email')}>, replies to {wanted.get('replyTo', '')}; "
            "unsubscribe: {{ unsubscribe }} in the email",
            schedule_detail(options))


def _differences(wanted: dict, remote: RemoteObject) -> list[str]:
    changed = [name for name in COMPARED if name in wanted and remote.fields.get(name) != wanted[name]]
    if remote.fields.get("sender") != {key: wanted["sender"].get(key) for key in ("name", "email")}:
        changed.append("sender")
    if remote.fields.get("lists") != sorted(wanted["recipients"]["listIds"]):
        changed.append("lists")
    return changed
