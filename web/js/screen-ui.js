// Small view helpers shared by the screen's views (controls, panel, status bar).

import {el, svg} from './dom.js';
import {has, t} from './i18n.js';

/** Set a node's text only when it changes (keeps screen readers and layout quiet). */
export function setText(node, value) {
  const text = String(value ?? '');
  if (node.textContent !== text) node.textContent = text;
}

/** Set or remove an attribute only when it changes. */
export function setAttr(node, name, value) {
  if (value === null || value === undefined || value === false) {
    if (node.hasAttribute(name)) node.removeAttribute(name);
    return;
  }
  const text = value === true ? '' : String(value);
  if (node.getAttribute(name) !== text) node.setAttribute(name, text);
}

/** A button; `variant` adds btn-primary / btn-danger / btn-quiet. */
export function button(onClick, {variant = '', small = true, ...attrs} = {}) {
  const classes = ['btn', small && 'btn-small', variant && `btn-${variant}`];
  return el('button', {type: 'button', class: classes, on: {click: onClick}, ...attrs});
}

/** A labelled section with a heading; returns {root, heading, body}. */
export function section(id, extraClass = '') {
  const heading = el('h2', {id: `${id}-title`, class: 'ctl-title'});
  const body = el('div', {class: 'ctl-body'});
  const root = el('section', {id, class: ['ctl-section', extraClass], 'aria-labelledby': `${id}-title`}, heading, body);
  return {root, heading, body};
}

/** The pin used as a circle marker in HTML (same shape as on the board). */
export function pinIcon(circle) {
  return svg(
    'svg',
    {class: `pin-icon pin-icon--${circle}`, viewBox: '0 0 20 20', width: 20, height: 20, 'aria-hidden': 'true', focusable: 'false'},
    svg('circle', {cx: 10, cy: 10, r: 6.5}),
  );
}

/**
 * A small bar chart of the 0..10 scale answers (role img, with the numbers in its label and
 * printed above the bars).
 * @param {number[]} distribution 11 counts
 */
export function scaleChart(distribution) {
  const max = Math.max(1, ...distribution);
  const width = 440;
  const height = 170;
  const barW = width / distribution.length;
  const label = distribution.map((n, i) => `${i}: ${n}`).join(', ');
  const chart = svg('svg', {
    class: 'scale-chart',
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': t('screen.scale.chart', {values: label}),
  });
  distribution.forEach((count, i) => {
    const h = (count / max) * (height - 60);
    const x = i * barW + barW * 0.15;
    chart.append(
      svg('rect', {class: 'scale-bar', x, y: height - 28 - h, width: barW * 0.7, height: Math.max(h, 1)}),
      svg('text', {class: 'scale-count', x: x + barW * 0.35, y: height - 34 - h, 'text-anchor': 'middle'}, String(count)),
      svg('text', {class: 'scale-axis', x: x + barW * 0.35, y: height - 8, 'text-anchor': 'middle'}, String(i)),
    );
  });
  return chart;
}

/**
 * Keep a list of keyed rows in order: `make(item)` builds a row once, `update(row, item)`
 * refreshes it. Rows keep their elements (and so their focus) across updates.
 */
export function keyedList(list, items, keyOf, make, update) {
  const existing = new Map();
  for (const child of [...list.children]) existing.set(child.dataset.key, child);
  let previous = null;
  const keep = new Set();
  for (const item of items) {
    const key = keyOf(item);
    keep.add(key);
    let row = existing.get(key);
    if (!row) {
      row = make(item);
      row.dataset.key = key;
    }
    update(row, item);
    const wanted = previous ? previous.nextSibling : list.firstChild;
    if (wanted !== row) list.insertBefore(row, wanted);
    previous = row;
  }
  for (const [key, row] of existing) if (!keep.has(key)) row.remove();
}

/** The message for an error code from the server. */
export function errorText(error) {
  if (!error) return '';
  const key = `error.${error.code}`;
  return has(key) ? t(key) : t('error.default', {code: error.code});
}
