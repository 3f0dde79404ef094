"""Marketing's entry point: build an issue and export it for a mailing provider.

    python send.py 2026-11                  # every locale, provider-neutral .eml files
"""

import sys

from newsletter.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
