"""Marketing's entry point: build an issue and export it for a mailing provider, or send proofs.

    python send.py 2026-11                                # every locale, provider-neutral .eml files
    python send.py 2026-11 --provider mailchimp           # what Mailchimp imports (see docs/export.md)
    python send.py 2026-11 --smtp smtp.example.com:587 --starttls --user me --to me@example.com
    python send.py 2026-11 --provider sendgrid --publish  # export, then the plan of what publish would change
    python send.py 2026-11 --provider sendgrid --publish --apply --schedule 2026-12-01T09:00+01:00
"""

import sys
from pathlib import Path

from newsletter import uptodate  # standard library only: a repeated export answers before the pipeline's imports

PROJECT = Path(__file__).resolve().parent  # send.py sits at the project's root, beside newsletter.yaml


def export_arguments(argv: list[str]) -> list[str]:
    """`export` and its options; `--project DIR`, an option of `newsletter` itself, goes before it."""
    arguments, project = list(argv), []
    for index, argument in enumerate(arguments):
        if argument == "--project" and index + 1 < len(arguments):
            project = arguments[index:index + 2]
            del arguments[index:index + 2]
            break
        if argument.startswith("--project="):
            project = [arguments.pop(index)]
            break
    if not project and not _inside_a_project(Path.cwd()):
        project = ["--project", str(PROJECT)]  # run by its path from elsewhere: the project it sits in
    return [*project, "export", *arguments]


# Options of `newsletter publish` (and how many values each takes); with --publish, send.py exports, then publishes.
PUBLISH_OPTIONS = {"--apply": 0, "--schedule": 1, "--test-to": -1, "--timeout": 1, "--cafile": 1}
SHARED_OPTIONS = {"--provider": 1, "--out": 1, "-q": 0, "--quiet": 0}
EXPORT_VALUES = {"--locale": 1}  # the export's options that take a value (proofs' options make no sense with --publish)


def publish_arguments(arguments: list[str]) -> tuple[list[str], list[str]]:
    """`send.py … --publish`: the export's arguments and the publish's (`--project` already set apart)."""
    export, publish = [], []
    index = 0
    while index < len(arguments):
        argument = arguments[index]
        name = argument.split("=", 1)[0]
        takes = PUBLISH_OPTIONS.get(name, SHARED_OPTIONS.get(name, EXPORT_VALUES.get(name)))
        count = 0 if "=" in argument or takes in (None, 0) else takes
        if takes == -1:  # every value up to the next option
            count = next((n for n, a in enumerate(arguments[index + 1:]) if a.startswith("-")), len(arguments) - index - 1)
        piece = arguments[index:index + 1 + count]
        if name in PUBLISH_OPTIONS:
            publish += piece
        elif name in SHARED_OPTIONS or not argument.startswith("-"):  # the issue, and what both need
            export += piece
            publish += piece
        else:
            export += piece
        index += 1 + count
    return export, publish


def run(argv: list[str]) -> int:
    arguments = export_arguments([a for a in argv if a != "--publish"])
    from_stamp = not {"--publish", "--smtp", "--to"} & {argument.split("=", 1)[0] for argument in argv}  # sends nothing
    if from_stamp and uptodate.replay(arguments):  # nothing it read or wrote changed since the same command ended well
        return 0
    from newsletter.cli import main
    if "--publish" not in argv:
        return uptodate.record(arguments, lambda: main(arguments)) if from_stamp else main(arguments)
    project, rest = arguments[:arguments.index("export")], arguments[arguments.index("export") + 1:]
    export, publish = publish_arguments(rest)
    return main([*project, "export", *export]) or main([*project, "publish", *publish])


def _inside_a_project(folder: Path) -> bool:
    return uptodate.project_root([], folder) is not None


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
