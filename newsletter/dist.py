"""The output folder, dist/: where each command writes, and the bookkeeping of each issue's folder.

dist/<issue>/ holds per locale email.html/.txt/.mjml and manifest.json (what the build wrote), and beside
them each provider's export (<provider>/). A build whose pre-send checks fail writes its files to
dist/<issue>/.draft/ instead, to preview, and leaves the rest of the folder as it was; the next build that
passes them replaces the folder without it. This module knows which earlier locales and exports a build
keeps or retires, whether the folder is unchanged (nothing to rewrite), and holds the folder's lock for a
whole build; newsletter.output writes it atomically.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from newsletter.faults import fault_point
from newsletter.model.content import Issue
from newsletter.model.settings import PSEUDO_LOCALES, Settings
from newsletter.output import replace_folder, writing
from newsletter.render import IssueBuild
from newsletter.report import BuildReport

DIST = "dist"
DRAFT = ".draft"  # dotted: never taken for a locale or a provider's export
FAILURES = "failures.json"  # in the draft: why it is one
MAX_DRAFT_FAILURES = 200  # the preview lists these; the build's own output said them all
MAX_DRAFT_BYTES = 4 * 1024 * 1024  # a draft's manifest or failures this program wrote are a few kB


def output_folder(settings: Settings, out: str | None) -> Path:
    """--out as given, relative to where the command runs; by default the project's own dist/."""
    return Path(out) if out else settings.root / DIST


def archive_folder(settings: Settings, out: str | None) -> Path:
    """Where `newsletter archive` writes the web archive: --out, or dist/archive/."""
    return Path(out) if out else settings.root / DIST / "archive"


def screenshots_folder(settings: Settings, out: str | None = None) -> Path:
    """Where screenshots go: --out, or dist/screenshots/ (<issue>/<locale>/<name> below it)."""
    return Path(out) if out else settings.root / DIST / "screenshots"


def _previous_entries(folder: Path) -> list[dict]:
    """The locales of the folder's manifest.json, as the previous build wrote them."""
    try:
        entries = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["locales"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [entry for entry in entries if isinstance(entry, dict)] if isinstance(entries, list) else []


def _kept_locales(folder: Path, rebuilt: set[str], known: set[str]) -> tuple[dict[str, bytes], list[dict]]:
    """Files and manifest entries of the locales a partial build (--locale) did not touch; a locale that is no
    longer in newsletter.yaml is not kept."""
    files, entries = {}, []
    for entry in _previous_entries(folder):
        if entry.get("locale") in rebuilt or entry.get("locale") not in known:
            continue
        paths = [entry.get(key) for key in ("html", "text", "mjml")]
        if all(isinstance(p, str) and (folder / p).is_file() for p in paths):
            files.update({p: (folder / p).read_bytes() for p in paths})
            entries.append(entry)
    return files, entries


def _locale_order(settings: Settings, locale: str) -> int:
    order = (*settings.locales, *PSEUDO_LOCALES)
    return order.index(locale) if locale in order else len(order)


def issue_files(build: IssueBuild, settings: Settings, previous: Path | None = None) -> dict[str, bytes]:
    """The files of one built issue: per locale email.html/.txt/.mjml, plus manifest.json.

    Locales not rebuilt this time keep their previous files, so `--locale es` updates one locale.
    """
    rebuilt = {email.locale for email in build.emails}
    known = {*settings.locales, *PSEUDO_LOCALES}
    files, entries = _kept_locales(previous, rebuilt, known) if previous else ({}, [])
    for email in build.emails:
        html, text = email.html.encode(), email.text.encode()
        files[f"{email.locale}/email.html"] = html
        files[f"{email.locale}/email.txt"] = text
        files[f"{email.locale}/email.mjml"] = email.mjml.encode()
        entries.append({
            "locale": email.locale, "lang": email.lang, "dir": email.dir,
            "subject": email.subject, "preheader": email.preheader,
            "html": f"{email.locale}/email.html", "text": f"{email.locale}/email.txt",
            "mjml": f"{email.locale}/email.mjml",
            "html_bytes": len(html), "text_bytes": len(text),
            "coverage": email.coverage, "fallbacks": len(email.fallbacks),
            "pseudo": email.locale in PSEUDO_LOCALES,
        })
    entries.sort(key=lambda entry: _locale_order(settings, entry["locale"]))
    manifest = {"issue": build.issue.id, "date": build.issue.date.isoformat(), "locales": entries}
    files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()
    return files


def _exports(folder: Path, files: dict[str, bytes]) -> list[str]:
    """Provider exports beside the build's files (dist/<issue>/eml/, …): folders the build does not write,
    nor wrote before (those are locales since taken out of newsletter.yaml)."""
    own = {name.split("/", 1)[0] for name in files} | {entry.get("locale") for entry in _previous_entries(folder)}
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and p.name not in own and not p.name.startswith("."))


def _retired_locales(folder: Path, files: dict[str, bytes]) -> list[str]:
    """Locales of the previous build that this one no longer writes: taken out of target_locales."""
    return [entry["locale"] for entry in _previous_entries(folder)
            if isinstance(entry.get("locale"), str) and f"{entry['locale']}/email.html" not in files]


def _unchanged(folder: Path, files: dict[str, bytes]) -> bool:
    """True when the folder already holds exactly these files, exports aside (nothing to rewrite)."""
    if not folder.is_dir():
        return False
    exports = set(_exports(folder, files))
    present = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}
    present = {name for name in present if name.split("/", 1)[0] not in exports}
    return present == set(files) and all((folder / name).read_bytes() == data for name, data in files.items())


def _shipped_files(folder: Path, files: dict[str, bytes]) -> dict[str, bytes]:
    """The files of the locales subscribers receive (pseudo-locales, the manifest and a draft aside), as on disk."""
    exports = set(_exports(folder, files))
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and path.relative_to(folder).parts[0] not in {*exports, *PSEUDO_LOCALES, "manifest.json", DRAFT}}


def _kept_exports(folder: Path, files: dict[str, bytes]) -> dict[str, bytes]:
    """Earlier exports stay while every shipped locale's files are what they were exported from
    (a pseudo-locale built for a layout check changes none of them)."""
    shipped = {name: data for name, data in files.items()
               if name.split("/", 1)[0] not in PSEUDO_LOCALES and name != "manifest.json"}
    if _shipped_files(folder, files) != shipped:
        return {}
    return {path.relative_to(folder).as_posix(): path.read_bytes() for name in _exports(folder, files)
            for path in sorted((folder / name).rglob("*")) if path.is_file()}


def write_issue(folder: Path, files: dict[str, bytes], report: BuildReport, unchanged: bool | None = None) -> None:
    """Write the issue's folder unless it is unchanged; exports of an older build go with it, said aloud,
    unless the locales they hold are unchanged."""
    if _unchanged(folder, files) if unchanged is None else unchanged:
        return
    kept = _kept_exports(folder, files) if folder.is_dir() else {}
    for stale in _exports(folder, files) if folder.is_dir() and not kept else []:
        report.warn(f"{folder / stale}/: removed, it was exported from the previous build — export again")
    for locale in _retired_locales(folder, files):
        why = ("a pseudo-locale, for layout checks: build it with --locale" if locale in PSEUDO_LOCALES
               else "no longer in target_locales (newsletter.yaml)")
        report.info(f"note: {folder / locale}/: removed, {locale} is {why}")
    replace_folder(folder, {**files, **kept})


def write_draft(folder: Path, files: dict[str, bytes], report: BuildReport, shown: str, failures: list[str]) -> None:
    """A build that failed its pre-send checks: its files go to <issue>/.draft/, with the failures (the lines
    the build said them in), to preview; the good output and its exports beside it stay as they were."""
    said = {"failures": failures[:MAX_DRAFT_FAILURES], "more": max(0, len(failures) - MAX_DRAFT_FAILURES)}
    replace_folder(folder / DRAFT, {**files, FAILURES: (json.dumps(said, ensure_ascii=False, indent=2) + "\n").encode()})
    kept = "the previous output and its exports are unchanged" if (folder / "manifest.json").is_file() else "nothing else was written"
    report.info(f"{shown}: the pre-send checks failed: the draft is in {shown}/{DRAFT}/, to preview; {kept}")


@dataclass(frozen=True)
class Draft:
    """What the last build of an issue wrote to <issue>/.draft/ when its pre-send checks failed."""

    failures: tuple[str, ...]
    more: int  # failures beyond those listed
    locales: tuple[str, ...]
    written: float  # when (the draft's modification time, seconds since the epoch)


def read_draft(folder: Path) -> Draft | None:
    """The issue folder's draft, or None when the last build passed its checks (or never failed them).
    Read through one handle on the draft folder, so its failures and manifest come from the same draft even
    while a build swaps in another."""
    try:
        handle = os.open(folder / DRAFT, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        said, manifest = (_read_json(handle, name) for name in (FAILURES, "manifest.json"))
        written = os.fstat(handle).st_mtime
    finally:
        os.close(handle)
    failures, listed = said.get("failures"), manifest.get("locales")
    if not isinstance(failures, list) or not isinstance(listed, list):
        return None
    more = said.get("more") if isinstance(said.get("more"), int) else 0
    return Draft(tuple(str(line) for line in failures[:MAX_DRAFT_FAILURES]), more,
                 tuple(entry["locale"] for entry in listed if isinstance(entry, dict) and isinstance(entry.get("locale"), str)),
                 written)


def draft_email(folder: Path, locale: str) -> bytes | None:
    """The draft's HTML email of one locale, or None (no draft, no such locale, or a file that is not one the
    build wrote: a link leading elsewhere, a file over the size bound)."""
    draft, path = folder / DRAFT, folder / DRAFT / locale / "email.html"
    try:
        if draft.is_symlink() or not path.resolve(strict=True).is_relative_to(draft.resolve(strict=True)):
            return None
        with path.open("rb") as handle:
            data = handle.read(MAX_DRAFT_BYTES + 1)
    except (OSError, RuntimeError):
        return None
    return data if len(data) <= MAX_DRAFT_BYTES else None


def _read_json(folder: int, name: str) -> dict:
    try:
        with open(name, "rb", opener=lambda path, flags: os.open(path, flags, dir_fd=folder)) as handle:
            data = json.loads(handle.read(MAX_DRAFT_BYTES + 1).decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@contextmanager
def holding(issues: list[Issue], settings: Settings, out: Path) -> Iterator[None]:
    """Every issue's output folder held for the whole build: a second build of the same folders is refused at
    once, rather than rendering for nothing and then writing over this one."""
    with ExitStack() as held:
        for issue in issues:
            held.enter_context(writing(out / issue.id, settings.relative(out / issue.id)))
        fault_point("loaded")
        yield


def compared_files(result: IssueBuild, settings: Settings, out: Path) -> tuple[dict[str, bytes], bool]:
    """An issue's files, and whether its folder already holds exactly them."""
    files = issue_files(result, settings, out / result.issue.id)
    return files, _unchanged(out / result.issue.id, files)


def other_exports(folder: Path, replaced: str, providers) -> dict[str, bytes]:
    """Other providers' earlier exports in the issue folder (one folder per provider name), kept as they are."""
    kept = {}
    for name in providers:
        export = folder / name
        if name != replaced and export.is_dir():
            kept.update({p.relative_to(folder).as_posix(): p.read_bytes() for p in export.rglob("*") if p.is_file()})
    return kept
