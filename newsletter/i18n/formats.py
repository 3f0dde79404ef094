"""Python `%` format strings, checked the way GNU `msgfmt -c` checks a `python-format` entry.

Templates format every string they translate (Jinja's newstyle gettext: `text % variables`),
so a stray `%` in a translation, a placeholder the English does not have, or `{% … %}` would
break the email at render time. Parsed here as gettext's format-python.c parses them, so that
the translation is refused at its PO line before the build, never blamed on a template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# One directive: %(name) flags width .precision size conversion (the conversion may be missing).
_DIRECTIVE = re.compile(r"%(?:\((?P<name>[^()]*)\))?[-+ #0]*(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d*))?[hlL]*"
                        r"(?P<conversion>.?)", re.DOTALL)
_TYPES = {"c": "character", "s": "string", "r": "string", "a": "string", "%": None,
          **dict.fromkeys("iduoxX", "integer"), **dict.fromkeys("eEfFgG", "float")}
_TEMPLATE_SYNTAX = re.compile(r"\{[%{#]|[%}#]\}")
PERCENT_HINT = "write %% for a percent sign"


@dataclass(frozen=True)
class Directive:
    text: str  # as written: %(num)d
    name: str | None
    kind: str  # integer, float, string, character, any
    shown: str = ""  # with a little of the text around it, to find it in a long string


@dataclass(frozen=True)
class FormatString:
    """The directives of a format string, or why it is not one."""

    named: dict[str, Directive]
    unnamed: tuple[Directive, ...]
    invalid: str | None = None


@lru_cache(maxsize=4096)
def parse(text: str) -> FormatString:
    """Read the directives left to right, as format-python.c does; the first invalid one stops it."""
    named: dict[str, Directive] = {}
    unnamed: list[Directive] = []
    position = 0
    while (start := text.find("%", position)) != -1:
        match = _DIRECTIVE.match(text, start)
        problem = _add(match, named, unnamed)
        if problem:
            return FormatString(named, tuple(unnamed), problem)
        position = max(match.end(), start + 1)
    return FormatString(named, tuple(unnamed))


def _add(match: re.Match, named: dict[str, Directive], unnamed: list[Directive]) -> str | None:
    directive, conversion, name = match.group(), match.group("conversion"), match.group("name")
    if conversion not in _TYPES:
        if not conversion or conversion == "(":
            return f"{_context(match)} ends in an unfinished placeholder — {PERCENT_HINT}"
        return f"{_context(match)} is not a placeholder — {PERCENT_HINT}"
    if conversion == "%" and name is None:
        return None  # %% is a percent sign
    kind, shown = _TYPES[conversion] or "any", _context(match)
    if name is not None and unnamed:  # the unnamed one came first: it is the stray % (100% seguro)
        return f"{unnamed[0].shown} is not a placeholder — {PERCENT_HINT}"
    if name is None and named or name is not None and "*" in (match.group("width"), match.group("precision")):
        return f"{shown} is not a placeholder — {PERCENT_HINT}"
    if name is None:
        unnamed.append(Directive(directive, None, kind, shown))
    elif name in named and named[name].kind != kind:
        return f"{_context(match)} uses %({name}) in two incompatible ways"
    else:
        named[name] = Directive(directive, name, kind, shown)
    return None


def _context(match: re.Match) -> str:
    """The directive with a little of the text around it: '100% de %(first_name)s' → '…100% de…'."""
    text, start, end = match.string, match.start(), max(match.end(), match.start() + 1)
    before, after = text[max(0, start - 6):start], text[end:end + 6]
    return repr(("…" if start > 6 else "") + before + text[start:end] + after + ("…" if end + 6 < len(text) else ""))


def problem(english: str, translation: str, strict: bool = True) -> str | None:
    """What `msgfmt -c` would say about the translation of a python-format string, in a translator's words.
    `strict`: every placeholder of the English must be used (a plural form may spell its number out)."""
    if _TEMPLATE_SYNTAX.search(translation) and not _TEMPLATE_SYNTAX.search(english):
        return f"{_TEMPLATE_SYNTAX.search(translation).group()!r} is template syntax: a translation is text — remove it"
    source, target = parse(english), parse(translation)
    if source.invalid:
        return None  # the English's own mistake: the template is to blame, not the translation
    if target.invalid:
        return target.invalid
    if source.named and target.unnamed or source.unnamed and target.named:
        return "the English uses named placeholders and the translation unnamed ones, or the other way round"
    return _named_problem(source, target, strict) or _unnamed_problem(source, target)


def _named_problem(source: FormatString, target: FormatString, strict: bool) -> str | None:
    for name, directive in sorted(target.named.items()):
        if name not in source.named:
            return f"placeholder {directive.text} is not in the English"
        if source.named[name].kind != directive.kind and "any" not in (source.named[name].kind, directive.kind):
            return f"placeholder {directive.text} should be written {source.named[name].text}, as in the English"
    missing = sorted(set(source.named) - set(target.named))
    if strict and missing:
        return f"placeholder {source.named[missing[0]].text} is missing or altered"
    return None


def _unnamed_problem(source: FormatString, target: FormatString) -> str | None:
    if len(source.unnamed) != len(target.unnamed):
        extra = target.unnamed[len(source.unnamed)] if len(target.unnamed) > len(source.unnamed) else None
        if extra is not None and not source.unnamed:
            return f"{extra.shown} is not a placeholder of the English — {PERCENT_HINT}"
        return f"the English has {len(source.unnamed)} unnamed placeholders, the translation {len(target.unnamed)}"
    for want, have in zip(source.unnamed, target.unnamed):
        if want.kind != have.kind:
            return f"placeholder {have.text} should be written {want.text}, as in the English"
    return None
