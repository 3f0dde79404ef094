"""Accessibility: language and direction declared, images described (in the reader's language),
headings in order, brand colours readable (WCAG AA), a preheader for the inbox preview."""

from __future__ import annotations

from collections.abc import Iterator

import wcag_contrast_ratio

from newsletter.checks.model import CheckedEmail, Finding

AA_NORMAL_TEXT = 4.5


def lang_dir(checked: CheckedEmail) -> Iterator[Finding]:
    html = checked.html.first("html")
    attrs = html.attrs if html else {}
    for name, expected in (("lang", checked.email.lang), ("dir", checked.email.dir)):
        if attrs.get(name) != expected:
            yield checked.error("a11y.lang-dir", f"templates/email.mjml.j2: <html> has {name}={attrs.get(name)!r}, "
                                f"expected {expected!r}", 'keep <mjml lang="{{ email.lang }}" dir="{{ email.dir }}">')


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


def _rgb(color: str) -> tuple[float, float, float]:
    return tuple(int(color[i:i + 2], 16) / 255 for i in (1, 3, 5))


def contrast(checked: CheckedEmail) -> Iterator[Finding]:
    brand = checked.settings.brand
    pairs = (  # foreground, background, what, the setting to change
        (brand.text_color, brand.background_color, "body text", "brand.text_color"),
        (brand.primary_color, brand.background_color, "headings and links", "brand.primary_color"),
        ("#ffffff", brand.primary_color, "white button text", "brand.primary_color"),
    )
    for foreground, background, what, setting in pairs:
        ratio = wcag_contrast_ratio.rgb(_rgb(foreground), _rgb(background))
        if ratio < AA_NORMAL_TEXT:
            yield checked.error("a11y.contrast", f"{checked.setting(setting)}: {what} {foreground} on {background} has "
                                f"contrast {ratio:.2f}:1, below WCAG AA {AA_NORMAL_TEXT}:1",
                                f"choose a darker or lighter {setting} (check it with a contrast checker)")


def preheader(checked: CheckedEmail) -> Iterator[Finding]:
    hidden = [element.text for element in checked.html.all("div") if element.hidden]
    if not checked.email.preheader.strip() or checked.email.preheader not in hidden:
        where = checked.where(checked.source.preheader)
        yield checked.error("a11y.preheader", f"{where}: no preheader in the email",
                            "write 'preheader:' in the issue and keep <mj-preview> in the template")


CHECKS = (lang_dir, image_alt, alt_translated, heading_order, contrast, preheader)
