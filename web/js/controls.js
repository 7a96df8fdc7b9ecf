// The facilitator's controls: topic, steps, timer, reading aloud, managing notes, dot voting,
// the chosen item and its next step, plans and duos, the closing, exports, and deleting the
// board.
//
// A view: it draws from the state it is given and reports what the facilitator wants through
// `act(intent)`; it never talks to the socket itself. Fields the facilitator is typing in are
// never overwritten by updates from the room.

import {el, clear} from './dom.js';
import {language, plural, t} from './i18n.js';
import {formatClock, remainingMs} from './clock.js';
import {newId} from './socket.js';
import {PHASES, STEPS, phasesOf, stepOf} from './method.js';
import {
  DEFAULT_MINUTES,
  READING_CIRCLE,
  circleNotes,
  duos,
  hiddenNotes,
  mergedCounts,
  mergedNotes,
  neighbourPhase,
  newPairCode,
  noteById,
  people,
  plansInOrder,
  rankedOuter,
  readingPosition,
  stepReading,
} from './screen-model.js';
import {button, errorText, keyedList, pinIcon, scaleChart, section, setAttr, setText} from './screen-ui.js';
import {chimeWanted, setChimeWanted} from './chime.js';

const MINUTES_KEY = 'cirkelbord.timer-minutes';
const EXTEND_SECONDS = 60;
const TIME_UP_EXTEND_SECONDS = 120;

/**
 * @typedef {{type: 'send', command: Record<string, any>}
 *   | {type: 'export', format: 'summary.pdf'|'summary.md'|'md'|'csv'|'json'|'png'}
 *   | {type: 'retry', cid: string} | {type: 'discard', cid: string}
 *   | {type: 'delete-board'}} Intent
 */

function storedMinutes() {
  try {
    const value = JSON.parse(localStorage.getItem(MINUTES_KEY) || '{}');
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}

function remember(minutes) {
  try {
    localStorage.setItem(MINUTES_KEY, JSON.stringify(minutes));
  } catch {
    // not kept across reloads; the defaults still work
  }
}

/** Track whether the facilitator has typed in a field since it was last filled from the room. */
function editable(node) {
  node.addEventListener('input', () => {
    node.dataset.dirty = '1';
  });
  return node;
}

function fill(node, value) {
  if (document.activeElement === node || node.dataset.dirty === '1') return;
  if (node.value !== value) node.value = value;
}

function clean(node) {
  delete node.dataset.dirty;
}

let uid = 0;
function fieldId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

function labelled(labelText, input, hint) {
  const id = input.id || fieldId('f');
  input.id = id;
  const label = el('label', {for: id});
  label.textContent = labelText;
  const wrap = el('div', {class: 'field'}, label, input);
  if (hint) wrap.append(hint);
  return {wrap, label};
}

/**
 * A modal confirmation: Esc or Cancel closes it, the focus starts on Cancel. Red for what cannot
 * be undone (deleting the board); `calm` for moving on in a meeting, in front of the team.
 * @param {string} id
 * @param {{text: HTMLElement, extra?: HTMLElement[], calm?: boolean, onConfirm: () => void}} options
 */
function confirmDialog(id, {text, extra = [], calm = false, onConfirm}) {
  const title = el('h2', {id: `${id}-title`, class: 'dialog-title'});
  text.id = `${id}-text`;
  const cancel = button(() => dialog.close(), {autofocus: true});
  const confirm = button(onConfirm, {variant: calm ? 'primary' : 'danger'});
  confirm.classList.add('confirm');
  const dialog = el(
    'dialog',
    {class: ['confirm-dialog', calm && 'confirm-dialog--calm'], 'aria-labelledby': title.id, 'aria-describedby': text.id},
    title,
    text,
    ...extra,
    el('div', {class: 'row dialog-actions'}, cancel, confirm),
  );
  return {dialog, title, cancel, confirm};
}

/**
 * @param {Element} container
 * @param {{act: (intent: Intent) => void}} options
 */
export function createControls(container, {act}) {
  const send = (command) => act({type: 'send', command});
  const minutes = storedMinutes();
  let state = null;
  let mergeSource = null;
  let timeUpDismissed = null;
  let lastPhase = null;

  const root = el('div', {class: 'controls-inner'});
  container.append(root);

  // -- messages (errors, commands that failed) ----------------------------------------------
  const messages = el('div', {class: 'ctl-messages', role: 'alert'});

  // -- topic -------------------------------------------------------------------------------
  const topic = section('ctl-topic');
  const topicInput = editable(el('input', {type: 'text', maxlength: 200, autocomplete: 'off'}));
  const topicField = labelled('', topicInput);
  const topicSave = button(() => {
    const value = topicInput.value.trim();
    if (!value) return;
    send({type: 'set_topic', topic: value});
    clean(topicInput);
  }, {variant: 'primary'});
  topicInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      topicSave.click();
    }
  });
  topic.body.append(el('form', {class: 'inline-form', on: {submit: (e) => e.preventDefault()}}, topicField.wrap, topicSave));

  // -- phase -------------------------------------------------------------------------------
  const phase = section('ctl-phase');
  const progress = el('p', {class: 'step-progress'});
  const stepTitle = el('p', {class: 'step-title'});
  const questions = el('ul', {class: 'questions'});
  const credit = el('p', {class: 'credit'});
  const phaseHint = el('p', {class: 'hint'});
  const back = button(() => move(-1));
  const next = button(() => move(1), {variant: 'primary'});
  phase.body.append(progress, stepTitle, questions, credit);
  // The way to the next step stays at the bottom of the controls, however far they scroll
  // (the agenda's planning, a step's own sections): a facilitator in front of the room
  // never has to look for it.
  const stepNav = el('nav', {class: 'ctl-step-nav'}, el('div', {class: 'row'}, back, next), phaseHint);
  container.append(stepNav);

  function move(direction) {
    const board = state?.board;
    if (!board) return;
    const to = neighbourPhase(board.phase, direction, phasesOf(board));
    if (to) send({type: 'change_phase', from: board.phase, to});
  }

  // -- timer -------------------------------------------------------------------------------
  const timer = section('ctl-timer');
  const clock = el('p', {class: 'ctl-clock', role: 'timer', 'aria-live': 'off'});
  const minutesInput = el('input', {type: 'number', min: 1, max: 180, step: 1, inputmode: 'numeric', class: 'minutes'});
  const minutesField = labelled('', minutesInput);
  minutesInput.addEventListener('change', () => {
    const phaseNow = state?.board?.phase;
    const value = Number(minutesInput.value);
    if (phaseNow && value >= 1 && value <= 180) {
      minutes[phaseNow] = value;
      remember(minutes);
    }
  });
  const lockBox = el('input', {type: 'checkbox', id: fieldId('lock')});
  const lockLabel = el('label', {class: 'choice', for: lockBox.id}, lockBox, el('span'));
  lockBox.addEventListener('change', () => {
    // With a timer on the board the setting changes at once and the timer runs on untouched;
    // without one it goes with the next start.
    if (state?.board?.timer) send({type: 'set_timer_lock', lock_writing: lockBox.checked});
  });
  const start = button(() => {
    const value = Math.min(180, Math.max(1, Number(minutesInput.value) || DEFAULT_MINUTES[state.board.phase]));
    send({type: 'start_timer', seconds: Math.round(value * 60), lock_writing: lockBox.checked});
  }, {variant: 'primary'});
  const pause = button(() => {
    const running = state?.board?.timer?.running;
    send({type: running ? 'pause_timer' : 'resume_timer'});
  });
  const extend = button(() => send({type: 'extend_timer', seconds: EXTEND_SECONDS}));
  const clearTimer = button(() => send({type: 'clear_timer'}));
  const timeUp = el('div', {class: 'time-up', role: 'alert', hidden: true});
  const timeUpText = el('p', {class: 'time-up-text'});
  const timeUpExtend = button(() => send({type: 'extend_timer', seconds: TIME_UP_EXTEND_SECONDS}), {variant: 'primary'});
  const timeUpNext = button(() => move(1));
  const timeUpClose = button(() => {
    timeUpDismissed = timerKey(state?.board?.timer);
    timeUp.hidden = true;
  }, {variant: 'quiet'});
  timeUp.append(timeUpText, el('div', {class: 'row'}, timeUpExtend, timeUpNext, timeUpClose));
  const chimeBox = el('input', {type: 'checkbox', id: fieldId('chime')});
  const chimeLabel = el('label', {class: 'choice', for: chimeBox.id}, chimeBox, el('span'));
  chimeBox.checked = chimeWanted();
  chimeBox.addEventListener('change', () => setChimeWanted(chimeBox.checked));
  timer.body.append(
    el('div', {class: 'timer-row'}, clock, el('div', {class: 'minutes-field'}, minutesField.wrap)),
    el('div', {class: 'row'}, start, pause, extend, clearTimer),
    lockLabel,
    chimeLabel,
  );

  // -- reading aloud -----------------------------------------------------------------------
  const reading = section('ctl-reading');
  const readCounter = el('p', {class: 'read-counter'});
  const readStart = button(() => {
    const first = stepReading({...state.board, reading: null}, 1);
    if (first !== undefined) send({type: 'show_item', target: first});
  }, {variant: 'primary'});
  const readPrev = button(() => step(-1));
  const readNext = button(() => step(1), {variant: 'primary'});
  const readStop = button(() => send({type: 'show_item', target: null}));
  const readKeys = el('p', {class: 'hint'});
  reading.body.append(readCounter, el('div', {class: 'row'}, readStart, readPrev, readNext, readStop), readKeys);

  function step(direction) {
    const target = stepReading(state.board, direction);
    if (target !== undefined) send({type: 'show_item', target});
  }

  // -- managing notes ----------------------------------------------------------------------
  const notes = section('ctl-notes');
  const notesHint = el('p', {class: 'hint'});
  const notesList = el('ul', {class: 'manage-list'});
  const hiddenTitle = el('h3', {class: 'ctl-subtitle'});
  const hiddenList = el('ul', {class: 'manage-list'});
  const mergedTitle = el('h3', {class: 'ctl-subtitle', tabindex: -1});
  const mergedHint = el('p', {class: 'hint'});
  const mergedList = el('ul', {class: 'manage-list'});
  notes.body.append(notesHint, notesList, hiddenTitle, hiddenList, mergedTitle, mergedHint, mergedList);
  let unmerged = null; // the note whose merge was just undone: focus follows it back to the list

  function noteRow() {
    const text = el('p', {class: 'manage-text'});
    const flags = el('p', {class: 'manage-flags'});
    const read = button(() => send({type: 'show_item', target: row.dataset.key}));
    const hide = button(() => {
      const note = noteById(state.board, row.dataset.key);
      if (note) send({type: 'hide_note', id: note.id, hidden: !note.hidden});
    });
    const moveTo = button(() => {
      const note = noteById(state.board, row.dataset.key);
      if (note) send({type: 'move_note', id: note.id, circle: note.circle === 'inner' ? 'outer' : 'inner'});
    });
    const merge = button(() => {
      mergeSource = mergeSource === row.dataset.key ? null : row.dataset.key;
      render(state);
      if (mergeSource) row.querySelector('select')?.focus();
    });
    const target = el('select');
    const targetField = labelled('', target);
    const doMerge = button(() => {
      if (target.value) send({type: 'merge_note', id: row.dataset.key, into: target.value});
      mergeSource = null;
      render(state);
    }, {variant: 'primary'});
    const cancel = button(() => {
      mergeSource = null;
      render(state);
      merge.focus();
    }, {variant: 'quiet'});
    const picker = el('div', {class: 'merge-picker', hidden: true}, targetField.wrap, el('div', {class: 'row'}, doMerge, cancel));
    const pin = el('span', {class: 'manage-pin'});
    const row = el(
      'li',
      {class: 'manage-row'},
      el('div', {class: 'manage-main'}, pin, el('div', {class: 'manage-copy'}, text, flags)),
      el('div', {class: 'manage-actions'}, read, hide, moveTo, merge),
      picker,
    );
    row._parts = {text, flags, read, hide, moveTo, merge, target, targetLabel: targetField.label, doMerge, cancel, picker, pin};
    return row;
  }

  function updateNoteRow(row, note) {
    const p = row._parts;
    const board = state.board;
    const short = note.text.length > 60 ? `${note.text.slice(0, 57)}…` : note.text;
    row.dataset.circle = note.circle;
    setText(p.text, note.text);
    const flags = [t(`circle.${note.circle}`)];
    if (note.hidden) flags.push(t('screen.manage.hidden'));
    const merged = mergedCounts(board)[note.id];
    if (merged) flags.push(plural('screen.note.merged', merged));
    if (board.reading === note.id) flags.push(t('screen.note.reading'));
    if (board.chosen === note.id) flags.push(t('screen.note.chosen'));
    setText(p.flags, flags.join(' · '));
    if (p.pin.dataset.circle !== note.circle) {
      clear(p.pin).append(pinIcon(note.circle));
      p.pin.dataset.circle = note.circle;
    }
    setText(p.read, t('screen.manage.read'));
    setAttr(p.read, 'aria-label', t('screen.manage.read_aria', {text: short}));
    p.read.disabled = note.hidden;
    setText(p.hide, note.hidden ? t('screen.manage.unhide') : t('screen.manage.hide'));
    setAttr(p.hide, 'aria-label', t(note.hidden ? 'screen.manage.unhide_aria' : 'screen.manage.hide_aria', {text: short}));
    const other = note.circle === 'inner' ? 'outer' : 'inner';
    setText(p.moveTo, t(`screen.manage.to_${other}`));
    setAttr(p.moveTo, 'aria-label', t(`screen.manage.to_${other}_aria`, {text: short}));
    setText(p.merge, t('screen.manage.merge'));
    setAttr(p.merge, 'aria-label', t('screen.manage.merge_aria', {text: short}));
    setAttr(p.merge, 'aria-expanded', String(mergeSource === note.id));
    p.merge.disabled = note.hidden;
    const open = mergeSource === note.id;
    p.picker.hidden = !open;
    if (open) {
      setText(p.targetLabel, t('screen.manage.merge_into'));
      const options = [...circleNotes(board, 'inner'), ...circleNotes(board, 'outer')].filter((n) => n.id !== note.id);
      const sig = JSON.stringify([options.map((n) => [n.id, n.text]), language()]);
      if (p.target.dataset.sig !== sig) {
        p.target.dataset.sig = sig;
        const keep = p.target.value;
        clear(p.target);
        for (const option of options) {
          const label = `${t(`circle.${option.circle}`)}: ${option.text.length > 80 ? `${option.text.slice(0, 77)}…` : option.text}`;
          p.target.append(el('option', {value: option.id}, label));
        }
        if (keep) p.target.value = keep;
      }
      setText(p.doMerge, t('screen.manage.merge_do'));
      setText(p.cancel, t('screen.cancel'));
    }
  }

  /** A note merged into another: what it says, where it went, and the way back. */
  function mergedRow() {
    const text = el('p', {class: 'manage-text'});
    const into = el('p', {class: 'manage-flags'});
    const undo = button(() => {
      unmerged = row.dataset.key;
      send({type: 'unmerge_note', id: row.dataset.key});
    });
    const pin = el('span', {class: 'manage-pin'});
    const row = el(
      'li',
      {class: 'manage-row is-merged'},
      el('div', {class: 'manage-main'}, pin, el('div', {class: 'manage-copy'}, text, into)),
      el('div', {class: 'manage-actions'}, undo),
    );
    row._parts = {text, into, undo, pin};
    return row;
  }

  function updateMergedRow(row, note) {
    const p = row._parts;
    const target = noteById(state.board, note.merged_into);
    const short = note.text.length > 60 ? `${note.text.slice(0, 57)}…` : note.text;
    row.dataset.circle = note.circle;
    setText(p.text, note.text);
    const where = target ? (target.text.length > 80 ? `${target.text.slice(0, 77)}…` : target.text) : '';
    setText(p.into, `${t(`circle.${note.circle}`)} · ${t('screen.manage.merged_into', {text: where})}`);
    if (p.pin.dataset.circle !== note.circle) {
      clear(p.pin).append(pinIcon(note.circle));
      p.pin.dataset.circle = note.circle;
    }
    setText(p.undo, t('screen.manage.unmerge'));
    setAttr(p.undo, 'aria-label', t('screen.manage.unmerge_aria', {text: short}));
  }

  // -- voting ------------------------------------------------------------------------------
  const voting = section('ctl-voting');
  const voteStatus = el('p', {class: 'vote-status'});
  const dotsInput = el('input', {type: 'number', min: 1, step: 1, inputmode: 'numeric', class: 'minutes'});
  const dotsField = labelled('', dotsInput);
  let dotsTouched = false; // the facilitator's own number wins over the server's default
  dotsInput.addEventListener('input', () => { dotsTouched = true; });
  const openVote = button(() => {
    const {fallback, max} = dotBounds();
    const dots = Math.min(max, Math.max(1, Math.round(Number(dotsInput.value) || fallback)));
    send({type: 'open_voting', dots});
  }, {variant: 'primary'});

  /** The server's default and most dots per person (its limits, sent with welcome). */
  function dotBounds() {
    const limits = state?.limits;
    return {fallback: limits?.DEFAULT_DOTS_PER_PARTICIPANT ?? 3, max: limits?.MAX_DOTS_PER_PARTICIPANT ?? 10};
  }
  const closeVote = button(() => send({type: 'close_voting'}), {variant: 'primary'});
  const rankTitle = el('h3', {class: 'ctl-subtitle'});
  const rankList = el('ol', {class: 'rank-list'});
  voting.body.append(
    voteStatus,
    el('div', {class: 'row vote-open-row'}, el('div', {class: 'minutes-field'}, dotsField.wrap), openVote, closeVote),
    rankTitle,
    rankList,
  );

  function rankRow() {
    const dots = el('span', {class: 'rank-dots'});
    const text = el('span', {class: 'rank-text'});
    const choose = button(() => {
      const id = row.dataset.key;
      send({type: 'choose_item', id: state.board.chosen === id ? null : id});
    });
    const row = el('li', {class: 'rank-row'}, dots, text, choose);
    row._parts = {dots, text, choose};
    return row;
  }

  function updateRankRow(row, {note, dots}) {
    const p = row._parts;
    const board = state.board;
    const chosen = board.chosen === note.id;
    row.classList.toggle('is-chosen', chosen);
    setText(p.dots, board.voting?.tally ? plural('screen.note.dots', dots) : '');
    setText(p.text, note.text);
    setText(p.choose, chosen ? t('screen.choose.undo') : t('screen.choose.do'));
    const short = note.text.length > 60 ? `${note.text.slice(0, 57)}…` : note.text;
    setAttr(p.choose, 'aria-label', t(chosen ? 'screen.choose.undo_aria' : 'screen.choose.do_aria', {text: short}));
    setAttr(p.choose, 'aria-pressed', String(chosen));
    p.choose.disabled = board.voting?.status === 'open';
  }

  // -- plans -------------------------------------------------------------------------------
  const plans = section('ctl-plans');
  const modeName = fieldId('mode');
  const modeTeam = el('input', {type: 'radio', name: modeName, value: 'team', id: fieldId('mode')});
  const modeGroups = el('input', {type: 'radio', name: modeName, value: 'groups', id: fieldId('mode')});
  const modeTeamText = el('span');
  const modeGroupsText = el('span');
  const modeLegend = el('legend');
  for (const radio of [modeTeam, modeGroups]) {
    radio.addEventListener('change', () => radio.checked && send({type: 'set_plan_mode', mode: radio.value}));
  }
  const modeSet = el(
    'fieldset',
    {class: 'plan-mode'},
    modeLegend,
    el('div', {class: 'choices inline'}, el('label', {class: 'choice', for: modeTeam.id}, modeTeam, modeTeamText), el('label', {class: 'choice', for: modeGroups.id}, modeGroups, modeGroupsText)),
  );
  const modeHint = el('p', {class: 'hint'});
  const formTitle = el('h3', {class: 'ctl-subtitle'});
  const planItem = el('select');
  const planItemField = labelled('', planItem);
  const planWhat = editable(el('textarea', {rows: 2, maxlength: 280}));
  const planWhatField = labelled('', planWhat);
  const planWho = editable(el('input', {type: 'text', maxlength: 280, autocomplete: 'off'}));
  const planWhoField = labelled('', planWho);
  const planWhen = editable(el('input', {type: 'text', maxlength: 280, autocomplete: 'off'}));
  const planWhenField = labelled('', planWhen);
  const planError = el('p', {class: 'form-error', role: 'alert'});
  const planSave = el('button', {type: 'submit', class: 'btn btn-small btn-primary'});
  let editingPlan = null;
  const planCancel = button(() => {
    editingPlan = null;
    resetPlanForm();
    render(state);
  }, {variant: 'quiet'});
  const planForm = el(
    'form',
    {class: 'plan-form', novalidate: true, on: {submit: savePlan}},
    formTitle,
    planItemField.wrap,
    planWhatField.wrap,
    el('div', {class: 'two-fields'}, planWhoField.wrap, planWhenField.wrap),
    planError,
    el('div', {class: 'row'}, planSave, planCancel),
  );
  const planListTitle = el('h3', {class: 'ctl-subtitle'});
  const planList = el('ul', {class: 'plan-list'});
  const planEmpty = el('p', {class: 'hint'});
  plans.body.append(modeSet, modeHint, planForm, planListTitle, planEmpty, planList);

  function resetPlanForm() {
    for (const node of [planWhat, planWho, planWhen]) {
      node.value = '';
      clean(node);
    }
    setText(planError, '');
  }

  function savePlan(event) {
    event.preventDefault();
    const what = planWhat.value.trim();
    if (!planItem.value) {
      setText(planError, t('plan.need_item'));
      planItem.focus();
      return;
    }
    if (!what) {
      setText(planError, t('plan.need_what'));
      planWhat.focus();
      return;
    }
    setText(planError, '');
    const fields = {what, who: planWho.value.trim(), when: planWhen.value.trim()};
    if (editingPlan) send({type: 'edit_plan', id: editingPlan, ...fields});
    else send({type: 'add_plan', id: newId('plan-'), note: planItem.value, ...fields});
    editingPlan = null;
    resetPlanForm();
    render(state);
  }

  function planRow() {
    const what = el('p', {class: 'plan-what'});
    const meta = el('p', {class: 'plan-meta'});
    const read = button(() => send({type: 'show_item', target: row.dataset.key}));
    const edit = button(() => {
      const plan = state.board.plans.find((p) => p.id === row.dataset.key);
      if (!plan) return;
      editingPlan = plan.id;
      planItem.value = plan.note;
      planWhat.value = plan.what;
      planWho.value = plan.who;
      planWhen.value = plan.when;
      for (const node of [planWhat, planWho, planWhen]) node.dataset.dirty = '1';
      render(state);
      planWhat.focus();
    });
    const remove = button(() => send({type: 'remove_plan', id: row.dataset.key}), {variant: 'danger'});
    const row = el('li', {class: 'plan-row'}, what, meta, el('div', {class: 'row'}, read, edit, remove));
    row._parts = {what, meta, read, edit, remove};
    return row;
  }

  function updatePlanRow(row, plan) {
    const p = row._parts;
    const board = state.board;
    const note = noteById(board, plan.note);
    setText(p.what, plan.what);
    const meta = [];
    if (plan.who) meta.push(t('plan.summary_who', {who: plan.who}));
    if (plan.when) meta.push(t('plan.summary_when', {when: plan.when}));
    if (note) meta.push(t('plan.for', {text: note.text}));
    if (plan.pair) meta.push(t('screen.plan.duo', {code: plan.pair}));
    setText(p.meta, meta.join(' · '));
    row.classList.toggle('is-reading', board.reading === plan.id);
    const short = plan.what.length > 60 ? `${plan.what.slice(0, 57)}…` : plan.what;
    setText(p.read, t('screen.manage.read'));
    setAttr(p.read, 'aria-label', t('screen.manage.read_aria', {text: short}));
    setText(p.edit, t('plan.edit'));
    setAttr(p.edit, 'aria-label', t('plan.edit_aria', {text: short}));
    setText(p.remove, t('plan.remove'));
    setAttr(p.remove, 'aria-label', t('plan.remove_aria', {text: short}));
  }

  // -- duos (plans made by duos on their phones), shown under the plan mode ------------------
  const pairsTitle = el('h3', {id: 'ctl-pairs-title', class: 'ctl-subtitle'});
  const pairsPanel = el('section', {id: 'ctl-pairs', class: 'pairs-panel', 'aria-labelledby': pairsTitle.id}, pairsTitle);
  const pairsHint = el('p', {class: 'hint'});
  const pairFirst = el('select');
  const pairFirstField = labelled('', pairFirst);
  const pairSecond = el('select');
  const pairSecondField = labelled('', pairSecond);
  const pairError = el('p', {class: 'form-error', role: 'alert'});
  const pairMake = el('button', {type: 'submit', class: 'btn btn-small btn-primary'});
  const pairForm = el(
    'form',
    {class: 'pair-form', novalidate: true, on: {submit: makePair}},
    pairFirstField.wrap,
    pairSecondField.wrap,
    pairError,
    el('div', {class: 'row'}, pairMake),
  );
  const duosTitle = el('h4', {class: 'ctl-subtitle'});
  const duosEmpty = el('p', {class: 'hint'});
  const duosList = el('ul', {class: 'duo-list'});
  const aloneTitle = el('h4', {class: 'ctl-subtitle'});
  const aloneList = el('ul', {class: 'alone-list'});
  pairsPanel.append(pairsHint, pairForm, duosTitle, duosEmpty, duosList, aloneTitle, aloneList);
  modeHint.after(pairsPanel); // right under the choice of who makes the plan
  const duoSection = section('ctl-duos');

  const unnamed = (n) => t('screen.pairs.unnamed', {n});

  function makePair(event) {
    event.preventDefault();
    const first = pairFirst.value;
    const second = pairSecond.value;
    if (!first || !second) {
      setText(pairError, t('screen.pairs.need_two'));
      (first ? pairSecond : pairFirst).focus();
      return;
    }
    if (first === second) {
      setText(pairError, t('screen.pairs.same'));
      pairSecond.focus();
      return;
    }
    setText(pairError, '');
    const list = state.board.participants || [];
    const taken = new Set(list.map((p) => p.pair).filter(Boolean));
    send({type: 'pair_up', first, second, code: newPairCode(taken)});
    pairFirst.value = '';
    pairSecond.value = '';
  }

  function fillPeople(select, list, sig) {
    if (select.dataset.sig === sig) return;
    select.dataset.sig = sig;
    const keep = select.value;
    clear(select);
    select.append(el('option', {value: ''}, t('screen.pairs.choose')));
    for (const person of list) {
      const label = person.pair ? `${person.label} (${t('screen.plan.duo', {code: person.pair})})` : person.label;
      select.append(el('option', {value: person.id}, label));
    }
    select.value = list.some((p) => p.id === keep) ? keep : '';
  }

  function renderPairs(board) {
    setText(pairsTitle, t('screen.pairs.title'));
    setText(pairsHint, t(board.variant === 'duo' ? 'screen.pairs.hint_duo' : 'screen.pairs.hint'));
    setText(pairFirstField.label, t('screen.pairs.first'));
    setText(pairSecondField.label, t('screen.pairs.second'));
    setText(pairMake, t('screen.pairs.make'));
    const list = people(board, unnamed);
    const sig = JSON.stringify([list, language()]);
    fillPeople(pairFirst, list, sig);
    fillPeople(pairSecond, list, sig);
    const {duos: current, alone} = duos(list);
    setText(duosTitle, t('screen.pairs.current'));
    duosEmpty.hidden = current.length > 0;
    setText(duosEmpty, t('screen.pairs.none'));
    setText(aloneTitle, plural('screen.pairs.alone', alone.length));
    aloneTitle.hidden = alone.length === 0;
    if (duosList.dataset.sig !== sig) {
      duosList.dataset.sig = sig;
      clear(duosList);
      for (const duo of current) {
        duosList.append(
          el(
            'li',
            {class: 'duo-row'},
            el('span', {class: 'duo-names'}, duo.members.map((m) => m.label).join(' & ')),
            el('span', {class: 'duo-code'}, t('screen.plan.duo', {code: duo.code})),
          ),
        );
      }
      clear(aloneList);
      for (const person of alone) {
        aloneList.append(el('li', {}, person.pair ? `${person.label} (${t('screen.pairs.waiting', {code: person.pair})})` : person.label));
      }
    }
    pairForm.hidden = list.length < 2;
    if (list.length < 2) setText(duosEmpty, t('screen.pairs.too_few'));
  }

  // -- closing -----------------------------------------------------------------------------
  const closing = section('ctl-closing');
  const reflectTitle = el('h3', {class: 'ctl-subtitle'});
  const reflectSummary = el('p', {class: 'reflect-summary'});
  const reflectList = el('ul', {class: 'reflect-list'});
  const agreements = editable(el('textarea', {rows: 3, maxlength: 2000}));
  const agreementsField = labelled('', agreements);
  const agreementsSave = button(() => {
    send({type: 'set_agreements', text: agreements.value.trim()});
    clean(agreements);
  }, {variant: 'primary'});
  const scaleTitle = el('h3', {class: 'ctl-subtitle'});
  const scaleQuestion = el('p', {class: 'hint'});
  const scaleStatus = el('p', {class: 'scale-status'});
  const scaleOpen = button(() => send({type: 'open_scale'}), {variant: 'primary'});
  const scaleClose = button(() => send({type: 'close_scale'}), {variant: 'primary'});
  const scaleChartBox = el('div', {class: 'scale-chart-box'});
  closing.body.append(
    reflectTitle,
    reflectSummary,
    reflectList,
    agreementsField.wrap,
    el('div', {class: 'row'}, agreementsSave),
    scaleTitle,
    scaleQuestion,
    scaleStatus,
    el('div', {class: 'row'}, scaleOpen, scaleClose),
    scaleChartBox,
  );

  // -- export ------------------------------------------------------------------------------
  const exporting = section('ctl-export');
  const exportHint = el('p', {class: 'hint'});
  const exportResult = el('p', {class: 'export-result', role: 'status'});
  let exportShownIn = exportResult; // the result goes next to the button that asked for it
  let exportOutcome = null; // 'busy', 'done', 'failed': said again in a newly chosen language
  function exportTo(format, result) {
    if (exportShownIn !== result) setText(exportShownIn, '');
    exportShownIn = result;
    exportOutcome = null;
    act({type: 'export', format});
  }
  // The follow-up summary first: it is what goes in the mail after the meeting.
  const exportButtons = ['summary.pdf', 'summary.md', 'md', 'csv', 'json', 'png'].map((format) => {
    const node = button(() => exportTo(format, exportResult));
    node.dataset.format = format;
    return node;
  });
  exporting.body.append(el('div', {class: 'row export-row'}, exportButtons), exportHint, exportResult);

  // -- the board itself: when it goes, and deleting it now -------------------------------------
  const boardPart = section('ctl-board', 'ctl-board');
  const retention = el('p', {class: 'retention'});
  const retentionHint = el('p', {class: 'hint'});
  const boardExportResult = el('p', {class: 'export-result', role: 'status'});
  const exportFirst = button(() => exportTo('md', boardExportResult));
  const deleteOpen = button(() => openDelete(), {variant: 'danger', 'aria-haspopup': 'dialog'});
  const deleteWarning = el('p', {class: 'hint'});
  boardPart.body.append(retention, retentionHint, deleteWarning, el('div', {class: 'row board-actions'}, exportFirst, deleteOpen), boardExportResult);

  // The confirmation, with a way to keep a copy first.
  const dialogText = el('p');
  const dialogExportResult = el('p', {class: 'export-result', role: 'status'});
  const dialogExport = button(() => exportTo('md', dialogExportResult));
  const dialogExportHint = el('p', {class: 'hint'});
  const dialogStatus = el('p', {class: 'dialog-status', role: 'alert'});
  const {
    dialog: deleteDialog,
    title: dialogTitle,
    cancel: dialogCancel,
    confirm: dialogConfirm,
  } = confirmDialog('delete-dialog', {
    text: dialogText,
    extra: [el('div', {class: 'row'}, dialogExport), dialogExportHint, dialogExportResult, dialogStatus],
    onConfirm: () => act({type: 'delete-board'}),
  });
  deleteDialog.addEventListener('close', () => {
    if (!deleted) deleteOpen.focus();
  });
  let deletesAt = null;
  let deleting = false;
  let deleted = false;

  function openDelete() {
    setText(dialogStatus, '');
    renderBoardPart();
    deleteDialog.showModal();
  }

  // -- asking before moving on (the agenda's next part, a follow-up meeting) -------------------
  // Only asked when the move would skip, hide or clear something; the dialog says what.
  const moveLines = el('ul', {class: 'dialog-list'});
  let pendingMove = null; // {question, opener, onConfirm} while the dialog is open
  const {
    dialog: moveDialog,
    title: moveTitle,
    cancel: moveCancel,
    confirm: moveConfirm,
  } = confirmDialog('move-dialog', {
    calm: true,
    text: moveLines,
    onConfirm: () => {
      const move = pendingMove;
      moveDialog.close();
      move?.onConfirm();
    },
  });
  moveDialog.addEventListener('close', () => {
    const opener = pendingMove?.opener;
    pendingMove = null;
    if (opener?.isConnected && !opener.hidden) opener.focus();
  });

  /**
   * Ask before moving on. `question()` says what the move would leave behind ({title, lines,
   * confirm}), or null once there is nothing to ask any more (the room moved on elsewhere);
   * `onConfirm` makes the move. The focus goes back to `opener` when the dialog closes.
   * @param {() => {title: string, lines: string[], confirm: string} | null} question
   * @param {HTMLElement | null} opener
   * @param {() => void} onConfirm
   */
  function confirmMove(question, opener, onConfirm) {
    if (moveDialog.open) return;
    pendingMove = {question, opener, onConfirm};
    if (renderMove()) moveDialog.showModal();
    else pendingMove = null;
  }

  /** The open question's texts, kept current while the room changes; false when it is moot. */
  function renderMove() {
    const question = pendingMove?.question();
    if (!question) {
      if (moveDialog.open) moveDialog.close();
      return false;
    }
    setText(moveTitle, question.title);
    const sig = JSON.stringify(question.lines);
    if (moveLines.dataset.sig !== sig) {
      moveLines.dataset.sig = sig;
      moveLines.replaceChildren(...question.lines.map((line) => el('li', {}, line)));
    }
    setText(moveCancel, t('moving_on.cancel'));
    setText(moveConfirm, question.confirm);
    return true;
  }

  root.append(messages, timeUp, phase.root, topic.root, timer.root, reading.root, notes.root, voting.root, plans.root, closing.root, exporting.root, boardPart.root, deleteDialog, moveDialog);

  // -- rendering ---------------------------------------------------------------------------

  function timerKey(tm) {
    return tm ? `${tm.duration_ms}|${tm.deadline_ms}` : null;
  }

  function renderMessages(s) {
    const failed = s.outbox.filter((e) => e.state === 'failed');
    const sig = JSON.stringify([failed.map((e) => [e.cid, e.error?.code]), language()]);
    if (messages.dataset.sig === sig) return;
    messages.dataset.sig = sig;
    clear(messages);
    for (const entry of failed.slice(-3)) {
      messages.append(
        el(
          'div',
          {class: 'banner banner-error'},
          el('p', {}, errorText(entry.error)),
          button(() => act({type: 'discard', cid: entry.cid}), {variant: 'quiet', 'aria-label': t('screen.message.dismiss_aria', {text: errorText(entry.error)})}, t('screen.message.dismiss')),
        ),
      );
    }
  }

  function renderPhase(board) {
    const phases = phasesOf(board);
    const index = phases.indexOf(board.phase);
    const stepInfo = stepOf(board);
    const needsTopic = board.variant !== 'duo'; // each duo has its own activity instead
    setText(phase.heading, t('screen.controls.phase'));
    setText(progress, t('phase.progress', {n: index + 1, total: phases.length}));
    setText(stepTitle, t(stepInfo.title));
    const qsig = JSON.stringify([board.phase, stepInfo.title, language()]);
    if (questions.dataset.sig !== qsig) {
      questions.dataset.sig = qsig;
      clear(questions);
      for (const key of stepInfo.questions) questions.append(el('li', {}, t(key)));
    }
    setText(credit, t('method.credit'));
    const before = neighbourPhase(board.phase, -1, phases);
    const after = neighbourPhase(board.phase, 1, phases);
    back.hidden = !before;
    next.hidden = !after;
    stepNav.setAttribute('aria-label', t('screen.controls.step_nav'));
    if (before) {
      setText(back, t('screen.phase.back', {phase: t(`phase.${before}`)}));
    }
    if (after) {
      setText(next, t('screen.phase.next', {phase: t(`phase.${after}`)}));
      next.disabled = needsTopic && after !== 'topic' && !board.topic;
    }
    let hint = '';
    if (!board.topic && needsTopic) hint = t('screen.phase.need_topic');
    else if (READING_CIRCLE[after]) hint = t(`screen.phase.reveals_${READING_CIRCLE[after]}`);
    setText(phaseHint, hint);
    phaseHint.hidden = !hint;
  }

  function renderTopic(board) {
    setText(topic.heading, t('screen.controls.topic'));
    setText(topicField.label, t('start.topic.label'));
    fill(topicInput, board.topic || '');
    setText(topicSave, t('screen.topic.save'));
  }

  function renderTimer(s) {
    const board = s.board;
    setText(timer.heading, t('timer.label'));
    if (lastPhase !== board.phase) {
      lastPhase = board.phase;
      mergeSource = null;
      minutesInput.value = String(minutes[board.phase] || DEFAULT_MINUTES[board.phase]);
      lockBox.checked = false;
    }
    setText(minutesField.label, t('screen.timer.minutes'));
    const tm = board.timer;
    setText(start, tm ? t('screen.timer.restart') : t('screen.timer.start'));
    pause.hidden = !tm;
    setText(pause, tm?.running ? t('screen.timer.pause') : t('screen.timer.resume'));
    extend.hidden = !tm;
    setText(extend, t('screen.timer.extend'));
    setAttr(extend, 'aria-label', t('screen.timer.extend_aria'));
    clearTimer.hidden = !tm;
    setText(clearTimer, t('screen.timer.clear'));
    if (tm && document.activeElement !== lockBox) lockBox.checked = Boolean(tm.lock_writing);
    setText(lockLabel.lastChild, t('screen.timer.lock'));
    setText(chimeLabel.lastChild, t('screen.timer.chime'));
    lockLabel.hidden = !['inner_writing', 'outer_writing'].includes(board.phase);
    tick(s);
  }

  /** The clock and the "time is up" prompt; called often by the composition root. */
  function tick(s = state) {
    const board = s?.board;
    if (!board) return;
    const tm = board.timer;
    const left = remainingMs(tm, s.serverOffsetMs);
    if (left === null) {
      setText(clock, formatClock(Number(minutesInput.value || 0) * 60000));
      clock.classList.add('is-idle');
    } else {
      clock.classList.remove('is-idle');
      setText(clock, tm.running ? formatClock(left) : `${formatClock(left)} (${t('timer.paused')})`);
    }
    setAttr(clock, 'aria-label', left === null ? t('screen.timer.none') : t('timer.aria', {time: formatClock(left)}));
    const up = Boolean(tm && tm.running && left === 0 && timeUpDismissed !== timerKey(tm));
    if (up !== !timeUp.hidden) timeUp.hidden = !up;
    if (up) {
      setText(timeUpText, t('screen.timeup.text'));
      setText(timeUpExtend, t('screen.timeup.extend'));
      const after = neighbourPhase(board.phase, 1);
      timeUpNext.hidden = !after;
      if (after) setText(timeUpNext, t('screen.phase.next', {phase: t(`phase.${after}`)}));
      setText(timeUpClose, t('screen.timeup.dismiss'));
    }
  }

  function renderReading(board) {
    setText(reading.heading, t('screen.controls.reading'));
    const position = readingPosition(board);
    setText(
      readCounter,
      position.index >= 0
        ? t('screen.reader.position', {n: position.index + 1, total: position.total})
        : plural(position.kind === 'plan' ? 'screen.reader.ready_plans' : 'screen.reader.ready', position.total),
    );
    setText(readStart, t('screen.reader.start'));
    readStart.hidden = position.index >= 0;
    readStart.disabled = position.total === 0;
    setText(readPrev, t('screen.reader.previous'));
    setText(readNext, t('screen.reader.next'));
    setText(readStop, t('screen.reader.stop'));
    readPrev.hidden = readNext.hidden = readStop.hidden = position.index < 0;
    readPrev.disabled = position.index <= 0;
    readNext.disabled = position.index >= position.total - 1;
    setText(readKeys, t('screen.reader.keys'));
  }

  function renderNotes(board) {
    setText(notes.heading, t('screen.controls.notes'));
    const circle = READING_CIRCLE[board.phase];
    const shown = circle ? circleNotes(board, circle) : [...circleNotes(board, 'inner'), ...circleNotes(board, 'outer')];
    setText(notesHint, shown.length ? t('screen.manage.hint') : t('screen.manage.empty'));
    keyedList(notesList, shown, (n) => n.id, noteRow, updateNoteRow);
    const hidden = hiddenNotes(board).filter((n) => !circle || n.circle === circle);
    hiddenTitle.hidden = hidden.length === 0;
    setText(hiddenTitle, t('screen.manage.hidden_title'));
    keyedList(hiddenList, hidden, (n) => n.id, noteRow, updateNoteRow);
    // Merged notes of this step's circle, or merged into a note of it.
    const merged = mergedNotes(board).filter((n) => !circle || n.circle === circle || noteById(board, n.merged_into)?.circle === circle);
    mergedTitle.hidden = mergedHint.hidden = merged.length === 0;
    setText(mergedTitle, t('screen.manage.merged_title'));
    setText(mergedHint, t('screen.manage.merged_hint'));
    const hadFocus = mergedList.contains(document.activeElement);
    keyedList(mergedList, merged, (n) => n.id, mergedRow, updateMergedRow);
    if (unmerged && !merged.some((n) => n.id === unmerged)) {
      // The undone merge's row is gone: keep the keyboard where the note came back.
      const back = [...notesList.children, ...hiddenList.children].find((row) => row.dataset.key === unmerged);
      if (hadFocus || document.activeElement === document.body) {
        const target = back?.querySelector('button:not([disabled])') || mergedList.querySelector('button') || mergedTitle;
        target.focus();
      }
      unmerged = null;
    }
  }

  function renderVoting(board) {
    setText(voting.heading, t('screen.controls.voting'));
    const {fallback, max} = dotBounds();
    const v = board.voting || {status: 'not_started', dots: fallback, cast: 0, voters: 0};
    setAttr(dotsInput, 'max', String(max));
    if (!dotsTouched && dotsInput.value !== String(fallback)) dotsInput.value = String(fallback);
    const open = v.status === 'open';
    let status;
    if (open) status = t('screen.voting.open', {dots: v.dots, voters: v.voters, cast: v.cast});
    else if (v.status === 'closed') status = t('screen.voting.closed', {voters: v.voters, cast: v.cast});
    else status = t('screen.voting.not_started');
    setText(voteStatus, status);
    setText(dotsField.label, t('screen.voting.dots'));
    dotsInput.closest('.minutes-field').hidden = open;
    openVote.hidden = open;
    setText(openVote, v.status === 'closed' ? t('screen.voting.reopen') : t('screen.voting.open_button'));
    closeVote.hidden = !open;
    setText(closeVote, t('screen.voting.close'));
    setText(rankTitle, v.status === 'closed' ? t('screen.choose.title_ranked') : t('screen.choose.title'));
    keyedList(rankList, open ? [] : rankedOuter(board), (r) => r.note.id, rankRow, updateRankRow);
    rankTitle.hidden = open;
  }

  function renderPlans(board) {
    setText(plans.heading, t('screen.controls.plans'));
    setText(modeLegend, t('screen.plan.mode'));
    setText(modeTeamText, t('screen.plan.mode_team'));
    setText(modeGroupsText, t('screen.plan.mode_groups'));
    modeTeam.checked = board.plan_mode !== 'groups';
    modeGroups.checked = board.plan_mode === 'groups';
    setText(modeHint, board.plan_mode === 'groups' ? t('method.step.duos') : t('plan.team_mode'));
    setText(formTitle, editingPlan ? t('screen.plan.edit_title') : t('screen.plan.form_title'));
    setText(planItemField.label, t('plan.item'));
    const items = circleNotes(board, 'outer');
    const sig = JSON.stringify([items.map((n) => [n.id, n.text]), language()]);
    if (planItem.dataset.sig !== sig) {
      planItem.dataset.sig = sig;
      const keep = planItem.value;
      clear(planItem);
      planItem.append(el('option', {value: ''}, t('plan.item_choose')));
      for (const note of items) planItem.append(el('option', {value: note.id}, note.text.length > 90 ? `${note.text.slice(0, 87)}…` : note.text));
      planItem.value = keep;
    }
    if (!editingPlan && document.activeElement !== planItem && planItem.dataset.chosen !== String(board.chosen)) {
      planItem.dataset.chosen = String(board.chosen);
      if (board.chosen) planItem.value = board.chosen;
    }
    planItem.disabled = Boolean(editingPlan);
    setText(planWhatField.label, t('screen.plan.what'));
    setText(planWhoField.label, t('screen.plan.who_label'));
    setText(planWhenField.label, t('screen.plan.when_label'));
    setText(planSave, editingPlan ? t('plan.update') : t('plan.save'));
    planCancel.hidden = !editingPlan;
    setText(planCancel, t('screen.cancel'));
    const list = plansInOrder(board);
    setText(planListTitle, t('plan.list'));
    planEmpty.hidden = list.length > 0;
    setText(planEmpty, t('plan.none'));
    keyedList(planList, list, (p) => p.id, planRow, updatePlanRow);
  }

  function renderClosing(board) {
    setText(closing.heading, t('screen.controls.closing'));
    setText(reflectTitle, t('screen.reflect.title'));
    const r = board.reflections || {summary: {yes: 0, partly: 0, no: 0}, items: []};
    setText(reflectSummary, t('screen.reflect.summary', {yes: r.summary.yes, partly: r.summary.partly, no: r.summary.no}));
    const rsig = JSON.stringify([r.items, language()]);
    if (reflectList.dataset.sig !== rsig) {
      reflectList.dataset.sig = rsig;
      clear(reflectList);
      for (const item of r.items) {
        reflectList.append(
          el(
            'li',
            {},
            el('span', {class: 'reflect-useful'}, t(`reflect.${item.useful}`)),
            item.what ? el('p', {}, el('strong', {}, `${t('reflect.what')} `), item.what) : null,
            item.improve ? el('p', {}, el('strong', {}, `${t('reflect.improve')} `), item.improve) : null,
          ),
        );
      }
    }
    setText(agreementsField.label, t('agreements.title'));
    fill(agreements, board.agreements || '');
    setText(agreementsSave, t('screen.agreements.save'));
    setText(scaleTitle, t('scale.title'));
    setText(scaleQuestion, t('scale.question'));
    const sc = board.scale || {status: 'not_started', answered: 0, distribution: null};
    setText(scaleStatus, sc.status === 'open' ? plural('screen.scale.answered', sc.answered) : sc.status === 'closed' ? plural('screen.scale.closed', sc.answered) : t('screen.scale.not_started'));
    scaleOpen.hidden = sc.status === 'open';
    setText(scaleOpen, sc.status === 'closed' ? t('screen.scale.reopen') : t('screen.scale.open'));
    scaleClose.hidden = sc.status !== 'open';
    setText(scaleClose, t('screen.scale.close'));
    const csig = JSON.stringify([sc.distribution, sc.previous, language()]);
    if (scaleChartBox.dataset.sig !== csig) {
      scaleChartBox.dataset.sig = csig;
      clear(scaleChartBox);
      if (sc.distribution || sc.previous) scaleChartBox.append(scaleChart(sc.distribution, sc.previous));
    }
  }

  function renderExport() {
    setText(exporting.heading, t('screen.controls.export'));
    for (const node of exportButtons) setText(node, t(`screen.export.${node.dataset.format}`));
    setText(exportHint, t('screen.export.hint'));
    if (exportOutcome) setText(exportShownIn, t(`screen.export.${exportOutcome}`));
  }

  function renderBoardPart() {
    setText(boardPart.heading, t('screen.controls.board'));
    const when = deletesAt ? new Date(deletesAt) : null;
    const valid = when && !Number.isNaN(when.getTime());
    retention.hidden = retentionHint.hidden = !valid;
    if (valid) {
      const date = new Intl.DateTimeFormat(language(), {dateStyle: 'long', timeStyle: 'short'}).format(when);
      setText(retention, t('screen.board.deletes_at', {date}));
      setText(retentionHint, t('screen.board.deletes_at_hint'));
    }
    setText(deleteWarning, t('screen.board.delete_hint'));
    setText(exportFirst, t('screen.board.export_first'));
    setText(deleteOpen, t('screen.board.delete'));
    setText(dialogTitle, t('screen.board.confirm_title'));
    setText(dialogText, t('screen.board.confirm_text'));
    setText(dialogExport, t('screen.board.export_first'));
    setText(dialogExportHint, t('screen.export.hint'));
    setText(dialogCancel, t('screen.board.keep'));
    setText(dialogConfirm, deleting ? t('screen.board.deleting') : t('screen.board.confirm'));
    dialogConfirm.disabled = deleting;
  }

  /** @param {import('./store.js').State} s */
  function render(s) {
    state = s;
    const board = s?.board;
    root.hidden = stepNav.hidden = !board;
    if (!board) return;
    renderMessages(s);
    renderPhase(board);
    renderTopic(board);
    renderTimer(s);
    const p = board.phase;
    const revealed = PHASES.indexOf(p) >= PHASES.indexOf('inner_reading');
    reading.root.hidden = !READING_CIRCLE[p];
    if (!reading.root.hidden) renderReading(board);
    notes.root.hidden = !revealed || p === 'closing';
    if (!notes.root.hidden) renderNotes(board);
    voting.root.hidden = p !== 'step_forward';
    if (!voting.root.hidden) renderVoting(board);
    const duoBoard = board.variant === 'duo';
    plans.root.hidden = duoBoard || (p !== 'step_forward' && p !== 'closing');
    pairsPanel.hidden = duoBoard ? p === 'closing' : plans.root.hidden || board.plan_mode !== 'groups';
    // On a duo board the pairing panel is the facilitator's main tool: it gets its own section.
    duoSection.root.hidden = !duoBoard || pairsPanel.hidden;
    if (duoBoard && pairsPanel.parentNode !== duoSection.body) duoSection.body.append(pairsPanel);
    setText(duoSection.heading, t('screen.pairs.title'));
    if (!pairsPanel.hidden) renderPairs(board);
    if (!plans.root.hidden) {
      renderPlans(board);
      // The plans are read aloud with the same keys; show the counter here too.
      reading.root.hidden = false;
      renderReading(board);
    }
    closing.root.hidden = p !== 'closing';
    if (!closing.root.hidden) renderClosing(board);
    renderExport();
    renderBoardPart();
    if (pendingMove) renderMove();
    // Order the sections so the current step's work comes first.
    const late = p === 'step_forward' || p === 'closing';
    const order = [
      messages,
      timeUp,
      phase.root,
      p === 'topic' ? topic.root : null,
      duoSection.root,
      timer.root,
      late ? null : reading.root,
      voting.root,
      closing.root,
      plans.root,
      late ? reading.root : null,
      notes.root,
      p === 'topic' ? null : topic.root,
      exporting.root,
      boardPart.root,
      deleteDialog,
      moveDialog,
    ].filter(Boolean);
    let prev = null;
    for (const node of order) {
      const wanted = prev ? prev.nextSibling : root.firstChild;
      if (wanted !== node) root.insertBefore(node, wanted);
      prev = node;
    }
  }

  /** Say how an export went: 'busy', 'done' or 'failed'. */
  function exportStatus(outcome) {
    exportOutcome = outcome;
    setText(exportShownIn, t(`screen.export.${outcome}`));
    exportShownIn.classList.toggle('form-error', outcome === 'failed');
  }

  /** When the server deletes the board by itself (ISO 8601), from the board's summary. */
  function setDeletesAt(value) {
    deletesAt = typeof value === 'string' ? value : null;
    if (state?.board) renderBoardPart();
  }

  /** Say how deleting the board went: 'busy', 'failed' or 'done'. */
  function deleteStatus(outcome) {
    deleting = outcome === 'busy';
    deleted = outcome === 'done';
    setText(dialogStatus, outcome === 'failed' ? t('screen.board.delete_failed') : '');
    renderBoardPart();
    if (deleted && deleteDialog.open) deleteDialog.close();
    if (outcome === 'failed') dialogConfirm.focus();
  }

  return {render, tick, exportStatus, setDeletesAt, deleteStatus, confirmMove};
}
