// The codebook: document a code, rename, move (drag and drop or "Move to"), merge, delete and restore.
import { api, attempt, flash } from "./api.js";
import { fields, paintSwatches, reloadWith, showStoredFlash } from "./pages.js";

showStoredFlash();
paintSwatches();

async function change(action, message, url) {
  const result = await attempt(action);
  if (result !== undefined) reloadWith(typeof message === "function" ? message(result) : message, url);
}

function moveCode(id, parent) {
  return change(() => api(`/api/codes/${id}/move`, { method: "POST", body: { parent } }), (code) => `Moved: ${code.path}`);
}

// Drag a code row onto another row (put it underneath) or onto the top-level zone.
const tree = document.getElementById("code-tree");
const top = document.getElementById("top-drop");
let dragged = null;

tree?.addEventListener("dragstart", (event) => {
  const row = event.target.closest?.(".code-row");
  if (!row) return;
  dragged = row.dataset.codeId;
  event.dataTransfer.setData("text/plain", dragged);
  event.dataTransfer.effectAllowed = "move";
  row.classList.add("dragging");
  top?.classList.add("active");
});
tree?.addEventListener("dragend", (event) => {
  event.target.closest?.(".code-row")?.classList.remove("dragging");
  top?.classList.remove("active");
  dragged = null;
});

function target(event) {
  return event.target.closest?.(".code-row, #top-drop");
}

for (const zone of [tree, top]) {
  zone?.addEventListener("dragover", (event) => {
    const over = target(event);
    if (!dragged || !over || over.dataset.codeId === dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    over.classList.add("over");
  });
  zone?.addEventListener("dragleave", (event) => target(event)?.classList.remove("over"));
  zone?.addEventListener("drop", (event) => {
    const over = target(event);
    if (!over) return;
    event.preventDefault();
    over.classList.remove("over");
    const id = event.dataTransfer.getData("text/plain") || dragged;
    if (!id || id === over.dataset.codeId) return;
    moveCode(id, over.id === "top-drop" ? null : Number(over.dataset.codeId));
  });
}

document.getElementById("merge-form")?.addEventListener("submit", (event) => {
  event.preventDefault();
  const codes = [...document.querySelectorAll("#code-tree .pick:checked")].map((box) => Number(box.value));
  const into = Number(document.getElementById("merge-into").value);
  if (!codes.length) {
    flash("Tick the codes to merge first.", "error");
    return;
  }
  const names = codes.map((id) => document.querySelector(`.code-row[data-code-id="${id}"]`)?.dataset.name).join(", ");
  if (!confirm(`Merge ${names} into the chosen code? Their segments move over; you can restore them later.`)) return;
  change(() => api("/api/codebook/merge", { method: "POST", body: { codes, into } }), (code) => `Merged into ${code.name}`, `/codebook/${into}`);
});

for (const button of document.querySelectorAll(".restore")) {
  button.addEventListener("click", () =>
    change(() => api(`/api/codes/${button.dataset.codeId}/restore`, { method: "POST" }), (code) => `Restored ${code.name}`, `/codebook/${button.dataset.codeId}`));
}

const rename = document.getElementById("rename-form");
rename?.addEventListener("submit", (event) => {
  event.preventDefault();
  const name = document.getElementById("new-name").value;
  change(() => api(`/api/codes/${rename.dataset.codeId}/rename`, { method: "POST", body: { name } }), (code) => `Renamed to ${code.name}`);
});

const doc = document.getElementById("doc-form");
doc?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const saved = await attempt(() => api(`/api/codes/${doc.dataset.codeId}`, { method: "PUT", body: fields(doc) }), "Saved");
  if (saved) {
    const row = document.querySelector(`.code-row[data-code-id="${saved.id}"]`);
    if (row) {
      row.dataset.colour = saved.colour;
      paintSwatches(row.parentElement);
    }
  }
});

const move = document.getElementById("move-form");
move?.addEventListener("submit", (event) => {
  event.preventDefault();
  const value = document.getElementById("move-to").value;
  moveCode(move.dataset.codeId, value === "" ? null : Number(value));
});

const remove = document.getElementById("delete-code");
remove?.addEventListener("click", () => {
  if (!confirm(`Delete ${remove.dataset.name} and its sub-codes? Their segments are kept and come back if you restore it.`)) return;
  change(() => api(`/api/codes/${remove.dataset.codeId}`, { method: "DELETE" }), (r) => `Deleted ${r.names.join(", ")}`, "/codebook");
});
