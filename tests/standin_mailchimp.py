"""A stateful stand-in of Mailchimp's Marketing API (3.0) for the operations `newsletter publish` uses, behind
Prism (tests/api_harness.py), which holds it to tests/openapi/mailchimp.yaml.

What it does beyond the definition follows Mailchimp's documentation: HTTP Basic with the key as password,
else 401 "API Key Invalid" (https://mailchimp.com/developer/marketing/docs/fundamentals/#api-structure,
https://mailchimp.com/developer/marketing/docs/errors/); errors as problem detail documents; a campaign is
updated, tested and scheduled only while its status is "save"; it is scheduled only on the quarter-hour and
only once its content is set (https://mailchimp.com/developer/marketing/api/campaigns/schedule-campaign/);
pages of campaigns, group categories and groups by `count` and `offset`
(https://mailchimp.com/developer/marketing/api/interest-categories/, …/interests/).
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools

from tests.api_harness import Answer, StandIn

KEY = "0123456789abcdef0123456789abcdef-us6"
LIST_ID = "a1b2c3d4e5"  # the sample project's audience.mailchimp.list_id
LANGUAGE_GROUP = "9b1f3c2d7e"  # the sample project's audience.mailchimp.language_group
INTERESTS = {"4e0c2a1b01": "English", "4e0c2a1b02": "Español", "4e0c2a1b03": "Français", "4e0c2a1b04": "Deutsch",
             "4e0c2a1b05": "العربية", "4e0c2a1b06": "简体中文", "4e0c2a1b07": "Other"}  # …its interests, by id
PROBLEM = {"Content-Type": "application/problem+json"}


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def error(status: int, title: str, detail: str, errors: list | None = None) -> Answer:
    body = {"type": "https://mailchimp.com/developer/marketing/docs/errors/", "title": title, "status": status,
            "detail": detail, "instance": "00000000-0000-0000-0000-000000000000"}
    return Answer(status, {**body, **({"errors": errors} if errors else {})}, PROBLEM)


class MailchimpStandIn(StandIn):
    def reset_state(self) -> None:
        self.lists = {LIST_ID: {"id": LIST_ID, "name": "Northside patients",
                                "campaign_defaults": {"from_name": "Northside Plastic Surgery",
                                                      "from_email": "newsletter@example.com", "subject": "",
                                                      "language": "en"}}}
        # the audience's group categories (interest categories), each with its groups (interests)
        self.categories = {LANGUAGE_GROUP: {"list_id": LIST_ID, "id": LANGUAGE_GROUP, "title": "Language",
                                            "display_order": 0, "type": "radio"}}
        self.interests = {LANGUAGE_GROUP: [{"category_id": LANGUAGE_GROUP, "list_id": LIST_ID, "id": interest,
                                            "name": name, "subscriber_count": "0", "display_order": n}
                                           for n, (interest, name) in enumerate(INTERESTS.items())]}
        self.campaigns: dict[str, dict] = {}
        self.contents: dict[str, dict] = {}
        self.tests: list[tuple[str, list[str]]] = []
        self.ids = (f"{n:010x}" for n in itertools.count(0xC0FFEE))

    def add(self, title: str, status: str = "save", **settings) -> dict:
        """A campaign already in the account (made in Mailchimp's UI, or sent last month)."""
        campaign = self._new({"type": "regular", "recipients": {"list_id": LIST_ID},
                              "settings": {"title": title, **settings}})
        campaign["status"] = status
        if status != "save":
            campaign["send_time"] = "2026-11-01T08:00:00+00:00"
        return campaign

    def handle(self, method, path, query, headers, body) -> Answer:
        scheme, _, encoded = (headers.get("Authorization") or "").partition(" ")
        try:
            password = base64.b64decode(encoded).decode().partition(":")[2] if scheme == "Basic" else ""
        except ValueError:
            password = ""
        if password != KEY:
            return error(401, "API Key Invalid", "Your API key may be invalid, or you've attempted to access the wrong "
                         "datacenter.")
        parts = path.strip("/").split("/")[1:]  # after 3.0
        if parts[:1] == ["lists"] and len(parts) == 2 and method == "GET":
            found = self.lists.get(parts[1])
            return Answer(200, found) if found else self._missing()
        if parts[:1] == ["lists"] and parts[2:3] == ["interest-categories"] and method == "GET":
            return self._groups(parts[1], parts[3:], query)
        if parts == ["campaigns"]:
            return self._list(query) if method == "GET" else Answer(200, self._new(body))
        if parts[:1] != ["campaigns"] or parts[1] not in self.campaigns:
            return self._missing()
        campaign, rest = self.campaigns[parts[1]], parts[2:]
        if rest == [] and method == "GET":
            return Answer(200, campaign)
        if rest == ["content"] and method == "GET":
            return Answer(200, self.contents[campaign["id"]])
        if campaign["status"] != "save":
            return error(400, "Invalid Resource", f"This campaign is {campaign['status']}: it cannot be changed.")
        if rest == [] and method == "PATCH":
            campaign["recipients"] = {**campaign["recipients"], **body.get("recipients", {})}
            campaign["settings"] = {**campaign["settings"], **body["settings"]}
            return Answer(200, campaign)
        if rest == ["content"] and method == "PUT":
            self.contents[campaign["id"]] = {"html": body.get("html", ""), "plain_text": body.get("plain_text", "")}
            return Answer(200, self.contents[campaign["id"]])
        if rest == ["actions", "test"] and method == "POST":
            if not self.contents[campaign["id"]]["html"]:
                return error(400, "Invalid Resource", "Your Campaign is not ready to send.")
            self.tests.append((campaign["id"], body["test_emails"]))
            return Answer(204)
        if rest == ["actions", "schedule"] and method == "POST":
            return self._schedule(campaign, body)
        return self._missing()

    def _groups(self, list_id: str, rest: list[str], query: dict) -> Answer:
        """GET …/interest-categories and …/interest-categories/{id}/interests, a page by `count` and `offset`."""
        if list_id not in self.lists or (rest and (rest[0] not in self.categories or rest[1:] != ["interests"])):
            return self._missing()
        count, offset = int(query.get("count", ["10"])[0]), int(query.get("offset", ["0"])[0])
        if not rest:
            found = list(self.categories.values())
            return Answer(200, {"list_id": list_id, "categories": found[offset:offset + count], "total_items": len(found)})
        found = self.interests.get(rest[0], [])
        return Answer(200, {"interests": found[offset:offset + count], "list_id": list_id, "category_id": rest[0],
                            "total_items": len(found)})

    def _missing(self) -> Answer:
        return error(404, "Resource Not Found", "The requested resource could not be found.")

    def _new(self, body: dict) -> dict:
        campaign = {"id": next(self.ids), "type": body["type"], "create_time": _now(), "status": "save",
                    "content_type": "html",  # no send_time until it is scheduled: the definition's is a date-time
                    "recipients": {"segment_opts": {}, **body.get("recipients", {})},
                    "settings": {"subject_line": "", "preview_text": "", "title": "", "from_name": "", "reply_to": "",
                                 **body.get("settings", {})}}
        self.campaigns[campaign["id"]] = campaign
        self.contents[campaign["id"]] = {"html": "", "plain_text": ""}
        return campaign

    def _list(self, query: dict) -> Answer:
        count, offset = int(query.get("count", ["10"])[0]), int(query.get("offset", ["0"])[0])
        everything = list(self.campaigns.values())
        return Answer(200, {"campaigns": everything[offset:offset + count], "total_items": len(everything)})

    def _schedule(self, campaign: dict, body: dict) -> Answer:
        when = dt.datetime.fromisoformat(body["schedule_time"].replace("Z", "+00:00"))
        if when.minute % 15 or when.second:
            return error(400, "Invalid Resource", "Campaigns may only be scheduled to send on the quarter-hour "
                         "(:00, :15, :30, :45).")
        settings = campaign["settings"]
        if not (self.contents[campaign["id"]]["html"] and settings["subject_line"] and settings["from_name"]
                and settings["reply_to"]):
            return error(400, "Invalid Resource", "Your Campaign is not ready to send.")
        campaign.update(status="schedule", send_time=body["schedule_time"])
        return Answer(204)
