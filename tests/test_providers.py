"""Each provider's export, parsed and checked: its merge tags where the placeholders were, none
left over, literal template syntax in the content made inert; the SES export validated by
botocore against the real SES v2 service model."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import botocore.session
import pytest
import yaml
from botocore.exceptions import ParamValidationError
from botocore.stub import Stubber

from newsletter.build import BuildReport
from newsletter.delivery.export import build_for_send
from newsletter.delivery.webversion import with_web_version
from newsletter.errors import NewsletterError
from newsletter.project import load_settings
from newsletter.providers import PROVIDERS as ALL_PROVIDERS
from newsletter.providers import provider_named
from newsletter.providers.routing import plan_sends

LOCALES = ("en", "es", "fr", "de", "ar", "zh_Hans")
LEFTOVER = re.compile(r"\[\[[^\]]*\]\]")


class Links(HTMLParser):
    """Every <a href> of an HTML document, with its link text."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href")
            self.links.append((self._href, ""))

    def handle_data(self, data):
        if self._href is not None:
            href, text = self.links[-1]
            self.links[-1] = (href, text + data)

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None


def export(cli, project: Path, provider: str) -> dict[str, dict]:
    """Export the sample issue for `provider`; every locale's JSON document, parsed."""
    result = cli("export", "2026-11", "--provider", provider, "--skip-external-checks", cwd=project)
    assert result.returncode == 0, result.stderr
    folder = project / "dist" / "2026-11" / provider
    return {locale: json.loads((folder / f"{locale}.json").read_text(encoding="utf-8")) for locale in LOCALES}


def href_of(html: str, text: str) -> str:
    """The href of the link whose text is `text` (the English footer and header links)."""
    return next(href for href, label in Links(html).links if label.strip() == text)


ARCHIVE_PAGE = "https://www.example.com/newsletter/{locale}/2026-11/"  # links.archive, then /<locale>/<issue>/
LISTMONK_GREETING = ('{{ if and .Subscriber.FirstName (ne (lower (nospace .Subscriber.Name)) (lower (nospace (replace "." "" '
                     '(index (splitList "@" .Subscriber.Email) 0))))) }}{{ .Subscriber.FirstName%s }}{{ else }}%s{{ end }}')

# provider → (fields holding HTML, fields holding text, unsubscribe tag, web-version link, first-name tag in HTML)
PROVIDERS = {
    "mailchimp": (("content", "html"), ("content", "plain_text"), "*|UNSUB|*", ARCHIVE_PAGE,
                  "*|IF:FNAME|**|FNAME|**|ELSE:|*there*|END:IF|*"),
    "sendgrid": (("single_send", "email_config", "html_content"), ("single_send", "email_config", "plain_content"),
                 "{{{unsubscribe}}}", ARCHIVE_PAGE, "{{#if first_name}}{{first_name}}{{else}}there{{/if}}"),
    # Mustachio: inside {{#first_name}} the scope is the name itself, written {{.}}
    # (https://postmarkapp.com/support/article/1077-template-syntax); {{ first_name }} there prints nothing
    "postmark": (("HtmlBody",), ("TextBody",), "{{{ pm:unsubscribe }}}", ARCHIVE_PAGE,
                 "{{#first_name}}{{.}}{{/first_name}}{{^first_name}}there{{/first_name}}"),
    # no recipient variable: Mailgun prints an unset one as written, and has no fallback syntax
    "mailgun": (("message", "html"), ("message", "text"), "%mailing_list_unsubscribe_url%", ARCHIVE_PAGE, "there"),
    # Brevo's documented form (https://help.brevo.com/hc/en-us/articles/4405381108626)
    "brevo": (("htmlContent",), None, "{{ unsubscribe }}", ARCHIVE_PAGE, "{{ contact.FIRSTNAME|default:'there' }}"),
    "listmonk": (("body",), ("altbody",), "{{ UnsubscribeURL }}", ARCHIVE_PAGE, LISTMONK_GREETING % ("", "there")),
}


def field(document: dict, path: tuple[str, ...]) -> str:
    for key in path:
        document = document[key]
    return document


@pytest.mark.parametrize("provider", PROVIDERS)
def test_each_provider_export_carries_its_own_merge_tags(cli, project, provider):
    html_path, text_path, unsubscribe, web_versions, first_name = PROVIDERS[provider]
    documents = export(cli, project, provider)
    for locale, document in documents.items():
        web_version = web_versions.format(locale=locale)
        html = field(document, html_path)
        assert html.startswith("<!doctype html>") and f'lang="{locale.replace("_", "-")}"' in html
        assert not LEFTOVER.search(json.dumps(document, ensure_ascii=False)), locale
        assert unsubscribe in html and web_version in html
        assert "utm_campaign=2026-11" in html and f"utm_content={locale}" in html
        if text_path:
            text = field(document, text_path)
            assert unsubscribe in text and web_version in text and "utm_campaign=2026-11" in text
    english = field(documents["en"], html_path)
    assert href_of(english, "Unsubscribe") == unsubscribe
    assert href_of(english, "View in browser") == web_versions.format(locale="en")
    assert f"Hello {first_name}," in english


def test_mailgun_export_uses_no_recipient_variable(cli, project):
    """Mailgun leaves a recipient variable a member's vars do not set as written (mailgun-php #385) and has no
    fallback syntax (mailgun.js #105, #445): the export relies on none."""
    documents = export(cli, project, "mailgun")
    for document in documents.values():
        assert "%recipient." not in json.dumps(document, ensure_ascii=False)
    assert documents["en"]["message"]["from"] == "Northside Plastic Surgery <newsletter@example.com>"
    assert documents["en"]["message"]["h:Reply-To"] == "office@example.com"


def test_each_mailgun_message_carries_the_name_docs_export_md_gives_it_as_its_tag(cli, project):
    """docs/export.md names each month's campaign (message) newsletter-<issue>-<locale>; a Mailgun message has no
    name, its tag (o:tag) is what Mailgun's logs and analytics find it by
    (https://documentation.mailgun.com/docs/mailgun/user-manual/tracking-messages/#tagging)."""
    documents = export(cli, project, "mailgun")
    assert {locale: document["message"]["o:tag"] for locale, document in documents.items()} == \
        {locale: f"newsletter-2026-11-{locale}" for locale in documents}


def test_mailgun_export_says_the_unsubscribe_link_needs_the_domains_unsubscribe_tracking(cli, project):
    """https://documentation.mailgun.com/docs/mailgun/user-manual/tracking-messages: the unsubscribe variables are
    replaced only while unsubscribe tracking is on for the domain; %mailing_list_unsubscribe_url% leaves the list,
    %unsubscribe_url% would leave every message of the domain."""
    for document in export(cli, project, "mailgun").values():
        assert "%mailing_list_unsubscribe_url%" in document["message"]["html"]
        assert "%unsubscribe_url%" not in document["message"]["html"] + document["message"]["text"]
        assert any("unsubscribe tracking" in note and "/tracking/unsubscribe" in note for note in document["notes"])


def test_each_sendgrid_single_send_names_the_unsubscribe_group_its_link_leaves(cli, project):
    """SendGrid fills {{{unsubscribe}}} only for a send that names an unsubscribe group (sendgrid-php #862,
    sendgrid-nodejs #1107), and its definition of POST /v3/marketing/singlesends says of
    email_config.suppression_group_id "you must provide this or the `custom_unsubscribe_url`"
    (https://github.com/twilio/sendgrid-oai, spec/yaml/tsg_mc_singlesends_v3.yaml; tests/schemas/sendgrid.json):
    the Single Send carries audience.sendgrid.unsubscribe_group, as the Mail Send route's asm.group_id does."""
    definition = json.loads((Path(__file__).parent / "schemas" / "sendgrid.json").read_text(encoding="utf-8"))
    config = definition["schemas"]["POST /v3/marketing/singlesends"]["properties"]["email_config"]["properties"]
    assert "you must provide this or the `custom_unsubscribe_url`" in config["suppression_group_id"]["description"]
    group = yaml.safe_load((project / "newsletter.yaml").read_text(encoding="utf-8"))["audience"]["sendgrid"]["unsubscribe_group"]
    for locale, document in export(cli, project, "sendgrid").items():
        assert document["single_send"]["email_config"]["suppression_group_id"] == group, locale
        assert document["mail_send"]["asm"]["group_id"] == group, locale


def test_the_postmark_greeting_uses_the_current_scope_inside_its_section(cli, project):
    """Mustachio does not look names up in parent scopes: inside {{#first_name}} only {{.}} prints the name."""
    for document in export(cli, project, "postmark").values():
        for body in (document["HtmlBody"], document["TextBody"]):
            sections = re.findall(r"\{\{#first_name\}\}(.*?)\{\{/first_name\}\}", body)
            assert sections and all(section in ("{{.}}", "{{{.}}}") for section in sections)


def test_the_mailchimp_export_is_a_campaign_body_with_its_settings_wrapped_and_the_senders_from_address(cli, project):
    """POST /campaigns takes {"type", "recipients", "settings": {…}}; Mailchimp's From address is settings.reply_to."""
    settings = yaml.safe_load((project / "newsletter.yaml").read_text(encoding="utf-8"))
    for document in export(cli, project, "mailchimp").values():
        campaign = document["campaign"]
        assert set(campaign) == {"type", "recipients", "settings"} and set(document["content"]) == {"html", "plain_text"}
        assert campaign["settings"]["reply_to"] == settings["sender"]["email"]
        assert campaign["settings"]["from_name"] == settings["sender"]["name"]


def without_archive(project: Path) -> None:
    settings = project / "newsletter.yaml"
    settings.write_text(re.sub(r"\n  archive: .*", "", settings.read_text(encoding="utf-8")), encoding="utf-8")


def test_the_brevo_campaign_turns_on_the_mirror_page_its_web_version_link_points_to(cli, project):
    """Without links.archive, Brevo's own web copy: {{ mirror }}, printed only with mirrorActive."""
    without_archive(project)
    for document in export(cli, project, "brevo").values():
        assert "{{ mirror }}" in document["htmlContent"] and document["mirrorActive"] is True


def test_the_listmonk_campaign_uses_its_own_template_and_keeps_reply_to(cli, project):
    settings = yaml.safe_load((project / "newsletter.yaml").read_text(encoding="utf-8"))
    documents = export(cli, project, "listmonk")
    template = json.loads((project / "dist/2026-11/listmonk/template.json").read_text(encoding="utf-8"))
    assert template == {"name": "newsletter: the campaign's own HTML", "type": "campaign", "body": '{{ template "content" . }}'}
    for document in documents.values():
        assert document["template_id"] == settings["audience"]["listmonk"]["template_id"]
        assert document["headers"] == [{"Reply-To": settings["sender"]["reply_to"]}]
        assert "<!--" not in re.sub(r'\{\{ "<!--.*?-->" \| Safe \}\}', "", document["body"], flags=re.DOTALL)
        assert re.search(r'\{\{ \.Subscriber\.FirstName \| Safe \}\}\{\{ else \}\}[^{]+\{\{ end \}\}', document["altbody"])


@pytest.mark.parametrize("provider", ["eml", "ses", "sendgrid", "postmark", "mailgun"])
def test_a_provider_without_a_web_copy_needs_the_web_archive(cli, project, provider):
    """SES, SendGrid, Postmark and Mailgun host no web version of an email, nor does an .eml: without links.archive
    "View in browser" would lead nowhere, so the export stops with one line saying what to set."""
    without_archive(project)
    result = cli("export", "2026-11", "--provider", provider, "--skip-external-checks", cwd=project)
    assert result.returncode == 1 and not (project / "dist" / "2026-11" / provider).exists()
    title = provider_named(provider).title
    assert result.stderr.splitlines()[-1] == (
        f"error: newsletter.yaml: links.archive: {title} keeps no web copy of the email, so \"View in browser\" needs "
        "the web archive — add under links: archive: https://www.example.com/newsletter/ (the address where newsletter "
        "archive's pages are published)")


@pytest.mark.parametrize("provider", ["mailchimp", "brevo", "listmonk"])
def test_without_the_web_archive_a_provider_links_its_own_web_copy(cli, project, provider):
    without_archive(project)
    tag = {"mailchimp": "*|ARCHIVE|*", "brevo": "{{ mirror }}", "listmonk": "{{ MessageURL }}"}[provider]
    html_path = PROVIDERS[provider][0]
    assert href_of(field(export(cli, project, provider)["en"], html_path), "View in browser") == tag


def sesv2_stubbed():
    """A real botocore SES v2 client (dummy credentials, no network) and its stubber."""
    session = botocore.session.get_session()
    client = session.create_client("sesv2", region_name="us-east-1", aws_access_key_id="testing",
                                   aws_secret_access_key="testing")
    return client, Stubber(client)


def test_ses_export_is_a_valid_create_email_template_request(cli, project):
    documents = export(cli, project, "ses")
    client, stubber = sesv2_stubbed()
    with stubber:
        for document in documents.values():
            stubber.add_response("create_email_template", {}, expected_params=document)
            client.create_email_template(**document)  # botocore validates against the sesv2 model
        stubber.assert_no_pending_responses()
    english = documents["en"]
    assert english["TemplateName"] == "newsletter-en"  # stable: updated each issue, never one more template
    content = english["TemplateContent"]
    assert set(content) == {"Subject", "Html", "Text"}
    assert href_of(content["Html"], "Unsubscribe") == "{{amazonSESUnsubscribeUrl}}"
    assert href_of(content["Html"], "View in browser") == ARCHIVE_PAGE.format(locale="en")
    # SES prints template data unescaped in HTML: the HTML part prints the name the sender escaped (ses.template_data)
    assert "Hello {{#if first_name_html}}{{{first_name_html}}}{{else}}there{{/if}}," in content["Html"]
    assert "Hello {{#if first_name}}{{{first_name}}}{{else}}there{{/if}}," in content["Text"]
    assert not LEFTOVER.search(json.dumps(documents, ensure_ascii=False))


def test_the_ses_send_routing_json_documents_is_a_valid_send_email_with_list_management(cli, project):
    """SES fills {{amazonSESUnsubscribeUrl}} only for a SendEmail naming a contact list in ListManagementOptions
    (https://docs.aws.amazon.com/ses/latest/dg/sending-email-subscription-management.html): routing.json carries
    audience.ses, and docs/export.md's loop passes it; botocore validates the call against the sesv2 model."""
    export(cli, project, "ses")
    routing = json.loads((project / "dist/2026-11/ses/routing.json").read_text(encoding="utf-8"))
    assert routing["ListManagementOptions"] == {"ContactListName": "newsletter", "TopicName": "monthly"}
    request = {"FromEmailAddress": "newsletter@example.com", "Destination": {"ToAddresses": ["maria@example.com"]},
               "Content": {"Template": {"TemplateName": routing["templates"]["es"],
                                        "TemplateData": json.dumps({"first_name": "Maria"})}},
               "ListManagementOptions": routing["ListManagementOptions"]}
    client, stubber = sesv2_stubbed()
    with stubber:
        stubber.add_response("send_email", {"MessageId": "1"}, expected_params=request)
        client.send_email(**request)


def test_the_ses_model_check_refuses_a_request_it_would_reject(cli, project):
    document = export(cli, project, "ses")["en"]
    client, stubber = sesv2_stubbed()
    broken = {"TemplateName": document["TemplateName"], "TemplateContent": {"Subject": 42}}
    with stubber, pytest.raises(ParamValidationError):
        stubber.add_response("create_email_template", {}, expected_params=broken)
        client.create_email_template(**broken)


LITERALS = "Save {{ not a tag }} or *|NOT_A_TAG|* or %recipient.nothing%"
ESCAPED = {  # how each provider writes the literal text so that its template engine prints it as is
    "ses": ("TemplateContent.Subject", "Save \\{{ not a tag }} or *|NOT_A_TAG|* or %recipient.nothing%"),
    "sendgrid": ("single_send.email_config.subject", "Save \\{{ not a tag }} or *|NOT_A_TAG|* or %recipient.nothing%"),
    "listmonk": ("subject", 'Save {{"{{"}} not a tag }} or *|NOT_A_TAG|* or %recipient.nothing%'),
    "postmark": ("Subject", "Save {\u2060{ not a tag }} or *|NOT_A_TAG|* or %recipient.nothing%"),
    "brevo": ("subject", "Save {\u2060{ not a tag }} or *|NOT_A_TAG|* or %recipient.nothing%"),
    "mailchimp": ("campaign.settings.subject_line", "Save {{ not a tag }} or *\u2060|NOT_A_TAG|\u2060* or %recipient.nothing%"),
    "mailgun": ("message.subject", "Save {{ not a tag }} or *|NOT_A_TAG|* or %\u2060recipient.nothing%"),
}


@pytest.mark.parametrize("provider", ESCAPED)
def test_template_syntax_written_in_an_issue_is_not_read_as_a_merge_tag(cli, project, provider):
    issue = project / "issues" / "2026-11.yaml"
    source = issue.read_text(encoding="utf-8")
    issue.write_text(re.sub(r"^subject: .*$", f"subject: '{LITERALS}'", source, count=1, flags=re.MULTILINE),
                     encoding="utf-8")
    path, expected = ESCAPED[provider]
    subject = field(export(cli, project, provider)["en"], tuple(path.split(".")))
    assert subject == expected


@pytest.mark.parametrize("provider", ALL_PROVIDERS)
def test_a_provider_refuses_a_placeholder_it_does_not_know(project, provider):
    settings = load_settings(project)
    built = build_for_send(settings, "2026-11", ["fr"], BuildReport(), external_checks=False)
    email = with_web_version(built.emails[0], settings)  # as the export does first
    email = replace(email, html=email.html.replace("</body>", "[[coupon_code]]</body>"))
    with pytest.raises(NewsletterError) as refused:
        provider_named(provider).files(email, settings, built.issue.date, plan_sends(settings, "2026-11", ["fr"]).send_for("fr"))
    assert str(refused.value) == (f"templates/: 2026-11 fr: unknown placeholder [[coupon_code]] for provider {provider} — "
                                  "use one of: [[unsubscribe_url]], [[web_version_url]], [[first_name]]")


FALLBACK = 'our "dear" {{ reader }}'
FALLBACK_TAGS = {  # provider → (field, the greeting's merge tag with the fallback made safe for its engine)
    "ses": ("TemplateContent.Text", "{{#if first_name}}{{{first_name}}}{{else}}our \"dear\" \\{{ reader }}{{/if}}"),
    "sendgrid": ("single_send.email_config.plain_content",
                 "{{#if first_name}}{{{first_name}}}{{else}}our \"dear\" \\{{ reader }}{{/if}}"),
    "postmark": ("TextBody", "{{#first_name}}{{{.}}}{{/first_name}}{{^first_name}}"
                             "our \"dear\" {\u2060{ reader }}{{/first_name}}"),
    "mailchimp": ("content.plain_text", '*|IF:FNAME|**|FNAME|**|ELSE:|*our "dear" {{ reader }}*|END:IF|*'),
    "listmonk": ("altbody", LISTMONK_GREETING % (" | Safe", 'our "dear" {{"{{"}} reader }}')),
    "brevo": ("htmlContent", "{{ contact.FIRSTNAME|default:'our &#34;dear&#34; {\u2060{ reader }}' }}"),
    "mailgun": ("message.text", 'our "dear" {{ reader }}'),
}


@pytest.mark.parametrize("provider", FALLBACK_TAGS)
def test_a_fallback_with_quotes_and_braces_stays_plain_text_for_the_provider(cli, project, provider):
    for template in ("templates/partials/intro.mjml.j2", "templates/email.txt.j2"):
        path = project / template
        path.write_text(path.read_text(encoding="utf-8").replace('"there"', repr(FALLBACK)), encoding="utf-8")
    path, tag = FALLBACK_TAGS[provider]
    value = field(export(cli, project, provider)["en"], tuple(path.split(".")))
    assert f"Hello {tag}," in value
