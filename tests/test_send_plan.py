"""One send per language, each subscriber in exactly one: the send plan in the export manifest and
each provider's own routing construct, read back the way the provider applies it.

Sample subscribers carry every configured language value, a language the project has no locale
for ("it"), and none. Mailchimp's segment conditions are applied as its definition states them
(https://mailchimp.com/developer/marketing/docs/alternative-schemas/#segment-condition-schemas, Interests:
"Whether the member is a part of one, all, or none of the groups"; a member's interests are "booleans that
describe whether the list member is in that group or not"), a subscriber in their language's group, in "other"
or in none; list-routed providers by list membership; SES and Postmark through routing.json, as the sender's
code uses it.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from newsletter.project import load_settings
from newsletter.providers.mailchimp import Mailchimp, MailchimpAudience, segment
from newsletter.providers.routing import plan_sends
from tests.test_provider_schemas import validator

PROVIDERS = ("eml", "mailchimp", "ses", "sendgrid", "postmark", "mailgun", "brevo", "listmonk")
LIST_KEYS = {"brevo": "lists", "sendgrid": "segments", "listmonk": "lists", "mailgun": "lists"}


def export(cli, project: Path, provider: str, *options: str) -> tuple[dict, dict[str, dict | str]]:
    result = cli("export", "2026-11", "--provider", provider, "--skip-external-checks", *options, cwd=project)
    assert result.returncode == 0, result.stderr
    folder = project / "dist" / "2026-11" / provider
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    files = {entry["path"]: (folder / entry["path"]).read_bytes() for entry in manifest["files"]}
    return manifest, {name: json.loads(data) if name.endswith(".json") else data.decode() for name, data in files.items()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def audience(project: Path) -> dict:
    return yaml.safe_load((project / "newsletter.yaml").read_text(encoding="utf-8"))["audience"]


def subscribers(project: Path) -> list[str | None]:
    """A subscriber for every language value in newsletter.yaml, one with a language we have no locale for, one with none."""
    settings = yaml.safe_load((project / "newsletter.yaml").read_text(encoding="utf-8"))
    values = audience(project).get("values", {})
    return [values.get(locale, locale) for locale in [settings["source_locale"], *settings["target_locales"]]] + ["it", None]


def group_of(project: Path, value: str | None) -> str:
    """The list a subscriber is on: their language's, or "other"."""
    values = {locale: locale for locale in audience(project)["brevo"]["lists"]} | audience(project).get("values", {})
    return next((locale for locale, own in values.items() if own == value and locale != "other"), "other")


def sends_for(provider: str, project: Path, manifest: dict, files: dict, value: str | None) -> list[str]:
    """The locales whose send reaches a subscriber with this language value, by the provider's own construct."""
    plan = manifest["send_plan"]
    if provider == "mailchimp":
        interest = interest_of(project, value)
        return [send["locale"] for send in plan["sends"] if matches(files[f"{send['locale']}.json"]["campaign"], interest)]
    if provider in ("ses", "postmark"):
        routing = files["routing.json"]
        template = routing["templates"].get(as_routed(value), routing["default"])
        key = "TemplateName" if provider == "ses" else "Alias"
        return [name.removesuffix(".json") for name, body in files.items()
                if isinstance(body, dict) and body.get(key) == template]
    if provider in LIST_KEYS:
        list_id = audience(project)[provider][LIST_KEYS[provider]][group_of(project, value)]
        return [send["locale"] for send in plan["sends"] if list_id in recipients(provider, files[f"{send['locale']}.json"])]
    return [send["locale"] for send in plan["sends"] if reads(send["audience"], plan["field"], value)]  # eml: the rule


def as_routed(value: str | None) -> str:
    """A language value as docs/export.md's sender loop looks it up in routing.json: trimmed, lower-case, '-' for '_'."""
    return (value or "").strip().lower().replace("_", "-")


def interest_of(project: Path, value: str | None) -> str | None:
    """A Mailchimp member's group in the language category: their language's, "other" for a language without a
    locale here, none (None) for a subscriber who chose none."""
    return None if value is None else audience(project)["mailchimp"]["interests"][group_of(project, value)]


def matches(campaign: dict, interest: str | None) -> bool:
    """Whether a member in group `interest` (None: in no group) is in the campaign's segment: interestcontains, in
    one of the groups; interestnotcontains, in none of them. No segment: the whole audience."""
    segment = campaign["recipients"].get("segment_opts")
    if not segment:
        return True
    found = []
    for condition in segment["conditions"]:
        assert condition["condition_type"] == "Interests", condition
        inside = interest in condition["value"]
        found.append({"interestcontains": inside, "interestnotcontains": not inside}[condition["op"]])
    return all(found) if segment["match"] == "all" else any(found)


def recipients(provider: str, document: dict) -> list:
    return {"brevo": lambda: document["recipients"]["listIds"],
            "sendgrid": lambda: document["single_send"]["send_to"]["segment_ids"],
            "listmonk": lambda: document["lists"], "mailgun": lambda: document["message"]["to"]}[provider]()


def reads(rule: str, field: str, value: str | None) -> bool:
    """The manifest's audience rule, as a person reads it."""
    if (one := re.fullmatch(rf"{field} is (\S+)", rule)):
        return value == one.group(1)
    none_of = re.fullmatch(rf"{field} is none of (.+) \(or empty\)", rule)
    return value not in none_of.group(1).split(", ")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_language_and_none_reaches_exactly_one_send(cli, project, provider):
    manifest, files = export(cli, project, provider)
    plan = manifest["send_plan"]
    assert plan["shipped"] == ["en", "es", "fr", "de", "ar", "zh_Hans"] and plan["default_locale"] == "en"
    assert [send["name"] for send in plan["sends"]] == [f"newsletter-2026-11-{locale}" for locale in plan["shipped"]]
    for send in plan["sends"]:
        assert all(name in files for name in send["files"])
    for value in subscribers(project):
        reached = sends_for(provider, project, manifest, files, value)
        values = audience(project).get("values", {})
        expected = next((locale for locale in plan["shipped"] if locale != "en" and value == values.get(locale, locale)), "en")
        assert reached == [expected], f"{provider}: a subscriber with language {value!r} gets {reached}"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_language_left_out_of_target_locales_gets_the_default_send(cli, project, provider):
    """de left out of this month's target_locales: German subscribers (and de's list) get the English send."""
    settings_file = project / "newsletter.yaml"
    edit(settings_file, "target_locales: [es, fr, de, ar, zh_Hans]", "target_locales: [es, fr, ar, zh_Hans]")
    manifest, files = export(cli, project, provider)
    assert manifest["send_plan"]["shipped"] == ["en", "es", "fr", "ar", "zh_Hans"]
    for value in ("de", "it", None):
        assert sends_for(provider, project, manifest, files, value) == ["en"]
    assert sends_for(provider, project, manifest, files, "es") == ["es"]


def test_the_send_plan_takes_the_shipped_locales_as_an_input(project):
    """Whatever keeps a locale out of this month's sends (a release gate, --locale) hands its subscribers to the default."""
    settings = load_settings(project)
    plan = plan_sends(settings, "2026-11", ["en", "es", "ar"])
    assert [send.locale for send in plan.sends] == ["en", "es", "ar"]
    assert plan.route("fr").locale == plan.route("zh").locale == plan.route(None).locale == "en"
    assert plan.route("es").locale == "es" and plan.route("ar").locale == "ar"
    assert plan.send_for("en").rule == "LANGUAGE is none of es, ar (or empty)"
    assert [send.locale for group in ("en", "fr", "de", "zh_Hans", "other") for send in plan.route_group(group)] == ["en"] * 5
    assert [send.locale for send in plan.route_group("es")] == ["es"]


def test_a_partial_export_without_the_default_locale_says_who_would_get_nothing(cli, project):
    manifest, _ = export(cli, project, "brevo", "--locale", "es")
    assert [send["locale"] for send in manifest["send_plan"]["sends"]] == ["es"]
    result = cli("export", "2026-11", "--provider", "brevo", "--skip-external-checks", "--locale", "fr", cwd=project)
    assert result.returncode == 0
    assert re.search(r"^warning: .*/dist/2026-11/brevo/: no send for en, the default locale: subscribers whose language is none "
                     r"of es, fr would get nothing — export it too with --locale en$", result.stderr, re.MULTILINE)


def test_the_default_send_is_exported_again_when_the_shipped_languages_change(cli, project):
    """en exported alone goes to everyone; once es ships, the earlier en campaign would reach Spanish subscribers too."""
    export(cli, project, "brevo", "--locale", "en")
    result = cli("export", "2026-11", "--provider", "brevo", "--skip-external-checks", "--locale", "es", cwd=project)
    assert result.returncode == 0
    assert "removed en: its audience (everyone not in another send) was made for other languages than en, es" in result.stderr
    manifest, files = export(cli, project, "brevo", "--locale", "en")
    assert set(files) == {"en.json", "es.json"}
    assert sends_for("brevo", project, manifest, files, "es") == ["es"]


@pytest.mark.parametrize(("old", "new", "anchor", "message"), [
    ("default_locale: en", "default_locale: it", "default_locale: it",
     "audience.default_locale: 'it' is not one of this project's locales — use one of: en, es, fr, de, ar, zh_Hans"),
    ("    zh_Hans: zh\n", "    zh_Hans: zh\n    fr: es\n", "fr: es",
     "audience.values.fr: es and fr both have the value 'es' — "
     "give each locale its own value: a subscriber must get exactly one email"),
    ("language_field: LANGUAGE", "language_field: preferred language", "language_field:",
     "audience.language_field: expected a field name like LANGUAGE, got 'preferred language'"),
    ("ar: 6, zh_Hans: 7, other: 8}", "ar: 6, zh_Hans: 7}", "lists: {en: 2",
     "audience.brevo.lists: no list for 'other' — "
     "add 'other:' with the id of the list or segment of subscribers with no language"),
    ("{en: 1, es: 2,", "{en: 1, xx: 9, es: 2,", "lists: {en: 1, xx",
     "audience.listmonk.lists.xx: unknown locale 'xx' — use a CLDR locale code such as es, fr, de, ar or zh_Hans"),
    ("newsletter-other@mg.example.com", "newsletter-other", "newsletter-other",
     "audience.mailgun.lists.other: expected an email address, got 'newsletter-other'"),
    (" zh_Hans: 4e0c2a1b06,\n                other: 4e0c2a1b07}", " zh_Hans: 4e0c2a1b06}", "interests: {en",
     "audience.mailchimp.interests: no list for 'other' — add 'other:' with the id of the list or segment of "
     "subscribers with no language"),
    ("es: 4e0c2a1b02, fr: 4e0c2a1b03", "es: 4e0c2a1b02, fr: 4e0c2a1b02", "interests: {en",
     "audience.mailchimp.interests: es and fr both have the group '4e0c2a1b02' — give each language its own group: "
     "a subscriber must get exactly one email"),
    ("    unsubscribe_group: 4242", "    unsubscribe_group: default", "unsubscribe_group",
     "audience.sendgrid.unsubscribe_group: expected a whole number, got 'default'"),
])
def test_a_mistake_in_the_audience_section_is_one_located_line(cli, project, old, new, anchor, message):
    settings = project / "newsletter.yaml"
    edit(settings, old, new)
    result = cli("export", "2026-11", "--provider", "eml", "--skip-external-checks", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    expected = rf"^error: newsletter\.yaml:{line_of(settings, anchor)}:\d+: {re.escape(message)}"
    assert re.search(expected, result.stderr, re.MULTILINE), result.stderr
    assert not (project / "dist").exists()


def test_a_list_routed_provider_without_its_audience_lists_stops_the_export(cli, project):
    settings = project / "newsletter.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(re.sub(r"  brevo:\n    lists: .*\n", "", text), encoding="utf-8")
    result = cli("export", "2026-11", "--provider", "brevo", "--skip-external-checks", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: newsletter.yaml:{line_of(settings, 'language_field:')}:3: audience: no audience.brevo section: "
        "Brevo (email campaign JSON) needs to know where each language's subscribers are — "
        "add audience.brevo (see docs/export.md, \"Routing each language\")")
    assert not (project / "dist").exists()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_language_the_release_gate_holds_back_gets_the_default_send(cli, project, provider):
    """Spanish below the gate's minimum this month: not exported, and Spanish subscribers get the English send."""
    edit(project / "newsletter.yaml", "min_translated: 95", "min_translated: 100")
    edit(project / "locales/es/LC_MESSAGES/newsletter.po", 'msgid "Unsubscribe"\nmsgstr "Cancelar la suscripción"',
         'msgid "Unsubscribe"\nmsgstr ""')
    manifest, files = export(cli, project, provider)
    assert manifest["send_plan"]["shipped"] == ["en", "fr", "de", "ar", "zh_Hans"]
    assert not any(name.startswith("es") for name in files)
    for value in (audience(project).get("values", {}).get("es", "es"), "it", None):
        assert sends_for(provider, project, manifest, files, value) == ["en"]
    assert sends_for(provider, project, manifest, files, audience(project).get("values", {}).get("fr", "fr")) == ["fr"]


TEMPLATE_FIELDS = {"ses": ("TemplateName",), "postmark": ("Alias",), "sendgrid": ("template", "name")}


@pytest.mark.parametrize("provider", [*TEMPLATE_FIELDS, "listmonk"])
def test_templates_keep_one_name_per_locale_from_issue_to_issue(cli, project, provider):
    """Postmark allows 100 templates per server and SendGrid 300
    (https://postmarkapp.com/support/article/1054-is-there-a-limit-on-the-number-of-templates-i-can-create,
    https://www.twilio.com/docs/sendgrid/ui/sending-email/how-to-send-an-email-with-dynamic-templates): a template per
    issue and locale fails within a few years. Two issues' exports name the same templates, and the manifest says
    what each issue does to them."""
    (project / "issues" / "2026-12.yaml").write_text(
        (project / "issues" / "2026-11.yaml").read_text(encoding="utf-8").replace("2026-11", "2026-12"), encoding="utf-8")
    names = {}
    for issue in ("2026-11", "2026-12"):
        result = cli("export", issue, "--provider", provider, "--skip-external-checks", cwd=project)
        assert result.returncode == 0, result.stderr
        folder = project / "dist" / issue / provider
        sends = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["send_plan"]["sends"]
        names[issue] = {send["locale"]: send["template"]["name"] for send in sends}
        assert all(send["template"]["each_issue"] for send in sends)
        for send in sends:
            document = json.loads((folder / f"{send['locale']}.json").read_text(encoding="utf-8"))
            if provider in TEMPLATE_FIELDS:
                for key in TEMPLATE_FIELDS[provider]:
                    document = document[key]
                assert document == send["template"]["name"]
    assert names["2026-11"] == names["2026-12"]
    assert len(set(names["2026-11"].values())) == (1 if provider == "listmonk" else 6)
    assert not any("2026" in name for name in names["2026-11"].values())


def test_sendgrid_edits_each_templates_one_version_instead_of_adding_one_each_issue(cli, project):
    """"Each user can have up to 300 versions across all templates"
    (https://www.twilio.com/docs/sendgrid/api-reference/transactional-templates-versions): a new version per locale
    each issue stops the account at its 50th issue. What each issue does to a locale's template is to edit its one
    version, PATCH /v3/templates/{template_id}/versions/{version_id}, with the same body as its creation
    (sendgrid-oai spec/json/tsg_templates_v3.json: both take PostPatchTransactionalTemplateVersion), validated in
    tests/test_provider_schemas.py."""
    manifest, _ = export(cli, project, "sendgrid")
    for send in manifest["send_plan"]["sends"]:
        each_issue = send["template"]["each_issue"]
        assert each_issue.startswith("its one version edited in place: PATCH /v3/templates/{template_id}/versions/"
                                     "{version_id}"), each_issue


SPELLINGS = {"ES": "es", " es ": "es", "Es": "es", "FR": "fr", "zh_Hans": "zh_Hans", "zh-Hans": "zh_Hans", "ZH": "zh_Hans",
             "zh-hans": "zh_Hans", "zh": "zh_Hans", "AR": "ar", "": "en", None: "en", "EN": "en", "en": "en", "It": "en"}


@pytest.mark.parametrize("provider", ["ses", "postmark"])
def test_the_spellings_real_data_holds_reach_exactly_one_send(cli, project, provider):
    """SES and Postmark route in the sender's code, where an exact, case-sensitive look-up sent `ES`, `zh-Hans`
    and `zh_Hans` the English email. routing.json is keyed by the normalized value (its "normalize" says how),
    with every spelling of a locale: its configured value, its code, its language alone."""
    manifest, files = export(cli, project, provider)
    assert "lower" in files["routing.json"]["normalize"]
    for value, locale in SPELLINGS.items():
        assert sends_for(provider, project, manifest, files, value) == [locale], repr(value)


MAILCHIMP_CONDITIONS = 5  # "combine up to 5 conditions" (https://mailchimp.com/help/all-the-segmenting-options/)


def test_mailchimp_routes_seven_locales_with_segments_inside_its_condition_limit(project):
    """Mailchimp combines "up to 5 conditions" in a segment (https://mailchimp.com/help/all-the-segmenting-options/):
    a default send of one `LANGUAGE not <value>` per other locale was at the limit with six locales and broken
    with a seventh. With seven (Portuguese added) every segment validates against Mailchimp's definition of
    POST /campaigns (tests/schemas/mailchimp.json, closed), holds one condition, and every member — in a
    language's group, in "other", in no group — is in exactly one send's segment (conditions applied as
    `matches` above, from Mailchimp's definition of the Interests condition)."""
    settings = load_settings(project)
    found = Mailchimp().audience(settings)
    settings = replace(settings, target_locales=(*settings.target_locales, "pt"))
    interests = {**found.groups, "pt": "4e0c2a1b08"}
    seven = MailchimpAudience(found.location, interests, list_id=found.list_id, language_group=found.language_group)
    plan = plan_sends(settings, "2026-11", settings.locales)
    assert [send.locale for send in plan.sends] == ["en", "es", "fr", "de", "ar", "zh_Hans", "pt"]
    campaigns = {send.locale: {"type": "regular", "recipients": {"list_id": seven.list_id, **segment(send, seven)}}
                 for send in plan.sends}
    check = validator("mailchimp", "POST /campaigns", closed=True)
    for locale, campaign in campaigns.items():
        assert list(check.iter_errors(campaign)) == [], locale
        assert len(campaign["recipients"]["segment_opts"]["conditions"]) <= MAILCHIMP_CONDITIONS, locale
    for group, interest in [*interests.items(), ("no group", None)]:
        reached = [locale for locale, campaign in campaigns.items() if matches(campaign, interest)]
        assert reached == [group if group in campaigns else "en"], (group, reached)
    (alone,) = plan_sends(settings, "2026-11", ["en"]).sends
    assert segment(alone, seven) == {}  # the default locale sent alone: no segment, the whole audience


def test_the_spellings_real_data_holds_reach_one_sendgrid_template_on_the_mail_send_route(cli, project):
    """SendGrid's Mail Send route routes in the sender's code with routing.json, as SES does (docs/export.md):
    every spelling reaches exactly one locale's dynamic template, by the name in that locale's file."""
    _, files = export(cli, project, "sendgrid")
    routing = files["routing.json"]
    by_name = {body["template"]["name"]: name.removesuffix(".json") for name, body in files.items() if "template" in body}
    for value, locale in SPELLINGS.items():
        assert by_name[routing["templates"].get(as_routed(value), routing["default"])] == locale, repr(value)


def test_mailchimp_states_its_audience_as_the_language_groups_its_segments_test(cli, project):
    """Mailchimp routes by the audience's language groups, never by the LANGUAGE field (newsletter/providers/
    mailchimp.py): a manifest and a publish plan saying "LANGUAGE is es" would send marketing to check a field the
    campaign never reads. Each send's stated audience names exactly the groups of its segment condition."""
    manifest, files = export(cli, project, "mailchimp")
    interests = audience(project)["mailchimp"]["interests"]
    for send in manifest["send_plan"]["sends"]:
        condition, = files[f"{send['locale']}.json"]["campaign"]["recipients"]["segment_opts"]["conditions"]
        if (one := re.fullmatch(r"language group (\S+)", send["audience"])):
            assert (condition["op"], condition["value"]) == ("interestcontains", [interests[one.group(1)]])
        else:
            none_of = re.fullmatch(r"in none of the language groups (.+) \(in other, or in none\)", send["audience"])
            assert none_of, send["audience"]
            assert condition["op"] == "interestnotcontains"
            assert condition["value"] == [interests[locale] for locale in none_of.group(1).split(", ")]
