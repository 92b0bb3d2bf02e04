// The sources list: filter rows by name and participant attributes; import files without leaving the page.
import { api, attempt, flash } from "./api.js";

const table = document.getElementById("sources-table");
const filters = document.getElementById("filters");
const count = document.getElementById("filter-count");

function applyFilters() {
  if (!table) return;
  const name = document.getElementById("filter-name").value.trim().toLowerCase();
  const wanted = [...filters.querySelectorAll("select[data-column]")]
    .filter((select) => select.value !== "")
    .map((select) => [select.dataset.column, select.value]);
  const rows = [...table.tBodies[0].rows];
  let shown = 0;
  for (const row of rows) {
    const cells = row.querySelectorAll("td[data-column]");
    const ok = (!name || row.dataset.name.toLowerCase().includes(name))
      && wanted.every(([column, value]) => cells[Number(column)]?.textContent === value);
    row.classList.toggle("hidden", !ok);
    if (ok) shown += 1;
  }
  count.textContent = shown === rows.length ? "" : `showing ${shown} of ${rows.length}`;
}

if (filters) {
  filters.addEventListener("input", applyFilters);
  filters.addEventListener("change", applyFilters);
  filters.addEventListener("submit", (event) => event.preventDefault());
  filters.addEventListener("reset", () => setTimeout(applyFilters, 0));
}

const form = document.getElementById("upload-form");
form?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = document.getElementById("upload-files");
  if (!input.files.length) { flash("Choose one or more files to import.", "error"); return; }
  const body = new FormData();
  for (const file of input.files) body.append("files", file, file.name);
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  const result = await attempt(() => api("/sources/upload", { method: "POST", body }));
  button.disabled = false;
  const box = document.getElementById("upload-error");
  box.textContent = result ? "" : `Nothing was imported: ${document.getElementById("flash").textContent}`;
  box.classList.toggle("hidden", Boolean(result));
  if (result) {
    const names = result.imported.map((s) => s.name).join(", ");
    sessionStorage.setItem("thematica.flash", `Imported ${names}.`);
    location.reload();
  }
});

const pending = sessionStorage.getItem("thematica.flash");
if (pending) {
  sessionStorage.removeItem("thematica.flash");
  flash(pending, "ok");
}
