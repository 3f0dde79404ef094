"""The article model's blocks (issue 20): what a section holds in YAML, as the reader takes it, and each
mistake in a block reported at its file, line, column and field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from newsletter.errors import NewsletterError
from newsletter.model.blocks import (
    BulletList,
    Code,
    Divider,
    Figure,
    NumberedList,
    Paragraph,
    Quote,
    Subheading,
    Table,
)
from newsletter.model.content import parse_issue
from newsletter.model.yamlsource import compose, compose_text

DATA = Path(__file__).parent / "data"
BLOCKS_ISSUE = DATA / "good-blocks.yaml"
SHOWN = "issues/2026-12.yaml"


def read(path: Path = BLOCKS_ISSUE):
    return parse_issue(compose(path, SHOWN), SHOWN, "2026-12")


def with_blocks(blocks_yaml: str) -> str:
    """The minimal issue whose one section holds these blocks (YAML written from column 0)."""
    head = (DATA / "good-minimal.yaml").read_text().split("        paragraphs:")[0]
    return head + "        blocks:\n" + textwrap.indent(textwrap.dedent(blocks_yaml), " " * 10)


def problems(blocks_yaml: str) -> list[str]:
    with pytest.raises(NewsletterError) as raised:
        parse_issue(compose_text(with_blocks(blocks_yaml), SHOWN), SHOWN, "2026-12")
    return [str(problem) for problem in raised.value.problems]


def test_a_section_holds_every_kind_of_block_in_order():
    section = read().articles[0].sections[1]
    kinds = [type(block) for block in section.content]
    assert kinds == [Paragraph, BulletList, Subheading, NumberedList, Subheading, Quote, Quote, Figure, Figure,
                     Divider, Table, Code, Paragraph]
    bullets, numbered = section.content[1], section.content[3]
    assert [item.text.value for item in bullets.items[1].bullets] == ["Yogurt and soup", "Ripe bananas"]
    assert numbered.ordered and [item.text.value for item in numbered.items[1].numbered] == ["Your ID card",
                                                                                          "Your insurance card"]
    assert (section.content[2].level, section.content[4].level) == (3, 4)
    quote = section.content[5]
    assert (quote.quote.context, quote.by.value) == ("block quote", "Hippocrates")
    assert section.content[6].by is None
    image = section.content[7].image
    assert (image.width, image.height, image.caption.value, image.link) == (
        1120, 640, "Our recovery rooms face the garden.", "https://www.example.com/clinic/rooms")
    assert (image.shown_width, image.shown_height) == (552, 315)  # the text column, its proportions kept
    table = section.content[10].table
    assert [cell.value for cell in table.header] == ["Treatment", "Sessions", "Recovery time"]
    assert table.rows[2][1:] == (None, None)  # '' and ~ are empty cells, not strings to translate


def test_code_keeps_its_spaces_and_line_breaks_and_is_never_translated():
    issue = read()
    code = issue.articles[0].sections[1].content[11]
    assert code.code == "Clinic Wi-Fi:  guests\n  password:    healing-2026"
    assert not any("healing-2026" in text.value for text in issue.texts())


def test_every_translatable_piece_is_one_text_with_its_context():
    contexts = {}
    for text in read().texts():
        contexts.setdefault(text.context, []).append(text.value)
    assert contexts["list item"][:3] == ["Arrange for someone to drive you home.", "Stock up on *soft* foods",
                                         "Yogurt and soup"]
    assert len(contexts["list item"]) == 10
    assert contexts["block quote"] == ["Healing is a matter of time, but it is sometimes also a matter of opportunity.",
                                       "Sleep is the best medicine."]
    assert contexts["quote attribution"] == ["Hippocrates"]
    assert contexts["image caption"] == ["Our recovery rooms face the garden."]
    assert len(contexts["image alt text"]) == 2
    assert contexts["sub-heading"] == ["On the day", "What our nurses say"]
    assert contexts["table header"] == ["Treatment", "Sessions", "Recovery time"]
    assert len(contexts["table cell"]) == 7  # two of the nine cells are empty


def test_localizing_changes_every_piece_and_keeps_the_shape():
    issue = read()
    upper = issue.map_texts(lambda text: type(text)(text.value.upper(), text.line, text.context, text.comment))
    assert [t.value.upper() for t in issue.texts()] == [t.value for t in upper.texts()]
    assert [type(b) for b in upper.articles[0].sections[1].content] == \
        [type(b) for b in issue.articles[0].sections[1].content]


def test_a_section_of_paragraphs_reads_as_paragraph_blocks():
    section = read().articles[0].sections[0]
    assert [type(block) for block in section.content] == [Paragraph]
    assert section.paragraphs[0].value.startswith("Most patients")


@pytest.mark.parametrize(("blocks", "expected"), [
    ("- paragraph: ''\n", "issues/2026-12.yaml:13:24: articles[0].sections[0].blocks[0].paragraph: expected text, got nothing"),
    ("- bulets: [Words]\n", "issues/2026-12.yaml:13:13: articles[0].sections[0].blocks[0]: not a kind of block: "
     "'bulets' — did you mean 'bullets'?"),
    ("- Just a sentence.\n", "issues/2026-12.yaml:13:13: articles[0].sections[0].blocks[0]: expected a block such as "
     "'paragraph: …', got 'Just a sentence.'"),
    ("- paragraph: One\n  quote: Two\n", "issues/2026-12.yaml:13:13: articles[0].sections[0].blocks[0]: one block holds "
     "'paragraph' and 'quote' — give each block its own '- ' item"),
    ("- quote: Words\n  author: Someone\n", "issues/2026-12.yaml:14:13: articles[0].sections[0].blocks[0].author: "
     "unknown field — known fields: quote, by"),
    ("- bullets: []\n", "issues/2026-12.yaml:13:22: articles[0].sections[0].blocks[0].bullets: expected a list of items"),
    ("- bullets:\n    - text: Outer\n      bullets: [a]\n      numbered: [b]\n",
     "articles[0].sections[0].blocks[0].bullets[0].numbered: an item holds one list inside it, not two"),
    ("- bullets:\n    - text: 1\n      bullets:\n        - text: 2\n          bullets:\n            - text: 3\n"
     "              bullets: [4]\n", "issues/2026-12.yaml:19:34: articles[0].sections[0].blocks[0].bullets[0].bullets[0]"
     ".bullets[0].bullets: lists nest at most 3 levels deep"),
    ("- numbered:\n    - <b>bold</b>\n", "issues/2026-12.yaml:14:17: articles[0].sections[0].blocks[0].numbered[0]: "
     "raw HTML is not allowed in text ('<b>')"),
    ("- image:\n    src: http://www.example.com/a.jpg\n    alt: A\n    width: 100\n    height: 100\n",
     "issues/2026-12.yaml:14:20: articles[0].sections[0].blocks[0].image.src: expected an absolute https:// URL"),
    ("- image:\n    src: https://www.example.com/a.jpg\n    alt: A\n    width: 100\n",
     "issues/2026-12.yaml:14:15: articles[0].sections[0].blocks[0].image.height: missing required field 'height'"),
    ("- image:\n    src: https://www.example.com/a.jpg\n    alt: A\n    width: 12000\n    height: 100\n",
     "issues/2026-12.yaml:16:22: articles[0].sections[0].blocks[0].image.width: expected a number from 1 to 10000, "
     "got 12000"),
    ("- subheading: Deeper\n  level: 5\n", "issues/2026-12.yaml:14:20: articles[0].sections[0].blocks[0].level: "
     "expected a number from 3 to 4, got 5"),
    ("- table:\n    header: [A, B]\n    rows:\n      - [1, 2, 3]\n",
     "issues/2026-12.yaml:16:19: articles[0].sections[0].blocks[0].table.rows[0]: 3 cells in a table of 2 columns"),
    ("- table:\n    header: [A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q]\n    rows: [[1]]\n",
     "issues/2026-12.yaml:14:23: articles[0].sections[0].blocks[0].table.header: 17 columns; a table has at most 16"),
    ("- table:\n    rows: [[1]]\n", "articles[0].sections[0].blocks[0].table: missing required field 'header'"),
    ("- divider:\n", "issues/2026-12.yaml:13:13: articles[0].sections[0].blocks[0]: a divider is the bare item "
     "'- divider' — remove the ':' and what follows it"),
    ("- code: ''\n", "issues/2026-12.yaml:13:19: articles[0].sections[0].blocks[0].code: expected text, got nothing"),
    ("- table:\n    header: [A, [B]]\n    rows: [[1, 2]]\n",
     "issues/2026-12.yaml:14:27: articles[0].sections[0].blocks[0].table.header[1]: expected text, got a list"),
])
def test_a_broken_block_is_reported_where_it_stands(blocks, expected):
    found = problems(blocks)
    assert any(expected in line for line in found), found


def test_paragraphs_and_blocks_in_one_section_are_refused():
    source = with_blocks("- paragraph: One\n").replace("        blocks:", "        paragraphs: [Two]\n        blocks:")
    with pytest.raises(NewsletterError) as raised:
        parse_issue(compose_text(source, SHOWN), SHOWN, "2026-12")
    assert "a section holds either 'paragraphs:' or 'blocks:'" in str(raised.value.problems[0])


def test_all_problems_of_all_blocks_come_at_once():
    found = problems("- quotation: A\n- paragraph: ''\n- subheading: B\n  level: 9\n")
    assert len(found) == 3, found


def test_the_schema_accepts_every_block_and_refuses_a_section_with_both_forms():
    """Editors check blocks while marketing types (yaml-language-server reads YAML 1.2 and JSON Schema
    2020-12: https://github.com/redhat-developer/yaml-language-server#language-server-settings)."""
    from test_schema import read_as_editor, validator

    from newsletter.model.schema import issue_schema

    check = validator(issue_schema())
    document = read_as_editor(BLOCKS_ISSUE)
    check.validate(document)
    section = document["articles"][0]["sections"][1]
    section["paragraphs"] = ["Both forms at once"]
    assert not check.is_valid(document)
    del section["paragraphs"]
    section["blocks"].append({"quote": "Words", "author": "Someone"})
    assert not check.is_valid(document)


def test_an_image_in_the_text_keeps_its_no_break_spaces_and_vowel_marks_in_the_html():
    """MRML prints such characters in the attributes of HTML inside <mj-text> as Rust escapes (\\u{a0}):
    they must reach the reader as the characters themselves (a French '\u00a0:', an Arabic tanwin)."""
    import lxml.html

    from newsletter.i18n.translator import translator_for
    from newsletter.project import load_settings
    from newsletter.render import render_email
    from tests.conftest import REPO

    alt = "Salle de réveil\u00a0: vue sur le jardin, كاملًا"
    source = with_blocks(f'- image:\n    src: https://www.example.com/a.jpg\n    alt: "{alt}"\n    width: 300\n'
                         f'    height: 200\n')
    issue = parse_issue(compose_text(source, SHOWN), SHOWN, "2026-12")
    settings = load_settings(REPO)
    email = render_email(issue, settings, "en", translator_for(settings, "en"))
    assert "\\u{" not in email.html
    assert lxml.html.fromstring(email.html).xpath("//img[@height='200']/@alt") == [alt]


def test_template_syntax_in_code_is_reported_at_the_code_block():
    """Code is shown as written: a '{{' in it would reach the providers' template engines (Handlebars, Go
    templates), and the pre-send check refuses it. The finding names the code block's line, not templates/."""
    from newsletter.checks.content import placeholders
    from newsletter.checks.model import CheckedEmail
    from newsletter.i18n.translator import translator_for
    from newsletter.project import load_settings
    from newsletter.render import render_email
    from tests.conftest import REPO

    source = with_blocks("- paragraph: Our template language.\n- code: |\n    Hello {{ name }}\n")
    issue = parse_issue(compose_text(source, SHOWN), SHOWN, "2026-12")
    settings = load_settings(REPO)
    email = render_email(issue, settings, "en", translator_for(settings, "en"))
    findings = list(placeholders(CheckedEmail(email, issue, issue, settings)))
    assert findings and all(finding.message.startswith(f"{SHOWN}:14: ") for finding in findings), findings


def test_a_long_list_item_wraps_under_its_text_and_a_wide_table_becomes_lines_per_row():
    """Plain-text layout: continuation lines sit under the item's text (not under its mark); a table wider
    than the 72 columns of the text part is written row by row, each cell after its header."""
    from newsletter.render.text import TEXT_WIDTH, prefixed, table_text

    item = prefixed("word " * 30, "12. ", "    ")
    lines = item.split("\n")
    assert lines[0].startswith("12. word") and all(line.startswith("    word") for line in lines[1:])
    assert all(len(line) <= TEXT_WIDTH for line in lines)
    wide = table_text([["Treatment", "What to expect"], ["Laser", "x" * 40 + " " + "y" * 40]])
    assert wide.startswith("Treatment: Laser\nWhat to expect: " + "x" * 40 + "\n  " + "y" * 40)
