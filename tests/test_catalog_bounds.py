"""Hostile catalogs refused at their PO line before any parser sees them (newsletter/i18n/catalog_bounds.py):
sizes that would exhaust memory, headers that lie about the bytes, invisible line separators, duplicates.

Rules encoded: GNU gettext's msgfmt -c refuses duplicate message definitions
(https://www.gnu.org/software/gettext/manual/html_node/msgfmt-Invocation.html, checked with the real msgfmt
below); the PO header's charset names the file's encoding
(https://www.gnu.org/software/gettext/manual/html_node/Header-Entry.html); CLDR's plural categories are six
at most (https://cldr.unicode.org/index/cldr-spec/plural-rules), read from Babel's table."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from newsletter.i18n.catalog_bounds import MAX_PLURALS
from tests.test_proof import one_error_line

ES = Path("locales/es/LC_MESSAGES/newsletter.po")
PLURAL_FORM = 'msgstr[1] "Tiempo de lectura: %(num)d minutos"'
TITLE = 'msgstr "Exosomas en cirugía plástica"\n'


def mutated(project: Path, old: str, new: str, encoding: str = "utf-8") -> int:
    """Replace the text in the es catalog; returns the line where the new text starts."""
    path = project / ES
    text = path.read_text("utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    path.write_bytes(text.encode(encoding, errors="replace"))  # what a code page lacks (the ar, zh hints) as '?'
    return text[:text.index(new)].count("\n") + 1


def test_babel_says_no_language_has_more_than_six_plural_forms():
    assert MAX_PLURALS == 6  # CLDR's zero, one, two, few, many, other


@pytest.mark.parametrize("command", [("i18n", "check", "--locale", "es"), ("build", "2026-11", "--locale", "es")])
def test_a_huge_printf_width_is_refused_at_its_line(cli, project, command):
    """Before: passed the placeholder checks; build and export took 30–60 s and 6.7 GB to a MemoryError."""
    line = mutated(project, PLURAL_FORM, 'msgstr[1] "Tiempo de lectura: %(num)999999999d minutos"')
    assert one_error_line(cli(*command, cwd=project, timeout=60)) == (
        f"error: {ES}:{line}: msgstr[1]: '%(num)999999999d' pads to more than 100 characters — write the "
        "placeholder as its English has it, without a width (%(name)s, %(name)d)")


@pytest.mark.parametrize("command", [("i18n", "check", "--locale", "es"), ("build", "2026-11", "--locale", "es")])
def test_a_huge_nplurals_is_refused_at_the_header_line(cli, project, command):
    """Before: Babel's parser took 7.5 GB to a MemoryError traceback in build, export and i18n check."""
    line = mutated(project, "nplurals=2;", "nplurals=999999999;")
    assert one_error_line(cli(*command, cwd=project, timeout=60)) == (
        f"error: {ES}:{line}: Plural-Forms: nplurals=999999999: no language has more than 6 plural forms — "
        "give your language's Plural-Forms (msginit or Poedit writes it)")


def test_a_megabyte_translation_is_refused(cli, project):
    line = mutated(project, TITLE, f'msgstr "{"Exosomas " * 120_000}"\n')
    assert one_error_line(cli("i18n", "check", "--locale", "es", cwd=project, timeout=60)) == (
        f"error: {ES}:{line}: msgstr: 1080000 characters, more than 10 times its English (27) — shorten the "
        "translation, or check that it belongs to this entry")


def test_an_unknown_charset_is_one_line_at_the_header(cli, project):
    """Before: a LookupError traceback."""
    line = mutated(project, "charset=utf-8", "charset=x-no-such-charset")
    assert one_error_line(cli("i18n", "check", "--locale", "es", cwd=project)) == (
        f"error: {ES}:{line}: Content-Type: unknown charset 'x-no-such-charset' — write "
        '"Content-Type: text/plain; charset=UTF-8\\n" in the header')


def test_a_utf8_file_declaring_latin1_is_refused_not_built_as_mojibake(cli, project):
    """Before: built with exit 0 and 'plÃ¡stica' in the email, the charset never mentioned."""
    line = mutated(project, "charset=utf-8", "charset=ISO-8859-1")
    result = cli("build", "2026-11", "--locale", "es", cwd=project)
    assert one_error_line(result) == (
        f"error: {ES}:{line}: Content-Type: the header declares charset=ISO-8859-1 but the file is UTF-8: its "
        'accented letters would turn to mojibake — write "Content-Type: text/plain; charset=UTF-8\\n" in the header')
    assert not list((project / "dist").rglob("*.html")) if (project / "dist").exists() else True


def test_a_latin1_file_is_refused_at_its_first_non_utf8_byte(cli, project):
    """Before: 'not UTF-8 text' with no line number."""
    mutated(project, "charset=utf-8", "charset=windows-1252", encoding="cp1252")  # as a Windows tool saves it
    text = (project / ES).read_bytes()
    offset = next(index for index, byte in enumerate(text) if byte >= 0x80)
    line, column = text.count(b"\n", 0, offset) + 1, offset - text.rfind(b"\n", 0, offset)
    assert one_error_line(cli("i18n", "check", "--locale", "es", cwd=project)) == (
        f"error: {ES}:{line}:{column}: not UTF-8 text: byte 0x{text[offset]:02X} (the header says windows-1252) — "
        "save the catalog "
        "as UTF-8 (msgconv --to-code=UTF-8 does it), with charset=UTF-8 in its header")


def test_a_duplicate_msgid_is_refused_as_msgfmt_refuses_it(cli, project):
    """Before: `i18n check` said 0 problems where msgfmt -c reports a fatal duplicate."""
    path = project / ES
    text = path.read_text("utf-8")
    first = text[:text.index('msgid "In this issue"')].count("\n") + 1
    context = "msgctxt \"heading of the list of the issue's articles\"\n"
    path.write_text(text + f'\n{context}msgid "In this issue"\nmsgstr "En este boletín"\n', "utf-8")
    line = path.read_text("utf-8").count("\n") - 1
    msgfmt = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert msgfmt.returncode != 0 and "duplicate message definition" in msgfmt.stderr
    assert one_error_line(cli("i18n", "check", "--locale", "es", cwd=project)) == (
        f"error: {ES}:{line}: duplicate message definition (first at line {first}) — keep one of the two entries "
        "(msgfmt -c refuses the file too)")


@pytest.mark.parametrize("separator, name", [("\u2028", "U+2028 LINE SEPARATOR"), ("\u2029", "U+2029 PARAGRAPH SEPARATOR")])
def test_a_line_separator_in_a_msgstr_is_named_not_taken_for_an_unclosed_quote(cli, project, separator, name):
    line = mutated(project, TITLE, f'msgstr "Exosomas en{separator}cirugía plástica"\n')
    assert one_error_line(cli("i18n", "check", "--locale", "es", cwd=project)) == (
        f"error: {ES}:{line}:20: {name} in the text: an invisible line break that tools and email clients read "
        "differently — remove it (write \\n for a line break)")
