// The reports page: answer COREQ items; fetch reports and exports so that one the disclosure check
// blocks shows why (its message and findings) instead of leaving the page for an error.
import { api, attempt, el, flash } from "./api.js";
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

const blocked = document.getElementById("blocked");

function showBlocked(message, findings) {
  document.getElementById("blocked-message").textContent = message;
  document.getElementById("blocked-findings").replaceChildren(...findings.map((f) => el("li", {}, f)));
  blocked.hidden = false;
  blocked.scrollIntoView({ block: "nearest" });
}

function filename(response) {
  const header = response.headers.get("content-disposition") || "";
  return /filename="([^"]+)"/.exec(header)?.[1] || "download";
}

async function download(link) {
  blocked.hidden = true;
  flash(link.classList.contains("report-link") ? "Writing the report… it downloads in a few seconds." : "Preparing the download…", "info");
  let response;
  try {
    response = await fetch(link.href, { credentials: "same-origin" });
  } catch (error) {
    flash(error.message, "error");
    return;
  }
  if (!response.ok) {
    const data = response.headers.get("content-type")?.includes("application/json") ? await response.json() : null;
    const message = (data && data.error) || `${response.status} ${response.statusText}`;
    flash(message, "error");
    showBlocked(message, (data && data.findings) || []);
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const save = el("a", { href: url, download: filename(response), class: "hidden" });
  document.body.append(save);
  save.click();
  save.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  flash(`Downloaded ${save.download}`, "ok");
}

const CHECKED = 'a[href^="/reports/download/"], a[href^="/reports/export/"], a[href^="/queries/download/"]';
for (const link of document.querySelectorAll(CHECKED)) {
  link.addEventListener("click", (event) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;  // a new tab: the plain link
    event.preventDefault();
    download(link);
  });
}
