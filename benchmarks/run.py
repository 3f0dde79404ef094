"""Benchmark the newsletter build against the official MJML CLI on the same MJML.

    python benchmarks/run.py            # 12 issues × every locale (+ pseudo-locales), median of 5 runs
    python benchmarks/run.py --quick    # 2 issues, 1 run: what CI runs so this script cannot rot

Prints one table, newsletter and the MJML CLI side by side, and writes JSON
(benchmarks/results/latest.json by default; the folder is git-ignored). Each number is the median
of several runs on this machine, in this run; the load average before and after is recorded,
because other work on the machine slows every number. Nothing here asserts a time.
See docs/performance.md for what each number means.
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
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
MJML_DIR = REPO / "tools" / "mjml"
MJML_CLI = MJML_DIR / "node_modules" / ".bin" / "mjml"
SAMPLE = "2026-11"
PROJECT_FILES = ("newsletter.yaml", "babel.cfg", "locales", "templates")
TARGETS = {"cold_vs_mjml_ratio": 10.0, "warm_rebuild_ms": 100.0, "help_ms": 150.0, "peak_memory_mb": 150.0}
# By default the MJML 5 CLI also validates the MJML and beautifies its HTML; mjml-python does neither.
# Turning both off gives the CLI the work mjml-python does: the fair (and the faster) reference.
SAME_WORK = ["--config.beautify", "false", "--config.validationLevel", "skip"]


def python_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def compile_package() -> None:
    """Cache the package's compiled modules (__pycache__, git-ignored), as Python does by default.

    With PYTHONDONTWRITEBYTECODE set (some CI images and sandboxes set it), every process would
    compile the package again, which is not what a user's machine does.
    """
    environment = {key: value for key, value in python_env().items() if key != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "newsletter")], check=True, env=environment)


def make_workload(root: Path, issues: int) -> list[str]:
    """A project with `issues` monthly issues: the sample issue under other ids and dates."""
    for name in PROJECT_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("*.mo"))
        else:
            shutil.copy2(source, root / name)
    (root / "issues").mkdir()
    sample = (REPO / "issues" / f"{SAMPLE}.yaml").read_text(encoding="utf-8")
    ids = [f"{2025 - n // 12}-{n % 12 + 1:02d}" for n in range(issues)]
    for issue_id in ids:
        text = re.sub(r"(?m)^id: .*$", f"id: {issue_id}", sample, count=1)
        text = re.sub(r"(?m)^date: .*$", f"date: {issue_id}-15", text, count=1)
        (root / "issues" / f"{issue_id}.yaml").write_text(text, encoding="utf-8")
    return ids


def edit_one_paragraph(issue_file: Path) -> None:
    """Marketing fixes one paragraph: a few words appended to the issue's first paragraph."""
    text = issue_file.read_text(encoding="utf-8")
    edited = re.sub(r"(paragraphs:\n\s*- >-\n.*)\n", rf"\1 (edit {time.time_ns()})\n", text, count=1)
    assert edited != text, f"no paragraph found to edit in {issue_file.name}"
    issue_file.write_text(edited, encoding="utf-8")


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=python_env())
    return time.perf_counter() - start


def median_of(runs: int, measure) -> float:
    return statistics.median(measure() for _ in range(runs))


def build_command(locales: list[str]) -> list[str]:
    return [sys.executable, "-m", "newsletter", "build", "--quiet", *(f"--locale={locale}" for locale in locales)]


def forget_builds(root: Path) -> None:
    """Back to a fresh checkout: no output, no incremental cache."""
    shutil.rmtree(root / ".cache", ignore_errors=True)
    shutil.rmtree(root / "dist", ignore_errors=True)


def cold_build(root: Path, locales: list[str], runs: int) -> float:
    """`newsletter build` of the whole workload in a fresh process, nothing cached."""
    def once() -> float:
        forget_builds(root)
        return timed(build_command(locales), root)
    return median_of(runs, once)


def warm_rebuild_cli(root: Path, ids: list[str], locales: list[str], runs: int) -> float:
    """A fresh `newsletter build` process after one paragraph of one issue changed (cache warm)."""
    timed(build_command(locales), root)

    def once() -> float:
        edit_one_paragraph(root / "issues" / f"{ids[0]}.yaml")
        return timed(build_command(locales), root)
    return median_of(runs, once)


def warm_rebuild_in_process(root: Path, ids: list[str], locales: list[str], runs: int) -> float:
    """The same rebuild inside a running process, as `newsletter preview` does it on every save."""
    done = subprocess.run([sys.executable, __file__, "--measure-warm", str(root), ids[0], str(runs), *locales],
                          check=True, capture_output=True, text=True, env=python_env())
    return float(done.stdout.strip().splitlines()[-1])


def _measure_warm(root: Path, issue_id: str, runs: int, locales: list[str]) -> float:
    sys.path.insert(0, str(REPO))
    from newsletter.build import BuildReport, build
    from newsletter.settings import load_settings

    settings = load_settings(root)
    build(settings, None, locales, root / "dist", BuildReport())

    def once() -> float:
        edit_one_paragraph(root / "issues" / f"{issue_id}.yaml")
        start = time.perf_counter()
        build(settings, None, locales, root / "dist", BuildReport())
        return time.perf_counter() - start
    return median_of(runs, once)


def peak_memory_mb(root: Path, locales: list[str]) -> dict[str, float]:
    """Peak resident memory of a cold build: the main process, and the largest render worker."""
    forget_builds(root)
    code = ("import resource, runpy, sys\n"
            f"sys.argv = {build_command(locales)[2:]!r}\n"
            "try:\n    runpy.run_module('newsletter', run_name='__main__', alter_sys=True)\nexcept SystemExit:\n    pass\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", code], cwd=root, check=True, capture_output=True, text=True, env=python_env())
    main, worker = (int(kb) / 1024 for kb in done.stdout.split()[-2:])
    workers = (os.cpu_count() or 1) if worker else 0
    return {"main": round(main, 1), "worker": round(worker, 1), "all_upper_bound": round(main + workers * worker, 1)}


def help_time(runs: int) -> float:
    return median_of(runs, lambda: timed([sys.executable, "-m", "newsletter", "--help"], REPO))


def stage_times(root: Path, locales: list[str], runs: int) -> dict[str, float]:
    """Milliseconds per email of each stage (each run in a fresh process, one email after another)."""
    def once() -> dict[str, float]:
        done = subprocess.run([sys.executable, __file__, "--measure-stages", str(root), *locales],
                              check=True, capture_output=True, text=True, env=python_env())
        return json.loads(done.stdout.strip().splitlines()[-1])
    samples = [once() for _ in range(runs)]
    return {stage: round(statistics.median(sample[stage] for sample in samples), 3) for stage in samples[0]}


def _measure_stages(root: Path, locales: list[str]) -> dict[str, float]:
    sys.path.insert(0, str(REPO))
    clock = Stopwatch()
    with clock("imports (once per process)"):
        from newsletter import render
        from newsletter.build import IssueBuild, issue_files
        from newsletter.checks import check_build
        from newsletter.content import load_issues
        from newsletter.i18n.catalogs import translator_for
        from newsletter.output import replace_folder
        from newsletter.settings import load_settings
    with clock("load+validate"):
        settings = load_settings(root)
        issues = load_issues(settings)
    for issue in issues:
        emails = []
        for locale in locales:
            with clock("catalogs"):
                translator = translator_for(settings, locale)
                localized = translator.localize(issue)
            with clock("jinja (mjml)"):
                mjml = render.render_mjml(localized, settings, locale, translator)
            with clock("mjml→html"):
                render.mjml_to_html(mjml, "benchmark")
            with clock("plain text"):
                render.render_text(localized, settings, locale, translator)
            emails.append(render.render_email(issue, settings, locale, translator_for(settings, locale)))  # not timed
        built = IssueBuild(issue, tuple(emails))
        with clock("checks"):
            check_build(built, settings)
        with clock("write"):
            replace_folder(root / "stages" / issue.id, issue_files(built, settings))
    shutil.rmtree(root / "stages")
    count = len(issues) * len(locales)
    return {stage: 1000 * seconds / (1 if stage.startswith("imports") else count) for stage, seconds in clock.totals.items()}


class Stopwatch:
    """Adds up the time spent in each named stage: `with clock("stage"): ...`."""

    def __init__(self):
        self.totals: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.totals[stage] = self.totals.get(stage, 0.0) + time.perf_counter() - start


def ensure_mjml_cli() -> bool:
    """The official MJML CLI, pinned in tools/mjml (installed there, git-ignored, when npm is here)."""
    if not MJML_CLI.exists() and shutil.which("npm"):
        subprocess.run(["npm", "ci", "--prefix", str(MJML_DIR), "--no-audit", "--no-fund", "--loglevel=error"], check=True)
    return MJML_CLI.exists()


def reference_inputs(root: Path) -> list[Path]:
    """The email.mjml files the cold build wrote, copied under distinct names (<issue>-<locale>.mjml)
    so the CLI writes one HTML file per email instead of overwriting a single email.html."""
    folder = root / "mjml-in"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for source in sorted((root / "dist").glob("*/*/email.mjml")):
        shutil.copy2(source, folder / f"{source.parent.parent.name}-{source.parent.name}.mjml")
    return sorted(folder.iterdir())


def mjml_cli_batch(root: Path, inputs: list[Path], runs: int, options: list[str]) -> float:
    """One CLI process rendering every file, as a user batches them: `mjml *.mjml -o out/`."""
    out = root / "mjml-out"

    def once() -> float:
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        seconds = timed([str(MJML_CLI), *map(str, inputs), "-o", str(out), *options], root)
        written = len(list(out.glob("*.html")))
        assert written == len(inputs), f"the MJML CLI wrote {written} of {len(inputs)} files"
        return seconds
    return median_of(runs, once)


def mjml_cli_per_file(root: Path, inputs: list[Path]) -> dict[str, float]:
    """One CLI process per file, as a shell loop or a per-file build rule runs it (one pass)."""
    out = root / "mjml-out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    calls = [timed([str(MJML_CLI), str(source), "-o", str(out / f"{source.stem}.html"), *SAME_WORK], root)
             for source in inputs]
    return {"total_s": round(sum(calls), 3), "median_call_ms": round(1000 * statistics.median(calls), 1)}


def reference(root: Path, runs: int) -> dict:
    """The official MJML CLI on the same email.mjml files, on this machine, in this run."""
    if not ensure_mjml_cli():
        return {"available": False, "batch_s": None, "batch_defaults_s": None, "per_file": None, "version": None}
    inputs = reference_inputs(root)
    version = subprocess.run([str(MJML_CLI), "--version"], capture_output=True, text=True).stdout.split()
    return {
        "available": True,
        "version": version[-1] if version else None,
        "files": len(inputs),
        "batch_s": round(mjml_cli_batch(root, inputs, runs, SAME_WORK), 3),
        "batch_defaults_s": round(mjml_cli_batch(root, inputs, runs, []), 3),
        "per_file": mjml_cli_per_file(root, inputs),
    }


def ratio(reference_s: float | None, ours_s: float) -> float | None:
    return round(reference_s / ours_s, 1) if reference_s else None


def run(issues: int, runs: int, workdir: Path) -> dict:
    sys.path.insert(0, str(REPO))
    from newsletter.settings import PSEUDO_LOCALES, load_settings

    locales = [*load_settings(REPO).locales, *PSEUDO_LOCALES]
    compile_package()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="newsletter-bench-", dir=workdir) as folder:
        root = Path(folder)
        ids = make_workload(root, issues)
        cold = cold_build(root, locales, runs)
        mjml = reference(root, runs)
        results = {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform(),
                        "load_average_before": [round(x, 2) for x in load_before]},
            "workload": {"issues": len(ids), "locales": locales, "emails": len(ids) * len(locales), "runs": runs},
            "cold_build_s": round(cold, 3),
            "mjml_cli": mjml,
            "cold_vs_mjml_ratio": ratio(mjml["batch_s"], cold),
            "cold_vs_mjml_defaults_ratio": ratio(mjml["batch_defaults_s"], cold),
            "cold_vs_mjml_per_file_ratio": ratio(mjml["per_file"] and mjml["per_file"]["total_s"], cold),
            "warm_rebuild_ms": round(1000 * warm_rebuild_in_process(root, ids, locales, runs), 1),
            "warm_rebuild_cli_ms": round(1000 * warm_rebuild_cli(root, ids, locales, runs), 1),
            "help_ms": round(1000 * help_time(runs), 1),
            "peak_memory_mb": peak_memory_mb(root, locales),
            "stage_ms_per_email": stage_times(root, locales, runs),
        }
    results["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    results["targets"] = target_status(results)
    return results


def target_status(results: dict) -> dict[str, dict]:
    """Each target with the measured value and whether it is met (the note in the docs says why not)."""
    measured = {"cold_vs_mjml_ratio": results["cold_vs_mjml_ratio"], "warm_rebuild_ms": results["warm_rebuild_ms"],
                "help_ms": results["help_ms"], "peak_memory_mb": results["peak_memory_mb"]["all_upper_bound"]}
    status = {}
    for name, target in TARGETS.items():
        value = measured[name]
        met = None if value is None else (value >= target if name.endswith("ratio") else value < target)
        status[name] = {"target": target, "measured": value, "met": met}
    return status


def table(results: dict) -> str:
    """newsletter and the MJML CLI side by side, then the targets, then the stages."""
    w, m, mjml = results["workload"], results["machine"], results["mjml_cli"]
    lines = [f"workload: {w['issues']} issues × {len(w['locales'])} locales = {w['emails']} emails; median of "
             f"{w['runs']} run(s); {m['cpus']} CPUs; load average {m['load_average_before'][0]} before, "
             f"{m['load_average_after'][0]} after", "",
             f"{'':<46}{'newsletter':>12}{'MJML CLI':>12}{'CLI ÷ ours':>12}"]

    def row(name: str, ours: str = "", theirs: str = "", times: float | None = None) -> None:
        lines.append(f"{name:<46}{ours:>12}{theirs:>12}{'' if times is None else f'{times}×':>12}")

    cold = f"{results['cold_build_s']} s"
    if mjml["available"]:
        row("every email, cold, one process [headline]", cold, f"{mjml['batch_s']} s", results["cold_vs_mjml_ratio"])
        row("  MJML CLI, its defaults (validate, beautify)", "", f"{mjml['batch_defaults_s']} s",
            results["cold_vs_mjml_defaults_ratio"])
        row(f"  MJML CLI, one call per file ({mjml['files']} calls)", "", f"{mjml['per_file']['total_s']} s",
            results["cold_vs_mjml_per_file_ratio"])
    else:
        row("every email, cold, one process", cold, "n/a (no npm)")
    memory = results["peak_memory_mb"]
    row("peak memory, main process", f"{memory['main']} MB")
    row("peak memory, largest render worker", f"{memory['worker']} MB" if memory["worker"] else "no workers")
    lines += ["", f"{'target':<46}{'measured':>12}{'goal':>12}{'met':>12}"]
    for name, status in results["targets"].items():
        unit = "×" if name.endswith("ratio") else (" MB" if "memory" in name else " ms")
        goal = f"≥ {status['target']:g}{unit}" if name.endswith("ratio") else f"< {status['target']:g}{unit}"
        met = {True: "yes", False: "NO", None: "n/a"}[status["met"]]
        measured = f"{status['measured']}{unit}"
        lines.append(f"{TARGET_NAMES[name]:<46}{measured:>12}{goal:>12}{met:>12}")
    warm_cli = f"{results['warm_rebuild_cli_ms']} ms"
    lines.append(f"{'warm rebuild, one paragraph (fresh CLI process)':<46}{warm_cli:>12}")
    lines += ["", "per email, by stage (ms; imports once per process):"]
    lines += [f"  {stage:<28}{ms:>9.3f}" for stage, ms in results["stage_ms_per_email"].items()]
    return "\n".join(lines)


TARGET_NAMES = {"cold_vs_mjml_ratio": "cold build: MJML CLI time ÷ ours",
                "warm_rebuild_ms": "warm rebuild, one paragraph (in process)",
                "help_ms": "newsletter --help",
                "peak_memory_mb": "peak memory, all processes (upper bound)"}


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1].startswith("--measure-"):
        return _measure(sys.argv[1], sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run on 2 issues (what CI runs)")
    parser.add_argument("--issues", type=int, default=12, help="issues in the workload (default: 12)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measure; the median is reported (default: 5)")
    parser.add_argument("--json", type=Path, default=RESULTS / "latest.json", help="where to write the results")
    parser.add_argument("--workdir", type=Path, default=RESULTS,
                        help="folder for the generated workload, removed afterwards (default: benchmarks/results)")
    args = parser.parse_args()
    issues, runs = (2, 1) if args.quick else (args.issues, args.runs)
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = run(issues, runs, args.workdir.resolve())
    print(table(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json}")
    return 0


def _measure(what: str, args: list[str]) -> int:
    """The measures that need a fresh process of their own (this script runs itself)."""
    if what == "--measure-warm":
        root, issue_id, runs, *locales = args
        print(_measure_warm(Path(root), issue_id, int(runs), locales))
    else:
        root, *locales = args
        print(json.dumps(_measure_stages(Path(root), locales)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
