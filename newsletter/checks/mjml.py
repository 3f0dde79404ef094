"""MJML: the generated MJML uses only MJML's elements and attributes, with valid values.

mjml-python renders an unknown attribute or a bad value silently (it is simply dropped), so a
typo in a template would go unnoticed. The in-package validator reads MJML's own tables
(mjml_schema.py) and runs on every build; the official validator (`mjml --validate`, strict)
runs in `newsletter check` and the export, where Node.js and tools/mjml are installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from newsletter.checks.document import MjmlNode
from newsletter.checks.mjml_schema import CHILDREN, COLOR_NAMES, ELEMENTS
from newsletter.checks.model import CheckedEmail, Finding
from newsletter.settings import Settings

ALWAYS_ALLOWED = ("mj-class", "css-class")
OFFICIAL_CLI = Path("tools/mjml/node_modules/.bin/mjml")


def _unit_pattern(kind: str) -> re.Pattern:
    """MJML's unit(px,%){1,4} notation as a regular expression, following mjml-core's Unit type."""
    negative = "-|" if kind.startswith("unitWithNegative") else ""
    units = re.search(r"\(([^)]*)\)", kind).group(1).split(",")
    counts = re.search(r"\{([^}]+)\}", kind)
    auto = "|auto" if "auto" in units else ""
    names = "|".join(re.escape(u) for u in units if u != "auto")
    return re.compile(rf"^((({negative}\d|,|\.)+({names})|0{auto})( )?){{{counts.group(1) if counts else '1'}}}$")


def value_problem(kind: str, value: str) -> str | None:
    """Why `value` is not a valid MJML value of type `kind`, or None."""
    if kind.startswith("enum("):
        allowed = kind[5:-1].split(",")
        return None if value in allowed else f"expected one of {', '.join(a or repr('') for a in allowed)}"
    if kind == "color":
        valid = re.fullmatch(r"#([0-9a-fA-F]{3}){1,2}|rgba?\([\d.,\s%]+\)", value) or value in COLOR_NAMES
        return None if valid else "expected a colour such as #1f4e79"
    if kind == "boolean":
        return None if value in ("true", "false") else "expected true or false"
    if kind == "integer":
        return None if value.isdigit() else "expected a whole number"
    if kind.startswith("unit"):
        return None if _unit_pattern(kind).match(value) else f"expected a size of type {kind}"
    return None


def _allowed(node: MjmlNode) -> dict[str, str] | None:
    """The attribute table for a node; None when any attribute goes (defaults in mj-attributes)."""
    if node.parent == "mj-attributes" and node.tag in ("mj-all", "mj-class"):
        return None
    return ELEMENTS.get(node.tag, {})


def node_problems(node: MjmlNode) -> Iterator[tuple[str, str | None, str]]:
    """(problem, attribute, hint) for one MJML element."""
    if node.tag not in ELEMENTS and not (node.parent == "mj-attributes" and node.tag in ("mj-all", "mj-class")):
        yield f"unknown MJML element <{node.tag}>", None, "use an element from the MJML documentation"
        return
    children = CHILDREN.get(node.parent, ())
    if node.parent and "*" not in children and node.tag not in children:
        yield f"<{node.tag}> is not allowed inside <{node.parent}>", None, f"<{node.parent}> takes: {', '.join(children)}"
    allowed = _allowed(node)
    for name, value in node.attrs if allowed is not None else ():
        if name not in allowed and name not in ALWAYS_ALLOWED:
            yield f"<{node.tag}> has unknown attribute {name!r}", name, "mjml-python drops it silently; check its spelling"
        elif name in allowed and (problem := value_problem(allowed[name], value)):
            yield f"<{node.tag} {name}={value!r}>: {problem}", name, "fix the value in the template"


def schema(checked: CheckedEmail) -> Iterator[Finding]:
    for node in checked.mjml.nodes:
        for problem, attribute, hint in node_problems(node):
            where = checked.template_line(node.tag, attribute and f" {attribute}=") or f"email.mjml:{node.line}"
            yield checked.error("mjml.schema", f"{where}: {problem} (email.mjml:{node.line})", hint)


CHECKS = (schema,)


def official_cli(settings: Settings) -> Path | None:
    """The official MJML CLI of the project (tools/mjml), usable only with Node.js on PATH."""
    if shutil.which("node") is None:
        return None
    for root in (settings.root, Path(__file__).resolve().parents[2]):
        if (root / OFFICIAL_CLI).is_file():
            return root / OFFICIAL_CLI
    return None


_OFFICIAL_LINE = re.compile(r"^Line (\d+) of (.+?) \(([\w-]+)\) — (.+)$")


def official(emails: list[CheckedEmail]) -> Iterator[Finding]:
    """The official validator, strict, on every locale's MJML in one run of Node.js."""
    cli = official_cli(emails[0].settings) if emails else None
    if cli is None:
        return
    by_file = {}
    with tempfile.TemporaryDirectory(prefix="newsletter-mjml-") as folder:
        for checked in emails:
            path = Path(folder) / f"{checked.locale}.mjml"
            path.write_text(checked.email.mjml, encoding="utf-8")
            by_file[str(path)] = checked
        done = subprocess.run([str(cli), "--validate", *by_file, "--config.validationLevel", "strict"],
                              capture_output=True, text=True, timeout=120)
    findings = [finding for line in (done.stdout + done.stderr).splitlines()
                if (finding := _official_finding(line.strip(), by_file))]
    if done.returncode != 0 and not findings:
        message = (done.stderr.strip() or done.stdout.strip() or f"exit status {done.returncode}").splitlines()[0]
        findings = [emails[0].error("mjml.official", f"the official MJML validator failed: {message}",
                                    "run tools/mjml/node_modules/.bin/mjml --validate on dist/<issue>/<locale>/email.mjml")]
    yield from findings


def _official_finding(line: str, by_file: dict[str, CheckedEmail]) -> Finding | None:
    match = _OFFICIAL_LINE.match(line)
    if not match or match.group(2) not in by_file:
        return None
    checked, number, tag, message = by_file[match.group(2)], match.group(1), match.group(3), match.group(4)
    attribute = re.search(r"Attributes? ([\w-]+)", message)
    where = checked.template_line(tag, attribute and f" {attribute.group(1)}=") or "templates/"
    return checked.error("mjml.official", f"{where}: <{tag}> {message} (email.mjml:{number})",
                         "fix the element in the template (the official MJML validator, strict)")
