"""`newsletter new YYYY-MM [--from FILE]`: next month's issue file, ready to edit.

Without --from the file is a documented skeleton (every field, one article, comments saying what
goes where); with --from it is a copy of another issue with its id and date moved to the new
month, comments and layout kept. Either way the new file is validated like any issue before it is
written, is never written over an existing one, and appears whole or not at all.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import yaml

from newsletter.errors import Location, NewsletterError, Problem, UsageError
from newsletter.model.content import ISSUE_ID, parse_issue
from newsletter.model.schema import ISSUE_SCHEMA_LINE
from newsletter.model.settings import Settings
from newsletter.model.yamlsource import compose_text
from newsletter.output import file_mode

# An issue is a few kilobytes of text; a --from file far larger is a wrong file, not an issue.
MAX_SOURCE_BYTES = 1_000_000

PLACEHOLDER_SLUG = "your-article"  # the skeleton's article, replaced by the first `newsletter import`

SKELETON = """\
{schema_line}
# The {month} issue. Paragraphs may use **bold**, *italic* and [links](https://...); nothing else.
# After editing: newsletter preview {issue_id}, then newsletter i18n update for the translators.
id: {issue_id}
# The day the email goes out (YYYY-MM-DD); it is shown, localized, at the top of the email.
date: {date}
# The subject line: under about 60 characters, so phones show all of it.
subject: "Our {month} newsletter"
# The line inboxes show after the subject: 40 to 130 characters that make people open it.
preheader: "What is new at {brand} this month, in a few short reads."
# A few sentences at the top of the email, before the articles.
intro: >-
  Write a short welcome here: what this month's issue is about and why it matters to readers.

articles:
  # One entry per blog article; `newsletter import POST.html --issue {issue_id}` adds one from its page
  # (the first import takes the place of this example).
  - slug: {placeholder_slug}  # lowercase words joined by hyphens, unique in the issue
    title: The Title of Your Article
    url: {article_url}  # the article on the website, https://
    # image: optional; width in pixels up to 600, alt text says what the picture shows
    # image: {{src: https://..., alt: What the picture shows, width: 600, height: 300}}
    # summary: optional; sends these few sentences and a "Read the full article" button instead of the text
    sections:
      - paragraphs:  # the opening, without a heading
          - The first paragraph of the article.
      - heading: A Section Heading
        # blocks, in reading order (docs/articles.md): paragraph, bullets, numbered, quote (with by:),
        # image (src, alt, width, height, caption, link), subheading (level: 3 or 4), table (header, rows),
        # code (never translated) and divider
        blocks:
          - paragraph: A paragraph under the heading.
          - bullets:
              - A point in a bulleted list.
              - text: A point with a list inside it
                numbered: [The first step, The second step]
          - subheading: A Sub-heading
          - quote: Words quoted from someone else.
            by: Who said them
          - divider
          - table:
              header: [Treatment, Recovery time]
              rows:
                - [A treatment, About a week]
"""


@dataclass(frozen=True)
class NewIssue:
    path: Path
    display: str  # issues/2026-12.yaml, as users see it
    issue_id: str


def create_issue(settings: Settings, issue_id: str, source: Path | None = None) -> NewIssue:
    """Write issues/<issue_id>.yaml from the skeleton, or from `source` with id and date moved."""
    display = f"issues/{issue_id}.yaml"
    if not ISSUE_ID.match(issue_id):
        raise UsageError(Problem(Location(display), f"expected an issue id like 2026-12 (year-month), got {issue_id!r}",
                                 "name the month the issue is sent: newsletter new 2026-12"))
    path = settings.issues_dir / f"{issue_id}.yaml"
    _refuse_existing(path, display)
    if source is None:
        text, shown = skeleton(settings, issue_id), display
    else:
        shown = _shown(source)
        text = moved_copy(_read_source(source, shown), shown, issue_id)
    parse_issue(compose_text(text, shown), shown, issue_id)  # a copy of a broken issue is refused, located in it
    if not text.startswith(ISSUE_SCHEMA_LINE):  # editors complete fields from the schema this line names
        text = f"{ISSUE_SCHEMA_LINE}\n{text}"
    _write_new(path, text.encode(), display)
    return NewIssue(path, display, issue_id)


def skeleton(settings: Settings, issue_id: str) -> str:
    year, month = int(issue_id[:4]), int(issue_id[5:])
    return SKELETON.format(schema_line=ISSUE_SCHEMA_LINE, placeholder_slug=PLACEHOLDER_SLUG,
                           issue_id=issue_id, date=dt.date(year, month, 1).isoformat(),
                           month=f"{calendar.month_name[month]} {year}", brand=settings.brand.name,
                           article_url=urljoin(settings.brand.website, f"blog/{PLACEHOLDER_SLUG}"))


def _refuse_existing(path: Path, display: str) -> None:
    if path.exists():
        raise NewsletterError(Problem(Location(display), "already exists",
                                      "edit it, or choose another month (newsletter new never writes over an issue)"))


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def _read_source(source: Path, shown: str) -> str:
    try:
        if source.stat().st_size > MAX_SOURCE_BYTES:
            raise NewsletterError(Problem(Location(shown), f"larger than {MAX_SOURCE_BYTES // 1000} KB, too large for "
                                          "an issue", "give --from an issue file such as issues/2026-11.yaml"))
        return source.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise NewsletterError(Problem(Location(shown), f"not UTF-8 text ({error.reason})",
                                      "give --from an issue file such as issues/2026-11.yaml")) from None
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise NewsletterError(Problem(Location(shown), f"cannot be read: {reason}",
                                      "give --from an issue file such as issues/2026-11.yaml")) from None


def moved_copy(text: str, shown: str, issue_id: str) -> str:
    """The issue text with its `id` and `date` values replaced in place (comments and layout kept):
    the same day of the month in the new month, or its last day when the month is shorter."""
    root = compose_text(text, shown)
    values = _top_values(root, shown)
    year, month = int(issue_id[:4]), int(issue_id[5:])
    day = _source_day(values["date"], shown)
    date = dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))
    lines = text.split("\n")
    for key, new in sorted((("id", issue_id), ("date", date.isoformat())), key=lambda kv: -values[kv[0]].start_mark.index):
        lines = _replace_value(lines, values[key], new)
    return "\n".join(lines)


def _top_values(root: yaml.Node, shown: str) -> dict[str, yaml.ScalarNode]:
    found = {}
    if isinstance(root, yaml.MappingNode):
        found = {key.value: value for key, value in root.value if isinstance(value, yaml.ScalarNode)}
    for key in ("id", "date"):
        if key not in found or found[key].start_mark.line != found[key].end_mark.line:
            raise NewsletterError(Problem(Location(shown, 1, 1, key), f"no one-line '{key}:' at the top level to move to "
                                          "the new month", "give --from an issue file such as issues/2026-11.yaml"))
    return found


def _source_day(node: yaml.ScalarNode, shown: str) -> int:
    try:
        return dt.date.fromisoformat(node.value).day
    except ValueError:
        mark = node.start_mark
        raise NewsletterError(Problem(Location(shown, mark.line + 1, mark.column + 1, "date"),
                                      f"expected a date like 2026-11-25, got {node.value!r}",
                                      "fix the date in the issue you copy from")) from None


def _replace_value(lines: list[str], node: yaml.ScalarNode, new: str) -> list[str]:
    start, end = node.start_mark, node.end_mark
    line = lines[start.line]
    return [*lines[:start.line], line[:start.column] + new + line[end.column:], *lines[start.line + 1:]]


def _write_new(path: Path, data: bytes, display: str) -> None:
    """The file appears complete, and only if nothing is there: written beside it, then hard-linked
    into place (a link never replaces an existing file, unlike a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, file_mode(path))  # a new file's mode, not the temporary file's 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.link(temp, path)
    except FileExistsError:
        _refuse_existing(path, display)
        raise
    finally:
        Path(temp).unlink(missing_ok=True)


def next_steps(created: NewIssue) -> str:
    steps = [(f"edit {created.display}", "editors with YAML support complete its fields from schema/"),
             (f"newsletter import POST.html --issue {created.issue_id}", "bring in a blog post from its saved page"),
             (f"newsletter preview {created.issue_id}", "see it in every language while you write"),
             ("newsletter i18n extract", "hand the new text to the translators (then: newsletter i18n update)")]
    width = max(len(command) for command, _ in steps)
    return "\n".join([f"wrote {created.display}", "next:", *(f"  {command.ljust(width)}   {why}" for command, why in steps)])
