"""MJML: the generated MJML uses only MJML's elements and attributes, with valid values.

mjml-python renders an unknown attribute or a bad value silently (it is simply dropped), so a
typo in a template would go unnoticed. The in-package validator reads MJML's own tables
(mjml_schema.py) and runs on every build; the official validator (`mjml --validate`, strict)
runs in `newsletter check` and the export, where Node.js and tools/mjml are installed: one
process for every locale, beside the other checks, and never twice on the same MJML.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from newsletter.checks.document import MjmlNode
from newsletter.checks.mjml_schema import CHILDREN, COLOR_NAMES, ELEMENTS
from newsletter.checks.model import CheckedEmail, Finding
from newsletter.checks.tool_results import ToolResults, files_fingerprint
from newsletter.model.settings import Settings
from newsletter.uptodate import watch_tree

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
        watch_tree(root / OFFICIAL_CLI)  # one installed later changes which checks run
        if (root / OFFICIAL_CLI).is_file():
            return root / OFFICIAL_CLI
    return None


def validator_fingerprint(cli: Path) -> str:
    """The installed validator: its pinned packages and Node.js."""
    return files_fingerprint([cli.parents[2] / "package-lock.json", Path(shutil.which("node") or "node")])


_OFFICIAL_LINE = re.compile(r"^Line (\d+) of (.+?) \(([\w-]+)\) — (.+)$")
OFFICIAL_TIMEOUT_S = 120


class OfficialValidation:
    """The official validator, strict, started at once in one Node.js process on every locale's MJML
    it has not judged before, while the caller does other work; `findings()` waits for it. What it
    says about each file is kept by the hash of the file and of the installed validator."""

    def __init__(self, emails: list[CheckedEmail], cli: Path):
        self.emails = emails
        self._results = ToolResults(emails[0].settings.root, "mjml-validator", validator_fingerprint(cli))
        self.failed = False  # the validator itself failed: what it said is not kept
        self._said = {checked.locale: self._results.get(checked.email.mjml.encode()) for checked in emails}
        self._by_file: dict[str, CheckedEmail] = {}
        self._process = None
        unjudged = [checked for checked in emails if self._said[checked.locale] is None]
        if unjudged:
            self._start(cli, unjudged)

    def _start(self, cli: Path, emails: list[CheckedEmail]) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="newsletter-mjml-")
        for checked in emails:
            path = Path(self._folder.name) / f"{checked.locale}.mjml"
            path.write_text(checked.email.mjml, encoding="utf-8")
            self._by_file[str(path)] = checked
        self._process = subprocess.Popen([str(cli), "--validate", *self._by_file, "--config.validationLevel", "strict"],
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def findings(self) -> list[Finding]:
        """Every locale's findings, in order; the validator's own failure is one error."""
        if self._process is not None:
            failure = self._collect()
            if failure:
                self.failed = True
                return [failure]
        return [_official_finding(checked, *said) for checked in self.emails
                for said in json.loads(self._said[checked.locale])]

    def _collect(self) -> Finding | None:
        try:
            stdout, stderr = self._process.communicate(timeout=OFFICIAL_TIMEOUT_S)
        finally:
            self.close()
        said: dict[str, list] = {locale: [] for locale in (c.locale for c in self._by_file.values())}
        for line in (stdout + stderr).splitlines():
            match = _OFFICIAL_LINE.match(line.strip())
            if match and match.group(2) in self._by_file:
                said[self._by_file[match.group(2)].locale].append([int(match.group(1)), match.group(3), match.group(4)])
        if self._process.returncode != 0 and not any(said.values()):
            message = (stderr.strip() or stdout.strip() or f"exit status {self._process.returncode}").splitlines()[0]
            return self.emails[0].error("mjml.official", f"the official MJML validator failed: {message}",
                                        "run tools/mjml/node_modules/.bin/mjml --validate on dist/<issue>/<locale>/email.mjml")
        for checked in self._by_file.values():
            self._said[checked.locale] = json.dumps(said[checked.locale])
            self._results.put(checked.email.mjml.encode(), self._said[checked.locale])
        return None

    def close(self) -> None:
        """Stop the validator if it still runs (the run failed elsewhere) and remove its files."""
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
                self._process.communicate()
            self._folder.cleanup()


def _official_finding(checked: CheckedEmail, line: int, tag: str, message: str) -> Finding:
    attribute = re.search(r"Attributes? ([\w-]+)", message)
    where = checked.template_line(tag, attribute and f" {attribute.group(1)}=") or "templates/"
    return checked.error("mjml.official", f"{where}: <{tag}> {message} (email.mjml:{line})",
                         "fix the element in the template (the official MJML validator, strict)")
