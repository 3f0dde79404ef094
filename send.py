"""Marketing's entry point: build an issue and export it for a mailing provider, or send proofs.

    python send.py 2026-11                                # every locale, provider-neutral .eml files
    python send.py 2026-11 --provider mailchimp           # what Mailchimp imports (see docs/export.md)
    python send.py 2026-11 --smtp smtp.example.com:587 --starttls --user me --to me@example.com
"""

import sys

from newsletter.cli import main


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
    return [*project, "export", *arguments]


if __name__ == "__main__":
    sys.exit(main(export_arguments(sys.argv[1:])))
