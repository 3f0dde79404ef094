"""The addresses of an imported post: resolved against the post's own address, upgraded to https://.

A saved page links with relative addresses (`/blog/other-post`, `img/photo.jpg`) and old posts with
`http://`; the issue holds absolute https:// addresses only. A relative address is resolved against
the page's canonical URL (WHATWG URL parsing, as a browser would); an http:// one is written as
https:// and listed, so that marketing checks it opens; what has no web address stays text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

from newsletter.model.fillin import PLACEHOLDER_HOST
from newsletter.model.inline import url_problem

# "Save Page As…, complete" puts the page's files beside it, in '<page name>_files/' (Chrome, Edge) or
# '<page name>_files/' too in Firefox: such an address is a copy on this computer, not on the website.
_SAVED_COPY = re.compile(r"(^|/)[^/]*_files/")
_UNSAFE = "".join(chr(c) for c in range(0x21, 0x7f) if not re.match(r"[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]", chr(c)))


@dataclass
class Addresses:
    """Resolves the post's addresses; remembers which were upgraded from http://."""

    base: str  # the post's address ('' when the page does not say)
    upgraded: list[str] = field(default_factory=list)

    def web(self, address: str) -> str | None:
        """The https:// address a link or image points to, or None when it has none on the web."""
        address = address.strip()
        if not address or address.startswith(("#", "data:", "javascript:", "blob:", "file:")):
            return None
        if address.startswith(("mailto:", "tel:")):
            return address if not re.search(r"\s", address) else None
        if _SAVED_COPY.search(address) and not urlsplit(address).scheme:
            return None
        absolute = urljoin(self.base, address) if self.base else address
        if absolute.startswith("//"):
            absolute = "https:" + absolute
        if absolute.startswith("http://"):
            absolute = "https://" + absolute.removeprefix("http://")
            self.upgraded.append(absolute)
        absolute = quote(absolute, safe="".join(c for c in map(chr, range(0x21, 0x7f)) if c not in _UNSAFE) + "%")
        return absolute if url_problem(absolute) is None else None

    def stand_in(self, address: str) -> str:
        """A stand-in on the placeholder host for an address that is not on the web (a local copy, or a
        relative address on a page that does not say its own)."""
        path = quote(urlsplit(address.strip()).path.lstrip("./") or "image", safe="/")
        return f"https://{PLACEHOLDER_HOST}/{path}"
