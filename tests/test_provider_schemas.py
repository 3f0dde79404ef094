"""Each export's JSON request bodies validated against the provider's published definition of the
endpoint it targets (tests/schemas/, fragments with their source and licence): SendGrid's OpenAPI
(sendgrid-oai), Mailchimp's Swagger, Brevo's swagger_definition, listmonk's docs/swagger; for Postmark
and Mailgun, which publish no machine-readable request definition that could be found, their official
SDKs' request types (postmark.js's CreateTemplateRequest, mailgun.js's MailgunMessageData) written as
JSON Schema field for field.

Validated twice: as published (jsonschema), and closed — every field the export sends must be one
the definition names, which is how a provider that ignores unknown fields still loses a misspelled
one. SES is validated by botocore in tests/test_providers.py; listmonk's field names and types also by
the Go request struct in tests/engines/listmonk (tests/test_provider_engines.py). Mailgun's SDK type
is open (an index signature), so Mailgun is validated as published only; Postmark's class is closed.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import REPO

SCHEMAS = REPO / "tests" / "schemas"

# provider → [(the endpoint, where its body sits in each exported locale file, strict)]
REQUESTS = {
    "sendgrid": [("POST /v3/marketing/singlesends", "single_send", True), ("POST /v3/templates", "template", True),
                 ("POST /v3/templates/{template_id}/versions", "version", True),
                 ("PATCH /v3/templates/{template_id}/versions/{version_id}", "version", True)],
    "mailchimp": [("POST /campaigns", "campaign", True), ("PUT /campaigns/{campaign_id}/content", "content", True)],
    "brevo": [("POST /v3/emailCampaigns", "", False)],  # previewText is newer than the stored definition
    "listmonk": [("POST /api/campaigns", "", False)],  # the published schema omits body and altbody
    "postmark": [("POST /templates", "", True)],
    "mailgun": [("POST /v3/{domain}/messages", "message", False)],  # the SDK's type takes any other field
}


def schema(provider: str, endpoint: str, closed: bool) -> dict:
    found = json.loads((SCHEMAS / f"{provider}.json").read_text(encoding="utf-8"))["schemas"][endpoint]
    return close(copy.deepcopy(found)) if closed else found


def close(node):
    """The schema with every object limited to the properties it names."""
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            close(value)
    elif isinstance(node, list):
        for value in node:
            close(value)
    return node


def validator(provider: str, endpoint: str, closed: bool) -> jsonschema.protocols.Validator:
    found = schema(provider, endpoint, closed)
    # OpenAPI 3.0 / Swagger 2.0 schemas are JSON Schema draft 4; formats (uuid, email, date-time) checked by name
    return jsonschema.Draft4Validator(found, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def exported(cli, project: Path, provider: str) -> dict[str, dict]:
    result = cli("export", "2026-11", "--provider", provider, "--skip-external-checks", cwd=project)
    assert result.returncode == 0, result.stderr
    folder = project / "dist" / "2026-11" / provider
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return {entry["path"]: json.loads((folder / entry["path"]).read_text(encoding="utf-8")) for entry in manifest["files"]}


@pytest.mark.parametrize("provider", REQUESTS)
def test_every_request_body_validates_against_the_providers_published_definition(cli, project, provider):
    files = exported(cli, project, provider)
    locale_files = {name: body for name, body in files.items() if name not in ("template.json", "routing.json")}
    assert len(locale_files) == 6
    for endpoint, key, strict in REQUESTS[provider]:
        for closed in (False, True) if strict else (False,):
            check = validator(provider, endpoint, closed)
            for name, document in locale_files.items():
                body = document[key] if key else document
                errors = [f"{name} {key}: {error.json_path}: {error.message}" for error in check.iter_errors(body)]
                assert errors == [], "\n".join(errors)


def test_listmonk_template_validates_against_its_published_definition(cli, project):
    template = exported(cli, project, "listmonk")["template.json"]
    for closed in (False, True):
        validator("listmonk", "POST /api/templates", closed).validate(template)


@pytest.mark.parametrize(("provider", "endpoint", "broken"), [
    # settings not wrapped in "settings"
    ("mailchimp", "POST /campaigns", {"type": "regular", "recipients": {"list_id": "a1"}, "subject_line": "Hello"}),
    ("mailchimp", "POST /campaigns", {"type": "regular", "recipients": {"list_id": "a1", "segment_opts": {
        "match": "all", "conditions": [{"condition_type": "TextMerge", "field": "LANGUAGE", "op": "equals", "value": "es"}]}}}),
    # an Interests condition takes the list of group ids, not one id
    ("mailchimp", "POST /campaigns", {"type": "regular", "recipients": {"list_id": "a1", "segment_opts": {
        "match": "all", "conditions": [{"condition_type": "Interests", "field": "interests-9b1f3c2d7e",
                                        "op": "interestnotcontains", "value": "4e0c2a1b02"}]}}}),
    ("sendgrid", "POST /v3/marketing/singlesends", {"name": "x", "send_to": {"segment_ids": ["not-a-uuid"]}}),
    ("sendgrid", "POST /v3/templates", {"name": "x", "generation": "handlebars"}),
    ("brevo", "POST /v3/emailCampaigns", {"name": "x", "sender": {"email": "a@b.c"}, "recipients": {"listIds": ["2"]}}),
    ("listmonk", "POST /api/templates", {"name": "x", "type": "page", "body": "{{ template \"content\" . }}"}),
    # a misspelled field, a missing Name, a template type Postmark does not have, an alias of the wrong type
    ("postmark", "POST /templates", {"Name": "x", "HTMLBody": "<p>Hi</p>"}),
    ("postmark", "POST /templates", {"Alias": "x", "HtmlBody": "<p>Hi</p>"}),
    ("postmark", "POST /templates", {"Name": "x", "TemplateType": "standard"}),
    ("postmark", "POST /templates", {"Name": "x", "Alias": 7}),
    # a misspelled body leaves the message with no content; one recipient as a number; a subject as a list
    ("mailgun", "POST /v3/{domain}/messages", {"from": "a@b.c", "to": ["l@b.c"], "subject": "x", "htlm": "<p>Hi</p>"}),
    ("mailgun", "POST /v3/{domain}/messages", {"from": "a@b.c", "to": [7], "html": "<p>Hi</p>"}),
    ("mailgun", "POST /v3/{domain}/messages", {"from": "a@b.c", "subject": ["x"], "text": "Hi"}),
])
def test_the_definitions_refuse_what_the_providers_refuse(provider, endpoint, broken):
    check = validator(provider, endpoint, closed=True)
    assert list(check.iter_errors(broken))


def test_a_sendgrid_template_left_at_the_definitions_default_generation_would_not_run_handlebars(cli, project):
    """SendGrid's definition defaults `generation` to "legacy", which prints {{…}} as written: the export says "dynamic"."""
    generation = schema("sendgrid", "POST /v3/templates", closed=False)["properties"]["generation"]
    assert generation["default"] == "legacy"
    documents = exported(cli, project, "sendgrid").values()
    templates = [document["template"] for document in documents if isinstance(document, dict) and "template" in document]
    assert templates and all(template["generation"] == "dynamic" for template in templates)
