"""Links: every href safe and well-formed, tracked with UTM, the two calls to action present and
pointing to this locale's pages, and link text that makes sense on its own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit, urlunsplit

from newsletter.checks.document import Element
from newsletter.checks.model import CheckedEmail, Finding

MERGE_TAG = re.compile(r"^\[\[[a-z_]+\]\]$")  # provider-neutral placeholders the export replaces
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Link text that says nothing without its surroundings (WCAG 2.4.4), in the project's languages.
VAGUE_LINK_TEXT = frozenset({
    "click here", "here", "click", "read more", "more", "link", "this link",
    "haga clic aquí", "haz clic aquí", "aquí", "más", "leer más",
    "cliquez ici", "ici", "plus", "lire la suite",
    "hier klicken", "hier", "mehr", "weiterlesen",
    "انقر هنا", "اضغط هنا", "هنا", "المزيد",
    "点击这里", "点击此处", "这里", "更多",
})


def _links(checked: CheckedEmail) -> list[Element]:
    return [a for a in checked.html.all("a") if "href" in a.attrs]


def untracked(href: str) -> str:
    """The address without its query and fragment, as written in the sources."""
    parts = urlsplit(href)
    return urlunsplit(parts._replace(query="", fragment=""))


def _where(checked: CheckedEmail, link: Element) -> str:
    href = link.attrs["href"]
    return checked.source_of(untracked(href)) or checked.source_of(href) or f"email.html:{link.line}"


def _problem(href: str) -> str | None:
    """What is wrong with an href, or None."""
    if MERGE_TAG.match(href):
        return None
    if href.startswith("mailto:"):
        return None if _EMAIL.match(href[7:].split("?")[0]) else "is not a valid mailto: address"
    if href.startswith("tel:"):
        return None if re.fullmatch(r"\+?[0-9().\- ]{3,}", href[4:]) else "is not a valid tel: number"
    parts = urlsplit(href)
    if parts.scheme != "https":
        return "is not an absolute https:// address"
    if not parts.hostname or "." not in parts.hostname or re.search(r"\s", href):
        return "is not a well-formed address"
    return None


def _anchors(checked: CheckedEmail) -> set[str]:
    """The places inside the email a link may lead to: named anchors (the contents list's targets)."""
    return {a.attrs["name"] for a in checked.html.all("a") if a.attrs.get("name")}


def scheme(checked: CheckedEmail) -> Iterator[Finding]:
    anchors = _anchors(checked)
    for link in _links(checked):
        href = link.attrs["href"]
        if href.startswith("#") and href[1:] in anchors:  # a link within the email (the contents list)
            continue
        problem = _problem(href)
        if problem:
            check = "links.scheme" if "https" in problem else "links.malformed"
            yield checked.error(check, f"{_where(checked, link)}: link {link.attrs['href']!r} {problem}",
                                "write the full address, e.g. https://www.example.com/page (or mailto:/tel:)")


def utm(checked: CheckedEmail) -> Iterator[Finding]:
    wanted = {f"utm_{key}" for key in (*checked.settings.utm, "campaign")}
    for link in _links(checked):
        href = link.attrs["href"]
        if urlsplit(href).scheme != "https":
            continue
        missing = sorted(wanted - set(parse_qs(urlsplit(href).query)))
        if missing:
            yield checked.warning("links.utm", f"{_where(checked, link)}: link {untracked(href)!r} has no {', '.join(missing)}",
                                  "link through the template's track() so the campaign is measured")


def _cta(checked: CheckedEmail, name: str, label: str) -> Iterator[Finding]:
    expected = getattr(checked.settings.links_for(checked.locale), name)
    targets = {untracked(link.attrs["href"]) for link in _links(checked)}
    if untracked(expected) in targets:
        return
    default = untracked(getattr(checked.settings.links, name))
    found = "it links to the default page instead" if default != untracked(expected) and default in targets else "no link to it"
    overridden = checked.locale in checked.settings.link_overrides
    setting = f"links.overrides.{checked.locale}.{name}" if overridden else f"links.{name}"
    yield checked.error(f"links.cta-{name}", f"{checked.setting(setting)}: the {label} call to action "
                        f"({expected}) is missing: {found}",
                        f"keep the {label} button in templates/partials/cta.mjml.j2 with track(links.{name})")


def cta_faq(checked: CheckedEmail) -> Iterator[Finding]:
    yield from _cta(checked, "faq", "FAQ")


def cta_consultation(checked: CheckedEmail) -> Iterator[Finding]:
    yield from _cta(checked, "consultation", "Schedule a Consultation")


def link_text(checked: CheckedEmail) -> Iterator[Finding]:
    for link in _links(checked):
        words = link.text.strip(" .:!»›→").casefold()
        if words in VAGUE_LINK_TEXT:
            yield checked.error("links.vague-text", f"{_where(checked, link)}: link text {link.text!r} says nothing on its own",
                                "name the destination, e.g. 'Read our FAQ about exosomes'")
        elif not words and "img" not in link.contains:
            yield checked.error("links.vague-text", f"{_where(checked, link)}: a link has no text",
                                "give the link words a screen reader can announce")


CHECKS = (scheme, utm, cta_faq, cta_consultation, link_text)
