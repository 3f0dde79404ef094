"""Benchmark the pipeline against the official MJML CLI on the same MJML.

    python benchmarks/run.py            # full workload: 12 issues × every locale (+ pseudo-locales)
    python benchmarks/run.py --quick    # one run, 2 issues: what CI runs so this script cannot rot

Prints a table and writes JSON (benchmarks/results/latest.json by default). Every number is
the median of several runs on this machine, in this run. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
MJML_DIR = REPO / "tools" / "mjml"
MJML_CLI = MJML_DIR / "node_modules" / ".bin" / "mjml"
SAMPLE = "2026-11"
PROJECT_FILES = ("newsletter.yaml", "babel.cfg", "locales", "templates")
TARGETS = {"cold_vs_mjml_ratio": 10.0, "warm_rebuild_ms": 100.0, "help_ms": 150.0, "peak_memory_mb": 150.0}


def make_workload(root: Path, issues: int) -> list[str]:
    """A project with `issues` monthly issues, each the sample issue under another id and date."""
    for name in PROJECT_FILES:
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / name)
    (root / "issues").mkdir()
    sample = (REPO / "issues" / f"{SAMPLE}.yaml").read_text(encoding="utf-8")
    ids = [f"2025-{month:02d}" for month in range(1, 13)][:issues] + [f"2024-{m:02d}" for m in range(1, 13)][: max(0, issues - 12)]
    for issue_id in ids:
        text = sample.replace(f"id: {SAMPLE}", f"id: {issue_id}").replace("date: 2026-11-25", f"date: {issue_id}-15")
        (root / "issues" / f"{issue_id}.yaml").write_text(text, encoding="utf-8")
    return ids


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONPATH": str(REPO)})
    return time.perf_counter() - start


def median_of(runs: int, measure) -> float:
    return statistics.median(measure() for _ in range(runs))


def build_command(locales: list[str]) -> list[str]:
    args = [sys.executable, "-m", "newsletter", "build", "--quiet"]
    for locale in locales:
        args += ["--locale", locale]
    return args


def cold_build(root: Path, locales: list[str], runs: int) -> float:
    def once() -> float:
        shutil.rmtree(root / ".cache", ignore_errors=True)
        shutil.rmtree(root / "dist", ignore_errors=True)
        return timed(build_command(locales), root)
    return median_of(runs, once)


def peak_memory_mb(root: Path, locales: list[str]) -> float:
    """Peak resident memory of one cold build process (ru_maxrss of the child)."""
    shutil.rmtree(root / ".cache", ignore_errors=True)
    code = ("import resource, runpy, sys\n"
            f"sys.argv = {build_command(locales)[2:]!r}\n"
            "try:\n    runpy.run_module('newsletter', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", code], cwd=root, check=True, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    return int(done.stdout.strip().splitlines()[-1]) / 1024


def edit_one_paragraph(issue_file: Path, run: int) -> None:
    text = issue_file.read_text(encoding="utf-8")
    text = re.sub(r"rejuvenation and healing\.( \(\d+\))?", f"rejuvenation and healing. ({run})", text, count=1)
    issue_file.write_text(text, encoding="utf-8")


def warm_rebuild_cli(root: Path, ids: list[str], locales: list[str], runs: int) -> float:
    """A fresh `newsletter build` process after one paragraph of one issue changed (cache warm)."""
    timed(build_command(locales), root)
    samples = []
    for run in range(runs):
        edit_one_paragraph(root / "issues" / f"{ids[0]}.yaml", run)
        samples.append(timed(build_command(locales), root))
    return statistics.median(samples)


def warm_rebuild_in_process(root: Path, ids: list[str], locales: list[str], runs: int) -> float:
    """The same rebuild inside a running process, as the preview server does it."""
    from newsletter.build import BuildReport, build
    from newsletter.settings import load_settings

    settings = load_settings(root)
    build(settings, None, locales, root / "dist", BuildReport())
    samples = []
    for run in range(runs):
        edit_one_paragraph(root / "issues" / f"{ids[0]}.yaml", 100 + run)
        start = time.perf_counter()
        build(settings, None, locales, root / "dist", BuildReport())
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def stage_times(root: Path, locales: list[str]) -> dict[str, float]:
    """Milliseconds per email for each stage, measured in one process over the whole workload."""
    from newsletter import render
    from newsletter.build import IssueBuild, issue_files
    from newsletter.content import load_issues
    from newsletter.i18n.catalogs import translator_for
    from newsletter.output import replace_folder
    from newsletter.settings import load_settings

    totals = dict.fromkeys(("load+validate", "catalogs", "jinja (mjml)", "mjml→html", "plain text", "checks", "write"), 0.0)
    settings = load_settings(root)
    clock = time.perf_counter()
    issues = load_issues(settings)
    totals["load+validate"] += time.perf_counter() - clock
    checks = _checks_runner()
    count = 0
    for issue in issues:
        emails = []
        for locale in locales:
            clock = time.perf_counter()
            translator = translator_for(settings, locale)
            localized = translator.localize(issue)
            totals["catalogs"] += time.perf_counter() - clock
            clock = time.perf_counter()
            mjml = render.render_mjml(localized, settings, locale, translator)
            totals["jinja (mjml)"] += time.perf_counter() - clock
            clock = time.perf_counter()
            html = render.mjml_to_html(mjml, "benchmark")
            totals["mjml→html"] += time.perf_counter() - clock
            clock = time.perf_counter()
            text = render.render_text(localized, settings, locale, translator)
            totals["plain text"] += time.perf_counter() - clock
            emails.append(render.render_email(issue, settings, locale, translator_for(settings, locale)))
            count += 1
        built = IssueBuild(issue, tuple(emails))
        if checks:
            clock = time.perf_counter()
            checks(built, settings)
            totals["checks"] += time.perf_counter() - clock
        clock = time.perf_counter()
        replace_folder(root / "stages" / issue.id, issue_files(built, settings))
        totals["write"] += time.perf_counter() - clock
    del html, text
    return {stage: round(1000 * seconds / count, 3) for stage, seconds in totals.items()}


def _checks_runner():
    try:
        from newsletter.checks import run_checks
    except ImportError:
        return None
    return run_checks


def ensure_mjml_cli() -> bool:
    if MJML_CLI.exists():
        return True
    if not shutil.which("npm"):
        return False
    subprocess.run(["npm", "ci", "--prefix", str(MJML_DIR), "--no-audit", "--no-fund", "--loglevel=error"], check=True)
    return MJML_CLI.exists()


def mjml_cli(root: Path, runs: int) -> float | None:
    """The official MJML CLI rendering the same email.mjml files, in one process as a user would."""
    if not ensure_mjml_cli():
        return None
    sources = sorted(str(p) for p in (root / "dist").rglob("email.mjml"))
    out = root / "mjml-cli-out"

    def once() -> float:
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        return timed([str(MJML_CLI), *sources, "-o", str(out)], root)
    return median_of(runs, once)


def help_time(runs: int) -> float:
    return median_of(runs, lambda: timed([sys.executable, "-m", "newsletter", "--help"], REPO))


def run(issues: int, runs: int) -> dict:
    from newsletter.settings import PSEUDO_LOCALES, load_settings

    locales = [*load_settings(REPO).locales, *PSEUDO_LOCALES]
    with tempfile.TemporaryDirectory(prefix="newsletter-bench-") as folder:
        root = Path(folder)
        ids = make_workload(root, issues)
        emails = len(ids) * len(locales)
        cold = cold_build(root, locales, runs)
        reference = mjml_cli(root, runs)
        results = {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()},
            "workload": {"issues": len(ids), "locales": locales, "emails": emails, "runs": runs},
            "cold_build_s": round(cold, 3),
            "mjml_cli_s": round(reference, 3) if reference else None,
            "cold_vs_mjml_ratio": round(reference / cold, 1) if reference else None,
            "warm_rebuild_cli_ms": round(1000 * warm_rebuild_cli(root, ids, locales, runs), 1),
            "warm_rebuild_ms": round(1000 * warm_rebuild_in_process(root, ids, locales, runs), 1),
            "help_ms": round(1000 * help_time(runs), 1),
            "peak_memory_mb": round(peak_memory_mb(root, locales), 1),
            "stage_ms_per_email": stage_times(root, locales),
        }
    return results


def table(results: dict) -> str:
    w = results["workload"]
    lines = [f"workload: {w['issues']} issues × {len(w['locales'])} locales = {w['emails']} emails, "
             f"median of {w['runs']} run(s), {results['machine']['cpus']} CPUs",
             "", f"{'measure':<44}{'value':>12}  {'target':<12}"]

    def row(name, value, unit, target=""):
        shown = "n/a" if value is None else f"{value}{unit}"
        lines.append(f"{name:<44}{shown:>12}  {target:<12}")

    row("cold build, whole workload (fresh process)", results["cold_build_s"], " s")
    row("official MJML CLI, same email.mjml files", results["mjml_cli_s"], " s")
    row("MJML CLI time / newsletter time", results["cold_vs_mjml_ratio"], "×", "≥ 10×")
    row("warm rebuild, one paragraph (in process)", results["warm_rebuild_ms"], " ms", "< 100 ms")
    row("warm rebuild, one paragraph (fresh CLI)", results["warm_rebuild_cli_ms"], " ms")
    row("newsletter --help", results["help_ms"], " ms", "< 150 ms")
    row("peak memory, cold build", results["peak_memory_mb"], " MB", "< 150 MB")
    lines += ["", "per email, by stage (ms):"]
    lines += [f"  {stage:<24}{ms:>8.3f}" for stage, ms in results["stage_ms_per_email"].items()]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run on 2 issues (for CI)")
    parser.add_argument("--issues", type=int, default=12)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, default=REPO / "benchmarks" / "results" / "latest.json")
    args = parser.parse_args()
    issues, runs = (2, 1) if args.quick else (args.issues, args.runs)
    results = run(issues, runs)
    print(table(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json.relative_to(REPO) if args.json.is_relative_to(REPO) else args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
