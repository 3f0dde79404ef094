"""`newsletter shots ISSUE`: the email in Blink, Gecko and WebKit, every locale, width, scheme and image
setting, and its text as terminals show it, side by side in dist/<issue>/shots/index.html (newsletter/shots/)."""

from __future__ import annotations

import sys
import time

from newsletter.commands import open_project, output_folder, shown


def run(args) -> int:
    from newsletter.shots import take_shots

    settings = open_project(args)
    started = time.monotonic()
    folder = take_shots(settings, args.issue, output_folder(args, settings), lambda line: print(line, file=sys.stderr),
                        locales=args.locale, engines=args.engine)
    pictures = sum(1 for path in folder.iterdir() if path.suffix == ".png")
    print(f"wrote {shown(folder / 'index.html')}: {pictures} pictures in {time.monotonic() - started:.0f} s")
    return 0
