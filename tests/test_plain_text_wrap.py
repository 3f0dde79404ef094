"""The plain-text part wraps paragraphs with a fast path (render.fill) that must cut every line
exactly where textwrap.fill would: the text part of every email depends on it."""

from __future__ import annotations

import random
import textwrap

from newsletter.content import load_issues
from newsletter.render import fill
from newsletter.settings import load_settings


def textwrap_fill(text: str, width: int) -> str:
    return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)


def test_every_text_of_the_sample_issue_wraps_as_textwrap_wraps_it(project):
    texts = [text.value for issue in load_issues(load_settings(project)) for text in issue.texts()]
    assert len(texts) > 10
    for text in texts:
        for width in (72, 40, 20):
            assert fill(text, width) == textwrap_fill(text, width)


def test_long_words_cjk_rtl_and_odd_whitespace_wrap_as_textwrap_wraps_them():
    words = ["a", "bb", "word", "x" * 71, "y" * 72, "z" * 73, "q" * 150, "é", "中文字符没有空格", "مرحبا", "[3]",
             "https://www.example.com/blog/a-very-long-address?utm_source=newsletter&utm_medium=email"]
    separators = [" ", " ", " ", "  ", "\t", "\n", "\xa0", "\u3000", " \xa0 "]
    rng = random.Random(2026)
    for _ in range(5000):
        separator = rng.choice(separators)
        text = separator.join(rng.choice(words) for _ in range(rng.randint(0, 30)))
        text = rng.choice(["", " ", "\n"]) + text + rng.choice(["", " "])
        width = rng.choice([72, 30, 10, 1])
        assert fill(text, width) == textwrap_fill(text, width), (text, width)
