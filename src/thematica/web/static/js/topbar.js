// The top bar's Undo: revert the newest change, say what it was, reload.
import { api, attempt } from "./api.js";

document.getElementById("undo")?.addEventListener("click", async () => {
  const result = await attempt(() => api("/api/undo", { method: "POST" }), (r) => `Undid: ${r.summary}`);
  if (result) setTimeout(() => location.reload(), 600);
});
