"""Right-to-left text that reads right in every client.

In an Arabic sentence, a Latin name, a number or a merge tag is a left-to-right run; the Unicode
bidirectional algorithm places the punctuation and spaces at its edges by guessing, and guesses
wrong ("Northside Plastic Surgery." ends with its full stop at the reader's start). Each such run
is isolated in the HTML (`<span dir="ltr">`, which HTML gives `unicode-bidi: isolate`), a merge tag
in `<span dir="auto">` (the subscriber's name may be written either way), and every line of the
plain-text part starts with a right-to-left mark, for clients that take a paragraph's direction
from its first letter.
"""

from __future__ import annotations

import re
import unicodedata

RLM = "\u200f"
_RLE = "\u202b"  # right-to-left embedding, closed by _PDF
SIGNATURE_MARK = "-- "  # the line before a signature (RFC 3676 §4.3), which clients leave out of a reply
_RLO, _PDF = "\u202e", "\u202c"  # the ar_XB pseudo-locale forces its English right to left with these

# The content of the MJML elements that hold text; everything else (attributes, styles) is left alone.
_TEXT_ELEMENT = re.compile(r"(<mj-(text|button)\b[^>]*(?<!/)>)(.*?)(</mj-\2>)", re.DOTALL)
_TAG = re.compile(r"(<[^>]*>)")
_MERGE_TAG = re.compile(r"(\[\[[^\]]*\]\])")
_ENTITY = re.compile(r"&#?\w+;")
_FORCED_RTL = re.compile(f"{_RLO}[^{_PDF}]*{_PDF}")
# Private-use characters are the preview's invisible translator-mode marks; Unicode gives them a
# left-to-right class, which would start a run inside a mark and split it from its string. Seen as
# spaces, they are never inside a run.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_RTL_CLASSES = "".join(chr(c) for c in range(0x590, 0x900) if unicodedata.bidirectional(chr(c)) in ("R", "AL", "AN"))
_NOT_RTL = re.compile(f"[^{re.escape(_RTL_CLASSES)}\ufb1d-\ufdff\ufe70-\ufeff]+")
# What stays outside an isolated run, in the right-to-left sentence around it.
_OPENING, _CLOSING = "([{«\"'", ")]}».,;:!?\"'\u060c\u061b\u061f"


def isolate_in_mjml(mjml_source: str) -> str:
    """The MJML with every left-to-right run and merge tag in its text isolated (for RTL locales)."""
    return _TEXT_ELEMENT.sub(lambda m: m.group(1) + isolate_runs(m.group(3)) + m.group(4), mjml_source)


def isolate_runs(html: str) -> str:
    """The HTML fragment (escaped text and tags) with left-to-right runs and merge tags isolated."""
    return "".join(part if _TAG.fullmatch(part) else _isolate_text(part) for part in _TAG.split(html))


def _isolate_text(text: str) -> str:
    parts = _MERGE_TAG.split(text)
    return "".join(f'<span dir="auto">{part}</span>' if _MERGE_TAG.fullmatch(part) else _isolate_latin(part)
                   for part in parts)


def _isolate_latin(text: str) -> str:
    out, position = [], 0
    for start, end in _left_to_right_runs(_shadow(text)):
        out += [text[position:start], '<span dir="ltr">', text[start:end], "</span>"]
        position = end
    out.append(text[position:])
    return "".join(out)


def _shadow(text: str) -> str:
    """The text as the direction of its characters sees it, same length: an entity is one neutral
    symbol, and ar_XB's forced right-to-left English counts as right-to-left letters."""
    text = _PRIVATE_USE.sub(" ", _ENTITY.sub(lambda m: "~" * len(m.group()), text))
    return _FORCED_RTL.sub(lambda m: "\u05d0" * len(m.group()), text)


def _left_to_right_runs(shadow: str) -> list[tuple[int, int]]:
    """(start, end) of each stretch without right-to-left letters that holds left-to-right letters or digits,
    from its first to its last such character, with what is attached to them (a "+" before a number, a "/"
    ending an address) but not the brackets and punctuation around them, which belong to the sentence."""
    runs = []
    for stretch in _NOT_RTL.finditer(shadow):
        strong = [i for i in range(stretch.start(), stretch.end()) if _STRONG_LTR(shadow[i])]
        if not strong:
            continue
        start, end = strong[0], strong[-1] + 1
        while start > stretch.start() and not shadow[start - 1].isspace() and shadow[start - 1] not in _OPENING:
            start -= 1
        while end < stretch.end() and not shadow[end].isspace() and (
                shadow[end] not in _CLOSING or _closes_inside(shadow[start:end + 1])):
            end += 1
        runs.append((start, end))
    return runs


def _STRONG_LTR(char: str) -> bool:
    return unicodedata.bidirectional(char) in ("L", "EN")


def _closes_inside(run: str) -> bool:
    """A closing bracket whose opening one is in the run stays with it: "Suite (300)"."""
    pairs = {")": "(", "]": "[", "}": "{", "»": "«"}
    return run[-1] in pairs and run.count(pairs[run[-1]]) >= run.count(run[-1])


def mark_lines(text: str) -> str:
    """Plain text of an RTL locale: each non-empty line starts with a right-to-left mark, for clients that
    take a line's direction from its first letter, and runs inside a right-to-left embedding, for those that
    show it in a left-to-right box (Thunderbird's plain-text view is an LTR <pre>): there the mark alone
    leaves the line's punctuation at the wrong end. The signature mark stays exactly "-- "."""
    return "\n".join(_marked(line) for line in text.split("\n"))


_ADDRESS_LINE = re.compile(r"(\[\d+\] )?(https?://|\[\[)")  # kept out of the embedding: a client's link finder reads to the line's end


def _marked(line: str) -> str:
    if not line.strip() or line == SIGNATURE_MARK:
        return line
    return RLM + line if _ADDRESS_LINE.match(line) else f"{RLM}{_RLE}{line}{_PDF}"
