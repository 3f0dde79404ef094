"""Every .eml export and every proof of the sample issue as Thunderbird shows it: Debian's thunderbird under its
own Xvfb, driven over Marionette (tests/support/thunderbird.py), one launch for the whole module.

Each message is opened in three views — light, dark (the dark theme, with the dark reader on as it is by
default) and plain text (View > Message Body As > Plain Text) — and measured there:

- the subject in the message header is the whole subject, not overflowing its row, and the window's title
  starts with it (encoded words: https://www.rfc-editor.org/rfc/rfc2047);
- in the plain-text view the Arabic text part reads right to left: Thunderbird shows text/plain as a
  `<pre>` in a left-to-right document, where a right-to-left mark at a line's start does not make the line
  right to left (https://www.unicode.org/reports/tr9/#The_Paragraph_Level): a sentence's final punctuation must
  land at the left end of its line;
- under the dark reader (https://searchfox.org/comm-central/source/mail/base/content/DarkReader.mjs, which
  drops the email's @media rules and strips light inline backgrounds) the card stands out from the page
  around it, and the text on it reads at WCAG AA (https://www.w3.org/TR/WCAG21/#contrast-minimum).

Pictures of each view land in test-output/ for a human look. About 40 messages opened: well under a minute
once Thunderbird has started.
"""

from __future__ import annotations

import json
from email import message_from_bytes, policy

import pytest

from tests.conftest import copy_project
from tests.support.thunderbird import launch_thunderbird
from tests.test_export import LOCALES, send_py
from tests.test_preview import OUTPUT
from tests.test_recipient_view import AA_TEXT, contrast

ISSUE = "2026-11"
VIEWS = ("light", "dark", "plain")
MIN_CARD_CONTRAST = 1.1  # the dark palette's own step from page (#121212) to card (#1e1e1e) is 1.12:1


@pytest.fixture(scope="module")
def messages(tmp_path_factory) -> dict[str, dict]:
    """name → {path, subject, locale} for each locale's .eml export (`send.py`) and its proof as sent over SMTP."""
    from newsletter.delivery.export import build_for_send
    from newsletter.delivery.proof import proof_message
    from newsletter.project import load_settings
    from newsletter.report import BuildReport

    root = copy_project(tmp_path_factory.mktemp("thunderbird") / "project")
    assert send_py(ISSUE, cwd=root).returncode == 0
    out = {}
    for locale in LOCALES:
        path = root / "dist" / ISSUE / "eml" / f"{locale}.eml"
        out[f"export-{locale}"] = {"path": path, "locale": locale, "subject": _subject(path.read_bytes())}
    settings = load_settings(root)
    issue = build_for_send(settings, ISSUE, list(LOCALES), BuildReport(), external_checks=False)
    for email in issue.emails:
        path = root / f"proof-{email.locale}.eml"
        path.write_bytes(proof_message(email, settings, issue, ["reviewer@example.com"]).as_bytes())
        out[f"proof-{email.locale}"] = {"path": path, "locale": email.locale, "subject": _subject(path.read_bytes())}
    return out


def _subject(raw: bytes) -> str:
    return str(message_from_bytes(raw, policy=policy.default)["Subject"])


@pytest.fixture(scope="module")
def thunderbird():
    client = launch_thunderbird()
    yield client
    client.close()


# What the message header shows: the subject row's value, whether it overflows the row, the window title.
SUBJECT = """({about, title}) => {
  const row = about.document.getElementById('expandedsubjectBox'), value = row.lastElementChild;
  return {shown: value.textContent, visible: value.getClientRects().length > 0,
          overflows: row.scrollWidth > row.clientWidth + 1, title};
}"""

# The message pane in the plain-text view: whether it shows text/plain, and for every line that ends in
# punctuation after Arabic letters, whether the punctuation sits left of the last letter (right to left).
PLAIN_LINES = """({doc}) => {
  const pre = doc.querySelector('.moz-text-plain pre, .moz-text-plain');
  if (!pre) return {plain: false, ends: []};
  const chars = [], walker = doc.createTreeWalker(pre, 4);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length && chars.length < 50000; i++) chars.push([node, i, node.data[i]]);
  }
  const rect = (at) => { const r = doc.createRange(); r.setStart(at[0], at[1]); r.setEnd(at[0], at[1] + 1);
                         return r.getBoundingClientRect(); };
  const text = chars.map((c) => c[2]).join(''), ends = [];
  const ending = /[\\u0600-\\u06ff][^\\u0600-\\u06ff\\w]*?([.\\u060c\\u061f:!\\u061b])[\\u200e\\u200f\\u202a-\\u202e]*$/;
  let start = 0;
  for (const line of text.split('\\n')) {
    const m = line.match(ending);
    if (m) {
      const letter = start + line.lastIndexOf(m[0]), mark = start + line.lastIndexOf(m[1]);
      ends.push({line: line.slice(0, 40), leftOfLetter: rect(chars[mark]).right <= rect(chars[letter]).left + 0.5});
    }
    start += line.length + 1;
  }
  return {plain: true, ends};
}"""

# Under the dark reader: each card's background against the page behind it, and the card's text colours.
CARDS = """({doc, view}) => {
  const parse = (c) => (c.match(/[\\d.]+/g) || [0, 0, 0, 0]).map(Number);
  const opaque = (el) => { for (let e = el; e; e = e.parentElement) {
    const c = parse(view.getComputedStyle(e).backgroundColor); if (c.length < 4 || c[3] > 0.5) return c.slice(0, 3); }
    return null; };
  return [...doc.querySelectorAll('.dark-card')].filter((card) => card.getClientRects().length).map((card) => ({
    card: opaque(card), page: opaque(card.parentElement), strippedInline: !card.style.backgroundColor,
    text: [...card.querySelectorAll('.dark-text div')].filter((t) => t.textContent.trim())
      .map((t) => parse(view.getComputedStyle(t).color).slice(0, 3)).slice(0, 5)}));
}"""


def _results(thunderbird, messages) -> dict[tuple[str, str], dict]:
    """Every message opened in every view, measured there: (name, view) → measurements."""
    OUTPUT.mkdir(exist_ok=True)
    results = {}
    for view in VIEWS:
        for name, message in messages.items():
            thunderbird.open(message["path"], view)
            results[name, view] = {"subject": thunderbird.evaluate(SUBJECT),
                                   "plain": thunderbird.evaluate(PLAIN_LINES) if view == "plain" else None,
                                   "cards": thunderbird.evaluate(CARDS) if view == "dark" else None}
            if name.startswith("export-") and message["locale"] in ("en", "ar"):
                thunderbird.screenshot(OUTPUT / f"thunderbird-{view}-{name}.png")
    return results


@pytest.fixture(scope="module")
def shown(thunderbird, messages):
    return _results(thunderbird, messages)


def test_thunderbird_shows_every_subject_whole_in_every_view(shown, messages):
    wrong = {}
    for (name, view), result in shown.items():
        # Thunderbird shows a no-break space (French " :") as a space: the same words, whole
        subject, expected = result["subject"], " ".join(messages[name]["subject"].split())
        if " ".join(subject["shown"].split()) != expected or not subject["visible"] or subject["overflows"] \
                or not " ".join(subject["title"].split()).startswith(expected):
            wrong[f"{name} ({view})"] = subject
    assert len(shown) == len(messages) * len(VIEWS) >= 36
    assert not wrong, json.dumps(wrong, ensure_ascii=False, indent=1)


def test_the_plain_text_view_shows_the_text_part_and_arabic_reads_right_to_left(shown, messages):
    for name in messages:
        assert shown[name, "plain"]["plain"], f"{name}: the plain-text view shows no text/plain part"
    for name in ("export-ar", "proof-ar"):
        ends = shown[name, "plain"]["plain"]["ends"]
        assert len(ends) > 5, ends
        wrong = [end["line"] for end in ends if not end["leftOfLetter"]]
        assert not wrong, f"{name}: {len(wrong)} of {len(ends)} lines end on the wrong side: {wrong[:3]}"


def test_the_card_stands_out_from_the_page_under_the_dark_reader(shown, messages):
    for name in messages:
        cards = shown[name, "dark"]["cards"]
        assert cards and all(card["strippedInline"] for card in cards), f"{name}: the dark reader did not run: {cards}"
        for card in cards:
            assert card["card"] and card["page"], card
            step = contrast(card["card"], card["page"])
            assert step >= MIN_CARD_CONTRAST, f"{name}: card {card['card']} on page {card['page']}: {step:.2f}:1"
            low = [colour for colour in card["text"] if contrast(colour, card["card"]) < AA_TEXT]
            assert not low, f"{name}: text {low} on the card {card['card']}"
