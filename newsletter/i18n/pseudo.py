"""Pseudo-locales for layout checks before real translators exist (never sent to subscribers).

- en_XA: accented and about 35% longer, in brackets: "[Ŝçĥéðûļé å Çöñšûļţåţîöñ ·······]",
  so clipped, hard-coded or concatenated text stands out.
- ar_XB: the English wrapped in right-to-left overrides, rendered with Arabic's direction,
  so mirroring problems show without knowing Arabic. Numbers stay outside the overrides, as
  numbers stay left to right in Arabic: they show whether the email isolates them.
Placeholders, merge tags, link targets and emphasis markers pass through untouched.
"""

from __future__ import annotations

import re

ACCENTS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "åƀçðéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
# What must survive untouched: placeholders, merge tags, a link's target, emphasis markers.
PROTECTED = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}|\[\[[^\]]*\]\]|\]\([^)]*\)|\*\*|\*|\[|\\.")
EXPANSION = 0.35
RLO, PDF = "\u202e", "\u202c"


def _map_unprotected(text: str, change) -> str:
    out, position = [], 0
    for match in PROTECTED.finditer(text):
        out.append(change(text[position:match.start()]))
        out.append(match.group())
        position = match.end()
    out.append(change(text[position:]))
    return "".join(out)


def accented(text: str) -> str:
    """en_XA: accented, padded by ~35% of the visible length, bracketed."""
    body = _map_unprotected(text, lambda part: part.translate(ACCENTS))
    visible = len(PROTECTED.sub("", text))
    padding = "·" * max(1, round(visible * EXPANSION))
    return f"⟦{body} {padding}⟧"


def right_to_left(text: str) -> str:
    """ar_XB: every run of words forced right-to-left; numbers are left as they are."""
    return _map_unprotected(text, lambda part: _NOT_DIGITS.sub(_forced, part))


_NOT_DIGITS = re.compile(r"[^0-9]+")


def _forced(words: re.Match) -> str:
    return f"{RLO}{words.group()}{PDF}" if words.group().strip() else words.group()


PSEUDO_TRANSFORMS = {"en_XA": accented, "ar_XB": right_to_left}
