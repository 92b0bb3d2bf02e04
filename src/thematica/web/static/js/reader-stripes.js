// Coding stripes: one thin bar per segment beside the text, measured from the laid-out text (Range rects);
// a lane per overlap, a group and a bar style per coder. Bars are buttons; their colours go in through CSSOM.
import { el } from "./api.js";

const LANE = 9, GROUP = 12, THINNEST = 4;

// Segments -> {seg, top, bottom} in the stripe column's coordinates (only those laid out and shown).
function measure(box, { segments, hidden, rangeFor }) {
  const base = box.getBoundingClientRect();
  const spots = [];
  for (const seg of segments) {
    if (hidden.has(seg.coder_id)) continue;
    const rects = [...rangeFor(seg.start, seg.end).getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    if (!rects.length) continue;
    const top = Math.min(...rects.map((r) => r.top)) - base.top;
    spots.push({ seg, top, bottom: Math.max(...rects.map((r) => r.bottom)) - base.top });
  }
  return spots;
}

// Lanes per coder: a segment takes the first lane free at its height.
function lanes(spots, { coders, hidden }) {
  const groups = [];
  for (const coder of coders) {
    if (hidden.has(coder.id)) continue;
    const mine = spots.filter((s) => s.seg.coder_id === coder.id).sort((a, b) => a.top - b.top || b.bottom - a.bottom);
    const ends = [];
    for (const spot of mine) {
      let lane = ends.findIndex((bottom) => bottom + 3 <= spot.top);
      if (lane < 0) { lane = ends.length; ends.push(0); }
      ends[lane] = spot.bottom;
      Object.assign(spot, { lane, style: coder.style });
    }
    groups.push({ coder, mine, count: Math.max(ends.length, 1) });
  }
  return groups;
}

// The column has a fixed width (so the text never reflows): lanes get thinner, and fold over when very many.
export function drawStripes(box, data) {
  const spots = measure(box, data);
  const groups = lanes(spots, data);
  const room = box.clientWidth - GROUP * Math.max(groups.length - 1, 0);
  const total = groups.reduce((n, g) => n + g.count, 0) || 1;
  const pitch = Math.max(THINNEST, Math.min(LANE, Math.floor(room / total)));
  const nodes = [];
  let x = 0;
  for (const group of groups) {
    const fit = Math.max(1, Math.min(group.count, Math.floor((room * group.count) / total / pitch)));
    for (const spot of group.mine) spot.left = x + (spot.lane % fit) * pitch;
    const head = el("span", { class: "stripe-head", title: group.coder.name, "aria-hidden": "true" }, initials(group.coder.name));
    head.style.left = `${x}px`;
    nodes.push(head);
    if (x > 0) {
      const divider = el("span", { class: "stripe-gap", "aria-hidden": "true" });
      divider.style.left = `${x - GROUP / 2 - 1}px`;
      nodes.push(divider);
    }
    x += fit * pitch + GROUP;
  }
  spots.sort((a, b) => a.top - b.top || a.left - b.left);
  for (const spot of spots) {
    const { seg } = spot;
    const bar = el("button", {
      type: "button", class: `stripe style-${spot.style}`, tabindex: "-1", dataset: { id: String(seg.id) },
      title: `${seg.code} · ${seg.coder}`, "aria-label": `${seg.code}, coded by ${seg.coder}: ${seg.text.slice(0, 80)}`,
    });
    bar.style.setProperty("--c", seg.colour);
    bar.style.top = `${spot.top}px`;
    bar.style.height = `${Math.max(spot.bottom - spot.top, 6)}px`;
    bar.style.left = `${spot.left}px`;
    if (pitch < LANE) bar.style.width = `${pitch - 2}px`;
    if (data.activeId === seg.id) bar.classList.add("active");
    nodes.push(bar);
  }
  box.replaceChildren(...nodes);
  (box.querySelector(".stripe.active") || box.querySelector(".stripe"))?.setAttribute("tabindex", "0");
}

function initials(name) {
  return name.split(/\s+/).map((w) => w[0]).join("").slice(0, 3).toUpperCase();
}
