"""Mailgun's API face: per locale one message to the export's mailing lists (newsletter/providers/mailgun.py),
scheduled by Mailgun itself (`o:deliverytime`), tagged with the send's stable name (`o:tag`).

Mailgun has no drafts and no campaigns: a message is sent (or queued for its delivery time) as soon as
Mailgun accepts it (POST /v3/{domain}/messages). So publish sends the lists' message only with --schedule;
an --apply without it is refused, as it would send at once. Never twice: the id of each message Mailgun
accepted is in the ledger (publish.json) before the next step begins, and a send the ledger holds is left
alone without asking Mailgun; else publish asks Mailgun's events for an accepted message carrying the send's
tag (GET /v3/{domain}/events, event=accepted, tags=…); one found is left alone, scheduled or sent. The ledger
comes first because events lag: they reach Mailgun's event storage by different routes and may not be
retrievable yet (https://documentation.mailgun.com/docs/mailgun/user-manual/events/event-polling, which
polls half an hour behind). Only a message accepted whose answer never arrived depends on the events. The delivery time travels in a user variable of the
message (`v:newsletter-send-at`), which Mailgun returns with its events, so a re-run can say when.
Mailgun keeps events for at least 3 days, and schedules at most 3 or 7 days ahead (by plan): a message
still waiting is always among them. --test-to: Mailgun has no test email, so the proof is a message to
those addresses only, tagged `<name>-proof`, never to a list.
The account gives: each list of the export (GET /v3/lists/{address}), and the domain's unsubscribe
tracking, on, without which %mailing_list_unsubscribe_url% stays as written (GET /v3/domains/{name}/tracking).
Reference: https://documentation.mailgun.com/docs/mailgun/api-reference/ and Mailgun's OpenAPI definition
(https://github.com/mailgun/mailgun-mcp-server, src/openapi.yaml).
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils

from newsletter.delivery.publish.engine import Publisher
from newsletter.delivery.publish.exported import ExportedSend
from newsletter.delivery.publish.http import ApiError
from newsletter.delivery.publish.ledger import Ledger
from newsletter.delivery.publish.plan import Options, PlanStep, RemoteObject, account_refusal, schedule_detail, utc_iso
from newsletter.errors import QUOTE_LIMIT, shortened

KIND = "message"
TEST = "test email"
SEND_AT = "v:newsletter-send-at"  # our user variable: the delivery time, returned with Mailgun's events
LONGEST_AHEAD = dt.timedelta(days=7)  # Mailgun schedules up to 3 or 7 days ahead, by plan
EVENTS_LIMIT = 300  # the events API's largest page; one accepted event is enough


class MailgunPublisher(Publisher):
    name = "mailgun"
    title = "Mailgun"
    key_variable = "MAILGUN_API_KEY"
    url_variable = "MAILGUN_API_URL"  # https://api.eu.mailgun.net for a domain in the EU region
    default_url = "https://api.mailgun.net"
    test_sends = True

    @staticmethod
    def headers(key: str) -> dict[str, str]:
        """HTTP Basic with the user `api` and the key (https://documentation.mailgun.com/docs/mailgun/api-reference/authentication/)."""
        return {"Authorization": "Basic " + base64.b64encode(f"api:{key}".encode()).decode("ascii")}

    @staticmethod
    def error_text(body: object) -> str:
        """Mailgun's errors: {"message": …}, or a bare string ("Forbidden")."""
        if isinstance(body, str):
            return body
        return str(body.get("message") or "") if isinstance(body, dict) else ""

    def account(self) -> tuple[list[str], list[PlanStep]]:
        self.checked: dict[str, PlanStep | None] = {}
        self.lists_found: dict[str, bool] = {}
        return [], []

    def plan_send(self, send: ExportedSend, options: Options, ledger: Ledger) -> list[PlanStep]:
        message = next(doc["message"] for doc in send.documents.values() if isinstance(doc, dict) and "message" in doc)
        lists = [str(address) for address in message["to"]]
        domain = lists[0].rpartition("@")[2]
        details = _details(send, message, lists, options)
        refused = self._domain(domain) or self._lists(send, lists, details)
        if refused:
            return [refused]
        recorded = ledger.recorded(f"{send.locale}/{KIND}", send.name)
        if recorded is not None:
            return [self._left_alone_recorded(send, details, recorded)]
        accepted = self._accepted(domain, send.name)
        if accepted is not None:
            return [self.left_alone(send, KIND, details, accepted, _state(accepted), accepted.send_at)]
        tests = [PlanStep(send.locale, "test", TEST, f"{send.name}-proof", (f"to {', '.join(options.test_to)}",),
                          run=lambda _: self._send_test(domain, send.name, message, options.test_to))
                 ] if options.test_to else []
        if options.schedule is None:
            if options.apply and not options.test_to:
                return [PlanStep(send.locale, "refuse", KIND, send.name, details, reason="Mailgun has no drafts: it sends "
                                 "a message as soon as it accepts it; add --schedule (or --test-to for proofs only)")]
            return tests if options.apply else [PlanStep(send.locale, "create", KIND, send.name, details), *tests]
        if options.schedule - dt.datetime.now(dt.timezone.utc) > LONGEST_AHEAD:
            return [PlanStep(send.locale, "refuse", KIND, send.name, details, reason="Mailgun schedules a message at most "
                             "7 days ahead (3 on some plans): publish it closer to the send")]
        at = email.utils.format_datetime(options.schedule.astimezone(dt.timezone.utc))  # RFC 2822
        fields = [*_fields(message), ("o:deliverytime", at), (SEND_AT, utc_iso(options.schedule))]
        create = PlanStep(send.locale, "create", KIND, send.name, details,
                          run=lambda _: self._send(domain, send.name, fields, utc_iso(options.schedule)),
                          find=lambda: self._accepted(domain, send.name))
        return [*tests, create]

    def _left_alone_recorded(self, send: ExportedSend, details: tuple[str, ...], recorded: RemoteObject) -> PlanStep:
        """A message the ledger says Mailgun accepted: never sent again, even before Mailgun's events show it."""
        when = f" for {recorded.send_at}" if recorded.send_at else ""
        details = (*details[:-1], f"schedule: {recorded.send_at or 'none'} (as recorded in publish.json)")
        return PlanStep(send.locale, "leave", KIND, send.name, details, f"already {_state(recorded)}{when} (Mailgun "
                        f"accepted message {recorded.id}, recorded in publish.json): never sent again", remote=recorded)

    def _domain(self, domain: str) -> PlanStep | None:
        """The sending domain's unsubscribe tracking, read once per domain."""
        if domain not in self.checked:
            try:
                tracking = self.client.request("GET", f"/v3/domains/{domain}/tracking")["tracking"]
            except ApiError as error:
                if error.status != 404:
                    raise
                self.checked[domain] = account_refusal("domain", domain, f"no sending domain {domain} in {self.title}: "
                                                       "add and verify it (Send → Sending → Domains), then run again")
            else:
                self.checked[domain] = None if (tracking.get("unsubscribe") or {}).get("active") else account_refusal(
                    "domain", domain, "unsubscribe tracking is off, so %mailing_list_unsubscribe_url% would stay as "
                    "written: turn it on (Sending → Domain settings → Tracking), then run again")
            return self.checked[domain]
        return None  # refused once already: said once

    def _lists(self, send: ExportedSend, lists: list[str], details: tuple[str, ...]) -> PlanStep | None:
        for address in lists:
            if address not in self.lists_found:
                try:
                    self.client.request("GET", f"/v3/lists/{address}")
                    self.lists_found[address] = True
                except ApiError as error:
                    if error.status != 404:
                        raise
                    self.lists_found[address] = False
        missing = [address for address in lists if not self.lists_found[address]]
        if not missing:
            return None
        return PlanStep(send.locale, "refuse", KIND, send.name, details, reason=f"no mailing list {', '.join(missing)} in "
                        f"{self.title}: create it (Send → Mailing lists) or fix audience.mailgun.lists and export again")

    def _accepted(self, domain: str, name: str) -> RemoteObject | None:
        """The message Mailgun accepted with this tag, if any (its events: at least the last 3 days)."""
        answer = self.client.request("GET", f"/v3/{domain}/events",
                                     params={"event": "accepted", "tags": name, "limit": EVENTS_LIMIT})
        found = [item for item in answer.get("items") or [] if name in (item.get("tags") or [])]
        if not found:
            return None
        headers = (found[0].get("message") or {}).get("headers") or {}
        send_at = (found[0].get("user-variables") or {}).get(SEND_AT.removeprefix("v:"))
        return RemoteObject(KIND, name, str(headers.get("message-id") or found[0].get("id")), "accepted", send_at)

    def _send(self, domain: str, name: str, fields: list[tuple[str, str]], send_at: str | None) -> RemoteObject:
        answer = self.client.request("POST", f"/v3/{domain}/messages", form=fields)
        return RemoteObject(KIND, name, str(answer.get("id")).strip("<>"), "accepted", send_at)

    def _send_test(self, domain: str, name: str, message: dict, addresses: tuple[str, ...]) -> RemoteObject:
        fields = [(key, value) for key, value in _fields(message) if key not in ("to", "o:tag")]
        fields += [("to", address) for address in addresses] + [("o:tag", f"{name}-proof")]
        sent = self._send(domain, f"{name}-proof", fields, None)
        return RemoteObject(TEST, sent.name, sent.id, f"sent to {len(addresses)}")


def _state(accepted: RemoteObject) -> str:
    """An accepted message in words: sent, or scheduled while its delivery time is ahead."""
    sent = not accepted.send_at or accepted.send_at <= utc_iso(dt.datetime.now(dt.timezone.utc))
    return "sent" if sent else "scheduled"


def _fields(message: dict) -> list[tuple[str, str]]:
    """The export's message as form fields: a list (to, o:tag) is one field per value."""
    fields: list[tuple[str, str]] = []
    for key, value in message.items():
        fields += [(key, str(item)) for item in value] if isinstance(value, list) else [(key, str(value))]
    return fields


def _details(send: ExportedSend, message: dict, lists: list[str], options: Options) -> tuple[str, ...]:
    schedule = (f"{schedule_detail(options)} (o:deliverytime)" if options.schedule
                else "schedule: none — Mailgun has no drafts: --apply needs --schedule")
    return (f"audience: {send.audience} → lists {', '.join(lists)}",
            f"subject: “{shortened(message.get('subject', ''), QUOTE_LIMIT)}”",
            f"sender: {message.get('from', '')}, replies to {message.get('h:Reply-To', '')}; "
            "unsubscribe: %mailing_list_unsubscribe_url% (the domain's unsubscribe tracking)",
            schedule)
