"""A flood of problems is told by its first twenty and one count, not one line each (20,000 unknown keys
printed 20,000 lines before)."""

from __future__ import annotations


def test_twenty_thousand_unknown_keys_print_twenty_one_lines(cli, project):
    issue = project / "issues" / "2026-11.yaml"
    issue.write_text(issue.read_text("utf-8") + "".join(f"junk_key_{n}: 1\n" for n in range(20_000)), "utf-8")
    result = cli("build", "2026-11", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 21, result.stderr[-2000:]
    assert errors[0].endswith(": junk_key_0: unknown field — known fields: id, date, subject, preheader, intro, articles")
    assert errors[-1] == "error: … and 19980 more problems not shown — fix the ones above and run again"
