// The preview page: picks an issue, a locale, a width and a view; reloads itself when the server
// says files were saved. Everything shown from the project goes in as text (textContent), never as markup.
"use strict";

const state = { issue: null, locale: "en", width: "desktop", appearance: "light", tab: "email", translator: false };
const shown = { view: null, summary: null, messages: [], framed: "" };
const $ = (id) => document.getElementById(id);
const WIDTHS = { desktop: 680, mobile: 375 };

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") node.className = value;
    else if (name.startsWith("data-")) node.setAttribute(name, value);
    else node[name] = value;
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

// ---- state in the address bar, so a reload or a shared link opens the same view
function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  for (const key of Object.keys(state)) {
    if (params.has(key)) state[key] = key === "translator" ? params.get(key) === "1" : params.get(key);
  }
}

function writeHash() {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(state)) {
    if (value !== null) params.set(key, key === "translator" ? (value ? "1" : "0") : value);
  }
  history.replaceState(null, "", "#" + params);
}

async function getJSON(url) {
  const response = await fetch(url, { cache: "no-store" });
  if (!(response.headers.get("content-type") || "").includes("json")) {
    return { ok: false, data: { problems: [{ text: `${url}: ${response.status} ${await response.text()}` }] } };
  }
  return { ok: response.ok, data: await response.json() };
}

const api = () => `/api/issues/${encodeURIComponent(state.issue)}`;
const emailUrl = (locale, version) => `/email/${encodeURIComponent(state.issue)}/${encodeURIComponent(locale)}.html?v=${version}`;

// ---- issues
async function loadIssues() {
  const { data } = await getJSON("/api/issues");
  $("brand").textContent = data.brand;
  if (!data.issues.some((issue) => issue.id === state.issue)) state.issue = data.default;
  const list = $("issue-list");
  list.replaceChildren(...data.issues.map((issue) => {
    const button = el("button", { "data-issue": issue.id, className: issue.id === state.issue ? "active" : "" },
      el("span", { class: "issue-id" }, issue.id),
      el("span", { class: "issue-subject" }, issue.problems ? "cannot be read: see the error" : issue.subject));
    if (issue.problems) button.classList.add("broken");
    button.addEventListener("click", () => choose({ issue: issue.id }));
    return el("li", {}, button);
  }));
}

// ---- locales and their coverage
function coverageClass(entry) {
  if (entry.problems) return "bad";
  if (entry.pseudo) return "pseudo";
  return entry.coverage >= 0.95 ? "good" : entry.coverage >= 0.5 ? "fair" : "bad";
}

function coverageText(entry) {
  if (entry.problems) return "error";
  if (entry.pseudo) return "pseudo";
  return `${Math.round(entry.coverage * 100)}%`;
}

async function loadSummary() {
  const wanted = state.issue;
  const { ok, data } = await getJSON(api());
  if (!ok || wanted !== state.issue) return;
  shown.summary = data;
  $("locales").replaceChildren(...data.locales.map((entry) => {
    const button = el("button", { "data-locale": entry.locale, title: entry.name, className: entry.locale === state.locale ? "active" : "" },
      el("span", { class: "locale-code" }, entry.locale),
      el("span", { class: `coverage ${coverageClass(entry)}`, title: "strings shown translated" }, coverageText(entry)),
      ...shipsBadge(entry));
    button.addEventListener("click", () => choose({ locale: entry.locale }));
    return button;
  }));
  showDraft(data.draft);
  if (state.tab === "all") renderAllLocales();
}

// The last build failed its pre-send checks: what it wrote is a draft beside the good output, never sent.
// Shown above the email: the failures, and the draft's email in the chosen locale, as the build wrote it.
function showDraft(draft) {
  const box = $("draft");
  const key = draft ? `${state.issue}|${state.locale}|${draft.written}|${draft.failures.length}` : "";
  box.hidden = !draft;
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  if (!draft) return box.replaceChildren();
  const draftUrl = (locale) => `/draft/${encodeURIComponent(state.issue)}/${encodeURIComponent(locale)}.html?v=${draft.written}`;
  const links = draft.locales.map((locale) => el("a", { href: draftUrl(locale), target: "_blank", rel: "noopener" }, locale));
  const email = draft.locales.includes(state.locale)
    ? el("details", { class: "draft-email" }, el("summary", {}, `The draft's ${state.locale} email, as the failed build wrote it`),
      el("iframe", { id: "draft-email", title: `The draft's ${state.locale} email`, sandbox: "allow-same-origin", src: draftUrl(state.locale) }))
    : null;
  box.replaceChildren(
    el("strong", {}, `Draft: the last build of ${state.issue} failed its pre-send checks`),
    el("p", {}, `It wrote a draft to ${draft.folder} on ${new Date(draft.written).toLocaleString()}: it is never sent, and ` +
      "the previous output and its exports are unchanged. Below it, the preview shows your files as they are now."),
    el("ul", { class: "draft-failures" }, ...draft.failures.map((line) => el("li", {}, el("code", {}, line))),
      ...(draft.more ? [el("li", {}, `… and ${draft.more} more`)] : [])),
    el("p", {}, "The draft's emails: ", ...links.flatMap((link, index) => index ? [" · ", link] : [link])),
    email);
}

// The release gate: a locale held back this month is not exported; its subscribers get the default email.
function shipsBadge(entry) {
  if (entry.ships !== false) return [];
  return [el("span", { class: "held-back", title: `not shipped this month: ${entry.held_back_because.join("; ")}` }, "held back")];
}

// ---- the chosen locale: inbox line, side panel, stage
async function loadView() {
  const wanted = `${state.issue}/${state.locale}`;
  const { ok, data } = await getJSON(`${api()}/${encodeURIComponent(state.locale)}`);
  if (wanted !== `${state.issue}/${state.locale}`) return;  // another choice was made meanwhile
  if (!ok) {
    showProblems(data.problems || [{ text: "this view could not be built" }]);
    return;
  }
  showProblems([]);
  const changed = !shown.view || shown.view.version !== data.version || shown.view.locale !== data.locale;
  shown.view = data;
  renderInbox(data);
  renderPanel(data);
  if (shown.summary && shown.summary.issue === state.issue) showDraft(shown.summary.draft);
  await renderStage(changed);
  loadChecks(data.version);
}

function showProblems(problems) {
  const box = $("problems");
  box.hidden = problems.length === 0;
  box.replaceChildren(
    el("strong", {}, problems.length === 1 ? "The preview cannot be built:" : `The preview cannot be built (${problems.length} problems):`),
    el("ul", {}, ...problems.map((problem) => el("li", {}, el("code", {}, problem.text)))),
    el("p", { class: "hint" }, "Fix the file and save it: the preview updates by itself."));
  document.body.classList.toggle("has-problems", problems.length > 0);
}

function renderInbox(view) {
  const brand = $("brand").textContent;
  $("inbox-avatar").textContent = brand.slice(0, 1);
  $("inbox-from").textContent = brand;
  $("inbox-subject").textContent = view.subject;
  $("inbox-preheader").textContent = `— ${view.preheader}`;
  $("inbox").dir = view.dir;
}

function findingItem(text, kind) {
  return el("li", { class: kind }, text);
}

function fillList(id, items, emptyText) {
  $(id).replaceChildren(...(items.length ? items : [el("li", { class: "none" }, emptyText)]));
  $(`${id}-count`).textContent = items.length ? String(items.length) : "";
}

function renderPanel(view) {
  const local = (line) => line.replace(`${view.issue} ${view.locale}: `, "");  // the panel is already about this email
  const warnings = [...view.errors.map((line) => findingItem(local(line), "error")),
    ...view.warnings.map((line) => findingItem(local(line), "warning"))];
  fillList("warnings", warnings, "No warnings.");
  fillList("qa", view.qa.map((f) => findingItem(`${f.file}:${f.line}: ${f.check}: ${f.message} (msgid “${f.msgid}”)`, "warning")),
    view.locale === "en" || view.locale.includes("_X") ? "English and pseudo-locales have no catalog." : "Every translation passes.");
  const kb = (view.html_bytes / 1024).toFixed(1);
  $("size").textContent = `${kb} KB`;
  $("facts").replaceChildren(
    el("dt", {}, "Language"), el("dd", {}, `${view.lang} · ${view.dir === "rtl" ? "right to left" : "left to right"}`),
    el("dt", {}, "Translated"), el("dd", {}, `${Math.round(view.coverage * 100)}% of its strings`),
    el("dt", {}, "HTML size"), el("dd", {}, `${kb} KB of Gmail's 102 KB before clipping`));
}

async function loadChecks(version) {
  const { ok, data } = await getJSON(`${api()}/${encodeURIComponent(state.locale)}/checks`);
  if (!ok || !shown.view || shown.view.version !== version) return;
  $("checks").closest(".card").hidden = data.findings === null;
  if (data.findings === null) return;
  fillList("checks", data.findings.map((f) => findingItem(`${f.severity}: ${f.check}: ${f.message}${f.hint ? " — " + f.hint : ""}`, f.severity)),
    "No findings.");
}

// ---- the stage: the email in frames, a source text, or every locale side by side
async function renderStage(changed) {
  const stage = $("stage");
  stage.dataset.tab = state.tab;
  if (state.tab === "all") return renderAllLocales();
  if (state.tab !== "email") {
    const source = { text: shown.view.text, mjml: shown.view.mjml, html: shown.view.html }[state.tab];
    const pre = el("pre", { class: "source", id: "source", dir: state.tab === "text" ? shown.view.dir : "ltr" }, source);
    stage.replaceChildren(pre);
    shown.framed = "";
    return;
  }
  const layout = `${state.appearance}|${state.width}|${state.translator}|${state.locale}`;
  if (!changed && shown.framed === layout) return;
  shown.framed = layout;
  const schemes = state.appearance === "both" ? ["light", "dark"] : [state.appearance];
  const frames = schemes.map((scheme) => emailFrame(scheme));
  stage.replaceChildren(el("div", { class: "frames" }, ...frames.map((frame) => frame.card)));
  if (state.translator) {
    const { ok, data } = await getJSON(`${api()}/${encodeURIComponent(state.locale)}/translator`);
    if (shown.framed !== layout) return;  // another choice was made meanwhile
    if (!ok) return showProblems(data.problems);
    shown.messages = data.messages;
    for (const frame of frames) frame.iframe.srcdoc = data.html;
  } else {
    for (const frame of frames) frame.iframe.src = emailUrl(state.locale, shown.view.version);
  }
}

function emailFrame(scheme) {
  const iframe = el("iframe", {
    id: scheme === "dark" ? "email-dark" : "email", title: `The email, ${scheme} mode`,
    sandbox: "allow-same-origin", "data-scheme": scheme,
  });
  const width = WIDTHS[state.width];
  iframe.style.width = `${width}px`;
  // Light and dark side by side: wide frames are shown smaller, their layout stays the same.
  const zoom = state.appearance === "both" ? Math.min(1, ($("stage").clientWidth - 28) / 2 / width) : 1;
  if (zoom < 1) iframe.style.zoom = zoom.toFixed(3);
  iframe.addEventListener("load", () => prepareFrame(iframe, scheme));
  const size = zoom < 1 ? `${width} px, shown at ${Math.round(zoom * 100)}%` : `${width} px`;
  const label = el("div", { class: "frame-label" }, scheme === "dark" ? "Dark mode" : "Light mode", el("span", {}, size));
  return { iframe, card: el("figure", { class: `device ${state.width}` }, label, iframe) };
}

function prepareFrame(iframe, scheme) {
  const doc = iframe.contentDocument;
  if (!doc || !doc.body) return;
  emulateScheme(doc, scheme);
  if (state.translator && iframe.srcdoc) markStrings(doc);
  else openLinksOutside(doc);
  fitHeight(iframe);
}

// Apple Mail and others apply the email's `prefers-color-scheme` rules; a frame cannot be told the
// preference by itself and follows the computer's, so each frame's rules for its own scheme are
// switched on and the other scheme's off: "Light mode" stays light on a computer set to dark.
function emulateScheme(doc, scheme) {
  const on = "(min-width: 0px)", off = "(max-width: 0px)";
  for (const sheet of doc.styleSheets) {
    for (const rule of sheet.cssRules) {
      if (!rule.media) continue;
      rule.media.mediaText = rule.media.mediaText
        .replace(/\(\s*prefers-color-scheme:\s*dark\s*\)/g, scheme === "dark" ? on : off)
        .replace(/\(\s*prefers-color-scheme:\s*light\s*\)/g, scheme === "dark" ? off : on);
    }
  }
  doc.documentElement.style.colorScheme = scheme;  // the browser's own defaults (canvas, form controls) too
  doc.documentElement.dataset.previewScheme = scheme;
}

function openLinksOutside(doc) {
  doc.addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (!link) return;
    event.preventDefault();
    if (/^https:\/\//.test(link.href)) window.open(link.href, "_blank", "noopener");
  });
}

function fitHeight(iframe) {
  const doc = iframe.contentDocument;
  iframe.style.height = `${Math.max(400, doc.documentElement.scrollHeight)}px`;
}

// ---- translator mode
function markStrings(doc) {
  const style = doc.createElement("style");
  style.textContent = `
    [data-msg] { border-radius: 3px; cursor: pointer; box-shadow: 0 0 0 1px rgba(37, 99, 235, .35); }
    [data-msg]:hover { background: rgba(37, 99, 235, .12); }
    [data-state="fuzzy"], [data-state="refused"] { box-shadow: 0 0 0 2px rgba(217, 119, 6, .7); }
    [data-state="untranslated"] { box-shadow: 0 0 0 2px rgba(220, 38, 38, .6); }
    [data-selected] { background: rgba(37, 99, 235, .22) !important; }`;
  doc.head.append(style);
  for (const span of doc.querySelectorAll("[data-msg]")) span.dataset.state = shown.messages[span.dataset.msg].state;
  doc.addEventListener("click", (event) => {
    event.preventDefault();
    const span = event.target.closest("[data-msg]");
    if (!span) return;
    for (const selected of doc.querySelectorAll("[data-selected]")) delete selected.dataset.selected;
    span.dataset.selected = "";
    showMessage(shown.messages[span.dataset.msg]);
  });
}

const STATES = {
  translated: "Translated",
  fuzzy: "Fuzzy: the English is shown until a translator reviews it",
  untranslated: "Untranslated: the English is shown",
  refused: "Refused by a check: the English is shown",
  source: "English source text",
  pseudo: "Pseudo-locale: generated from the English",
};

function showMessage(message) {
  const rows = [
    ["State", el("span", { class: `state ${message.state}` }, STATES[message.state])],
    ["msgid", el("code", {}, message.msgid)],
    ["msgctxt", message.context ? el("code", {}, message.context) : "—"],
    ["Catalog", message.catalog ? el("code", {}, message.catalog) : "—"],
    ["Translation", message.translation || "—"],
    ["Note", message.detail || null],
    ["English from", el("code", {}, message.source)],
    ["Picture", message.screenshot ? el("img", { class: "context-picture", src: message.screenshot,
      alt: `where the string sits in the email (${message.context || "no context"})` }) : null],
  ];
  $("message-details").replaceChildren(...rows.filter(([, value]) => value !== null)
    .flatMap(([name, value]) => [el("dt", {}, name), el("dd", { "data-field": name }, value)]));
  $("message").hidden = false;
}

// ---- every locale side by side, at phone width
function renderAllLocales() {
  if (!shown.summary) return;
  const stage = $("stage");
  let grid = stage.querySelector(".all-locales");
  if (!grid) {
    grid = el("div", { class: "all-locales" });
    stage.replaceChildren(grid);
    shown.framed = "";
  }
  const cards = shown.summary.locales.map((entry) => localeCard(grid, entry));
  grid.replaceChildren(...cards);
}

function localeCard(grid, entry) {
  const existing = grid.querySelector(`[data-card="${entry.locale}"]`);
  if (existing && existing.dataset.version === String(entry.version)) return existing;
  const header = el("div", { class: "frame-label" }, `${entry.locale} · ${entry.name}`,
    el("span", { class: `coverage ${coverageClass(entry)}` }, coverageText(entry)), ...shipsBadge(entry));
  const body = entry.problems
    ? el("div", { class: "card-problem" }, ...entry.problems.map((problem) => el("code", {}, problem.text)))
    : el("iframe", { title: `${entry.locale} at 375 px`, sandbox: "allow-same-origin", src: emailUrl(entry.locale, entry.version) });
  if (body.tagName === "IFRAME") body.addEventListener("load", () => { openLinksOutside(body.contentDocument); fitHeight(body); });
  return el("figure", { class: "device mobile", "data-card": entry.locale, "data-version": String(entry.version) }, header, body);
}

// ---- choosing and live reloading
function markChoices() {
  for (const [group, key] of [["tabs", "tab"], ["widths", "width"], ["appearance", "appearance"], ["locales", "locale"], ["issue-list", "issue"]]) {
    for (const button of $(group).querySelectorAll(`[data-${key}]`)) {
      const active = button.dataset[key] === state[key];
      button.classList.toggle("active", active);
      button.setAttribute("aria-pressed", String(active));
    }
  }
  $("translator").checked = state.translator;
  document.body.dataset.tab = state.tab;
}

async function choose(change) {
  const issueChanged = change.issue && change.issue !== state.issue;
  Object.assign(state, change);
  writeHash();
  markChoices();
  if (change.locale || issueChanged || "translator" in change) $("message").hidden = true;
  if (issueChanged) { shown.view = null; await loadSummary(); }
  await loadView();
  markChoices();
}

let refreshing = null;
let again = false;

async function refresh() {
  if (refreshing) { again = true; return refreshing; }
  refreshing = (async () => {
    do {
      again = false;
      const issues = loadIssues();
      if (!state.issue) await issues;  // the first time, the issue to open comes from the list
      await Promise.all([issues, loadView()]);  // the open email first; the locale list after
      await loadSummary();
      markChoices();
    } while (again);
  })();
  try { await refreshing; } finally { refreshing = null; }
}

function listen() {
  const live = $("live");
  const events = new EventSource("/events");
  events.onopen = () => { live.dataset.state = "live"; live.textContent = "Live: updates on save"; };
  events.onerror = () => { live.dataset.state = "offline"; live.textContent = "Reconnecting…"; };
  events.onmessage = (event) => {
    const data = JSON.parse(event.data);
    if (data.changed) live.title = `Last saved: ${data.changed.join(", ")}`;
    refresh();
  };
}

function wireControls() {
  for (const [group, key] of [["tabs", "tab"], ["widths", "width"], ["appearance", "appearance"]]) {
    for (const button of $(group).querySelectorAll(`[data-${key}]`)) {
      button.addEventListener("click", () => choose({ [key]: button.dataset[key] }));
    }
  }
  $("translator").addEventListener("change", (event) => choose({ translator: event.target.checked }));
  $("message-close").addEventListener("click", () => { $("message").hidden = true; });
}

readHash();
wireControls();
markChoices();
listen();
