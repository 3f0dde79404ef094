"""`python -m newsletter`. A Ctrl+C that comes while the program is still being loaded ends as
quietly as one that comes later (newsletter.cli.main handles those)."""

import sys

from newsletter import INTERRUPTED

try:
    from newsletter.cli import main
except KeyboardInterrupt:
    print(INTERRUPTED, file=sys.stderr)
    raise SystemExit(130) from None

raise SystemExit(main())
