// A board's history: per meeting, what stood in each circle and what moved inward, with a
// chart of the progress over the meetings. Three ways in:
//   /f/{room_id}/history#t=<token>  the facilitator
//   /s/{code}/history               read-only, for whoever has the join code (from the screen)
//   /j/{code}/history               the same, from a phone: its way back is the phone's page
// Data from GET /api/boards/{room_id}/history or GET /api/join/{code}/history (see
// app/room/history.py for how it is derived). User text only ever as text nodes.

import {el, svg, clear} from './dom.js';
import {applyI18n, initialLanguage, language, loadCatalogue, plural, t} from './i18n.js';

/** Where this page is, and how to ask for the history. */
function parseRoute() {
  const parts = location.pathname.split('/').filter(Boolean);
  if (parts[0] === 'f' && parts[1]) {
    const roomId = decodeURIComponent(parts[1]);
    const tokenKey = `cirkelbord.facilitator.${roomId}`;
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    let token = params.get('t');
    try {
      if (token) {
        sessionStorage.setItem(tokenKey, token);
        history.replaceState(null, '', location.pathname + location.search);
      } else {
        token = sessionStorage.getItem(tokenKey);
      }
    } catch {
      // no session storage: the token stays in the address
    }
    return {
      url: `/api/boards/${encodeURIComponent(roomId)}/history`,
      headers: token ? {Authorization: `Bearer ${token}`} : {},
      back: `/f/${encodeURIComponent(roomId)}${token ? `#t=${encodeURIComponent(token)}` : ''}`,
    };
  }
  if ((parts[0] === 's' || parts[0] === 'j') && parts[1]) {
    const code = encodeURIComponent(decodeURIComponent(parts[1]));
    return {url: `/api/join/${code}/history`, headers: {}, back: `/${parts[0]}/${code}`};
  }
  return null;
}

function formatDate(ms) {
  return typeof ms === 'number' ? new Intl.DateTimeFormat(language(), {dateStyle: 'medium'}).format(new Date(ms)) : '';
}

const CHART = {width: 640, height: 320, top: 48, bottom: 56, left: 40, right: 16};
/** The narrowest and widest the chart is drawn: drawn at its box's width, one unit is one CSS
 * pixel, so its texts keep their size on a phone instead of shrinking with the picture. */
const CHART_WIDTH = {min: 280, max: 640};
const LEGEND_ROW = 22;
const LEGEND_COLUMN = 200;

/**
 * The progress chart: per meeting one stacked bar, the inner circle at the bottom (the part
 * that moved inward at that meeting stands out, striped) and the outer circle on top, with
 * the numbers printed, so nothing rests on colour alone.
 */
export function progressChart(meetings, width = CHART.width) {
  const {bottom, left, right} = CHART;
  // The legend's three entries side by side where they fit, else one under the other.
  const legendRows = width - left >= 3 * LEGEND_COLUMN ? 1 : 3;
  const top = CHART.top + (legendRows - 1) * LEGEND_ROW;
  const height = CHART.height + (legendRows - 1) * LEGEND_ROW;
  const max = Math.max(1, ...meetings.map((m) => m.counts.inner + m.counts.outer));
  const plot = height - top - bottom;
  const slot = (width - left - right) / Math.max(1, meetings.length);
  const barW = Math.min(90, slot * 0.6);
  const scale = (n) => (n / max) * plot;
  const summary = meetings
    .map((m) => t('history.chart.meeting', {n: m.meeting, inner: m.counts.inner, outer: m.counts.outer, moved: m.counts.moved_inward}))
    .join('; ');
  const chart = svg('svg', {class: 'history-chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${t('history.chart.title')}: ${summary}`});
  chart.append(
    svg('defs', {}, svg('pattern', {id: 'inward-stripes', width: 8, height: 8, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)'},
      svg('rect', {width: 8, height: 8, class: 'stripe-bg'}),
      svg('rect', {width: 4, height: 8, class: 'stripe-fg'}))),
    svg('line', {class: 'chart-axis', x1: left, y1: top + plot, x2: width - right, y2: top + plot}),
  );
  let previousTop = null;
  meetings.forEach((m, i) => {
    const x = left + i * slot + (slot - barW) / 2;
    const kept = m.counts.inner - m.counts.moved_inward;
    const hKept = scale(kept);
    const hMoved = scale(m.counts.moved_inward);
    const hOuter = scale(m.counts.outer);
    const base = top + plot;
    const bar = svg('g', {class: 'history-bar', 'data-meeting': m.meeting});
    bar.append(
      svg('rect', {class: 'bar-inner', x, y: base - hKept, width: barW, height: Math.max(hKept, 0)}),
      svg('rect', {class: 'bar-moved', x, y: base - hKept - hMoved, width: barW, height: Math.max(hMoved, 0)}),
      svg('rect', {class: 'bar-outer', x, y: base - hKept - hMoved - hOuter, width: barW, height: Math.max(hOuter, 0)}),
    );
    const innerTop = base - hKept - hMoved;
    if (m.counts.inner > 0) bar.append(svg('text', {class: 'bar-count bar-count--inner', x: x + barW / 2, y: base - 6, 'text-anchor': 'middle'}, String(m.counts.inner)));
    if (m.counts.outer > 0) bar.append(svg('text', {class: 'bar-count bar-count--outer', x: x + barW / 2, y: innerTop - hOuter - 6, 'text-anchor': 'middle'}, String(m.counts.outer)));
    if (m.counts.moved_inward > 0) {
      bar.append(svg('text', {class: 'bar-moved-label', x: x + barW + 4, y: innerTop + Math.max(12, hMoved / 2 + 4)}, `+${m.counts.moved_inward}`));
    }
    // Many meetings: a number under each bar, and the date only where there is room.
    const label = slot < 90 ? String(m.meeting) : t('history.chart.short', {n: m.meeting});
    bar.append(svg('text', {class: 'chart-label', x: x + barW / 2, y: base + 20, 'text-anchor': 'middle'}, label));
    if (slot >= 70) bar.append(svg('text', {class: 'chart-date', x: x + barW / 2, y: base + 38, 'text-anchor': 'middle'}, formatDate(m.started_ms)));
    // The line of the inner circle's growth from meeting to meeting.
    if (previousTop) chart.append(svg('line', {class: 'growth-line', x1: previousTop.x, y1: previousTop.y, x2: x + barW / 2, y2: innerTop}));
    previousTop = {x: x + barW / 2, y: innerTop};
    chart.append(bar);
  });
  const legend = [
    ['bar-inner', t('history.legend.inner')],
    ['bar-moved', t('history.legend.moved')],
    ['bar-outer', t('history.legend.outer')],
  ];
  legend.forEach(([kind, label], k) => {
    const lx = legendRows === 1 ? left + k * LEGEND_COLUMN : left;
    const ly = legendRows === 1 ? 4 : 4 + k * LEGEND_ROW;
    chart.append(svg('rect', {class: kind, x: lx, y: ly, width: 14, height: 14}), svg('text', {class: 'chart-legend', x: lx + 20, y: ly + 12}, label));
  });
  return chart;
}

function itemList(items, meeting, className) {
  return el(
    'ul',
    {class: ['history-items', className]},
    items.map((item) => {
      const tags = [];
      if (item.meeting < meeting) tags.push(t('history.item.from', {n: item.meeting}));
      if (item.round > 1) tags.push(t('history.item.round', {n: item.round}));
      if (item.inward && item.inward.meeting <= meeting) tags.push(t('history.item.inward', {n: item.inward.meeting, date: formatDate(item.inward.at_ms)}));
      return el(
        'li',
        {class: ['history-item', item.inward?.meeting === meeting && 'is-moved'], 'data-id': item.id},
        el('span', {class: 'history-item-text'}, item.text),
        tags.length ? el('span', {class: 'history-item-tags'}, tags.join(' · ')) : null,
      );
    }),
  );
}

function meetingSection(m) {
  const date = formatDate(m.started_ms);
  const title = date ? t('history.meeting.title_dated', {n: m.meeting, date}) : t('history.meeting.title', {n: m.meeting});
  const section = el('section', {class: 'card history-meeting', 'aria-labelledby': `meeting-${m.meeting}`, 'data-meeting': m.meeting});
  section.append(el('h2', {id: `meeting-${m.meeting}`}, title));
  if (m.moved_inward.length) {
    section.append(el('h3', {class: 'history-moved-title'}, t('history.meeting.moved', {n: m.moved_inward.length})), itemList(m.moved_inward, m.meeting, 'history-moved'));
  }
  section.append(
    el('div', {class: 'history-circles'},
      el('div', {class: 'history-circle', 'data-circle': 'inner'}, el('h3', {}, t('history.meeting.inner', {n: m.inner.length})), m.inner.length ? itemList(m.inner, m.meeting, 'history-inner') : el('p', {class: 'muted'}, t('history.meeting.empty'))),
      el('div', {class: 'history-circle', 'data-circle': 'outer'}, el('h3', {}, t('history.meeting.outer', {n: m.outer.length})), m.outer.length ? itemList(m.outer, m.meeting, 'history-outer') : el('p', {class: 'muted'}, t('history.meeting.empty')))),
  );
  if (m.plans.length) {
    section.append(
      el('h3', {}, t('history.meeting.steps')),
      el('ul', {class: 'history-steps'}, m.plans.map((p) => el('li', {class: ['history-step', p.status === 'done' && 'is-done']},
        el('span', {class: ['status-badge', `status-badge--${p.status}`]}, p.status === 'done' && p.done_ms ? t('history.step.done_on', {date: formatDate(p.done_ms)}) : t(`followup.status.${p.status}`)),
        el('span', {class: 'history-step-what'}, p.what),
        p.item ? el('span', {class: 'history-step-for'}, t('plan.for', {text: p.item})) : null))),
    );
  }
  return section;
}

function render(main, data) {
  clear(main);
  const hint = el('p', {class: 'muted'}, t('history.chart.hint'));
  const card = el('section', {class: 'card history-chart-card', 'aria-labelledby': 'chart-title'},
    el('h2', {id: 'chart-title'}, t('history.chart.title')), hint);
  main.append(
    el('header', {class: 'history-head'},
      el('h1', {}, data.topic || t('history.title')),
      el('p', {class: 'muted'}, plural('history.subtitle', data.meetings.length))),
    card,
    ...[...data.meetings].reverse().map(meetingSection),
  );
  let drawnAt = 0;
  const draw = () => {
    const width = chartWidth(hint);
    if (width === drawnAt) return;
    drawnAt = width;
    card.querySelector('.history-chart')?.remove();
    hint.before(progressChart(data.meetings, width));
  };
  draw();
  new ResizeObserver(draw).observe(card);
}

/** The chart's width in CSS pixels: its box's (the hint's, a block of the same width). */
function chartWidth(box) {
  const width = Math.round(box.getBoundingClientRect().width);
  return Math.min(CHART_WIDTH.max, Math.max(CHART_WIDTH.min, width));
}

async function main() {
  const route = parseRoute();
  const main = document.getElementById('main');
  let data = null;
  let failure = route ? null : 'history.unknown';
  if (route) {
    try {
      const response = await fetch(route.url, {headers: {Accept: 'application/json', ...route.headers}});
      if (response.ok) data = await response.json();
      else failure = response.status === 404 ? 'history.unknown' : 'history.failed';
    } catch {
      failure = 'history.failed';
    }
  }
  await loadCatalogue(initialLanguage(data?.language));
  applyI18n(document);
  document.title = data?.topic ? `${data.topic} · ${t('history.title')}` : t('history.title');
  const back = document.getElementById('back');
  if (route) {
    back.href = route.back;
    back.textContent = t('history.back');
    back.hidden = false;
  }
  main.removeAttribute('aria-busy');
  if (!data) {
    clear(main).append(el('p', {class: 'banner banner-error', role: 'alert'}, t(failure)));
    return;
  }
  render(main, data);
}

main().catch((error) => {
  console.error(error);
});
