// Talking to the local server: JSON in and out, the CSRF token on every change.
const csrf = document.querySelector('meta[name="csrf-token"]').content;

export async function api(path, { method = "GET", body } = {}) {
  const options = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (method !== "GET") {
    options.headers["X-CSRF-Token"] = csrf;
    if (body instanceof FormData) {
      options.body = body;
    } else if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
  }
  const response = await fetch(path, options);
  const data = response.headers.get("content-type")?.includes("application/json") ? await response.json() : null;
  if (!response.ok) {
    throw new Error((data && data.error) || `${response.status} ${response.statusText}`);
  }
  return data;
}

// A short message at the top of the page (text only: never HTML).
export function flash(message, kind = "info") {
  const box = document.getElementById("flash");
  if (!box) return;
  box.textContent = message;
  box.className = kind;
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => { box.textContent = ""; box.className = ""; }, 4000);
}

// Run an action, showing its error as a flash message instead of failing silently.
export async function attempt(action, success) {
  try {
    const result = await action();
    if (success) flash(typeof success === "function" ? success(result) : success, "ok");
    return result;
  } catch (error) {
    flash(error.message, "error");
    return undefined;
  }
}

// Build an element with text content (never innerHTML): el("li", {class: "x"}, "text", child)
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
