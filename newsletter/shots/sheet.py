"""The shots' index.html: each view's pictures side by side, one column per engine, and the text part as
terminals show it; a picture is marked where its engine lays the email out differently from every other
engine: the page's height, or a landmark's box (x, y, width, height), off by more than TOLERANCE_PX.

The page is the same for the same measurements (sorted, no dates), and escapes every text it shows.
"""

from __future__ import annotations

from html import escape

TOLERANCE_PX = 16
STYLE = """
  body { font: 14px/1.4 system-ui, sans-serif; margin: 16px; color: #111827; background: #f9fafb; }
  table { border-collapse: collapse; } td, th { vertical-align: top; padding: 6px; border: 1px solid #e5e7eb; }
  th { text-align: start; background: #f3f4f6; } img { display: block; max-width: 280px; border: 1px solid #d1d5db; }
  .differs { background: #fee2e2; outline: 3px solid #b91c1c; } .note { color: #b91c1c; font-weight: bold; }
  .measure { color: #4b5563; font-size: 12px; }
"""


def difference(shot, other) -> str | None:
    """How `shot` differs from `other` beyond the tolerance, in words, or None."""
    if abs(shot.height - other.height) > TOLERANCE_PX:
        return f"height {shot.height} px against {other.height} px"
    if len(shot.boxes) != len(other.boxes):
        return f"{len(shot.boxes)} landmarks against {len(other.boxes)}"
    for number, (mine, theirs) in enumerate(zip(shot.boxes, other.boxes), 1):
        off = max(abs(a - b) for a, b in zip(mine[1:], theirs[1:]))
        if mine[0] != theirs[0] or off > TOLERANCE_PX:
            return f"{mine[0]} #{number} at {mine[1:]} against {theirs[1:]} ({off} px)"
    return None


def differences(shots: dict[str, dict], name: str) -> dict[str, str]:
    """engine → why its picture of the view `name` stands apart: it differs from every other engine's."""
    taken = {engine: found[f"{name}-{engine}.png"] for engine, found in shots.items() if f"{name}-{engine}.png" in found}
    marked = {}
    for engine, shot in taken.items():
        found = {other: difference(shot, theirs) for other, theirs in taken.items() if other != engine}
        if found and all(found.values()):
            marked[engine] = "; ".join(f"{why} ({other})" for other, why in sorted(found.items()))
    return marked


def index_page(issue_id: str, locales: list[str], widths: dict[str, int], engines: list[str], skipped: dict[str, str],
               shots: dict[str, dict], texts: dict[str, dict[str, str]]) -> str:
    rows, marked_count = [], 0
    for locale in locales:
        rows.append(f'<tr><th colspan="{len(engines) + 1}" id="{escape(locale)}">{escape(locale)}</th></tr>')
        for width in widths:
            for scheme in ("light", "dark"):
                for images in ("off", "on"):
                    name = f"{locale}-{width}-{scheme}-images-{images}"
                    marked = differences(shots, name)
                    marked_count += len(marked)
                    cells = "".join(_cell(shots[engine].get(f"{name}-{engine}.png"), marked.get(engine)) for engine in engines)
                    rows.append(f"<tr><td>{escape(width)} ({widths[width]} px)<br>{scheme}<br>images {images}</td>{cells}</tr>")
        terminal = "".join(f'<figure><figcaption>{escape(kind)}</figcaption><a href="{escape(locale)}-{escape(kind)}.txt">'
                           + (f'<img src="{escape(locale)}-{escape(kind)}.png" alt="{escape(kind)}, {escape(locale)}">'
                              if "chromium" in shots else "the text")
                           + "</a></figure>" for kind in texts.get(locale, {}))
        rows.append(f'<tr><td>as a terminal shows it (80 columns)</td><td colspan="{max(len(engines), 1)}">{terminal}</td></tr>')
    head = "".join(f"<th>{escape(engine)}</th>" for engine in engines)
    missing = "".join(f"<li>{escape(engine)} skipped: {escape(why)}</li>" for engine, why in sorted(skipped.items()))
    summary = (f"{marked_count} pictures stand apart from every other engine by more than {TOLERANCE_PX} px"
               if len(engines) > 1 else "one engine only: nothing to compare")
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(issue_id)}: shots</title>'
            f"<style>{STYLE}</style></head><body><h1>{escape(issue_id)} as recipients see it</h1>"
            f"<p>{summary}.</p><ul>{missing}</ul><table><tr><th>view</th>{head}</tr>{''.join(rows)}</table></body></html>\n")


def _cell(shot, why: str | None) -> str:
    if shot is None:
        return "<td>no picture</td>"
    mark = ' class="differs"' if why else ""
    note = f'<div class="note">differs: {escape(why)}</div>' if why else ""
    return (f'<td{mark}><a href="{escape(shot.file)}"><img src="{escape(shot.file)}" alt="" loading="lazy"></a>'
            f'<div class="measure">{shot.height} px high, {len(shot.boxes)} landmarks</div>{note}</td>')
