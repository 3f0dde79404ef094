"""Email-client support: the HTML elements and attributes, CSS properties, at-rules and selectors the
email uses, looked up in caniemail.com's data (vendored in checks/data/, see its README).

For each feature that some client lacks (its latest tested version says "not supported" or "partial"),
the report lists the clients and the email's fallback for them, if it has one. A feature that a major
client (Gmail, Outlook for Windows, Apple Mail, Yahoo) does not support and that has no fallback in the
email is a warning naming it: readers of that client see the email without it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from newsletter.checks.model import CheckedEmail, Finding

DATA = Path(__file__).parent / "data" / "caniemail.json"
# The clients most subscribers read in. Gmail's "mobile webmail" is its retired basic-HTML view: left out.
MAJOR = {("gmail", "desktop-webmail"), ("gmail", "ios"), ("gmail", "android"), ("outlook", "windows"),
         ("apple-mail", "macos"), ("apple-mail", "ios"), ("yahoo", "desktop-webmail"), ("yahoo", "ios"),
         ("yahoo", "android")}


@dataclass(frozen=True)
class ClientGap:
    """One feature the email uses that some clients do not support (fully)."""

    feature: str  # caniemail's slug, e.g. "css-max-width"
    title: str
    url: str
    unsupported: tuple[str, ...]  # "Outlook Windows 2019", …
    partial: tuple[str, ...]  # "Gmail Android 2019-06 (Not supported with non Google accounts.)", …
    major_unsupported: tuple[str, ...]
    fallback: str | None  # what the email does for those clients

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        clients = ", ".join(self.unsupported) or "none"
        partly = f"; partly in {len(self.partial)} ({', '.join(self.partial[:3])}{', …' if len(self.partial) > 3 else ''})"
        fallback = f"fallback: {self.fallback}" if self.fallback else "no fallback"
        return f"{self.title} ({self.feature}): not supported in {clients}{partly if self.partial else ''} — {fallback}"


@lru_cache(maxsize=1)
def _data() -> tuple[dict[str, dict], dict]:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    return {feature["slug"]: feature for feature in raw["data"]}, raw["nicenames"]


# ---- what the email uses

_DECLARATION = re.compile(r"([a-zA-Z-]+)\s*:\s*([^;{}]+)")
_RULE = re.compile(r"([^{}@;]+)\{([^{}]*)\}")
_AT_RULE = re.compile(r"@([a-z-]+)")
_AT_PRELUDE = re.compile(r"@[a-z-]+[^{;]*")
_SHORTHANDS = ("border", "padding", "margin", "background")  # border-top counts as border
_UNIT = re.compile(r"\d(px|pt|em|rem|%|vh|vw)\b")
_UNITS = {"px": "px", "pt": "pt", "em": "em", "rem": "rem", "%": "percent", "vh": "vh", "vw": "vw"}
_SELECTOR_PARTS = (("css-selector-attribute", r"\["), ("css-selector-child", r">"), ("css-selector-class", r"\."),
                   ("css-selector-id", r"#"), ("css-selector-descendant", r"[\w\]\)]\s+[\w.#\[]"),
                   ("css-selector-grouping", r","), ("css-selector-universal", r"\*"))
_HTML_TAGS = {"h1": "html-h1-h6", "h2": "html-h1-h6", "h3": "html-h1-h6", "h4": "html-h1-h6", "div": "html-div",
              "p": "html-p", "span": "html-span", "table": "html-table", "img": "html-img", "style": "html-style",
              "bdi": "html-bdi", "strong": "html-strong", "small": "html-small", "ul": "html-lists", "ol": "html-lists",
              "blockquote": "html-blockquote", "body": "html-body", "wbr": "html-wbr"}
_HTML_ATTRIBUTES = {"dir": "html-dir", "lang": "html-lang", "role": "html-role", "aria-label": "html-aria-label",
                    "aria-hidden": "html-aria-hidden", "align": "html-align", "valign": "html-valign",
                    "width": "html-width", "height": "html-height", "cellpadding": "html-cellpadding",
                    "cellspacing": "html-cellspacing", "target": "html-target", "background": "html-background"}


def used_features(checked: CheckedEmail) -> set[str]:
    """caniemail slugs of everything the email's HTML uses."""
    html, document = checked.email.html, checked.html
    css = [element.attrs.get("style", "") for element in document.elements]
    stylesheets = " ".join("".join(style.text_parts) for style in document.all("style"))
    found = {_HTML_TAGS[e.tag] for e in document.elements if e.tag in _HTML_TAGS}
    found |= {_HTML_ATTRIBUTES[name] for e in document.elements for name in e.attrs if name in _HTML_ATTRIBUTES}
    found |= {"html-doctype"} if html[:9].lower() == "<!doctype" else set()
    found |= {"html-comments"} if "<!--" in html else set()
    found |= {"html-meta-color-scheme" for e in document.all("meta") if e.attrs.get("name") == "color-scheme"}
    found |= {"html-mailto-links" for e in document.all("a") if e.attrs.get("href", "").startswith("mailto:")}
    found |= {f"image-{_image_format(e.attrs.get('src', ''))}" for e in document.all("img")}
    return _known(found | _css_features(" ; ".join(css)) | _stylesheet_features(stylesheets))


def _image_format(src: str) -> str:
    extension = src.rsplit("?", 1)[0].rsplit(".", 1)[-1].lower()
    return "jpg" if extension == "jpeg" else extension


def _stylesheet_features(css: str) -> set[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    found = {f"css-at-{name}" for name in _AT_RULE.findall(css)}
    found |= {"css-at-media-prefers-color-scheme"} if "prefers-color-scheme" in css else set()
    for selectors, _ in _RULE.findall(css):
        found |= {slug for slug, pattern in _SELECTOR_PARTS if re.search(pattern, selectors)}
    return found | _css_features(_AT_PRELUDE.sub("", css))  # (min-width: 480px) is a media feature


def _css_features(css: str) -> set[str]:
    found = {"css-important"} if "!important" in css else set()
    for name, value in _DECLARATION.findall(css):
        name, value = name.lower(), value.strip().lower()
        family = name.split("-")[0]
        found |= {f"css-{name}"} if f"css-{name}" in _data()[0] or family not in _SHORTHANDS else {f"css-{family}"}
        found |= {"css-display-none"} if name == "display" and value.startswith("none") else set()
        found |= {f"css-unit-{_UNITS[unit]}" for unit in _UNIT.findall(value)}
    return found


def _known(slugs: set[str]) -> set[str]:
    features, _ = _data()
    return {slug for slug in slugs if slug in features}


# ---- who lacks it, and what the email does about it

def _has(pattern: str) -> Callable[[CheckedEmail], bool]:
    return lambda checked: re.search(pattern, checked.email.html) is not None


_LIGHT = "the light palette, which reads on its own"
_RESET = "none needed: a reset to the client's default"
# What the email does for the clients that lack a feature, and how to see that it does.
FALLBACKS: dict[str, tuple[str, Callable[[CheckedEmail], bool]]] = {
    "css-at-media-prefers-color-scheme": (_LIGHT + "; Outlook.com gets [data-ogsc]/[data-ogsb] rules", _has(r"\[data-ogs[cb]\]")),
    "html-meta-color-scheme": (_LIGHT, lambda checked: True),
    "css-selector-attribute": (_LIGHT + " (only the dark-mode rules use attribute selectors)", _has(r"\[data-ogs[cb]\]")),
    "css-important": ("inline styles (only the dark-mode and Outlook-group rules use !important)", lambda checked: True),
    "html-style": ("the styles the layout needs are inline", lambda checked: True),
    "css-at-media": ("one full-width column, the layout's default without the media query", lambda checked: True),
    "css-max-width": ("Outlook's own tables (<!--[if mso]>) set the 600px width", _has(r"<!--\[if mso")),
    "css-display": ("Outlook's own tables (<!--[if mso]>) lay the columns out", _has(r"<!--\[if mso")),
    "css-display-none": ("mso-hide:all hides the preheader in Outlook", _has(r"mso-hide:\s*all")),
    "css-max-height": ("display:none and mso-hide:all hide the preheader", _has(r"mso-hide:\s*all")),
    "css-opacity": ("display:none and mso-hide:all hide the preheader", _has(r"mso-hide:\s*all")),
    "css-overflow": ("display:none and mso-hide:all hide the preheader", _has(r"mso-hide:\s*all")),
    "css-border-radius": ("square corners", lambda checked: True),
    "css-background": ("the bgcolor attribute on the same tables", _has(r"bgcolor=")),
    "css-background-color": ("the bgcolor attribute on the same tables", _has(r"bgcolor=")),
    "html-dir": ("direction set in CSS on every block", _has(r"direction:\s*(ltr|rtl)")),
    "css-direction": ("the dir attribute on <html> and the body", _has(r'<html[^>]* dir="')),
    "css-selector-child": ("inline styles", lambda checked: True),
    "css-selector-descendant": ("inline styles", lambda checked: True),
    "css-word-break": ("lines wrap at spaces", lambda checked: True),
    "css-table-layout": ("the table's columns share the email's full width, as Outlook for Windows always lays it "
                         "out at 600px", lambda checked: True),
    "css-white-space": ("<pre> keeps the spaces and line breaks of code by itself; only wrapping its long lines "
                        "needs white-space", _has(r"<pre[^>]*white-space:\s*pre-wrap")),
    "css-cursor": ("the default pointer", lambda checked: True),
    "css-aspect-ratio": ("the image's width and height attributes, which keep its ratio once it loads; only the box "
                         "kept while images are off needs aspect-ratio", _has(r"<img[^>]* width=\"\d+\" height=")),
    "css-height": ("images keep their width and height attributes; with no image, only MJML's img reset uses it",
                   lambda checked: "<img" not in checked.email.html or _has(r"<img[^>]* width=")(checked)),
    # MJML's resets, which only restate a client's default: without them nothing changes.
    "css-outline": (_RESET + " (outline:none on images)", lambda checked: True),
    "css-selector-id": (_RESET + " (#outlook a)", lambda checked: True),
    "css-word-spacing": (_RESET + " (word-spacing:normal)", lambda checked: True),
    "css-border-spacing": (_RESET + " (border-spacing:0 on collapsed tables)", lambda checked: True),
    "html-doctype": (_RESET + " (the doctype only asks for standards mode)", lambda checked: True),
    "html-target": ("the client opens links its own way", lambda checked: True),
    "html-body": ("the body's background is repeated on the wrapper <div>", _has(r'role="article"[^>]*background')),
    "html-aria-label": ("the subject, which screen readers announce", lambda checked: True),
}


def _support(value: str) -> str:
    return value.split()[0] if value else "u"  # y, n, a (partial), u (unknown)


@lru_cache(maxsize=512)
def _client_gaps(slug: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(unsupported, partial, major unsupported) clients, each by its latest tested version."""
    features, names = _data()
    feature = features[slug]
    unsupported, partial, major = [], [], []
    for family, platforms in feature["stats"].items():
        for platform, versions in platforms.items():
            version, value = list(versions.items())[-1]
            name = f"{names['family'].get(family, family)} {names['platform'].get(platform, platform)} {version}"
            if _support(value) == "n":
                unsupported.append(name)
                if (family, platform) in MAJOR:
                    major.append(name)
            elif _support(value) == "a":
                notes = [feature.get("notes_by_num", {}).get(mark.lstrip("#"), "") for mark in value.split()[1:]]
                partial.append(f"{name} ({' '.join(note for note in notes if note)})" if any(notes) else name)
    return tuple(unsupported), tuple(partial), tuple(major)


_GAPS: dict[str, tuple[ClientGap, ...]] = {}  # by the email's HTML: the finding and the report share one lookup


def client_gaps(checked: CheckedEmail) -> tuple[ClientGap, ...]:
    """Every feature the email uses that some client does not support fully, with its fallback."""
    html = checked.email.html
    if html not in _GAPS:
        if len(_GAPS) >= 32:
            _GAPS.clear()
        _GAPS[html] = tuple(_find_gaps(checked))
    return _GAPS[html]


def _find_gaps(checked: CheckedEmail) -> list[ClientGap]:
    features, _ = _data()
    gaps = []
    for slug in sorted(used_features(checked)):
        unsupported, partial, major = _client_gaps(slug)
        if not unsupported and not partial:
            continue
        description, present = FALLBACKS.get(slug, (None, lambda checked: False))
        gaps.append(ClientGap(slug, features[slug]["title"], features[slug]["url"], unsupported, partial, major,
                              description if present(checked) else None))
    return gaps


def unsupported_without_fallback(checked: CheckedEmail) -> Iterator[Finding]:
    for gap in client_gaps(checked):
        if gap.major_unsupported and not gap.fallback:
            yield checked.warning("clients.unsupported", f"email.html: {gap.title} ({gap.feature}) is not supported in "
                                  f"{', '.join(gap.major_unsupported)}, and the email has no fallback for it ({gap.url})",
                                  "use a feature those clients support, or add a fallback (see docs/checks.md)")


CHECKS = (unsupported_without_fallback,)
