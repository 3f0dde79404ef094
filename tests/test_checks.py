"""Pre-send checks: the sample issue passes in every locale; each deliberately broken issue,
catalog, template or setting triggers exactly the finding made for it, asserted by name.

Broken inputs are made in a private copy of the sample project (the `project` fixture). Where the
loader already refuses a broken input (an http:// link, an image without alt, no postal address),
the rendered output is broken another way (a template or settings edit) so that the check itself
is exercised; each test's docstring says so.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import replace
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from newsletter.build import BuildReport, render_issue
from newsletter.checks import checked_emails, run_checks
from newsletter.checks.compliance import unsubscribe_header_problems
from newsletter.checks.mjml import official_cli
from newsletter.model.content import load_issues
from newsletter.project import load_settings
from newsletter.providers.eml import build_message
from tests.support.catalogs import catalog_path, editing_catalog

DATA = Path(__file__).parent / "data" / "checks"
ISSUE = "2026-11"


def check(project: Path, locale: str = "en", external: bool = False):
    """Render the issue in one locale (nothing written) and run the checks, as build and export do."""
    settings = load_settings(project)
    built = render_issue(load_issues(settings, [ISSUE])[0], settings, (locale,), BuildReport())
    return run_checks(built, settings, external=external)


def names(findings) -> Counter:
    return Counter((finding.severity, finding.check) for finding in findings)


def new_findings(project: Path, locale: str = "en") -> Counter:
    """What the broken project reports beyond the unbroken sample (some warnings, e.g. a long
    translated subject, belong to the sample itself). The sample is read in place, never written."""
    if locale not in BASELINE:
        BASELINE[locale] = names(check(SAMPLE, locale).findings)
    return names(check(project, locale).findings) - BASELINE[locale]


SAMPLE = Path(__file__).resolve().parent.parent
BASELINE: dict[str, Counter] = {}


def edit(path: Path, old: str, new: str) -> None:
    """Replace every `old` in a file of the project copy."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}: the sample changed, update this test"
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- the sample passes ---------------------------------------------------------------------------


def test_the_sample_issue_passes_every_check_in_every_locale_with_every_tool(project, cli):
    """`newsletter check` with the official MJML validator (strict) and SpamAssassin on all six locales."""
    result = cli("check", ISSUE, "--format", "json", cwd=project)
    report = json.loads(result.stdout)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert result.returncode == 0 and errors == [], result.stdout
    assert report["skipped"] == [], "Node.js with tools/mjml and SpamAssassin must be installed (bash .ci/install)"
    assert [score["locale"] for score in report["spam"]] == ["en", "es", "fr", "de", "ar", "zh_Hans"]
    low_contrast = [score["locale"] for score in report["spam"]
                    if "HTML_FONT_LOW_CONTRAST" in {rule["name"] for rule in score["rules"]}]
    assert low_contrast == [], "the hidden preheader must not read as near-white text on the light page"
    untranslated = [f for f in report["findings"] if f["check"] == "content.untranslated"]
    assert untranslated == [], "the sample's catalogs are complete: nothing may be left in English"


def test_the_pseudo_locales_pass_too_right_to_left_included(project, cli):
    """en_XA (35% longer) and ar_XB (forced right-to-left) exist to catch layout faults before translators do."""
    result = cli("check", ISSUE, "--locale", "en_XA", "--locale", "ar_XB", cwd=project)
    assert result.returncode == 0, result.stdout
    assert not [line for line in result.stdout.splitlines() if line.startswith("error: ")]


def test_the_official_mjml_validator_accepts_every_locale_of_the_built_sample(project, cli):
    """The pipeline's done-when: `mjml --validate` with validationLevel strict on each built email.mjml."""
    assert cli("build", ISSUE, cwd=project).returncode == 0
    mjml_cli = official_cli(load_settings(project))
    assert mjml_cli is not None, "the official MJML CLI is installed by .ci/install (npm ci --prefix tools/mjml)"
    files = sorted((project / "dist" / ISSUE).glob("*/email.mjml"))
    assert [f.parent.name for f in files] == sorted(["en", "es", "fr", "de", "ar", "zh_Hans"])
    done = subprocess.run([str(mjml_cli), "--validate", *map(str, files), "--config.validationLevel", "strict"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


# --- deliberately broken inputs: exactly the expected finding, by name ----------------------------


def test_an_oversize_body_is_clipped_by_gmail(project):
    issue = project / "issues" / f"{ISSUE}.yaml"
    text = issue.read_text(encoding="utf-8")
    paragraphs = text[text.index("      - heading: What Are Exosomes?"):text.index("      - heading: Legality of Exosomes")]
    edit(issue, "      - heading: Legality of Exosomes", paragraphs.replace("heading: What", "heading: More on what") * 20
         + "      - heading: Legality of Exosomes")
    assert new_findings(project) == {("error", "size.gmail-clip"): 1}
    finding = next(f for f in check(project).findings if f.check == "size.gmail-clip")
    assert finding.message.startswith(f"issues/{ISSUE}.yaml: the HTML is ") and "102 KB" in finding.message


def test_an_image_without_alt_text(project):
    """The loader refuses an image without 'alt:', so the template drops the alt attribute instead."""
    edit(project / "templates/partials/article.mjml.j2", ' alt="{{ image.alt.value }}"', "")
    assert new_findings(project) == {("error", "a11y.image-alt"): 1}
    finding = next(f for f in check(project).findings if f.check == "a11y.image-alt")
    assert re.match(rf"issues/{ISSUE}\.yaml:\d+: image 'https://www\.example\.com/images/", finding.message)


def test_a_missing_consultation_link(project):
    """The call to action is edited out of the template: no link to the consultation page is left."""
    cta = project / "templates/partials/cta.mjml.j2"
    edit(cta, "link(links.consultation,", "link(links.faq,")
    edit(cta, '        <mj-button href="{{ track(links.consultation) }}"', '        <mj-button href="{{ track(links.faq) }}"')
    assert new_findings(project) == {("error", "links.cta-consultation"): 1}
    finding = next(f for f in check(project).findings if f.check == "links.cta-consultation")
    assert finding.message.startswith("newsletter.yaml:")
    assert "https://www.example.com/schedule-a-consultation/" in finding.message


def test_a_localized_call_to_action_must_point_to_the_locale_page(project):
    """Spanish readers get the Spanish consultation page (links.overrides.es); a template that
    hard-codes the default page is caught."""
    edit(project / "templates/partials/cta.mjml.j2", "track(links.consultation)",
         "track('https://www.example.com/schedule-a-consultation/')")
    edit(project / "templates/partials/cta.mjml.j2", "link(links.consultation,", "link(links.faq,")
    findings = [f for f in check(project, "es").findings if f.check == "links.cta-consultation"]
    assert len(findings) == 1 and "default page" in findings[0].message
    assert findings[0].message.startswith(f"newsletter.yaml:{_line_of(project / 'newsletter.yaml', 'es/agendar-consulta')}: ")
    assert "https://www.example.com/es/agendar-consulta/" in findings[0].message


def test_an_http_link(project):
    """The loader refuses http:// in an issue and in newsletter.yaml, so the header template
    hard-codes one (the way a hand edit of a template could)."""
    edit(project / "templates/partials/header.mjml.j2", "{{ track(brand.website) }}", "http://www.example.com/")
    assert new_findings(project) == {("error", "links.scheme"): 1}
    finding = next(f for f in check(project).findings if f.check == "links.scheme")
    assert finding.message.startswith("templates/partials/header.mjml.j2:") and "'http://www.example.com/'" in finding.message


def test_a_missing_postal_address(project):
    """newsletter.yaml requires postal_address, so the HTML footer template loses it instead."""
    edit(project / "templates/partials/footer.mjml.j2", "{{ brand.name }} · {{ postal_address }}", "{{ brand.name }}")
    assert new_findings(project) == {("error", "compliance.postal-address"): 1}
    finding = next(f for f in check(project).findings if f.check == "compliance.postal-address")
    assert "the HTML does not show the postal address" in finding.message


def test_an_untranslated_paragraph_in_a_translated_locale(project):
    """A translator's catalog loses the Spanish of one paragraph: the English stays in the email."""
    _drop_translation(project, "es", "Stem cells are all the rave")
    assert new_findings(project, "es") == {("warning", "content.untranslated"): 1}
    finding = next(f for f in check(project, "es").findings if f.check == "content.untranslated")
    line = _issue_line(project, "Stem cells are all the rave")
    assert finding.message.startswith(f"1 text is still in English: issues/{ISSUE}.yaml:{line} "
                                      "(locales/es/LC_MESSAGES/newsletter.po:")


def test_image_alt_text_left_in_english_in_a_translated_locale(project):
    _drop_translation(project, "es", "Microscopic view of cells")
    assert new_findings(project, "es") == {("warning", "a11y.alt-translated"): 1}


def test_too_many_images(project):
    article = project / "templates/partials/article.mjml.j2"
    image = next(line for line in article.read_text(encoding="utf-8").splitlines(keepends=True) if "<img " in line)
    edit(article, image, image * 11)
    assert new_findings(project) == {("warning", "size.image-count"): 1}


def test_a_sender_without_a_name(project):
    """newsletter.yaml requires sender.name, so the loaded settings are changed in memory instead."""
    settings = load_settings(project)
    settings = replace(settings, sender=replace(settings.sender, name=" "))
    built = render_issue(load_issues(settings, [ISSUE])[0], settings, ("en",), BuildReport())
    findings = [f for f in run_checks(built, settings).findings if f.severity == "error"]
    assert [f.check for f in findings] == ["compliance.sender"]
    assert re.match(r"newsletter\.yaml:\d+: the sender needs a name", findings[0].message)


def test_an_unknown_mjml_attribute_is_reported_by_the_package_and_by_the_official_validator(project):
    """mjml-python drops the misspelt attribute silently; both validators name it."""
    edit(project / "templates/partials/cta.mjml.j2", '<mj-button href="{{ track(links.consultation) }}" align="center">',
         '<mj-button href="{{ track(links.consultation) }}" align="center" colour="#ffffff">')
    assert new_findings(project) == {("error", "mjml.schema"): 1}
    run = check(project, external=True)
    by_name = {f.check: f for f in run.findings}
    assert "unknown attribute 'colour'" in by_name["mjml.schema"].message
    line = _line_of(project / "templates/partials/cta.mjml.j2", 'colour="#ffffff"')
    assert by_name["mjml.schema"].message.startswith(f"templates/partials/cta.mjml.j2:{line}: ")
    assert "Attribute colour is illegal" in by_name["mjml.official"].message


def test_an_invalid_mjml_value(project):
    edit(project / "templates/partials/cta.mjml.j2", 'align="center">{{ pgettext("button", "FAQs") }}',
         'align="middle">{{ pgettext("button", "FAQs") }}')
    assert new_findings(project) == {("error", "mjml.schema"): 1}
    finding = next(f for f in check(project).findings if f.check == "mjml.schema")
    assert "align='middle'" in finding.message and "expected one of left, center, right" in finding.message


def test_a_low_contrast_brand_colour(project):
    edit(project / "newsletter.yaml", 'primary_color: "#1f4e79"', 'primary_color: "#7fb2e5"')
    assert new_findings(project) == {("error", "a11y.contrast"): 2}  # links on white, white on buttons
    messages = [f.message for f in check(project).findings if f.check == "a11y.contrast"]
    line = _line_of(project / "newsletter.yaml", "primary_color:")
    assert all(m.startswith(f"newsletter.yaml:{line}: ") and "below WCAG AA 4.5:1" in m for m in messages)


def test_a_dark_mode_colour_too_dark_for_the_dark_card(project):
    """brand.dark overrides the derived dark palette; the check measures what is set."""
    edit(project / "newsletter.yaml", '  background_color: "#ffffff"\n',
         '  background_color: "#ffffff"\n  dark:\n    primary_color: "#1f4e79"\n')
    assert new_findings(project) == {("error", "a11y.contrast"): 2}  # dark links on the card, card on dark buttons
    messages = [f.message for f in check(project).findings if f.check == "a11y.contrast"]
    line = _line_of(project / "newsletter.yaml", "    primary_color:")
    assert all(m.startswith(f"newsletter.yaml:{line}: dark-mode ") and "#1f4e79" in m for m in messages), messages


@pytest.mark.parametrize("primary", ["#1f4e79", "#000000", "#7a1f5c", "#0b6e4f", "#c2410c", "#555555"])
def test_the_derived_dark_palette_passes_the_contrast_check(project, primary):
    """Without brand.dark, the dark colours are derived from the light ones and always read on the dark card."""
    edit(project / "newsletter.yaml", 'primary_color: "#1f4e79"', f'primary_color: "{primary}"')
    dark = load_settings(project).brand.dark
    assert dark.primary_color != primary
    findings = [f for f in check(project).findings if f.check == "a11y.contrast"]
    assert not [f for f in findings if "dark-mode" in f.message], findings


def test_a_bad_dark_mode_colour_is_one_located_line(project, cli):
    edit(project / "newsletter.yaml", '  background_color: "#ffffff"\n',
         '  background_color: "#ffffff"\n  dark:\n    text_color: light grey\n')
    result = cli("check", ISSUE, cwd=project)
    line = _line_of(project / "newsletter.yaml", "text_color: light grey")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: newsletter.yaml:{line}:17: brand.dark.text_color: expected a colour like")


def test_a_right_to_left_email_with_blocks_laid_out_left_to_right(project):
    """Without direction on mj-section and mj-column, MJML writes direction:ltr into every one of them,
    overriding <html dir="rtl">: the Arabic email reads left to right in every client."""
    edit(project / "templates/email.mjml.j2", ' direction="{{ email.dir }}"', "")
    assert new_findings(project, "ar") == {("error", "a11y.direction"): 1}
    [finding] = [f for f in check(project, "ar").findings if f.check == "a11y.direction"]
    assert finding.message.startswith("templates/email.mjml.j2:") and "laid out ltr" in finding.message
    assert new_findings(project, "en") == {}


@pytest.mark.parametrize("template, old, new, expected", [
    ("partials/article.mjml.j2", '{{ _("Read this article on our website") }}', "click here", "links.vague-text"),
    ("partials/article.mjml.j2", '<a href="{{ track(article.url) }}" style=', '<a href="{{ article.url }}" style=',
     "links.utm"),
    ("partials/article.mjml.j2", "<h2 style", "<h4 style", "a11y.heading-order"),
    ("email.mjml.j2", ' dir="{{ email.dir }}"', "", "a11y.lang-dir"),
    ("partials/intro.mjml.j2", "<mj-text>{{ inline(", "<mj-text>[[first_name|there] {{ inline(", "content.placeholder"),
    ("email.mjml.j2", "mso-hide:all;\">{{ email.preheader }}</div>", "mso-hide:all;\"></div>", "a11y.preheader"),
    ("partials/header.mjml.j2", "track(brand.website)", "track('https://www.example .com/')", "links.malformed"),
    ("partials/footer.mjml.j2", 'color="#555555"', 'color="#bbbbbb"', "a11y.contrast"),
    ("partials/footer.mjml.j2", '<a href="{{ merge.unsubscribe_url }}"', '<a href="{{ track(brand.website) }}"',
     "compliance.unsubscribe"),
])
def test_template_mistakes(project, template, old, new, expected):
    edit(project / "templates" / template, old, new)
    found = new_findings(project)
    assert set(check for _, check in found) == {expected}, found


def test_a_preheader_below_visible_text_is_not_the_inbox_preview_line(project):
    """Inboxes show the first text of the body after the subject: a preheader moved below the header's
    'View this email in your browser' would never be seen there."""
    template = project / "templates/email.mjml.j2"
    text = template.read_text(encoding="utf-8")
    start = text.index("    <mj-raw>\n      <div style=\"display:none")
    block = text[start:text.index("</mj-raw>\n", start) + len("</mj-raw>\n")]
    header = '{% include "partials/header.mjml.j2" %}\n'
    edit(template, block + header, header + block)
    assert new_findings(project) == {("error", "a11y.preheader"): 1}
    [finding] = [f for f in check(project).findings if f.check == "a11y.preheader"]
    line = _line_of(project / "issues" / f"{ISSUE}.yaml", "preheader:")
    assert finding.message.startswith(f"issues/{ISSUE}.yaml:{line}: the preheader is not the first text of the email: "
                                      "inboxes show 'View this email in your browser")


def test_the_preheader_is_the_first_text_of_the_body_and_hidden_in_a_browser_engine(project, cli, browser):
    """What an inbox preview reads (the body's first text) and what a reader sees, in Chromium (Blink, like
    Gmail in Chrome and Outlook's new app): the hand-written preheader is first, not displayed, and takes no space."""
    from tests.test_preview import NOT_LOOPBACK

    assert cli("build", ISSUE, "--locale", "en", "--locale", "ar", cwd=project).returncode == 0
    entries = json.loads((project / "dist" / ISSUE / "manifest.json").read_text(encoding="utf-8"))["locales"]
    first_text = "document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {acceptNode: node => " \
                 "node.data.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP}).nextNode().data"
    page = browser.new_page()
    page.route(NOT_LOOPBACK, lambda route: route.abort())  # the images live on the clinic's website
    for entry in entries:
        page.set_content((project / "dist" / ISSUE / entry["html"]).read_text(encoding="utf-8"))
        assert page.evaluate(first_text).strip() == entry["preheader"]
        preheader = page.get_by_text(entry["preheader"], exact=True)
        assert preheader.count() == 1 and not preheader.is_visible() and preheader.bounding_box() is None
        assert entry["preheader"] not in page.inner_text("body")
    page.close()


def test_a_leftover_placeholder_is_quoted_where_it_is_not_the_greeting(project):
    """An article paragraph with a made-up merge tag: each finding quotes that paragraph, not the
    legitimate [[first_name|there]] of the greeting that comes first in the email."""
    edit(project / "issues" / f"{ISSUE}.yaml", "So what are exosomes? They", "Call [[foo]] and ask. So what are exosomes? They")
    assert new_findings(project) == {("error", "content.placeholder"): 4}  # '[[' and ']]', in the HTML and the text part
    messages = [f.message for f in check(project).findings if f.check == "content.placeholder"]
    line = _issue_line(project, "Call [[foo]] and ask.")
    for message in messages:
        assert message.startswith(f"issues/{ISSUE}.yaml:{line}: "), message
        assert "Call [[foo]] and ask." in message and "first_name" not in message and "Hello" not in message, message


def test_a_text_part_that_lost_the_articles(project):
    text_template = project / "templates/email.txt.j2"
    text = text_template.read_text(encoding="utf-8")
    text_template.write_text(text[:text.index("{% for article in issue.articles %}")]
                             + text[text.index("{% endfor %}\n\n{{ heading(") + len("{% endfor %}\n"):], encoding="utf-8")
    assert new_findings(project) == {("warning", "content.text-part"): 1}


def test_an_image_without_height(project):
    edit(project / "issues" / f"{ISSUE}.yaml", "      height: 300\n", "")
    assert new_findings(project) == {("warning", "size.image-dimensions"): 1}


def test_a_message_without_one_click_unsubscribe_headers(project):
    settings = load_settings(project)
    email = render_issue(load_issues(settings, [ISSUE])[0], settings, ("en",), BuildReport()).emails[0]
    message = build_message(email, settings)
    assert unsubscribe_header_problems(message) == []
    del message["List-Unsubscribe-Post"]
    message.replace_header("List-Unsubscribe", "https://www.example.com/unsubscribe")
    assert len(unsubscribe_header_problems(message)) == 2


# --- spam score -----------------------------------------------------------------------------------


def test_spamassassin_scores_each_message_and_lists_the_rules(project):
    run = check(project, "de", external=True)
    [score] = run.spam_scores
    assert score.locale == "de" and score.threshold == 5.0
    assert not str(score).startswith("score -0 ")  # rules of -0.001 and +0.001 points sum to 0, printed as such
    assert score.rules and all(re.fullmatch(r"[A-Z0-9_]+", rule.name) and rule.description for rule in score.rules)
    assert score.score == pytest.approx(sum(r.points for r in score.rules), abs=0.05 * len(score.rules))  # their sum, rounded
    assert not [f for f in run.findings if f.check == "spam.score" and f.severity == "error"]


def test_a_spammy_issue_scores_above_the_threshold_and_the_threshold_is_configurable(project, cli):
    shutil.copy(DATA / "spammy.yaml", project / "issues" / f"{ISSUE}.yaml")
    result = cli("check", ISSUE, "--locale", "en", "--format", "json", cwd=project)
    report = json.loads(result.stdout)
    [score] = report["spam"]
    assert result.returncode == 1 and score["score"] > 5.0 and score["threshold"] == 5.0
    points = [rule["points"] for rule in score["rules"]]
    assert score["score"] == pytest.approx(sum(points), abs=0.05 * len(points))  # shown points are rounded
    [finding] = [f for f in report["findings"] if f["check"] == "spam.score"]
    assert finding["severity"] == "error" and finding["message"].startswith(f"issues/{ISSUE}.yaml: SpamAssassin score ")
    assert score["rules"][0]["name"] in finding["message"]

    edit(project / "newsletter.yaml", "spam_threshold: 5.0", "spam_threshold: 50")
    relaxed = json.loads(cli("check", ISSUE, "--locale", "en", "--format", "json", cwd=project).stdout)
    assert relaxed["spam"][0]["threshold"] == 50.0
    assert not [f for f in relaxed["findings"] if f["check"] == "spam.score"]


def test_a_bad_spam_threshold_is_one_located_line(project, cli):
    edit(project / "newsletter.yaml", "spam_threshold: 5.0", "spam_threshold: high")
    result = cli("check", ISSUE, cwd=project)
    line = _line_of(project / "newsletter.yaml", "spam_threshold:")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: newsletter.yaml:{line}:19: checks.spam_threshold: expected a SpamAssassin score")


# --- the command and the build --------------------------------------------------------------------


def test_check_prints_one_line_per_finding_and_strict_makes_warnings_errors(project, cli):
    edit(project / "issues" / f"{ISSUE}.yaml", "      height: 300\n", "")
    plain = cli("check", ISSUE, "--locale", "en", cwd=project)
    assert plain.returncode == 0
    assert re.search(r"^warning: en: size\.image-dimensions: issues/2026-11\.yaml:\d+: the image of "
                     r"'exosomes-in-plastic-surgery' has no height — add 'height:'", plain.stdout, re.MULTILINE)
    strict = cli("check", ISSUE, "--locale", "en", "--strict", cwd=project)
    assert strict.returncode == 1 and "error: en: size.image-dimensions: " in strict.stdout


def test_a_check_error_fails_the_build_but_the_draft_is_written(project, cli):
    edit(project / "templates/partials/header.mjml.j2", "{{ track(brand.website) }}", "http://www.example.com/")
    result = cli("build", ISSUE, "--locale", "en", cwd=project)
    assert result.returncode == 1
    assert re.search(r"^error: en: links\.scheme: templates/partials/header\.mjml\.j2:\d+: link 'http://www\.example\.com/'",
                     result.stderr, re.MULTILINE)
    assert "http://www.example.com/" in (project / "dist" / ISSUE / ".draft" / "en" / "email.html").read_text(encoding="utf-8")


def test_the_spam_message_is_the_one_the_export_writes(project):
    """SpamAssassin scores the export's own MIME message, with a recipient and sample merge values."""
    from newsletter.checks.spam import message_bytes

    settings = load_settings(project)
    [checked] = checked_emails(render_issue(load_issues(settings, [ISSUE])[0], settings, ("fr",), BuildReport()), settings)
    message = message_from_bytes(message_bytes(checked), policy=policy.default)
    assert message["To"] and message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "[[unsubscribe_url]]" not in message.get_body(("html",)).get_content()


def _drop_translation(project: Path, locale: str, english_start: str) -> None:
    """Empty the translation of one entry, as a translator's slip would."""
    with editing_catalog(catalog_path(project, locale), locale) as catalog:
        entry = next(m for m in catalog if isinstance(m.id, str) and m.id.startswith(english_start))
        entry.string = ""


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def _issue_line(project: Path, start: str) -> int:
    """The line of the YAML value holding `start` (a folded paragraph starts on the line after '- >-')."""
    return _line_of(project / "issues" / f"{ISSUE}.yaml", start) - 1


def test_a_stray_placeholder_in_the_text_is_reported_at_its_issue_line_by_check(project, cli):
    """`[[evil]]` written in a paragraph: `newsletter check` gives the placeholder check's lines at the
    paragraph in issues/2026-11.yaml, as build does. Before, the spam check's message builder stopped the
    whole command with one line blaming `templates/` and no line ("unknown placeholder [[evil]] for
    provider proof"), and no other finding was printed."""
    edit(project / "issues/2026-11.yaml", "prospective patients who\n", "prospective patients who [[evil]]\n")
    result = cli("check", ISSUE, "--locale", "en", cwd=project)
    errors = [line for line in result.stdout.splitlines() + result.stderr.splitlines() if line.startswith("error:")]
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert errors and all(" issues/2026-11.yaml:" in line for line in errors), errors
    assert "templates/" not in result.stderr
