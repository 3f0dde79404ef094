"""Marketing's entry point: build an issue and export it for a mailing provider, or send proofs.

    python send.py 2026-11                                # every locale, provider-neutral .eml files
    python send.py 2026-11 --provider mailchimp           # what Mailchimp imports (see docs/export.md)
    python send.py 2026-11 --smtp smtp.example.com:587 --starttls --user me --to me@example.com
"""

import sys

from newsletter.cli import main

if __name__ == "__main__":
    sys.exit(main(["export", *sys.argv[1:]]))
