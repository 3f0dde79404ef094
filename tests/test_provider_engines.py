"""The exports rendered by the providers' own engines for three sample subscribers — with a first
name, without one, and with an apostrophe — asserting what each subscriber reads.

SES and SendGrid: handlebars.js (tests/engines, installed by .ci/install). listmonk: Go's
html/template through tests/engines/listmonk/main.go, which compiles a campaign as listmonk's
CompileTemplate does, with the functions listmonk registers (Safe, UnsubscribeURL, MessageURL…)
and Sprig's `default`. Postmark (Mustachio), Mailchimp and Mailgun have no engine that installs
here: tests/test_providers.py checks their documented forms.
"""

from __future__ import annotations

import json
import os
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import REPO, copy_project, run_newsletter

ENGINES = REPO / "tests" / "engines"
SUBSCRIBERS = [("Maria", "Hello Maria,"), (None, "Hello there,"), ("D'Angelo", "Hello D'Angelo,")]
UNSUBSCRIBE = "https://mail.example.net/unsubscribe?id=42&list=7"
SES_UNSUBSCRIBE = "https://mail.example.net/unsubscribe/42/7"
WEB_VERSION = "https://mail.example.net/view?id=42&issue=2026-11"


class Reading(HTMLParser):
    """What a reader sees in an HTML email: its text, its links, and its comments (Outlook's conditionals)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.text, self.links, self.comments, self.documents, self._in = [], {}, 0, 0, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.documents += tag == "html"
        if tag == "a":
            self._in.append((dict(attrs).get("href"), len(self.text)))

    def handle_endtag(self, tag):
        if tag == "a" and self._in:
            href, start = self._in.pop()
            self.links["".join(self.text[start:]).strip()] = href

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.comments += 1

    @property
    def words(self) -> str:
        return " ".join("".join(self.text).split())


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """The sample issue exported for SES, SendGrid and listmonk, once for this module."""
    project = copy_project(tmp_path_factory.mktemp("engines") / "project")
    for provider in ("ses", "sendgrid", "listmonk"):
        result = run_newsletter("export", "2026-11", "--provider", provider, "--skip-external-checks", cwd=project)
        assert result.returncode == 0, result.stderr
    return project / "dist" / "2026-11"


def handlebars(templates: dict[str, str], data: list[dict]) -> list[dict[str, str]]:
    assert (ENGINES / "node_modules" / "handlebars").is_dir(), "install the engines: npm ci --prefix tests/engines"
    request = json.dumps({"templates": templates, "data": data})
    done = subprocess.run(["node", str(ENGINES / "render_handlebars.js")], input=request,
                          capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def listmonk(campaign: dict, template: str, subscribers: list[dict], scratch: Path) -> list[dict[str, str]]:
    """listmonk's rendering, by `go run` with the standard library only: no module is downloaded."""
    environment = {**os.environ, "GO111MODULE": "off", "GOPROXY": "off", "GOFLAGS": "",
                   "GOCACHE": str(scratch / "gocache"), "GOPATH": str(scratch / "gopath")}
    done = subprocess.run(["go", "run", str(ENGINES / "listmonk" / "main.go")], input=json.dumps(
        {"campaign": campaign, "template": template, "subscribers": subscribers}), env=environment,
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def handlebars_data(first_name: str | None, unsubscribe_tag: str) -> dict:
    data = {"web_version_url": WEB_VERSION, unsubscribe_tag: UNSUBSCRIBE}
    return {**data, "first_name": first_name} if first_name else data


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_ses_templates_rendered_by_handlebars_read_right_for_each_subscriber(exported, locale):
    content = json.loads((exported / "ses" / f"{locale}.json").read_text(encoding="utf-8"))["TemplateContent"]
    source = Reading(content["Html"])
    # SES fills its documented `{{amazonSESUnsubscribeUrl}}` itself; a URL without '&' keeps Handlebars' escaping out of it
    data = [{**handlebars_data(name, "amazonSESUnsubscribeUrl"), "amazonSESUnsubscribeUrl": SES_UNSUBSCRIBE}
            for name, _ in SUBSCRIBERS]
    for (name, greeting), email in zip(SUBSCRIBERS, handlebars(content, data)):
        check_reading(email["Html"], email["Text"], greeting if locale == "en" else None, name, SES_UNSUBSCRIBE)
        assert Reading(email["Html"]).comments == source.comments  # Handlebars keeps HTML comments
        assert "{{" not in email["Subject"] + email["Html"] + email["Text"]


def test_sendgrid_single_send_and_template_rendered_by_handlebars_read_right_for_each_subscriber(exported):
    document = json.loads((exported / "sendgrid" / "en.json").read_text(encoding="utf-8"))
    config, version = document["single_send"]["email_config"], document["version"]
    for templates in ({"Html": config["html_content"], "Text": config["plain_content"], "Subject": config["subject"]},
                      {"Html": version["html_content"], "Text": version["plain_content"], "Subject": version["subject"]}):
        rendered = handlebars(templates, [handlebars_data(name, "unsubscribe") for name, _ in SUBSCRIBERS])
        for (name, greeting), email in zip(SUBSCRIBERS, rendered):
            check_reading(email["Html"], email["Text"], greeting, name)


def check_reading(html: str, text: str, greeting: str | None, name: str | None, unsubscribe: str = UNSUBSCRIBE) -> None:
    """The subscriber reads the greeting with their name (or the fallback), and follows working links."""
    reading = Reading(html)
    if greeting:
        assert greeting in reading.words and greeting in text
    elif name:  # another language: the name is there, as written
        assert name in reading.words and name in text
    hrefs = set(reading.links.values())
    assert unsubscribe in hrefs and WEB_VERSION in hrefs
    assert unsubscribe in text and WEB_VERSION in text
    assert "&#x27;" not in text and "&#39;" not in text and "&amp;" not in text  # the text part is not HTML


def test_listmonk_campaign_rendered_by_go_html_template_reads_right_for_each_subscriber(exported, tmp_path):
    folder = exported / "listmonk"
    campaign = json.loads((folder / "en.json").read_text(encoding="utf-8"))
    template = json.loads((folder / "template.json").read_text(encoding="utf-8"))["body"]
    source = Reading((exported / "en" / "email.html").read_text(encoding="utf-8"))
    subscribers = [{"uuid": f"5ub5cr1b-{index}", "name": name or ""} for index, (name, _) in enumerate(SUBSCRIBERS)]
    rendered = listmonk(campaign, template, subscribers, tmp_path)
    for (_, greeting), subscriber, email in zip(SUBSCRIBERS, subscribers, rendered):
        reading = Reading(email["body"])
        assert greeting in reading.words and greeting in email["altbody"]
        assert "&#39;" not in email["altbody"]  # the plain text is not HTML-escaped
        assert reading.documents == 1  # the campaign's own document, not wrapped in listmonk's default template
        assert reading.comments == source.comments > 30  # every Outlook conditional comment survives html/template
        unsubscribe = f"https://lists.example.com/subscription/c0ffee00-0000-4000-8000-000000000001/{subscriber['uuid']}"
        assert reading.links["Unsubscribe"] == unsubscribe and unsubscribe in email["altbody"]
        assert reading.links["View in browser"].endswith(subscriber["uuid"])
        assert email["subject"] == campaign["subject"]
