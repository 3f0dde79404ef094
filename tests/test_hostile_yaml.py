"""YAML written to hurt, or pasted in by bad luck: aliases that contain themselves, alias bombs, huge
values, links out of the project. Every command ends with one located line; none hangs or prints
what is not the project's own."""

from __future__ import annotations

import io
import json
import os
import urllib.request
from pathlib import Path

import pytest

from newsletter.model.content import parse_issue
from newsletter.errors import QUOTE_LIMIT, NewsletterError
from newsletter.i18n.extract import extract_issue_yaml
from newsletter.model.settings import load_settings
from newsletter.model.yamlsource import MAX_CHARACTERS, MAX_VALUES, compose_text
from tests.test_preview import start_preview, stop_preview
from tests.yaml_mutations import self_references, time_limit, values

DATA = Path(__file__).parent / "data"
GOOD_ISSUE = (DATA / "good-minimal.yaml").read_text(encoding="utf-8")
NEW_ISSUE = "issues/2026-12.yaml"
# The report's own case: a list that contains itself, and a control character that YAML refuses raw.
SELF_REFERENCE = 'id: 2026-12\nsubject: &a [*a, "x\x01y"]\n'
SELF_REFERENCE_ERROR = "error: issues/2026-12.yaml:2:20: subject[1]: invisible character U+0001"


def one_problem_per_line(error: NewsletterError) -> list[str]:
    lines = [str(problem) for problem in error.problems]
    assert all("\n" not in line for line in lines), lines
    return lines


def issue_problems(text: str) -> list[str]:
    """Everything the build and the extractor do with an issue's text, stopped if it hangs."""
    with time_limit(10):
        list(extract_issue_yaml(io.BytesIO(text.encode()), [], [], {"display_name": NEW_ISSUE}))
        try:
            parse_issue(compose_text(text, NEW_ISSUE), NEW_ISSUE, "2026-12")
        except NewsletterError as error:
            return one_problem_per_line(error)
    return []


@pytest.mark.parametrize("value", values(GOOD_ISSUE), ids=lambda value: value.path)
def test_a_value_that_contains_itself_is_one_located_line_in_every_field(value):
    for text in self_references(GOOD_ISSUE, value):
        problems = issue_problems(text)
        assert len(problems) == 1 and "contains itself through the alias" in problems[0], problems
        assert problems[0].startswith(f"{NEW_ISSUE}:")
        # The same with a raw control character after it: the path that locates the character walks the nodes too.
        problems = issue_problems(text + 'extra: "a\x01b"\n')
        assert problems and "invisible character U+0001" in problems[0], problems


SETTINGS_TEXT = (Path(__file__).parent.parent / "newsletter.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("value", values(SETTINGS_TEXT), ids=lambda value: value.path)
def test_settings_that_contain_themselves_are_one_located_line_in_every_field(project, value):
    for text in self_references(SETTINGS_TEXT, value):
        (project / "newsletter.yaml").write_text(text, encoding="utf-8")
        with time_limit(10), pytest.raises(NewsletterError) as raised:
            load_settings(project)
        assert one_problem_per_line(raised.value)[0].startswith("newsletter.yaml:")


@pytest.mark.parametrize("command", [("build",), ("check", "2026-12"), ("i18n", "extract")])
def test_the_reported_self_reference_ends_every_command_with_its_location(project, cli, command):
    (project / NEW_ISSUE).write_text(SELF_REFERENCE, encoding="utf-8")
    result = cli(*command, cwd=project, timeout=60)
    assert "Traceback" not in result.stderr
    assert SELF_REFERENCE_ERROR in result.stderr, result.stderr
    assert result.returncode == 1


def test_a_self_reference_in_the_settings_is_one_line(project, cli):
    settings = project / "newsletter.yaml"
    line = len(settings.read_text().splitlines()) + 1
    settings.write_text(settings.read_text() + "extra: &a [*a]\n", encoding="utf-8")
    result = cli("build", cwd=project, timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: newsletter.yaml:{line}:8: extra: this value contains itself through the alias '*a' — "
        "a value cannot include itself: write its items out"]


def test_the_preview_answers_about_a_self_referencing_issue_and_recovers(project):
    (project / NEW_ISSUE).write_text(SELF_REFERENCE, encoding="utf-8")
    preview = start_preview(project)
    try:
        for _ in range(3):  # each call used to pin a thread for good
            with urllib.request.urlopen(preview.url + "api/issues", timeout=30) as response:
                listed = {issue["id"]: issue for issue in json.load(response)["issues"]}
        assert listed["2026-12"]["problems"][0]["message"].startswith("invisible character U+0001")
        assert listed["2026-11"]["subject"]
    finally:
        assert stop_preview(preview) == 0


def alias_bomb(levels: int, width: int) -> str:
    """`width` aliases of the level below on each level: width ** levels values from a few lines."""
    lines = ["id: 2026-12", f"a0: &a0 [{', '.join(['x'] * width)}]"]
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * width)}]")
    return "\n".join(lines) + f"\narticles: *a{levels}\n"


@pytest.mark.parametrize("levels, width, where", [(3, 100, "4:5: a2"), (3, 1000, "3:5: a1")])
def test_an_alias_bomb_is_refused_where_it_multiplies(project, cli, levels, width, where):
    (project / NEW_ISSUE).write_text(alias_bomb(levels, width), encoding="utf-8")
    result = cli("build", "2026-12", cwd=project, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {NEW_ISSUE}:{where}: aliases (*name) expand this value to more than {MAX_VALUES:,} "
                      "values — write the values out; an alias repeats a value, it does not shorten a list"]


def test_a_five_megabyte_value_gives_a_short_error_line(project, cli):
    (project / NEW_ISSUE).write_text(GOOD_ISSUE.replace("Holiday hours", "x" * 5_000_000), encoding="utf-8")
    result = cli("build", "2026-12", cwd=project, timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (f"error: {NEW_ISSUE}: the file is longer than {MAX_CHARACTERS:,} "
                                              "characters — is it the right file? an issue is a few thousand characters")


@pytest.mark.parametrize("field, long_value", [
    ("url", "https://www.example.com/" + "a" * 900_000 + " b"),  # a space: not a URL
    ("date", "2026-" + "1" * 900_000),
    ("slug", "Holiday " * 50_000),
])
def test_a_long_wrong_value_is_quoted_in_at_most_a_few_hundred_characters(project, cli, field, long_value):
    original = {"url": "https://www.example.com/blog/holiday-hours", "date": "2026-12-15", "slug": "holiday-hours"}[field]
    (project / NEW_ISSUE).write_text(GOOD_ISSUE.replace(original, long_value), encoding="utf-8")
    result = cli("build", "2026-12", cwd=project, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    error = next(line for line in result.stderr.splitlines() if line.startswith("error:"))
    assert f": {'articles[0].' if field != 'date' else ''}{field}: " in error
    assert len(error) < 2 * QUOTE_LIMIT + 100, error


def test_an_unknown_field_with_a_huge_name_is_a_short_line(project, cli):
    (project / NEW_ISSUE).write_text(GOOD_ISSUE + "? " + "k" * 500_000 + "\n: 1\n", encoding="utf-8")
    result = cli("build", "2026-12", cwd=project, timeout=60)
    error = next(line for line in result.stderr.splitlines() if line.startswith("error:"))
    assert "unknown field" in error and len(error) < 2 * QUOTE_LIMIT + 200, error


SECRET = "secret-marker: do not show me"


@pytest.fixture
def linked_out(project: Path, tmp_path: Path) -> Path:
    """issues/2026-12.yaml as a link to a file outside the project (as a link to /etc/passwd would be)."""
    outside = tmp_path / "outside.yaml"
    outside.write_text(f"{SECRET}\n", encoding="utf-8")
    (project / NEW_ISSUE).symlink_to(outside)
    return project


def test_an_issue_linked_to_a_file_outside_the_project_is_refused_unread(linked_out, cli):
    for command in (("build",), ("check", "2026-12"), ("i18n", "update")):
        result = cli(*command, cwd=linked_out, timeout=60)
        assert "secret-marker" not in result.stderr + result.stdout
        assert (f"{NEW_ISSUE}: a link to a file outside the project — copy the issue into issues/ instead of "
                "linking to it") in result.stderr, result.stderr
    assert "secret-marker" not in (linked_out / "locales/newsletter.pot").read_text(encoding="utf-8")


def test_the_preview_does_not_show_a_linked_file_from_outside_the_project(linked_out):
    preview = start_preview(linked_out)
    try:
        for path in ("api/issues", "api/issues/2026-12", "api/issues/2026-12/en", "email/2026-12/en.html"):
            try:
                body = urllib.request.urlopen(preview.url + path, timeout=30).read()
            except urllib.error.HTTPError as error:
                body = error.read()
            assert b"secret-marker" not in body, path
        listed = json.loads(urllib.request.urlopen(preview.url + "api/issues", timeout=30).read())
        assert listed["issues"][1]["problems"][0]["message"] == "a link to a file outside the project"
    finally:
        stop_preview(preview)


def test_a_link_inside_the_project_is_still_an_issue(project, cli):
    (project / "drafts").mkdir()
    (project / "drafts/2026-12.yaml").write_text(GOOD_ISSUE, encoding="utf-8")
    (project / NEW_ISSUE).symlink_to(project / "drafts/2026-12.yaml")
    result = cli("build", "2026-12", "--locale", "en", cwd=project, timeout=60)
    assert result.returncode == 0, result.stderr


def test_a_pipe_named_like_an_issue_is_refused_not_waited_on(project, cli):
    os.mkfifo(project / NEW_ISSUE)  # reading it would wait for a writer for ever
    result = cli("build", "--locale", "en", cwd=project, timeout=60)
    assert result.returncode == 1
    assert (f"error: {NEW_ISSUE}: cannot be read: not a regular file — an issue is one YAML file the build can read"
            in result.stderr.splitlines())


@pytest.mark.parametrize("argument", ["../project", "newsletter.yaml", "../project/newsletter", "2026-13", "locales/x.yaml"])
def test_a_path_that_is_not_an_issue_is_a_usage_error_not_a_file_read_as_an_issue(project, cli, argument):
    result = cli("build", argument, cwd=project)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: {argument!r}: not an issue: expected an id like 2026-11 or a file in issues/ — known issues: 2026-11"]


def test_an_issue_may_be_named_by_its_file(project, cli):
    result = cli("build", "issues/2026-11.yaml", "--locale", "en", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "dist/2026-11/en/email.html").is_file()
