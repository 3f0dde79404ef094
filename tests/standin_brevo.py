"""A stateful stand-in of Brevo's API (v3) for the operations `newsletter publish` uses, behind Prism
(tests/api_harness.py), which holds it to tests/openapi/brevo.yaml.

What it does beyond the definition follows Brevo's documentation: the `api-key` header or 401
{"code": "unauthorized"} (https://developers.brevo.com/docs/getting-started#authentication); a campaign is
updated, tested and scheduled only while it is a draft, and a draft given `scheduledAt` is queued
(https://developers.brevo.com/reference/updateemailcampaign); a test goes only to existing contacts
(https://developers.brevo.com/reference/sendtestemail: 400 with the addresses that are not);
pages of campaigns by `limit` and `offset`.
"""

from __future__ import annotations

import datetime as dt
import itertools

from tests.api_harness import Answer, StandIn

KEY = "xkeysib-standin0123456789abcdef0123456789abcdef0123456789abcdef-AbCdEfGhIjKlMnOp"
SENDER_EMAIL = "newsletter@example.com"  # the sample project's sender.email
CONTACTS = ("proof@example.com", "lead@example.com")  # contacts of the account: test emails may go to them


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def error(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"code": code, "message": message})


def _stats() -> dict:
    counts = dict.fromkeys(("uniqueClicks", "clickers", "complaints", "delivered", "sent", "softBounces", "hardBounces",
                            "uniqueViews", "unsubscriptions", "viewed", "trackableViews"), 0)
    return {"globalStats": counts, "campaignStats": [], "mirrorClick": 0, "remaining": 0, "linksStats": {},
            "statsByDomain": {}, "statsByDevice": {}, "statsByBrowser": {}}


class BrevoStandIn(StandIn):
    def reset_state(self) -> None:
        self.senders = [{"id": 1, "name": "Northside Plastic Surgery", "email": SENDER_EMAIL, "active": True}]
        self.campaigns: dict[int, dict] = {}
        self.tests: list[tuple[int, list[str]]] = []
        self.ids = itertools.count(41)

    def add(self, name: str, status: str = "draft", **fields) -> dict:
        """A campaign already in the account (made in Brevo's UI, or sent last month)."""
        campaign = self._new({"name": name, "sender": {"name": "Northside", "email": SENDER_EMAIL}, **fields})
        campaign["status"] = status
        if status != "draft":
            campaign["scheduledAt"] = "2026-11-01T08:00:00.000Z"
        return campaign

    def handle(self, method, path, query, headers, body) -> Answer:
        if headers.get("api-key") != KEY:
            return error(401, "unauthorized", "Key not found")
        parts = path.strip("/").split("/")[1:]  # after v3
        if parts == ["senders"] and method == "GET":
            return Answer(200, {"senders": self.senders})
        if parts == ["emailCampaigns"]:
            if method == "GET":
                return self._list(query)
            return Answer(201, {"id": self._new(body)["id"]})
        if parts[:1] != ["emailCampaigns"] or not parts[1].isdigit() or int(parts[1]) not in self.campaigns:
            return error(404, "document_not_found", "Campaign ID does not exist")
        campaign, rest = self.campaigns[int(parts[1])], parts[2:]
        if rest == [] and method == "GET":
            return Answer(200, campaign)
        if campaign["status"] != "draft":
            return error(400, "invalid_parameter", f"Campaign is {campaign['status']}: it cannot be modified")
        if rest == [] and method == "PUT":
            return self._update(campaign, body)
        if rest == ["sendTest"] and method == "POST":
            unknown = [address for address in body.get("emailTo", []) if address not in CONTACTS]
            if unknown:
                return Answer(400, {"code": 400, "message": "Test email could not be sent to the following email "
                                    "addresses", "unexistingEmails": unknown})
            self.tests.append((campaign["id"], body["emailTo"]))
            campaign["testSent"] = True
            return Answer(204)
        return error(404, "document_not_found", "Campaign ID does not exist")

    def _new(self, body: dict) -> dict:
        campaign = {"id": next(self.ids), "name": body["name"], "subject": body.get("subject", ""), "type": "classic",
                    "status": "draft", "testSent": False, "header": "", "footer": "", "sender": {**body["sender"], "id": 1},
                    "replyTo": body.get("replyTo", SENDER_EMAIL), "toField": "", "htmlContent": body.get("htmlContent", ""),
                    "tag": "", "createdAt": _now(), "modifiedAt": _now(), "mirrorActive": body.get("mirrorActive", False),
                    "recipients": {"lists": list((body.get("recipients") or {}).get("listIds", [])), "exclusionLists": []},
                    "statistics": _stats()}
        self.campaigns[campaign["id"]] = campaign
        return campaign

    def _update(self, campaign: dict, body: dict) -> Answer:
        for key in ("name", "subject", "replyTo", "htmlContent", "mirrorActive"):
            if key in body:
                campaign[key] = body[key]
        if "sender" in body:
            campaign["sender"] = {**body["sender"], "id": 1}
        if "recipients" in body:
            campaign["recipients"]["lists"] = list(body["recipients"].get("listIds", []))
        if "scheduledAt" in body:
            if not (campaign["recipients"]["lists"] and campaign["htmlContent"] and campaign["subject"]):
                return error(400, "invalid_parameter", "Campaign is not ready to be scheduled")
            campaign.update(status="queued", scheduledAt=body["scheduledAt"])
        campaign["modifiedAt"] = _now()
        return Answer(204)

    def _list(self, query: dict) -> Answer:
        limit, offset = int(query.get("limit", ["500"])[0]), int(query.get("offset", ["0"])[0])
        everything = list(self.campaigns.values())
        return Answer(200, {"campaigns": everything[offset:offset + limit], "count": len(everything)})
