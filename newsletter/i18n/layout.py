"""A catalog written back in the layout it was read in: what the project has not changed keeps the bytes
Poedit, GNU msgcat/msgmerge, polib or Weblate (translate-toolkit) wrote, line wrapping, flag order and
header fields included, so that `newsletter i18n update` after a translator's save changes only what
it has to change, and the translator's tool has nothing to undo on its next save.

The rule, per entry and per kind of line (translator comments, extracted comments, references, flags,
previous English, the message itself): when the project's writer renders the entry as read from the
file and the entry as it is now to the same lines, the file's own lines are kept; otherwise the
project's rendering is written. translate-toolkit keeps unchanged units the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from babel.messages.catalog import Catalog
from babel.messages.pofile import unescape

# GNU gettext's order of an entry's lines (PO format, "The Format of PO Files"): translator comments,
# extracted comments, references, flags, previous English, then msgctxt/msgid/msgstr.
KINDS = ("#", "#.", "#:", "#,", "#|", "#~|", "msg")
_HEADER_FIELD = re.compile(r"^([A-Za-z][\w-]*):")


def _kind(line: bytes) -> str:
    for prefix in ("#~|", "#.", "#:", "#,", "#|"):
        if line.startswith(prefix.encode()):
            return prefix
    if line.startswith(b"#~"):
        return "msg"  # an obsolete entry's message lines
    return "#" if line.startswith(b"#") else "msg"


def _sections(block: bytes) -> dict[str, list[bytes]]:
    sections: dict[str, list[bytes]] = {}
    for line in block.split(b"\n"):
        sections.setdefault(_kind(line), []).append(line)
    return sections


def _blocks(data: bytes) -> list[bytes]:
    return [block for block in data.split(b"\n\n") if block.strip()]


def _keys(catalog: Catalog) -> list[tuple]:
    """One key per entry, in the order a writer writes them: the header, the entries, the obsolete ones."""
    return [(message.id, message.context, obsolete) for obsolete, messages in
            ((False, list(catalog)), (True, list(catalog.obsolete.values()))) for message in messages]


def _rendered(data: bytes, catalog: Catalog) -> dict[tuple, bytes] | None:
    blocks, keys = _blocks(data), _keys(catalog)
    return dict(zip(keys, blocks)) if len(blocks) == len(keys) else None


def _as_written(text: bytes, catalog: Catalog) -> dict[tuple, bytes]:
    """Each entry's block in the file as the translator's tool wrote it, found by the line of its msgid."""
    lines = text.split(b"\n")
    starts = [0] + [number + 1 for number, line in enumerate(lines) if not line.strip()]
    found = {}
    for key, message in zip(_keys(catalog), [*catalog, *catalog.obsolete.values()]):
        line = 0 if not message.id else (message.lineno or 0) - 1
        if line < 0:
            continue
        start = max(start for start in starts if start <= line)
        end = next((number for number in range(start, len(lines)) if not lines[number].strip()), len(lines))
        found[key] = b"\n".join(lines[start:end])
    return found


@dataclass(frozen=True)
class Written:
    """A catalog as it was read: the file's bytes and what the project's writer makes of the same entries."""
    text: bytes
    rendered: dict[tuple, bytes]
    as_written: dict[tuple, bytes]


def as_read(text: bytes, catalog: Catalog, render: Callable[[Catalog], bytes]) -> Written | None:
    """What `keep_layout` compares with, or None when the file's blocks cannot be told apart."""
    if b"\r" in text:
        return None  # CRLF from an editor: written anew in one line ending
    rendered = _rendered(render(catalog), catalog)
    return Written(text, rendered, _as_written(text, catalog)) if rendered is not None else None


def keep_layout(data: bytes, catalog: Catalog, before: Written | None) -> bytes:
    """The project's rendering `data` of `catalog`, with every entry the project did not change in the
    file's own lines."""
    new = _rendered(data, catalog)
    if before is None or new is None:
        return data
    blocks = []
    for key, block in new.items():
        old, original = before.rendered.get(key), before.as_written.get(key)
        if old is None or original is None:
            blocks.append(block)
        elif old == block:
            blocks.append(original)
        elif key[0] == "":
            blocks.append(_merge_header(block, old, original))
        else:
            blocks.append(_merge(block, old, original))
    ending = b"\n\n" if data.endswith(b"\n\n") and before.text.endswith(b"\n\n") else b"\n"
    return b"\n\n".join(block.rstrip(b"\n") for block in blocks) + ending


def _merge(block: bytes, old: bytes, original: bytes) -> bytes:
    """Per kind of line: the file's lines where the project renders them unchanged, its own otherwise."""
    new_sections, old_sections, written = _sections(block), _sections(old), _sections(original)
    lines: list[bytes] = []
    for kind in KINDS:
        if kind not in new_sections:
            continue
        same = kind in written and _same(kind, new_sections[kind], old_sections.get(kind, []))
        lines += written[kind] if same else new_sections[kind]
    return b"\n".join(lines)


def _same(kind: str, new: list[bytes], old: list[bytes]) -> bool:
    """Comments and references say the same whatever their wrapping (polib and GNU wrap them at other
    widths than the project); flags whatever their order; the message's lines must be the same."""
    if kind in ("#", "#.", "#:"):
        return _words(new, kind) == _words(old, kind)
    if kind == "#,":
        return _flags(new) == _flags(old)
    return new == old


def _words(lines: list[bytes], kind: str) -> list[bytes]:
    return [word for line in lines for word in line[len(kind):].split()]


def _flags(lines: list[bytes]) -> set[bytes]:
    return {flag.strip() for line in lines for flag in line[2:].split(b",")}


def _merge_header(block: bytes, old: bytes, original: bytes) -> bytes:
    """The header's comments as any entry's; its fields one by one: each field the project did not change
    keeps its lines, a field no project code knows (X-Generator: Poedit) stays, a changed one is rewritten."""
    new_sections, old_sections, written = _sections(block), _sections(old), _sections(original)
    new_fields, old_fields, written_fields = (_fields(s.get("msg", [])) for s in (new_sections, old_sections, written))
    msg = [line for line in written.get("msg", []) if not line.startswith(b'"')]
    for name, lines in written_fields.items():
        if name in new_fields and new_fields[name] != old_fields.get(name):
            msg += new_fields[name]
        elif name in new_fields or name not in old_fields:
            msg += lines
    msg += [line for name, lines in new_fields.items() if name not in written_fields for line in lines]
    comments = _merge(b"\n".join(line for kind in KINDS[:-1] for line in new_sections.get(kind, [])),
                      b"\n".join(line for kind in KINDS[:-1] for line in old_sections.get(kind, [])),
                      b"\n".join(line for kind in KINDS[:-1] for line in written.get(kind, [])))
    return b"\n".join(([comments] if comments else []) + msg)


def _fields(msg: list[bytes]) -> dict[str, list[bytes]]:
    """The header's msgstr lines by field: a field ends with its \\n, wherever a tool wrapped it."""
    fields: dict[str, list[bytes]] = {}
    current: list[bytes] = []
    text = ""
    for line in msg:
        if not line.startswith(b'"'):
            continue
        current.append(line)
        text += unescape(line.decode("utf-8"))
        if text.endswith("\n"):
            name = _HEADER_FIELD.match(text)
            fields[name.group(1) if name else text] = current
            current, text = [], ""
    return fields
