"""Editor completion: the JSON Schema `newsletter schema` writes agrees with what the build accepts.

The documents are read as an editor's YAML language server reads them (YAML 1.2: a date stays text)
and judged by `jsonschema`, the reference validator; every refusal must point at the field the build
names for the same file.
"""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

from newsletter.model.content import parse_issue
from newsletter.errors import NewsletterError
from newsletter.model.schema import ISSUE_SCHEMA_LINE, SETTINGS_SCHEMA_LINE, issue_schema, schema_files, settings_schema
from newsletter.model.settings import load_settings
from newsletter.model.yamlsource import compose

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"

# What a schema cannot see, and the build reports: each with the reason.
BEYOND_A_SCHEMA = {
    "bad-bidi-override": "an invisible character inside otherwise valid text",
    "bad-control-character": "YAML itself refuses the file before any schema sees it",
    "bad-yaml-syntax": "YAML itself refuses the file before any schema sees it",
    "bad-duplicate-field": "a YAML reader keeps one of the two keys; JSON has no duplicate keys to judge",
    "bad-id-mismatch": "the id must match the file's name, which the document does not hold",
    "bad-link-scheme": "the link sits inside a paragraph's inline markup",
    "bad-raw-html": "HTML inside a paragraph's text",
    "bad-unbalanced-bold": "emphasis markers inside a paragraph's text",
}


class LanguageServerLoader(yaml.SafeLoader):
    """YAML as the yaml-language-server reads it (YAML 1.2 core schema): `2026-11-25` is a string."""


LanguageServerLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def validator(schema: dict) -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def field_path(parts) -> str:
    """['articles', 0, 'url'] → articles[0].url, as the build names fields."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def schema_paths(schema: dict, document) -> set[str]:
    """The field path of every refusal; a missing or unknown key is named itself, as the build names it."""
    paths = set()
    for error in validator(schema).iter_errors(document):
        where = list(error.absolute_path)
        if error.validator == "required":
            paths |= {field_path([*where, key]) for key in error.validator_value if key not in error.instance}
        elif error.validator == "additionalProperties":
            paths |= {field_path([*where, key]) for key in error.instance if key not in error.schema["properties"]}
        else:
            paths.add(field_path(where))
    return paths


def build_paths(path: Path) -> set[str]:
    """The field of every problem the build's own reader reports for the issue file."""
    try:
        parse_issue(compose(path, path.name), path.name, "2026-12")
    except NewsletterError as error:
        return {problem.location.field or "" for problem in error.problems}
    return set()


def read_as_editor(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=LanguageServerLoader)


def test_the_sample_issue_and_settings_are_valid_and_name_their_schema():
    validator(issue_schema()).validate(read_as_editor(REPO / "issues/2026-11.yaml"))
    validator(settings_schema()).validate(read_as_editor(REPO / "newsletter.yaml"))
    assert (REPO / "issues/2026-11.yaml").read_text(encoding="utf-8").splitlines()[0] == ISSUE_SCHEMA_LINE
    assert (REPO / "newsletter.yaml").read_text(encoding="utf-8").splitlines()[0] == SETTINGS_SCHEMA_LINE


@pytest.mark.parametrize("bad_file", sorted(DATA.glob("bad-*.yaml")), ids=lambda path: path.stem)
def test_a_broken_issue_is_refused_at_the_field_the_build_names(bad_file):
    expected = build_paths(bad_file)
    assert expected, f"the build accepts {bad_file.name}"
    if bad_file.stem in BEYOND_A_SCHEMA:
        try:
            document = read_as_editor(bad_file)
        except yaml.YAMLError:
            return
        assert validator(issue_schema()).is_valid(document), f"the schema judges {bad_file.name}: take it off the list"
        return
    try:
        document = read_as_editor(bad_file)
    except yaml.YAMLError:  # YAML refuses the file before any schema could judge it, as the build does
        assert any(field == "" for field in expected)
        return
    found = schema_paths(issue_schema(), document)
    assert found and found <= expected | {""} and expected & found, (found, expected)


SETTINGS_MISTAKES = {
    "brand.primary_color": ('primary_color: "#1f4e79"', 'primary_color: "#1f4e7"'),
    "sender.email": ("email: newsletter@example.com", "email: newsletter.example.com"),
    "links.consultation": ("consultation: https://www.example.com/schedule", "consultation: http://www.example.com/schedule"),
    "target_locales[2]": ("target_locales: [es, fr, de,", "target_locales: [es, fr, xx_NOPE,"),
    "checks.spam_threshold": ("spam_threshold: 5.0", "spam_threshold: 0"),
    "utm.sorce": ("  source: newsletter", "  sorce: newsletter"),
    "release_gate.min_translated": ("min_translated: 95", "min_translated: 120"),
    "links.overrides.es.faq": ("faq: https://www.example.com/es/", "faq: https://www.example.com:/es/"),
}


@pytest.mark.parametrize("field", SETTINGS_MISTAKES)
def test_a_settings_mistake_is_refused_at_the_field_the_build_names(project, field):
    before, after = SETTINGS_MISTAKES[field]
    settings_file = project / "newsletter.yaml"
    text = settings_file.read_text(encoding="utf-8")
    assert before in text
    settings_file.write_text(text.replace(before, after, 1), encoding="utf-8")
    with pytest.raises(NewsletterError) as refused:
        load_settings(project)
    assert {problem.location.field for problem in refused.value.problems} == {field}
    assert schema_paths(settings_schema(), read_as_editor(settings_file)) == {field}


def test_newsletter_schema_writes_the_schema_the_project_holds(project, cli):
    result = cli("schema", cwd=project)
    assert result.returncode == 0, result.stderr
    for relative, data in schema_files().items():
        assert (project / relative).read_bytes() == data == (REPO / relative).read_bytes()
    assert (project / "issues/../schema/issue.schema.json").is_file()  # where the issues' first line points


def test_schema_names_the_files_that_do_not_point_at_it(project, cli):
    (project / "issues/2026-10.yaml").write_text("id: 2026-10\n", encoding="utf-8")
    result = cli("schema", cwd=project)
    assert f"issues/2026-10.yaml: add this first line for completion in editors: {ISSUE_SCHEMA_LINE}" in result.stdout
    assert "issues/2026-11.yaml" not in result.stdout


def test_new_issues_name_the_schema_and_are_valid_by_it(project, cli):
    assert cli("new", "2026-12", cwd=project).returncode == 0
    (project / "issues/2026-10.yaml").write_text(
        (project / "issues/2026-11.yaml").read_text(encoding="utf-8").split("\n", 1)[1].replace("2026-11", "2026-10"),
        encoding="utf-8")
    assert cli("new", "2027-01", "--from", "issues/2026-10.yaml", cwd=project).returncode == 0
    for issue in ("2026-12", "2027-01"):
        path = project / f"issues/{issue}.yaml"
        assert path.read_text(encoding="utf-8").splitlines()[0] == ISSUE_SCHEMA_LINE
        validator(issue_schema()).validate(read_as_editor(path))
