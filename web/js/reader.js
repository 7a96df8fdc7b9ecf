// Read-aloud mode: one note (or plan) at a time, very large, with "7 / 23"; its place on the
// circles is highlighted by the board. The facilitator moves the marker with the keyboard or a
// presenter clicker (those send PageDown / PageUp, sometimes arrows or Space); the marker is
// the board's `reading` field, so every screen in the room follows.

import {el, clear} from './dom.js';
import {createFitter} from './fit.js';
import {t} from './i18n.js';
import {noteById, readingPosition, stepReading} from './screen-model.js';

const NEXT_KEYS = new Set(['ArrowRight', 'PageDown', ' ', 'Spacebar']);
const PREVIOUS_KEYS = new Set(['ArrowLeft', 'PageUp']);
// The text is drawn at 4.2rem (screen.css) and smaller as far as this for a long note in a
// narrow column: about 17px, still readable from the back of a room, and enough for a note of
// 280 characters beside the controls at 1280x720. Anything longer scrolls in its card instead
// of being cut off.
const SMALLEST_ZOOM = 0.25;

/**
 * Keys typed into a field belong to the field, and keys in a dialog to the dialog (Esc closes
 * it, Space presses its button); Space on a button presses the button, when the keyboard
 * brought the focus there. A button clicked with the mouse keeps the focus too ("Volgende
 * stap" right before reading aloud): Space is then the reader's next note, not that button
 * again.
 */
function ownsKey(target, key, focusedByPointer) {
  if (!(target instanceof Element)) return false;
  if (target.closest('input, textarea, select, [contenteditable="true"], dialog')) return true;
  if ((key === ' ' || key === 'Spacebar') && target.closest('button, a, summary, [role="button"]')) {
    return !focusedByPointer;
  }
  return false;
}

/**
 * Listen for next / previous / stop keys on the whole page (facilitator only).
 * `show(id|null)` points the marker; returns a function that stops listening.
 * @param {() => Record<string, any>|null} getBoard
 * @param {(target: string|null) => void} show
 */
export function bindReaderKeys(getBoard, show) {
  let focusedByPointer = false;
  const onPointer = () => { focusedByPointer = true; };
  const onFocusKey = (event) => { if (event.key === 'Tab') focusedByPointer = false; };
  function onKey(event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (ownsKey(event.target, event.key, focusedByPointer)) return;
    const board = getBoard();
    if (!board) return;
    let direction = 0;
    if (NEXT_KEYS.has(event.key)) direction = 1;
    else if (PREVIOUS_KEYS.has(event.key)) direction = -1;
    else if (event.key === 'Escape' && board.reading) {
      event.preventDefault();
      show(null);
      return;
    } else return;
    if (event.target instanceof Element && event.target.closest('[role="radiogroup"], [role="tablist"]')) return;
    const target = stepReading(board, direction);
    event.preventDefault();
    if (target !== undefined) show(target);
  }
  document.addEventListener('pointerdown', onPointer, true);
  document.addEventListener('keydown', onFocusKey, true);
  document.addEventListener('keydown', onKey);
  return () => {
    document.removeEventListener('pointerdown', onPointer, true);
    document.removeEventListener('keydown', onFocusKey, true);
    document.removeEventListener('keydown', onKey);
  };
}

/**
 * The large card with the item being read.
 * @param {Element} container
 */
export function createReader(container) {
  const counter = el('p', {class: 'reader-counter'});
  const kind = el('p', {class: 'reader-kind'});
  const text = el('p', {class: 'reader-text'});
  const details = el('dl', {class: 'reader-details'});
  const byline = el('p', {class: 'reader-byline'});
  const body = el('div', {class: 'reader-body'}, text, details);
  const card = el(
    'article',
    {class: 'reader-card', 'aria-live': 'polite', 'aria-atomic': 'true'},
    el('header', {class: 'reader-head'}, kind, counter),
    body,
    byline,
  );
  container.append(card);
  const fitter = createFitter(body, {minZoom: SMALLEST_ZOOM});
  let lastSig = '';

  /** @param {Record<string, any>|null} board */
  function render(board) {
    const position = readingPosition(board);
    const item = position.item;
    container.hidden = !item;
    if (!item) {
      lastSig = '';
      return;
    }
    const sig = JSON.stringify([item, position.index, position.total, t('screen.reader.of')]);
    if (sig === lastSig) return;
    lastSig = sig;
    counter.textContent = `${position.index + 1} / ${position.total}`;
    counter.setAttribute('aria-label', t('screen.reader.of', {n: position.index + 1, total: position.total}));
    clear(details);
    card.dataset.kind = position.kind === 'plan' ? 'plan' : item.circle;
    if (position.kind === 'plan') {
      kind.textContent = t('screen.reader.plan');
      text.textContent = item.what;
      const note = noteById(board, item.note);
      const rows = [
        ['screen.plan.who', item.who],
        ['screen.plan.when', item.when],
        ['screen.plan.for', note ? note.text : ''],
      ].filter(([, value]) => value);
      for (const [key, value] of rows) details.append(el('div', {}, el('dt', {}, t(key)), el('dd', {}, value)));
      byline.textContent = item.author ? t('screen.note.by', {name: item.author}) : '';
    } else {
      kind.textContent = t(`screen.${item.circle}.name`);
      text.textContent = item.text;
      byline.textContent = item.author ? t('screen.note.by', {name: item.author}) : '';
    }
    byline.hidden = !byline.textContent;
    byline.title = byline.textContent; // the whole name when the line cuts it short
    body.scrollTop = 0;
    fitter.fit();
  }

  return {element: card, render, refit: fitter.fit};
}
