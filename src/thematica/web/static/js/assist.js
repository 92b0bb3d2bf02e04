// Local assistance (optional): similar passages and code suggestions in the reader, candidate themes on the
// board. Offsets are the browser's (UTF-16), as the server sends them. Text only ever goes in as text (el()).
// Keys in the reader: ] and [ move between this source's suggestions, y accepts and x rejects the focused one,
// s finds passages like the selection (none of them is a coding key: c, v, Enter, Escape).
import { api, attempt, el, flash } from "./api.js";
import { reloadWith } from "./pages.js";

const OFF_NOTE = "Local assistance is not installed: pip install 'thematica[assist]'";
let status = null;

// Whether assistance can run here (asked once per page).
function assistStatus() {
  status ||= api("/api/assist/status").catch(() => ({ available: false, note: OFF_NOTE }));
  return status;
}

// Show the features, or the one-line note instead of them.
async function available(note) {
  const found = await assistStatus();
  if (!found.available) {
    if (note) {
      note.textContent = found.note || OFF_NOTE;
      note.classList.remove("hidden");
    }
    return false;
  }
  for (const node of document.querySelectorAll(".assist-only")) node.classList.remove("hidden");
  return true;
}

// Run a slow request, saying what the server is doing meanwhile (embedding n of m, learning ...).
async function withProgress(line, label, action) {
  const began = Date.now();
  let running = true;
  const seconds = () => Math.round((Date.now() - began) / 1000);
  line.textContent = `${label}…`;
  (async () => {
    while (running) {
      await new Promise((resolve) => setTimeout(resolve, 700));
      if (!running) return;
      const now = await api("/api/assist/progress").catch(() => null);
      if (!running) return;
      const task = now?.task;
      if (task && now.total) line.textContent = `${task}: ${now.done} of ${now.total}… (${seconds()} s)`;
      else line.textContent = `${task || label}… (${seconds()} s)`;
    }
  })();
  try {
    return await action();
  } finally {
    running = false;
  }
}

// Several ranges under one highlight name (CSS Custom Highlight API; nothing where unsupported).
function paint(name, ranges) {
  if (!window.CSS?.highlights) return;
  if (ranges.length) CSS.highlights.set(name, new Highlight(...ranges)); else CSS.highlights.delete(name);
}

const percent = (p) => `${Math.round(p * 100)}%`;
const short = (text, n = 50) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

function swatch(colour) {
  const node = el("span", { class: "swatch", "aria-hidden": "true" });
  node.style.setProperty("--c", colour);
  return node;
}

// -- the reader -------------------------------------------------------------------------------------------
// ctx: { sourceId, rangeFor(start, end), selected(), refresh(), openSegment(), pickerOpen() }
export async function readerAssist(ctx) {
  const $ = (id) => document.getElementById(id);
  const units = Number(document.getElementById("reader").dataset.units);
  const topbar = document.querySelector(".topbar");

  // Bring a stretch of the text into view (the top bar and sticky side panel stay where they are).
  function reveal(range, always = false) {
    const box = range.getBoundingClientRect();
    const top = (topbar?.offsetHeight || 0) + 20;
    if (always || box.top < top || box.bottom > innerHeight - 20) scrollBy({ top: box.top - Math.max(top, innerHeight / 3) });
  }

  // /sources/<id>#at-<start>-<end>: where a similar passage (or a suggestion) is; marked and scrolled to.
  function goToHash() {
    const found = /^#at-(\d+)-(\d+)$/.exec(location.hash);
    if (!found) return;
    const [start, end] = [Number(found[1]), Number(found[2])];
    if (!(start < end && end <= units)) return;
    const range = ctx.rangeFor(start, end);
    paint("assist-found", [range]);
    requestAnimationFrame(() => reveal(range, true));
  }
  addEventListener("hashchange", goToHash);
  goToHash();

  if (!(await available($("assist-off")))) return;

  // -- similar passages ----------------------------------------------------------------------------------
  const similarLine = $("similar-status");
  const similarList = $("similar-list");

  function hitNode(hit) {
    const why = `fused rank score ${hit.score}; cosine similarity ${hit.cosine}` +
      (hit.text_rank === null ? "" : `; word match #${hit.text_rank + 1}`);
    return el("li", { class: "similar-hit" },
      el("header", {},
        el("a", { href: hit.href, dataset: { sourceId: String(hit.source_id), start: String(hit.start), end: String(hit.end) } }, hit.source),
        el("span", { class: "muted small", title: why }, `score ${hit.score.toFixed(3)} · similarity ${hit.cosine.toFixed(2)}`)),
      el("p", { class: "similar-text" }, hit.text));
  }

  async function findSimilar(params, label) {
    const query = new URLSearchParams({ ...params, limit: "15" });
    if ($("similar-uncoded").checked) query.set("exclude_coded", "true");
    $("similar-panel").scrollIntoView({ block: "nearest" });
    similarList.replaceChildren();
    const data = await withProgress(similarLine, "Finding similar passages",
      () => attempt(() => api(`/api/assist/similar?${query}`)));
    if (!data) { similarLine.textContent = "No search done."; return; }
    similarLine.textContent = data.hits.length
      ? `${data.hits.length} passages like ${label}` : `No passages like ${label}.`;
    similarList.replaceChildren(...data.hits.map(hitNode));
  }

  function similarToSelection() {
    const span = ctx.selected();
    if (!span) { flash("Select some text first.", "info"); return; }
    findSimilar({ source: ctx.sourceId, start: span.start, end: span.end }, `“${short(span.text, 40)}”`);
  }

  $("tool-similar").addEventListener("click", similarToSelection);
  $("segment-similar").addEventListener("click", () => {
    const seg = ctx.openSegment();
    if (seg) findSimilar({ segment: seg.id }, `the ${seg.code} segment`);
  });
  $("similar-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const q = $("similar-q").value.trim();
    if (q) findSimilar({ q }, `“${short(q, 40)}”`); else flash("Type some words to look for.", "info");
  });
  similarList.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-source-id]");
    if (!link || link.dataset.sourceId !== String(ctx.sourceId)) return;  // another source: the link opens it
    event.preventDefault();
    history.replaceState(null, "", link.getAttribute("href"));
    goToHash();
  });

  // -- suggestions for this source ---------------------------------------------------------------------
  const line = $("suggest-status");
  const list = $("suggest-list");
  const run = $("suggest-run");
  const sug = { items: [], current: -1, busy: false };

  function suggestionNode(s, index) {
    const examples = s.examples.length
      ? el("details", { class: "examples" },
        el("summary", {}, `Coded like this before (${s.examples.length})`),
        el("ul", {}, s.examples.map((x) => el("li", {}, x.text))))
      : el("p", { class: "muted small" }, "From the code's definition (no coded example yet).");
    return el("li", {
      class: "suggestion", tabindex: "-1", dataset: { index: String(index), id: String(s.id) },
      "aria-label": `${s.code}, confidence ${percent(s.confidence)}: ${short(s.text, 80)}`,
    },
    el("div", { class: "suggestion-head" }, swatch(s.colour), el("b", { class: "code" }, s.code),
      el("span", { class: "confidence", title: "how sure the assistant is" }, percent(s.confidence))),
    el("p", { class: "suggestion-text" }, s.text),
    examples,
    el("div", { class: "suggestion-actions" },
      el("button", { type: "button", class: "small", dataset: { decision: "accept" }, title: "Accept (y)" }, "Accept ", el("kbd", {}, "y")),
      el("button", { type: "button", class: "small secondary", dataset: { decision: "reject" }, title: "Reject (x)" }, "Reject ", el("kbd", {}, "x"))));
  }

  function nodes() { return [...list.querySelectorAll(":scope > li.suggestion")]; }

  function showCount(data) {
    if (!data.count) {
      line.textContent = data.open
        ? `No open suggestions here (${data.open} in other sources).`
        : "No open suggestions. “Suggest codes” learns from your coding and proposes codes for what is not coded yet.";
    } else line.textContent = `${data.count} open here${data.open > data.count ? ` · ${data.open} in the project` : ""}.`;
  }

  async function loadSuggestions(focusAt) {
    const data = await attempt(() => api(`/api/assist/suggestions?source=${ctx.sourceId}&limit=200`));
    if (!data) return;
    sug.items = data.suggestions;
    sug.current = -1;
    list.replaceChildren(...sug.items.map(suggestionNode));
    paint("assist-suggestion", sug.items.map((s) => ctx.rangeFor(s.start, s.end)));
    paint("assist-current", []);
    showCount(data);
    if (focusAt !== undefined && sug.items.length) focusSuggestion(Math.min(focusAt, sug.items.length - 1));
  }

  function focusSuggestion(index) {
    const all = nodes();
    const node = all[index];
    if (!node) return;
    sug.current = index;
    all.forEach((n) => n.classList.toggle("current", n === node));
    node.focus({ preventScroll: true });
    node.scrollIntoView({ block: "nearest" });
    const s = sug.items[index];
    const range = ctx.rangeFor(s.start, s.end);
    paint("assist-current", [range]);
    reveal(range);
  }

  function step(delta) {
    if (!sug.items.length) { flash("No open suggestions in this source.", "info"); return; }
    const at = sug.current < 0 ? (delta > 0 ? 0 : sug.items.length - 1) : sug.current + delta;
    focusSuggestion(Math.max(0, Math.min(sug.items.length - 1, at)));
  }

  async function decide(index, accept) {
    const s = sug.items[index];
    if (!s || sug.busy) return;
    sug.busy = true;
    nodes()[index]?.classList.add("deciding");
    const done = await attempt(
      () => api(`/api/assist/suggestions/${s.id}`, { method: "POST", body: { decision: accept ? "accept" : "reject" } }),
      accept ? `Coded “${short(s.text, 40)}” with ${s.code}` : `Rejected ${s.code} for “${short(s.text, 40)}”`);
    sug.busy = false;
    if (!done) { nodes()[index]?.classList.remove("deciding"); return; }
    if (accept) await ctx.refresh();  // the new segment's stripe
    await loadSuggestions(index);  // rescored after the decision; the next one takes this place
    if (!sug.items.length) document.getElementById("transcript").focus({ preventScroll: true });
  }

  list.addEventListener("click", (event) => {
    const node = event.target.closest("li.suggestion");
    if (!node) return;
    const index = Number(node.dataset.index);
    const button = event.target.closest("button[data-decision]");
    if (button) decide(index, button.dataset.decision === "accept");
    else if (!event.target.closest("summary, details")) focusSuggestion(index);
  });
  list.addEventListener("focusin", (event) => {
    const node = event.target.closest("li.suggestion");
    if (node && Number(node.dataset.index) !== sug.current) {
      sug.current = Number(node.dataset.index);
      nodes().forEach((n) => n.classList.toggle("current", n === node));
      paint("assist-current", [ctx.rangeFor(sug.items[sug.current].start, sug.items[sug.current].end)]);
    }
  });

  run.addEventListener("click", async () => {
    run.disabled = true;
    run.setAttribute("aria-busy", "true");
    const report = await withProgress(line, "Suggesting codes (the first run embeds every sentence: a minute or so)",
      () => attempt(() => api("/api/assist/suggest", { method: "POST", body: {} })));
    run.disabled = false;
    run.removeAttribute("aria-busy");
    if (report) {
      flash(`${report.offered} suggestions to review; the assistant coded ${report.assistant_segments} sentences as its own coder`, "ok");
      await ctx.refresh();
    }
    await loadSuggestions();
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (event.target.closest?.("input, textarea, select, [contenteditable], dialog") || ctx.pickerOpen()) return;
    const item = event.target.closest?.("li.suggestion");
    if (event.key === "]" || event.key === "[") step(event.key === "]" ? 1 : -1);
    else if ((event.key === "y" || event.key === "x") && item) decide(Number(item.dataset.index), event.key === "y");
    else if (event.key === "s" && !item && !event.target.closest?.("button, a") && ctx.selected()) similarToSelection();
    else return;
    event.preventDefault();
  });

  await loadSuggestions();
}

// -- the themes board ---------------------------------------------------------------------------------------
// Candidate themes (groups of codes); "Create theme from this" uses the board's own routes, never by itself.
export async function themesAssist() {
  const $ = (id) => document.getElementById(id);
  const form = $("groupings-form");
  if (!form || !(await available($("groupings-off")))) return;
  const box = $("groupings");
  const line = $("groupings-status");
  const cards = $("groupings-list");

  function card(candidate, index) {
    const ids = candidate.codes.map((c) => c.id);
    const nameId = `grouping-name-${index}`;
    const name = el("input", { type: "text", id: nameId, value: candidate.keywords.slice(0, 3).join(", "), required: true });
    const create = el("form", { class: "inline create-from" },
      el("label", { for: nameId, class: "small" }, "Theme name"), name,
      el("button", { type: "submit", class: "small" }, "Create theme from this"));
    create.addEventListener("submit", async (event) => {
      event.preventDefault();
      const title = name.value.trim();
      if (!title) { flash("Name the theme first.", "error"); return; }
      const theme = await attempt(async () => {
        const made = await api("/api/themes", { method: "POST", body: { name: title } });
        return api(`/api/themes/${made.id}/codes`, { method: "POST", body: { codes: ids } });
      });
      if (theme) reloadWith(`Created ${theme.name} with ${ids.length} codes`);
    });
    return el("article", { class: "grouping-card", "aria-labelledby": `grouping-${index}` },
      el("header", {},
        el("h3", { id: `grouping-${index}` }, candidate.keywords.join(" · ") || `Group ${index + 1}`),
        el("span", { class: "cohesion", title: "how close its codes are (0–1)" }, `cohesion ${candidate.cohesion.toFixed(2)}`)),
      el("ul", { class: "chips", "aria-label": "Codes in this group" },
        candidate.codes.map((c) => el("li", { class: "chip" }, swatch(c.colour), el("a", { href: `/codebook/${c.id}` }, c.name)))),
      create);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    const groups = $("groupings-n").value.trim();
    button.disabled = true;
    box.classList.remove("hidden");
    cards.replaceChildren();
    const data = await withProgress(line, "Grouping the codes",
      () => attempt(() => api(`/api/assist/themes${groups ? `?groups=${encodeURIComponent(groups)}` : ""}`)));
    button.disabled = false;
    if (!data) { line.textContent = "No groupings."; return; }
    line.textContent = `${data.candidates.length} candidate themes, from the codes' extracts and definitions. Nothing changes until you create one.`;
    cards.replaceChildren(...data.candidates.map(card));
  });
}
