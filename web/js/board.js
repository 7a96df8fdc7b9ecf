// The circles: one SVG with the topic above two concentric circles and every note as a
// sticky note in its ring, keyed by note id (a note keeps its element across updates).
//
// Meaning never rests on colour alone: inner notes carry a filled pin, outer notes a hollow
// ring pin and a striped band; the note being read gets a thick outline and an arrow while
// the others dim; the chosen item gets a star and a label; dots after voting come with their
// number. All text is SVG text, so it stays sharp and readable by assistive technology.

import {svg, clear} from './dom.js';
import {plural, t} from './i18n.js';
import {
  CENTER,
  FONT_FAMILY,
  OUTER_RADIUS,
  TOPIC_BAND,
  VIEW_HEIGHT,
  VIEW_WIDTH,
  fitLine,
  fitText,
  layoutBoard,
} from './screen-layout.js';

const MAX_DOTS_DRAWN = 8;

/**
 * @typedef {{
 *   topic: string,
 *   notes: Array<{id: string, circle: 'inner'|'outer', text: string, author: string|null}>,
 *   faceDown: {inner: number, outer: number},
 *   reading: string|null,
 *   chosen: string|null,
 *   tally: Record<string, number>|null,
 *   merged: Record<string, number>,
 *   highlightCircle: 'inner'|'outer'|null,
 *   emptyTopic?: string,
 * }} BoardModel
 * `emptyTopic` is what stands in the topic's place while it is empty (default: the topic is
 * about to be chosen).
 */

/**
 * @param {Element} container where the SVG goes
 * @param {{onNoteClick?: (id: string) => void, caption?: () => string}} [options] pointer
 *   shortcut for the facilitator; the small caption above the topic (default: "Topic")
 */
export function createBoard(container, {onNoteClick, caption = () => t('screen.topic.caption')} = {}) {
  const root = svg('svg', {
    class: 'board-svg',
    viewBox: `0 0 ${VIEW_WIDTH} ${VIEW_HEIGHT}`,
    preserveAspectRatio: 'xMidYMid meet',
    role: 'group',
    'font-family': FONT_FAMILY,
  });
  const topicCaption = svg('text', {
    class: 'topic-caption',
    x: VIEW_WIDTH / 2,
    y: 30,
    'text-anchor': 'middle',
    'font-size': 19,
    'font-weight': 600,
    'letter-spacing': 2.5,
    fill: '#4d5560',
  });
  const topicText = svg('text', {
    class: 'topic-text',
    'text-anchor': 'middle',
    'font-weight': 700,
    fill: '#1b1f24',
  });
  const outerDisc = svg('circle', {
    class: 'ring ring-outer',
    cx: CENTER.x,
    cy: CENTER.y,
    r: OUTER_RADIUS,
    fill: '#fdf8f0',
    stroke: '#a35d00',
    'stroke-width': 3,
  });
  const innerDisc = svg('circle', {
    class: 'ring ring-inner',
    cx: CENTER.x,
    cy: CENTER.y,
    fill: '#f2faf4',
    stroke: '#2e7d4f',
    'stroke-width': 3,
  });
  const legendInner = svg('g', {class: 'legend legend-inner', 'aria-hidden': 'true'});
  const legendOuter = svg('g', {class: 'legend legend-outer', 'aria-hidden': 'true'});
  const innerList = svg('g', {class: 'notes notes-inner', role: 'list'});
  const outerList = svg('g', {class: 'notes notes-outer', role: 'list'});
  const faceDownLayer = svg('g', {class: 'facedown', 'aria-hidden': 'true'});
  const topLayer = svg('g', {class: 'notes-top'}); // the note being read, above the rest
  root.append(
    topicCaption,
    topicText,
    outerDisc,
    innerDisc,
    legendInner,
    legendOuter,
    faceDownLayer,
    innerList,
    outerList,
    topLayer,
  );
  container.append(root);

  /** @type {Map<string, SVGGElement>} */
  const noteNodes = new Map();
  /** @type {Map<string, SVGGElement>} */
  const faceDownNodes = new Map();
  let lastTopicSig = '';

  if (onNoteClick) {
    root.addEventListener('click', (event) => {
      const node = event.target instanceof Element ? event.target.closest('[data-note-id]') : null;
      if (node) onNoteClick(node.getAttribute('data-note-id'));
    });
    root.classList.add('is-clickable');
  }

  function renderTopic(topic, emptyText) {
    const sig = `${topic}|${emptyText}|${caption()}`;
    if (sig === lastTopicSig) return;
    lastTopicSig = sig;
    topicCaption.textContent = caption().toUpperCase();
    const text = topic || emptyText;
    topicText.classList.toggle('is-empty', !topic);
    const {size, lines} = fitText(text, VIEW_WIDTH - 60, TOPIC_BAND - 44, {max: 46, min: 22, lineHeight: 1.12, weight: 700});
    clear(topicText);
    topicText.setAttribute('font-size', String(round(size)));
    const first = 44 + size * 0.88 + (TOPIC_BAND - 44 - lines.length * size * 1.12) / 2 - 4;
    lines.forEach((line, i) => {
      topicText.append(svg('tspan', {x: VIEW_WIDTH / 2, y: round(first + i * size * 1.12)}, line));
    });
  }

  function renderLegend(group, circle, count, align) {
    const sig = `${circle}|${count}|${t(`screen.${circle}.name`)}`;
    if (group.dataset.sig === sig) return;
    group.dataset.sig = sig;
    clear(group);
    const left = align === 'start';
    const x = left ? 24 : VIEW_WIDTH - 24;
    const anchor = left ? 'start' : 'end';
    const markerX = left ? x + 11 : x - 11;
    const textX = left ? x + 32 : x - 32;
    group.append(
      pin(circle, markerX, TOPIC_BAND + 28, 10),
      svg('text', {x: textX, y: TOPIC_BAND + 36, 'text-anchor': anchor, 'font-size': 25, 'font-weight': 700, fill: '#1b1f24'}, t(`screen.${circle}.name`)),
      svg('text', {x, y: TOPIC_BAND + 63, 'text-anchor': anchor, 'font-size': 18, fill: '#3d4450'}, t(`screen.${circle}.meaning`)),
      svg('text', {x, y: TOPIC_BAND + 89, 'text-anchor': anchor, 'font-size': 18, 'font-weight': 700, fill: '#3d4450'}, plural('screen.count.notes', count)),
    );
  }

  /**
   * @param {BoardModel} model
   */
  function render(model) {
    const emptyText = model.emptyTopic || t('screen.topic.empty');
    renderTopic(model.topic, emptyText);
    root.setAttribute('aria-label', t('screen.board.label', {topic: model.topic || emptyText}));

    const inner = model.notes.filter((n) => n.circle === 'inner');
    const outer = model.notes.filter((n) => n.circle === 'outer');
    const innerTotal = inner.length + model.faceDown.inner;
    const outerTotal = outer.length + model.faceDown.outer;
    const layout = layoutBoard(innerTotal, outerTotal);
    innerDisc.setAttribute('r', String(round(layout.innerRadius)));
    renderLegend(legendInner, 'inner', innerTotal, 'start');
    renderLegend(legendOuter, 'outer', outerTotal, 'end');
    innerList.setAttribute('aria-label', `${t('screen.inner.name')}: ${t('screen.inner.meaning')}`);
    outerList.setAttribute('aria-label', `${t('screen.outer.name')}: ${t('screen.outer.meaning')}`);
    root.classList.toggle('is-reading', Boolean(model.reading && model.notes.some((n) => n.id === model.reading)));
    root.classList.toggle('focus-inner', model.highlightCircle === 'inner');
    root.classList.toggle('focus-outer', model.highlightCircle === 'outer');

    const size = {w: layout.w, h: layout.h};
    const seen = new Set();
    const place = (notes, spots, list) => {
      notes.forEach((note, i) => {
        seen.add(note.id);
        const node = noteNode(note.id);
        const reading = note.id === model.reading;
        const parent = reading ? topLayer : list;
        if (node.parentNode !== parent) parent.append(node);
        updateNote(node, note, spots[i], size, {
          reading,
          chosen: note.id === model.chosen,
          dots: model.tally && note.circle === 'outer' ? model.tally[note.id] || 0 : null,
          merged: model.merged[note.id] || 0,
          inward: note.inward ? note.inward.meeting : 0,
        });
      });
    };
    place(inner, layout.inner, innerList);
    place(outer, layout.outer, outerList);
    for (const [id, node] of noteNodes) {
      if (!seen.has(id)) {
        node.remove();
        noteNodes.delete(id);
      }
    }

    const seenDown = new Set();
    const placeDown = (circle, first, spots, count) => {
      for (let i = 0; i < count; i += 1) {
        const key = `${circle}-${i}`;
        seenDown.add(key);
        let node = faceDownNodes.get(key);
        if (!node) {
          node = svg('g', {class: `sticky sticky--facedown sticky--${circle}`});
          faceDownNodes.set(key, node);
          faceDownLayer.append(node);
        }
        updateFaceDown(node, circle, spots[first + i], size);
      }
    };
    placeDown('inner', inner.length, layout.inner, model.faceDown.inner);
    placeDown('outer', outer.length, layout.outer, model.faceDown.outer);
    for (const [key, node] of faceDownNodes) {
      if (!seenDown.has(key)) {
        node.remove();
        faceDownNodes.delete(key);
      }
    }
  }

  function noteNode(id) {
    let node = noteNodes.get(id);
    if (!node) {
      node = svg('g', {class: 'sticky', role: 'listitem', 'data-note-id': id});
      noteNodes.set(id, node);
    }
    return node;
  }

  /** Forget cached drawings (after a language change, labels must be redrawn). */
  function invalidate() {
    lastTopicSig = '';
    delete legendInner.dataset.sig;
    delete legendOuter.dataset.sig;
    for (const node of noteNodes.values()) delete node.dataset.sig;
  }

  return {element: root, render, invalidate};
}

// -- one note ---------------------------------------------------------------------------------

function round(n) {
  return Math.round(n * 10) / 10;
}

const PAPER = {inner: '#cdebd7', outer: '#ffdfae'};
const PAPER_EDGE = {inner: '#2e7d4f', outer: '#a35d00'};
const PIN = {inner: '#1f5c36', outer: '#7a3f00'};

/** The pin marker: filled for the inner circle, a ring for the outer circle. */
function pin(circle, x, y, r) {
  const filled = circle === 'inner';
  return svg('circle', {
    class: `sticky-pin pin--${circle}`,
    cx: round(x),
    cy: round(y),
    r: round(r),
    fill: filled ? PIN.inner : '#ffffff',
    stroke: PIN[circle],
    'stroke-width': round(Math.max(1.2, r * 0.45)),
  });
}

/** Diagonal stripes in a band along the top edge (outer notes), drawn as one path. */
function hatch(w, h) {
  const band = Math.max(3, h * 0.12);
  const step = Math.max(3, w * 0.06);
  const x0 = -w / 2;
  const y0 = -h / 2;
  let d = '';
  for (let x = x0 - band; x < w / 2; x += step) {
    const ax = Math.max(x, x0);
    const ay = y0 + band - (ax - x);
    const bx = Math.min(x + band, w / 2);
    const by = y0 + band - (bx - x);
    if (bx > ax) d += `M${round(ax)} ${round(ay)}L${round(bx)} ${round(by)}`;
  }
  return svg('path', {
    class: 'sticky-hatch',
    d,
    stroke: PAPER_EDGE.outer,
    'stroke-width': round(Math.max(0.8, step * 0.28)),
    fill: 'none',
  });
}

function starPath(cx, cy, r) {
  let d = '';
  for (let i = 0; i < 10; i += 1) {
    const radius = i % 2 === 0 ? r : r * 0.45;
    const angle = -Math.PI / 2 + (i * Math.PI) / 5;
    d += `${i === 0 ? 'M' : 'L'}${round(cx + radius * Math.cos(angle))} ${round(cy + radius * Math.sin(angle))}`;
  }
  return `${d}Z`;
}

function noteLabel(note, flags) {
  const parts = [note.text];
  if (note.author) parts.push(t('screen.note.by', {name: note.author}));
  if (flags.reading) parts.push(t('screen.note.reading'));
  if (flags.chosen) parts.push(t('screen.note.chosen'));
  if (flags.dots !== null) parts.push(plural('screen.note.dots', flags.dots));
  if (flags.merged) parts.push(plural('screen.note.merged', flags.merged));
  if (flags.inward) parts.push(t('screen.note.inward', {n: flags.inward}));
  return parts.join(' — ');
}

function updateNote(node, note, spot, size, flags) {
  // The note being read grows so it can be read on the circles too, even among 150 notes.
  const scale = flags.reading ? Math.max(1.25, Math.min(2.6, 210 / size.w)) : 1;
  node.style.transform = `translate(${round(spot.x)}px, ${round(spot.y)}px) scale(${scale})`;
  node.dataset.x = String(round(spot.x));
  node.dataset.y = String(round(spot.y));
  node.dataset.scale = String(scale);
  const sig = JSON.stringify([note.text, note.author, note.circle, round(size.w), flags]);
  if (node.dataset.sig === sig) return;
  node.dataset.sig = sig;
  node.setAttribute(
    'class',
    ['sticky', `sticky--${note.circle}`, flags.reading && 'is-reading', flags.chosen && 'is-chosen', flags.dots ? 'has-dots' : '', flags.inward ? 'is-inward' : '']
      .filter(Boolean)
      .join(' '),
  );
  node.setAttribute('aria-label', noteLabel(note, flags));
  if (flags.reading) node.setAttribute('aria-current', 'true');
  else node.removeAttribute('aria-current');

  const {w, h} = size;
  const radius = Math.max(1.5, w * 0.03);
  clear(node);
  node.append(
    svg('rect', {class: 'sticky-shadow', x: round(-w / 2 + w * 0.025), y: round(-h / 2 + w * 0.03), width: round(w), height: round(h), rx: round(radius), fill: '#1b1f24', opacity: 0.16}),
    svg('rect', {
      class: 'sticky-paper',
      x: round(-w / 2),
      y: round(-h / 2),
      width: round(w),
      height: round(h),
      rx: round(radius),
      fill: PAPER[note.circle],
      stroke: PAPER_EDGE[note.circle],
      'stroke-width': round(Math.max(0.8, w * 0.008)),
    }),
  );
  if (note.circle === 'outer') node.append(hatch(w, h));
  node.append(pin(note.circle, 0, -h / 2 + Math.max(2, h * 0.02), Math.max(2.2, w * 0.035)));

  const pad = Math.max(3, w * 0.075);
  const top = -h / 2 + pad + (note.circle === 'outer' ? h * 0.07 : h * 0.04);
  const boxW = w - 2 * pad;
  const footer = note.author && h > 70 && flags.dots === null ? Math.max(10, h * 0.12) : 0;
  const boxH = h / 2 - pad - top - footer;
  const {size: fontSize, lines} = fitText(note.text, boxW, boxH, {max: Math.min(30, h * 0.2), min: Math.max(5.5, h * 0.1)});
  const lineStep = fontSize * 1.18;
  const used = lines.length * lineStep;
  const startY = top + (boxH - used) / 2 + fontSize * 0.9;
  const text = svg('text', {class: 'sticky-text', 'font-size': round(fontSize), 'text-anchor': 'middle', fill: '#1b1f24'});
  lines.forEach((line, i) => text.append(svg('tspan', {x: 0, y: round(startY + i * lineStep)}, line)));
  node.append(text);
  if (footer) node.append(authorLine(note.author, boxW, footer, round(h / 2 - pad * 0.8)));

  if (flags.merged) {
    const r = Math.max(6, w * 0.075);
    node.append(
      svg(
        'g',
        {class: 'merged-badge'},
        svg('circle', {cx: round(w / 2 - r * 0.3), cy: round(-h / 2 + r * 0.3), r: round(r), fill: '#ffffff', stroke: '#3d4450', 'stroke-width': round(Math.max(1, r * 0.12))}),
        svg('text', {x: round(w / 2 - r * 0.3), y: round(-h / 2 + r * 0.3 + r * 0.38), 'font-size': round(r * 1.05), 'font-weight': 700, 'text-anchor': 'middle', fill: '#1b1f24'}, `+${flags.merged}`),
      ),
    );
  }

  if (flags.dots !== null && flags.dots > 0) {
    const r = Math.max(2.4, w * 0.032);
    const group = svg('g', {class: 'sticky-votes'});
    const shown = Math.min(flags.dots, MAX_DOTS_DRAWN);
    const spacing = r * 2.5;
    const badgeW = Math.max(r * 4.2, w * 0.2);
    const rowW = shown * spacing - (spacing - 2 * r) + badgeW + r;
    let x = -rowW / 2 + r;
    const y = h / 2;
    for (let i = 0; i < shown; i += 1) {
      group.append(svg('circle', {class: 'vote-dot', cx: round(x), cy: round(y), r: round(r), fill: '#b3261e', stroke: '#ffffff', 'stroke-width': round(r * 0.35)}));
      x += spacing;
    }
    const bx = x - spacing + r * 2;
    group.append(
      svg('rect', {class: 'vote-badge', x: round(bx), y: round(y - r * 1.6), width: round(badgeW), height: round(r * 3.2), rx: round(r * 1.6), fill: '#1b1f24'}),
      svg('text', {class: 'vote-count', x: round(bx + badgeW / 2), y: round(y + r * 0.8), 'font-size': round(r * 2.3), 'font-weight': 700, 'text-anchor': 'middle', fill: '#ffffff'}, String(flags.dots)),
    );
    node.append(group);
  }

  if (flags.inward) {
    // Moved inward at a follow-up: an arrow pointing to the centre, in the corner.
    const r = Math.max(6, w * 0.08);
    const cx = w / 2 - r * 0.2;
    const cy = -h / 2 + r * 0.2;
    node.append(
      svg(
        'g',
        {class: 'inward-badge'},
        svg('circle', {cx: round(cx), cy: round(cy), r: round(r), fill: '#14532d', stroke: '#ffffff', 'stroke-width': round(Math.max(1, r * 0.15))}),
        svg('path', {d: `M${round(cx - r * 0.45)} ${round(cy - r * 0.45)}L${round(cx + r * 0.4)} ${round(cy + r * 0.4)}M${round(cx + r * 0.4)} ${round(cy - r * 0.1)}L${round(cx + r * 0.4)} ${round(cy + r * 0.4)}L${round(cx - r * 0.1)} ${round(cy + r * 0.4)}`, stroke: '#ffffff', 'stroke-width': round(Math.max(1.2, r * 0.22)), fill: 'none', 'stroke-linecap': 'round'}),
      ),
    );
  }

  if (flags.chosen) {
    const r = Math.max(7, w * 0.1);
    const cx = -w / 2 + r * 0.2;
    const cy = -h / 2 + r * 0.2;
    const badge = svg('g', {class: 'chosen-badge'});
    badge.append(
      svg('circle', {cx: round(cx), cy: round(cy), r: round(r * 1.05), fill: '#ffffff', stroke: '#14532d', 'stroke-width': round(Math.max(1, r * 0.12))}),
      svg('path', {class: 'chosen-star', d: starPath(cx, cy, r * 0.8), fill: '#14532d'}),
    );
    if (w >= 110) {
      const labelSize = Math.min(18, w * 0.09);
      const label = t('screen.note.chosen');
      const labelW = label.length * labelSize * 0.62 + labelSize;
      badge.append(
        svg('rect', {x: round(cx + r * 0.9), y: round(cy - labelSize * 0.75), width: round(labelW), height: round(labelSize * 1.5), rx: round(labelSize * 0.3), fill: '#14532d'}),
        svg('text', {x: round(cx + r * 0.9 + labelW / 2), y: round(cy + labelSize * 0.35), 'font-size': round(labelSize), 'font-weight': 700, 'text-anchor': 'middle', fill: '#ffffff'}, label),
      );
    }
    node.append(badge);
  }

  if (flags.reading) {
    const a = Math.max(8, w * 0.09);
    node.append(
      svg('path', {
        class: 'reading-arrow',
        d: `M${round(-w / 2 - a * 1.9)} ${round(-a * 0.8)}L${round(-w / 2 - a * 0.4)} 0L${round(-w / 2 - a * 1.9)} ${round(a * 0.8)}Z`,
        fill: '#0b4f9c',
        stroke: '#ffffff',
        'stroke-width': round(a * 0.12),
      }),
    );
  }
}

/** The author's name under a note: smaller when long, and cut short rather than running out
 * of the note over its neighbours; the whole name is then its title (and in the note's label). */
function authorLine(name, width, height, y) {
  const max = Math.min(18, height * 0.85);
  const {size, line, cut} = fitLine(name, width, {max, min: max * 0.75});
  const text = svg('text', {class: 'sticky-author', x: 0, y, 'font-size': round(size), 'text-anchor': 'middle', fill: '#3d4450'}, line);
  if (cut) text.prepend(svg('title', {}, name));
  return text;
}

function updateFaceDown(node, circle, spot, {w, h}) {
  node.style.transform = `translate(${round(spot.x)}px, ${round(spot.y)}px)`;
  node.dataset.x = String(round(spot.x));
  node.dataset.y = String(round(spot.y));
  node.dataset.scale = '1';
  const sig = `${circle}|${round(w)}`;
  if (node.dataset.sig === sig) return;
  node.dataset.sig = sig;
  clear(node);
  const radius = Math.max(1.5, w * 0.03);
  node.append(
    svg('rect', {class: 'sticky-shadow', x: round(-w / 2 + w * 0.025), y: round(-h / 2 + w * 0.03), width: round(w), height: round(h), rx: round(radius), fill: '#1b1f24', opacity: 0.12}),
    svg('rect', {class: 'sticky-paper', x: round(-w / 2), y: round(-h / 2), width: round(w), height: round(h), rx: round(radius), fill: PAPER[circle], stroke: PAPER_EDGE[circle], 'stroke-width': round(Math.max(0.8, w * 0.008))}),
    svg('rect', {class: 'facedown-inset', x: round(-w / 2 + w * 0.12), y: round(-h / 2 + h * 0.16), width: round(w * 0.76), height: round(h * 0.68), rx: round(radius), fill: 'none', stroke: PAPER_EDGE[circle], 'stroke-width': round(Math.max(0.8, w * 0.012)), 'stroke-dasharray': `${round(w * 0.04)} ${round(w * 0.03)}`}),
  );
  if (circle === 'outer') node.append(hatch(w, h));
  node.append(pin(circle, 0, -h / 2 + Math.max(2, h * 0.02), Math.max(2.2, w * 0.035)));
}
