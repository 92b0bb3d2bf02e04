// Queries: search as you type (the form still works without this, through the server-rendered page).
import { api, el } from "./api.js";

const form = document.getElementById("search-form");
const box = document.getElementById("q");
const only = document.getElementById("participants-only");
const list = document.getElementById("results");
const status = document.getElementById("search-status");
let timer = null;
let asked = 0;

function render(query, results) {
  list.replaceChildren(...results.map((r) =>
    el("li", {}, el("a", { href: r.href }, r.source), " ",
      el("span", { class: "snippet" }, r.before, el("mark", {}, r.match), r.after))));
  const n = results.length;
  status.textContent = query.trim()
    ? `${n} result${n === 1 ? "" : "s"} for “${query}”${n === 50 ? " (the best 50)" : ""}.`
    : "Search every source; each result opens the reader at that place.";
}

async function search() {
  const query = box.value;
  const ticket = ++asked;
  const params = new URLSearchParams({ q: query });
  if (only.checked) params.set("participants_only", "true");
  try {
    const data = await api(`/api/search?${params}`);
    if (ticket !== asked) return; // a newer search has started
    render(query, data.results);
    history.replaceState(null, "", `/queries?tool=search&${params}`);
  } catch (error) {
    status.textContent = error.message;
  }
}

if (form) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    search();
  });
  box.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  });
  only.addEventListener("change", search);
}
