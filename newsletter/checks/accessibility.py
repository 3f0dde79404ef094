"""Accessibility: language and direction declared (and no block laid out the other way), images
described (in the reader's language), headings in order, brand colours readable in light and dark
mode (WCAG AA), a preheader for the inbox preview."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import wcag_contrast_ratio

from newsletter.checks.model import CheckedEmail, Finding
from newsletter.model.settings import SETTINGS_FILE

AA_NORMAL_TEXT = 4.5


def lang_dir(checked: CheckedEmail) -> Iterator[Finding]:
    html = checked.html.first("html")
    attrs = html.attrs if html else {}
    for name, expected in (("lang", checked.email.lang), ("dir", checked.email.dir)):
        if attrs.get(name) != expected:
            yield checked.error("a11y.lang-dir", f"templates/email.mjml.j2: <html> has {name}={attrs.get(name)!r}, "
                                f"expected {expected!r}", 'keep <mjml lang="{{ email.lang }}" dir="{{ email.dir }}">')


_DIRECTION = re.compile(r"direction\s*:\s*(ltr|rtl)", re.IGNORECASE)


def direction(checked: CheckedEmail) -> Iterator[Finding]:
    """Every block runs in the locale's direction: an inline `direction` the other way (MJML writes
    direction:ltr into each section and column unless told) overrides <html dir> for all inside it."""
    wrong = [e for e in checked.html.all("td", "div", "table", "p")
             if (found := _DIRECTION.search(e.attrs.get("style", ""))) and found.group(1).lower() != checked.email.dir]
    if wrong:
        where = checked.template_line("mj-section") or "templates/email.mjml.j2"
        yield checked.error("a11y.direction", f"{where}: {len(wrong)} blocks of the {checked.email.dir} email are "
                            f"laid out {'ltr' if checked.email.dir == 'rtl' else 'rtl'} (first at email.html:{wrong[0].line})",
                            'set direction="{{ email.dir }}" on mj-section and mj-column in <mj-attributes>')


def image_alt(checked: CheckedEmail) -> Iterator[Finding]:
    for img in checked.html.all("img"):
        if not img.attrs.get("alt", "").strip():
            src = img.attrs.get("src", "")
            where = checked.source_of(src) or f"email.html:{img.line}"
            yield checked.error("a11y.image-alt", f"{where}: image {src!r} has no alt text",
                                "describe the image in 'alt:' under the article's image (and keep alt= in the template)")


def alt_translated(checked: CheckedEmail) -> Iterator[Finding]:
    if not checked.translated:
        return
    for source, localized in zip(checked.source.articles, checked.localized.articles):
        if source.image and localized.image and localized.image.alt.value == source.image.alt.value:
            yield checked.warning("a11y.alt-translated", f"{checked.where(source.image.alt)}: the alt text of "
                                  f"{source.slug!r} is still in English", "translate it in the locale's catalog")


def heading_order(checked: CheckedEmail) -> Iterator[Finding]:
    previous = 0
    for heading in checked.html.all("h1", "h2", "h3", "h4", "h5", "h6"):
        level = int(heading.tag[1])
        if level > previous + 1:
            where = checked.source_of(f"<{heading.tag}") or f"email.html:{heading.line}"
            yield checked.warning("a11y.heading-order", f"{where}: <{heading.tag}> {heading.text[:40]!r} follows "
                                  f"{f'<h{previous}>' if previous else 'no heading'}",
                                  "do not skip heading levels: screen-reader users navigate by them")
        previous = level


def _rgb(color: str) -> tuple[float, float, float] | None:
    """#rrggbb or #rgb as 0..1 channels; None for anything else (named colours are left alone)."""
    digits = color.strip().lower().lstrip("#")
    if not color.strip().startswith("#") or len(digits) not in (3, 6) or any(c not in "0123456789abcdef" for c in digits):
        return None
    digits = "".join(c * 2 for c in digits) if len(digits) == 3 else digits
    return tuple(int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))


@lru_cache(maxsize=256)  # each colour pair once per process: every locale and template repeats the same few
def _ratio(foreground: str, background: str) -> float | None:
    pair = _rgb(foreground), _rgb(background)
    return None if None in pair else wcag_contrast_ratio.rgb(*pair)


def _brand_pairs(checked: CheckedEmail) -> tuple[tuple[str, str, str, str], ...]:
    """(foreground, background, what, the setting to change) of the brand colours, in both palettes: the
    light one, and the dark one (brand.dark, derived where not set) that dark-mode mail apps show."""
    brand, dark = checked.settings.brand, checked.settings.brand.dark
    return ((brand.text_color, brand.background_color, "body text", "brand.text_color"),
            (brand.primary_color, brand.background_color, "headings, links and outlined buttons", "brand.primary_color"),
            (brand.background_color, brand.primary_color, "button text", "brand.primary_color"),
            (dark.text_color, dark.background_color, "dark-mode body text", "brand.dark.text_color"),
            (dark.primary_color, dark.background_color, "dark-mode headings, links and outlined buttons",
             "brand.dark.primary_color"),
            (dark.background_color, dark.primary_color, "dark-mode button text", "brand.dark.primary_color"))


def contrast(checked: CheckedEmail) -> Iterator[Finding]:
    for foreground, background, what, setting in _brand_pairs(checked):
        ratio = _ratio(foreground, background)
        if ratio is not None and ratio < AA_NORMAL_TEXT:
            yield checked.error("a11y.contrast", f"{_setting_line(checked, setting)}: {what} {foreground} on {background} has "
                                f"contrast {ratio:.2f}:1, below WCAG AA {AA_NORMAL_TEXT}:1",
                                f"choose a darker or lighter {setting} (check it with a contrast checker)")


def _setting_line(checked: CheckedEmail, dotted: str) -> str:
    """file:line of the setting; a derived dark colour is not in the file: then brand.dark's, or brand's."""
    where = checked.setting(dotted)
    while where == SETTINGS_FILE and "." in dotted:
        dotted = dotted.rsplit(".", 1)[0]
        where = checked.setting(dotted)
    return where


def template_contrast(checked: CheckedEmail) -> Iterator[Finding]:
    """Colours written in the templates (text, buttons, their sections), as MJML resolves them."""
    brand = {(fg.lower(), bg.lower()) for fg, bg, _, _ in _brand_pairs(checked)}  # reported by contrast()
    defaults = _mjml_defaults(checked)
    reported = set()
    for node in checked.mjml.nodes:
        if node.tag not in MJML_TEXT_COLORS or node.parent == "mj-attributes":
            continue
        attrs = {**defaults.get("mj-all", {}), **defaults.get(node.tag, {}), **dict(node.attrs)}
        foreground, background = attrs.get("color", MJML_TEXT_COLORS[node.tag]), _background(node, attrs, defaults)
        ratio, needed = _ratio(foreground, background), LARGE_TEXT if _large(attrs) else AA_NORMAL_TEXT
        if ratio is None or ratio >= needed or (foreground.lower(), background.lower()) in brand:
            continue
        where = checked.template_line(node.tag, f'color="{foreground}"') or f"email.mjml:{node.line}"
        if where in reported:
            continue
        reported.add(where)
        yield checked.error("a11y.contrast", f"{where}: <{node.tag}> text {foreground} on {background} has contrast "
                            f"{ratio:.2f}:1, below WCAG AA {needed}:1", "use a darker text colour or a lighter background")


MJML_TEXT_COLORS = {"mj-text": "#000000", "mj-button": "#ffffff"}  # MJML's default text colours
MJML_BACKGROUNDS = ("mj-column", "mj-section", "mj-wrapper", "mj-hero", "mj-body")
LARGE_TEXT = 3.0  # WCAG AA for text from 24px, or from 18.66px bold


def _mjml_defaults(checked: CheckedEmail) -> dict[str, dict[str, str]]:
    """Attributes set for every element of a kind in <mj-attributes>."""
    return {node.tag: dict(node.attrs) for node in checked.mjml.nodes if node.parent == "mj-attributes"}


def _background(node, attrs: dict[str, str], defaults: dict[str, dict[str, str]]) -> str:
    if node.tag == "mj-button":
        return attrs.get("background-color", "#414141")  # MJML's default button colour
    for ancestor in reversed(node.ancestors):
        if ancestor.tag in MJML_BACKGROUNDS:
            colour = dict(ancestor.attrs).get("background-color") or defaults.get(ancestor.tag, {}).get("background-color")
            if colour:
                return colour
    return "#ffffff"


def _large(attrs: dict[str, str]) -> bool:
    size = re.fullmatch(r"(\d+(?:\.\d+)?)px", attrs.get("font-size", "13px").strip())  # MJML's default: 13px
    pixels = float(size.group(1)) if size else 0.0
    return pixels >= 24 or (pixels >= 18.66 and attrs.get("font-weight", "") in ("bold", "bolder", "700", "800", "900"))


PREHEADER_HINT = "keep the hidden preheader block first in <mj-body> in templates/email.mjml.j2"


def preheader(checked: CheckedEmail) -> Iterator[Finding]:
    """The preheader is in the email, hidden, before any text a reader sees: inboxes show the body's first text."""
    where = checked.where(checked.source.preheader)
    found = [e for e in checked.html.all("div") if e.hidden and e.text == checked.email.preheader]
    if not checked.email.preheader.strip() or not found:
        yield checked.error("a11y.preheader", f"{where}: no preheader in the email",
                            f"write 'preheader:' in the issue and {PREHEADER_HINT}")
    elif found[0].visible_before:
        first = " ".join(checked.html.visible_text.split()[:6])
        yield checked.error("a11y.preheader", f"{where}: the preheader is not the first text of the email: inboxes show "
                            f"'{first}…' in its place", PREHEADER_HINT)


CHECKS = (lang_dir, direction, image_alt, alt_translated, heading_order, contrast, template_contrast, preheader)
