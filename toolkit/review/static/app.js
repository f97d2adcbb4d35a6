// Mekong review page. Document text is only ever written with textContent / text nodes:
// nothing from a document can become markup or script (the CSP also forbids inline script).
"use strict";

const state = { doc: null, editing: new Set() };

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
function highlighted(text, marks) {
  marks.sort((a, b) => a.start - b.start || b.end - a.end);
  const box = el("div", { class: "text", lang: "" });
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
    col.appendChild(highlighted(row.src_text, sourceMarks(row)));
    const expected = row.terms.map((t) => t.src + " \u2192 " + t.tgt).join("; ");
    if (expected) col.appendChild(el("div", { class: "expected", text: "expected: " + expected }));
    return col;
  }
  if (state.editing.has(keyOf(row))) {
    const area = el("textarea", { class: "editor", "aria-label": "target text" });
    area.value = row.tgt_text;
    col.appendChild(area);
  } else {
    const shown = highlighted(row.tgt_text, targetMarks(row));
    shown.setAttribute("lang", row.tgt_lang);
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

function button(label, action, row) {
  const b = el("button", { type: "button", class: "act-" + action, text: label });
  b.addEventListener("click", () => act(action, row, b));
  return b;
}

function renderRow(row) {
  const box = el("section", {
    class: "pair status-" + row.status + " review-" + row.review,
    "data-seg": String(row.seg_id), "data-tgt": row.tgt_lang, "data-review": row.review,
  });
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

function render() {
  const main = document.getElementById("rows");
  const rows = visibleRows();
  main.replaceChildren(...rows.map(renderRow));
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
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

async function act(action, row, btn) {
  const key = keyOf(row);
  if (action === "edit") {
    state.editing.add(key);
    render();
    const box = document.querySelector(
      "section[data-seg='" + row.seg_id + "'][data-tgt='" + CSS.escape(row.tgt_lang) + "'] textarea");
    if (box) box.focus();
    return;
  }
  if (action === "cancel") { state.editing.delete(key); render(); return; }
  const body = { seg_id: row.seg_id, tgt_lang: row.tgt_lang, src_text: row.src_text };
  if (action === "save" || action === "save-approve") {
    const area = btn.closest("section").querySelector("textarea.editor");
    body.text = area.value;
    body.action = action === "save" ? "edit" : "approve";
  } else {
    body.action = action;
  }
  try {
    const result = await post(body);
    const i = state.doc.rows.findIndex((r) => keyOf(r) === key);
    state.doc.rows[i] = result.row;
    state.editing.delete(key);
    render();
    message("segment " + row.seg_id + " (" + row.tgt_lang + "): " +
      (result.changed ? "saved as " + result.row.review : "no change"), false);
  } catch (err) {
    message("not saved: " + err.message, true);
  }
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
  render();
  document.body.setAttribute("data-ready", "1");
}

document.addEventListener("DOMContentLoaded", load);
