"""The clinic's terminology: approved and forbidden terms per language, read from a TBX file.

`locales/glossary.tbx` is TermBase eXchange, the file Weblate, Crowdin and translate-toolkit read:
one `termEntry` per concept, one `langSet` per language, and per term an administrative status —
`preferredTerm-admn-sts` or `admittedTerm-admn-sts` (approved), `forbidden`, `obsolete`,
`deprecatedTerm-admn-sts` or `supersededTerm-admn-sts` (forbidden, as Weblate reads them).

Terms match whatever their endings: both the term and the text are cut into words and reduced to
their stems by the language's Snowball stemmer ("Stammzellen" and "Stammzelle" share one). Languages
written without spaces and without a stemmer (Chinese) match the term as written.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from babel import Locale, UnknownLocaleError

from newsletter.errors import Location, NewsletterError, Problem
from newsletter.i18n.markup import split
from newsletter.model.inline import links

GLOSSARY_FILE = "glossary.tbx"
MAX_BYTES = 2_000_000  # a glossary of a few thousand concepts; anything larger is not a glossary
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FORBIDDEN_STATUSES = {"forbidden", "obsolete", "deprecatedTerm-admn-sts", "supersededTerm-admn-sts"}
_WORD = re.compile(r"\w+")
# What is no prose, though it has words: a bare web address, a placeholder.
_NOT_PROSE = re.compile(r"\]\([^)\s]*\)|(?:https?://|mailto:|tel:|www\.)\S+|%\([a-z_]+\)[sd]|\{[a-z_]+\}|\[\[[^\]]*\]\]")
MIN_STEM = 3  # a shorter stem inside a longer word is a coincidence, not the term


@dataclass(frozen=True)
class Term:
    text: str
    forbidden: bool
    note: str = ""


@dataclass(frozen=True)
class Concept:
    """One termEntry: the English terms, and each language's approved and forbidden terms."""

    id: str
    terms: dict[str, tuple[Term, ...]]  # by locale code as the catalogs name it (zh_Hans, not zh-Hans)

    def english(self) -> tuple[Term, ...]:
        return self.terms.get("en", ())

    def approved(self, locale: str) -> tuple[Term, ...]:
        return tuple(term for term in self.terms.get(locale, ()) if not term.forbidden)

    def forbidden(self, locale: str) -> tuple[Term, ...]:
        return tuple(term for term in self.terms.get(locale, ()) if term.forbidden)


@dataclass(frozen=True)
class Glossary:
    file: str
    concepts: tuple[Concept, ...]

    def in_english(self, text: str) -> list[Concept]:
        """The concepts an English text speaks of."""
        return [concept for concept in self.concepts if any(contains(text, t.text, "en") for t in concept.english())]


def glossary_path(locales_dir: Path) -> Path:
    return locales_dir / GLOSSARY_FILE


def load_glossary(path: Path, display: str) -> Glossary:
    """The glossary at `path`; an empty one when the project has none."""
    if not path.is_file():
        return Glossary(display, ())
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise NewsletterError(Problem(Location(display), f"larger than {MAX_BYTES // 1_000_000} MB",
                                      "keep only the clinic's own terms in the glossary"))
    return Glossary(display, parse_tbx(data, display))


def parse_tbx(data: bytes, display: str) -> tuple[Concept, ...]:
    from defusedxml import DefusedXmlException  # here: a run whose gate verdicts are cached reads no glossary
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data)
    except ParseError as error:
        line, column = error.position
        raise NewsletterError(Problem(Location(display, line, column + 1), f"not well-formed XML: {_reason(error)}",
                                      "fix the XML (an editor with XML checking shows where)")) from None
    except DefusedXmlException:
        raise NewsletterError(Problem(Location(display), "entity or DTD declarations are not allowed",
                                      "remove the <!DOCTYPE …> internal subset and <!ENTITY …> lines")) from None
    return tuple(_concept(entry, index, display) for index, entry in enumerate(root.iter(_tag(root, "termEntry")), 1))


def _reason(error: ParseError) -> str:
    return str(error).split(":")[0]


def _tag(root: Element, name: str) -> str:
    """TBX files come with or without a namespace (TBX-Basic 2008 has none, TBX v3 has one)."""
    return f"{root.tag[:root.tag.index('}') + 1]}{name}" if root.tag.startswith("{") else name


def _concept(entry: Element, index: int, display: str) -> Concept:
    terms: dict[str, list[Term]] = {}
    for lang_set in (child for child in entry if _local(child.tag) == "langSet"):
        language = lang_set.get(XML_LANG) or lang_set.get("lang")
        if not language:
            raise NewsletterError(Problem(Location(display), f"termEntry {entry.get('id') or index}: a langSet without xml:lang",
                                          'add xml:lang="es" (or the language\'s code) to it'))
        terms.setdefault(language.replace("-", "_"), []).extend(_terms(lang_set))
    return Concept(entry.get("id") or str(index), {language: tuple(found) for language, found in terms.items()})


def _terms(lang_set: Element) -> list[Term]:
    found = []
    for group in (element for element in lang_set.iter() if _local(element.tag) in ("tig", "ntig", "termSec")):
        text = next((" ".join(e.itertext()).strip() for e in group.iter() if _local(e.tag) == "term"), "")
        status = next((e.text or "" for e in group.iter()
                       if _local(e.tag) == "termNote" and e.get("type") == "administrativeStatus"), "")
        note = next((e.text or "" for e in group.iter() if _local(e.tag) == "note"), "")
        if text:
            found.append(Term(text, status.strip() in FORBIDDEN_STATUSES, note.strip()))
    return found


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


_THREAD = threading.local()


def _stemmer(locale: str):
    """This thread's Snowball stemmer of the locale's language, or None. A stemmer keeps its word being stemmed
    in itself: one shared by the preview's threads gave one request another's stem (and an HTTP 500)."""
    stemmers = _THREAD.__dict__.setdefault("stemmers", {})
    if locale not in stemmers:
        stemmers[locale] = _new_stemmer(locale)
    return stemmers[locale]


def _new_stemmer(locale: str):
    import snowballstemmer  # here: importing it loads every language's stemmer (~0.1 s), needed only to stem

    try:
        language = Locale.parse(locale).english_name.split(" (")[0].lower()
    except (UnknownLocaleError, ValueError):
        return None
    return snowballstemmer.stemmer(language) if language in snowballstemmer.algorithms() else None


@lru_cache(maxsize=4096)
def _stems(text: str, locale: str) -> tuple[tuple[str, ...], ...]:
    """Each word of the text with its successive Snowball stems. One pass is not always enough:
    Snowball leaves some forms a step longer than others of the same word (Spanish "vasculares" →
    "vascular" while "vascular" → "vascul"; Arabic "الخلايا" → "خلايا" while "خلايا" → "خلاي")."""
    stemmer = _stemmer(locale)
    return tuple(_successive_stems(stemmer, word) for word in _WORD.findall(text.lower()))


def _successive_stems(stemmer, word: str) -> tuple[str, ...]:
    stems = [word]
    for _ in range(4):
        stem = stemmer.stemWord(stems[-1])
        if stem == stems[-1]:
            break
        stems.append(stem)
    return tuple(stems)


def _same_word(word: tuple[str, ...], term_word: tuple[str, ...]) -> bool:
    """A word matches a term's word when a stem of one is a stem of the other, or ends with it: something
    written in front of the word (an Arabic conjunction such as و, the head of a German compound)."""
    return any(stem == wanted or (len(wanted) >= MIN_STEM and stem.endswith(wanted)) for stem in word for wanted in term_word)


@lru_cache(maxsize=4096)
def prose(text: str) -> str:
    """The words a reader reads: without link targets (`…/stem-cell-therapies`), web addresses,
    markup and placeholders, which a glossary term never has to appear in."""
    for link in links(text, as_written=True):
        text = text.replace(f"]({link.url})", "] ")
    text = "".join(part if isinstance(part, str) else " " for part in split(text))
    return _NOT_PROSE.sub(" ", text)


def contains(text: str, term: str, locale: str) -> bool:
    """True when the text's prose uses the term, whatever its endings (its words appear in a row)."""
    text = prose(text)
    if _stemmer(locale) is None:
        return term.lower() in text.lower()
    wanted, words = _stems(term, locale), _stems(text, locale)
    return bool(wanted) and any(all(_same_word(word, stem) for word, stem in zip(words[i:i + len(wanted)], wanted))
                                for i in range(len(words) - len(wanted) + 1))

def _english(message) -> str:
    return " ".join(message.id) if isinstance(message.id, tuple) else message.id


def _translations(message) -> str:
    return " ".join(message.string) if isinstance(message.string, tuple) else (message.string or "")


def _name(concept: Concept) -> str:
    return concept.english()[0].text if concept.english() else concept.id


def check_forbidden_terms(glossary: Glossary, locale: str):
    """An entry check: the translation uses a term the glossary forbids in this language."""
    def check(message) -> str | None:
        translation = _translations(message)
        for concept in glossary.concepts:
            for term in concept.forbidden(locale):
                if contains(translation, term.text, locale):
                    approved = " or ".join(repr(t.text) for t in concept.approved(locale)) or "another term"
                    return f"forbidden term {term.text!r} for {_name(concept)!r} — use {approved} ({glossary.file})"
        return None
    return check


def check_approved_terms(glossary: Glossary, locale: str):
    """An entry check: the English names a glossary concept, the translation none of its approved terms."""
    def check(message) -> str | None:
        translation = _translations(message)
        for concept in glossary.in_english(_english(message)):
            approved = concept.approved(locale)
            if approved and not any(contains(translation, term.text, locale) for term in approved):
                wanted = " or ".join(repr(term.text) for term in approved)
                return f"{_name(concept)!r} should be translated as {wanted} ({glossary.file})"
        return None
    return check


def terms_comments(glossary: Glossary, english: str, locales: tuple[str, ...] = ()) -> list[str]:
    """The `#.` lines naming the glossary terms an entry uses: the English terms, then per language what the
    glossary approves and forbids. They are written in the template, where extracted comments belong:
    msgmerge, pot2po and pybabel update copy a template's `#.` lines into every catalog (and replace the
    catalog's own), so hints written only in a catalog would be lost at the next merge."""
    concepts = glossary.in_english(english)
    if not concepts:
        return []
    lines = [f"Terms ({glossary.file}): " + ", ".join(_name(concept) for concept in concepts)]
    for locale in locales:
        named = [_for_locale(concept, locale) for concept in concepts if concept.terms.get(locale)]
        lines += [f"Terms in {locale}: " + "; ".join(named)] if named else []
    return lines


def _for_locale(concept: Concept, locale: str) -> str:
    approved = " or ".join(term.text for term in concept.approved(locale)) or "(no approved term)"
    forbidden = ", ".join(term.text for term in concept.forbidden(locale))
    return f"{_name(concept)} = {approved}" + (f", not {forbidden}" if forbidden else "")
