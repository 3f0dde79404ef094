"""Catalogs other tools leave alone: a translator's tool saves a catalog in its own layout, `newsletter i18n
update` then changes no line of it but what the project must change, and the tool's next save has nothing
to undo. Every tool here is the real one:

- GNU gettext's msgcat, msgmerge, msgattrib and msguniq (0.21), with their default wrapping at 79
  columns, as Poedit writes (https://www.gnu.org/software/gettext/manual/html_node/msgcat-Invocation.html,
  "-w, --width: Set the output page width");
- polib's save (https://polib.readthedocs.io/en/latest/api.html, POFile.save, wrapwidth 78);
- translate-toolkit's pofile, which Weblate saves with ("The line wrapping mostly matches GNU gettext
  behavior", https://docs.weblate.org/en/latest/formats/gettext.html).

GNU's tools drop flags they do not know (`max-length:N`, Weblate issue #11655); `i18n update` writes them
back (docs/translating.md, "Length limits"): those `#,` lines are the only ones it changes after them.
"""

from __future__ import annotations

import difflib
import subprocess
from pathlib import Path

import polib
import pytest
from translate.storage import po as translate_po

from tests.support.catalogs import catalog_path

TARGETS = ["es", "fr", "de", "ar", "zh_Hans"]
EDITED = ("Unsubscribe", "Vous désabonner")  # the translator's own edit in the French catalog, saved by the tool


def gnu(tool: str):
    def save(path: Path, pot: Path) -> None:
        command = {"msgcat": ["msgcat", "-o", str(path), str(path)],
                   "msgattrib": ["msgattrib", "-o", str(path), str(path)],
                   "msguniq": ["msguniq", "-o", str(path), str(path)],
                   "msgmerge": ["msgmerge", "-q", "--previous", "-o", str(path), str(path), str(pot)]}[tool]
        subprocess.run(command, check=True, capture_output=True)
        if path.parent.parent.name == "fr":  # as Poedit would, after the translator's edit
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace('msgstr "Se désabonner"', f'msgstr "{EDITED[1]}"'), encoding="utf-8")
    return save


def polib_save(path: Path, pot: Path) -> None:
    catalog = polib.pofile(str(path))
    if path.parent.parent.name == "fr":
        catalog.find(EDITED[0]).msgstr = EDITED[1]
    catalog.save()


def weblate_save(path: Path, pot: Path) -> None:
    store = translate_po.pofile.parsefile(str(path))
    if path.parent.parent.name == "fr":
        next(unit for unit in store.units if unit.source == EDITED[0]).target = EDITED[1]
        # what Weblate writes in the header of a file it saves a translation in
        store.updateheader(add=True, Last_Translator="Claire Martin <claire@lumiere.example>",
                           PO_Revision_Date="2026-11-28 10:15+0000", X_Generator="Weblate 5.8")
    path.write_bytes(bytes(store))


GNU_TOOLS = ("msgattrib", "msgcat", "msgmerge", "msguniq")
TOOLS = {**{tool: gnu(tool) for tool in GNU_TOOLS}, "polib": polib_save, "weblate": weblate_save}


def snapshot(project: Path) -> dict[str, list[str]]:
    return {locale: catalog_path(project, locale).read_text(encoding="utf-8").splitlines() for locale in TARGETS}


def changed_lines(before: dict[str, list[str]], after: dict[str, list[str]]) -> list[str]:
    return [line for locale in TARGETS for line in difflib.unified_diff(before[locale], after[locale], lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def save_all(project: Path, tool: str) -> None:
    for locale in TARGETS:
        TOOLS[tool](catalog_path(project, locale), project / "locales/newsletter.pot")


def limit_flags_only(changes: list[str]) -> bool:
    """Every changed line is a `#,` flags line, and what differs is the max-length flag."""
    return all(line[1:].startswith("#,") for line in changes) and all("max-length:" in line for line in changes if line[0] == "+")


@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_update_after_a_tools_save_changes_nothing_the_tool_wrote(project, cli, tool):
    """Measured: the tool's save changes hundreds of lines (its wrapping); update after it changes none of
    them, but for the max-length flags GNU's tools dropped, which it writes back; the tool's next save
    changes nothing the project wrote (GNU's tools: they drop those flags again)."""
    dropping = tool in GNU_TOOLS
    original = snapshot(project)
    save_all(project, tool)
    saved = snapshot(project)
    assert len(changed_lines(original, saved)) > (0 if tool == "weblate" else 200)  # the tools do rewrap
    done = cli("i18n", "update", cwd=project)
    assert done.returncode == 0, done.stderr
    updated = snapshot(project)
    changes = changed_lines(saved, updated)
    assert limit_flags_only(changes) if dropping else changes == [], changes
    assert f'msgstr "{EDITED[1]}"' in updated["fr"]  # the translator's edit is kept
    if tool == "weblate":
        assert '"X-Generator: Weblate 5.8\\n"' in updated["fr"]
    assert cli("i18n", "update", cwd=project).returncode == 0
    assert snapshot(project) == updated
    save_all(project, tool)
    again = changed_lines(updated, snapshot(project))
    assert len(again) == len(changes) and limit_flags_only([{"+": "-", "-": "+"}[line[0]] + line[1:] for line in again]) \
        if dropping else again == [], again
