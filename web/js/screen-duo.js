// The shared screen of a duo board: how far every duo is (never what it wrote), and the
// circles of whoever shared their own. On an anonymous board a duo is "Duo 1", "Duo 2", ….
import {clear, el} from './dom.js';
import {language, t} from './i18n.js';
import {DUO_STEPS} from './method.js';
import {createBoard} from './board.js';

/** A person's label on the screen: their name, unless the board is anonymous or they have none. */
function nameOf(board, pid) {
  if (board.anonymous) return '';
  const person = (board.participants || []).find((p) => p.id === pid);
  return person?.name || '';
}

function duoTitle(board, duo) {
  const names = duo.members.map((m) => nameOf(board, m));
  if (board.anonymous || names.some((n) => !n)) return t('screen.duos.number', {n: duo.number});
  return names.join(' & ');
}

function stepTrack(step) {
  const index = DUO_STEPS.indexOf(step);
  return el(
    'span',
    {class: 'duo-track', 'aria-hidden': 'true'},
    ...DUO_STEPS.map((s, i) => el('span', {class: ['duo-track-dot', i < index && 'is-done', i === index && 'is-current']})),
  );
}

function sheetRow(board, duo, sheet, position) {
  const name = nameOf(board, sheet.owner);
  const interviewed = duo.members.length === 2 && duo.turn === sheet.owner;
  const who = name || t('screen.duos.turn_unnamed', {n: position});
  const step = DUO_STEPS.indexOf(sheet.step) + 1;
  return el(
    'li',
    {class: ['duo-sheet', interviewed && 'is-interviewed'], 'data-owner': sheet.owner, 'data-step': sheet.step},
    el('span', {class: 'duo-sheet-who'}, who),
    stepTrack(sheet.step),
    el('span', {class: 'duo-sheet-step'}, `${t('duo.step_of', {n: step})} · ${t(`duo.short.${sheet.step}`)}`),
    el('span', {class: 'duo-sheet-counts'}, t('screen.duos.counts', {inner: sheet.counts.inner, outer: sheet.counts.outer})),
    interviewed ? el('span', {class: 'duo-badge'}, name ? t('screen.duos.turn', {name}) : t('screen.duos.turn_unnamed', {n: position})) : null,
    sheet.shared ? el('span', {class: 'duo-badge duo-badge--shared'}, t('screen.duos.shared')) : null,
  );
}

function duoCard(board, duo) {
  const alone = duo.members.length < 2;
  return el(
    'li',
    {class: ['duo-card', alone && 'is-waiting'], 'data-pair': duo.pair},
    el('h3', {class: 'duo-card-title'}, duoTitle(board, duo)),
    alone
      ? el('p', {class: 'duo-card-waiting'}, t('screen.duos.waiting'))
      : el('ul', {class: 'duo-sheets'}, ...duo.sheets.map((sheet, i) => sheetRow(board, duo, sheet, i + 1))),
  );
}

/** The shared sheet as circles: the same view as a team board, with the activity on top. */
function sheetModel(sheet) {
  return {
    topic: sheet.activity,
    // A sheet shared before its interview has begun is empty: no topic is about to be chosen.
    emptyTopic: sheet.notes.length ? t('screen.duos.no_activity') : t('screen.duos.sheet_empty'),
    notes: sheet.notes.map((n) => ({...n, author: null})),
    faceDown: {inner: 0, outer: 0},
    reading: null,
    chosen: sheet.chosen,
    tally: null,
    merged: {},
    highlightCircle: null,
  };
}

/** @param {Element} container the stage */
export function createDuoOverview(container) {
  const title = el('h2', {id: 'duo-overview-title', class: 'duo-overview-title'});
  const privacy = el('p', {class: 'duo-privacy'});
  const empty = el('p', {class: 'duo-empty'});
  const grid = el('ol', {class: 'duo-grid'});
  const sharedTitle = el('h2', {class: 'duo-overview-title'});
  const shared = el('div', {class: 'duo-shared'});
  const root = el('section', {class: 'duo-overview', 'aria-labelledby': title.id, hidden: true},
    title, privacy, empty, grid, sharedTitle, shared);
  container.append(root);
  /** @type {Map<string, {wrap: Element, view: ReturnType<typeof createBoard>, step: Element}>} */
  const sheetViews = new Map();
  let signature = '';

  let latest = null;

  function renderShared(board) {
    latest = board;
    const sheets = (board.sheets || []).filter((s) => s.shared);
    sharedTitle.hidden = sheets.length === 0;
    const keep = new Set();
    for (const sheet of sheets) {
      keep.add(sheet.owner);
      let entry = sheetViews.get(sheet.owner);
      if (!entry) {
        const wrap = el('figure', {class: 'duo-shared-sheet', 'data-owner': sheet.owner});
        const step = el('figcaption', {class: 'duo-shared-step'});
        shared.append(wrap);
        // The caption names whose circles these are (on an anonymous board: the activity).
        const caption = () => {
          const name = nameOf(latest, sheet.owner);
          return name ? t('screen.duos.sheet_of', {name}) : t('export.activity');
        };
        entry = {wrap, view: createBoard(wrap, {caption}), step};
        wrap.append(step);
        sheetViews.set(sheet.owner, entry);
      }
      entry.view.render(sheetModel(sheet));
      entry.step.textContent = sheet.small_step ? `${t('duo.small_step.label')}: ${sheet.small_step}` : '';
    }
    for (const [owner, entry] of sheetViews) {
      if (!keep.has(owner)) {
        entry.wrap.remove();
        sheetViews.delete(owner);
      }
    }
  }

  return {
    root,
    /** Show the overview (a duo board) or hide it (a team board). */
    render(board) {
      root.hidden = board.variant !== 'duo';
      if (root.hidden) return;
      const sig = JSON.stringify([board.duos, board.participants, board.anonymous, language()]);
      if (sig !== signature) {
        signature = sig;
        title.textContent = t('screen.duos.title');
        privacy.textContent = t('screen.duos.private');
        sharedTitle.textContent = t('screen.duos.shared_title');
        const duos = board.duos || [];
        empty.hidden = duos.length > 0;
        empty.textContent = t('screen.duos.none');
        clear(grid);
        for (const duo of duos) grid.append(duoCard(board, duo));
      }
      renderShared(board);
    },
    invalidate() {
      signature = '';
      for (const entry of sheetViews.values()) entry.view.invalidate();
    },
  };
}
