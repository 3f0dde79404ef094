"""Marketing's mistakes: every broken input gets one located line, exit 1, and nothing written."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
BAD_ISSUES = sorted(DATA.glob("bad-*.yaml"))
EXPECT = re.compile(r"^# expect: (\d+:\d+): (.+)$")


def expectation(path: Path) -> tuple[str, str]:
    match = EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path.name} must start with '# expect: LINE:COL: message'"
    return match.group(1), match.group(2)


def add_issue(project: Path, source: Path) -> None:
    shutil.copy(source, project / "issues" / "2026-12.yaml")


def assert_clean_failure(result, project: Path) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "dist" / "2026-12").exists()


def test_there_are_at_least_ten_distinct_broken_issues():
    assert len({expectation(path)[1] for path in BAD_ISSUES}) >= 10


def test_the_minimal_issue_the_broken_ones_derive_from_builds(project, cli):
    add_issue(project, DATA / "good-minimal.yaml")
    result = cli("build", "2026-12", "--locale", "en", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "December 24" in (project / "dist/2026-12/en/email.txt").read_text()


@pytest.mark.parametrize("bad_file", BAD_ISSUES, ids=lambda path: path.stem)
def test_broken_issue_is_reported_with_file_line_and_column(project, cli, bad_file):
    where, message = expectation(bad_file)
    add_issue(project, bad_file)
    result = cli("build", "2026-12", cwd=project)
    assert_clean_failure(result, project)
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    expected_start = f"error: issues/2026-12.yaml:{where}: "
    assert any(line.startswith(expected_start) and message in line for line in lines), result.stderr


MINIMAL_PARAGRAPH = "Our office closes on **December 24** and reopens on January 2."
PARAGRAPH_AT = "issues/2026-12.yaml:13:13: articles[0].sections[0].paragraphs[0]"


def add_issue_with_paragraph(project: Path, paragraph: str) -> None:
    """The minimal issue, its one paragraph replaced (single-quoted YAML)."""
    issue = (DATA / "good-minimal.yaml").read_text().replace(MINIMAL_PARAGRAPH, "'" + paragraph.replace("'", "''") + "'")
    (project / "issues" / "2026-12.yaml").write_text(issue)


def refused_paragraph(project: Path, cli, paragraph: str) -> str:
    """Build the minimal issue with this paragraph; it must fail cleanly. Returns what the build said."""
    add_issue_with_paragraph(project, paragraph)
    result = cli("build", "2026-12", cwd=project)
    assert_clean_failure(result, project)
    return result.stderr


def accepted_paragraph(project: Path, cli, paragraph: str) -> Path:
    """Build the minimal issue with this paragraph in English; it must succeed. Returns the email's folder."""
    add_issue_with_paragraph(project, paragraph)
    result = cli("build", "2026-12", "--locale", "en", cwd=project)
    assert result.returncode == 0, result.stderr
    return project / "dist/2026-12/en"


@pytest.mark.parametrize("markup, shown", [
    ("<b>December 24</b>", "<b>"),
    ('<a href="https://www.example.com/hours">the 24th</a>', '<a href="https://www.example.com/hours">'),
    ('<img src="https://www.example.com/closed.png"/>', '<img src="https://www.example.com/close…'),
    ("<!-- check the date -->", "<!-- check the date -->"),
    ("<SCRIPT>alert(1)</SCRIPT>", "<SCRIPT>"),
])
def test_raw_html_in_text_is_refused(project, cli, markup, shown):
    stderr = refused_paragraph(project, cli, f"Our office closes on {markup} and reopens on January 2.")
    assert f"error: {PARAGRAPH_AT}: raw HTML is not allowed in text ({shown!r})" in stderr, stderr


def test_angle_brackets_that_are_no_tags_are_text(project, cli):
    email = accepted_paragraph(project, cli, "line one <not a tag and a > b, and 2 < 3")
    assert "line one &lt;not a tag and a &gt; b, and 2 &lt; 3" in (email / "email.html").read_text()
    assert "line one <not a tag and a > b, and 2 < 3" in (email / "email.txt").read_text()


def test_a_control_character_pasted_into_the_file_is_located(project, cli):
    stderr = refused_paragraph(project, cli, "Our office closes\x0b on December 24.")  # a vertical tab from a word processor
    assert ("error: issues/2026-12.yaml:13:31: articles[0].sections[0].paragraphs[0]: invisible character U+000B "
            "(a control character) — delete it") in stderr, stderr


@pytest.mark.parametrize("pasted, name", [
    ("\u200b", "U+200B ZERO WIDTH SPACE"),
    ("\u2060", "U+2060 WORD JOINER"),
    ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ("\xad", "U+00AD SOFT HYPHEN"),
    ("\U000e0049\U000e0047\U000e004e", "U+E0049 TAG LATIN CAPITAL LETTER I"),  # hidden 'IGN…' in tag letters
])
def test_invisible_characters_pasted_into_text_are_refused(project, cli, pasted, name):
    stderr = refused_paragraph(project, cli, f"Our office closes on Decem{pasted}ber 24.")
    assert f"error: {PARAGRAPH_AT}: invisible character {name} — delete it" in stderr, stderr


def test_arabic_text_and_direction_marks_are_allowed(project, cli):
    email = accepted_paragraph(project, cli, "Our Arabic page says \u200fمرحبا بكم\u200f: welcome.")
    assert "\u200fمرحبا بكم\u200f: welcome." in (email / "email.txt").read_text()


JOINED_AND_UNBROKEN = ("Persian می\u200cخواهم, a family 👨\u200d👩\u200d👧, Wales 🏴\U000e0067\U000e0062\U000e0077\U000e006c"
                       "\U000e0073\U000e007f, and 24\xa0December at 9\u202fam.")


def test_joiners_emoji_flags_and_no_break_spaces_are_allowed(project, cli):
    email = accepted_paragraph(project, cli, JOINED_AND_UNBROKEN)
    assert JOINED_AND_UNBROKEN in (email / "email.html").read_text()


@pytest.mark.parametrize("link, problem", [
    ("https://www.example.com@evil.example/hours", "a name before '@' hides the real host name of the link"),
    ("https://www.exa<mple.com/hours", "'<' cannot appear in a URL (write it as %3C)"),
    ("https://www.holiday_hours.example.com/", "expected a host name of letters, digits, hyphens and dots"),
    ("https://www.example.com/a%zz", "'%' must start an escape like %20 (write a % sign itself as %25)"),
    ('https://www.example.com/a"q', "'\"' cannot appear in a URL (write it as %22)"),
    ('https://www.example.com/a%zz"q', "'\"' cannot appear in a URL (write it as %22)"),
    ("https://www.example.com/a]b", "']' cannot appear in a URL (write it as %5D)"),
    ("https://www.example.com:/hours", "expected a port number after the host name"),
])
def test_a_link_in_text_gets_the_same_url_rules(project, cli, link, problem):
    stderr = refused_paragraph(project, cli, f"See [our hours]({link}) before you come.")
    assert f"error: {PARAGRAPH_AT}: link [our hours]: {problem}" in stderr, stderr


def test_international_addresses_are_allowed(project, cli):
    email = accepted_paragraph(project, cli, "Our partners: [Bücher](https://bücher.example/straße?seite=ä).")
    assert 'href="https://xn--bcher-kva.example/stra%C3%9Fe?seite=%C3%A4' in (email / "email.html").read_text()
    issue = project / "issues/2026-12.yaml"
    issue.write_text(issue.read_text().replace("/blog/holiday-hours", "/blog/öffnungszeiten"))
    assert cli("build", "2026-12", "--locale", "en", cwd=project).returncode == 0


def test_all_problems_of_a_file_are_reported_at_once(project, cli):
    issue = (DATA / "good-minimal.yaml").read_text()
    issue = issue.replace("date: 2026-12-15", "date: tomorrow").replace("slug: holiday-hours", "slugg: x")
    (project / "issues" / "2026-12.yaml").write_text(issue)
    result = cli("build", "2026-12", cwd=project)
    assert_clean_failure(result, project)
    assert "2:7: date: expected a date" in result.stderr
    assert "7:5: articles[0].slugg: unknown field — did you mean 'slug'?" in result.stderr
    assert "articles[0].slug: missing required field 'slug'" in result.stderr


def test_failed_build_leaves_the_previous_output_untouched(project, cli):
    assert cli("build", cwd=project).returncode == 0
    before = {p: p.read_bytes() for p in (project / "dist").rglob("*") if p.is_file()}
    issue = project / "issues" / "2026-11.yaml"
    issue.write_text(issue.read_text().replace("url: https://www.example.com/blog/", "url: www.example.com/blog/"))
    result = cli("build", cwd=project)
    assert result.returncode == 1 and "articles[0].url: expected an absolute https:// URL" in result.stderr
    after = {p: p.read_bytes() for p in (project / "dist").rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in (project / "dist").iterdir() if p.name.startswith(".")], "no temporary folder left"


def test_broken_po_file_names_the_catalog_and_line(project, cli):
    po = project / "locales/de/LC_MESSAGES/newsletter.po"
    lines = po.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith('msgstr "') and i > 20)
    lines[index] = lines[index].rstrip('"')  # a translator's lost closing quote
    po.write_text("\n".join(lines) + "\n")
    result = cli("build", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"error: locales/de/LC_MESSAGES/newsletter.po:{index + 1}:8: this quoted string has no closing quote" in result.stderr
    # it stops that language only (docs/translating.md): the others are built
    assert not (project / "dist/2026-11/de").exists() and (project / "dist/2026-11/fr/email.html").is_file()


def edit_catalog(project: Path, locale: str, change) -> int:
    """Apply `change` to the catalog's lines (it returns the 1-based line it is about)."""
    po = project / f"locales/{locale}/LC_MESSAGES/newsletter.po"
    lines = po.read_text(encoding="utf-8").splitlines()
    line = change(lines)
    po.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return line


def add_an_eighth_plural_form(lines: list[str]) -> int:
    index = next(i for i, line in enumerate(lines) if line.startswith("msgstr[1] "))
    lines.insert(index + 1, 'msgstr[7] "Tiempo de lectura: %(num)d minutitos"')
    return index + 2


def drop_msgstr_of_unsubscribe(lines: list[str]) -> int:
    index = lines.index('msgid "Unsubscribe"')
    del lines[index + 1]
    return index + 1


def start_with_a_msgid_alone(lines: list[str]) -> int:
    lines.insert(0, 'msgid "a"')
    return 1


def number_the_msgstr_of_unsubscribe(lines: list[str]) -> int:
    index = lines.index('msgid "Unsubscribe"') + 1
    lines[index] = lines[index].replace("msgstr ", "msgstr[0] ", 1)
    return index + 1


def give_unsubscribe_a_second_msgstr(lines: list[str]) -> int:
    index = lines.index('msgid "Unsubscribe"') + 1
    lines.insert(index + 1, 'msgstr "Darse de baja"')
    return index + 2


def write_the_plural_entry_as_a_singular_one(lines: list[str]) -> int:
    index = next(i for i, line in enumerate(lines) if line.startswith("msgstr[0] "))
    lines[index] = lines[index].replace("msgstr[0] ", "msgstr ", 1)
    del lines[index + 1]  # its msgstr[1]
    return index + 1


@pytest.mark.parametrize("change, message", [
    (add_an_eighth_plural_form, "msgstr[7]: Spanish has 2 plural forms (msgstr[0] and msgstr[1]) — remove the extra forms"),
    (drop_msgstr_of_unsubscribe, "msgid 'Unsubscribe' has no msgstr — add a msgstr line under it"),
    (start_with_a_msgid_alone, "msgid 'a' has no msgstr — add a msgstr line under it"),
    (number_the_msgstr_of_unsubscribe, 'msgstr[0]: numbered forms are only for an entry with msgid_plural — '
                                       'write one msgstr "…" instead'),
    (give_unsubscribe_a_second_msgstr, "msgstr: this entry already has a msgstr (line {previous}) — keep one of them"),
    (write_the_plural_entry_as_a_singular_one, 'msgstr: an entry with msgid_plural needs numbered forms — '
                                               'write msgstr[0] "…", msgstr[1] "…" and so on'),
], ids=["extra-plural-form", "missing-msgstr", "missing-msgstr-on-line-1", "numbered-singular", "two-msgstr",
        "plain-msgstr-on-plural"])
def test_po_entry_errors_are_told_in_a_translators_words(project, cli, change, message):
    line = edit_catalog(project, "es", change)
    catalog = project / "locales/es/LC_MESSAGES/newsletter.po"
    assert subprocess.run(["msgfmt", "-c", "-o", os.devnull, str(catalog)], capture_output=True).returncode == 1
    result = cli("build", "--locale", "es", "--quiet", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    message = message.format(previous=line - 1)
    assert f"error: locales/es/LC_MESSAGES/newsletter.po:{line}: {message}" in result.stderr, result.stderr
    assert " on " not in result.stderr and "num_plurals" not in result.stderr


def test_template_syntax_error_names_the_template_and_line(project, cli):
    partial = project / "templates/partials/footer.mjml.j2"
    partial.write_text(partial.read_text().replace("{{ brand.name }}", "{{ brand.name }", 1))
    result = cli("build", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(r"error: templates/partials/footer\.mjml\.j2:\d+: template error", result.stderr), result.stderr


def test_template_runtime_error_in_a_partial_names_the_partial_and_line(project, cli):
    partial = project / "templates/partials/footer.mjml.j2"
    lines = partial.read_text().splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, start=1) if "{{ brand.name }}" in line)
    lines[number - 1] = lines[number - 1].replace("{{ brand.name }}", "{{ brand.nam }}")
    partial.write_text("".join(lines))
    result = cli("build", "--locale", "en", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"error: templates/partials/footer.mjml.j2:{number}: template error: " in result.stderr, result.stderr
    assert "has no attribute 'nam'" in result.stderr


def test_a_python_error_inside_a_template_expression_is_located_too(project, cli):
    partial = project / "templates/partials/footer.mjml.j2"
    lines = partial.read_text().splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, start=1) if "{{ brand.name }}" in line)
    lines[number - 1] = lines[number - 1].replace("{{ brand.name }}", "{{ brand.name + 1 }}")
    partial.write_text("".join(lines))
    result = cli("build", "--locale", "en", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"error: templates/partials/footer.mjml.j2:{number}: template error: TypeError: " in result.stderr


def test_unknown_locale_in_settings_is_located(project, cli):
    settings = project / "newsletter.yaml"
    settings.write_text(settings.read_text().replace("[es, fr, de, ar, zh_Hans]", "[es, fr, xx]"))
    result = cli("build", cwd=project)
    assert result.returncode == 1
    assert re.search(r"error: newsletter\.yaml:\d+:\d+: target_locales\[\d+\]: unknown locale 'xx'", result.stderr)


def test_empty_settings_file_gets_a_hint_about_settings(project, cli):
    (project / "newsletter.yaml").write_text("# emptied by mistake\n")
    result = cli("build", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: newsletter.yaml:1:1: the file is empty — fill in brand, sender, postal_address")
    assert "issue" not in result.stderr


@pytest.mark.parametrize("args, message", [
    (["build", "--locale", "klingon"], "unknown locale 'klingon'"),
    (["build", "1999-01"], "no issue '1999-01'"),
    (["build", "--colour"], "unrecognized arguments"),
])
def test_usage_errors_exit_2(project, cli, args, message):
    result = cli(*args, cwd=project)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["build"], ["export", "2026-11", "--skip-external-checks"]], ids=["build", "export"])
@pytest.mark.parametrize("out", ["taken", "taken/2026"])
def test_an_output_folder_that_is_a_file_is_one_line(project, cli, command, out):
    (project / "taken").write_text("notes\n")
    result = cli(*command, "--locale", "en", "--out", out, "--quiet", cwd=project)
    assert result.returncode == 1, result.stderr
    assert result.stderr == f"error: {out}: cannot write there (taken is a file, not a folder) — choose another --out\n"
    assert (project / "taken").read_text() == "notes\n"


def test_a_file_that_cannot_be_read_is_one_line(project, cli):
    (project / "issues/2026-12.yaml").mkdir()  # a folder where an issue file should be
    result = cli("build", "--quiet", cwd=project)
    assert result.returncode == 1
    assert result.stderr == ("error: issues/2026-12.yaml: cannot be read: is a directory"
                             " — an issue is one YAML file the build can read\n")


def test_output_cut_short_by_a_closed_pipe_is_quiet(project):
    """`newsletter i18n status --format json | head -1`: the reader has gone before the output is written."""
    reader, writer = os.pipe()
    os.close(reader)
    done = subprocess.run([sys.executable, "-m", "newsletter", "i18n", "status", "--format", "json"], stdout=writer,
                          stderr=subprocess.PIPE, text=True, cwd=project, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    os.close(writer)
    assert done.returncode == 141 and done.stderr == ""


@pytest.mark.parametrize(("line", "advice"), [
    ("\ttitle: Exosomes", "YAML indents with spaces, never tabs"),
    ("    title: Exosomes: what they do", "put the text in double quotes"),
    ("      title: Exosomes", "check the indentation"),
])
def test_a_yaml_syntax_error_gets_the_advice_for_what_broke_that_line(line, advice):
    """YAML 1.1 (https://yaml.org/spec/1.1/#id871998): tabs never indent; a ': ' in plain text starts a mapping value."""
    from newsletter.errors import NewsletterError
    from newsletter.model.yamlsource import compose_text
    text = f"id: 2026-12\narticles:\n  - slug: a\n    summary: Short\n{line}\n"
    with pytest.raises(NewsletterError) as raised:
        compose_text(text, "issues/2026-12.yaml")
    problem = str(raised.value.problems[0])
    assert problem.startswith("issues/2026-12.yaml:5:") and advice in problem, problem
