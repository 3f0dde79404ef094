"""The issue model and its loading: issues/<id>.yaml → a validated Issue.

Every human-readable string is a `Text` that remembers its line and its role, so the
extractor can point translators at it and errors can point marketing at it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import ClassVar

import yaml

from newsletter.errors import Location, NewsletterError, Problem, ProblemList, UsageError, quoted
from newsletter.model.blockreader import INLINE_HINT, Place, read_blocks, read_text
from newsletter.model.blocks import INLINE_RULE, MAX_IMAGE_HEIGHT, MAX_IMAGE_WIDTH, Block, Code, Paragraph, Text
from newsletter.model.fieldspec import derived, spec, yaml_keys
from newsletter.model.inline import URL_PATTERN, inline_problems
from newsletter.model.settings import Settings
from newsletter.model.yamlsource import Fields, compose

ISSUE_ID = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
WORDS_PER_MINUTE = 200
# Chinese and Japanese are read by the character: 500 a minute, the rate Medium's read time uses for them
# (https://help.medium.com/hc/en-us/articles/214991667-Read-time), within the 400–600 that studies of silent
# reading in either language find. Hiragana, katakana (full and half width) and the CJK ideographs count.
CHARACTERS_PER_MINUTE = 500
_WORD = re.compile(r"\w")  # a word has a letter or a digit: a dash or a full stop alone is none
_CHINESE_JAPANESE = re.compile("[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
                               "\U00020000-\U0003134f]")



@dataclass(frozen=True)
class Image:
    src: str = field(metadata=spec("The image's address (https://).", pattern=URL_PATTERN))
    alt: Text = field(metadata=spec("What the picture shows, for people who cannot see it (translated)."))
    width: int = field(metadata=spec("Width in pixels as shown in the email.", minimum=1, maximum=MAX_IMAGE_WIDTH))
    height: int | None = field(metadata=spec("Height in pixels.", minimum=1, maximum=MAX_IMAGE_HEIGHT))


@dataclass(frozen=True)
class Section:
    heading: Text | None = field(metadata=spec("The section's heading; leave it out for the opening paragraphs."))
    paragraphs: tuple[Text, ...] = field(default=(), metadata=spec(
        f"The section's paragraphs, when it holds nothing else (or use blocks). {INLINE_RULE}"))
    blocks: tuple[Block, ...] = field(default=(), metadata=spec(
        "What the section holds, in order: paragraph, bullets, numbered, quote, image, subheading, table, code "
        "and divider blocks."))
    yaml_one_of: ClassVar[tuple[str, ...]] = ("paragraphs", "blocks")

    @property
    def content(self) -> tuple[Block, ...]:
        """The section's blocks in order; a section written with `paragraphs:` holds paragraphs only."""
        return self.blocks or tuple(Paragraph(p) for p in self.paragraphs)

    def texts(self) -> Iterator[Text]:
        if self.heading:
            yield self.heading
        for block in self.content:
            yield from block.texts()

    def map_texts(self, change: Callable[[Text], Text]) -> Section:
        return Section(change(self.heading) if self.heading else None, tuple(change(p) for p in self.paragraphs),
                       tuple(b.map_texts(change) for b in self.blocks))


@dataclass(frozen=True)
class Article:
    slug: str = field(metadata=spec("A short name for the article, unique in the issue: lowercase words joined by "
                                     "hyphens.", pattern=SLUG.pattern))
    title: Text = field(metadata=spec("The article's title."))
    url: str = field(metadata=spec("The article on the website (https://).", pattern=URL_PATTERN))
    image: Image | None = field(metadata=spec("A picture shown above the article."))
    sections: tuple[Section, ...] = field(metadata=spec("The article's text: sections of paragraphs, each under an "
                                                        "optional heading."))
    summary: Text | None = field(default=None, metadata=spec(
        "Send the article as this summary (a few sentences), with a 'Read the full article' button to its url, "
        f"instead of its whole text; leave it out to send the whole article. {INLINE_RULE}"))
    # Counted once, in the source text, for every locale: they all read the same article.
    reading_minutes: int = field(default=1, metadata=derived())

    @property
    def shown_sections(self) -> tuple[Section, ...]:
        """The sections the email shows: none when the article is sent as its summary."""
        return () if self.summary else self.sections

    def texts(self) -> Iterator[Text]:
        """The article's strings the email shows, in reading order (a summary stands for the text)."""
        yield self.title
        if self.image:
            yield self.image.alt
        if self.summary:
            yield self.summary
        for section in self.shown_sections:
            yield from section.texts()


def reading_minutes(sections: tuple[Section, ...]) -> int:
    """Minutes to read the article's text: Chinese and Japanese by their characters (they have no spaces
    between words), everything else by its words."""
    texts = [text.value for section in sections for block in section.content for text in block.texts()]
    characters = sum(len(_CHINESE_JAPANESE.findall(text)) for text in texts)
    words = sum(1 for text in texts for word in _CHINESE_JAPANESE.sub(" ", text).split() if _WORD.search(word))
    return max(1, round(words / WORDS_PER_MINUTE + characters / CHARACTERS_PER_MINUTE))


@dataclass(frozen=True)
class Issue:
    id: str = field(metadata=spec("The issue's month, as in its file name: YYYY-MM.", pattern=ISSUE_ID.pattern))
    date: dt.date = field(metadata=spec("The day the email goes out: YYYY-MM-DD.", format="date"))
    subject: Text = field(metadata=spec("The subject line; under about 60 characters shows whole on phones."))
    preheader: Text = field(metadata=spec("The line inboxes show after the subject (40 to 130 characters)."))
    intro: Text = field(metadata=spec(f"A few sentences at the top of the email. {INLINE_RULE}"))
    articles: tuple[Article, ...] = field(metadata=spec("The blog articles of the issue, in order."))
    file: str = field(metadata=derived())  # as users see it: issues/2026-11.yaml

    def texts(self) -> Iterator[Text]:
        """Every translatable string, in reading order."""
        yield self.subject
        yield self.preheader
        yield self.intro
        for article in self.articles:
            yield from article.texts()

    def code_blocks(self) -> Iterator[Code]:
        """The code blocks the email shows: text never translated, so not among texts()."""
        for article in self.articles:
            for section in article.shown_sections:
                yield from (block for block in section.content if isinstance(block, Code))

    def block_kinds(self) -> frozenset[str]:
        """The kinds of block the issue's articles hold (paragraph, list, quote, …): the email's styles for a
        kind are written only when some article uses it."""
        return frozenset(block.kind for article in self.articles for section in article.sections
                         for block in section.content)

    def table_layouts(self) -> frozenset[str]:
        """How the issue's tables are shown (Table.layout): the phone's rules are written only when one needs them."""
        return frozenset(block.layout for article in self.articles for section in article.sections
                         for block in section.content if block.kind == "table")

    def map_texts(self, change: Callable[[Text], Text]) -> Issue:
        """The same issue with every translatable string passed through `change` (localization)."""
        return replace(
            self,
            subject=change(self.subject),
            preheader=change(self.preheader),
            intro=change(self.intro),
            articles=tuple(_map_article(a, change) for a in self.articles),
        )


def _map_article(article: Article, change: Callable[[Text], Text]) -> Article:
    image = replace(article.image, alt=change(article.image.alt)) if article.image else None
    sections = tuple(section.map_texts(change) for section in article.sections)
    summary = change(article.summary) if article.summary else None
    return replace(article, title=change(article.title), image=image, sections=sections, summary=summary)


def issue_paths(settings: Settings) -> list[Path]:
    return sorted(settings.issues_dir.glob("*.yaml"))


def find_issue(settings: Settings, issue_id: str) -> Path:
    """The file of an issue named on the command line by its id (2026-11) or its file (issues/2026-11.yaml)."""
    known = ", ".join(p.stem for p in issue_paths(settings)) or "none"
    if not ISSUE_ID.match(issue_id):
        as_file = Path(issue_id)
        if as_file.suffix != ".yaml" or as_file.absolute().parent.resolve() != settings.issues_dir.resolve():
            raise UsageError(Problem(Location(quoted(issue_id)), "not an issue: expected an id like 2026-11 or a file "
                                     "in issues/", f"known issues: {known}"))
        issue_id = as_file.stem
    path = settings.issues_dir / f"{issue_id}.yaml"
    if not path.is_file():
        raise UsageError(Problem(Location(f"issues/{issue_id}.yaml"), f"no issue '{issue_id}'",
                                 f"known issues: {known}"))
    return path


def load_issue(path: Path, settings: Settings) -> Issue:
    """Read and fully validate one issue file; all its problems are raised together.

    Parsed issues are kept per file version, so rebuilds and the preview skip unchanged files.
    """
    display = _inside_project(path, settings)
    stat = path.stat()
    if not (S_ISREG(stat.st_mode) or S_ISDIR(stat.st_mode)):  # a pipe or a device would block the read or never end
        raise NewsletterError(Problem(Location(display), "cannot be read: not a regular file",
                                      "an issue is one YAML file the build can read"))
    return _load_issue_version(path, stat.st_mtime_ns, stat.st_size, display)


def _inside_project(path: Path, settings: Settings) -> str:
    """The issue's path as users see it; refused when it is a link that leads out of the project, so that
    no command or preview page ever shows (as a YAML error) a file that is not the project's own."""
    try:
        display = path.relative_to(settings.root).as_posix()
    except ValueError:
        display = settings.relative(path)
    if not path.resolve().is_relative_to(settings.root.resolve()):
        raise NewsletterError(Problem(Location(display), "a link to a file outside the project",
                                      "copy the issue into issues/ instead of linking to it"))
    return display


@lru_cache(maxsize=256)
def _load_issue_version(path: Path, mtime_ns: int, size: int, display: str) -> Issue:
    return parse_issue(compose(path, display), display, path.stem)


def parse_issue(root: yaml.Node, display: str, stem: str) -> Issue:
    problems = ProblemList()
    top = Fields(root, display, "", problems, yaml_keys(Issue))
    issue = _read_issue(top, display, stem)
    problems.raise_if_any()
    return issue


def _read_issue(top: Fields, display: str, stem: str) -> Issue | None:
    issue_id = top.text("id")
    if issue_id and not ISSUE_ID.match(issue_id):
        top.problems.add(top.location("id"), f"expected an id like 2026-11 (year-month), got {quoted(issue_id)}")
    elif issue_id and issue_id != stem:
        top.problems.add(top.location("id"), f"the id {quoted(issue_id)} does not match the file name",
                         f"rename the file to issues/{issue_id}.yaml or set id: {stem}")
    where = f"Issue {issue_id}"
    subject = read_text(top, "subject", "email subject", f"{where}: subject line of the email")
    preheader = read_text(top, "preheader", "email preheader",
                      f"{where}: preheader, the preview line shown after the subject in the inbox")
    intro = read_text(top, "intro", None, f"{where}: introduction at the top of the email")
    date = top.date("date")
    articles = tuple(_read_article(node, path, top, where) for node, path in top.sequence("articles"))
    _check_unique_slugs(articles, top)
    if None in (issue_id, date, subject, preheader, intro) or None in articles:
        return None
    return Issue(issue_id, date, subject, preheader, intro, articles, display)


def _read_article(node, path: str, top: Fields, where: str) -> Article | None:
    fields = Fields(node, top.file, path, top.problems, yaml_keys(Article))
    slug = fields.text("slug")
    if slug and not SLUG.match(slug):
        fields.problems.add(fields.location("slug"), f"expected a slug like 'exosomes-in-plastic-surgery', got {quoted(slug)}",
                            "use lowercase letters, digits and hyphens")
        slug = None
    title = read_text(fields, "title", "article title", f"{where}: title of article '{slug}'")
    label = title.value if title else slug
    image = _read_image(fields, f"{where}: description of the image of article '{label}' (alt text)")
    sections = tuple(_read_section(n, p, fields, where, label, i)
                     for i, (n, p) in enumerate(fields.sequence("sections")))
    summary = read_text(fields, "summary", "article summary", f"{where}: summary of article '{label}', sent in place "
                        "of its text", required=False)
    url = fields.url("url")
    if None in (slug, title, url) or None in sections or image is False or ("summary" in fields.values and not summary):
        return None
    return Article(slug, title, url, image, sections, summary, reading_minutes(sections))


def _read_image(article: Fields, comment: str) -> Image | None | bool:
    """The optional image; False when it is present but invalid."""
    fields = article.mapping("image", yaml_keys(Image), required=False)
    if fields is None:
        return None
    src, alt = fields.url("src"), read_text(fields, "alt", "image alt text", comment)
    width = fields.integer("width", required=True, maximum=MAX_IMAGE_WIDTH)
    height = fields.integer("height", maximum=MAX_IMAGE_HEIGHT)
    if None in (src, alt, width):
        return False
    return Image(src, alt, width, height)


def _read_section(node, path: str, article: Fields, where: str, title: str | None, index: int) -> Section | None:
    fields = Fields(node, article.file, path, article.problems, yaml_keys(Section))
    heading = read_text(fields, "heading", "section heading",
                        f"{where}: heading of section {index + 1} of article '{title}'", required=False)
    place = Place(where, f"'{heading.value}'" if heading else f"the opening of article '{title}'")
    if "blocks" in fields.values:
        if "paragraphs" in fields.values:
            fields.problems.add(fields.location("paragraphs"), "a section holds either 'paragraphs:' or 'blocks:'",
                                "write each paragraph as a '- paragraph: …' block")
        blocks, paragraphs = read_blocks(fields, place), ()
    else:
        blocks, paragraphs = (), _read_paragraphs(fields, place)
    if (fields.values.get("heading") is not None and heading is None) or blocks is None:
        return None
    return Section(heading, paragraphs, blocks)


def _read_paragraphs(fields: Fields, place: Place) -> tuple[Text, ...]:
    paragraphs = []
    for number, (value, location) in enumerate(fields.text_list("paragraphs"), start=1):
        for message in inline_problems(value):
            fields.problems.add(location, message, INLINE_HINT)
        paragraphs.append(Text(value, location.line, None, place.comment(f"paragraph {number}")))
    return tuple(paragraphs)


def _check_unique_slugs(articles: tuple[Article | None, ...], top: Fields) -> None:
    seen: set[str] = set()
    for article in articles:
        if article and article.slug in seen:
            top.problems.add(top.location("articles"), f"two articles share the slug {article.slug!r}",
                             "give each article its own slug")
        if article:
            seen.add(article.slug)


def read_issues(settings: Settings, issue_ids: list[str] | None = None) -> tuple[list[Issue], list[Problem]]:
    """Every issue that loads, and the problems of those that do not: each issue stands alone, so an
    unfinished draft of next month does not hold this month's issue back."""
    paths = [find_issue(settings, i) for i in issue_ids] if issue_ids else issue_paths(settings)
    if not paths:
        raise NewsletterError(Problem(Location("issues/"), "no issue files found",
                                      "add an issue such as issues/2026-11.yaml"))
    issues, problems = [], []
    for path in paths:
        try:
            issues.append(load_issue(path, settings))
        except NewsletterError as error:
            problems.extend(error.problems)
        except OSError as error:  # a folder named like an issue, a file without read permission
            reason = (error.strerror or str(error)).lower()
            problems.append(Problem(Location(settings.relative(path)), f"cannot be read: {reason}",
                                    "an issue is one YAML file the build can read"))
    return issues, problems


def load_issues(settings: Settings, issue_ids: list[str] | None = None) -> list[Issue]:
    """Every issue, or every problem of every broken one."""
    issues, problems = read_issues(settings, issue_ids)
    if problems:
        raise NewsletterError(problems)
    return issues
