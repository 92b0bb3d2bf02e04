// The themes board: drag codes between the pool and themes, create, define, merge, delete, review.
import { api, attempt, el, flash } from "./api.js";
import { paintSwatches, reloadWith, showStoredFlash } from "./pages.js";
import { themesAssist } from "./assist.js";

showStoredFlash();
paintSwatches();
themesAssist();  // "Suggest groupings" (optional local assistance)

async function change(action, message) {
  const result = await attempt(action);
  if (result !== undefined) reloadWith(typeof message === "function" ? message(result) : message);
  return result;
}

const assign = (themeId, code, from) =>
  change(() => api(`/api/themes/${themeId}/codes`, { method: "POST", body: { codes: [Number(code)], from_theme: from ? Number(from) : null } }),
    (theme) => `Now in ${theme.name}`);
const unassign = (themeId, code) =>
  change(() => api(`/api/themes/${themeId}/codes/${code}`, { method: "DELETE" }), (theme) => `Taken out of ${theme.name}`);

// -- drag and drop ----------------------------------------------------------------------
let dragged = null;
const dropTarget = (event) => event.target.closest?.(".theme-card, .pool");

document.addEventListener("dragstart", (event) => {
  const chip = event.target.closest?.(".chip");
  if (!chip) return;
  dragged = { code: chip.dataset.codeId, from: chip.dataset.from };
  event.dataTransfer.setData("text/plain", JSON.stringify(dragged));
  event.dataTransfer.effectAllowed = "move";
  chip.classList.add("dragging");
});
document.addEventListener("dragend", (event) => {
  event.target.closest?.(".chip")?.classList.remove("dragging");
  for (const node of document.querySelectorAll(".over")) node.classList.remove("over");
  dragged = null;
});
document.addEventListener("dragover", (event) => {
  const zone = dropTarget(event);
  if (!dragged || !zone) return;
  const to = zone.dataset.themeId || "";
  if (to === dragged.from || (zone.matches(".pool") && !dragged.from)) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = "move";
  zone.classList.add("over");
});
document.addEventListener("dragleave", (event) => {
  const zone = dropTarget(event);
  if (zone && !zone.contains(event.relatedTarget)) zone.classList.remove("over");
});
document.addEventListener("drop", (event) => {
  const zone = dropTarget(event);
  if (!zone || !dragged) return;
  event.preventDefault();
  zone.classList.remove("over");
  const { code, from } = dragged;
  if (zone.matches(".pool")) {
    if (from) unassign(from, code);
  } else if (zone.dataset.themeId !== from) {
    assign(zone.dataset.themeId, code, from);
  }
});

// -- keyboard alternatives and buttons -------------------------------------------------------
for (const button of document.querySelectorAll(".chip-x")) {
  button.addEventListener("click", () => unassign(button.dataset.themeId, button.dataset.codeId));
}
for (const form of document.querySelectorAll(".add-code")) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = form.querySelector("select").value;
    if (!code) flash("Choose a code to add.", "error");
    else assign(form.dataset.themeId, code, null);
  });
}

document.getElementById("new-theme")?.addEventListener("submit", (event) => {
  event.preventDefault();
  const name = document.getElementById("new-name").value;
  const parent = document.getElementById("new-parent").value;
  change(() => api("/api/themes", { method: "POST", body: { name, parent: parent ? Number(parent) : null } }),
    (theme) => `Created ${theme.name}`);
});
for (const button of document.querySelectorAll(".add-sub")) {
  button.addEventListener("click", () => {
    document.getElementById("new-parent").value = button.dataset.themeId;
    const name = document.getElementById("new-name");
    name.scrollIntoView({ block: "center" });
    name.focus();
    flash("Name the subtheme, then press Create.", "info");
  });
}

document.getElementById("merge-themes")?.addEventListener("submit", (event) => {
  event.preventDefault();
  const from = Number(document.getElementById("merge-from").value);
  const into = Number(document.getElementById("merge-into").value);
  const name = (id) => document.getElementById(`theme-${id}`)?.dataset.name;
  if (!confirm(`Merge ${name(from)} into ${name(into)}? Its codes, key extracts and subthemes move over.`)) return;
  change(() => api("/api/themes/merge", { method: "POST", body: { themes: [from], into } }), (theme) => `Merged into ${theme.name}`);
});

for (const button of document.querySelectorAll(".restore")) {
  button.addEventListener("click", () =>
    change(() => api(`/api/themes/${button.dataset.themeId}/restore`, { method: "POST" }), (theme) => `Restored ${theme.name}`));
}

// -- define (name, parent, definition, concept, narrative, status) ---------------------------------
const dialog = document.getElementById("define-dialog");
const form = document.getElementById("define-form");
let editing = null;

for (const button of document.querySelectorAll(".theme-card .edit")) {
  button.addEventListener("click", () => {
    editing = document.getElementById(`theme-${button.dataset.themeId}`);
    const data = editing.dataset;
    form.elements.name.value = data.name;
    form.elements.parent.value = data.parent;
    form.elements.definition.value = data.definition;
    form.elements.concept.value = data.concept;
    form.elements.narrative.value = data.narrative;
    form.elements.status.value = data.status;
    const blocked = below(data.themeId);
    for (const option of form.elements.parent.options) option.disabled = blocked.has(option.value);
    dialog.showModal();
  });
}
document.getElementById("define-cancel")?.addEventListener("click", () => dialog.close());
document.getElementById("define-delete")?.addEventListener("click", () => {
  if (!editing || !confirm(`Delete the theme ${editing.dataset.name}? Its subthemes move up; you can restore it.`)) return;
  dialog.close();
  change(() => api(`/api/themes/${editing.dataset.themeId}`, { method: "DELETE" }), (theme) => `Deleted ${theme.name}`);
});

// A theme cannot go under itself or one of its subthemes: those choices are disabled.
function below(id) {
  const cards = [...document.querySelectorAll(".theme-card")];
  const found = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const card of cards) {
      if (found.has(card.dataset.parent) && !found.has(card.dataset.themeId)) {
        found.add(card.dataset.themeId);
        grew = true;
      }
    }
  }
  return found;
}
form?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const id = editing.dataset.themeId;
  const values = form.elements;
  const done = await attempt(async () => {
    if (values.name.value.trim() !== editing.dataset.name) {
      await api(`/api/themes/${id}/rename`, { method: "POST", body: { name: values.name.value } });
    }
    if (values.parent.value !== editing.dataset.parent) {
      await api(`/api/themes/${id}/move`, { method: "POST", body: { parent: values.parent.value ? Number(values.parent.value) : null } });
    }
    const body = {};
    for (const key of ["definition", "concept", "narrative", "status"]) {
      if (values[key].value !== editing.dataset[key]) body[key] = values[key].value;
    }
    return Object.keys(body).length ? api(`/api/themes/${id}`, { method: "PUT", body }) : true;
  });
  if (done !== undefined) {
    dialog.close();
    reloadWith("Saved");
  }
});

// -- phase 4 review -------------------------------------------------------------------------
const review = document.getElementById("review-dialog");
document.getElementById("review-close")?.addEventListener("click", () => review.close());

function quoteButton(themeId, extract, chosen) {
  const button = el("button", { type: "button", class: "small secondary", "aria-pressed": chosen ? "true" : "false" },
    chosen ? "Key extract ✓" : "Use as key extract");
  button.addEventListener("click", async () => {
    const on = button.getAttribute("aria-pressed") === "true";
    const path = on ? `/api/themes/${themeId}/quotes/${extract.segment_id}` : `/api/themes/${themeId}/quotes`;
    const result = await attempt(() => api(path, on ? { method: "DELETE" } : { method: "POST", body: { segment_id: extract.segment_id } }),
      on ? "No longer a key extract" : "Chosen as a key extract");
    if (result) {
      button.setAttribute("aria-pressed", on ? "false" : "true");
      button.textContent = on ? "Use as key extract" : "Key extract ✓";
    }
  });
  return button;
}

function extractNode(themeId, x, chosen) {
  const where = x.participant && x.participant !== x.source ? `${x.source} (${x.participant})` : x.source;
  return el("article", { class: "extract" },
    el("header", {},
      el("a", { href: x.href }, where),
      el("span", { class: "muted" }, `${x.speaker || ""} · ${x.code} · ${x.coder} · #${x.segment_id}`),
      quoteButton(themeId, x, chosen)),
    el("p", { class: "context" }, x.before ? `…${x.before}` : "", el("mark", {}, x.text), x.after ? `${x.after}…` : ""));
}

function reviewNode(data) {
  const theme = data.theme;
  const chosen = new Set(theme.quote_ids);
  const facts = el("dl", { class: "facts" },
    el("dt", {}, "Participants"), el("dd", {}, `${data.participants.length} of ${data.participants_total}: ${data.participants.join(", ") || "none"}`),
    el("dt", {}, "Sources"), el("dd", {}, String(data.sources)),
    el("dt", {}, "Segments"), el("dd", {}, `${data.segments} (${data.shared_segments} shared with other themes)`),
    el("dt", {}, "Codes"), el("dd", {}, data.codes.join(", ") || "none"),
    data.subthemes.length ? [el("dt", {}, "Subthemes"), el("dd", {}, data.subthemes.join(", "))] : []);
  const parts = [el("p", { class: "muted" }, `Status: ${theme.status}`), facts];
  if (theme.definition) parts.push(el("p", {}, el("b", {}, "Definition: "), theme.definition));
  if (theme.concept) parts.push(el("p", {}, el("b", {}, "Central organising concept: "), theme.concept));
  parts.push(el("h3", {}, `Extracts (${data.extracts.length})`));
  parts.push(el("div", { class: "extracts" }, data.extracts.map((x) => extractNode(theme.id, x, chosen.has(x.segment_id)))));
  if (!data.extracts.length) parts.push(el("p", { class: "muted" }, "No coded extracts yet."));
  return parts;
}

for (const button of document.querySelectorAll(".theme-card .review")) {
  button.addEventListener("click", async () => {
    const data = await attempt(() => api(`/api/themes/${button.dataset.themeId}/review`));
    if (!data) return;
    document.getElementById("review-heading").textContent = `Review: ${data.theme.name}`;
    document.getElementById("review-body").replaceChildren(...reviewNode(data));
    review.showModal();
  });
}
