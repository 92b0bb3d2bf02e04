// The Coders page: add coders, toggle blind coding, choose the unit, resolve disagreements.
import { api, attempt, flash } from "./api.js";

// -- coders -------------------------------------------------------------------------
document.getElementById("add-coder")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const body = {
    name: form.elements.name.value,
    role: form.elements.role.value,
    blind: form.elements.blind.checked,
    recode_of: form.elements.recode_of.value || null,
  };
  const coder = await attempt(() => api("/api/coders", { method: "POST", body }), (c) => `Added ${c.name}${c.blind ? " (blind)" : ""}`);
  if (coder) setTimeout(() => location.reload(), 400);
});

for (const box of document.querySelectorAll(".blind-toggle")) {
  box.addEventListener("change", async () => {
    const name = box.dataset.name;
    const coder = await attempt(
      () => api("/api/coders", { method: "PUT", body: { name, blind: box.checked } }),
      (c) => `${c.name} ${c.blind ? "now codes blind" : "now sees everyone's coding"}`,
    );
    if (!coder) { box.checked = !box.checked; return; }
    box.nextElementSibling.textContent = coder.blind ? "blind" : "sees all";
  });
}

// Changing the unit recomputes the table at once (the Compare button does the same without a script).
document.getElementById("unit")?.addEventListener("change", (event) => event.currentTarget.form.requestSubmit());

// -- the disagreement queue ---------------------------------------------------------------
const bar = document.getElementById("queue-bar");
const coders = bar ? bar.dataset.coders.split("\n").filter(Boolean) : [];

function showProgress(progress) {
  document.getElementById("resolved-count").textContent = progress.resolved;
  document.getElementById("total-count").textContent = progress.disagreements;
  const meter = document.getElementById("progress-bar");
  meter.max = progress.disagreements;
  meter.value = progress.resolved;
}

function nextOpen(after) {
  let item = after.nextElementSibling;
  while (item && item.classList.contains("resolved")) item = item.nextElementSibling;
  return item;
}

async function resolve(place, button) {
  const body = {
    key: place.dataset.key,
    decision: button.dataset.decision,
    coder: button.dataset.coder || null,
    rationale: place.querySelector(".rationale").value,
    coders,
  };
  const label = button.dataset.coder ? `accept ${button.dataset.coder}` : button.dataset.decision;
  const result = await attempt(
    () => api("/api/disagreements/resolve", { method: "POST", body }),
    (r) => `Resolved ${body.key} (${label}): ${r.written} consensus segment${r.written === 1 ? "" : "s"}`,
  );
  if (!result) return;
  showProgress(result.progress);
  place.classList.add("resolved");
  place.querySelector(".status").textContent = `resolved: ${label}`;
  place.querySelector("details").open = false;
  const next = nextOpen(place);
  if (next) {
    next.querySelector("details").open = true;
    next.querySelector(".resolve button")?.focus();
    next.scrollIntoView({ block: "nearest" });
  }
}

document.getElementById("places")?.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-decision]");
  if (button) resolve(button.closest(".place"), button);
});

document.getElementById("accept-agreed")?.addEventListener("click", async () => {
  const result = await attempt(() => api("/api/disagreements/accept-agreed", { method: "POST", body: { coders } }));
  if (!result) return;
  showProgress(result.progress);
  flash(`${result.written} agreed segments copied into the consensus layer`, "ok");
});

document.getElementById("hide-resolved")?.addEventListener("change", (event) => {
  document.getElementById("places").classList.toggle("hide-resolved", event.currentTarget.checked);
});
