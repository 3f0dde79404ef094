"""Size: Gmail clips a message whose HTML passes 102 KB; images need room reserved before they load."""

from __future__ import annotations

from collections.abc import Iterator

from newsletter.checks.model import CheckedEmail, Finding

GMAIL_CLIP_BYTES = 102 * 1024
WARN_BYTES = 80 * 1024
MAX_IMAGES = 10  # beyond this, blocked-image clients show a wall of empty boxes


def gmail_clip(checked: CheckedEmail) -> Iterator[Finding]:
    size = len(checked.email.html.encode())
    where = f"{checked.source.file}: the HTML is {size / 1024:.1f} KB"
    if size > GMAIL_CLIP_BYTES:
        yield checked.error("size.gmail-clip", f"{where}, over Gmail's 102 KB clipping limit: "
                            "the end of the email (with the unsubscribe link) is hidden",
                            "shorten the issue or move an article to next month")
    elif size > WARN_BYTES:
        yield checked.warning("size.gmail-clip", f"{where}, close to Gmail's 102 KB clipping limit",
                              "keep the issue shorter; translations can grow it further")


def image_count(checked: CheckedEmail) -> Iterator[Finding]:
    images = checked.html.all("img")
    if len(images) > MAX_IMAGES:
        yield checked.warning("size.image-count", f"{checked.source.file}: {len(images)} images (more than {MAX_IMAGES})",
                              "use fewer images: many clients block them until the reader allows it")


def image_dimensions(checked: CheckedEmail) -> Iterator[Finding]:
    """Outlook needs a pixel width; a known height keeps the layout when images are blocked."""
    for img in checked.html.all("img"):
        if not img.attrs.get("width", "").isdigit():
            yield checked.warning("size.image-dimensions", f"email.html:{img.line}: image {img.attrs.get('src', '')!r} "
                                  "has no pixel width", "give the image a width in the template (mj-image width)")
    for article in checked.source.articles:
        if article.image and article.image.height is None:
            yield checked.warning("size.image-dimensions",
                                  f"{checked.source.file}:{article.title.line}: the image of {article.slug!r} has no height",
                                  "add 'height:' (pixels) under the article's image")


CHECKS = (gmail_clip, image_count, image_dimensions)
