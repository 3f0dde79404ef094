"""The sample issue as recipients see it, measured in real headless Chromium, in every locale and the
right-to-left pseudo-locale ar_XB:

- every text block runs in the locale's direction, and Latin runs, numbers and merge tags inside
  right-to-left text are isolated so they keep their order;
- in dark mode (prefers-color-scheme, and Outlook.com's [data-ogsc]/[data-ogsb]) every text, link,
  button label and alt text reads at WCAG AA contrast against what is really behind it, button
  edges stand out from the card, and no light band shows around the email;
- the branch Outlook for Windows renders (the conditional comments, un-commented) fits 600 px;
- a client that strips <style> (Gmail's apps for other accounts) shows nearly the same page;
- the inbox's preview line is the preheader and its padding, nothing after it.

Screenshots land in test-output/ for a human look.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import PROJECT_FILES, REPO, run_newsletter
from tests.test_preview import CHROMIUM, CHROMIUM_ARGS, OUTPUT, loopback_only

ISSUE = "2026-11"
PSEUDO_RTL = "ar_XB"
AA_TEXT, AA_LARGE_TEXT = 4.5, 3.0
NON_TEXT = 3.0  # WCAG 2.1 SC 1.4.11: the edge of a control against what is around it
EMAIL_WIDTH = 600


def sample_locales() -> list[str]:
    import yaml

    settings = yaml.safe_load((REPO / "newsletter.yaml").read_text(encoding="utf-8"))
    return [settings["source_locale"], *settings["target_locales"], PSEUDO_RTL]


LOCALES = sample_locales()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, dict]:
    """The sample issue built in every locale and ar_XB, as `newsletter build` writes it: locale → its manifest
    entry, with the HTML under "source"."""
    root = tmp_path_factory.mktemp("recipient") / "project"
    root.mkdir()
    for name in PROJECT_FILES:
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy2
        copy(REPO / name, root / name)
    return built_emails(root, ISSUE, LOCALES)


def built_emails(root, issue: str, locales) -> dict[str, dict]:
    """`newsletter build` of the issue in these locales: locale → its manifest entry, the HTML under "source"
    and the text part under "text_part"."""
    chosen = [arg for locale in locales for arg in ("--locale", locale)]
    result = run_newsletter("build", issue, *chosen, "--quiet", "--out", "dist", cwd=root)
    assert result.returncode == 0, result.stderr
    folder = root / "dist" / issue
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return {entry["locale"]: {**entry, "source": (folder / entry["html"]).read_text(encoding="utf-8"),
                              "text_part": (folder / entry["text"]).read_text(encoding="utf-8")}
            for entry in manifest["locales"]}


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_email(browser, html: str, *, width: int = 1000, height: int = 900, dark: bool = False):
    """The email in a fresh tab; its images (on the clinic's website) are blocked, as many clients block them."""
    context = browser.new_context(viewport={"width": width, "height": height},
                                  color_scheme="dark" if dark else "light")
    loopback_only(context)
    page = context.new_page()
    page.set_content(html, wait_until="load")
    return page


def screenshot(page, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / name), full_page=True)


# ---- direction

# Each element that holds visible text, with the block it lays out in, its computed direction, and the
# Latin letters and digits that sit outside any isolate (dir= on an inline element, or <bdi>) in it.
# In ar_XB the pseudo-translated words are wrapped in RLO … PDF: they are the "right-to-left text".
TEXT_BLOCKS = """() => {
  const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const blocks = new Map();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!node.data.trim() || !visible(parent)) continue;
    let block = parent;
    while (getComputedStyle(block).display === 'inline') block = block.parentElement;
    const isolate = parent.closest('bdi, [dir]');
    const isolated = isolate && isolate !== block && block.contains(isolate) && !isolate.contains(block);
    const latin = node.data.replace(/\\u202e[^\\u202c]*\\u202c/g, '').match(/[A-Za-z0-9]+/g) || [];
    const entry = blocks.get(block) || {text: '', direction: getComputedStyle(block).direction, loose: []};
    entry.text += node.data;
    if (!isolated) entry.loose.push(...latin);
    blocks.set(block, entry);
  }
  return [...blocks.values()].map((b) => ({...b, text: b.text.replace(/\\s+/g, ' ').trim().slice(0, 60)}));
}"""


@pytest.mark.parametrize("locale", LOCALES)
def test_every_text_block_runs_in_the_locales_direction(browser, built, locale):
    email = built[locale]
    page = open_email(browser, email["source"])
    blocks = page.evaluate(TEXT_BLOCKS)
    page.context.close()
    assert len(blocks) > 20
    wrong = [block["text"] for block in blocks if block["direction"] != email["dir"]]
    assert not wrong, f"{len(wrong)} of {len(blocks)} text blocks are not {email['dir']}: {wrong}"


@pytest.mark.parametrize("locale", [locale for locale in LOCALES if locale.startswith("ar")])
def test_latin_runs_numbers_and_merge_tags_keep_their_order_in_right_to_left_text(browser, built, locale):
    page = open_email(browser, built[locale]["source"])
    blocks = page.evaluate(TEXT_BLOCKS)
    page.context.close()
    loose = {block["text"]: block["loose"] for block in blocks if block["loose"]}
    assert not loose, f"Latin text or digits not isolated from the right-to-left text around them: {loose}"
    assert any("first_name" in block["text"] for block in blocks)  # the merge tag was among the blocks checked


def test_the_right_to_left_checks_catch_a_left_to_right_block(browser, built):
    """The measurement itself: a block forced left to right, and a Latin word set loose, are found."""
    html = built["ar"]["source"].replace('class="dark-text"', 'class="dark-text" style="direction:ltr"', 1)
    html = html.replace('<span dir="ltr">', "<span>", 1)
    page = open_email(browser, html)
    blocks = page.evaluate(TEXT_BLOCKS)
    page.context.close()
    assert [block for block in blocks if block["direction"] == "ltr"]
    assert [block for block in blocks if block["loose"]]


def first_strong_direction(line: str) -> str | None:
    """The paragraph direction a client guesses from the first letter (Unicode bidi rules P2–P3)."""
    for char in line:
        kind = unicodedata.bidirectional(char)
        if kind in ("L", "R", "AL"):
            return "ltr" if kind == "L" else "rtl"
    return None


@pytest.mark.parametrize("locale", LOCALES)
def test_every_line_of_the_plain_text_part_reads_in_the_locales_direction(built, locale):
    email = built[locale]
    lines = [line for line in email["text_part"].splitlines() if line.strip()]
    guessed = {line: first_strong_direction(line) for line in lines}
    wrong = [line for line, direction in guessed.items() if direction not in (email["dir"], None)]
    assert not wrong, f"{len(wrong)} lines a client would show {('ltr', 'rtl')[email['dir'] == 'ltr']}: {wrong[:5]}"
    if email["dir"] == "rtl":
        assert all(line.startswith("\u200f") for line in lines)  # a right-to-left mark, even before digits


# ---- dark mode

# Every visible text (with its colour, size and weight), every alt text of a blocked image, and every
# button's edge, each with the colour really behind it: the first opaque background up the ancestors,
# blended over what is under it, ending on the page's canvas.
CONTRASTS = """() => {
  const parse = (c) => { const m = c.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const over = (top, under) => top.slice(0, 3).map((v, i) => v * top[3] + under[i] * (1 - top[3])).concat(1);
  const probe = document.createElement('div');
  probe.style.backgroundColor = 'Canvas';
  document.body.appendChild(probe);
  const canvas = parse(getComputedStyle(probe).backgroundColor);
  probe.remove();
  const behind = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) layers.push(parse(getComputedStyle(e).backgroundColor));
    return layers.reverse().reduce((under, layer) => over(layer, under), canvas);
  };
  const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.data.trim() || !visible(el) || seen.has(el)) continue;
    seen.add(el);
    const style = getComputedStyle(el), back = behind(el);
    out.push({kind: el.closest('a') ? 'link' : 'text', text: node.data.trim().slice(0, 40),
              fg: over(parse(style.color), back), bg: back,
              size: parseFloat(style.fontSize), bold: parseInt(style.fontWeight) >= 700});
  }
  for (const img of document.querySelectorAll('img[alt]')) {
    if (!visible(img) || !img.alt.trim()) continue;
    const style = getComputedStyle(img), back = behind(img.parentElement);
    out.push({kind: 'alt text', text: img.alt.slice(0, 40), fg: over(parse(style.color), back), bg: back,
              size: parseFloat(style.fontSize), bold: false});
  }
  for (const label of document.querySelectorAll('a')) {
    if (getComputedStyle(label).display !== 'inline-block' || !visible(label)) continue;
    const box = label.closest('td'), style = getComputedStyle(box);
    const bordered = parseFloat(style.borderTopWidth) > 0 && style.borderTopStyle !== 'none';
    const back = behind(box.parentElement);
    const edge = bordered ? over(parse(style.borderTopColor), back) : behind(box);
    out.push({kind: 'button edge', text: label.textContent.trim().slice(0, 40), fg: edge, bg: back, size: 0, bold: false});
  }
  return out;
}"""


def luminance(rgba: list[float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in rgba[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: list[float], other: list[float]) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def required(item: dict) -> float:
    if item["kind"] == "button edge":
        return NON_TEXT
    large = item["size"] >= 24 or (item["size"] >= 18.66 and item["bold"])
    return AA_LARGE_TEXT if large else AA_TEXT


def low_contrast(items: list[dict]) -> list[str]:
    return [f"{item['kind']} {item['text']!r}: {contrast(item['fg'], item['bg']):.2f}:1 "
            f"({item['fg'][:3]} on {item['bg'][:3]}, needs {required(item)})"
            for item in items if contrast(item["fg"], item["bg"]) < required(item)]


def light_bands(page) -> list[str]:
    """Points outside the email's cards (below it, beside it) whose background is light. Where nothing
    paints, the canvas shows: the body's background when the root has none (CSS propagates it), else the
    browser's own canvas colour for the scheme."""
    points = page.evaluate("""() => {
      const height = window.innerHeight, width = window.innerWidth;
      const transparent = (c) => c === 'rgba(0, 0, 0, 0)';
      const probe = document.createElement('div');
      probe.style.backgroundColor = 'Canvas';
      document.body.appendChild(probe);
      const body = getComputedStyle(document.body).backgroundColor;
      const canvas = transparent(body) ? getComputedStyle(probe).backgroundColor : body;
      probe.remove();
      const where = [[5, height - 5], [width / 2, height - 5], [width - 5, height / 2], [5, 5]];
      return where.map(([x, y]) => {
        for (let el = document.elementFromPoint(x, y); el; el = el.parentElement) {
          const colour = getComputedStyle(el).backgroundColor;
          if (!transparent(colour)) return {x, y, colour};
        }
        return {x, y, colour: canvas};
      });
    }""")
    light = []
    for point in points:
        if luminance([float(v) for v in re.findall(r"[\d.]+", point["colour"])]) > 0.18:  # halfway to the eye
            light.append(f"({point['x']:.0f}, {point['y']:.0f}) is {point['colour']}")
    return light


def email_height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


@pytest.mark.parametrize("locale", LOCALES)
def test_dark_mode_keeps_every_text_link_and_button_readable(browser, built, locale):
    page = open_email(browser, built[locale]["source"], width=EMAIL_WIDTH, dark=True)
    items = page.evaluate(CONTRASTS)
    if locale in ("en", "ar", PSEUDO_RTL):
        screenshot(page, f"recipient-dark-{locale}-600.png")
    page.context.close()
    assert {"text", "link", "button edge", "alt text"} <= {item["kind"] for item in items}
    assert not low_contrast(items), "\n".join(low_contrast(items))


@pytest.mark.parametrize("locale", LOCALES)
def test_dark_mode_leaves_no_light_band_around_the_email(browser, built, locale):
    page = open_email(browser, built[locale]["source"], width=900, dark=True)
    page.set_viewport_size({"width": 900, "height": email_height(page) + 400})  # a window taller than the email
    bands = light_bands(page)
    page.context.close()
    assert not bands, f"light page around the dark email: {bands}"


def test_outlook_com_dark_mode_selectors_apply_the_dark_palette(browser, built):
    """Outlook.com and the new Outlook do not honour prefers-color-scheme; in dark mode they mark what
    they recolour with data-ogsc (text) and data-ogsb (backgrounds), which the email's rules target."""
    page = open_email(browser, built["en"]["source"], width=EMAIL_WIDTH)
    page.evaluate("document.body.setAttribute('data-ogsc', ''); document.body.setAttribute('data-ogsb', '')")
    items = page.evaluate(CONTRASTS)
    dark_page = light_bands(page)
    page.context.close()
    assert not dark_page, f"the page stays light under Outlook.com's dark mode: {dark_page}"
    assert not low_contrast(items), "\n".join(low_contrast(items))


def test_light_mode_keeps_every_text_link_and_button_readable(browser, built):
    page = open_email(browser, built["en"]["source"], width=EMAIL_WIDTH)
    items = page.evaluate(CONTRASTS)
    page.context.close()
    assert not low_contrast(items), "\n".join(low_contrast(items))


def test_the_contrast_measurement_sees_the_colour_actually_behind_the_text(browser, built):
    """A white button left on the dark card, and grey text on a dark band, are found."""
    html = built["en"]["source"].replace("</body>", '<div style="background:#1e1e1e"><p style="color:#555555">'
                                         "grey on dark</p></div></body>")
    page = open_email(browser, html, width=EMAIL_WIDTH)
    found = low_contrast(page.evaluate(CONTRASTS))
    page.context.close()
    assert any("grey on dark" in line for line in found)


# ---- Outlook for Windows, <style> stripped, the inbox's preview line

def outlook_branch(html: str) -> str:
    """What Outlook for Windows renders: the [if mso] blocks un-commented, the [if !mso] ones dropped."""
    html = re.sub(r"<!--\[if !mso[^\]]*\]><!-->.*?<!--<!\[endif\]-->", "", html, flags=re.DOTALL)
    return re.sub(r"<!--\[if [^\]]*mso[^\]]*\]>|<!\[endif\]-->", "", html)


@pytest.mark.parametrize("locale", LOCALES)
def test_outlook_tables_fit_the_600px_body(browser, built, locale):
    page = open_email(browser, outlook_branch(built[locale]["source"]))
    widths = page.evaluate("""() => [...document.querySelectorAll('table')]
        .map((t) => ({width: t.getBoundingClientRect().width, html: t.outerHTML.slice(0, 160)}))""")
    page.context.close()
    assert len(widths) > 10
    wide = [table for table in widths if table["width"] > EMAIL_WIDTH + 0.5]
    assert not wide, f"{len(wide)} tables wider than {EMAIL_WIDTH}px: {wide[:3]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_without_style_elements_the_email_keeps_its_layout(browser, built, locale):
    page = open_email(browser, built[locale]["source"], width=EMAIL_WIDTH)
    styled = email_height(page)
    page.evaluate("document.querySelectorAll('style, link[rel=stylesheet]').forEach((s) => s.remove())")
    stripped = email_height(page)
    page.context.close()
    assert stripped < styled * 1.05, f"{styled}px with <style>, {stripped}px without (+{stripped / styled - 1:.1%})"


PREHEADER_PADDING = "\u2007\ufeff\u034f\u200c\u00a0 "

# The message's text as an inbox reads it for the preview line: every text node of the body, hidden
# ones included, without styles and scripts, ASCII whitespace collapsed.
INBOX_TEXT = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.closest('style, script')) parts.push(node.data);
  }
  return parts.join(' ').replace(/[ \\t\\n\\r\\f]+/g, ' ').replace(/^ /, '');
}"""


@pytest.mark.parametrize("locale", LOCALES)
def test_the_inbox_preview_line_is_the_preheader_and_nothing_after_it(browser, built, locale):
    email = built[locale]
    page = open_email(browser, email["source"])
    preview = page.evaluate(INBOX_TEXT)[:150]
    page.context.close()
    assert preview.startswith(email["preheader"]), preview
    after = preview[len(email["preheader"]):]
    assert not after.strip(PREHEADER_PADDING), f"the preview line runs on into {after.strip(PREHEADER_PADDING)!r}"


@pytest.mark.parametrize("locale", ["ar", PSEUDO_RTL, "en"])
def test_screenshots_for_a_human_look(browser, built, locale):
    for width in (EMAIL_WIDTH, 375):
        for dark in (False, True):
            page = open_email(browser, built[locale]["source"], width=width, dark=dark)
            screenshot(page, f"recipient-{locale}-{width}-{'dark' if dark else 'light'}.png")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.context.close()
