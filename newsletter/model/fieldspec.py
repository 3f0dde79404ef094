"""What a model field looks like in YAML, written once beside the field.

The issue and settings models are dataclasses; the reader (newsletter.model.content, newsletter.model.settings)
takes its list of known keys from them, and the JSON Schema (newsletter.model.schema) is generated from
their type hints plus this metadata — one source of truth for the reader, the schema and the docs.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import Any

KEY = "newsletter"


@dataclass(frozen=True)
class FieldSpec:
    """The YAML side of one dataclass field."""

    description: str = ""
    pattern: str | None = None  # a regular expression the whole value matches (JSON Schema `pattern`)
    format: str | None = None  # JSON Schema `format`, e.g. "date", "email"
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    choices: Callable[[], Iterable[str]] | None = None  # the values allowed (JSON Schema `enum`), asked when needed
    keys: tuple[str, ...] = ()  # for a dict[str, str] field: the keys it may hold
    # keys this field's mapping holds beside the model's own: name → type, or (type, FieldSpec)
    also: dict[str, Any] = field(default_factory=dict)
    in_yaml: bool = True  # False: derived by the program (a file name, a reading time), never written
    optional: bool = False  # True: the YAML may leave it out, the program derives it (dark-mode colours)


def spec(description: str = "", **options: Any) -> dict[str, FieldSpec]:
    """Metadata for `dataclasses.field(metadata=...)`."""
    return {KEY: FieldSpec(description, **options)}


def derived() -> dict[str, FieldSpec]:
    return {KEY: FieldSpec(in_yaml=False)}


def field_spec(model_field) -> FieldSpec:
    return model_field.metadata.get(KEY, FieldSpec())


def flattened(model: type) -> dict[str, Any]:
    """The model's YAML fields as `also` entries (name → (type, FieldSpec)): for a mapping that holds
    another model's keys at its own level (release_gate holds its default rule's keys)."""
    hints = typing.get_type_hints(model)
    return {f.name: (hints[f.name], field_spec(f)) for f in fields(model) if field_spec(f).in_yaml}


def model_field(model: type, name: str):
    return next(f for f in fields(model) if f.name == name)


def yaml_keys(model: type, also: dict[str, Any] | None = None) -> tuple[str, ...]:
    """The keys a YAML mapping of this model may hold, in the model's order (then `also`'s)."""
    return (*(f.name for f in fields(model) if field_spec(f).in_yaml), *(also or {}))
