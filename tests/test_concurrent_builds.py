"""Two builds at once, and what a killed one leaves behind: real processes writing the same folder."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from newsletter.output import replace_folder

WRITERS, WRITES_EACH = 8, 50


def write_many(target: str, writer: int) -> list[str]:
    """One process replacing the folder again and again; returns the failures."""
    failures = []
    for number in range(WRITES_EACH):
        content = f"writer {writer} write {number}\n".encode()
        try:
            replace_folder(Path(target), {"a/email.html": content, "b/email.txt": content, "manifest.json": content})
        except Exception as error:
            failures.append(f"{type(error).__name__}: {error}")
    return failures


def test_concurrent_replace_folder_calls_all_succeed_and_leave_one_whole_folder(tmp_path):
    target = tmp_path / "dist" / "2026-11"
    with multiprocessing.get_context("spawn").Pool(WRITERS) as pool:
        failures = pool.starmap(write_many, [(str(target), writer) for writer in range(WRITERS)])
    assert [failure for found in failures for failure in found] == []
    contents = {path.relative_to(target).as_posix(): path.read_bytes() for path in target.rglob("*") if path.is_file()}
    assert set(contents) == {"a/email.html", "b/email.txt", "manifest.json"}
    assert len(set(contents.values())) == 1  # all three from the same write, never a mix
    assert sorted(path.name for path in target.parent.iterdir()) == ["2026-11"]  # no temporary folder, no lock file


def test_temporary_folders_of_a_killed_build_are_removed_by_the_next(project, cli):
    dist = project / "dist"
    for leftover in (".2026-11.k1ll3d.tmp/es", ".2026-11.k1ll3d.old/es"):  # what a build killed mid-write leaves
        (dist / leftover).mkdir(parents=True)
        (dist / leftover / "email.html").write_text("half-written", encoding="utf-8")
    assert cli("build", "--locale", "en", cwd=project).returncode == 0
    assert sorted(path.name for path in dist.iterdir()) == ["2026-11"]
