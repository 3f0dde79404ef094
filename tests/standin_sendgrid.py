"""A stateful stand-in of SendGrid's v3 API for the operations `newsletter publish` uses, behind Prism
(tests/api_harness.py), which holds it to tests/openapi/sendgrid.yaml.

What it does beyond the definition follows SendGrid's documentation: a Bearer key or 401
(https://www.twilio.com/docs/sendgrid/api-reference/how-to-use-the-sendgrid-v3-api/authentication);
scheduling needs a sender, an unsubscribe group or URL, and recipients
(https://www.twilio.com/docs/sendgrid/api-reference/single-sends/schedule-single-send); pages of
Single Sends through `_metadata.next` with a page_token.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

from tests.api_harness import Answer, StandIn

KEY = "SG.standin-key.0123456789abcdefghijklmnopqrstuvwxyz"
SENDER_EMAIL = "newsletter@example.com"  # the sample project's sender.email


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
        self.groups = [{"id": 77, "name": "Newsletter", "description": "The monthly newsletter", "is_default": True,
                        "unsubscribes": 0}]
        self.sends: dict[str, dict] = {}
        self.ids = (str(uuid.UUID(int=n)) for n in itertools.count(1))

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
