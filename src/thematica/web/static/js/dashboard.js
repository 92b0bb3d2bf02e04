import { api, attempt } from "./api.js";

document.getElementById("phase-form")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const phase = Number(document.getElementById("phase").value);
  const result = await attempt(() => api("/api/phase", { method: "POST", body: { phase } }), (r) => `Moved to phase ${r.phase}: ${r.label}`);
  if (result) setTimeout(() => location.reload(), 400);
});
