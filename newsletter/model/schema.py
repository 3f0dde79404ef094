"""JSON Schema for issue files and newsletter.yaml, generated from the models.

The schema follows the dataclasses' type hints and the `FieldSpec` metadata beside each field
(newsletter.model.fieldspec), the same metadata the readers take their known keys and limits from, so
it cannot drift from what the build accepts. Editors read it through the first line of each file,
`# yaml-language-server: $schema=...` (VS Code's YAML extension, JetBrains IDEs), and complete and
check fields while marketing types. The schema judges shape; what it cannot express (inline
markup, invisible characters, the id matching the file name) the build still reports.
"""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from dataclasses import MISSING, fields, is_dataclass
from pathlib import Path

from newsletter.model.content import Issue, Text
from newsletter.model.fieldspec import FieldSpec, field_spec, model_field
from newsletter.output import write_file_atomic
from newsletter.model.settings import SETTINGS_FILE, Settings

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FOLDER = "schema"
ISSUE_SCHEMA = "issue.schema.json"
SETTINGS_SCHEMA = "newsletter.schema.json"
ISSUE_SCHEMA_LINE = f"# yaml-language-server: $schema=../{SCHEMA_FOLDER}/{ISSUE_SCHEMA}"
SETTINGS_SCHEMA_LINE = f"# yaml-language-server: $schema={SCHEMA_FOLDER}/{SETTINGS_SCHEMA}"


def issue_schema() -> dict:
    return _document("A monthly newsletter issue (issues/YYYY-MM.yaml)", Issue)


def settings_schema() -> dict:
    return _document(f"Newsletter project settings ({SETTINGS_FILE})", Settings)


def _document(title: str, model: type) -> dict:
    _DEFINITIONS.clear()
    document = {"$schema": DIALECT, "title": title, **_object(model)}
    if _DEFINITIONS:
        document["$defs"] = {name: _DEFINITIONS[name] for name in sorted(_DEFINITIONS)}
    return document


# Models that hold themselves (a list item holds a list of items) are written once under $defs and referred to.
_DEFINITIONS: dict[str, dict] = {}
_BUILDING: list[type] = []


def _model(model: type) -> dict:
    """A model's schema, with its short YAML forms: a bare text for its first field (a list item), or a bare
    word for a model without fields (- divider)."""
    if not fields(model):
        return {"const": model.kind}
    if model in _BUILDING:
        _DEFINITIONS.setdefault(model.__name__, {})
        return {"$ref": f"#/$defs/{model.__name__}"}
    _BUILDING.append(model)
    try:
        schema = _object(model)
    finally:
        _BUILDING.pop()
    short = getattr(model, "yaml_short_form", None)
    if short:
        schema = {"oneOf": [_scalar(str, field_spec(model_field(model, short))), schema]}
    if model.__name__ in _DEFINITIONS:
        _DEFINITIONS[model.__name__] = schema
        return {"$ref": f"#/$defs/{model.__name__}"}
    return schema


def _object(model: type) -> dict:
    hints = typing.get_type_hints(model)
    properties, required = {}, []
    for model_field in fields(model):
        found = field_spec(model_field)
        if not found.in_yaml:
            continue
        hint, optional = _unwrap_optional(hints[model_field.name])
        properties[model_field.name] = _property(hint, found)
        if not (optional or found.optional) and model_field.default is MISSING and model_field.default_factory is MISSING:
            required.append(model_field.name)
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    one_of = getattr(model, "yaml_one_of", ())
    if one_of:  # fields of which the mapping holds exactly one (a section's paragraphs or blocks)
        schema["oneOf"] = [{"required": [name]} for name in one_of]
    return schema


def _unwrap_optional(hint) -> tuple[object, bool]:
    """`X | None` → (X, True); anything else (a union of several models too) → (hint, False)."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        kept = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if len(kept) == 1:
            return kept[0], len(kept) < len(typing.get_args(hint))
    return hint, False


def _property(hint, found: FieldSpec) -> dict:
    schema = _type(hint, found)
    for name, value in found.also.items():
        hint, inner = value if isinstance(value, tuple) else (value, FieldSpec())
        hint = _unwrap_optional(hint)[0]  # an extra key is never required
        schema["properties"][name] = ({"description": inner.description} if inner.description else {}) | _type(hint, inner)
    if found.description:
        schema = {"description": found.description, **schema}
    return schema


def _type(hint, found: FieldSpec) -> dict:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple:  # tuple[X, ...]: a list the reader requires to hold at least one item
        return {"type": "array", "minItems": 1, "items": _type(args[0], found)}
    if origin is dict:
        return _mapping(args[1], found)
    if isinstance(hint, types.UnionType) or origin is typing.Union:
        return _union(hint, found)
    if is_dataclass(hint) and hint is not Text:
        return _model(hint)
    return _scalar(hint, found)


def _union(hint, found: FieldSpec) -> dict:
    """`Text | None` inside a list (a table cell, empty as '' or ~); a union of models (a block) is one of them."""
    kept, optional = _unwrap_optional(hint)
    if optional:
        if kept is not Text:
            return _type(kept, found)
        # editors read a bare 2 as a number, which the build takes as the text "2"
        return {"oneOf": [{"type": "null"}, {"type": "string", "maxLength": 0}, _type(kept, found), {"type": "number"}]}
    return {"oneOf": [_type(arg, FieldSpec()) for arg in typing.get_args(hint)]}


def _mapping(value_hint, found: FieldSpec) -> dict:
    """dict[str, X]: named keys when the spec lists them, otherwise any key (a locale) → X."""
    if found.keys:
        return {"type": "object", "properties": {key: _type(value_hint, FieldSpec()) for key in found.keys},
                "additionalProperties": False}
    return {"type": "object", "additionalProperties": _type(value_hint, FieldSpec())}


def _scalar(hint, found: FieldSpec) -> dict:
    if hint is int:
        schema = {"type": "integer"}
    elif hint is float:
        schema = {"type": "number"}
    elif hint is dt.date:
        schema = {"type": "string", "format": "date"}
    else:  # str and Text: text the reader refuses when empty
        schema = {"type": "string", "minLength": 1}
    limits = {"pattern": found.pattern, "format": found.format, "minimum": found.minimum, "maximum": found.maximum,
              "exclusiveMinimum": found.exclusive_minimum}
    schema.update({key: value for key, value in limits.items() if value is not None})
    if found.choices is not None:
        schema["enum"] = sorted(found.choices())
    return schema


def schema_files() -> dict[str, bytes]:
    """The schema files, relative to the project root; the same models give byte-identical files."""
    return {f"{SCHEMA_FOLDER}/{ISSUE_SCHEMA}": _json(issue_schema()),
            f"{SCHEMA_FOLDER}/{SETTINGS_SCHEMA}": _json(settings_schema())}


def _json(document: dict) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def write_schemas(root: Path) -> list[str]:
    """Write the schema files into the project; returns what was written, as paths users see."""
    written = []
    for relative, data in schema_files().items():
        path = root / relative
        if not path.is_file() or path.read_bytes() != data:
            write_file_atomic(path, data)
        written.append(relative)
    return written


def lacks_schema_line(path: Path, line: str) -> bool:
    """True when the file does not name the schema on its first line (editors only look there)."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        return handle.readline().rstrip("\r\n") != line


def schema_report(settings: Settings, written: list[str]) -> str:
    """What was written, and which files do not name their schema yet (with the line to add)."""
    lines = [f"wrote {relative}" for relative in written]
    missing = [(settings.relative(path), ISSUE_SCHEMA_LINE) for path in sorted(settings.issues_dir.glob("*.yaml"))
               if lacks_schema_line(path, ISSUE_SCHEMA_LINE)]
    if lacks_schema_line(settings.root / SETTINGS_FILE, SETTINGS_SCHEMA_LINE):
        missing.insert(0, (SETTINGS_FILE, SETTINGS_SCHEMA_LINE))
    for shown, line in missing:
        lines.append(f"{shown}: add this first line for completion in editors: {line}")
    return "\n".join(lines)
