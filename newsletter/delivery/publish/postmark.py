"""Postmark's API face: per locale the export's template (newsletter/providers/postmark.py), alias
`newsletter-<locale>`, created once and brought to each issue's file.

Postmark sends one message per API call and has no campaigns and no scheduled sends: the templates are what
publish carries; the sender's loop picks each subscriber's template with routing.json at the send time, on a
Broadcast stream (docs/export.md). So `--schedule` is refused. A template is looked up by its alias
(GET /templates/{alias}; Postmark answers 422 with ErrorCode 1101 for one it does not have), created
(POST /templates) or updated (PUT /templates/{alias}). `--test-to`: Postmark has no test email, so a proof
goes through its send API to those addresses only, one message each (POST /email/withTemplate, sample
model, the Broadcast stream, so {{{ pm:unsubscribe }}} is filled as in the send). The key is a Server API
token (X-Postmark-Server-Token). Reference: https://postmarkapp.com/developer/api/templates-api,
https://postmarkapp.com/developer/api/email-api, and Postmark's definition (https://postmarkapp.com/swagger/server.yml).
"""

from __future__ import annotations

from newsletter.delivery.publish.engine import Publisher
from newsletter.delivery.publish.exported import ExportedSend
from newsletter.delivery.publish.http import ApiError
from newsletter.delivery.publish.ledger import Ledger
from newsletter.delivery.publish.plan import Options, PlanStep, RemoteObject
from newsletter.errors import QUOTE_LIMIT, shortened

KIND = "template"
TEST = "test email"
NOT_FOUND = 1101  # "The Template's 'ID' or 'Alias' field was not found" (https://postmarkapp.com/developer/api/overview#error-codes)
BAD_TOKEN = 10  # "Bad or missing API token"
STREAM = "broadcast"  # the id of a server's first Broadcast stream
COMPARED = ("Name", "Subject", "HtmlBody", "TextBody")


class PostmarkPublisher(Publisher):
    name = "postmark"
    title = "Postmark"
    key_variable = "POSTMARK_SERVER_TOKEN"
    url_variable = "POSTMARK_API_URL"
    default_url = "https://api.postmarkapp.com"
    test_sends = True

    @staticmethod
    def headers(key: str) -> dict[str, str]:
        return {"X-Postmark-Server-Token": key, "Accept": "application/json"}

    @staticmethod
    def error_text(body: object) -> str:
        """Postmark's errors: {"ErrorCode": …, "Message": …}."""
        if not isinstance(body, dict) or not body.get("Message"):
            return ""
        return f"{body['Message']} (ErrorCode {body.get('ErrorCode')})"

    @classmethod
    def advice(cls, status: int, text: str) -> str:
        if status == 401 or text.endswith(f"(ErrorCode {BAD_TOKEN})"):
            return (f"the token in {cls.key_variable} is wrong or revoked: copy the Server API token (the server → "
                    "API Tokens) and set it")
        return super().advice(status, text)

    def account(self) -> tuple[list[str], list[PlanStep]]:
        server = self.client.request("GET", "/server")
        return [f"server {server['Name']} ({server['ID']})"], []

    def plan_send(self, send: ExportedSend, options: Options, ledger: Ledger) -> list[PlanStep]:
        wanted = next(doc for doc in send.documents.values() if isinstance(doc, dict) and "Alias" in doc)
        alias = wanted["Alias"]
        details = (f"audience: {send.audience} → template {alias} in routing.json, sent by your loop",
                   f"subject: “{shortened(wanted.get('Subject', ''), QUOTE_LIMIT)}”",
                   f"sender: {self.settings.sender.name} <{self.settings.sender.email}>; unsubscribe: "
                   f"{{{{{{ pm:unsubscribe }}}}}} on the Broadcast stream",
                   "schedule: none (Postmark has no scheduled sends: your loop sends at the send time)")
        if options.schedule is not None:
            return [PlanStep(send.locale, "refuse", KIND, alias, details, reason=f"{self.title} has no scheduled sends: "
                             "publish without --schedule, then run the routing loop of docs/export.md at the send time")]
        remote = self._find(alias)
        if remote is None:
            step = PlanStep(send.locale, "create", KIND, alias, details, run=lambda _: self._create(wanted),
                            find=lambda: self._find(alias))
        else:
            changed = [part for part in COMPARED if remote.fields.get(part) != wanted.get(part)]
            step = self.update_or_keep(send, KIND, details, remote, changed, lambda _: self._update(remote, wanted),
                                       alias, "already as exported")
        return [step, *self.test_steps(send, KIND, options, self._send_test)]

    def _find(self, alias: str) -> RemoteObject | None:
        try:
            body = self.client.request("GET", f"/templates/{alias}")
        except ApiError as error:
            if error.status == 422 and f"(ErrorCode {NOT_FOUND})" in str(error):
                return None
            raise
        return RemoteObject(KIND, alias, str(body.get("TemplateID")), "active" if body.get("Active") else "inactive",
                            None, body)

    def _create(self, wanted: dict) -> RemoteObject:
        body = self.client.request("POST", "/templates", json=wanted)
        return RemoteObject(KIND, wanted["Alias"], str(body.get("TemplateId")), "active")

    def _update(self, remote: RemoteObject, wanted: dict) -> RemoteObject:
        # the definition's EditTemplateRequest requires TemplateId in the body as well as in the path
        body = self.client.request("PUT", f"/templates/{remote.name}", json={**wanted, "TemplateId": int(remote.id)})
        return RemoteObject(KIND, remote.name, str(body.get("TemplateId", remote.id)), "active")

    def _send_test(self, remote: RemoteObject, addresses: tuple[str, ...]) -> RemoteObject:
        sender = self.settings.sender
        ids = []
        for address in addresses:  # one message each: To holds one address in the definition
            answer = self.client.request("POST", "/email/withTemplate", json={
                "From": sender.email, "To": address, "ReplyTo": sender.reply_to or sender.email,
                "TemplateId": int(remote.id), "TemplateAlias": remote.name, "TemplateModel": {"first_name": "Alex"},
                "Tag": f"{remote.name}-proof", "MessageStream": STREAM})
            ids.append(str(answer.get("MessageID")))
        return RemoteObject(TEST, remote.name, ", ".join(ids), f"sent to {len(addresses)}")
