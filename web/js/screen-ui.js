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
 * printed above the bars). With `previous` (the round before, e.g. at the last meeting) each
 * value gets two bars: an outlined one for then and a filled one for now, with a legend, so
 * the difference never rests on colour alone.
 * @param {number[] | null} distribution 11 counts, or null while the question is open
 * @param {number[] | null} previous 11 counts of the round before, or null
 */
export function scaleChart(distribution, previous = null) {
  const series = [];
  if (previous) series.push({values: previous, kind: 'previous', name: t('screen.scale.previous')});
  if (distribution) series.push({values: distribution, kind: 'now', name: t('screen.scale.now')});
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const width = 440;
  const height = series.length > 1 ? 196 : 170;
  const top = series.length > 1 ? 26 : 0;
  const slot = width / 11;
  const counts = (values) => values.map((n, i) => `${i}: ${n}`).join(', ');
  const label = series.length > 1
    ? series.map((s) => `${s.name}: ${counts(s.values)}`).join('; ')
    : counts(series[0].values);
  const chart = svg('svg', {
    class: 'scale-chart',
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': t('screen.scale.chart', {values: label}),
  });
  const barW = (slot * 0.7) / series.length;
  series.forEach((s, k) => {
    s.values.forEach((count, i) => {
      const h = (count / max) * (height - 60 - top);
      const x = i * slot + slot * 0.15 + k * barW;
      chart.append(svg('rect', {class: `scale-bar scale-bar--${s.kind}`, x, y: height - 28 - h, width: barW, height: Math.max(h, 1)}));
      // With two rounds side by side, only non-zero counts are printed, to keep it readable.
      if (count > 0 || series.length === 1) {
        chart.append(svg('text', {class: 'scale-count', x: x + barW / 2, y: height - 34 - h, 'text-anchor': 'middle'}, String(count)));
      }
    });
    if (series.length > 1) {
      const lx = 8 + k * 150;
      chart.append(
        svg('rect', {class: `scale-bar scale-bar--${s.kind}`, x: lx, y: 6, width: 14, height: 14}),
        svg('text', {class: 'scale-axis', x: lx + 20, y: 18}, s.name),
      );
    }
  });
  for (let i = 0; i < 11; i += 1) {
    chart.append(svg('text', {class: 'scale-axis', x: i * slot + slot / 2, y: height - 8, 'text-anchor': 'middle'}, String(i)));
  }
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
