"""Marketing's entry point: build an issue and export it for a mailing provider, or send proofs.

    python send.py 2026-11                                # every locale, provider-neutral .eml files
    python send.py 2026-11 --provider mailchimp           # what Mailchimp imports (see docs/export.md)
    python send.py 2026-11 --smtp smtp.example.com:587 --starttls --user me --to me@example.com
"""

import sys
from pathlib import Path

from newsletter.cli import main
from newsletter.errors import NewsletterError
from newsletter.model.settings import find_root

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


def _inside_a_project(folder: Path) -> bool:
    try:
        find_root(folder)
    except NewsletterError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main(export_arguments(sys.argv[1:])))
