"""Fuzzing the issue file: the sample issue, mutated the ways hostile or unlucky YAML goes wrong
(aliases that contain themselves or multiply, control characters, deep nesting, tags, cut and
doubled lines). Seeded, so a failure can be replayed; each case has its own time limit.

Every case must end as a valid issue or as NewsletterError's located one-line problems — never
another exception (a traceback for the user) and never a hang.
"""

from __future__ import annotations

import io
import random

import pytest

from newsletter.errors import MESSAGE_LIMIT, NewsletterError
from newsletter.i18n.extract import extract_issue_yaml
from newsletter.i18n.translator import translator_for
from newsletter.model.content import parse_issue
from newsletter.model.yamlsource import compose
from newsletter.project import load_settings
from newsletter.render import render_email
from tests.conftest import REPO
from tests.yaml_mutations import replaced, self_references, time_limit, values

SAMPLE = (REPO / "issues/2026-11.yaml").read_text(encoding="utf-8")
DISPLAY = "issues/2026-11.yaml"
CASES = 300
SECONDS_PER_CASE = 10  # a generous bound against a hang; a case takes milliseconds
YAML_PUNCTUATION = ["&x ", "*x", "!", "!!python/object/apply:os.system ['true']", "%YAML 1.1\n", "{", "}", "[", "]",
                    "? ", ": ", "|", ">", "---\n", "...\n", "\t", "#", "'", '"', "\\", "- ", "<<: *x", "\ufeff"]
CONTROL = [chr(code) for code in (*range(0, 9), 11, 12, *range(14, 32), 127, 0x85, 0x2028, 0xFFFE, 0xD800)]


def self_reference(rng: random.Random, text: str) -> str:
    return rng.choice(self_references(text, rng.choice(values(text))))


def alias_bomb(rng: random.Random, text: str) -> str:
    width, levels = rng.randint(2, 60), rng.randint(1, 6)
    lines = [f"b0: &b0 [{', '.join(['lol'] * width)}]"]
    lines += [f"b{n}: &b{n} [{', '.join([f'*b{n - 1}'] * width)}]" for n in range(1, levels + 1)]
    prefix = "\n".join(lines) + "\n"
    return prefix + replaced(text, rng.choice(values(text)), f"*b{rng.randint(0, levels)}")


def control_character(rng: random.Random, text: str) -> str:
    at = rng.randrange(len(text))
    return text[:at] + rng.choice(CONTROL) + text[at:]


def deep_nesting(rng: random.Random, text: str) -> str:
    depth = rng.choice([50, 500, 999, 1001, 5000])
    if rng.random() < 0.5:
        nested = "[" * depth + "x" + "]" * depth
    else:  # block style: one more level of indentation per line
        nested = "\n" + "".join(f"{'  ' * level}- \n" for level in range(min(depth, 400))) + "  " * min(depth, 400) + "x"
    return replaced(text, rng.choice(values(text)), nested)


def punctuation(rng: random.Random, text: str) -> str:
    at = rng.randrange(len(text))
    return text[:at] + rng.choice(YAML_PUNCTUATION) + text[at:]


def cut_or_double(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    at = rng.randrange(len(lines))
    if rng.random() < 0.5:
        return "".join(lines[:at] + lines[at + rng.randint(1, 5):])
    return "".join(lines[:at] + [lines[at]] * rng.randint(2, 50) + lines[at:])


MUTATIONS = [self_reference, alias_bomb, control_character, deep_nesting, punctuation, cut_or_double]


def mutated(seed: int) -> str:
    """The sample issue with one to three mutations, the same ones for the same seed."""
    rng, text = random.Random(seed), SAMPLE
    for _ in range(rng.randint(1, 3)):
        try:
            text = rng.choice(MUTATIONS)(rng, text)
        except Exception:  # the text no longer parses for values(): mutate its characters instead
            text = rng.choice([control_character, punctuation, cut_or_double])(rng, text)
    return text


def as_file(text: str) -> io.BytesIO:
    """The issue as Babel hands it to the extractor (a lone surrogate as the invalid UTF-8 it would be on disk)."""
    file = io.BytesIO(text.encode("utf-8", "surrogatepass"))
    file.name = DISPLAY
    return file


@pytest.fixture(scope="module")
def settings():
    return load_settings(REPO)


def test_mutated_issues_end_as_issues_or_located_lines(settings, tmp_path):
    outcomes, file = {"valid": 0, "refused": 0}, tmp_path / "2026-11.yaml"
    for seed in range(CASES):
        text = mutated(seed)
        file.write_bytes(text.encode("utf-8", "surrogatepass"))  # a lone surrogate: the invalid UTF-8 it is on disk
        with time_limit(SECONDS_PER_CASE):
            try:
                list(extract_issue_yaml(as_file(text), [], [], {"display_name": DISPLAY}))
                issue = parse_issue(compose(file, DISPLAY), DISPLAY, file.stem)
                render_email(issue, settings, "en", translator_for(settings, "en"))
                outcomes["valid"] += 1
            except NewsletterError as error:
                outcomes["refused"] += 1
                for problem in error.problems:
                    line = str(problem)
                    assert "\n" not in line and len(line) < 2 * MESSAGE_LIMIT + 300, (seed, line)
                    assert problem.location.file == DISPLAY, (seed, line)
            except Exception as error:
                raise AssertionError(f"seed {seed}: {type(error).__name__}: {error}") from error
    assert outcomes["valid"] and outcomes["refused"] > CASES / 2, outcomes  # the mutations do reach both ends
