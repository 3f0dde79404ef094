"""The exported message as text mail clients show it: the text/plain part in an 80-column terminal
(mutt, neomutt), the HTML part through w3m and lynx (mutt's `auto_view text/html`), and the raw file.

- the signature mark is "-- " (RFC 3676 §4.3: https://www.rfc-editor.org/rfc/rfc3676#section-4.3), so
  mutt and Thunderbird leave the footer out of a reply;
- every web address starts a line of its own or fits 80 columns with what precedes it (a terminal wraps a
  long line mid-address, breaking copy and click: https://www.rfc-editor.org/rfc/rfc3986#appendix-C);
- the `Links:` list holds no address the text already writes out in full;
- the text part starts with the preheader, the line a client previews from it;
- w3m and lynx, which ignore display:none, show no lines of the preheader's invisible filler;
- the raw file says what its placeholders, missing To and fixed Date are (rspamd reads MISSING_TO and
  DATE_IN_PAST; mailparser finds no URL in `<[[unsubscribe_url]]>`).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from email import message_from_bytes, policy

import pytest

from newsletter.bidi import SIGNATURE_MARK
from tests.test_export import LOCALES, send_py

COLUMNS = 80
URL = re.compile(r"https?://\S+|\[\[[a-z_]+_url\]\]")


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, dict]:
    """Each locale's .eml as written by `send.py`: its raw bytes, text part, HTML part and manifest entry."""
    from tests.conftest import PROJECT_FILES, REPO

    root = tmp_path_factory.mktemp("textclients") / "project"
    root.mkdir()
    for name in PROJECT_FILES:
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy2)(REPO / name, root / name)
    assert send_py("2026-11", cwd=root).returncode == 0
    manifest = json.loads((root / "dist" / "2026-11" / "manifest.json").read_text(encoding="utf-8"))
    entries = {entry["locale"]: entry for entry in manifest["locales"]}
    out = {}
    for locale in LOCALES:
        raw = (root / "dist" / "2026-11" / "eml" / f"{locale}.eml").read_bytes()
        message = message_from_bytes(raw, policy=policy.default)
        text, html = (part.get_content() for part in message.iter_parts())
        out[locale] = {**entries[locale], "raw": raw, "message": message, "text": text, "html": html}
    return out


def visible(line: str) -> str:
    """The line without bidi marks and embeddings, as a terminal lays it out."""
    return "".join(char for char in line if unicodedata.category(char) != "Cf")


@pytest.mark.parametrize("locale", LOCALES)
def test_the_footer_follows_the_signature_mark(exported, locale):
    lines = exported[locale]["text"].splitlines()
    assert lines.count(SIGNATURE_MARK) == 1, [line for line in lines if line.startswith("--")]
    footer = lines[lines.index(SIGNATURE_MARK) + 1:]
    assert any("[[unsubscribe_url]]" in line for line in footer)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_address_starts_its_own_line_or_fits_80_columns(exported, locale):
    from newsletter.render.text import display_width

    broken = []
    for line in exported[locale]["text"].splitlines():
        shown = visible(line)
        for match in URL.finditer(shown):
            before = shown[:match.start()]
            own_line = not before.strip() or re.fullmatch(r"\[\d+\] ", before)
            if not own_line and display_width(shown) > COLUMNS:
                broken.append(shown)
    assert not broken, f"{len(broken)} lines an 80-column terminal wraps inside an address: {broken[:3]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_links_list_repeats_no_address_written_out_in_the_text(exported, locale):
    text = visible(exported[locale]["text"])
    body, _, links = text.rpartition("\n[1] ")
    listed = URL.findall("[1] " + links) if links else []
    repeated = [url for url in listed if url in URL.findall(body)]
    assert not repeated, f"the Links list repeats {repeated}"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_text_part_starts_with_the_preheader(exported, locale):
    email = exported[locale]
    lines = email["text"].splitlines()
    opening = visible(" ".join(lines[:lines.index("")]))
    assert opening.split() == email["preheader"].split() or "".join(opening.split()) == "".join(email["preheader"].split())


def text_browser_dump(command: str, html: str) -> str:
    arguments = {"w3m": ["w3m", "-dump", "-T", "text/html", "-cols", str(COLUMNS), "-I", "UTF-8", "-O", "UTF-8"],
                 "lynx": ["lynx", "-dump", "-stdin", "-nolist", f"-width={COLUMNS}", "-display_charset=utf-8",
                          "-assume_charset=utf-8"]}[command]
    done = subprocess.run(arguments, input=html.encode(), capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.decode()


@pytest.mark.parametrize("command", ["w3m", "lynx"])
@pytest.mark.parametrize("locale", ["en", "ar", "zh_Hans"])
def test_text_browsers_show_no_lines_of_preheader_filler(exported, command, locale):
    if not shutil.which(command):
        pytest.skip(f"{command} is not installed (Debian: {command})")
    email = exported[locale]
    lines = text_browser_dump(command, email["html"]).splitlines()
    masthead = next(i for i, line in enumerate(lines) if "Northside Plastic Surgery" in line)
    before = [line for line in lines[:masthead] if line.strip()]
    filler = [line for line in before if not visible(line).strip(" \u00a0\u2007\u034f\u200c\ufeff\u00ad")]
    assert not filler, f"{len(filler)} lines of invisible filler above the masthead"
    assert "".join(visible(" ".join(before)).split()).startswith("".join(email["preheader"].split()))


@pytest.mark.parametrize("locale", LOCALES)
def test_the_raw_file_explains_its_placeholders_missing_to_and_date(exported, locale):
    message = exported[locale]["message"]
    assert message["To"] is None and "[[unsubscribe_url]]" in message["List-Unsubscribe"]
    preamble = message.preamble or ""
    for said in ("[[unsubscribe_url]]", "List-Unsubscribe", "To header", "Date"):
        assert said in preamble, f"the file does not explain {said}"
