"""Tables of real pages (issue 20): a data table of any width up to the model's bound comes in whole and
stays readable in the email at 600 and 320 px, light and dark, left to right and right to left; a page laid
out in tables comes in as its text; the plain-text part writes a wide table as "header: cell" lines.

The pages are real and were not written here (tests/data/import/THIRD-PARTY.md: source and MIT licence):
Node.js's Web Crypto API page (a 13-column and a 5-column table, inline code) and libxslt's "Reporting
bugs" page (laid out in one-cell tables). Rules encoded, and where they come from:
- a data table has a header cell per column (th scope=col), a record's label cell th scope=row:
  https://www.w3.org/WAI/tutorials/tables/two-headers/ and https://html.spec.whatwg.org/multipage/tables.html#attr-th-scope
- a table too wide for a phone is shown as stacked records below MJML's 480 px breakpoint
  (https://documentation.mjml.io/#mj-breakpoint), the "stacked" responsive table of email templates
  (https://www.litmus.com/blog/how-to-code-mobile-friendly-html-tables-for-email); media queries in a
  <style>: https://www.caniemail.com/features/css-at-media/; Outlook for Windows reads conditional
  comments and no media query: https://learn.microsoft.com/en-us/previous-versions/office/developer/office-2007/aa338201(v=office.12)
- a layout table (one cell a row) is not data: https://www.w3.org/WAI/tutorials/tables/#why-is-table-markup-important
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
import yaml

from tests.test_recipient_view import CONTRASTS, built_emails, low_contrast, open_email

DATA = Path(__file__).parent / "data" / "import"
WEBCRYPTO = DATA / "nodejs-webcrypto.html"
LAID_OUT = DATA / "libxslt-bugs.html"
ISSUE = "2026-12"


def imported(project: Path, cli, post: Path, *options: str):
    assert cli("new", ISSUE, cwd=project).returncode == 0
    result = cli("import", str(post), "--issue", ISSUE, *options, cwd=project)
    assert result.returncode == 0, result.stderr
    [article] = yaml.safe_load((project / f"issues/{ISSUE}.yaml").read_text(encoding="utf-8"))["articles"]
    return result, article


def blocks(article: dict) -> list:
    return [block for section in article["sections"] for block in section.get("blocks", [])]


def test_a_table_of_thirteen_columns_comes_in_whole(project, cli):
    result, article = imported(project, cli, WEBCRYPTO)
    tables = [block["table"] for block in blocks(article) if isinstance(block, dict) and "table" in block]
    assert [(len(table["header"]), len(table["rows"])) for table in tables] == [(13, 20), (5, 14)]
    matrix = tables[0]
    assert matrix["header"][:4] == ["Algorithm", "generateKey", "exportKey", "importKey"]
    assert matrix["rows"][0] == ["'RSASSA-PKCS1-v1\\_5'", "✔", "✔", "✔", "", "", "", "", "", "", "✔", "✔", ""]
    assert matrix["rows"][-1][0] == "'SHA-512'" and matrix["rows"][-1][-1] == "✔"
    assert "written as a list" not in result.stderr
    assert cli("build", ISSUE, "--locale", "en", "-q", cwd=project).returncode == 0


def test_inline_code_stays_in_its_sentence_and_the_title_is_the_posts_not_the_sites(project, cli):
    """Node's page writes `Use <code>globalThis.crypto</code> or …`, which was cut into three paragraphs and two
    code blocks; each heading ends in its own "#" link, which was kept as text; its h1 is the site's banner
    ("Node.js v20.20.2 documentation", what its <title> "Web Crypto API | Node.js v20.20.2 Documentation" ends
    with), which was taken as the title, and the post's own h2 repeats the title."""
    _, article = imported(project, cli, WEBCRYPTO)
    assert (article["slug"], article["title"]) == ("webcrypto", "Web Crypto API")  # not "webcrypto-html"
    opening, matrix = article["sections"]
    assert "heading" not in opening and matrix["heading"] == "Algorithm matrix"  # the h3 under the title's h2: a section
    assert {"paragraph": "Use globalThis.crypto or require('node:crypto').webcrypto to access this module."} in opening["blocks"]
    assert [block["subheading"] for block in matrix["blocks"] if "subheading" in block] == ["subtle.exportKey(format, key)"]
    check = cli("check", ISSUE, "--locale", "en", cwd=project)
    assert "heading-order" not in check.stdout + check.stderr  # no h3 straight under the h1 (WCAG 1.3.1)


def test_a_page_laid_out_in_tables_comes_in_as_its_text(project, cli):
    """libxslt's page holds every paragraph in one-cell tables: they were one bulleted item, all run together."""
    result, article = imported(project, cli, LAID_OUT, "--url", "https://gitlab.gnome.org/GNOME/libxslt/-/wikis/home")
    assert not [block for block in blocks(article) if isinstance(block, dict) and {"bullets", "table"} & set(block)]
    helping = next(section for section in article["sections"] if section.get("heading") == "Reporting bugs and getting help")
    paragraphs = helping["paragraphs"]
    well = next(index for index, paragraph in enumerate(paragraphs) if paragraph.startswith("Well, bugs or missing"))
    assert paragraphs[well - 1] == "If you need help with the XSLT language itself, here are a number of useful resources:"
    assert paragraphs[well + 1].startswith("For small problems you can try to get help on IRC")
    assert not [paragraph for paragraph in paragraphs if "useful resources" in paragraph and "Well, bugs" in paragraph]


# ---- the built email

@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, dict]:
    from tests.conftest import copy_project, run_newsletter

    root = copy_project(tmp_path_factory.mktemp("tables") / "project")
    assert run_newsletter("new", ISSUE, cwd=root).returncode == 0
    result = run_newsletter("import", str(WEBCRYPTO), "--issue", ISSUE, cwd=root)
    assert result.returncode == 0, result.stderr
    return built_emails(root, ISSUE, ("en", "ar_XB"))


def test_a_wide_table_is_written_as_records_and_a_middle_one_both_ways(built):
    page = lxml.html.fromstring(built["en"]["source"])
    grids, records = page.xpath("//table[@class='table-grid']"), page.xpath("//table[@class='table-records']")
    assert len(grids) == 1 and len(grids[0].xpath(".//thead/tr/th[@scope='col']")) == 5  # the 13 columns: no grid
    assert len(records) == 2
    first = records[0].xpath(".//tr")[0]
    assert [cell.get("scope") for cell in first.xpath("./th")] == ["row"]
    assert [" ".join(cell.text_content().split()) for cell in first] == ["Algorithm", "'RSASSA-PKCS1-v1_5'"]
    labels = [row.xpath("./th")[0].text_content() for row in records[0].xpath(".//tr")[:6]]
    assert labels == ["Algorithm", "generateKey", "exportKey", "importKey", "sign", "verify"]  # empty cells left out
    assert "display: none" in records[1].get("style") and "display: none" not in records[0].get("style")
    assert "<!--[if !mso]><!--><table dir=\"ltr\" class=\"table-records\"" in built["en"]["source"]
    assert re.search(r"@media only screen and \(max-width: ?479px\)", built["en"]["source"])


SHOWN = """() => [...document.querySelectorAll('table.table-grid, table.table-records')].map((table) => {
  const box = table.getBoundingClientRect();
  const heads = [...table.querySelectorAll('th')].slice(0, 2).map((th) => th.getBoundingClientRect());
  return {kind: table.className, shown: getComputedStyle(table).display !== 'none' && box.height > 0,
          left: box.left, right: box.right, dir: getComputedStyle(table).direction,
          labelLeft: heads.length ? heads[0].left : 0, labelRight: heads.length ? heads[0].right : 0,
          ruleColour: getComputedStyle(table.querySelector('th')).borderTopColor,
          headRule: getComputedStyle(table.querySelector('th')).borderBottomColor};
}).concat([{kind: 'page', right: document.documentElement.scrollWidth, viewport: window.innerWidth}])"""


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("width", [600, 320])
@pytest.mark.parametrize("locale", ["en", "ar_XB"])  # ar_XB: the English forced right to left
def test_every_table_fits_the_screen_as_a_grid_or_as_records(browser, built, locale, width, dark):
    page = open_email(browser, built[locale]["source"], width=width, dark=dark)
    tables, items = page.evaluate(SHOWN), page.evaluate(CONTRASTS)
    page.context.close()
    *tables, screen = tables
    assert screen["right"] <= screen["viewport"], "the email scrolls sideways"
    shown = [(table["kind"], table["shown"]) for table in tables]
    # the 13 columns as records at every width; the 5 as a grid on a wide screen, as records on a phone
    assert shown == [("table-records", True), ("table-grid", width == 600), ("table-records", width == 320)]
    for table in (table for table in tables if table["shown"]):
        assert 0 <= table["left"] and table["right"] <= width
        assert table["dir"] == built[locale]["dir"]
        if table["kind"] == "table-records":  # the label on the side the text starts
            rtl = table["dir"] == "rtl"
            assert (table["labelLeft"] - table["left"] > 50) == rtl and (table["right"] - table["labelRight"] > 50) == (not rtl)
            assert table["ruleColour"] == ("rgb(121, 173, 221)" if dark else "rgb(31, 78, 121)")
        else:
            assert table["headRule"] == ("rgb(121, 173, 221)" if dark else "rgb(31, 78, 121)")
    assert not low_contrast(items), "\n".join(low_contrast(items))


def test_the_plain_text_part_writes_the_wide_table_header_by_cell(built):
    text = built["en"]["text_part"]
    assert "Algorithm: 'RSASSA-PKCS1-v1_5'\ngenerateKey: ✔\nexportKey: ✔\nimportKey: ✔\nsign: ✔\nverify: ✔\n" in text
    assert "\nKey Type" in text and re.search(r"\n'AES-CBC' +✔ +✔\n", text)  # the 5 columns, aligned
