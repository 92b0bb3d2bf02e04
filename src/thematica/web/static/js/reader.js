// The source reader: offsets (UTF-16, as the pieces' data-start say), coding stripes, keyboard selection,
// the code picker, the segment panel and source memos. Text is never parsed as HTML.
import { api, attempt, el, flash } from "./api.js";
import { Picker } from "./picker.js";
import { below, mark, place, textMap } from "./reader-text.js";
import { drawStripes } from "./reader-stripes.js";
import { readerAssist } from "./assist.js";

const reader = document.getElementById("reader");
const text = document.getElementById("transcript");
const stripeBox = document.getElementById("stripes");
const caret = document.getElementById("caret");
const tools = document.getElementById("selection-tools");
const panel = document.getElementById("segment-panel");
const $ = (id) => document.getElementById(id);
const sourceId = reader.dataset.sourceId;
const projectKey = reader.dataset.project;
const { rangeFor, selected, firstWordsBelow } = textMap(text, Number(reader.dataset.units));

// -- state, and the segments from the server ---------------------------------------------------------
const state = { segments: [], coders: [], open: null, reshaping: false, pending: null, last: null };
const hiddenKey = `thematica.hidden-coders.${projectKey}`;
const hidden = new Set(JSON.parse(localStorage.getItem(hiddenKey) || "[]"));

async function refresh() {
  const data = await attempt(() => api(`/api/sources/${sourceId}/segments`));
  if (!data) return;
  state.segments = data.segments;
  state.coders = data.coders;
  renderCoders();
  draw();
  if (state.open) {
    const again = state.segments.find((s) => s.id === state.open.id);
    if (again) openSegment(again.id, false); else closeSegment();
  }
}

function renderCoders() {
  const box = $("coder-toggles");
  box.querySelectorAll("label, .muted").forEach((n) => n.remove());
  if (!state.coders.length) box.append(el("span", { class: "muted small" }, "no coding yet"));
  for (const coder of state.coders) {
    const count = state.segments.filter((s) => s.coder_id === coder.id).length;
    const box_ = el("input", { type: "checkbox", checked: !hidden.has(coder.id), dataset: { coder: String(coder.id) } });
    box_.addEventListener("change", () => {
      if (box_.checked) hidden.delete(coder.id); else hidden.add(coder.id);
      localStorage.setItem(hiddenKey, JSON.stringify([...hidden]));
      draw();
    });
    const sample = el("span", { class: `sample style-${coder.style}`, "aria-hidden": "true" });
    box.append(el("label", {}, box_, sample, `${coder.name}${coder.me ? " (you)" : ""}`, el("span", { class: "muted small" }, ` ${count}`)));
  }
}

// -- coding stripes: measured from the laid-out text; a lane per overlap, a group and style per coder --------
function draw() {
  drawStripes(stripeBox, { segments: state.segments, coders: state.coders, hidden, rangeFor, activeId: state.open?.id });
}

stripeBox.addEventListener("click", (event) => {
  const bar = event.target.closest(".stripe");
  if (!bar) return;
  if (!state.reshaping && !getSelection().isCollapsed) getSelection().collapseToEnd();
  openSegment(Number(bar.dataset.id));
});
stripeBox.addEventListener("keydown", (event) => {
  const bars = [...stripeBox.querySelectorAll(".stripe")];
  const at = bars.indexOf(document.activeElement);
  const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[event.key];
  let next = null;
  if (step) next = bars[Math.max(0, Math.min(bars.length - 1, at + step))];
  if (event.key === "Home") next = bars[0];
  if (event.key === "End") next = bars.at(-1);
  if (!next) return;
  event.preventDefault();
  bars.forEach((b) => b.setAttribute("tabindex", b === next ? "0" : "-1"));
  next.focus();
  next.scrollIntoView({ block: "nearest" });
  mark("segment-active", rangeFor(...spanOf(Number(next.dataset.id))));
});

function spanOf(id) {
  const seg = state.segments.find((s) => s.id === id);
  return [seg.start, seg.end];
}

new ResizeObserver(() => requestAnimationFrame(draw)).observe(text);
// The side panel sticks just below the top bar, whatever its height.
const side = document.querySelector(".side");
const topbar = document.querySelector(".topbar");
new ResizeObserver(() => {
  const top = (topbar?.offsetHeight || 0) + 12;
  side.style.top = `${top}px`;
  side.style.maxHeight = `calc(100vh - ${top + 12}px)`;
}).observe(topbar || document.body);
document.fonts?.ready.then(draw);

// -- the segment panel ---------------------------------------------------------------------------------
function openSegment(id, focus = true) {
  const seg = state.segments.find((s) => s.id === id);
  if (!seg) return;
  state.open = seg;
  $("segment-swatch").style.setProperty("--c", seg.colour);
  $("segment-text").style.setProperty("--c", seg.colour);
  $("segment-code").textContent = seg.code;
  $("segment-meta").textContent = `coded by ${seg.coder} · ${seg.text.length} characters · segment #${seg.id}`;
  $("segment-text").textContent = seg.text;
  $("segment-memo").value = seg.memo;
  panel.classList.remove("hidden");
  stripeBox.querySelectorAll(".stripe").forEach((b) => {
    const mine = Number(b.dataset.id) === id;
    b.classList.toggle("active", mine);
    b.setAttribute("tabindex", mine ? "0" : "-1");
  });
  mark("segment-active", rangeFor(seg.start, seg.end));
  if (focus) panel.focus();
}

function closeSegment() {
  const id = state.open?.id;
  state.open = null;
  endReshape();
  panel.classList.add("hidden");
  mark("segment-active", null);
  stripeBox.querySelectorAll(".stripe.active").forEach((b) => b.classList.remove("active"));
  stripeBox.querySelector(`.stripe[data-id="${id}"]`)?.focus();
}

function endReshape() {
  state.reshaping = false;
  $("reshape").classList.add("hidden");
}

$("segment-close").addEventListener("click", closeSegment);
panel.addEventListener("keydown", (event) => { if (event.key === "Escape") closeSegment(); });
$("segment-save").addEventListener("click", async () => {
  const seg = state.open;
  const done = await attempt(() => api(`/api/segments/${seg.id}`, { method: "PUT", body: { memo: $("segment-memo").value } }), "Memo saved");
  if (done) seg.memo = done.memo;
});
$("segment-uncode").addEventListener("click", async () => {
  const seg = state.open;
  if (await attempt(() => api(`/api/segments/${seg.id}`, { method: "DELETE" }), `Uncoded ${seg.code}`)) {
    closeSegment();
    await refresh();
    text.focus();
  }
});
$("segment-reshape").addEventListener("click", () => {
  state.reshaping = true;
  state.last = null;
  $("reshape").classList.remove("hidden");
  place(rangeFor(state.open.start, state.open.end));
  text.focus();
  flash("Select the new text, then confirm (or press Enter).", "info");
});
$("reshape-cancel").addEventListener("click", endReshape);
$("reshape-confirm").addEventListener("click", confirmReshape);

async function confirmReshape() {
  const span = selected() || state.last;
  if (!span) { flash("Select the new text of the segment first.", "error"); return; }
  const seg = state.open;
  const body = { start: span.start, end: span.end };
  if (await attempt(() => api(`/api/segments/${seg.id}`, { method: "PUT", body }), "Boundaries changed")) {
    endReshape();
    await refresh();
  }
}

// -- coding: the selection tools, the picker, in vivo --------------------------------------------------------
async function codeWith(body, path = "segments") {
  const span = state.pending;
  const seg = await attempt(() => api(`/api/sources/${sourceId}/${path}`, { method: "POST", body: { ...body, start: span.start, end: span.end } }),
    (s) => `Coded “${s.text.slice(0, 40)}” with ${s.code}`);
  if (seg) await refresh();
  return seg;
}

const picker = new Picker(projectKey, {
  apply: (code) => codeWith({ code }),
  create: async (name) => {
    const code = await attempt(() => api("/api/codes", { method: "POST", body: { name } }));
    return code ? codeWith({ code: code.id }) : undefined;
  },
  inVivo: () => codeWith({}, "in-vivo"),
  closed: (refocus) => {
    const span = state.pending;
    mark("pending-selection", null);
    if (!refocus) return;
    text.focus();
    if (span) place(rangeFor(span.start, span.end));
  },
});

async function openPicker() {
  const span = selected();
  if (!span) { flash("Select some text to code first.", "info"); return; }
  state.pending = span;
  const range = rangeFor(span.start, span.end);
  mark("pending-selection", range);
  tools.classList.add("hidden");
  await picker.open(span.text, below(reader, range, 370));
}

async function inVivo() {
  const span = selected();
  if (!span) { flash("Select the participant's words first.", "info"); return; }
  state.pending = span;
  await codeWith({}, "in-vivo");
}

$("tool-code").addEventListener("click", openPicker);
$("tool-invivo").addEventListener("click", inVivo);
tools.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection

// -- selection, keyboard and the caret ----------------------------------------------------------------------
let pendingFrame = 0;
document.addEventListener("selectionchange", () => {
  cancelAnimationFrame(pendingFrame);
  pendingFrame = requestAnimationFrame(showSelection);
});

function showSelection() {
  const span = selected();
  if (span) state.last = span;
  const selection = getSelection();
  const inside = selection.rangeCount && text.contains(selection.focusNode);
  if (keyboard && inside && selection.isCollapsed && document.activeElement === text) {
    const range = selection.getRangeAt(0);
    const rect = range.getClientRects()[0] || range.getBoundingClientRect();
    const base = reader.getBoundingClientRect();
    caret.style.left = `${rect.left - base.left}px`;
    caret.style.top = `${rect.top - base.top}px`;
    caret.style.height = `${Math.max(rect.height, 16)}px`;
    caret.classList.toggle("hidden", rect.height === 0 && rect.top === 0);
  } else caret.classList.add("hidden");
  if (!span || picker.isOpen() || state.reshaping) { tools.classList.add("hidden"); return; }
  const spot = below(reader, rangeFor(span.start, span.end), 190);
  tools.style.left = `${spot.left}px`;
  tools.style.top = `${spot.top}px`;
  tools.classList.remove("hidden");
}

// Keyboard users start from the first words in view.
function ensureCaret() {
  const selection = getSelection();
  if (selection.rangeCount && text.contains(selection.focusNode)) return;
  const first = firstWordsBelow((topbar?.offsetHeight || 0) + 10);
  if (!first) return;
  const range = document.createRange();
  range.setStart(first.firstChild || first, 0);
  place(range);
}

const MOVES = {
  ArrowLeft: ["backward", "character"], ArrowRight: ["forward", "character"], ArrowUp: ["backward", "line"],
  ArrowDown: ["forward", "line"], Home: ["backward", "lineboundary"], End: ["forward", "lineboundary"],
};

// The caret shows only while the keyboard drives the selection; the mouse selects as usual.
let keyboard = false;
text.addEventListener("mousedown", () => { keyboard = false; });
text.addEventListener("focus", () => { if (keyboard) { ensureCaret(); showSelection(); } });
document.addEventListener("keydown", (event) => { if (event.key === "Tab") keyboard = true; }, true);
text.addEventListener("blur", () => caret.classList.add("hidden"));
text.addEventListener("keydown", (event) => {
  const move = MOVES[event.key];
  if (!move || event.altKey || event.metaKey) return;
  event.preventDefault();
  keyboard = true;
  ensureCaret();
  const unit = event.ctrlKey && move[1] === "character" ? "word" : move[1];
  getSelection().modify(event.shiftKey ? "extend" : "move", move[0], unit);
  const focus = getSelection().getRangeAt(0).getBoundingClientRect();
  if (focus.top < 70 || focus.bottom > innerHeight - 20) scrollBy({ top: focus.top - innerHeight / 2 });
});

document.addEventListener("keydown", (event) => {
  const typing = event.target.closest?.("input, textarea, select, [contenteditable]");
  if (typing || event.ctrlKey || event.metaKey || event.altKey || picker.isOpen()) return;
  if (event.key === "Enter" && state.reshaping && event.target === text) { event.preventDefault(); confirmReshape(); return; }
  if (event.target.closest?.("button, a")) return;
  if (!selected()) return;
  if (event.key === "c" || event.key === "Enter") { event.preventDefault(); openPicker(); }
  else if (event.key === "v") { event.preventDefault(); inVivo(); }
  else if (event.key === "Escape") { getSelection().collapseToEnd(); }
});

// -- memos on this source -------------------------------------------------------------------------------------
$("memo-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const box = $("memo-text");
  const memo = await attempt(() => api(`/api/sources/${sourceId}/memos`, { method: "POST", body: { text: box.value } }), "Memo added");
  if (!memo) return;
  $("no-memos")?.remove();
  $("memo-list").append(el("article", { class: "memo" },
    el("header", {}, `${memo.created_at} · ${memo.author} · phase ${memo.phase}`), el("p", {}, memo.text)));
  box.value = "";
});

// -- local assistance (similar passages, code suggestions): optional, in assist.js ----------------------------
readerAssist({ sourceId, rangeFor, selected, refresh, openSegment: () => state.open, pickerOpen: () => picker.isOpen() });

refresh();
