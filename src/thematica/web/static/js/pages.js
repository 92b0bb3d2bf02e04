// Helpers shared by the codebook, themes, queries, journal and reports pages.
import { flash } from "./api.js";

const KEY = "thematica.flash";

// Reload the page (or go to `url`) and show `message` once it is back (the server renders the new state).
export function reloadWith(message, url) {
  if (message) sessionStorage.setItem(KEY, message);
  if (url) location.assign(url);
  else location.reload();
}

// Show the message a previous page left before reloading, if any.
export function showStoredFlash() {
  const message = sessionStorage.getItem(KEY);
  if (message) {
    sessionStorage.removeItem(KEY);
    flash(message, "ok");
  }
}

// Colour swatches: the code's colour comes from data-colour (never a style attribute: the CSP forbids them).
export function paintSwatches(root = document) {
  for (const node of root.querySelectorAll("[data-colour]")) {
    const colour = node.dataset.colour;
    const swatch = node.matches(".swatch") ? node : node.querySelector(".swatch");
    if (swatch && /^#[0-9a-f]{3,8}$/i.test(colour)) swatch.style.backgroundColor = colour;
  }
}

// The values of a form's named fields as a plain object.
export function fields(form) {
  return Object.fromEntries(new FormData(form).entries());
}
