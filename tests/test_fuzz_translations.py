"""Mutated PO entries, as a careless or hostile translator might write them.

Seeded and deterministic: a bounded number of cases, each under a time limit. Whatever the
mutation (markup, attributes, placeholders, `%`, template syntax, plural headers, PO syntax),
`i18n check` and the build end with located problems in the PO file and never with a traceback,
a hang or a template blamed; the build refuses only what `i18n check` reports; and the email
carries not one element or attribute that the unmutated email does not.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from newsletter.errors import NewsletterError
from newsletter.i18n.catalog_qa import check_catalogs
from newsletter.i18n.translator import translator_for
from newsletter.model.content import find_issue, load_issue
from newsletter.project import load_settings
from newsletter.render import render_email
from tests.conftest import PROJECT_FILES, REPO

SEED = 17
CASES = 80
SECONDS_PER_CASE = 20  # a case takes well under a second; only a hang comes near this
SPANISH = "locales/es/LC_MESSAGES/newsletter.po"

# What a translator may paste, type or be tricked into: markup of every kind, placeholders right and
# wrong, percent signs, template syntax, emphasis and links, invisible characters, PO escapes.
SNIPPETS = [
    '<xss onmouseover="alert(document.cookie)">', "</xss>", "<svg/onload=alert(1)>", '<img src="x"onerror=alert(1)>',
    "<img src=x onerror=alert(1) ", "<b>", "</b>", "</a>", '<a href="https://evil.example/">', "<!-- x -->",
    "<script>alert(1)</script>", '<p style="background:url(https://evil.example/p.gif)">', "<", ">", "</", "<!",
    "&lt;b&gt;", "&", "&amp;", '"', "'", "%", "100%", "%%", "%s", "%d", "% d", "%(NOMBRE)s", "%(first_name)s",
    "%(num)d", "%(num)s", "%(", "%(brand)s", "%(faq_link)s", "{% for x in y %}", "{{ brand }}", "{#", "%}", "**", "*",
    "[aquí](https://evil.example/)", "[FAQ](https://www.example.com/faq/)", "javascript:alert(1)", "\u202e",
    "\u200b", "\n", "\\", "  ", "[[unsubscribe_url]]", "[[first_name|x]]",
]
PLURAL_HEADERS = [
    "nplurals=2; plural=(n != 1;", "nplurals=2; plural=n;", "nplurals=2; plural=n%3;", "nplurals=2; plural=(n / 0);",
    "nplurals=x; plural=(n != 1);", "nplurals=1; plural=0;", "nplurals=3; plural=(n != 1);", "nplurals=2; plural=(",
    "nplurals=2; plural=(n != 1) ? 0 : 1 : 2;", "nplurals=2; plural=n > 1 ? 1 : 0;", "nplurals=2;",
]


RAW_BREAKS = ['""', '\\"', ""]  # an unescaped quote, the closing quote escaped, or lost


@dataclass
class Case:
    number: int
    description: str


def po_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def po_unquoted(quoted: str) -> str:
    from babel.messages.pofile import unescape

    return unescape(quoted)


def mutate_entry(rng: random.Random, lines: list[str]) -> str:
    """Change one msgstr line: snippets inserted, text cut, or raw PO syntax broken."""
    candidates = [i for i, line in enumerate(lines) if line.startswith("msgstr") and i > 20]
    index = rng.choice(candidates)
    keyword, quoted = lines[index].split(" ", 1)
    text = po_unquoted(quoted)
    for _ in range(rng.randint(1, 3)):
        kind = rng.random()
        if kind < 0.7:
            at = rng.randint(0, len(text))
            text = text[:at] + rng.choice(SNIPPETS) + text[at:]
        elif kind < 0.85 and text:
            start = rng.randrange(len(text))
            text = text[:start] + text[start + rng.randint(1, 12):]
        else:
            text = rng.choice(SNIPPETS) * rng.randint(1, 3)
    if rng.random() < 0.08:  # a raw quote or backslash: the PO syntax itself breaks
        lines[index] = keyword + " " + quoted[:-1] + rng.choice(RAW_BREAKS)
        return f"line {index + 1}: raw {lines[index]!r}"
    lines[index] = f"{keyword} {po_string(text)}"
    return f"line {index + 1}: {lines[index]!r}"


def mutate_header(rng: random.Random, lines: list[str]) -> str:
    index = next(i for i, line in enumerate(lines) if line.startswith('"Plural-Forms:'))
    lines[index] = f'"Plural-Forms: {rng.choice(PLURAL_HEADERS)}\\n"'
    return f"line {index + 1}: {lines[index]!r}"


def elements(html: str) -> Counter:
    """Every element of the email with its attribute names, as a browser's tokenizer reads them."""
    found: Counter = Counter()

    class Reader(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found[(tag, tuple(sorted(name for name, _ in attrs)))] += 1

        handle_startendtag = handle_starttag

    Reader().feed(html)
    return found


class CaseTimedOut(Exception):
    pass


def _timed_out(signum, frame):
    raise CaseTimedOut


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz") / "project"
    root.mkdir()
    for name in PROJECT_FILES:
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / name)
    settings = load_settings(root)
    issue = load_issue(find_issue(settings, "2026-11"), settings)
    return settings, issue, (root / SPANISH).read_text(encoding="utf-8")


def run_case(settings, issue, po: Path, text: str, number: int) -> tuple[list, object, NewsletterError | None]:
    """`newsletter i18n check` and the Spanish render of the build, in this process, on the mutated catalog."""
    po.write_text(text, encoding="utf-8")
    os.utime(po, ns=(number, 10**18 + number))  # a new version for the catalog cache, whatever the clock
    try:
        findings = check_catalogs(settings, ["es"])
    except NewsletterError as error:
        findings = error
    try:
        return findings, render_email(issue, settings, "es", translator_for(settings, "es")), None
    except NewsletterError as error:
        return findings, None, error


def test_mutated_translations_never_break_the_email_nor_blame_a_template(sample):
    settings, issue, original = sample
    po = settings.root / SPANISH
    _, baseline, _ = run_case(settings, issue, po, original, 0)
    expected, outcomes = elements(baseline.html), Counter()
    previous = signal.signal(signal.SIGALRM, _timed_out)
    try:
        for number in range(1, CASES + 1):
            rng = random.Random(SEED * 100_000 + number)
            lines = original.split("\n")
            mutate = mutate_header if rng.random() < 0.1 else mutate_entry
            case = Case(number, mutate(rng, lines))
            signal.alarm(SECONDS_PER_CASE)
            try:
                findings, email, error = run_case(settings, issue, po, "\n".join(lines), number)
            except CaseTimedOut:
                pytest.fail(f"case {case}: no answer within {SECONDS_PER_CASE} s")
            finally:
                signal.alarm(0)
            outcomes[check_outcome(case, findings, email, error, expected)] += 1
    finally:
        signal.signal(signal.SIGALRM, previous)
    # The cases reach every way a translation can end: else this test would prove nothing.
    assert {"markup", "placeholders", "catalog refused", "shipped"} <= set(outcomes), outcomes


def check_outcome(case: Case, findings, email, error: NewsletterError | None, expected: Counter) -> str:
    """How the case ended: the first check that refused the translation, "catalog refused", or "shipped"."""
    if isinstance(findings, NewsletterError):  # the file itself: i18n check and the build stop alike
        assert error is not None and str(error) == str(findings), case
    for problem in error.problems if error else ():
        assert problem.location.file == SPANISH, f"case {case}: {problem}"
    if email is None:
        return "catalog refused"
    reported = {f"{finding.file}:{finding.line}" for finding in findings}
    for fallback in email.fallbacks:
        if fallback.reason not in ("untranslated", "fuzzy"):
            assert fallback.catalog in reported, f"case {case}: the build refused what i18n check passed: {fallback}"
    assert elements(email.html) == expected, f"case {case}: {elements(email.html) - expected}"
    return findings[0].check if findings else "shipped"
