"""The release gate's rules, as newsletter.yaml's release_gate section writes them: the share of the issue's
strings a language needs translated, and the failed checks it may have, by default and per locale.
The gate that applies them is newsletter/i18n/gate.py."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from newsletter.errors import ProblemList
from newsletter.model.fieldspec import derived, spec, yaml_keys
from newsletter.model.values import read_locale
from newsletter.model.yamlsource import Fields


@dataclass(frozen=True)
class GateRule:
    """What a language needs to ship this month: a share of the issue's strings translated, and at most
    so many failed translation checks (None: not counted)."""

    min_translated: float = field(default=0.0, metadata=spec(  # percent
        "The share of the issue's strings a language needs translated to ship, in percent.", minimum=0, maximum=100))
    max_failed_checks: int | None = field(default=None, metadata=spec(
        "The most failed translation checks a language may have and still ship.", minimum=0, maximum=10_000))


@dataclass(frozen=True)
class ReleaseGate:
    default: GateRule = field(default_factory=GateRule, metadata=derived())  # YAML: release_gate's own keys
    overrides: dict[str, GateRule] = field(default_factory=dict, metadata=spec("Per locale, its own minimum."))

    def rule_for(self, locale: str) -> GateRule:
        return self.overrides.get(locale, self.default)


GATE_FIELDS = yaml_keys(GateRule)  # min_translated, max_failed_checks


def read_release_gate(fields: Fields | None, problems: ProblemList) -> ReleaseGate | None:
    """release_gate: the minimum for a language to ship, with per-locale overrides (all optional)."""
    if fields is None:
        return ReleaseGate()
    default = _gate_rule(fields, GateRule())
    overrides = {}
    node = fields.values.get("overrides")
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            locale = read_locale(str(key_node.value), fields, problems, "overrides")
            sub = Fields(value_node, fields.file, f"release_gate.overrides.{key_node.value}", problems, GATE_FIELDS)
            rule = _gate_rule(sub, default or GateRule())
            if locale and rule:
                overrides[locale] = rule
    elif node is not None:
        problems.add(fields.location("overrides"), "expected a mapping of locale: minimums")
    return ReleaseGate(default, overrides) if default else None


def _gate_rule(fields: Fields, inherited: GateRule) -> GateRule | None:
    percent = _number(fields, "min_translated", 100, "a percentage from 0 to 100, such as 95")
    most = _number(fields, "max_failed_checks", 10_000, "a whole number of failed checks, such as 0", whole=True)
    if _INVALID in (percent, most):
        return None
    return GateRule(inherited.min_translated if percent is None else percent,
                    inherited.max_failed_checks if most is None else int(most))


_INVALID = -1.0


def _number(fields: Fields, key: str, high: float, hint: str, whole: bool = False) -> float | None:
    """An optional number from 0 to `high`: None when absent, _INVALID (reported) when it is not one."""
    value = fields.text(key, required=False)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        number = _INVALID
    if not 0 <= number <= high or (whole and number != int(number)):
        fields.problems.add(fields.location(key), f"expected {hint.split(',')[0]}, got {value!r}", f"write {hint}")
        return _INVALID
    return number
