"""A stateful stand-in of listmonk's API for the operations `newsletter publish` uses, behind Prism
(tests/api_harness.py), which holds it to listmonk's own definition (docs/swagger/collections.yaml of
knadh/listmonk). Paths are the definition's, without its server's /api base, as Prism matches them.

What it does beyond the definition follows listmonk's source (https://github.com/knadh/listmonk):
`Authorization: token user:token`, else 403 "invalid API credentials" (internal/auth/auth.go); answers are
{"data": …} and errors {"message": …} (cmd/handlers.go okResp, echo's HTTPError); a campaign is updated
only in draft, paused or scheduled (cmd/campaigns.go canEditCampaign), scheduled only from draft or paused
and only with a send_at (internal/core/campaigns.go UpdateCampaignStatus); a test goes to subscribers of the
account by address (cmd/campaigns.go TestCampaign).
"""

from __future__ import annotations

import datetime as dt
import itertools

from tests.api_harness import Answer, StandIn

USER = "newsletter-publish"
KEY = f"{USER}:Wm0x4KcIu1nHq0StandInTokenAbCdEfGh"
SUBSCRIBERS = ("proof@example.com", "lead@example.com")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def error(status: int, message: str) -> Answer:
    return Answer(status, {"message": message})


class ListmonkStandIn(StandIn):
    def reset_state(self) -> None:
        self.templates: dict[int, dict] = {1: {"id": 1, "name": "Default campaign template", "type": "campaign",
                                               "body": "{{ template \"content\" . }}", "is_default": True}}
        self.lists = {number: f"newsletter {number}" for number in range(1, 8)}  # the sample's audience.listmonk
        self.campaigns: dict[int, dict] = {}
        self.tests: list[tuple[int, list[str]]] = []
        self.ids = itertools.count(11)

    def add(self, name: str, status: str = "draft", **fields) -> dict:
        """A campaign already in the account (made in listmonk's UI, or sent last month)."""
        campaign = self._new({"name": name, "lists": [3], **fields})
        campaign["status"] = status
        if status != "draft":
            campaign["send_at"] = "2026-11-01T08:00:00Z"
        return campaign

    def handle(self, method, path, query, headers, body) -> Answer:
        if headers.get("Authorization") != f"token {KEY}":
            return error(403, "invalid API credentials")
        parts = path.strip("/").split("/")
        if parts == ["lists"]:
            results = [{"id": number, "name": name, "type": "private", "optin": "single", "tags": []}
                       for number, name in self.lists.items()]
            return Answer(200, {"data": {"results": results, "total": len(results), "per_page": 100, "page": 1}})
        if parts == ["templates"]:
            if method == "GET":
                return Answer(200, {"data": [self._template(t, query) for t in self.templates.values()]})
            template = {"id": next(self.ids), "is_default": False, **body}
            self.templates[template["id"]] = template
            return Answer(200, {"data": self._template(template, {})})
        if parts[0] == "templates":
            template = self.templates.get(int(parts[1])) if parts[1].isdigit() else None
            if template is None:
                return error(404, "Template not found")
            template.update(body or {})
            return Answer(200, {"data": self._template(template, {})})
        if parts == ["campaigns"]:
            if method == "GET":
                return self._list(query)
            return Answer(200, {"data": self._written(self._new(body))})
        campaign = self.campaigns.get(int(parts[1])) if parts[1].isdigit() else None
        if campaign is None:
            return error(404, "Campaign not found")
        rest = parts[2:]
        if rest == [] and method == "GET":
            return Answer(200, {"data": self._shown(campaign)})
        if rest == ["test"] and method == "POST":
            unknown = [a for a in body.get("subscribers", []) if a.lower() not in SUBSCRIBERS]
            if unknown or not body.get("subscribers"):
                return error(400, "There are no subscribers to target.")
            self.tests.append((campaign["id"], body["subscribers"]))
            return Answer(200, {"data": True})
        if rest == ["status"] and method == "PUT":
            if campaign["status"] not in ("draft", "paused") or not campaign.get("send_at"):
                return error(400, "Only draft campaigns can be scheduled." if campaign.get("send_at")
                             else "Campaign needs a date to be scheduled.")
            campaign["status"] = body["status"]
            return Answer(200, {"data": self._shown(campaign)})
        if rest == [] and method == "PUT":
            if campaign["status"] not in ("draft", "paused", "scheduled"):
                return error(400, "Cannot update a running or a finished campaign.")
            campaign.update(body, updated_at=_now())
            return Answer(200, {"data": self._written(campaign)})
        return error(404, "Campaign not found")

    @staticmethod
    def _template(template: dict, query: dict) -> dict:
        shown = {**template, "created_at": "2026-10-01T08:00:00Z", "updated_at": "2026-10-01T08:00:00Z"}
        if query.get("no_body") == ["true"]:
            shown.pop("body")
        return shown

    def _new(self, body: dict) -> dict:
        campaign = {"content_type": "richtext", "messenger": "email", "type": "regular", "tags": [], "template_id": 1,
                    "body": "", "altbody": "", "headers": [], "subject": "", "from_email": "", **body,
                    "id": next(self.ids), "uuid": f"5b6f0c2e-0000-4000-8000-{len(self.campaigns):012d}",
                    "status": "draft", "created_at": _now(), "updated_at": _now()}
        self.campaigns[campaign["id"]] = campaign
        return campaign

    def _shown(self, campaign: dict) -> dict:
        """As GET /campaigns/{id} gives it (Campaign): its lists with their names, no send_at while it has none."""
        shown = {key: value for key, value in campaign.items() if value is not None and key != "send_later"}
        shown["lists"] = [{"id": number, "name": f"list {number}"} for number in campaign.get("lists", [])]
        return shown

    @staticmethod
    def _written(campaign: dict) -> dict:
        """As a create or an update answers (CampaignUpdate): the fields written, list ids as numbers."""
        keys = ("name", "subject", "from_email", "content_type", "messenger", "body", "altbody", "headers", "lists",
                "template_id", "tags", "type")
        return {key: campaign[key] for key in keys if key in campaign} | {"id": campaign["id"]}

    def _list(self, query: dict) -> Answer:
        per_page, page = int(query.get("per_page", ["20"])[0]), int(query.get("page", ["1"])[0])
        everything = [self._shown(c) for c in self.campaigns.values()]
        if query.get("no_body") == ["true"]:
            everything = [{k: v for k, v in c.items() if k not in ("body", "altbody")} for c in everything]
        return Answer(200, {"data": {"results": everything[(page - 1) * per_page:page * per_page],
                                     "total": len(everything), "per_page": per_page, "page": page, "query": ""}})
