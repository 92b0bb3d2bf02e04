// The reports page: answer COREQ items; say that a report is being written while it downloads.
import { api, attempt, flash } from "./api.js";
import { reloadWith, showStoredFlash } from "./pages.js";

showStoredFlash();

for (const form of document.querySelectorAll(".coreq-form")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = form.elements.answer.value;
    const saved = await attempt(() => api("/api/coreq", { method: "POST", body: { item: Number(form.dataset.item), answer } }));
    if (saved) reloadWith(`Answered item ${saved.item}`, `/reports#coreq-${saved.item}`);
  });
}

for (const link of document.querySelectorAll(".report-link")) {
  link.addEventListener("click", () => flash("Writing the report… it downloads in a few seconds.", "info"));
}
