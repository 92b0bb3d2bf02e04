// The De-identification page: scan, review candidates group by group (mouse or keys), the register, the
// allow-list, apply, checking notes, and the disclosure rules. User text only ever goes in as text (el()).
import { api, attempt, el, flash } from "./api.js";
import { reloadWith, showStoredFlash } from "./pages.js";

showStoredFlash();

const list = document.getElementById("groups");
const categories = [...document.querySelectorAll("#id-category option")].map((o) => o.value);
let generic = {};
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

// -- counts ------------------------------------------------------------------------------
function showStatus(status) {
  if (!status) return;
  for (const [key, value] of Object.entries(status)) {
    const node = document.getElementById(`status-${key}`);
    if (node) node.textContent = value;
  }
}

// -- the queue -----------------------------------------------------------------------------
// One stretch of text in context: the candidate marked, the source linked.
function context(occurrence) {
  return el("p", { class: "context" },
    el("a", { class: "where", href: `/sources/${occurrence.source_id}` }, occurrence.source),
    " …", el("span", { class: "before" }, occurrence.before),
    el("mark", {}, occurrence.text),
    el("span", { class: "after" }, occurrence.after), "…");
}

function occurrenceNode(occurrence) {
  return el("li", { class: "occurrence", dataset: { id: occurrence.id } },
    context(occurrence),
    el("span", { class: "occurrence-actions" },
      el("button", { type: "button", class: "small secondary", dataset: { one: "accept" },
        "aria-label": `Accept this occurrence in ${occurrence.source}` }, "Accept"),
      el("button", { type: "button", class: "small secondary", dataset: { one: "reject" },
        "aria-label": `Reject this occurrence in ${occurrence.source}` }, "Reject")));
}

function groupNode(group, index) {
  const id = `group-${index}`;
  const select = el("select", { class: "category", id: `${id}-category`, dataset: { original: group.category } },
    categories.map((c) => el("option", { value: c, selected: c === group.category }, c)));
  const becomes = el("b", { class: "replacement" }, group.replacement);
  select.addEventListener("change", () => {
    if (!group.registered) becomes.textContent = generic[select.value] || group.replacement;
  });
  const more = group.more ? el("li", { class: "muted" }, `… and ${group.more} more (decided with the group)`) : null;
  return el("li", { class: "group", tabindex: "-1", "aria-labelledby": `${id}-text`,
    dataset: { ids: group.ids.join(" "), count: group.count, registered: group.registered ? "yes" : "no" } },
    el("div", { class: "group-head" },
      el("span", { class: "group-text", id: `${id}-text` }, group.text),
      el("label", { class: "sr-only", for: `${id}-category` }, `Category of ${group.text}`), select,
      el("span", { class: "count" }, plural(group.count, "occurrence")),
      el("span", { class: "becomes" }, "becomes ", becomes, group.registered ? " (register)" : "")),
    context(group.occurrences[0]),
    el("div", { class: "decide" },
      el("button", { type: "button", dataset: { decision: "accept" }, title: "a" }, "Accept"),
      el("label", { class: "sr-only", for: `${id}-pseudonym` }, `Pseudonym for ${group.text} (Always)`),
      el("input", { type: "text", class: "pseudonym", id: `${id}-pseudonym`, autocomplete: "off",
        placeholder: group.registered ? group.replacement : "pseudonym (optional)" }),
      el("button", { type: "button", dataset: { decision: "always" }, title: "A (shift+a)" }, "Always"),
      el("button", { type: "button", class: "secondary", dataset: { decision: "reject" }, title: "r" }, "Reject"),
      el("button", { type: "button", class: "secondary", dataset: { decision: "never" }, title: "n" }, "Never")),
    el("details", { class: "occurrences" },
      el("summary", {}, `Every occurrence (${group.count})`),
      el("ol", {}, group.occurrences.map(occurrenceNode), more)));
}

function groups() {
  return [...list.querySelectorAll(":scope > li.group")];
}

function current() {
  return list.querySelector(":scope > li.group.current");
}

function focusGroup(index) {
  const all = groups();
  if (!all.length) return;
  const node = all[Math.max(0, Math.min(index, all.length - 1))];
  current()?.classList.remove("current");
  node.classList.add("current");
  node.focus({ preventScroll: true });
  node.scrollIntoView({ block: "nearest" });
}

function showEmpty(queue) {
  document.getElementById("queue-loading").hidden = true;
  document.getElementById("queue-empty").hidden = groups().length > 0;
  const more = document.getElementById("queue-more");
  more.hidden = !queue || !queue.hidden;
  if (queue && queue.hidden) more.textContent = `${plural(queue.hidden, "more group")} not shown: decide these to bring them in.`;
}

async function loadQueue(focusAt) {
  const queue = await attempt(() => api("/api/deid/queue"));
  if (!queue) return;
  generic = queue.generic;
  list.replaceChildren(...queue.groups.map(groupNode));
  showStatus(queue.status);
  showEmpty(queue);
  if (focusAt !== undefined && focusAt >= 0) focusGroup(focusAt);
}

function pendingShown() {
  return groups().reduce((sum, g) => sum + Number(g.dataset.count), 0);
}

// After a decision: if it settled more than what the page removed (or the page shows a part), reload the queue.
async function settle(status, focusAt) {
  showStatus(status);
  if (status.pending !== pendingShown() || !document.getElementById("queue-more").hidden) await loadQueue(focusAt);
  else {
    showEmpty(null);
    if (focusAt >= 0) focusGroup(focusAt);
  }
}

const LABELS = { accept: "Accepted", reject: "Rejected", always: "Added to the register", never: "Never flagged" };

async function decideGroup(node, decision) {
  if (!node || node.classList.contains("busy")) return;
  const select = node.querySelector("select.category");
  const body = { ids: node.dataset.ids.split(" ").map(Number), decision };
  if ((decision === "accept" || decision === "always") && select.value !== select.dataset.original) body.category = select.value;
  if (decision === "always") body.replacement = node.querySelector("input.pseudonym").value.trim() || null;
  const text = node.querySelector(".group-text").textContent;
  node.classList.add("busy");
  const result = await attempt(() => api("/api/deid/decide", { method: "POST", body }),
    (r) => `${LABELS[decision]}: “${text}” (${plural(r.decided, "occurrence")})`);
  node.classList.remove("busy");
  if (!result) return;
  const at = groups().indexOf(node);
  node.remove();
  if (result.identifiers) renderRegister(result.identifiers);
  if (result.allowed) renderAllowed(result.allowed);
  await settle(result.status, at);
}

async function decideOne(item, decision) {
  const group = item.closest("li.group");
  const id = Number(item.dataset.id);
  const result = await attempt(() => api("/api/deid/decide", { method: "POST", body: { ids: [id], decision } }),
    `${LABELS[decision]}: one occurrence`);
  if (!result) return;
  item.remove();
  const ids = group.dataset.ids.split(" ").filter((i) => Number(i) !== id);
  const at = groups().indexOf(group);
  if (!ids.length) group.remove();
  else {
    group.dataset.ids = ids.join(" ");
    group.dataset.count = ids.length;
    group.querySelector(".count").textContent = plural(ids.length, "occurrence");
    group.querySelector(".occurrences summary").textContent = `Every occurrence (${ids.length})`;
  }
  await settle(result.status, ids.length ? -1 : at);
}

list.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button) return;
  const group = button.closest("li.group");
  if (button.dataset.decision) decideGroup(group, button.dataset.decision);
  else if (button.dataset.one) decideOne(button.closest("li.occurrence"), button.dataset.one);
});

list.addEventListener("focusin", (event) => {
  const group = event.target.closest("li.group");
  if (group && !group.classList.contains("current")) {
    current()?.classList.remove("current");
    group.classList.add("current");
  }
});

const KEYS = { a: "accept", A: "always", r: "reject", n: "never" };

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  const at = groups().indexOf(current());
  if (event.key === "j") focusGroup(at + 1);
  else if (event.key === "k") focusGroup(at < 0 ? 0 : at - 1);
  else if (KEYS[event.key] && at >= 0) decideGroup(current(), KEYS[event.key]);
  else return;
  event.preventDefault();
});

document.getElementById("scan").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  button.disabled = true;
  flash("Scanning the sources…", "info");
  const report = await attempt(() => api("/api/deid/scan", { method: "POST", body: {} }),
    (r) => `Scanned ${plural(r.sources, "source")}: ${plural(r.new, "new candidate")}, ${r.pending} waiting for review`);
  button.disabled = false;
  if (report) await loadQueue(-1);
});

document.getElementById("accept-register").addEventListener("click", async () => {
  const result = await attempt(() => api("/api/deid/accept-register", { method: "POST" }),
    (r) => `Accepted ${plural(r.decided, "register match")}`);
  if (result) await loadQueue(-1);
});

// -- the register and the allow-list ------------------------------------------------------------
function registerRow(entry) {
  const input = el("input", { type: "text", id: `pseudonym-${entry.id}`, name: "replacement", required: true, autocomplete: "off" });
  input.value = entry.replacement;
  return el("tr", { dataset: { id: entry.id } },
    el("td", {}, entry.category),
    el("td", {}, entry.value === null ? el("span", { class: "muted" }, "(key removed)") : entry.value),
    el("td", {}, entry.variants.join("; ")),
    el("td", {}, el("form", { class: "pseudonym-form inline", dataset: { id: entry.id } },
      el("label", { class: "sr-only", for: `pseudonym-${entry.id}` }, `Pseudonym of entry ${entry.id}`), input,
      el("button", { type: "submit", class: "small secondary" }, "Save"))),
    el("td", {}, el("button", { type: "button", class: "small secondary remove-identifier", dataset: { id: entry.id } }, "Remove")));
}

function renderRegister(entries) {
  document.querySelector("#register-table tbody").replaceChildren(...entries.map(registerRow));
  document.getElementById("register-empty").hidden = entries.length > 0;
}

function renderAllowed(terms) {
  document.getElementById("allow-list").replaceChildren(...terms.map((t) => el("li", {}, t)));
  document.getElementById("allow-empty").hidden = terms.length > 0;
}

const registerTable = document.getElementById("register-table");
registerTable.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const body = { id: Number(form.dataset.id), replacement: form.elements.replacement.value };
  const result = await attempt(() => api("/api/deid/register", { method: "POST", body }),
    (r) => `The pseudonym is now ${r.identifier.replacement}`);
  if (result) { renderRegister(result.identifiers); await loadQueue(-1); }
});

registerTable.addEventListener("click", async (event) => {
  const button = event.target.closest("button.remove-identifier");
  if (!button) return;
  const result = await attempt(() => api(`/api/deid/register/${button.dataset.id}`, { method: "DELETE" }),
    "Removed from the register");
  if (result) { renderRegister(result.identifiers); showStatus(result.status); await loadQueue(-1); }
});

document.getElementById("add-identifier").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const body = {
    value: form.elements.value.value, category: form.elements.category.value,
    replacement: form.elements.replacement.value || null, variants: form.elements.variants.value,
  };
  const result = await attempt(() => api("/api/deid/register", { method: "POST", body }),
    (r) => `Added to the register as ${r.identifier.replacement}; scan again to find it`);
  if (!result) return;
  form.reset();
  renderRegister(result.identifiers);
  showStatus(result.status);
});

document.getElementById("add-allow").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const term = form.elements.term.value;
  const result = await attempt(() => api("/api/deid/allow", { method: "POST", body: { term } }),
    `“${term}” will never be flagged`);
  if (!result) return;
  form.reset();
  renderAllowed(result.allowed);
  await loadQueue(-1);
});

// -- apply ---------------------------------------------------------------------------------------------
const confirmBox = document.getElementById("apply-confirm");
const keep = document.getElementById("keep-original");
const allowPending = document.getElementById("allow-pending");

document.getElementById("apply-start").addEventListener("click", () => {
  const pending = Number(document.getElementById("status-pending").textContent);
  document.getElementById("apply-confirm-text").textContent = [
    "Rewrite every source with its pseudonyms now? This cannot be undone.",
    keep.checked ? "The original text stays in the project." : "The original text is purged from the project and the file is vacuumed.",
    pending ? `${plural(pending, "candidate")} still waiting for review ${allowPending.checked ? "will stay as they are" : "will stop it: decide them first"}.` : "",
  ].filter(Boolean).join(" ");
  confirmBox.hidden = false;
  document.getElementById("apply-now").focus();
});

document.getElementById("apply-cancel").addEventListener("click", () => { confirmBox.hidden = true; });

function applyReport(report) {
  const flagged = report.flagged.length
    ? [el("h3", {}, `${plural(report.flagged.length, "segment")} to check: mostly identifiers before`),
      el("table", { class: "data flagged" },
        el("thead", {}, el("tr", {}, el("th", {}, "Source"), el("th", {}, "Code"), el("th", {}, "Now reads"))),
        el("tbody", {}, report.flagged.map((f) => el("tr", {},
          el("td", {}, f.source_id ? el("a", { href: `/sources/${f.source_id}` }, f.source) : f.source),
          el("td", {}, f.code), el("td", {}, f.text)))))]
    : [];
  const backups = report.backups.length
    ? [el("p", { class: "muted note" }, "Backups of the project file (made before upgrades; they may still hold original text):"),
      el("ul", { class: "backups" }, report.backups.map((b) => el("li", {}, b)))]
    : [];
  return el("div", { class: "apply-result" },
    el("p", { class: "ok-text" }, `De-identified ${plural(report.sources.length, "source")}`,
      report.sources.length ? ` (${report.sources.join(", ")})` : "", `: ${plural(report.replacements, "replacement")}, `,
      `${plural(report.segments_moved, "segment")} carried over`,
      report.notes_cleaned ? `, ${plural(report.notes_cleaned, "note")} cleaned` : "", ". ",
      report.kept_original ? "The original text is kept in the project." : "The original text was purged and the file vacuumed."),
    report.left_pending ? el("p", { class: "warn-text" }, `${plural(report.left_pending, "candidate")} were left undecided, as they are.`) : null,
    flagged, backups);
}

document.getElementById("apply-now").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  button.disabled = true;
  flash("Applying… this rewrites every source.", "info");
  const body = { keep_original: keep.checked, allow_pending: allowPending.checked };
  const report = await attempt(() => api("/api/deid/apply", { method: "POST", body }),
    (r) => `De-identified ${plural(r.sources.length, "source")} (${plural(r.replacements, "replacement")})`);
  button.disabled = false;
  confirmBox.hidden = true;
  if (!report) return;
  document.getElementById("apply-report").replaceChildren(applyReport(report));
  showStatus(report.status);
  await loadQueue(-1);
});

// -- notes ---------------------------------------------------------------------------------------------
document.getElementById("check-notes").addEventListener("click", async () => {
  const result = await attempt(() => api("/api/deid/check-notes"));
  if (!result) return;
  const box = document.getElementById("notes-findings");
  if (!result.identifiers) box.replaceChildren(el("p", { class: "muted" }, "The register is empty: there is nothing to look for yet."));
  else if (!result.findings.length) box.replaceChildren(el("p", { class: "ok-text" }, "No register identifier in your notes."));
  else box.replaceChildren(el("p", { class: "warn-text" }, `${plural(result.findings.length, "place")} to edit:`),
    el("ul", { class: "findings" }, result.findings.map((f) => el("li", {}, f))));
});

// -- disclosure ------------------------------------------------------------------------------------------
async function setRule(attribute, kind, width) {
  const body = { attribute, kind: kind || null, width: width === "" || width === undefined ? null : Number(width) };
  const result = await attempt(() => api("/api/deid/rule", { method: "POST", body }));
  if (result) reloadWith(`Reporting rule for ${attribute}: ${kind || "none"}`, "/deid#disclosure");
}

document.getElementById("rules-table").addEventListener("click", (event) => {
  const button = event.target.closest("button.save-rule");
  if (!button) return;
  const row = button.closest("tr");
  setRule(row.dataset.attribute, row.querySelector(".rule-kind").value, row.querySelector(".rule-width").value);
});

for (const button of document.querySelectorAll(".apply-suggestion")) {
  button.addEventListener("click", () => setRule(button.dataset.attribute, button.dataset.kind, button.dataset.width));
}

document.getElementById("k-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const k = Number(event.currentTarget.elements.k.value);
  const result = await attempt(() => api("/api/deid/k", { method: "POST", body: { k } }));
  if (result) reloadWith(`k is now ${result.k}`, "/deid#disclosure");
});

loadQueue();
