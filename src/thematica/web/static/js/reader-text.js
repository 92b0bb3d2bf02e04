// The transcript's text as offsets: every .piece carries its UTF-16 start (data-start) and together the
// pieces cover the source's text exactly, so a DOM position and an offset convert both ways.

export function textMap(text, units) {
  const pieces = [...text.querySelectorAll(".piece")];
  const starts = pieces.map((p) => Number(p.dataset.start));
  const indexOf = new Map(pieces.map((p, i) => [p, i]));
  // words: the pieces a selection may start or end in (a turn's words, other text; not labels or blanks)
  const words = pieces.map((p) => p.classList.contains("text") || p.classList.contains("gap"));
  const full = pieces.map((p) => p.textContent).join("");
  if (full.length !== units) console.warn("thematica: the page text does not match the source");

  function pieceAt(offset, forEnd = false) {
    let lo = 0, hi = pieces.length - 1, found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (forEnd ? starts[mid] < offset : starts[mid] <= offset) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  }

  function point(offset, forEnd) {
    const i = pieceAt(offset, forEnd);
    const node = pieces[i].firstChild;
    return node ? [node, Math.max(0, Math.min(offset - starts[i], node.length))] : [pieces[i], 0];
  }

  // Offsets -> a DOM range (an end on a piece boundary stays in the piece before it).
  function rangeFor(start, end) {
    const range = document.createRange();
    range.setStart(...point(start, false));
    range.setEnd(...point(end, true));
    return range;
  }

  // A DOM boundary -> UTF-16 offset; a boundary outside the pieces goes to the next piece's start.
  function offsetOf(node, offset) {
    const element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    const piece = element?.closest?.(".piece");
    if (piece && indexOf.has(piece)) {
      const i = indexOf.get(piece);
      if (node.nodeType === Node.TEXT_NODE) return starts[i] + offset;
      return offset === 0 ? starts[i] : starts[i] + piece.textContent.length;
    }
    const probe = document.createRange();
    probe.setStart(node, offset);
    let lo = 0, hi = pieces.length - 1, found = full.length;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (probe.comparePoint(pieces[mid], 0) >= 0) { found = starts[mid]; hi = mid - 1; } else lo = mid + 1;
    }
    return found;
  }

  // Offsets clipped to words: no blank or label at either end, no surrounding white space.
  function clip(start, end) {
    const skip = (o) => !words[pieceAt(o)] || /\s/.test(full[o]);
    while (start < end && skip(start)) start += 1;
    while (end > start && skip(end - 1)) end -= 1;
    return start < end ? { start, end, text: full.slice(start, end) } : null;
  }

  // The page's selection as {start, end, text}, or null when nothing in the text is selected.
  function selected() {
    const selection = getSelection();
    if (!selection.rangeCount || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    if (!range.intersectsNode(text)) return null;
    return clip(offsetOf(range.startContainer, range.startOffset), offsetOf(range.endContainer, range.endOffset));
  }

  // The first words at or below a given height of the viewport (where keyboard selection starts).
  function firstWordsBelow(y) {
    return pieces.find((p, i) => words[i] && p.getBoundingClientRect().bottom > y) || pieces.find((p, i) => words[i]);
  }

  return { full, rangeFor, offsetOf, clip, selected, firstWordsBelow };
}

export function place(range) {
  const selection = getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

// Paint a range without touching the DOM (CSS Custom Highlight API; nothing where unsupported).
export function mark(name, range) {
  if (!window.CSS?.highlights) return;
  if (range) CSS.highlights.set(name, new Highlight(range)); else CSS.highlights.delete(name);
}

// Where to float something of a given width just below a range, in the coordinates of ``box``.
export function below(box, range, width = 300) {
  const rects = [...range.getClientRects()].filter((r) => r.width > 0);
  const last = rects.at(-1) || range.getBoundingClientRect();
  const base = box.getBoundingClientRect();
  const left = Math.min(Math.max(last.left - base.left, 0), base.width - width);
  return { left: Math.max(left, 0), top: last.bottom - base.top + 6 };
}
