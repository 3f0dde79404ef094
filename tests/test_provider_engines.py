"""What each subscriber reads once the provider sends the export: all eight exports, every locale, four
subscribers — with a first name, without one, with `D'Angelo`, and with a name that is HTML.

Each export is rendered the way its provider renders it at send time:
- SES and SendGrid: handlebars.js (tests/engines, npm). SES with escaping off, as SES runs it: "SES doesn't
  escape HTML content when rendering the HTML template"
  (https://docs.aws.amazon.com/ses/latest/dg/send-personalized-email-advanced.html); SendGrid with
  Handlebars' own escaping (https://www.twilio.com/docs/sendgrid/for-developers/sending-email/using-handlebars).
- listmonk: Go's html/template through tests/engines/listmonk/main.go, with the Sprig functions listmonk
  registers (Debian's golang-github-masterminds-sprig-dev), and subscribers as listmonk v3 stores them: one
  created without a name carries the local part of the address (knadh/listmonk commit 0d74619).
- Mailgun, Postmark, Mailchimp, Brevo and the .eml export: no engine installs here; each has a renderer
  below that follows the provider's documented substitution rules, cited at the renderer — an unset
  variable stays as written where the provider documents that.

What is asserted, per subscriber: the localized greeting with their name (or the fallback, where there is
none or the provider cannot fill one); every "View in browser" link, in the HTML and in the text part, leads
to the issue's page of the subscriber's language in the web archive (a page `newsletter archive` wrote, in
that language); every unsubscribe link is the provider's, present and non-empty; a name holding HTML is
shown as text, never a link; nothing of any template syntax is left.
"""

from __future__ import annotations

import email
import email.policy
import html
import json
import os
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel import Locale

from newsletter.providers.ses import template_data
from tests.conftest import REPO, copy_project, run_newsletter

ENGINES = REPO / "tests" / "engines"
GOCODE = Path("/usr/share/gocode/src")  # Debian's Go library sources (golang-github-masterminds-sprig-dev)
ISSUE = "2026-11"
ARCHIVE = "https://www.example.com/newsletter/"  # links.archive of the sample project
LOCALES = ("en", "es", "fr", "de", "ar", "zh_Hans")
HOSTILE = '<a href="https://x.example/">Maria</a>'
# name as stored (None: none given), the address
SUBSCRIBERS = [("Maria", "m.garcia@example.com"), (None, "jdoe42@example.com"), ("D'Angelo", "dangelo@example.com"),
               (HOSTILE, "hostile@example.com")]
UNSUBSCRIBE = "https://mail.example.net/unsubscribe/42/7"  # what each provider puts for its own unsubscribe construct
DOMAIN_UNSUBSCRIBE = "https://mail.example.net/unsubscribe-from-everything/42"  # Mailgun's domain-wide one
HOSTED_COPY = "https://mail.example.net/hosted-copy/42"  # a provider's own web copy (never reached with links.archive)
RAW = re.compile(r"\{\{|\}\}|\{%|%\}|\*\||\|\*|%recipient\.|%[a-z_]*unsubscribe_url%|\[\[|\]\]")
PLACEHOLDER = re.compile(r"\[\[first_name\|([^\]]*)\]\]")


class Reading(HTMLParser):
    """What a reader sees in an HTML email: its words, and every link (href, text)."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.text, self.links, self._open = [], [], []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open.append((dict(attrs).get("href"), len(self.text)))

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            href, start = self._open.pop()
            self.links.append((href, "".join(self.text[start:]).strip()))

    def handle_data(self, data):
        self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join("".join(self.text).split())


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """The sample project exported for every provider, and its web archive written, once for this module."""
    project = copy_project(tmp_path_factory.mktemp("engines") / "project")
    for provider in ("eml", "mailchimp", "ses", "sendgrid", "postmark", "mailgun", "brevo", "listmonk"):
        result = run_newsletter("export", ISSUE, "--provider", provider, "--skip-external-checks", cwd=project)
        assert result.returncode == 0, result.stderr
    assert run_newsletter("archive", cwd=project).returncode == 0
    return project


def document(project: Path, provider: str, locale: str) -> dict:
    return json.loads((project / "dist" / ISSUE / provider / f"{locale}.json").read_text(encoding="utf-8"))


# --- the providers' engines and documented rules ---------------------------------------------------------------

def handlebars(templates: dict[str, str], data: list[dict], no_escape: bool = False) -> list[dict[str, str]]:
    assert (ENGINES / "node_modules" / "handlebars").is_dir(), "install the engines: npm ci --prefix tests/engines"
    request = json.dumps({"templates": templates, "data": data, "noEscape": no_escape})
    done = subprocess.run(["node", str(ENGINES / "render_handlebars.js")], input=request,
                          capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def listmonk(campaign: dict, template: str, subscribers: list[dict], scratch: Path) -> list[dict[str, str]]:
    """listmonk's rendering, by `go run` in GOPATH mode over Debian's Sprig sources: nothing is downloaded. Sprig
    is imported as listmonk imports it (github.com/Masterminds/sprig/v3); Debian keeps it without the /v3, so a
    scratch GOPATH links the versioned paths to it."""
    assert (GOCODE / "github.com/Masterminds/sprig").is_dir(), "install golang-github-masterminds-sprig-dev"
    for name in ("sprig", "semver"):
        link = scratch / "gopath" / "src" / "github.com" / "Masterminds" / name / "v3"
        if not link.exists():
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(GOCODE / "github.com" / "Masterminds" / name)
    environment = {**os.environ, "GO111MODULE": "off", "GOPROXY": "off", "GOFLAGS": "", "GOCACHE": str(scratch / "gocache"),
                   "GOPATH": f"{scratch / 'gopath'}:{GOCODE.parent}"}
    done = subprocess.run(["go", "run", str(ENGINES / "listmonk" / "main.go")], input=json.dumps(
        {"campaign": campaign, "template": template, "subscribers": subscribers}), env=environment,
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def mailgun(text: str, member_vars: dict[str, str]) -> str:
    """Mailgun's substitution in a message to a mailing list: `%recipient.X%` is the member's var X
    (https://documentation.mailgun.com/docs/mailgun/user-manual/mailing-lists, "template variables"); an unset
    one stays as written (mailgun-php #385; no fallback syntax: mailgun.js #105, #445). The unsubscribe variables
    (https://documentation.mailgun.com/docs/mailgun/user-manual/tracking-messages, "Unsubscribe Variables"):
    %mailing_list_unsubscribe_url% leaves the list, %unsubscribe_url% every message of the domain."""
    text = re.sub(r"%recipient\.([A-Za-z0-9_]+)%", lambda m: member_vars.get(m.group(1), m.group()), text)
    return text.replace("%mailing_list_unsubscribe_url%", UNSUBSCRIBE).replace("%unsubscribe_url%", DOMAIN_UNSUBSCRIBE)


def mustachio(template: str, model: dict, is_html: bool) -> str:
    """Postmark's Mustachio (https://postmarkapp.com/support/article/1077-template-syntax): `{{ x }}` prints x
    HTML-escaped, `{{{ x }}}` as is; `{{#x}}…{{/x}}` shows when x is set, with x as the scope (`{{.}}`), and no
    look-up in parent scopes; `{{^x}}…{{/x}}` when it is not; `{{{ pm:unsubscribe }}}` is Postmark's unsubscribe
    link on broadcast streams (https://postmarkapp.com/support/article/1214-how-do-unsubscribes-work-in-postmark)."""
    model = {**model, "pm:unsubscribe": UNSUBSCRIBE}

    def section(match: re.Match) -> str:
        inverted, name, body = match.group(1) == "^", match.group(2), match.group(3)
        value = model.get(name)
        if inverted:
            return body if not value else ""
        return render(body, value) if value else ""

    def render(text: str, scope) -> str:
        def tag(match: re.Match) -> str:
            raw, name = match.group(1) is not None, (match.group(1) or match.group(2)).strip()
            value = scope if name == "." else (scope.get(name) if isinstance(scope, dict) else None)
            value = "" if value is None else str(value)
            return value if raw or not is_html else html.escape(value)
        return re.sub(r"\{\{\{([^}]*)\}\}\}|\{\{([^#^/{][^}]*)\}\}", tag, text)

    sections = re.sub(r"\{\{([#^])\s*([\w:]+)\s*\}\}(.*?)\{\{/\s*\2\s*\}\}", section, template, flags=re.DOTALL)
    return render(sections, model)


def mailchimp(text: str, fname: str | None, is_html: bool) -> str:
    """Mailchimp's merge tags (https://mailchimp.com/help/all-the-merge-tags-cheat-sheet/): `*|FNAME|*` the
    contact's value, encoded in HTML (only `*|HTML:FNAME|*` prints it raw); `*|UNSUB|*`, `*|ARCHIVE|*`; a
    conditional block `*|IF:FNAME|*…*|ELSE:|*…*|END:IF|*` shows its first part when FNAME is not blank
    (https://mailchimp.com/help/use-conditional-merge-tag-blocks/)."""
    text = re.sub(r"\*\|IF:FNAME\|\*(.*?)\*\|ELSE:\|\*(.*?)\*\|END:IF\|\*",
                  lambda m: m.group(1) if fname else m.group(2), text, flags=re.DOTALL)
    value = html.escape(fname or "") if is_html else (fname or "")
    return text.replace("*|FNAME|*", value).replace("*|UNSUB|*", UNSUBSCRIBE).replace("*|ARCHIVE|*", HOSTED_COPY)


def brevo(text: str, firstname: str | None) -> str:
    """Brevo Template Language (https://help.brevo.com/hc/en-us/articles/4402386448530): `{{ contact.FIRSTNAME }}`
    the contact's attribute, `|default:'…'` shown when it is empty; `{{ unsubscribe }}` and `{{ mirror }}` its own
    links. Brevo's language is Django-style and the value of an attribute is printed escaped in HTML."""
    text = re.sub(r"\{\{ contact\.FIRSTNAME\|default:'([^']*)' \}\}",
                  lambda m: html.escape(firstname) if firstname else m.group(1), text)
    return text.replace("{{ unsubscribe }}", UNSUBSCRIBE).replace("{{ mirror }}", HOSTED_COPY)


def eml(project: Path, locale: str, name: str | None) -> dict[str, str]:
    """The .eml export filled as docs/export.md says the sender that delivers it does: `[[unsubscribe_url]]` its
    unsubscribe link, `[[first_name|fallback]]` the name (HTML-escaped in the HTML part) or the fallback."""
    message = email.message_from_bytes((project / "dist" / ISSUE / "eml" / f"{locale}.eml").read_bytes(),
                                       policy=email.policy.default)
    parts = {part.get_content_type(): part.get_content() for part in message.walk() if part.get_content_maintype() == "text"}

    def fill(text: str, is_html: bool) -> str:
        text = text.replace("[[unsubscribe_url]]", html.escape(UNSUBSCRIBE) if is_html else UNSUBSCRIBE)
        shown = (html.escape(name) if is_html else name) if name else None
        return PLACEHOLDER.sub(lambda m: shown or m.group(1), text)

    return {"Subject": str(message["Subject"]), "Html": fill(parts["text/html"], True),
            "Text": fill(parts["text/plain"], False)}


def rendered(project: Path, provider: str, locale: str, scratch: Path) -> list[dict[str, str]]:
    """Per subscriber, {"Subject", "Html", "Text"} as the provider sends it."""
    if provider == "eml":
        return [eml(project, locale, name) for name, _ in SUBSCRIBERS]
    body = document(project, provider, locale)
    if provider == "ses":
        # SES fills {{amazonSESUnsubscribeUrl}} only for a SendEmail naming a contact list (and topic) in
        # ListManagementOptions (https://docs.aws.amazon.com/ses/latest/dg/sending-email-subscription-management.html)
        routing = json.loads((project / "dist" / ISSUE / "ses" / "routing.json").read_text(encoding="utf-8"))
        assert routing["ListManagementOptions"]["ContactListName"] and routing["ListManagementOptions"]["TopicName"]
        data = [{**template_data(name), "amazonSESUnsubscribeUrl": UNSUBSCRIBE} for name, _ in SUBSCRIBERS]
        return handlebars(body["TemplateContent"], data, no_escape=True)
    if provider == "sendgrid":
        # SendGrid fills {{{unsubscribe}}} only for a send naming an unsubscribe group (sendgrid-php #862,
        # sendgrid-nodejs #1107): the Single Send's email_config.suppression_group_id and the Mail Send request's
        # asm.group_id, both written by the export
        group = body.get("mail_send", {}).get("asm", {}).get("group_id")
        routing = json.loads((project / "dist" / ISSUE / "sendgrid" / "routing.json").read_text(encoding="utf-8"))
        assert isinstance(group, int) and group > 0 and routing["asm"]["group_id"] == group
        assert body["single_send"]["email_config"].get("suppression_group_id") == group
        data = [{"unsubscribe": UNSUBSCRIBE, **({"first_name": name} if name else {})} for name, _ in SUBSCRIBERS]
        config, version = body["single_send"]["email_config"], body["version"]
        single_sends = handlebars({"Subject": config["subject"], "Html": config["html_content"],
                                   "Text": config["plain_content"]}, data)
        templates = handlebars({"Subject": version["subject"], "Html": version["html_content"],
                                "Text": version["plain_content"]}, data)
        assert single_sends == templates  # the Single Send and the Mail Send template read the same
        return single_sends
    if provider == "postmark":
        models = [{"first_name": name} if name else {} for name, _ in SUBSCRIBERS]
        return [{"Subject": mustachio(body["Subject"], model, False), "Html": mustachio(body["HtmlBody"], model, True),
                 "Text": mustachio(body["TextBody"], model, False)} for model in models]
    if provider == "mailgun":
        message = body["message"]
        return [{key: mailgun(message[field], {"first_name": name} if name else {})
                 for key, field in (("Subject", "subject"), ("Html", "html"), ("Text", "text"))} for name, _ in SUBSCRIBERS]
    if provider == "mailchimp":
        content, settings = body["content"], body["campaign"]["settings"]
        return [{"Subject": mailchimp(settings["subject_line"], name, False), "Html": mailchimp(content["html"], name, True),
                 "Text": mailchimp(content["plain_text"], name, False)} for name, _ in SUBSCRIBERS]
    if provider == "brevo":
        return [{"Subject": brevo(body["subject"], name), "Html": brevo(body["htmlContent"], name),
                 "Text": None} for name, _ in SUBSCRIBERS]  # Brevo builds the text version itself
    template = json.loads((project / "dist" / ISSUE / "listmonk" / "template.json").read_text(encoding="utf-8"))["body"]
    subscribers = [{"uuid": f"5ub5cr1b-{index}", "email": address, "name": listmonk_name(name, address)}
                   for index, (name, address) in enumerate(SUBSCRIBERS)]
    return [{"Subject": one["subject"], "Html": one["body"], "Text": one["altbody"]}
            for one in listmonk(body, template, subscribers, scratch)]


def listmonk_name(name: str | None, address: str) -> str:
    """The name listmonk (v3.0.0 and later) stores: the given one, or the address's local part, lower-cased, dots
    as spaces, each word title-cased (internal/subimporter/importer.go, ValidateFields)."""
    if name:
        return name
    return " ".join(word.title() for word in address.split("@")[0].lower().replace(".", " ").split())


# --- what the subscriber reads -----------------------------------------------------------------------------------

def greeting(project: Path, locale: str, name: str | None, provider: str) -> str:
    """The locale's greeting line as the subscriber should read it: with their name, or the fallback. Mailgun
    fills no name (it has no fallback, and an unset variable would print as written): everyone reads the fallback."""
    line = next(line for line in (project / "dist" / ISSUE / locale / "email.txt").read_text(encoding="utf-8").splitlines()
                if PLACEHOLDER.search(line))
    shown = name if name and provider != "mailgun" else None
    if shown and provider == "listmonk":  # listmonk prints .Subscriber.FirstName: the first word over 2 characters
        shown = next((word for word in shown.split(" ") if len(word) > 2), shown)  # models/subscribers.go FirstName
    return PLACEHOLDER.sub(lambda m: shown or m.group(1), line).strip("\u200f\u200e\u202b\u202c")  # the text part's marks and embedding


def count_in_build(project: Path, locale: str, placeholder: str) -> tuple[int, int]:
    """How many links to `placeholder` the built email has: in the HTML part, in the text part."""
    folder = project / "dist" / ISSUE / locale
    return ((folder / "email.html").read_text(encoding="utf-8").count(f'href="{placeholder}"'),
            (folder / "email.txt").read_text(encoding="utf-8").count(placeholder))


def archive_page(project: Path, url: str, locale: str) -> None:
    """The web-version link leads to a page the archive holds, in the subscriber's language."""
    assert url == f"{ARCHIVE}{locale}/{ISSUE}/"
    page = project / "dist" / "archive" / url.removeprefix(ARCHIVE) / "index.html"
    assert page.is_file(), f"{url} is no page of the archive"
    language = re.search(r'<html[^>]* lang="([^"]+)"', page.read_text(encoding="utf-8")).group(1)
    assert language == str(Locale.parse(locale)).replace("_", "-")


def unsubscribe_link(provider: str, index: int) -> str:
    """The unsubscribe link a subscriber gets: listmonk makes its own per campaign and subscriber (cmd/init.go)."""
    if provider == "listmonk":
        return f"https://lists.example.com/subscription/c0ffee00-0000-4000-8000-000000000001/5ub5cr1b-{index}"
    return UNSUBSCRIBE


PROVIDERS = ("eml", "mailchimp", "ses", "sendgrid", "postmark", "mailgun", "brevo", "listmonk")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_subscriber_reads_their_greeting_a_working_web_version_and_unsubscribe(exported, provider, tmp_path):
    web_version = f"{ARCHIVE}{{locale}}/{ISSUE}/"
    for locale in LOCALES:
        (html_views, text_views), (html_unsubscribes, text_unsubscribes) = (
            count_in_build(exported, locale, "[[web_version_url]]"), count_in_build(exported, locale, "[[unsubscribe_url]]"))
        assert html_views == 2 and text_views == 1 and html_unsubscribes >= 1 and text_unsubscribes >= 1
        url = web_version.format(locale=locale)
        archive_page(exported, url, locale)
        for index, ((name, _), read) in enumerate(zip(SUBSCRIBERS, rendered(exported, provider, locale, tmp_path))):
            who, unsubscribe = f"{provider} {locale} {name!r}", unsubscribe_link(provider, index)
            reading = Reading(read["Html"])
            hrefs = [href for href, _ in reading.links]
            expected = greeting(exported, locale, name, provider)
            assert expected in reading.words, f"{who}: no {expected!r} in the HTML"
            assert hrefs.count(url) == html_views, f"{who}: web-version links {hrefs}"
            assert hrefs.count(unsubscribe) == html_unsubscribes, f"{who}: unsubscribe links {hrefs}"
            assert "https://x.example/" not in hrefs, f"{who}: the name became a link"
            if read["Text"] is not None:
                assert expected in read["Text"], f"{who}: no {expected!r} in the text part"
                assert read["Text"].count(url) == text_views and read["Text"].count(unsubscribe) == text_unsubscribes
                assert "&#39;" not in read["Text"] and "&lt;" not in read["Text"], f"{who}: HTML escapes in the text part"
            for part in ("Subject", "Html", "Text"):
                assert not RAW.search(read[part] or ""), f"{who}: {part} keeps {RAW.search(read[part]).group()!r}"


def test_a_listmonk_subscriber_whose_name_is_the_local_part_of_the_address_reads_the_fallback(exported, tmp_path):
    """listmonk v3 stores "Jdoe42" for jdoe42@example.com created without a name (commit 0d74619) and "Maria Garcia"
    for maria.garcia@…: neither is a name the subscriber gave, so both read the fallback; a name of their own shows."""
    body = document(exported, "listmonk", "en")
    template = json.loads((exported / "dist" / ISSUE / "listmonk" / "template.json").read_text(encoding="utf-8"))["body"]
    people = [("Jdoe42", "jdoe42@example.com", "Hello there,"), ("Maria Garcia", "maria.garcia@example.com", "Hello there,"),
              ("Maria Garcia", "mg@example.com", "Hello Maria,"), ("Jo", "jo@example.com", "Hello there,")]
    subscribers = [{"uuid": f"u-{index}", "email": address, "name": name} for index, (name, address, _) in enumerate(people)]
    for (name, _, expected), one in zip(people, listmonk(body, template, subscribers, tmp_path)):
        assert expected in Reading(one["body"]).words and expected in one["altbody"], name
