// The phone's top bar: name, phase timer (on the server's clock), connection state, language.
import {el, svg} from './dom.js';
import {t} from './i18n.js';
import {formatClock, remainingMs} from './clock.js';
import {createLanguageSwitch} from './language-switch.js';

const LOW_MS = 60000;

export function circlesIcon(size = 28) {
  return svg('svg', {width: size, height: size, viewBox: '0 0 28 28', 'aria-hidden': 'true', focusable: 'false'},
    svg('circle', {cx: 14, cy: 14, r: 12.5, fill: '#fdf0dc', stroke: '#8a4b00', 'stroke-width': 2}),
    svg('circle', {cx: 14, cy: 14, r: 6.5, fill: '#e4f3e9', stroke: '#21693f', 'stroke-width': 2}));
}

export function createHeader() {
  const timerText = el('span', {});
  const timer = el('span', {class: 'timer', role: 'timer', hidden: true}, timerText);
  const dot = el('span', {class: 'status-dot', role: 'img'});
  const brand = el('p', {class: 'brand'}, circlesIcon(), el('span', {class: 'brand-text'}, 'Cirkelbord'));
  const root = [brand, el('span', {class: 'spacer'}), timer, dot, createLanguageSwitch()];

  return {
    root,
    update(state) {
      dot.dataset.status = state.status;
      dot.setAttribute('aria-label', t(`conn.${state.status}`));
      dot.setAttribute('title', t(`conn.${state.status}`));
      this.tick(state);
    },
    /** Called every second. */
    tick(state) {
      const board = state.board;
      const left = board ? remainingMs(board.timer, state.serverOffsetMs) : null;
      timer.hidden = left === null;
      if (left === null) return;
      const paused = !board.timer.running;
      const text = formatClock(left);
      timerText.textContent = paused ? `${text} (${t('timer.paused')})` : text;
      timer.setAttribute('aria-label', left === 0 ? t('timer.done') : t('timer.aria', {time: text}));
      timer.classList.toggle('low', left > 0 && left <= LOW_MS);
      timer.classList.toggle('done', left === 0);
    },
  };
}
