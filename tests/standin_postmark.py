"""A stateful stand-in of Postmark's server API for the operations `newsletter publish --provider postmark` uses,
behind Prism (tests/api_harness.py), which holds it to Postmark's definition.

What it does beyond the definition follows Postmark's documentation: the Server API token in
X-Postmark-Server-Token, else 401 with ErrorCode 10; a template it does not have is 422 with ErrorCode 1101;
an alias is one template's (https://postmarkapp.com/developer/api/overview#response-codes,
https://postmarkapp.com/developer/api/overview#error-codes, https://postmarkapp.com/developer/api/templates-api).
"""

from __future__ import annotations

import datetime as dt
import itertools

from tests.api_harness import Answer, StandIn

KEY = "0f6a3c2e-standin-4b1d-9c8e-server-token"


def error(status: int, code: int, message: str) -> Answer:
    return Answer(status, {"ErrorCode": code, "Message": message})


class PostmarkStandIn(StandIn):
    def reset_state(self) -> None:
        self.templates: dict[int, dict] = {}
        self.sent: list[dict] = []  # every /email/withTemplate acted on
        self.ids = itertools.count(1001)

    def handle(self, method, path, query, headers, body) -> Answer:
        if headers.get("X-Postmark-Server-Token") != KEY:
            return error(401, 10, "Request does not contain a valid Server token.")
        parts = path.strip("/").split("/")
        if path == "/server" and method == "GET":
            return Answer(200, {"ID": 7, "Name": "Northside newsletter", "Color": "blue", "ApiTokens": [KEY]})
        if path == "/templates" and method == "POST":
            if self._template(body.get("Alias", "")) is not None:
                return Answer(422, {"Message": f"The alias '{body['Alias']}' is already in use."})
            template = {"TemplateID": next(self.ids), "Active": True, "AssociatedServerId": 7,
                        **{key: body.get(key, "") for key in ("Name", "Alias", "Subject", "HtmlBody", "TextBody")}}
            self.templates[template["TemplateID"]] = template
            return Answer(200, _record(template))
        if parts[0] == "templates" and len(parts) == 2:
            template = self._template(parts[1])
            if template is None:
                return error(422, 1101, "The Template's 'ID' or 'Alias' field was not found.")
            if method == "GET":
                return Answer(200, template)
            if method == "PUT":
                template.update({key: body[key] for key in ("Name", "Alias", "Subject", "HtmlBody", "TextBody") if key in body})
                return Answer(200, _record(template))
        if path == "/email/withTemplate" and method == "POST":
            template = self.templates.get(body.get("TemplateId"))
            if template is None or template["Alias"] != body.get("TemplateAlias"):
                return error(422, 1101, "The Template's 'ID' or 'Alias' field was not found.")
            self.sent.append(body)
            return Answer(200, {"To": body["To"], "SubmittedAt": dt.datetime.now(dt.timezone.utc).isoformat(),
                                "MessageID": f"b7bc2f4a-standin-{len(self.sent):04d}", "ErrorCode": 0, "Message": "OK"})
        return error(422, 0, "Unknown endpoint")  # not one publish uses

    def _template(self, id_or_alias: str) -> dict | None:
        return next((t for t in self.templates.values() if t["Alias"] == id_or_alias or str(t["TemplateID"]) == id_or_alias),
                    None)


def _record(template: dict) -> dict:
    return {"TemplateId": template["TemplateID"], "Name": template["Name"], "Alias": template["Alias"], "Active": True}
