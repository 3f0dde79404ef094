"""`newsletter check` looks up every HTML and CSS feature the email uses in caniemail.com's data and
says which clients lack each one and what the email does for them; a feature a major client lacks,
with no fallback in the email, is a warning that names it."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from tests.conftest import REPO

ISSUE = "2026-11"
DATA_DIR = REPO / "newsletter" / "checks" / "data"


def caniemail() -> dict[str, dict]:
    raw = json.loads((DATA_DIR / "caniemail.json").read_text(encoding="utf-8"))
    return {feature["slug"]: feature for feature in raw["data"]}


def latest(feature: dict, family: str, platform: str) -> str:
    """The support value of a client's latest tested version: y, n, a (partial) or u."""
    return list(feature["stats"][family][platform].values())[-1].split()[0]


def check_json(cli, project: Path, *args: str) -> dict:
    result = cli("check", ISSUE, "--locale", "en", "--locale", "ar", "--format", "json", *args, cwd=project)
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def test_the_vendored_data_is_the_copy_its_readme_describes():
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256((DATA_DIR / "caniemail.json").read_bytes()).hexdigest()
    assert digest in readme
    updated = json.loads((DATA_DIR / "caniemail.json").read_text(encoding="utf-8"))["last_update_date"]
    assert updated[:10] in readme and "MIT" in readme and (DATA_DIR / "caniemail.LICENSE").is_file()


def test_todays_email_features_are_listed_with_the_clients_each_misses(project, cli):
    report = check_json(cli, project)
    gaps = {gap["feature"]: gap for gap in report["clients"]}
    data = caniemail()
    # The dark-mode media query: Gmail and Outlook for Windows ignore it; the light palette is the fallback.
    dark = gaps["css-at-media-prefers-color-scheme"]
    assert latest(data["css-at-media-prefers-color-scheme"], "gmail", "desktop-webmail") == "n"
    assert any(client.startswith("Gmail Desktop Webmail") for client in dark["unsupported"])
    assert any(client.startswith("Outlook Windows") for client in dark["major_unsupported"])
    assert "light palette" in dark["fallback"]
    # max-width works on tables only in Outlook for Windows: the MSO tables carry the width.
    assert any(client.startswith("Outlook Windows") for client in gaps["css-max-width"]["partial"])
    assert "mso" in gaps["css-max-width"]["fallback"]
    # Every gap listed is a feature caniemail knows, with clients that really lack it there.
    for slug, gap in gaps.items():
        assert gap["url"] == data[slug]["url"]
        assert gap["unsupported"] or gap["partial"]
    assert not [f for f in report["findings"] if f["check"] == "clients.unsupported"]


def test_the_text_report_names_what_major_clients_miss(project, cli):
    result = cli("check", ISSUE, "--locale", "en", cwd=project)
    lines = [line for line in result.stderr.splitlines() if line.startswith(f"clients: {ISSUE}: ")]
    assert any("(css-at-media-prefers-color-scheme) not supported in Gmail" in line and "fallback: the light palette"
               in line for line in lines), lines


def add_style(project: Path, css: str) -> None:
    template = project / "templates" / "email.mjml.j2"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("      h1, h2, h3 { margin: 0; }\n", f"      h1, h2, h3 {{ margin: 0; }}\n      {css}\n"),
                        encoding="utf-8")


def test_a_feature_major_clients_lack_without_a_fallback_is_a_warning_naming_it(project, cli):
    add_style(project, "h1 { text-shadow: 0 1px 2px #000000; }")
    report = check_json(cli, project)
    warnings = [f for f in report["findings"] if f["check"] == "clients.unsupported"]
    assert {f["locale"] for f in warnings} == {"en", "ar"} and all(f["severity"] == "warning" for f in warnings)
    assert all("text-shadow (css-text-shadow) is not supported in Gmail Desktop Webmail" in f["message"]
               and "no fallback" in f["message"] for f in warnings), warnings
    strict = check_json(cli, project, "--strict")
    assert [f for f in strict["findings"] if f["check"] == "clients.unsupported" and f["severity"] == "error"]


def test_a_fallback_counts_only_when_the_email_has_it(project, cli):
    """The preheader is hidden with display:none, opacity, max-height and overflow, which Outlook for Windows
    ignores; mso-hide:all is what hides it there. Without it, each of those is a warning."""
    template = project / "templates" / "email.mjml.j2"
    text = template.read_text(encoding="utf-8")
    assert text.count("mso-hide:all;") == 2
    template.write_text(text.replace("mso-hide:all;", ""), encoding="utf-8")
    report = check_json(cli, project)
    named = {re.search(r"\((css-[a-z-]+)\)", f["message"]).group(1)
             for f in report["findings"] if f["check"] == "clients.unsupported"}
    assert {"css-opacity", "css-max-height"} <= named
    assert all(latest(caniemail()[slug], "outlook", "windows") == "n" for slug in ("css-opacity", "css-max-height"))


def test_an_issue_without_images_has_nothing_for_marketing_to_fix(project, cli):
    """MJML's `img { height: auto }` reset is the only height left when no article has an image: no warning
    a marketer could not act on."""
    issue = project / "issues" / "2026-11.yaml"
    text = issue.read_text(encoding="utf-8")
    issue.write_text(re.sub(r"\n    image:.*\n(?:      .*\n)*", "\n", text, count=1), encoding="utf-8")
    assert "image:" not in issue.read_text(encoding="utf-8")
    report = check_json(cli, project, "--strict")
    assert [f for f in report["findings"] if f["check"] == "clients.unsupported"] == []
