"""A saved web page → an imported article.

trafilatura finds the article in the page (menus, share buttons, comments, sidebars and footers are
left out by its own rules) and hands it back as XML that keeps headings, lists, quotes, tables, code and
images apart. What that XML leaves out is read from the page itself: its declared charset, its address
(the canonical link, `og:url`, or the "saved from" note browsers write), its title and hero image
(Open Graph), and each image's alt text, size and caption.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from newsletter.authoring.addresses import Addresses
from newsletter.authoring.elements import ImageFacts, Walk, heading_words
from newsletter.authoring.imported import ImportedArticle
from newsletter.authoring.vocabulary import NBSP_HELD, SPACE_HELD, escape_text, heading_level, role
from newsletter.errors import Location, NewsletterError, Problem

# The HTML standard's prescan reads the first 1024 bytes for <meta charset>; saved pages often put a long
# comment or script first, so a little more is read.
_PRESCAN_BYTES = 4096
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_SAVED_FROM = re.compile(r"<!-- saved from url=\(\d+\)(\S+?) ?-->")
# trafilatura reads a <pre> without <code> inside as a quote: preformatted text is code to the email.
_PRE = re.compile(r"(?P<open><pre(?:\s[^>]*)?>)(?!\s*<code)(?P<body>.*?)</pre>", re.I | re.S)
_NBSP = re.compile(r"\xa0|&nbsp;|&#160;|&#[xX]0*[aA]0;")
_INLINE = "a|abbr|b|cite|code|em|i|kbd|mark|q|s|small|span|strong|sub|sup|u"
_BETWEEN_INLINE = re.compile(rf"(</(?:{_INLINE})>)[ \t\r\n]+(?=<(?:{_INLINE})[\s>])", re.I)
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ")


def decode_page(data: bytes, shown: str) -> tuple[str, str | None]:
    """The page's text, read in the charset it declares (a byte-order mark first; UTF-8 when it declares
    none and is valid UTF-8), and a note when the charset had to be guessed."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name, errors="replace").lstrip("\ufeff"), None
    declared = _DECLARED.search(data[:_PRESCAN_BYTES])
    name = _codec(declared.group(1).decode("ascii")) if declared else None
    if name:
        return data.decode(name, errors="replace"), None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        # WHATWG Encoding: windows-1252 is what browsers read an undeclared Western page as.
        return data.decode("windows-1252", errors="replace"), (f"{shown}: the page declares no charset and is not "
                                                              "UTF-8; it was read as windows-1252")


def _codec(label: str) -> str | None:
    label = label.lower()
    if label in ("iso-8859-1", "latin1", "us-ascii", "ascii"):  # WHATWG Encoding: these labels mean windows-1252
        return "windows-1252"
    if label.startswith("utf-16"):  # a page that says utf-16 in ASCII bytes is not UTF-16 (WHATWG: then UTF-8)
        return "utf-8"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


@dataclass
class PageFacts:
    """What the page says about the article besides its text."""

    url: str = ""
    title: str = ""
    h1: str = ""
    site_name: str = ""
    hero: str = ""
    hero_alt: str = ""
    images: dict[str, ImageFacts] = field(default_factory=dict)
    embedded: list[str] = field(default_factory=list)  # videos and frames in the article, which an email cannot play
    head_title: str = ""  # the page's <title>: often "Post | Site"


def page_facts(page: str) -> PageFacts:
    try:
        tree = lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        return PageFacts()

    def meta(*names: str) -> str:
        for name in names:
            for element in tree.xpath(f'//meta[@property="{name}" or @name="{name}"]'):
                if (element.get("content") or "").strip():
                    return element.get("content").strip()
        return ""

    canonical = next((e.get("href", "").strip() for e in tree.xpath('//link[@rel="canonical"]') if e.get("href")), "")
    saved_from = _SAVED_FROM.search(page[:_PRESCAN_BYTES])
    url = canonical or meta("og:url") or (saved_from.group(1) if saved_from else "")
    base = next((e.get("href", "") for e in tree.xpath("//base[@href]")), "")
    if url and not url.startswith(("http://", "https://")):
        url = urljoin(saved_from.group(1) if saved_from else base, url)
    h1 = next(("".join(e.itertext()).strip() for e in tree.xpath("//article//h1 | //h1")), "")
    facts = PageFacts(url, meta("og:title", "twitter:title"), h1, meta("og:site_name", "application-name"),
                      meta("og:image", "og:image:url", "og:image:secure_url", "twitter:image"),
                      meta("og:image:alt", "twitter:image:alt"))
    for img in tree.iter("img"):
        facts.images.setdefault(img.get("src") or img.get("data-src") or "", _image_facts(img))
    facts.embedded = _embedded(tree)
    facts.head_title = next(("".join(e.itertext()) for e in tree.xpath("/html/head/title")), "")
    return facts


def _embedded(tree: lxml.html.HtmlElement) -> list[str]:
    """Each video, audio or frame in the article (trafilatura leaves them out unsaid), with the words before it."""
    region = next(iter(tree.xpath("//article | //main")), None)
    found = []
    for element in region.iter("iframe", "video", "audio", "embed", "object") if region is not None else ():
        src = element.get("src") or element.get("data") or next((s.get("src") for s in element.iter("source")), "") or ""
        host = urlsplit(src).hostname or "this page"
        before = " ".join(" ".join(element.xpath("preceding::text()[normalize-space()][position() <= 3]")).split()[-6:])
        kind = {"video": "a video", "audio": "a sound recording"}.get(element.tag, "an embedded frame")
        found.append(f"{kind} ({host}) after '…{before}'" if before else f"{kind} ({host}) at the start of the article")
    return found[:20]


def _image_facts(img: lxml.html.HtmlElement) -> ImageFacts:
    def number(name: str) -> int | None:
        value = (img.get(name) or "").strip().removesuffix("px")
        return int(value) if value.isdigit() and 0 < int(value) < 100_000 else None
    figure = next(iter(img.iterancestors("figure")), None)
    caption = figure.find(".//figcaption") if figure is not None else None
    text = " ".join("".join(caption.itertext()).split()) if caption is not None else ""
    link = next((a.get("href", "") for a in img.iterancestors("a")), "")
    return ImageFacts(img.get("alt") or "", number("width"), number("height"), text, link)


def title_of(facts: PageFacts, fallback: str) -> str:
    """The article's title without the site's name ('Exosomes … | Northside Plastic Surgery')."""
    h1, site = " ".join(facts.h1.split()), facts.site_name
    split = _banner_split(facts)
    if split:  # the h1 is the site's name: the title is the rest of the <title>
        h1, fallback = "", split[0]
    for candidate in (facts.title, h1, fallback):
        candidate = " ".join((candidate or "").split())
        if not candidate:
            continue
        for separator in _TITLE_SEPARATORS:
            head, _, tail = candidate.rpartition(separator)
            if head and (tail == site or (not site and h1 and head == h1)):
                candidate = head
            lead, _, rest = candidate.partition(separator)
            if rest and site and lead == site:
                candidate = rest
        return candidate
    return ""


def banner_of(facts: PageFacts) -> str:
    """The page's h1 when it is the site's name in its banner, not the post's title."""
    split = _banner_split(facts)
    return split[1] if split else ""


def _banner_split(facts: PageFacts) -> tuple[str, str] | None:
    """(the post's title, the h1) when the h1 is what the <title> ends with, the site's name
    ("Web Crypto API | Node.js v20.20.2 Documentation" over an h1 "Node.js v20.20.2 documentation")."""
    h1, whole = " ".join(facts.h1.split()), " ".join(facts.head_title.split())
    for separator in _TITLE_SEPARATORS:
        head, _, tail = whole.rpartition(separator)
        if head and h1 and tail.casefold() == h1.casefold():
            return head, h1
    return None


def _kept_spaces(page: str) -> str | None:
    """The page with each <pre> marked as code, and the spaces trafilatura would lose held as stand-in
    symbols (vocabulary.NBSP_HELD):
    its text clean-up turns a no-break space into a space, and drops the space between two inline
    elements (`<b>a</b> <i>b</i>` would read 'ab')."""
    if NBSP_HELD in page or SPACE_HELD in page:  # the page writes the symbols themselves: they stay what they are
        return None
    page = _PRE.sub(r"\g<open><code>\g<body></code></pre>", page)
    page = _NBSP.sub(NBSP_HELD, page)
    return _BETWEEN_INLINE.sub(lambda m: m.group(1) + SPACE_HELD, page)


def read_page(page: str, shown: str, url: str | None) -> ImportedArticle:
    import trafilatura  # imported here: it loads lxml and its models, which only this command needs

    held = _kept_spaces(page)
    xml = trafilatura.extract(held or page, output_format="xml", include_formatting=True, include_links=True,
                              include_images=True, include_comments=False, include_tables=True)
    if not xml:
        raise NewsletterError(Problem(Location(shown), "no article found in the page",
                                      "save the article's own page, not the blog's list of posts"))
    facts = page_facts(page)
    metadata = trafilatura.extract_metadata(page)
    article = ImportedArticle()
    article.url = url or facts.url or (metadata.url if metadata and metadata.url else "")
    addresses = Addresses(article.url)
    if article.url:
        article.url = addresses.web(article.url) or ""
    article.title = escape_text(title_of(facts, metadata.title if metadata else ""))
    main = etree.fromstring(xml.encode("utf-8")).find("main")
    walk = Walk(article, addresses, lambda src: facts.images.get(src, ImageFacts()), _levels(main, article.title),
                held_spaces=held is not None, banner=banner_of(facts))
    _hero(walk, facts, main)
    walk.children(main)
    article.left_out.extend(f"{what} (an email cannot play it: link to the post instead)" for what in facts.embedded)
    if walk.removed:
        article.notes.append(f"{shown}: removed invisible characters ({', '.join(sorted(walk.removed))}) that "
                             "the issue refuses")
    article.upgraded = list(dict.fromkeys(addresses.upgraded))
    return article


def _levels(main: etree._Element, title: str) -> tuple[int, ...]:
    """The post's heading levels below its title, shallowest first: the first is a section's heading. A heading
    that repeats the title is not one of them (Walk leaves it out)."""
    found = sorted({heading_level(e) for e in main.iter() if role(e) == "heading"
                    and escape_text(heading_words(e)) != title} - {1})
    return (*found[:3], 7, 7, 7)[:3]  # a level past the last known one goes one step deeper


def _hero(walk: Walk, facts: PageFacts, main: etree._Element) -> None:
    """The page's Open Graph image above the article; without one, the first image of the text."""
    src = facts.hero
    if not src:
        first = next((e for e in main.iter() if role(e) == "image" and e.get("src")), None)
        src = first.get("src") if first is not None else ""
    address = walk.addresses.web(src) if src else None
    if address:
        known = facts.images.get(src) or next((f for s, f in facts.images.items() if s and walk.addresses.web(s) == address),
                                              ImageFacts())
        walk.hero(address, facts.hero_alt or known.alt, known.width, known.height)
