"""The plain-text part wraps paragraphs with a fast path (render.fill) that must cut every line
exactly where textwrap.fill would: the text part of every email depends on it. Text with Chinese
characters, which textwrap cannot break (no spaces), is wrapped between characters instead."""

from __future__ import annotations

import random
import textwrap
from unicodedata import east_asian_width

from newsletter.model.content import load_issues
from newsletter.project import load_settings
from newsletter.render.text import display_width, fill


def textwrap_fill(text: str, width: int) -> str:
    return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)


def test_every_text_of_the_sample_issue_wraps_as_textwrap_wraps_it(project):
    texts = [text.value for issue in load_issues(load_settings(project)) for text in issue.texts()]
    assert all(text.isascii() or not any(east_asian_width(c) in "WF" for c in text) for text in texts)
    assert len(texts) > 10
    for text in texts:
        for width in (72, 40, 20):
            assert fill(text, width) == textwrap_fill(text, width)


def test_long_words_rtl_and_odd_whitespace_wrap_as_textwrap_wraps_them():
    words = ["a", "bb", "word", "x" * 71, "y" * 72, "z" * 73, "q" * 150, "é", "مرحبا", "[3]",
             "https://www.example.com/blog/a-very-long-address?utm_source=newsletter&utm_medium=email"]
    separators = [" ", " ", " ", "  ", "\t", "\n", "\xa0", " \xa0 "]
    rng = random.Random(2026)
    for _ in range(5000):
        separator = rng.choice(separators)
        text = separator.join(rng.choice(words) for _ in range(rng.randint(0, 30)))
        text = rng.choice(["", " ", "\n"]) + text + rng.choice(["", " "])
        width = rng.choice([72, 30, 10, 1])
        assert fill(text, width) == textwrap_fill(text, width), (text, width)


def test_chinese_wraps_between_characters_within_the_width_and_loses_nothing():
    paragraph = ("那么，外泌体究竟是什么？简单来说，外泌体是由细胞释放的微小颗粒，能够向周围细胞发出信号，"
                 "促使它们改变自身的生物学行为。外泌体携带蛋白质、生长因子、信使RNA（mRNA）、细胞因子、酶等多种物质。"
                 "详见 https://www.example.com/blog/exosomes-in-plastic-surgery?utm_source=newsletter 。")
    lines = fill(paragraph, 40).splitlines()
    assert len(lines) > 3 and "".join(lines).replace(" ", "") == paragraph.replace(" ", "")
    for line in lines:
        # closing marks may hang past the edge rather than begin the next line
        assert display_width(line.rstrip("，。、；：！？）")) <= 40 or "https://" in line
        assert line[0] not in "，。、；：！？）"  # never at the start of a line
    assert any(line.endswith("https://www.example.com/blog/exosomes-in-plastic-surgery?utm_source=newsletter")
               or "https://www.example.com/blog/exosomes-in-plastic-surgery?utm_source=newsletter" in line for line in lines)


def test_chinese_quotes_and_brackets_follow_the_line_breaking_rules():
    """Closing marks stay with the text before them; opening marks go with the text after them."""
    assert fill("一" * 36 + "”好的", 72).splitlines() == ["一" * 36 + "”", "好的"]
    assert fill("一" * 35 + "（好）", 72).splitlines() == ["一" * 35, "（好）"]
    assert fill("一" * 35 + "“信使”，好", 72).splitlines() == ["一" * 35, "“信使”，好"]


def test_no_break_spaces_in_chinese_text_are_kept_and_never_broken():
    wrapped = fill("一" * 33 + "第\u00a03\u00a0章" + "二" * 10, 72)
    assert "第\u00a03\u00a0章" in wrapped.replace("\n", "")
    assert all(not line.startswith("3") and not line.endswith("第") for line in wrapped.splitlines())
