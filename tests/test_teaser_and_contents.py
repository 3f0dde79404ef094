"""The monthly digest's form (issue 20, part 2): an article sent whole or as its summary with a "Read the full
article" button, a contents list at the top of an issue of several articles, and a reading time that counts
Chinese and Japanese by their characters.

Rules encoded: the contents links target empty named anchors, the form most clients follow
(https://www.caniemail.com/features/html-anchor-links/, note 7); reading speed 200 words a minute, and for
Chinese and Japanese 500 characters a minute, the rate Medium's read time uses for them
(https://help.medium.com/hc/en-us/articles/214991667-Read-time).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html
import pytest

from newsletter.model.content import CHARACTERS_PER_MINUTE, WORDS_PER_MINUTE, parse_issue
from newsletter.model.yamlsource import compose_text
from tests.conftest import copy_project
from tests.test_recipient_view import built_emails, open_email

DATA = Path(__file__).parent / "data"
ISSUE = "2026-12"
SHOWN = f"issues/{ISSUE}.yaml"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, dict]:
    root = copy_project(tmp_path_factory.mktemp("digest") / "project")
    shutil.copy(DATA / "good-digest.yaml", root / "issues" / f"{ISSUE}.yaml")
    return built_emails(root, ISSUE, ("en", "ar", "zh_Hans"))


def test_an_issue_of_several_articles_opens_with_a_contents_list_that_leads_to_each(built):
    page = lxml.html.fromstring(built["en"]["source"])
    links = page.xpath("//ul//a[starts-with(@href, '#')]")
    assert [(a.text_content(), a.get("href")) for a in links] == [
        ("Your Recovery Guide", "#recovery-guide"), ("Our New Laser", "#new-laser"),
        ("A Note from Our Surgeons", "#note-from-our-surgeons")]
    targets = [a.get("name") for a in page.xpath("//a[@name]")]
    assert targets == ["recovery-guide", "new-laser", "note-from-our-surgeons"]
    contents = page.xpath("//p[. = 'In this issue']")
    assert contents and contents[0].getparent().getparent().getparent().getnext() is not None


def test_a_summarized_article_shows_its_summary_and_a_button_to_the_full_article(built):
    html = built["en"]["source"]
    page = lxml.html.fromstring(html)
    assert "Our clinic now offers a gentler laser" in page.text_content()
    assert "thousands of tiny columns" not in page.text_content()  # its text stays on the website
    buttons = [a for a in page.xpath("//a") if a.text_content().strip() == "Read the full article"]
    assert len(buttons) == 1 and buttons[0].get("href").startswith("https://www.example.com/blog/new-laser?utm_")
    assert page.text_content().count("Read this article on our website") == 2  # the two whole articles
    assert "Most patients feel" in page.text_content()


def test_the_contents_and_the_summary_are_translated(built):
    for locale, contents, button in (("ar", "في هذا العدد", "اقرأ المقال كاملًا"), ("zh_Hans", "本期内容", "阅读全文")):
        text = lxml.html.fromstring(built[locale]["source"]).text_content()
        assert contents in text and button in text


def test_the_plain_text_part_has_the_contents_and_the_button_address(built):
    text = built["en"]["text_part"]
    assert ("In this issue\n-------------\n- Your Recovery Guide\n- Our New Laser\n- A Note from Our Surgeons\n"
            in text)
    assert "\nOur clinic now offers a gentler laser for skin resurfacing, with a\nshorter recovery.\n" in text
    assert "\nRead the full article:\nhttps://www.example.com/blog/new-laser?utm_" in text  # addresses on their own line
    assert "tiny columns" not in text


def test_a_click_in_the_contents_list_scrolls_to_the_article(browser, built):
    page = open_email(browser, built["en"]["source"], width=600, height=500)
    before = page.evaluate("window.scrollY")
    page.click("a[href='#new-laser']")
    page.wait_for_function("window.scrollY > 0")
    top = page.evaluate("document.querySelector('a[name=\"new-laser\"]').getBoundingClientRect().top")
    page.context.close()
    assert before == 0 and abs(top) < 2  # the article's title now at the top of the window


def test_one_article_gets_no_contents_list():
    from tests.test_article_model import read

    issue = read()
    assert len(issue.articles) == 1  # the block issue: see the golden sample too, which has none


def minutes(paragraph: str) -> int:
    source = (DATA / "good-minimal.yaml").read_text(encoding="utf-8")
    source = source.replace("Our office closes on **December 24** and reopens on January 2.", paragraph)
    return parse_issue(compose_text(source, SHOWN), SHOWN, ISSUE).articles[0].reading_minutes


@pytest.mark.parametrize(("sample", "per_minute"), [
    ("我们的诊所现在提供一种更温和的激光换肤治疗，恢复时间更短。", CHARACTERS_PER_MINUTE),  # Chinese
    ("当院では、回復が早い、より穏やかなレーザー治療を始めました。", CHARACTERS_PER_MINUTE),  # Japanese
])
def test_chinese_and_japanese_are_timed_by_their_characters(sample, per_minute):
    characters = len(sample) - sum(sample.count(mark) for mark in "，。、")
    repeat = -(-2500 // characters)  # about five minutes of text
    paragraph = sample * repeat
    assert minutes(paragraph) == round(characters * repeat / per_minute) == 5


def test_other_languages_are_timed_by_their_words():
    paragraph = "word " * (WORDS_PER_MINUTE * 3)
    assert minutes(paragraph.strip()) == 3
    mixed = "word " * WORDS_PER_MINUTE + "诊" * CHARACTERS_PER_MINUTE * 2  # one minute of words, two of characters
    assert minutes(mixed) == 3


def test_a_summary_is_extracted_and_a_summarized_articles_text_is_not():
    issue = parse_issue(compose_text((DATA / "good-digest.yaml").read_text(encoding="utf-8"), SHOWN), SHOWN, ISSUE)
    texts = {text.value: text.context for text in issue.texts()}
    assert texts["Our clinic now offers a gentler laser for skin resurfacing, with a shorter recovery."] == "article summary"
    assert not any("tiny columns" in value for value in texts)


def test_an_empty_summary_is_refused_where_it_stands():
    from newsletter.errors import NewsletterError

    source = (DATA / "good-minimal.yaml").read_text(encoding="utf-8").replace(
        "    sections:\n", "    summary: ''\n    sections:\n")
    with pytest.raises(NewsletterError) as raised:
        parse_issue(compose_text(source, SHOWN), SHOWN, ISSUE)
    assert str(raised.value.problems[0]).startswith(f"{SHOWN}:10:14: articles[0].summary: expected text, got nothing")


def test_the_teaser_shape_is_in_the_schema():
    from test_schema import read_as_editor, validator

    from newsletter.model.schema import issue_schema

    check = validator(issue_schema())
    document = read_as_editor(DATA / "good-digest.yaml")
    check.validate(document)
    document["articles"][1]["summary"] = ["not", "text"]
    assert not check.is_valid(document)
