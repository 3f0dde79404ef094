"""The plural rule of a language: the one `i18n init` writes and `i18n check` compares a catalog's
Plural-Forms header with.

The rule is GNU gettext's, as `msginit` writes it (and Poedit and Weblate propose it): two forms for
Spanish, French, Italian and Portuguese. CLDR gives these languages a third form, `many`, for exact
millions ("1 000 000 de minutes"), which no count in an email reaches and which GNU tools, Poedit and
most translation memories do not have. Where gettext's table has no rule for the language (Arabic,
Chinese), or GNU gettext is not installed, the rule is CLDR's, as Babel gives it. Nothing here is a
copy of either table: both are read as installed.
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from babel.messages.plurals import get_plural

# How far two rules are compared: msgfmt tries as far, and every rule in CLDR repeats well before.
COMPARED_COUNTS = range(1001)
_HEADER = re.compile(r'"Plural-Forms:\s*([^"\\]*)')
_MSGINIT_INPUT = b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'


@dataclass(frozen=True)
class PluralRule:
    nplurals: int
    expression: str
    source: str  # "GNU gettext" or "CLDR"

    @property
    def header(self) -> str:
        return f"nplurals={self.nplurals}; plural={self.expression};"

    def forms(self) -> tuple[int, ...]:
        """The form each count of COMPARED_COUNTS takes."""
        return forms_of(self.expression)


@lru_cache(maxsize=64)
def language_rule(locale: str) -> PluralRule:
    """The plural rule the project writes and checks for `locale` (es, pt_BR, zh_Hans)."""
    return _gettext_rule(locale) or _cldr_rule(locale)


def _gettext_rule(locale: str) -> PluralRule | None:
    """GNU gettext's rule for the locale, read from msginit as installed; None when it has none."""
    if shutil.which("msginit") is None:
        return None
    done = subprocess.run(["msginit", "-i", "-", "-o", "-", "-l", locale, "--no-translator"], input=_MSGINIT_INPUT,
                          capture_output=True, timeout=30, check=False)
    header = _HEADER.search(done.stdout.decode("utf-8", "replace")) if done.returncode == 0 else None
    return _parsed(header.group(1), "GNU gettext") if header else None


def _cldr_rule(locale: str) -> PluralRule:
    babel = get_plural(locale)
    return PluralRule(babel.num_plurals, babel.plural_expr, "CLDR")


def _parsed(header: str, source: str) -> PluralRule | None:
    fields = dict(part.strip().split("=", 1) for part in header.split(";") if "=" in part)
    if not fields.get("nplurals", "").strip().isdigit() or "plural" not in fields:
        return None
    return PluralRule(int(fields["nplurals"]), fields["plural"].strip(), source)


@lru_cache(maxsize=64)
def forms_of(expression: str) -> tuple[int, ...]:
    rule = gettext.c2py(expression)
    return tuple(rule(n) for n in COMPARED_COUNTS)


def header_problem(locale: str, nplurals: int, expression: str, language: str) -> str | None:
    """What is wrong with a catalog's Plural-Forms for its language (None: it is the language's rule, or
    gives the same form for every count)."""
    rule = language_rule(locale)
    try:
        same = nplurals == rule.nplurals and forms_of(expression) == rule.forms()
    except (ValueError, ZeroDivisionError, RecursionError):
        same = False
    if same:
        return None
    first = _first_difference(expression, rule)
    said = f", and gives form {first[1]} for n = {first[0]} where {language} takes form {first[2]}" if first else ""
    return (f"the Plural-Forms header says {nplurals} plural form{'s' if nplurals != 1 else ''}{said}; "
            f"{language} has {rule.nplurals} ({rule.source})")


def header_fix(locale: str) -> str:
    return f'write the header "Plural-Forms: {language_rule(locale).header}\\n" (the language\'s rule; keep the forms)'


def _first_difference(expression: str, rule: PluralRule) -> tuple[int, int, int] | None:
    try:
        given = forms_of(expression)
    except (ValueError, ZeroDivisionError, RecursionError):
        return None
    return next(((n, mine, theirs) for n, mine, theirs in zip(COMPARED_COUNTS, given, rule.forms()) if mine != theirs), None)
