"""A stateful stand-in of SendGrid's v3 API for the operations `newsletter publish` uses, behind Prism
(tests/api_harness.py), which holds it to tests/openapi/sendgrid.yaml.

What it does beyond the definition follows SendGrid's documentation: a Bearer key or 401
(https://www.twilio.com/docs/sendgrid/api-reference/how-to-use-the-sendgrid-v3-api/authentication);
scheduling needs a sender, an unsubscribe group or URL, and recipients
(https://www.twilio.com/docs/sendgrid/api-reference/single-sends/schedule-single-send); pages of
Single Sends through `_metadata.next` with a page_token. Dynamic templates and their versions
(https://www.twilio.com/docs/sendgrid/api-reference/transactional-templates): the first version of a
template is made active; the test email of Marketing Campaigns sends a dynamic template's active version
(https://www.twilio.com/docs/sendgrid/api-reference/send-test-email/send-a-test-marketing-email), so a
template without one is refused here.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

from tests.api_harness import Answer, StandIn

KEY = "SG.standin-key.0123456789abcdefghijklmnopqrstuvwxyz"
SENDER_EMAIL = "newsletter@example.com"  # the sample project's sender.email
UNSUBSCRIBE_GROUP = 4242  # the sample project's audience.sendgrid.unsubscribe_group


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def error(status: int, message: str, field: str | None = None) -> Answer:
    return Answer(status, {"errors": [{"field": field, "message": message}]})


class SendGridStandIn(StandIn):
    page_size_limit = 2  # small pages, so the client's paging is exercised by a handful of Single Sends

    def reset_state(self) -> None:
        self.senders = [{"id": 3001, "nickname": "Newsletter", "from_email": SENDER_EMAIL,
                         "from_name": "Northside Plastic Surgery", "reply_to": "office@example.com",
                         "reply_to_name": "Northside", "address": "1200 Harbor Boulevard", "address2": "Suite 300",
                         "state": "CA", "city": "Springfield", "zip": "90210", "country": "USA",
                         "verified": True, "locked": False}]
        # the account's default group is not the newsletter's: publish must use audience.sendgrid.unsubscribe_group
        self.groups = [{"id": 77, "name": "Account notices", "description": "Billing and account notices",
                        "is_default": True, "unsubscribes": 0},
                       {"id": UNSUBSCRIBE_GROUP, "name": "Newsletter", "description": "The monthly newsletter",
                        "is_default": False, "unsubscribes": 0}]
        self.sends: dict[str, dict] = {}
        self.ids = (str(uuid.UUID(int=n)) for n in itertools.count(1))
        self.templates: dict[str, dict] = {}
        self.tests: list[tuple[str, list[str]]] = []  # (template id, addresses) of each test email sent

    def add(self, name: str, status: str = "draft", **fields) -> dict:
        """A Single Send already in the account (made in SendGrid's UI, or sent last month)."""
        send = self._new({"name": name, **fields})
        send["status"] = status
        if status != "draft":
            send["send_at"] = "2026-11-01T08:00:00Z"
        return send

    def handle(self, method, path, query, headers, body) -> Answer:
        if headers.get("Authorization") != f"Bearer {KEY}":
            return error(401, "authorization required")
        parts = path.strip("/").split("/")
        if path == "/v3/verified_senders" and method == "GET":
            return Answer(200, {"results": self.senders})
        if path == "/v3/asm/groups" and method == "GET":
            return Answer(200, self.groups)
        if path == "/v3/marketing/singlesends":
            return self._list(query) if method == "GET" else Answer(201, self._new(body))
        if parts[:2] == ["v3", "templates"]:
            return self._templates(method, parts[2:], query, body)
        if path == "/v3/marketing/test/send_email" and method == "POST":
            return self._test(body)
        if parts[:3] == ["v3", "marketing", "singlesends"] and len(parts) >= 4:
            send = self.sends.get(parts[3])
            if send is None:
                return error(404, "resource not found")
            if len(parts) == 5 and parts[4] == "schedule" and method == "PUT":
                return self._schedule(send, body)
            if method == "GET":
                return Answer(200, send)
            if method == "PATCH":
                if send["status"] != "draft":
                    return error(400, "You cannot update a Single Send that has been scheduled or sent.", "status")
                send.update({key: body[key] for key in ("name", "send_to") if key in body})
                send["email_config"] = {**send["email_config"], **body.get("email_config", {})}
                send["updated_at"] = _now()
                return Answer(202, send)
        return error(404, "resource not found")

    def _new(self, body: dict) -> dict:
        config = {"subject": "", "html_content": "", "plain_content": "", "generate_plain_content": True,
                  "editor": "code", "suppression_group_id": None, "custom_unsubscribe_url": None, "sender_id": None,
                  "ip_pool": None, **(body.get("email_config") or {})}
        send = {"id": next(self.ids), "name": body["name"], "status": "draft", "categories": body.get("categories", []),
                "send_at": None, "send_to": {"list_ids": [], "segment_ids": [], "all": False, **(body.get("send_to") or {})},
                "created_at": _now(), "updated_at": _now(), "email_config": config}
        self.sends[send["id"]] = send
        return send

    def _list(self, query: dict) -> Answer:
        size = min(int(query.get("page_size", ["100"])[0]), self.page_size_limit)
        start = int(query.get("page_token", ["0"])[0])
        everything = list(self.sends.values())
        page = everything[start:start + size]
        short = [{"id": s["id"], "name": s["name"], "status": s["status"], "categories": s["categories"],
                  **({"send_at": s["send_at"]} if s["send_at"] else {}), "is_abtest": False,
                  "updated_at": s["updated_at"], "created_at": s["created_at"]} for s in page]
        metadata = {"self": f"https://api.sendgrid.com/v3/marketing/singlesends?page_size={size}&page_token={start}",
                    "count": len(everything)}
        if start + size < len(everything):
            metadata["next"] = f"https://api.sendgrid.com/v3/marketing/singlesends?page_size={size}&page_token={start + size}"
        return Answer(200, {"result": short, "_metadata": metadata})

    def _schedule(self, send: dict, body: dict) -> Answer:
        config = send["email_config"]
        if send["status"] != "draft":
            return error(400, "This Single Send has already been scheduled or sent.", "status")
        if config["sender_id"] is None:
            return error(400, "a sender is required", "sender_id")
        if config["suppression_group_id"] is None and not config["custom_unsubscribe_url"]:
            return error(400, "an unsubscribe group or a custom unsubscribe URL is required", "suppression_group_id")
        if not (send["send_to"]["segment_ids"] or send["send_to"]["list_ids"] or send["send_to"]["all"]):
            return error(400, "recipients are required", "send_to")
        send.update(status="scheduled", send_at=body["send_at"], updated_at=_now())
        return Answer(201, {"send_at": body["send_at"], "status": "scheduled"})

    def _templates(self, method: str, rest: list[str], query: dict, body) -> Answer:
        if not rest:
            if method == "POST":
                template = {"id": next(self.ids), "name": body["name"], "generation": body.get("generation", "legacy"),
                            "updated_at": _stamp(), "versions": []}
                self.templates[template["id"]] = template
                return Answer(201, template)
            wanted = query.get("generations", ["legacy"])[0].split(",")
            found = [t for t in self.templates.values() if t["generation"] in wanted]
            lean = [{**t, "versions": [{k: v for k, v in version.items() if k not in ("html_content", "plain_content")}
                                       for version in t["versions"]]} for t in found]
            return Answer(200, {"result": lean, "_metadata": {"count": len(lean)}})
        template = self.templates.get(rest[0])
        if template is None:
            return error(404, "resource not found")
        if len(rest) == 1 and method == "GET":
            return Answer(200, template)
        if rest[1:] == ["versions"] and method == "POST":
            version = {**body, "id": next(self.ids), "template_id": template["id"], "updated_at": _stamp(),
                       "active": 1 if not template["versions"] else body.get("active", 0)}
            if version["active"]:
                for other in template["versions"]:
                    other["active"] = 0
            template["versions"].append(version)
            return Answer(201, version)
        version = next((v for v in template["versions"] if len(rest) == 3 and v["id"] == rest[2]), None)
        if version is None or method != "PATCH":
            return error(404, "resource not found")
        version.update(body, updated_at=_stamp())
        return Answer(200, version)

    def _test(self, body: dict) -> Answer:
        template = self.templates.get(body["template_id"])
        if template is None or template["generation"] != "dynamic":
            return error(400, "the template must be a dynamic template", "template_id")
        if not any(v["active"] for v in template["versions"]):
            return error(400, "the template has no active version", "template_id")
        if not any(s["id"] == body.get("sender_id") for s in self.senders) and "from_address" not in body:
            return error(400, "a sender_id or a from_address is required", "sender_id")
        self.tests.append((template["id"], body["emails"]))
        return Answer(202, {})


def _stamp() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
