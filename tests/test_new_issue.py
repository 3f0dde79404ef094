"""Marketing starts a month with `newsletter new`: a documented skeleton, or last month's issue moved on."""

from __future__ import annotations

from pathlib import Path

from newsletter.authoring.scaffold import MAX_SOURCE_BYTES


def test_a_new_issue_from_the_skeleton_builds_and_says_what_to_do_next(project, cli):
    result = cli("new", "2026-12", cwd=project)
    assert result.returncode == 0, result.stderr
    text = (project / "issues/2026-12.yaml").read_text(encoding="utf-8")
    assert "id: 2026-12" in text and "date: 2026-12-01" in text
    for field in ("subject:", "preheader:", "intro:", "articles:", "slug:", "title:", "url:", "sections:", "heading:"):
        assert field in text
    assert "newsletter preview 2026-12" in result.stdout and "newsletter i18n extract" in result.stdout
    built = cli("build", "2026-12", "--locale", "en", cwd=project)
    assert built.returncode == 0, built.stderr
    assert "The Title of Your Article" in (project / "dist/2026-12/en/email.txt").read_text(encoding="utf-8")


def test_new_never_writes_over_an_issue(project, cli):
    before = (project / "issues/2026-11.yaml").read_bytes()
    result = cli("new", "2026-11", cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["error: issues/2026-11.yaml: already exists — edit it, or choose another month "
                                          "(newsletter new never writes over an issue)"]
    assert (project / "issues/2026-11.yaml").read_bytes() == before


def test_from_copies_an_issue_with_only_its_id_and_date_moved(project, cli):
    result = cli("new", "2027-02", "--from", "issues/2026-11.yaml", cwd=project)
    assert result.returncode == 0, result.stderr
    old = (project / "issues/2026-11.yaml").read_text(encoding="utf-8").splitlines()
    new = (project / "issues/2027-02.yaml").read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(old, new) if a != b]
    assert len(old) == len(new)
    assert changed == [("id: 2026-11", "id: 2027-02"), ("date: 2026-11-25", "date: 2027-02-25")]
    assert cli("build", "2027-02", "--locale", "en", "-q", cwd=project).returncode == 0


def test_a_day_the_new_month_lacks_becomes_its_last_day(project, cli):
    source = project / "january.yaml"
    text = (project / "issues/2026-11.yaml").read_text(encoding="utf-8")
    source.write_text(text.replace("id: 2026-11", "id: 2027-01").replace("date: 2026-11-25", "date: 2027-01-31"))
    assert cli("new", "2027-02", "--from", "january.yaml", cwd=project).returncode == 0
    assert "date: 2027-02-28" in (project / "issues/2027-02.yaml").read_text(encoding="utf-8")


def test_a_broken_source_is_refused_where_it_is_broken_and_nothing_is_written(project, cli):
    broken = Path(__file__).parent / "data" / "bad-http-url.yaml"
    result = cli("new", "2027-03", "--from", str(broken), cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {broken}:") and "articles[0].url" in line
    assert not (project / "issues/2027-03.yaml").exists()
    assert [p.name for p in (project / "issues").iterdir()] == ["2026-11.yaml"]  # no temporary file left


def test_bad_month_missing_source_and_oversized_source_are_one_line_each(project, cli):
    assert cli("new", "2027-13", cwd=project).returncode == 2
    missing = cli("new", "2027-03", "--from", "nowhere.yaml", cwd=project)
    assert missing.stderr == ("error: nowhere.yaml: cannot be read: no such file or directory — give --from an issue "
                              "file such as issues/2026-11.yaml\n")
    huge = project / "huge.yaml"
    huge.write_text("# " + "x" * MAX_SOURCE_BYTES + "\n")
    oversized = cli("new", "2027-03", "--from", "huge.yaml", cwd=project)
    assert oversized.returncode == 1 and len(oversized.stderr.splitlines()) == 1 and "too large" in oversized.stderr
    assert not (project / "issues/2027-03.yaml").exists()


def test_the_skeleton_shows_the_blocks_a_section_may_hold_and_they_build(project, cli):
    """issue 20: `newsletter new` knows the article model's blocks (docs/articles.md)."""
    assert cli("new", "2026-12", cwd=project).returncode == 0
    text = (project / "issues/2026-12.yaml").read_text(encoding="utf-8")
    for block in ("blocks:", "- paragraph:", "- bullets:", "numbered:", "- subheading:", "- quote:", "by:",
                  "- divider", "- table:", "# summary:"):
        assert block in text, block
    assert cli("build", "2026-12", "--locale", "en", cwd=project).returncode == 0
    html = (project / "dist/2026-12/en/email.html").read_text(encoding="utf-8")
    assert "<ul" in html and "<ol" in html and "<blockquote" in html and "<h3" in html and "<th scope" in html
