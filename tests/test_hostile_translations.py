"""Translations are text: whatever a translator (or someone posing as one) writes in a PO file is
either shipped as the text it is, or refused at its PO line; a template is never blamed for it."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.support.catalogs import catalog_path

SPANISH = "locales/es/LC_MESSAGES/newsletter.po"


def translate(project: Path, msgid: str, msgstr: str) -> int:
    """Set the Spanish msgstr of a one-line msgid entry; returns the entry's line (its msgstr's, as msgfmt -c reports it)."""
    path = catalog_path(project, "es")
    lines = path.read_text(encoding="utf-8").split("\n")
    index = lines.index(f'msgid "{msgid}"') + 1
    while lines[index + 1].startswith('"'):  # a msgstr continued over several lines
        del lines[index + 1]
    lines[index] = f"msgstr {po_quoted(msgstr)}"
    path.write_text("\n".join(lines), encoding="utf-8")
    return index + 1


def po_quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def msgfmt_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)


# PO files as editors save them


def test_a_catalog_saved_with_a_byte_order_mark_is_read(project, cli):
    path = catalog_path(project, "es")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # Notepad's UTF-8
    assert cli("i18n", "check", "--locale", "es", cwd=project).returncode == 0
    build = cli("build", "--locale", "es", cwd=project)
    assert build.returncode == 0, build.stderr
    assert "Cancelar la suscripción" in (project / "dist/2026-11/es/email.html").read_text(encoding="utf-8")


def test_an_unclosed_quote_is_reported_where_it_opens(project, cli):
    path = catalog_path(project, "es")
    lines = path.read_text(encoding="utf-8").split("\n")
    index = lines.index('msgid "Unsubscribe"') + 1
    lines[index] = '  msgstr "Cancelar la suscripción'
    path.write_text("\n".join(lines), encoding="utf-8")
    assert "end-of-line within string" in msgfmt_check(path).stderr  # GNU gettext refuses it too
    for command in (["i18n", "check", "--locale", "es"], ["build", "--locale", "es"]):
        result = cli(*command, cwd=project)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert (f"error: {SPANISH}:{index + 1}:10: this quoted string has no closing quote — "
                'end it with " on the same line') in result.stderr, result.stderr


# Markup: exactly the English's, nothing else

def elements(html: str) -> Counter:
    """Every element of an HTML document with its attribute names, as a browser's tokenizer reads them."""
    found: Counter = Counter()

    class Reader(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found[(tag, tuple(sorted(name for name, _ in attrs)))] += 1

        handle_startendtag = handle_starttag

    Reader().feed(html)
    return found


def built_html(project: Path, locale: str = "es", draft: bool = False) -> str:
    """The email the last build wrote; `draft`: one whose pre-send checks failed, written to dist/2026-11/.draft/."""
    return (project / f"dist/2026-11/{'.draft/' if draft else ''}{locale}/email.html").read_text(encoding="utf-8")


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


@pytest.mark.parametrize("translation", [
    '<xss onmouseover="alert(document.cookie)" style="position:fixed;background:url(https://evil.example/p.gif)">'
    "Cancelar la suscripción</xss>",
    "<svg/onload=alert(1)>Cancelar la suscripción",
    '<img src="x"onerror=alert(1)>Cancelar la suscripción',
    "Cancelar la suscripción <!-- hidden -->",
    "Cancelar la suscripción <img src=x onerror=alert(1) ",  # left open: the template's </a> would close it
], ids=["custom-element", "svg-slash", "attributes-without-space", "comment", "unterminated-tag"])
def test_markup_in_a_translation_is_the_translators_mistake_at_the_po_line(project, cli, translation):
    assert cli("build", "--locale", "es", cwd=project).returncode == 0
    english_elements = elements(built_html(project))
    line = translate(project, "Unsubscribe", translation)

    check = cli("i18n", "check", "--locale", "es", cwd=project)
    assert check.returncode == 1
    assert check.stdout.startswith(f"{SPANISH}:{line}: error: es: markup: "), check.stdout

    build = cli("build", "--locale", "es", cwd=project)
    assert build.returncode == 1 and "Traceback" not in build.stderr
    assert [f"{SPANISH}:{line}: markup: " in error for error in error_lines(build.stderr)] == [True], build.stderr
    assert "template error" not in build.stderr and "MJML could not be rendered" not in build.stderr
    shipped = built_html(project, draft=True)
    assert elements(shipped) == english_elements  # not one element or attribute more
    assert ">Unsubscribe</a>" in shipped  # the English stands in


def add_template_string(project: Path, english: str, spanish: str) -> int:
    """A template string with markup of its own (a developer's choice), translated; returns the entry's line (its msgstr's)."""
    footer = project / "templates/partials/footer.mjml.j2"
    footer.write_text(footer.read_text(encoding="utf-8").replace(
        "{{ brand.name }} · {{ postal_address }}", "{{ brand.name }} · {{ postal_address }} · {{ _(" + repr(english) + ") }}"),
        encoding="utf-8")
    path = catalog_path(project, "es")
    text = path.read_text(encoding="utf-8")
    path.write_text(text + f"\n#: templates/partials/footer.mjml.j2:3\nmsgid {po_quoted(english)}\n"
                    f"msgstr {po_quoted(spanish)}\n", encoding="utf-8")
    return text.count("\n") + 4


MARKED_UP = 'Call us <b>today</b> at <a href="tel:+15550100">555-0100</a>'


def test_the_markup_of_the_english_is_kept_in_its_translation(project, cli):
    add_template_string(project, MARKED_UP, 'Llámenos <b>hoy</b> al <a href="tel:+15550100">555-0100</a> & ya')
    assert cli("i18n", "check", "--locale", "es", cwd=project).returncode == 0
    build = cli("build", "--locale", "es", cwd=project)
    assert build.returncode == 0, build.stderr
    assert 'Llámenos <b>hoy</b> al <a href="tel:+15550100">555-0100</a> &amp; ya' in built_html(project)


@pytest.mark.parametrize("spanish, problem", [
    ('Llámenos <b>hoy</b> al <a href="tel:+15550199">555-0100</a>',
     """'<a href="tel:+15550199">' is not the English's '<a href="tel:+15550100">' at this place"""),
    ('Llámenos <b onclick="x()">hoy</b> al <a href="tel:+15550100">555-0100</a>',
     """'<b onclick="x()">' is not the English's '<b>' at this place"""),
    ('Al <a href="tel:+15550100">555-0100</a>, <b>hoy</b>', """'<a href="tel:+15550100">' is not the English's '<b>'"""),
    ("Llámenos hoy al 555-0100", "'<b>' of the English is missing"),
], ids=["changed-value", "added-attribute", "other-order", "dropped"])
def test_a_translation_that_changes_the_englishs_markup_is_refused(project, cli, spanish, problem):
    line = add_template_string(project, MARKED_UP, spanish)
    check = cli("i18n", "check", "--locale", "es", cwd=project)
    assert check.returncode == 1 and check.stdout.startswith(f"{SPANISH}:{line}: error: es: markup: {problem}"), check.stdout
    build = cli("build", "--locale", "es", cwd=project)
    assert build.returncode == 1 and f"{SPANISH}:{line}: markup: {problem}" in build.stderr
    assert f"· {MARKED_UP}</div>" in built_html(project, draft=True)


def test_a_translation_that_escaped_the_checks_would_still_reach_the_email_as_text(project, monkeypatch):
    """Defence in depth: were a check ever to miss markup, the template still escapes it (Jinja alone would
    mark the whole translation safe)."""
    from newsletter.i18n import translator
    from newsletter.model.content import find_issue, load_issue
    from newsletter.project import load_settings
    from newsletter.render import render_email

    add_template_string(project, MARKED_UP, 'Llámenos <b>hoy</b> <svg/onload=alert(1)> al '
                                            '<a href="tel:+15550100">555-0100</a> <i>ya</i>')
    translate(project, "Unsubscribe", '<img src="x"onerror=alert(1)>Cancelar')
    greeting = translate(project, GREETING, "Hola 100% seguro, %(first_name)s:")
    monkeypatch.setattr(translator, "checked", lambda *args: [])  # as if every check had passed
    settings = load_settings(project)
    issue = load_issue(find_issue(settings, "2026-11"), settings)
    email = render_email(issue, settings, "es", translator.translator_for(settings, "es"))
    assert ('Llámenos <b>hoy</b> &lt;svg/onload=alert(1)&gt; al <a href="tel:+15550100">555-0100</a> '
            "&lt;i&gt;ya&lt;/i&gt;") in email.html
    assert '&lt;img src=&#34;x&#34;onerror=alert(1)&gt;Cancelar' in email.html
    assert not [element for element in elements(email.html) if element[0] in ("svg", "i") or "onerror" in element[1]]
    # The greeting cannot be filled in: the English stands in, and the PO entry is blamed, not the template.
    assert f"{GREETING.replace('%(first_name)s', ENGLISH_FIRST_NAME)}</div>" in email.html
    refused = [fallback for fallback in email.fallbacks if fallback.reason == "placeholders"]
    assert [fallback.catalog for fallback in refused] == [f"{SPANISH}:{greeting}"], email.fallbacks


# Placeholders and %: checked before the build, as msgfmt -c checks a python-format entry

def msgfmt_python_format(tmp_path: Path, english: str, translation: str) -> subprocess.CompletedProcess:
    """GNU msgfmt's own verdict on the pair, as a python-format entry."""
    scratch = tmp_path / "scratch.po"
    scratch.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                       f"#, python-format\nmsgid {po_quoted(english)}\nmsgstr {po_quoted(translation)}\n", encoding="utf-8")
    return msgfmt_check(scratch)


GREETING = "Hello %(first_name)s,"
FIRST_NAME = "[[first_name|estimado lector]]"  # the merge tag, with the Spanish for "there" when no name is known
# A refused sentence falls back to English whole, its placeholders' English fallback with it (never a mix).
ENGLISH_FIRST_NAME = "[[first_name|there]]"


@pytest.mark.parametrize("msgid, translation, problem", [
    (GREETING, "Hola, %(first_name)s: 100% seguro", "100% seguro' is not a placeholder — write %% for a percent sign"),
    (GREETING, "100% seguro, %(first_name)s:", "'100% seguro,…' is not a placeholder — write %% for a percent sign"),
    (GREETING, "Hola, %(NOMBRE)s:", "placeholder %(NOMBRE)s is not in the English"),
    (GREETING, "Hola, %(first_name)s: %", "s: %' ends in an unfinished placeholder — write %% for a percent sign"),
    (GREETING, "Hola, %(first_name)d:", "placeholder %(first_name)d should be written %(first_name)s, as in the English"),
    (GREETING, "Hola, %(first_name:", "ends in an unfinished placeholder"),
    (GREETING, "Hola:", "placeholder %(first_name)s is missing or altered"),
    (GREETING, "{% for %}Hola, %(first_name)s:", "'{%' is template syntax: a translation is text — remove it"),
    ("Unsubscribe", "Cancelar: 100% gratis", "100% gratis' is not a placeholder of the English — write %% for"),
    ("Unsubscribe", "Cancelar%", "ncelar%' ends in an unfinished placeholder — write %% for a percent sign"),
], ids=["percent-after", "percent-before", "unknown-name", "trailing-percent", "other-type", "unclosed-name",
        "dropped", "template-syntax", "percent-without-placeholders", "trailing-percent-alone"])
def test_a_broken_placeholder_is_reported_at_the_po_line_never_blamed_on_a_template(
        project, cli, tmp_path, msgid, translation, problem):
    assert msgfmt_python_format(tmp_path, msgid, translation).returncode == 1  # GNU gettext refuses it too
    line = translate(project, msgid, translation)
    check = cli("i18n", "check", "--locale", "es", cwd=project)
    assert check.returncode == 1
    assert check.stdout.startswith(f"{SPANISH}:{line}: error: es: placeholders: "), check.stdout
    assert problem in check.stdout, check.stdout
    build = cli("build", "--locale", "es", cwd=project)
    assert build.returncode == 1 and "Traceback" not in build.stderr and "template error" not in build.stderr
    assert [f"{SPANISH}:{line}: placeholders: " in error for error in error_lines(build.stderr)] == [True], build.stderr
    assert msgid.replace("%(first_name)s", ENGLISH_FIRST_NAME) in built_html(project, draft=True)  # the English stands in, whole


@pytest.mark.parametrize("msgid, translation, shown", [
    (GREETING, "Hola al 100%%, %(first_name)s:", f"Hola al 100%, {FIRST_NAME}:"),
    (GREETING, "%(first_name)s, ¡hola!", f"{FIRST_NAME}, ¡hola!"),
    ("Unsubscribe", "Cancelar (100%% gratis)", "Cancelar (100% gratis)"),
], ids=["double-percent", "moved-placeholder", "double-percent-alone"])
def test_a_percent_sign_written_as_the_english_would_write_it_is_shipped(project, cli, tmp_path, msgid, translation, shown):
    assert msgfmt_python_format(tmp_path, msgid, translation).returncode == 0
    translate(project, msgid, translation)
    assert cli("i18n", "check", "--locale", "es", cwd=project).returncode == 0
    assert cli("build", "--locale", "es", cwd=project).returncode == 0
    assert shown in built_html(project)


# The plural header and plural forms

@pytest.mark.parametrize("header, problem", [
    ("nplurals=2; plural=(n != 1;", "Plural-Forms: invalid plural expression '(n != 1' (unbalanced parenthesis"),
    ("nplurals=2; plural=n;", "Plural-Forms: nplurals = 2 but plural=n gives 2 for n = 2"),
    ("nplurals=2; plural=(n / 0);", "Plural-Forms: invalid plural expression '(n / 0)' (integer division or modulo by zero)"),
    ("nplurals=two; plural=(n != 1);", "Plural-Forms: nplurals must be a number"),
], ids=["unbalanced", "out-of-range", "division-by-zero", "not-a-number"])
def test_a_broken_plural_header_is_reported_at_its_line(project, cli, header, problem):
    path = catalog_path(project, "es")
    lines = path.read_text(encoding="utf-8").split("\n")
    line = next(number for number, text in enumerate(lines, start=1) if text.startswith('"Plural-Forms:'))
    lines[line - 1] = f'"Plural-Forms: {header}\\n"'
    path.write_text("\n".join(lines), encoding="utf-8")
    assert msgfmt_check(path).returncode == 1
    for command in (["i18n", "check", "--locale", "es"], ["build", "--locale", "es"]):
        result = cli(*command, cwd=project)
        assert result.returncode == 1 and "Traceback" not in result.stderr and "template error" not in result.stderr
        assert f"error: {SPANISH}:{line}: {problem}" in result.stderr, result.stderr


def test_a_plural_entry_missing_a_form_is_reported_as_such_not_as_untranslated(project, cli):
    path = catalog_path(project, "es")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('msgstr[1] "Tiempo de lectura: %(num)d minutos"', 'msgstr[1] ""'), encoding="utf-8")
    line = text.split("\n").index('msgid "Reading time: %(num)d minute"') + 3  # msgstr[0], after msgid_plural
    problem = "plural-forms: 2 plural forms needed for es, 1 given"
    check = cli("i18n", "check", "--locale", "es", cwd=project)
    assert check.returncode == 1 and check.stdout.startswith(f"{SPANISH}:{line}: error: es: {problem}"), check.stdout
    build = cli("build", "--locale", "es", cwd=project)
    assert build.returncode == 1 and f"{SPANISH}:{line}: {problem}" in build.stderr, build.stderr
    assert "untranslated" not in build.stderr


def test_the_greetings_fallback_is_escaped_once_in_the_html(project, cli):
    translate(project, "there", 'estimado "lector" & amigo')
    assert cli("build", "--locale", "es", cwd=project).returncode == 0
    assert "Hola, [[first_name|estimado &#34;lector&#34; &amp; amigo]]:" in built_html(project)
    assert '[[first_name|estimado "lector" & amigo]]' in (project / "dist/2026-11/es/email.txt").read_text(encoding="utf-8")


def test_a_refused_translation_fails_the_check_and_is_never_exported(project, cli):
    line = translate(project, "Unsubscribe", '<xss onmouseover="alert(1)">Cancelar la suscripción</xss>')
    check = cli("check", "2026-11", "--locale", "es", "--format", "json", cwd=project)
    assert check.returncode == 1, check.stderr
    errors = [f for f in json.loads(check.stdout)["findings"] if f["severity"] == "error"]
    assert [f["check"] for f in errors] == ["content.translation-refused"]
    assert errors[0]["message"].startswith(f"{SPANISH}:{line}: markup")
    export = cli("export", "2026-11", "--locale", "es", "--skip-external-checks", cwd=project)
    assert export.returncode == 1 and "Traceback" not in export.stderr
    assert not (project / "dist/2026-11/eml").exists()
