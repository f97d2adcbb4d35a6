// Mekong review page. Document text is only ever written with textContent / text nodes:
// nothing from a document can become markup or script (the CSP also forbids inline script).
"use strict";

// editing: rows with an open edit box; drafts: their unsaved text (kept across re-renders and
// refused saves); notes: a line shown in a row (a refused save, an error); current: the row
// the keyboard acts on.
const state = { doc: null, editing: new Set(), drafts: new Map(), notes: new Map(), current: null };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.appendChild(child);
  return node;
}

function keyOf(row) { return row.seg_id + ":" + row.tgt_lang; }

function variants(expected) {
  return (expected || "").split("|").map((v) => v.trim()).filter((v) => v.length > 0);
}

// Character ranges of `needle` in `text` (case-insensitive when lower-casing keeps lengths).
function findAll(text, needle) {
  const ranges = [];
  if (!needle) return ranges;
  let hay = text, pin = needle;
  if (text.toLowerCase().length === text.length && needle.toLowerCase().length === needle.length) {
    hay = text.toLowerCase(); pin = needle.toLowerCase();
  }
  let at = hay.indexOf(pin);
  while (at >= 0) { ranges.push([at, at + pin.length]); at = hay.indexOf(pin, at + pin.length); }
  return ranges;
}

// Text with <mark> around the given ranges; overlapping ranges keep the earlier, longer one.
function highlighted(text, marks, lang) {
  marks.sort((a, b) => a.start - b.start || b.end - a.end);
  const box = el("div", { class: "text", lang: lang || "" });
  let pos = 0;
  for (const m of marks) {
    if (m.start < pos) continue;
    if (m.start > pos) box.appendChild(document.createTextNode(text.slice(pos, m.start)));
    box.appendChild(el("mark", { class: m.cls, title: m.title, text: text.slice(m.start, m.end) }));
    pos = m.end;
  }
  if (pos < text.length) box.appendChild(document.createTextNode(text.slice(pos)));
  return box;
}

function termTitle(t) {
  return (t.term_id ? t.term_id + ": " : "") + t.src + " \u2192 " + t.tgt + (t.found ? "" : " (missing)");
}

function sourceMarks(row) {
  const marks = [];
  for (const t of row.terms) {
    for (const [start, end] of findAll(row.src_text, t.src)) {
      marks.push({ start, end, cls: t.found ? "term" : "term missing", title: termTitle(t) });
    }
  }
  return marks;
}

function targetMarks(row) {
  const marks = [];
  for (const t of row.terms) {
    for (const v of variants(t.tgt)) {
      for (const [start, end] of findAll(row.tgt_text, v)) {
        marks.push({ start, end, cls: "term", title: termTitle(t) });
      }
    }
  }
  return marks;
}

function sideFor(row, which) {
  const col = el("div", { class: which });
  if (which === "src") {
    col.appendChild(highlighted(row.src_text, sourceMarks(row), state.doc.src_lang));
    const expected = row.terms.map((t) => t.src + " \u2192 " + t.tgt).join("; ");
    if (expected) col.appendChild(el("div", { class: "expected", text: "expected: " + expected }));
    return col;
  }
  const key = keyOf(row);
  const note = state.notes.get(key);
  if (note) col.appendChild(noteFor(note));
  if (state.editing.has(key)) {
    const area = el("textarea", { class: "editor", lang: row.tgt_lang, "aria-label": "target text",
      "aria-keyshortcuts": "Control+Enter Control+Shift+Enter Escape" });
    area.value = state.drafts.has(key) ? state.drafts.get(key) : row.tgt_text;
    area.addEventListener("input", () => state.drafts.set(key, area.value));
    col.appendChild(area);
  } else {
    const shown = highlighted(row.tgt_text, targetMarks(row), row.tgt_lang);
    shown.classList.add("tgt-text");
    col.appendChild(shown);
  }
  const missing = row.terms.filter((t) => !t.found).map((t) => t.tgt);
  if (missing.length) col.appendChild(el("div", { class: "missing-note", text: "missing term: " + missing.join("; ") }));
  if (row.mt_text !== null && row.mt_text !== undefined && row.mt_text !== row.tgt_text) {
    col.appendChild(el("div", { class: "mt", text: "machine: " + row.mt_text }));
  }
  return col;
}

// A refused save: what happened, the newer text, and that the reviewer's own text is kept.
function noteFor(note) {
  const box = el("div", { class: note.error ? "conflict" : "note", role: "alert" });
  box.appendChild(el("div", { text: note.text }));
  if (note.newer !== undefined) {
    box.appendChild(el("div", { text: "Newer text (" + note.review + "):" }));
    box.appendChild(el("div", { class: "newer", lang: note.lang, text: note.newer }));
    if (note.kept) {
      box.appendChild(el("div", { text: "Your text is still in the box: Save to put it over " +
        "the newer one, Cancel to keep the newer one." }));
    }
  }
  return box;
}

const SHORTCUTS = { approve: "a", edit: "e", reject: "r", save: "Control+Enter",
  "save-approve": "Control+Shift+Enter", cancel: "Escape" };

function button(label, action, row) {
  const b = el("button", { type: "button", class: "act-" + action, text: label });
  if (SHORTCUTS[action]) {
    b.setAttribute("aria-keyshortcuts", SHORTCUTS[action]);
    b.title = label + " (" + SHORTCUTS[action].replace("Control", "Ctrl") + ")";
  }
  b.addEventListener("click", () => act(action, keyOf(row)));
  return b;
}

function renderRow(row) {
  const box = el("section", {
    class: "pair status-" + row.status + " review-" + row.review +
      (keyOf(row) === state.current ? " current" : ""),
    "data-seg": String(row.seg_id), "data-tgt": row.tgt_lang, "data-review": row.review,
    "data-key": keyOf(row),
  });
  box.addEventListener("click", () => setCurrent(keyOf(row), false));
  const meta = el("div", { class: "meta" },
    el("span", { text: "#" + row.seg_id }),
    el("span", { class: "badge", text: row.tgt_lang }),
    el("span", { class: "badge score", text: "score " + (row.score === null ? "?" : row.score.toFixed(2)) }),
    el("span", { class: "badge", text: row.status }),
    el("span", { class: "badge review", text: row.review }),
    el("span", { class: "badge", text: row.origin }));
  for (const f of row.flags) meta.appendChild(el("span", { class: "badge flag", text: f }));
  if (row.test_model) meta.appendChild(el("span", { class: "badge test", text: "TEST MODEL" }));
  box.appendChild(meta);
  box.appendChild(sideFor(row, "src"));
  box.appendChild(sideFor(row, "tgt"));
  const actions = el("div", { class: "actions" });
  if (state.editing.has(keyOf(row))) {
    actions.append(button("Save", "save", row), button("Save & approve", "save-approve", row),
      button("Cancel", "cancel", row));
  } else {
    actions.append(button("Approve", "approve", row), button("Edit", "edit", row),
      button("Reject", "reject", row));
    if (row.review !== "new") actions.append(button("Reset to new", "reset", row));
  }
  box.appendChild(actions);
  return box;
}

function selected(id) { return document.getElementById(id).value; }

function visibleRows() {
  const target = selected("f-target"), status = selected("f-status"), review = selected("f-review");
  const flag = selected("f-flag"), term = selected("f-term");
  const missingOnly = document.getElementById("f-missing").checked;
  let rows = state.doc.rows.filter((r) =>
    (!target || r.tgt_lang === target) && (!status || r.status === status) &&
    (!review || r.review === review) && (!flag || r.flags.includes(flag)) &&
    (!term || r.terms.some((t) => t.term_id === term || t.src === term)) &&
    (!missingOnly || r.terms.some((t) => !t.found)));
  if (selected("f-sort") === "score") {
    rows = rows.slice().sort((a, b) => (a.score ?? 0) - (b.score ?? 0) || a.seg_id - b.seg_id);
  }
  return rows;
}

function sectionOf(key) {
  return document.querySelector("section[data-key='" + CSS.escape(key) + "']");
}

function setCurrent(key, scroll) {
  if (state.current === key) return;
  const old = state.current && sectionOf(state.current);
  if (old) { old.classList.remove("current"); old.removeAttribute("aria-current"); }
  state.current = key;
  const now = key && sectionOf(key);
  if (now) {
    now.classList.add("current");
    now.setAttribute("aria-current", "true");
    if (scroll) now.scrollIntoView({ block: "nearest" });
  }
}

// Re-rendering replaces the rows: the edit box that had the focus gets it back, caret included.
function render() {
  const main = document.getElementById("rows");
  const active = document.activeElement;
  const focused = active && active.matches("textarea.editor") ?
    { key: active.closest("section").dataset.key, start: active.selectionStart, end: active.selectionEnd } : null;
  const rows = visibleRows();
  if (!rows.some((r) => keyOf(r) === state.current)) state.current = rows.length ? keyOf(rows[0]) : null;
  main.replaceChildren(...rows.map(renderRow));
  const current = state.current && sectionOf(state.current);
  if (current) current.setAttribute("aria-current", "true");
  if (focused) {
    const area = sectionOf(focused.key) && sectionOf(focused.key).querySelector("textarea.editor");
    if (area) { area.focus(); area.setSelectionRange(focused.start, focused.end); }
  }
  const counts = {};
  for (const r of state.doc.rows) counts[r.review] = (counts[r.review] || 0) + 1;
  const parts = Object.entries(counts).map(([k, v]) => k + " " + v).join(", ");
  document.getElementById("summary").textContent =
    rows.length + " of " + state.doc.rows.length + " shown; " + parts;
}

function fillOptions(id, values) {
  const select = document.getElementById(id);
  for (const [value, label] of values) select.appendChild(el("option", { value, text: label }));
}

function message(text, isError) {
  const m = document.getElementById("message");
  m.textContent = text;
  m.className = isError ? "error" : "";
}

async function post(body) {
  const response = await fetch("/api/review", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body), credentials: "same-origin", cache: "no-store",
  });
  let data;
  try { data = await response.json(); } catch (err) { data = { error: response.statusText }; }
  return { ok: response.ok, status: response.status, data };
}

function replaceRow(row) {
  const i = state.doc.rows.findIndex((r) => keyOf(r) === keyOf(row));
  if (i >= 0) state.doc.rows[i] = row;
}

function openEditor(key) {
  state.editing.add(key);
  setCurrent(key, false);
  render();
  const area = sectionOf(key) && sectionOf(key).querySelector("textarea.editor");
  if (area) { area.focus(); area.setSelectionRange(area.value.length, area.value.length); }
}

// One action on the row `key`; true once saved. A save sends the version of the row it was
// made on: the server refuses it (409) when the row changed since (an import, another tab),
// answers with the newer row, and the page shows it while the reviewer's text stays in the box.
async function act(action, key) {
  const row = state.doc.rows.find((r) => keyOf(r) === key);
  if (!row) return false;
  if (action === "edit") { openEditor(key); return false; }
  if (action === "cancel") {
    state.editing.delete(key); state.drafts.delete(key); state.notes.delete(key);
    render();
    return false;
  }
  const body = { seg_id: row.seg_id, tgt_lang: row.tgt_lang, src_text: row.src_text, version: row.version };
  const saving = action === "save" || action === "save-approve";
  if (saving) {
    const area = sectionOf(key) && sectionOf(key).querySelector("textarea.editor");
    body.text = area ? area.value : (state.drafts.get(key) ?? row.tgt_text);
    state.drafts.set(key, body.text);
    body.action = action === "save" ? "edit" : "approve";
  } else {
    body.action = action;
  }
  const where = "segment " + row.seg_id + " (" + row.tgt_lang + "): ";
  let result;
  try {
    result = await post(body);
  } catch (err) {
    state.notes.set(key, { text: "not saved: " + err.message, error: true });
    message(where + "not saved: " + err.message, true);
    render();
    return false;
  }
  const data = result.data || {};
  if (!result.ok) {
    if (data.row) replaceRow(data.row);
    const note = { text: "Not saved: " + (data.error || result.status), error: true };
    if (data.stale && data.row) {
      Object.assign(note, { newer: data.row.tgt_text, review: data.row.review,
        lang: data.row.tgt_lang, kept: saving });
    }
    state.notes.set(key, note);
    message(where + note.text, true);
    render();
    return false;
  }
  replaceRow(data.row);
  state.editing.delete(key); state.drafts.delete(key); state.notes.delete(key);
  render();
  message(where + (data.changed ? "saved as " + data.row.review : "no change"), false);
  return true;
}

function move(step) {
  const rows = visibleRows();
  if (!rows.length) return;
  const at = rows.findIndex((r) => keyOf(r) === state.current);
  const next = at < 0 ? 0 : Math.max(0, Math.min(rows.length - 1, at + step));
  setCurrent(keyOf(rows[next]), true);
}

// Shortcuts: single letters only outside text fields and without Ctrl/Alt/Meta (the browser's
// own shortcuts and typing stay untouched); in the edit box only the save and cancel combos.
function onKey(event) {
  if (event.isComposing || !state.doc) return;
  const target = event.target;
  const inEditor = target.matches && target.matches("textarea.editor");
  const inField = target.matches && target.matches("input, select, textarea, [contenteditable]");
  const mod = event.ctrlKey || event.metaKey;
  if (inEditor) {
    const key = target.closest("section").dataset.key;
    if (event.key === "Enter" && mod && !event.altKey) {
      event.preventDefault();
      act(event.shiftKey ? "save-approve" : "save", key);
    } else if (event.key === "Escape") {
      event.preventDefault();
      act("cancel", key);
    }
    return;
  }
  if (inField || mod || event.altKey) return;
  const key = state.current;
  const actions = { a: "approve", r: "reject", e: "edit" };
  if (event.key === "j") { event.preventDefault(); move(1); }
  else if (event.key === "k") { event.preventDefault(); move(-1); }
  else if (actions[event.key] && key && !state.editing.has(key)) {
    event.preventDefault();
    const action = actions[event.key];
    act(action, key).then((saved) => { if (saved && action !== "edit") move(1); });
  } else if (event.key === "e" && key) { event.preventDefault(); openEditor(key); }
}

async function load() {
  // the token came in the address once; from now on the HttpOnly cookie carries it
  if (location.search) history.replaceState(null, "", location.pathname);
  try {
    const response = await fetch("/api/doc", { cache: "no-store" });
    const doc = await response.json();
    if (!response.ok) throw new Error(doc.error || response.statusText);
    state.doc = doc;
  } catch (err) {
    message("cannot load the document: " + err.message, true);
    return;
  }
  const doc = state.doc;
  document.getElementById("doc-id").textContent = doc.doc_id + " (" + doc.src_lang + ")";
  document.title = "Mekong review: " + doc.doc_id;
  document.getElementById("test-banner").hidden = !doc.test_model;
  fillOptions("f-target", doc.targets.map((t) => [t, t]));
  const flags = [...new Set(doc.rows.flatMap((r) => r.flags))].sort();
  fillOptions("f-flag", flags.map((f) => [f, f]));
  const terms = new Map();
  for (const r of doc.rows) for (const t of r.terms) terms.set(t.term_id || t.src, t.src);
  fillOptions("f-term", [...terms.entries()].sort((a, b) => a[1].localeCompare(b[1])));
  for (const id of ["f-target", "f-sort", "f-status", "f-review", "f-flag", "f-term", "f-missing"]) {
    document.getElementById(id).addEventListener("change", render);
  }
  document.getElementById("controls").addEventListener("submit", (e) => e.preventDefault());
  document.addEventListener("keydown", onKey);
  render();
  document.body.setAttribute("data-ready", "1");
}

document.addEventListener("DOMContentLoaded", load);
