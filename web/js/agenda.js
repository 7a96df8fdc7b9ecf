// The meeting around the circles: the agenda's parts as the pages show them, a mirror of
// app/room/agenda.py. Views for the shared screen (the strip of parts with the current part's
// countdown, the warm-up and pause card), for the facilitator (moving through the parts, round
// II, planned minutes) and for the phone (the warm-up prompt and the pause countdown).
//
// Two clocks: inside a round the phase timer is the big clock and the part's countdown shows
// small in the strip; in the warm-up, the pause (on its own card) and the closing (while no
// phase timer runs) the part's countdown is the big clock.

import {el, clear} from './dom.js';
import {language, t} from './i18n.js';
import {formatClock, remainingMs} from './clock.js';

export const PARTS = ['warm_up', 'round_1', 'pause', 'round_2', 'closing'];

/** The i18n keys of what each part shows (app/room/agenda.py PROMPT_KEYS). */
export const PROMPTS = {
  warm_up: ['agenda.warm_up.q1', 'agenda.warm_up.q2', 'agenda.warm_up.q3'],
  round_1: ['agenda.round.hint'],
  pause: ['agenda.pause.hint'],
  round_2: ['agenda.round.hint'],
  closing: ['method.closing.q1', 'method.closing.q2', 'method.closing.q3'],
};

/** Parts in which the meeting steps away from the circles: the screen and phones show the part. */
export const ASIDE = new Set(['warm_up', 'pause']);

const LOW_MS = 60000;

const EMPTY = {
  part: null,
  round_two: true,
  parts: PARTS.map((part) => ({part, minutes: 0, included: true})),
  clock: null,
};

/** The board's agenda (an empty one for a board from before agendas). */
export function agendaOf(board) {
  return board?.agenda || EMPTY;
}

/** The part that runs now, or null before the meeting starts. */
export function currentPart(board) {
  return agendaOf(board).part;
}

/** Whether the screen and phones show the part instead of the circles' step. */
export function isAside(board) {
  return ASIDE.has(currentPart(board));
}

function included(agenda, part) {
  const entry = agenda.parts.find((p) => p.part === part);
  return entry ? entry.included : true;
}

/** The part after the current one (the first one before the start), or null. */
export function nextPart(agenda) {
  const start = agenda.part === null ? 0 : PARTS.indexOf(agenda.part) + 1;
  return PARTS.slice(start).find((p) => included(agenda, p)) || null;
}

/** The part before the current one, if the meeting may step back to it. */
export function previousPart(agenda, round) {
  if (agenda.part === null) return null;
  const earlier = PARTS.slice(0, PARTS.indexOf(agenda.part)).filter((p) => included(agenda, p));
  const before = earlier.length ? earlier[earlier.length - 1] : null;
  if (before && round > 1 && PARTS.indexOf(before) < PARTS.indexOf('pause')) return null;
  return before;
}

/**
 * The timer the status bar's big clock shows: the part's countdown in the warm-up (and in the
 * closing while no phase timer runs), else the phase timer. In the pause the pause card shows
 * its own large countdown, so the status bar does not repeat it.
 */
export function bigTimer(board) {
  const agenda = agendaOf(board);
  if (agenda.part === 'warm_up') return agenda.clock;
  if (agenda.part === 'closing' && !board.timer) return agenda.clock;
  return board.timer;
}

function partName(part) {
  return t(`agenda.part.${part}`);
}

function clockText(clock, serverOffsetMs) {
  const left = remainingMs(clock, serverOffsetMs);
  return left === null ? '' : left === 0 ? t('agenda.over') : t('agenda.left', {time: formatClock(left)});
}

// -- the shared screen: the strip of parts ------------------------------------------------

/** An ordered list of the parts, the current one marked, with its countdown small beside it. */
export function createAgendaStrip() {
  const list = el('ol', {class: 'agenda-strip'});
  const root = el('nav', {class: 'agenda-nav'}, list);
  const items = new Map();
  for (const part of PARTS) {
    const name = el('span', {class: 'agenda-name'});
    const meta = el('span', {class: 'agenda-meta'});
    const item = el('li', {class: 'agenda-item', 'data-part': part}, name, meta);
    items.set(part, {item, name, meta});
    list.append(item);
  }

  function render(s) {
    const agenda = agendaOf(s.board);
    root.setAttribute('aria-label', t('agenda.title'));
    for (const entry of agenda.parts) {
      const view = items.get(entry.part);
      if (!view) continue;
      const current = entry.part === agenda.part;
      view.name.textContent = partName(entry.part);
      view.item.classList.toggle('is-current', current);
      view.item.classList.toggle('is-skipped', !entry.included);
      view.item.classList.toggle('is-done', agenda.part !== null && PARTS.indexOf(entry.part) < PARTS.indexOf(agenda.part));
      if (current) view.item.setAttribute('aria-current', 'step');
      else view.item.removeAttribute('aria-current');
    }
    tick(s);
  }

  function tick(s) {
    const agenda = agendaOf(s?.board);
    for (const entry of agenda.parts) {
      const view = items.get(entry.part);
      if (!view) continue;
      let text;
      if (entry.part === agenda.part) text = clockText(agenda.clock, s.serverOffsetMs);
      else if (!entry.included) text = t('agenda.skipped');
      else text = t('agenda.minutes', {n: entry.minutes});
      if (view.meta.textContent !== text) view.meta.textContent = text;
      const left = entry.part === agenda.part ? remainingMs(agenda.clock, s.serverOffsetMs) : null;
      view.item.classList.toggle('is-over', left === 0);
    }
  }

  return {root, render, tick};
}

// -- the shared screen: the warm-up and the pause ----------------------------------------

/** The card that takes the panel in the warm-up (the prompt) and the pause (the countdown). */
export function createAgendaStage() {
  const title = el('h2', {class: 'panel-title', id: 'agenda-stage-title'});
  const intro = el('p', {class: 'panel-intro'});
  const prompts = el('ul', {class: 'panel-questions agenda-prompts'});
  const countdown = el('p', {class: 'agenda-countdown', role: 'timer', 'aria-live': 'off'});
  const credit = el('p', {class: 'panel-hint'});
  const root = el('section', {class: 'card panel-card agenda-stage', 'aria-labelledby': title.id, hidden: true}, title, intro, prompts, countdown, credit);

  function render(s) {
    const part = currentPart(s.board);
    root.hidden = !ASIDE.has(part);
    if (root.hidden) return;
    root.dataset.part = part;
    const warmUp = part === 'warm_up';
    title.textContent = t(warmUp ? 'agenda.warm_up.title' : 'agenda.pause.title');
    intro.textContent = warmUp ? t('agenda.warm_up.intro') : '';
    intro.hidden = !warmUp;
    const sig = JSON.stringify([part, language()]);
    if (prompts.dataset.sig !== sig) {
      prompts.dataset.sig = sig;
      clear(prompts);
      for (const key of PROMPTS[part]) prompts.append(el('li', {}, t(key)));
    }
    credit.textContent = t('agenda.credit');
    tick(s);
  }

  function tick(s) {
    const agenda = agendaOf(s?.board);
    if (root.hidden || agenda.part !== 'pause') {
      countdown.hidden = true;
      return;
    }
    const left = remainingMs(agenda.clock, s.serverOffsetMs);
    countdown.hidden = left === null;
    if (left === null) return;
    const text = left === 0 ? t('agenda.pause.over') : formatClock(left);
    if (countdown.textContent !== text) countdown.textContent = text;
    countdown.classList.toggle('low', left > 0 && left <= LOW_MS);
    countdown.classList.toggle('done', left === 0);
    countdown.setAttribute('aria-label', t('agenda.clock_aria', {part: partName('pause'), time: formatClock(left)}));
  }

  return {root, render, tick};
}

// -- the facilitator's controls ----------------------------------------------------------

/**
 * Moving through the parts, including or skipping round II, and the planned minutes.
 * @param {Element} container
 * @param {{act: (intent: Record<string, any>) => void}} options
 */
export function createAgendaControls(container, {act}) {
  const send = (command) => act({type: 'send', command});
  let state = null;

  const heading = el('h2', {id: 'ctl-agenda-title', class: 'ctl-title'});
  const now = el('p', {class: 'step-title agenda-now'});
  const clock = el('p', {class: 'ctl-clock agenda-ctl-clock', role: 'timer', 'aria-live': 'off'});
  const back = el('button', {type: 'button', class: 'btn btn-small', on: {click: () => move(-1)}});
  const next = el('button', {type: 'button', class: 'btn btn-small btn-primary', on: {click: () => move(1)}});
  const hint = el('p', {class: 'hint'});
  const roundTwo = el('input', {type: 'checkbox', id: 'agenda-round-two'});
  const roundTwoText = el('span');
  const roundTwoLabel = el('label', {class: 'choice', for: roundTwo.id}, roundTwo, roundTwoText);
  roundTwo.addEventListener('change', () => send({type: 'set_round_two', included: roundTwo.checked}));
  const roundTwoHint = el('p', {class: 'hint'});
  const minutesTitle = el('h3', {class: 'ctl-subtitle'});
  const minutesList = el('ul', {class: 'agenda-minutes'});
  const inputs = new Map();
  for (const part of PARTS) {
    const input = el('input', {type: 'number', min: 1, max: 180, step: 1, inputmode: 'numeric', class: 'minutes', id: `agenda-minutes-${part}`, 'data-part': part});
    const label = el('label', {for: input.id});
    input.addEventListener('change', () => {
      const value = Number(input.value);
      const [low, high] = minuteBounds(state);
      if (Number.isInteger(value) && value >= low && value <= high) send({type: 'set_part_minutes', part, minutes: value});
    });
    inputs.set(part, {input, label});
    minutesList.append(el('li', {class: 'agenda-minutes-row'}, label, input));
  }
  const clockHint = el('p', {class: 'hint'});
  const credit = el('p', {class: 'credit'});
  // The planning (round II or not, minutes per part) is set before the meeting; once it runs,
  // it folds away so that the step's controls below come into view without scrolling.
  const planSummary = el('summary');
  const plan = el('details', {class: 'agenda-plan'}, planSummary, roundTwoLabel, roundTwoHint, minutesTitle, minutesList, clockHint);
  let planFoldedFor = null; // whether the meeting had started when the planning was last folded
  const body = el('div', {class: 'ctl-body'}, now, clock, el('div', {class: 'row'}, back, next), hint, plan, credit);
  const root = el('section', {id: 'ctl-agenda', class: 'ctl-section ctl-agenda', 'aria-labelledby': heading.id}, heading, body);
  container.prepend(root);

  /** The server's limits on planned minutes (sent with welcome). */
  function minuteBounds(s) {
    return [s?.limits?.MIN_PART_MINUTES ?? 1, s?.limits?.MAX_PART_MINUTES ?? 180];
  }

  function move(direction) {
    const board = state?.board;
    if (!board) return;
    const agenda = agendaOf(board);
    const to = direction > 0 ? nextPart(agenda) : previousPart(agenda, board.round || 1);
    if (!to) return;
    const command = {type: 'move_part', from: agenda.part, to};
    // Forward may leave a round unfinished or clear the circles: asked first when it would.
    if (direction > 0) act({type: 'move-on', command, opener: next});
    else send(command);
  }

  function render(s) {
    state = s;
    const board = s?.board;
    root.hidden = !board;
    if (!board) return;
    const agenda = agendaOf(board);
    heading.textContent = t('agenda.title');
    now.textContent = agenda.part ? t('agenda.now', {part: partName(agenda.part)}) : t('agenda.not_started');
    const after = nextPart(agenda);
    const before = previousPart(agenda, board.round || 1);
    next.hidden = !after;
    if (after) next.textContent = agenda.part === null ? t('agenda.controls.start') : t('agenda.controls.next', {part: partName(after)});
    back.hidden = !before;
    if (before) back.textContent = t('agenda.controls.back', {part: partName(before)});
    const startsRoundTwo = after === 'round_2' && (board.round || 1) < 2;
    hint.textContent = startsRoundTwo ? t('agenda.controls.round_two_hint') : '';
    hint.hidden = !startsRoundTwo;
    const started = (board.round || 1) >= 2 || agenda.part === 'round_2';
    if (document.activeElement !== roundTwo) roundTwo.checked = agenda.round_two;
    roundTwo.disabled = started;
    roundTwoText.textContent = t('agenda.controls.round_two');
    roundTwoHint.textContent = started ? t('agenda.controls.round_two_started') : '';
    roundTwoHint.hidden = !started;
    minutesTitle.textContent = t('agenda.controls.minutes');
    const [low, high] = minuteBounds(s);
    let sum = 0;
    for (const entry of agenda.parts) {
      const view = inputs.get(entry.part);
      if (!view) continue;
      view.label.textContent = partName(entry.part);
      view.input.min = String(low);
      view.input.max = String(high);
      view.input.setAttribute('aria-label', t('agenda.controls.minutes_for', {part: partName(entry.part)}));
      if (document.activeElement !== view.input && view.input.value !== String(entry.minutes)) view.input.value = String(entry.minutes);
      view.input.closest('li').classList.toggle('is-skipped', !entry.included);
      if (entry.included) sum += entry.minutes;
    }
    planSummary.textContent = t('agenda.controls.plan', {n: sum});
    const running = agenda.part !== null || (board.round || 1) > 1;
    if (planFoldedFor !== running) {
      planFoldedFor = running;
      plan.open = !running;
    }
    clockHint.textContent = t('agenda.controls.clock_hint');
    credit.textContent = t('agenda.credit');
    tick(s);
  }

  function tick(s = state) {
    const agenda = agendaOf(s?.board);
    clock.hidden = !agenda.clock;
    if (!agenda.clock) return;
    const left = remainingMs(agenda.clock, s.serverOffsetMs);
    const text = left === 0 ? t('agenda.over') : formatClock(left);
    if (clock.textContent !== text) clock.textContent = text;
    clock.setAttribute('aria-label', t('agenda.clock_aria', {part: partName(agenda.part), time: formatClock(left)}));
  }

  return {root, render, tick};
}

// -- the phone ---------------------------------------------------------------------------

/** The phone's card in the warm-up (the prompt) and the pause (a large countdown). */
export function createPhoneAgenda() {
  const progress = el('p', {class: 'step-progress'});
  const title = el('h1', {class: 'step-title', id: 'agenda-title', tabindex: '-1'});
  const intro = el('p', {});
  const prompts = el('ul', {class: 'questions agenda-prompts'});
  const countdown = el('p', {class: 'agenda-countdown', role: 'timer', 'aria-live': 'off'});
  const after = el('p', {class: 'muted'});
  const credit = el('p', {class: 'credit'});
  const root = el('section', {class: 'card step-card agenda-card', 'aria-labelledby': title.id}, progress, title, intro, prompts, countdown, after, credit);
  let signature = '';

  return {
    root,
    /** Returns true when the part changed (for the announcement). */
    update(state) {
      const part = currentPart(state.board);
      const sig = JSON.stringify([part, language()]);
      this.tick(state);
      if (sig === signature) return false;
      const changed = !signature.startsWith(`["${part}"`);
      signature = sig;
      root.dataset.part = part || '';
      const warmUp = part === 'warm_up';
      progress.textContent = t('agenda.title');
      title.textContent = t(warmUp ? 'agenda.warm_up.title' : 'agenda.pause.title');
      intro.textContent = warmUp ? t('agenda.warm_up.intro') : t('agenda.pause.hint');
      prompts.replaceChildren(...(warmUp ? PROMPTS.warm_up.map((key) => el('li', {}, t(key))) : []));
      prompts.hidden = !warmUp;
      after.textContent = warmUp ? t('agenda.warm_up.phone') : '';
      after.hidden = !warmUp;
      credit.textContent = t('agenda.credit');
      return changed;
    },
    /** Called every second. */
    tick(state) {
      const agenda = agendaOf(state.board);
      const pause = agenda.part === 'pause';
      const left = pause ? remainingMs(agenda.clock, state.serverOffsetMs) : null;
      countdown.hidden = left === null;
      if (left === null) return;
      const text = left === 0 ? t('agenda.pause.over') : formatClock(left);
      if (countdown.textContent !== text) countdown.textContent = text;
      countdown.classList.toggle('done', left === 0);
      countdown.setAttribute('aria-label', t('agenda.clock_aria', {part: partName('pause'), time: formatClock(left)}));
    },
    focus() {
      title.focus();
    },
  };
}
