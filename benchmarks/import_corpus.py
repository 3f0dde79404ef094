"""Measure `newsletter import` on real saved article pages: how many import as saved, how much of their
text reaches the built email, and which structures survive.

    python benchmarks/import_corpus.py CORPUS [--limit N] [--show-failures]

CORPUS is a folder of saved pages (`*.html`, `*.html.gz`, `*.md`), in `CORPUS/html/` or `CORPUS/`
itself. With a `ground-truth.json` beside them, in the format of the Zyte (Scrapinghub) article
extraction benchmark (`{"<page id>": {"articleBody": "…", "url": "…"}}`, the page id being the file
name without `.html.gz`), each page's reference text is compared with the plain-text part of the
email built from it. That corpus (MIT licence; 181 real news and blog pages with their expected text)
is at github.com/scrapinghub/article-extraction-benchmark: clone it and pass its folder. It is not
copied into this repository.

Printed, each beside its target:
- imported as saved: the share of pages `newsletter import PAGE --issue …` takes without --url and
  without an error (fields left to fill in are listed, not errors);
- words kept: the share of the reference text's words (a multiset; Chinese and Japanese characters
  count one each) found in the English email's plain-text part, over every page;
- structures kept: for lists, quotes, sub-headings and images, among the pages whose article holds one
  (as trafilatura's XML of the page finds it; a list inside a heading numbers the heading and is not
  counted), the share whose imported article holds one too;
- tables kept: every data table of the pages, counted one by one, against the tables of the imported
  articles. A table is data when two of its rows or more each hold two cells with text or more; any other
  (one cell a row, or a single row of cells side by side) lays a page out and holds its text, which the
  words kept measure: those are counted apart, as layout tables, and are not lost when no table comes in.
Nothing here asserts anything, and nothing is timed.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from newsletter.authoring.blogimport import run_import  # noqa: E402
from newsletter.authoring.scaffold import create_issue  # noqa: E402
from newsletter.errors import NewsletterError  # noqa: E402
from newsletter.model.blocks import BulletList, Figure, NumberedList, Quote, Subheading, Table  # noqa: E402
from newsletter.model.content import load_issue  # noqa: E402
from newsletter.project import load_settings  # noqa: E402
from newsletter.render_pool import render_locale  # noqa: E402

PROJECT_FILES = ("newsletter.yaml", "babel.cfg", "locales", "templates")
ISSUE = "2031-01"
TARGETS = {"imported": 0.95, "words": 0.98}
STRUCTURES = ("lists", "quotes", "sub-headings", "images", "tables")
_IN_XML = {"lists": "list", "quotes": "quote", "sub-headings": "head", "images": "graphic"}  # tables: tables_in_page
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def words(text: str) -> collections.Counter:
    """Words as a reader counts them: letters and digits in any script, each CJK character a word."""
    text = _CJK.sub(lambda m: f" {m.group()} ", text.casefold())
    return collections.Counter(re.findall(r"\w+", text))


@dataclass
class Tally:
    pages: int = 0
    imported: int = 0
    reference_words: int = 0
    kept_words: int = 0
    has: collections.Counter = field(default_factory=collections.Counter)
    kept: collections.Counter = field(default_factory=collections.Counter)
    failures: list[str] = field(default_factory=list)
    gaps: int = 0
    layout_tables: int = 0


def pages_of(corpus: Path) -> list[Path]:
    folder = corpus / "html" if (corpus / "html").is_dir() else corpus
    return sorted(p for p in folder.iterdir() if p.name.endswith((".html", ".htm", ".html.gz", ".md")))


def page_id(path: Path) -> str:
    return path.name.removesuffix(".gz").rsplit(".", 1)[0]


def page_xml(path: Path) -> str:
    """trafilatura's XML of the page's article, as the import asks for it."""
    import trafilatura

    return trafilatura.extract(_read(path), output_format="xml", include_formatting=True, include_links=True,
                               include_images=True, include_comments=False, include_tables=True) or "<doc/>"


def structures_in_page(xml: str) -> set[str]:
    root = etree.fromstring(xml.encode())
    found = {name for name, tag in _IN_XML.items() if any(_outside_headings(element) for element in root.iter(tag))}
    if not any(head.get("rend", "") in ("h2", "h3", "h4", "h5", "h6") for head in root.iter("head")):
        found.discard("sub-headings")
    return found


def _outside_headings(element: etree._Element) -> bool:
    """Not inside a heading: a list in a heading (<h3><ol><li>…) numbers the heading, it is no list."""
    return not any(ancestor.tag == "head" for ancestor in element.iterancestors())


def tables_in_page(xml: str) -> tuple[int, int]:
    """The page's data tables and layout tables, told apart as the module's docstring says."""
    tables = [table for table in etree.fromstring(xml.encode()).iter("table") if table.find(".//table") is None]
    data = sum(1 for table in tables if _is_data_table(table))
    return data, len(tables) - data


def _is_data_table(table: etree._Element) -> bool:
    def filled(row: etree._Element) -> int:
        return sum(1 for cell in row.findall("cell") if "".join(cell.itertext()).strip())
    return sum(1 for row in table.iter("row") if filled(row) >= 2) >= 2


def _read(path: Path) -> str:
    from newsletter.authoring.pages import decode_page

    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return decode_page(data, path.name)[0] if ".htm" in path.name else data.decode("utf-8", "replace")


def structures_in_article(article) -> set[str]:
    blocks = [block for section in article.sections for block in section.content]
    found = {name for name, kinds in (("lists", (BulletList, NumberedList)), ("quotes", (Quote,)),
                                      ("images", (Figure,)), ("tables", (Table,)), ("sub-headings", (Subheading,)))
             if any(isinstance(block, kinds) for block in blocks)}
    if any(section.heading for section in article.sections):
        found.add("sub-headings")
    if article.image:
        found.add("images")
    return found


def measure(path: Path, project: Path, reference: str | None, tally: Tally) -> None:
    tally.pages += 1
    settings = load_settings(project)
    issue_file = project / "issues" / f"{ISSUE}.yaml"
    issue_file.unlink(missing_ok=True)
    create_issue(settings, ISSUE)
    source = project / (page_id(path) + (".md" if path.name.endswith(".md") else ".html"))
    source.write_bytes(gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes())
    try:
        _, said = run_import(settings, source, source.name, ISSUE, None)
    except NewsletterError as error:
        tally.failures.append(f"{path.name}: {error.problems[0]}")
        if reference:
            tally.reference_words += sum(words(reference).values())
        return
    finally:
        source.unlink()
    tally.imported += 1
    tally.gaps += said.count("\n  ")
    issue = load_issue(issue_file, settings)
    email = render_locale(issue, settings, "en", None)
    if reference:
        wanted, got = words(reference), words(email.text)
        tally.reference_words += sum(wanted.values())
        tally.kept_words += sum(min(count, got[word]) for word, count in wanted.items())
    xml = page_xml(path)
    has = structures_in_page(xml)
    kept = structures_in_article(issue.articles[0]) & has
    tally.has.update(has)
    tally.kept.update(kept)
    data, layout = tables_in_page(xml)
    tally.has["tables"] += data
    tally.kept["tables"] += min(data, sum(1 for section in issue.articles[0].sections for block in section.content
                                         if isinstance(block, Table)))
    tally.layout_tables += layout


def report(tally: Tally, show_failures: bool) -> None:
    def share(part: int, whole: int) -> str:
        return f"{part / whole:.1%}" if whole else "n/a"
    imported = tally.imported / tally.pages if tally.pages else 0
    print(f"pages: {tally.pages}")
    print(f"imported as saved: {share(tally.imported, tally.pages)} ({tally.imported}/{tally.pages}), "
          f"target ≥ {TARGETS['imported']:.0%} {'met' if imported >= TARGETS['imported'] else 'NOT met'}; "
          f"{tally.gaps} fields left to fill in")
    if tally.reference_words:
        kept = tally.kept_words / tally.reference_words
        print(f"words kept: {share(tally.kept_words, tally.reference_words)} of {tally.reference_words} reference "
              f"words, target ≥ {TARGETS['words']:.0%} {'met' if kept >= TARGETS['words'] else 'NOT met'}")
    for name in STRUCTURES[:-1]:
        print(f"  {name:13} kept in {share(tally.kept[name], tally.has[name])} of the {tally.has[name]} pages that have them")
    print(f"  {'tables':13} kept {share(tally.kept['tables'], tally.has['tables'])} of the {tally.has['tables']} data tables "
          f"({tally.kept['tables']}); {tally.layout_tables} layout tables read as their text")
    if show_failures:
        for failure in tally.failures:
            print(f"  refused: {failure}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    parser.add_argument("--show-failures", action="store_true")
    args = parser.parse_args()
    truth_file = args.corpus / "ground-truth.json"
    truth = json.loads(truth_file.read_text(encoding="utf-8")) if truth_file.is_file() else {}
    pages = pages_of(args.corpus)[: args.limit or None]
    tally = Tally()
    with tempfile.TemporaryDirectory() as temporary:
        project = Path(temporary)
        for name in PROJECT_FILES:
            source = REPO / name
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / name)
        (project / "issues").mkdir()
        for path in pages:
            measure(path, project, (truth.get(page_id(path)) or {}).get("articleBody"), tally)
    report(tally, args.show_failures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
