// The journal page: add a reflexive journal entry or a project memo.
import { api, attempt } from "./api.js";
import { reloadWith, showStoredFlash } from "./pages.js";

showStoredFlash();

function wire(formId, fieldId, path, message) {
  const form = document.getElementById(formId);
  form?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = document.getElementById(fieldId).value;
    const saved = await attempt(() => api(path, { method: "POST", body: { text } }));
    if (saved) reloadWith(message(saved));
  });
}

wire("entry-form", "entry-text", "/api/journal", (m) => `Journal entry added (phase ${m.phase})`);
wire("memo-form", "memo-text", "/api/journal/memos", () => "Memo added");
