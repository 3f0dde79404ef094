"""A stateful stand-in of Mailgun's API for the operations `newsletter publish --provider mailgun` uses, behind
Prism (tests/api_harness.py), which holds it to Mailgun's OpenAPI definition.

What it does beyond the definition follows Mailgun's documentation: HTTP Basic with the user `api` and the key,
else 401 (https://documentation.mailgun.com/docs/mailgun/api-reference/authentication/), in the body the
definition gives the operation; a message
accepted is logged as an `accepted` event carrying its tags and user variables (`v:` fields), and the events
API filters by event and tag (https://documentation.mailgun.com/docs/mailgun/api-reference/send/mailgun/events),
and can lag behind the messages accepted (`events_lag`: events "follow different routes to the event storage" and
may not be retrievable yet, https://documentation.mailgun.com/docs/mailgun/user-manual/events/event-polling);
a delivery time (o:deliverytime, RFC 2822) more than 7 days ahead is refused (the definition's o:deliverytime:
"Depending on your plan, you can schedule messages up to 3 or 7 days in advance").
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import itertools

from tests.api_harness import Answer, StandIn

KEY = "key-standin0123456789abcdefghijklmn"
DOMAIN = "mg.example.com"  # the sample project's lists are on it
LISTS = [f"newsletter-{name}@{DOMAIN}" for name in ("en", "es", "fr", "de", "ar", "zh", "other")]


def error(status: int, message: str) -> Answer:
    return Answer(status, {"message": message})


class MailgunStandIn(StandIn):
    def reset_state(self) -> None:
        self.lists = {address: {"address": address, "name": address.split("@")[0], "access_level": "readonly",
                                "reply_preference": "list", "created_at": "Mon, 02 Nov 2026 10:00:00 -0000",
                                "members_count": 120} for address in LISTS}
        self.unsubscribe_tracking = True
        self.messages: list[dict] = []  # every message accepted: its form fields, id, time
        self.events_lag = False  # True: accepted messages are not among the events yet (Mailgun's events lag)
        self.ids = itertools.count(1)

    def add_sent(self, tag: str) -> dict:
        """A message of this tag Mailgun accepted last month (sent, its delivery time past)."""
        return self._accept({"from": ["Northside Plastic Surgery <newsletter@example.com>"], "to": [LISTS[2]],
                             "o:tag": [tag], "subject": ["last month's words"],
                             "v:newsletter-send-at": ["2026-11-01T08:00:00Z"]})

    def handle(self, method, path, query, headers, body) -> Answer:
        if headers.get("Authorization") != "Basic " + base64.b64encode(f"api:{KEY}".encode()).decode():
            # as the definition gives each: the messages endpoint a bare string, the others {"message": …}
            return Answer(401, "Forbidden") if path.endswith("/messages") else error(401, "Invalid private key")
        parts = path.strip("/").split("/")
        if method == "GET" and parts[:2] == ["v3", "domains"] and parts[3:] == ["tracking"]:
            if parts[2] != DOMAIN:
                return error(404, "Domain not found")
            return Answer(200, {"tracking": {"open": {"active": False, "place_at_the_top": False}, "click": {"active": False},
                                             "unsubscribe": {"active": self.unsubscribe_tracking,
                                                             "html_footer": "\n<br>\n<p><a href=\"%unsubscribe_url%\">unsubscribe</a></p>\n",
                                                             "text_footer": "\n\nTo unsubscribe click: <%unsubscribe_url%>\n\n"},
                                             "web_scheme": "https"}})
        if method == "GET" and parts[:2] == ["v3", "lists"] and len(parts) == 3:
            found = self.lists.get(parts[2])
            return Answer(200, {"list": found}) if found else error(404, "Mailing list not found")
        if parts[0] == "v3" and len(parts) == 3 and parts[1] == DOMAIN:
            if parts[2] == "messages" and method == "POST":
                return self._message(body)
            if parts[2] == "events" and method == "GET":
                return self._events(query)
        return error(404, "Not found")

    def _message(self, fields: dict) -> Answer:
        for required in ("from", "to", "subject"):
            if not fields.get(required):
                return error(400, f"{required} parameter is missing")
        if "o:deliverytime" in fields:
            when = email.utils.parsedate_to_datetime(fields["o:deliverytime"][0])
            if when - dt.datetime.now(dt.timezone.utc) > dt.timedelta(days=7):
                return error(400, "'o:deliverytime' parameter is out of range: a message can be scheduled up to 7 days ahead")
        message = self._accept(fields)
        return Answer(200, {"id": f"<{message['id']}>", "message": "Queued. Thank you."})

    def _accept(self, fields: dict) -> dict:
        message = {"id": f"2026120{next(self.ids):04d}.standin@{DOMAIN}", "fields": fields,
                   "timestamp": dt.datetime.now(dt.timezone.utc).timestamp()}
        self.messages.append(message)
        return message

    def _events(self, query: dict) -> Answer:
        tag = query.get("tags", [None])[0]
        items = [{"id": f"event-{n}", "event": "accepted", "timestamp": message["timestamp"], "log-level": "info",
                  "flags": {"is-test-mode": False}, "tags": message["fields"].get("o:tag", []),
                  "user-variables": {key[2:]: values[0] for key, values in message["fields"].items() if key.startswith("v:")},
                  "message": {"headers": {"message-id": message["id"], "from": message["fields"].get("from", [""])[0],
                                          "to": ", ".join(message["fields"]["to"]),
                                          "subject": message["fields"]["subject"][0]},
                              "attachments": [], "size": sum(len(v) for vs in message["fields"].values() for v in vs),
                              **({"scheduled-for": message["fields"]["o:deliverytime"][0]}
                                 if "o:deliverytime" in message["fields"] else {})}}
                 for n, message in enumerate(self.messages)
                 if not self.events_lag and query.get("event", ["accepted"])[0] == "accepted" and (tag is None or tag in message["fields"].get("o:tag", []))]
        return Answer(200, {"items": items[:int(query.get("limit", ["100"])[0])], "paging": {}})
