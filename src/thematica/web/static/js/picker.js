// The code picker: type to filter, arrows + Enter to apply (several in a row), recent codes first,
// "create code" when nothing matches, in vivo; Escape closes.
import { api, el } from "./api.js";

const RECENT_MAX = 8;

export class Picker {
  // actions: { apply(codeId), create(name), inVivo() } each -> Promise<segment JSON | undefined>; closed(refocus)
  constructor(projectKey, actions) {
    this.actions = actions;
    this.box = document.getElementById("picker");
    this.input = document.getElementById("picker-input");
    this.list = document.getElementById("picker-list");
    this.applied = document.getElementById("picker-applied");
    this.recentKey = `thematica.recent-codes.${projectKey}`;
    this.codes = null;
    this.options = [];
    this.active = 0;
    this.done = new Set();
    this.busy = false;
    this.input.addEventListener("input", () => { this.active = 0; this.render(); });
    this.input.addEventListener("keydown", (event) => this.onKey(event));
    this.list.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus in the input
    this.list.addEventListener("click", (event) => {
      const item = event.target.closest("li[role=option]");
      if (item) this.choose(Number(item.dataset.index));
    });
    document.getElementById("picker-invivo").addEventListener("click", () => this.run(() => this.actions.inVivo(), true));
    document.addEventListener("mousedown", (event) => {
      if (this.isOpen() && !this.box.contains(event.target)) this.close(false);  // a click elsewhere: no refocus
    });
  }

  isOpen() { return !this.box.classList.contains("hidden"); }

  async load(force = false) {
    if (!this.codes || force) this.codes = await api("/api/codes");
    return this.codes;
  }

  async open(quote, position) {
    await this.load();
    this.done.clear();
    this.applied.textContent = "";
    document.getElementById("picker-quote").textContent = quote.length > 60 ? `${quote.slice(0, 57)}…` : quote;
    this.box.classList.remove("hidden");
    this.box.style.left = `${position.left}px`;
    this.box.style.top = `${position.top}px`;
    this.input.value = "";
    this.active = 0;
    this.render();
    this.input.focus();
    this.box.scrollIntoView({ block: "nearest" });
  }

  // Closing hands the selection back to the text (Escape), or leaves it to the click that closed it.
  close(refocus = true) {
    if (!this.isOpen()) return;
    this.box.classList.add("hidden");
    this.actions.closed(refocus);
  }

  recent() {
    try { return JSON.parse(localStorage.getItem(this.recentKey) || "[]"); } catch { return []; }
  }

  remember(codeId) {
    const ids = [codeId, ...this.recent().filter((id) => id !== codeId)].slice(0, RECENT_MAX);
    localStorage.setItem(this.recentKey, JSON.stringify(ids));
  }

  // What the list shows for the typed text: recent matches first, then the codebook order.
  matches() {
    const query = this.input.value.trim().toLowerCase();
    const found = this.codes.filter((c) => !query || c.path.toLowerCase().includes(query));
    const recent = this.recent();
    const rank = (c) => {
      const r = recent.indexOf(c.id);
      const prefix = query && c.name.toLowerCase().startsWith(query) ? 0 : 1;
      return [r < 0 ? RECENT_MAX : r, prefix];
    };
    const order = new Map(found.map((c, i) => [c.id, i]));
    found.sort((a, b) => {
      const [ra, pa] = rank(a), [rb, pb] = rank(b);
      return ra - rb || pa - pb || order.get(a.id) - order.get(b.id);
    });
    const options = found.map((code) => ({ code, recent: recent.includes(code.id) }));
    const name = this.input.value.trim();
    if (name && !this.codes.some((c) => c.name.toLowerCase() === name.toLowerCase())) options.push({ create: name });
    return options;
  }

  render() {
    this.options = this.matches();
    this.active = Math.max(0, Math.min(this.active, this.options.length - 1));
    const items = [];
    let heading = null;
    this.options.forEach((option, index) => {
      const group = option.create ? null : option.recent ? "Recent" : "All codes";
      if (group && group !== heading && this.options.some((o) => o.recent)) {
        items.push(el("li", { class: "group", role: "presentation" }, group));
        heading = group;
      }
      const attrs = { role: "option", id: `pick-${index}`, dataset: { index: String(index) },
        "aria-selected": index === this.active ? "true" : "false" };
      if (option.create) {
        items.push(el("li", { ...attrs, class: "create" }, `+ Create code “${option.create}” and apply it`));
        return;
      }
      const { code } = option;
      const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
      swatch.style.setProperty("--c", code.colour);
      const parent = code.path.includes(" / ") ? code.path.slice(0, code.path.lastIndexOf(" / ")) : "";
      items.push(el("li", attrs, swatch, el("span", { class: "name" }, code.name),
        this.done.has(code.id) ? el("span", { class: "done", "aria-label": "applied" }, "✓") : null,
        parent ? el("span", { class: "parent" }, parent) : null));
    });
    if (!this.options.length) items.push(el("li", { class: "empty", role: "presentation" }, "Type a name to create a code"));
    this.list.replaceChildren(...items);
    const current = this.options.length ? `pick-${this.active}` : "";
    this.input.setAttribute("aria-activedescendant", current);
    if (current) document.getElementById(current)?.scrollIntoView({ block: "nearest" });
  }

  onKey(event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const n = this.options.length;
      if (n) this.active = (this.active + (event.key === "ArrowDown" ? 1 : n - 1)) % n;
      this.render();
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (this.options.length) this.choose(this.active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      this.close();
    }
  }

  async choose(index) {
    const option = this.options[index];
    if (!option) return;
    if (option.create) {
      await this.run(() => this.actions.create(option.create), true);
    } else {
      const ok = await this.run(() => this.actions.apply(option.code.id));
      if (ok) this.mark(option.code);
    }
  }

  // Applied: remember it, tick it, clear the filter for the next code.
  mark(code) {
    this.remember(code.id);
    this.done.add(code.id);
    const names = this.codes.filter((c) => this.done.has(c.id)).map((c) => c.name);
    this.applied.textContent = `Applied: ${names.join(", ")}`;
    this.input.value = "";
    this.render();
    this.input.focus();
  }

  async run(action, reload = false) {
    if (this.busy) return false;
    this.busy = true;
    try {
      const result = await action();
      if (result && reload) {
        await this.load(true);
        const code = this.codes.find((c) => c.id === result.code_id);
        if (code) this.mark(code);
      }
      return Boolean(result);
    } finally {
      this.busy = false;
    }
  }
}
