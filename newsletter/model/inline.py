"""The inline formatting authors and translators may use, and nothing more.

Allowed: **bold**, *italic*, [link text](https://…) and backslash escapes. It is parsed by
markdown-it with every other rule off and raw HTML disabled, so untrusted text can never
become markup; anything outside the set is reported as a problem.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from newsletter.errors import quoted

ALLOWED_SCHEMES = ("https://", "mailto:", "tel:")
# HTML's element names (WHATWG, and the obsolete ones mail apps still honour).
HTML_ELEMENTS = frozenset("""
    a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption cite code col
    colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure footer form h1 h2 h3
    h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li link main map mark math menu meta
    meter nav noscript object ol optgroup option output p param picture pre progress q rp rt ruby s samp script search
    section select slot small source span strong style sub summary sup svg table tbody td template textarea tfoot th
    thead time title tr track u ul var video wbr
    acronym applet basefont bgsound big blink center dir font frame frameset image isindex keygen marquee menuitem nobr
    noembed noframes plaintext rb rtc spacer strike tt xmp
""".split())
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
# Invisible characters that change what text shows or how it reads: control characters (tab and line breaks
# aside), the bidi embeddings, overrides and isolates that make text display in another order than it reads
# (a known spoofing trick), the zero-width space and word joiner that split words or links unseen, a stray byte-order
# mark, the soft hyphen, and tag characters (invisible ASCII look-alikes that smuggle hidden text).
# Allowed: U+200C/U+200D (ZWNJ/ZWJ: Persian and Indic spelling, emoji), U+200E/U+200F marks, no-break spaces.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069"
                        "\U000e0000-\U000e007f]")
# The only visible use of tag characters: the flags of England, Scotland and Wales (Unicode's RGI emoji).
_TAG_FLAGS = re.compile("\U0001f3f4\U000e0067\U000e0062(?:\U000e0065\U000e006e\U000e0067|\U000e0073\U000e0063\U000e0074"
                        "|\U000e0077\U000e006c\U000e0073)\U000e007f")
INVISIBLE_HINT = "delete it: it is invisible (often pasted in with the text) and can make the text show differently"
_PLACEHOLDER = re.compile(r"\[\[[a-z_]+(\|[^\]]*)?\]\]")


def _allowed_syntax() -> MarkdownIt:
    return MarkdownIt("zero", {"html": False}).enable(["emphasis", "link", "escape"])


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return _allowed_syntax()


@lru_cache(maxsize=1)
def _as_written_parser() -> MarkdownIt:
    """The same syntax, but every link destination kept as the author typed it: markdown-it would percent-encode
    it (a stray % or " would pass unseen) and drop the links of a scheme it does not trust. Validation only."""
    parser = _allowed_syntax()
    parser.normalizeLink = lambda url: url
    parser.validateLink = lambda url: True
    parser.disable("text_join")  # a backslash-escaped character stays its own token: it is text, never syntax
    return parser


# RFC 3986: the characters a URL may hold as they are; any other is written as %XX ('[' and ']' only around
# an IPv6 host). Non-ASCII letters are allowed outside the host (IRIs: browsers and markdown-it encode them);
# the host is checked through IDNA.
_URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def _url_pattern() -> str:
    """What url_problem accepts, as one regular expression for the JSON Schema (editors flag a bad URL while
    typing): https, a host of two or more labels (letters in any script; IDNA is checked by the build), an
    optional port, then only the characters of _URL_CHARACTERS, '%' always starting an escape."""
    letter = r"A-Za-z0-9\u00a1-\uffff"
    label = f"[{letter}](?:[{letter}-]{{0,61}}[{letter}])?"
    allowed = _URL_CHARACTERS.pattern[1:-1].replace("%", "")
    rest = rf"(?:[{allowed}]|%[0-9A-Fa-f]{{2}}|[\u00a1-\uffff])*"
    return rf"^https://{label}(?:\.{label})+\.?(?::[0-9]+)?(?:[/?#]{rest})?$"


URL_PATTERN = _url_pattern()


def url_problem(value: str) -> str | None:
    """Why a URL is not an absolute https link with a real host name, or None when it is."""
    try:
        parts = urlsplit(value)
    except ValueError:  # an unbalanced [ or ] in the host
        return f"expected a URL with a host name, got {quoted(value)}"
    if parts.scheme != "https":
        return f"expected an absolute https:// URL, got {quoted(value)}"
    if not parts.netloc or "." not in parts.netloc:
        return f"expected a URL with a host name, got {quoted(value)}"
    return _url_character_problem(value, host_end=len("https://") + len(parts.netloc)) or _host_problem(parts, value)


def _url_character_problem(value: str, host_end: int) -> str | None:
    for index, char in enumerate(value):
        if char.isascii() and not _URL_CHARACTERS.match(char) and not (char in "[]" and index < host_end):
            return f"{char!r} cannot appear in a URL (write it as %{ord(char):02X}), got {quoted(value)}"
        if not char.isascii() and (char.isspace() or unicodedata.category(char)[0] in "CZ"):
            return f"invisible character {character_name(char)} in the URL {quoted(value)}"
    if _BAD_PERCENT.search(value):
        return f"'%' must start an escape like %20 (write a % sign itself as %25), got {quoted(value)}"
    return None


def _host_problem(parts: SplitResult, value: str) -> str | None:
    if "@" in parts.netloc:
        return f"a name before '@' hides the real host name of the link (a known phishing trick), got {quoted(value)}"
    try:
        parts.port  # noqa: B018 (parsing the port is the check)
    except ValueError:
        return f"expected a port number after the host name, got {quoted(value)}"
    if parts.netloc.endswith(":"):  # urlsplit reads an empty port as no port
        return f"expected a port number after the host name, got {quoted(value)}"
    host = (parts.hostname or "").removesuffix(".")
    try:
        labels = host.encode("idna").decode("ascii").split(".")  # bücher.example → xn--bcher-kva.example
    except UnicodeError:  # an empty or overlong label
        labels = []
    if len(labels) < 2 or not all(_HOST_LABEL.match(label) for label in labels):
        return f"expected a host name of letters, digits, hyphens and dots like www.example.com, got {quoted(parts.hostname)}"
    return None


@lru_cache(maxsize=1)
def _html_finder() -> MarkdownIt:
    """CommonMark's own definition of raw HTML: tags, comments, <?…?>, <!…> and CDATA."""
    return MarkdownIt("zero", {"html": True}).enable(["html_inline", "escape"])


def raw_html(text: str) -> list[str]:
    """The raw HTML in `text` that a mail app would take for markup (a backslash escape is text)."""
    snippets = [token.content for token in _html_finder().parseInline(text)[0].children or () if token.type == "html_inline"]
    return [snippet for snippet in snippets if _is_markup(snippet)]


def _is_markup(snippet: str) -> bool:
    """Comments, declarations and <?…?> always; tags when they are HTML's elements or custom ones (with a
    hyphen, like MJML's): `<b>` is a tag, `<not a tag and a >` is text."""
    name = _TAG_NAME.match(snippet)
    return name is None or name.group(1).lower() in HTML_ELEMENTS or "-" in name.group(1)


@lru_cache(maxsize=4096)
def _tokens(text: str, as_written: bool = False) -> tuple:
    parser = _as_written_parser() if as_written else _parser()
    return tuple(parser.parseInline(text)[0].children or ())


@dataclass(frozen=True)
class Link:
    text: str
    url: str


def links(text: str, as_written: bool = False) -> list[Link]:
    """The links of a string, in order: their targets as the email links to them (markdown-it's normalised
    href), or `as_written` by the author, for validation."""
    found, current, label = [], None, []
    for token in _tokens(text, as_written):
        if token.type == "link_open":
            current, label = token.attrs.get("href", ""), []
        elif token.type == "link_close" and current is not None:
            found.append(Link("".join(label), current))
            current = None
        elif token.type in ("text", "text_special") and current is not None:
            label.append(token.content)
    return found


def inline_problems(text: str) -> list[str]:
    """What in `text` falls outside the allowed formatting (empty when it is fine)."""
    problems = []
    html = raw_html(text)
    if html:
        problems.append(f"raw HTML is not allowed in text ({_short(html[0])!r})")
    for link in links(text, as_written=True):
        if not link.url.startswith(ALLOWED_SCHEMES):
            problems.append(f"link {link.url!r} must start with https://, mailto: or tel:")
        elif link.url.startswith("https://") and url_problem(link.url):
            problems.append(f"link [{_short(link.text)}]: {url_problem(link.url)}")
    leftover = "".join(t.content for t in _tokens(text, as_written=True) if t.type == "text")
    if "**" in leftover or re.search(r"(^|\s)\*\S", leftover):
        problems.append("unbalanced * or ** emphasis")
    target = re.search(r"\]\(([^)\s]*)", leftover)
    if target and target.group(1) and not target.group(1).startswith(ALLOWED_SCHEMES):
        problems.append(f"link {target.group(1)!r} must start with https://, mailto: or tel:")
    elif target:
        problems.append("broken link syntax: write [link text](https://...)")
    return problems


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def invisible_character(text: str) -> str | None:
    """The first forbidden invisible character of `text`, named: 'U+202E RIGHT-TO-LEFT OVERRIDE'."""
    found = _INVISIBLE.search(_TAG_FLAGS.sub("", text) if "\U0001f3f4" in text else text)
    return character_name(found.group()) if found else None


def character_name(char: str) -> str:
    name = unicodedata.name(char, "") or ("(a control character)" if unicodedata.category(char) == "Cc" else "(unnamed)")
    return f"U+{ord(char):04X} {name}"


def emphasis_counts(text: str) -> tuple[int, int]:
    """How many bold and italic spans a string has (for translation checks)."""
    types = [t.type for t in _tokens(text)]
    return types.count("strong_open"), types.count("em_open")


def to_html(text: str, link_url: Callable[[str], str] = str, link_style: str = "") -> Markup:
    """Safe HTML for a string; every link target goes through `link_url` (UTM tagging)."""
    out = []
    for token in _tokens(text):
        if token.type == "text":
            out.append(str(escape(token.content)))
        elif token.type == "softbreak":
            out.append(" ")
        elif token.type in ("strong_open", "strong_close", "em_open", "em_close"):
            tag = "strong" if token.type.startswith("strong") else "em"
            out.append(f"<{'/' if token.type.endswith('close') else ''}{tag}>")
        elif token.type == "link_open":
            href = escape(link_url(token.attrs.get("href", "")))
            style = f' style="{escape(link_style)}"' if link_style else ""
            out.append(f'<a href="{href}"{style}>')
        elif token.type == "link_close":
            out.append("</a>")
    return Markup("".join(out))


def to_text(text: str, note_link: Callable[[str], int]) -> str:
    """Plain text for a string: formatting dropped, each link followed by its note number."""
    out, pending = [], None
    for token in _tokens(text):
        if token.type == "text":
            out.append(token.content)
        elif token.type == "softbreak":
            out.append(" ")
        elif token.type == "link_open":
            pending = token.attrs.get("href", "")
        elif token.type == "link_close" and pending is not None:
            out.append(f" [{note_link(pending)}]")
            pending = None
    return "".join(out)
