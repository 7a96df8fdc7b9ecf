// Where the sticky notes go on the two circles. Pure geometry, no DOM.
//
// Theory of operation: the board is one SVG viewBox with two concentric circles. Notes are
// upright rectangles (text must stay level to be readable), so they are packed in rows: for a
// row of a given height, the part of the row that lies inside the outer circle, minus the part
// that would touch the inner circle, gives one or two free intervals, and each interval holds
// as many notes as fit. A binary search finds the largest note size at which both circles hold
// their notes; the inner radius is picked from a few candidates so the two circles share one
// note size (the board looks calm when all notes are alike). With few notes the size is capped
// and the inner notes cluster at the centre while the outer notes spread around the ring.

export const VIEW_WIDTH = 1000;
export const TOPIC_BAND = 128;
export const VIEW_HEIGHT = TOPIC_BAND + VIEW_WIDTH;
export const CENTER = {x: VIEW_WIDTH / 2, y: TOPIC_BAND + VIEW_WIDTH / 2};
export const OUTER_RADIUS = 488;

const ASPECT = 1.3; // width / height of a note
const MAX_WIDTH = 250;
const MIN_WIDTH = 14;
const RATIOS = [0.4, 0.43, 0.46, 0.49, 0.52, 0.55, 0.58, 0.61, 0.64, 0.67, 0.7, 0.73];
const PREFERRED_RATIO = 0.55;

/** Free spacing around a note of width `w`, in viewBox units. */
export function gapFor(w) {
  return Math.max(3, w * 0.07);
}

/**
 * Row intervals of the region between radius `inner` (0 for a disc) and `outer` for notes of
 * height `h`, as [{y, from, to}] with y the row centre and x relative to the centre.
 */
function rows(inner, outer, w, h, gap) {
  const pitch = h + gap;
  const usable = outer - gap; // keep a gap from the circle line
  const keepOut = inner > 0 ? inner + gap : 0;
  const count = Math.floor((2 * usable + gap) / pitch);
  const result = [];
  const top = -((count * pitch - gap) / 2);
  for (let i = 0; i < count; i += 1) {
    const y0 = top + i * pitch;
    const y1 = y0 + h;
    const far = Math.max(Math.abs(y0), Math.abs(y1));
    if (far >= usable) continue;
    const half = Math.sqrt(usable * usable - far * far);
    const near = y0 <= 0 && y1 >= 0 ? 0 : Math.min(Math.abs(y0), Math.abs(y1));
    const y = (y0 + y1) / 2;
    if (keepOut > near) {
      const edge = Math.sqrt(keepOut * keepOut - near * near);
      if (half > edge) {
        result.push({y, from: -half, to: -edge});
        result.push({y, from: edge, to: half});
      }
    } else {
      result.push({y, from: -half, to: half});
    }
  }
  return result;
}

function fits(length, w, gap) {
  return length < w ? 0 : Math.floor((length + gap) / (w + gap));
}

function capacity(inner, outer, w) {
  const h = w / ASPECT;
  const gap = gapFor(w);
  let total = 0;
  for (const row of rows(inner, outer, w, h, gap)) total += fits(row.to - row.from, w, gap);
  return total;
}

/** Every slot centre of a region for notes of width `w` (relative to the circle centre). */
function slots(inner, outer, w) {
  const h = w / ASPECT;
  const gap = gapFor(w);
  const result = [];
  for (const row of rows(inner, outer, w, h, gap)) {
    const n = fits(row.to - row.from, w, gap);
    if (n === 0) continue;
    const used = n * w + (n - 1) * gap;
    let x = row.from + (row.to - row.from - used) / 2 + w / 2;
    for (let i = 0; i < n; i += 1) {
      result.push({x, y: row.y});
      x += w + gap;
    }
  }
  return result;
}

/** Largest width (<= cap) at which `count` notes fit between `inner` and `outer`. */
function largestWidth(inner, outer, count, cap) {
  if (count === 0) return cap;
  if (capacity(inner, outer, cap) >= count) return cap;
  let lo = MIN_WIDTH;
  let hi = cap;
  if (capacity(inner, outer, lo) < count) return lo;
  for (let i = 0; i < 24 && hi - lo > 0.25; i += 1) {
    const mid = (lo + hi) / 2;
    if (capacity(inner, outer, mid) >= count) lo = mid;
    else hi = mid;
  }
  return lo;
}

function angleFromTop(p) {
  const a = Math.atan2(p.x, -p.y); // 0 at the top, clockwise
  return a < 0 ? a + 2 * Math.PI : a;
}

/** Pick `count` slots from `all`, spread evenly by angle (outer ring). */
function spreadByAngle(all, count) {
  const sorted = [...all].sort((a, b) => angleFromTop(a) - angleFromTop(b) || b.y - a.y);
  if (count >= sorted.length) return sorted;
  const picked = [];
  const step = sorted.length / count;
  for (let i = 0; i < count; i += 1) picked.push(sorted[Math.floor(i * step + step / 2)]);
  return picked;
}

/** Pick the `count` slots nearest the centre (inner disc), in reading order. */
function nearestCentre(all, count) {
  const chosen = [...all].sort((a, b) => a.x * a.x + a.y * a.y - (b.x * b.x + b.y * b.y)).slice(0, count);
  return chosen.sort((a, b) => a.y - b.y || a.x - b.x);
}

/**
 * The whole layout: the inner radius, one note size, and a centre per note (in the order given).
 *
 * @param {number} innerCount
 * @param {number} outerCount
 * @returns {{innerRadius: number, w: number, h: number, inner: {x: number, y: number}[],
 *            outer: {x: number, y: number}[]}}
 */
export function layoutBoard(innerCount, outerCount) {
  let best = null;
  for (const ratio of RATIOS) {
    const r = OUTER_RADIUS * ratio;
    const cap = Math.min(MAX_WIDTH, r * 1.05, (OUTER_RADIUS - r) * 1.05);
    const w = Math.min(largestWidth(0, r, innerCount, cap), largestWidth(r, OUTER_RADIUS, outerCount, cap));
    const score = w - Math.abs(ratio - PREFERRED_RATIO) * 30;
    if (best === null || score > best.score) best = {ratio, w, score};
  }
  const innerRadius = OUTER_RADIUS * best.ratio;
  const w = best.w;
  const place = (list) => list.map((p) => ({x: CENTER.x + p.x, y: CENTER.y + p.y}));
  return {
    innerRadius,
    w,
    h: w / ASPECT,
    inner: place(nearestCentre(slots(0, innerRadius, w), innerCount)),
    outer: place(spreadByAngle(slots(innerRadius, OUTER_RADIUS, w), outerCount)),
  };
}

// -- text wrapping ------------------------------------------------------------------------

export const FONT_FAMILY =
  'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial, sans-serif';

let measureContext = null;

function measurer() {
  if (measureContext === null) {
    measureContext = document.createElement('canvas').getContext('2d');
  }
  return measureContext;
}

/**
 * Break `text` into lines no wider than `width` at `size`; words longer than a line are cut.
 * @returns {string[]}
 */
export function wrapText(text, size, width, weight = 400) {
  const ctx = measurer();
  ctx.font = `${weight} ${size}px ${FONT_FAMILY}`;
  const measure = (s) => ctx.measureText(s).width;
  const lines = [];
  for (const paragraph of String(text).split(/\n+/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (measure(candidate) <= width) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = word;
      // A word wider than the box is broken, the break marked with a hyphen.
      while (measure(line) > width && line.length > 1) {
        let cut = line.length - 1;
        while (cut > 1 && measure(`${line.slice(0, cut)}-`) > width) cut -= 1;
        lines.push(`${line.slice(0, cut)}-`);
        line = line.slice(cut);
      }
    }
    if (line) lines.push(line);
  }
  return lines;
}

/** The width of the widest word of `text` at this size. */
function widestWord(text, size, weight) {
  const ctx = measurer();
  ctx.font = `${weight} ${size}px ${FONT_FAMILY}`;
  return Math.max(0, ...String(text).split(/\s+/).filter(Boolean).map((w) => ctx.measureText(w).width));
}

/**
 * Fit `text` in a box: the largest font size between `max` and `min` at which every line fits
 * and no word is broken (a long Dutch compound is drawn smaller rather than split); at `min`
 * a word wider than the box is broken and the text is cut with an ellipsis. Returns
 * {size, lines}.
 */
export function fitText(text, boxWidth, boxHeight, {max, min, lineHeight = 1.18, weight = 400}) {
  let size = max;
  for (;;) {
    const lines = wrapText(text, size, boxWidth, weight);
    const room = Math.max(1, Math.floor(boxHeight / (size * lineHeight)));
    const whole = size <= min || widestWord(text, size, weight) <= boxWidth;
    if (lines.length <= room && whole) return {size, lines};
    if (size <= min) return {size, lines: ellipsize(lines.slice(0, room), boxWidth, size, weight)};
    size = Math.max(min, size * 0.9);
  }
}

/**
 * Fit `text` on one line: the largest font size between `max` and `min` at which it fits; at
 * `min` it is cut with an ellipsis. Returns {size, line, cut}.
 */
export function fitLine(text, width, {max, min, weight = 400}) {
  const ctx = measurer();
  let size = max;
  for (;;) {
    ctx.font = `${weight} ${size}px ${FONT_FAMILY}`;
    if (ctx.measureText(text).width <= width) return {size, line: text, cut: false};
    if (size <= min) return {size, line: ellipsize([text], width, size, weight)[0], cut: true};
    size = Math.max(min, size * 0.9);
  }
}

function ellipsize(lines, width, size, weight) {
  const ctx = measurer();
  ctx.font = `${weight} ${size}px ${FONT_FAMILY}`;
  const last = lines.length - 1;
  let tail = lines[last];
  while (tail.length > 0 && ctx.measureText(`${tail}…`).width > width) tail = tail.slice(0, -1);
  lines[last] = `${tail.trimEnd()}…`;
  return lines;
}
