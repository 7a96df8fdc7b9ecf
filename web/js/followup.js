// Follow-up meetings on the same board, as the screen shows them.
//
// createFollowUp: the facilitator's part beside the controls: which meeting this is and since
// when, opening the next meeting, and the review that starts a follow-up: the earlier
// meetings' next steps with their status (open, done), and the earlier outer items that can
// move into the inner circle now that their step happened (`move_inward`, with the date).
// createReviewCard: the same review as the room reads it on the shared screen.
//
// Views only: they draw from the state they are given and report intents through `act`.

import {el, clear} from './dom.js';
import {language, t} from './i18n.js';
import {circleNotes, noteById, plansInOrder} from './screen-model.js';
import {button, keyedList, section, setAttr, setText} from './screen-ui.js';

/** The board's current meeting (1 before any follow-up). */
export function meetingOf(board) {
  return board?.meeting ?? 1;
}

/** When a meeting opened, as a date for people; '' when not known (the first meeting). */
export function meetingDate(board, meeting) {
  const ms = meeting >= 2 ? board?.follow_ups?.[meeting - 2] : null;
  return typeof ms === 'number' ? formatDate(ms) : '';
}

export function formatDate(ms) {
  return new Intl.DateTimeFormat(language(), {dateStyle: 'medium'}).format(new Date(ms));
}

/** Next steps made at earlier meetings, in the order they were made. */
export function earlierSteps(board) {
  const now = meetingOf(board);
  return plansInOrder(board).filter((p) => (p.meeting ?? 1) < now);
}

/** Outer items of earlier meetings still on the outer circle: candidates to move inward. */
export function earlierOuter(board) {
  const now = meetingOf(board);
  return circleNotes(board, 'outer').filter((n) => (n.meeting ?? 1) < now);
}

/** Items moved inward at this meeting. */
export function movedInward(board) {
  const now = meetingOf(board);
  return circleNotes(board, 'inner').filter((n) => n.inward?.meeting === now);
}

const short = (text, n = 60) => (text.length > n ? `${text.slice(0, n - 3)}…` : text);

/**
 * @param {Element} container the controls' aside; `root` the controls' own content
 * @param {{act: (intent: Record<string, any>) => void, roomId: string, token: string, root: Element}} options
 */
export function createFollowUp(container, {act, roomId, token, root}) {
  const send = (command) => act({type: 'send', command});
  let state = null;

  // -- the meetings: which one, opening the next, the history ---------------------------------
  const part = section('ctl-followup');
  const info = el('p', {class: 'followup-info'});
  const hint = el('p', {class: 'hint'});
  // Opening the next meeting ends this one: asked first when that skips or hides something.
  const open = button(() => {
    const board = state?.board;
    if (board) act({type: 'move-on', command: {type: 'open_follow_up', meeting: meetingOf(board) + 1}, opener: open});
  }, {variant: 'primary'});
  const historyLink = el('a', {class: 'btn btn-small', href: `/f/${encodeURIComponent(roomId)}/history#t=${encodeURIComponent(token)}`, target: '_blank', rel: 'noopener'});
  part.body.append(info, hint, el('div', {class: 'row'}, open, historyLink));

  // -- the review: earlier steps and earlier outer items --------------------------------------
  const review = section('ctl-review');
  const reviewHint = el('p', {class: 'hint'});
  const stepsTitle = el('h3', {class: 'ctl-subtitle'});
  const stepsEmpty = el('p', {class: 'hint'});
  const stepsList = el('ul', {class: 'manage-list review-steps'});
  const itemsTitle = el('h3', {class: 'ctl-subtitle'});
  const itemsEmpty = el('p', {class: 'hint'});
  const itemsList = el('ul', {class: 'manage-list review-items'});
  const movedTitle = el('h3', {class: 'ctl-subtitle'});
  const movedList = el('ul', {class: 'manage-list review-moved'});
  review.body.append(reviewHint, stepsTitle, stepsEmpty, stepsList, itemsTitle, itemsEmpty, itemsList, movedTitle, movedList);

  function stepRow() {
    const what = el('p', {class: 'manage-text'});
    const meta = el('p', {class: 'manage-flags'});
    const done = button(() => {
      const plan = (state.board.plans || []).find((p) => p.id === row.dataset.key);
      if (plan) send({type: 'set_plan_status', id: plan.id, status: plan.status === 'done' ? 'open' : 'done'});
    });
    const row = el('li', {class: 'manage-row review-step'}, el('div', {class: 'manage-copy'}, what, meta), el('div', {class: 'manage-actions'}, done));
    row._parts = {what, meta, done};
    return row;
  }

  function updateStepRow(row, plan) {
    const p = row._parts;
    const board = state.board;
    const isDone = plan.status === 'done';
    row.classList.toggle('is-done', isDone);
    setText(p.what, plan.what);
    const meta = [];
    const note = noteById(board, plan.note);
    if (note) meta.push(t('plan.for', {text: note.text}));
    if (plan.who) meta.push(t('plan.summary_who', {who: plan.who}));
    if (plan.when) meta.push(t('plan.summary_when', {when: plan.when}));
    meta.push(isDone && plan.done_ms ? t('followup.step.done_on', {date: formatDate(plan.done_ms)}) : t(`followup.status.${plan.status || 'open'}`));
    setText(p.meta, meta.join(' · '));
    setText(p.done, t('followup.step.done'));
    setAttr(p.done, 'aria-pressed', String(isDone));
    setAttr(p.done, 'aria-label', t('followup.step.done_aria', {text: short(plan.what)}));
  }

  function itemRow() {
    const text = el('p', {class: 'manage-text'});
    const meta = el('p', {class: 'manage-flags'});
    const inward = button(() => send({type: 'move_inward', id: row.dataset.key}), {variant: 'primary'});
    const row = el('li', {class: 'manage-row review-item', 'data-circle': 'outer'}, el('div', {class: 'manage-copy'}, text, meta), el('div', {class: 'manage-actions'}, inward));
    row._parts = {text, meta, inward};
    return row;
  }

  function updateItemRow(row, note) {
    const p = row._parts;
    setText(p.text, note.text);
    const steps = (state.board.plans || []).filter((plan) => plan.note === note.id);
    const done = steps.filter((plan) => plan.status === 'done').length;
    setText(p.meta, steps.length ? t('followup.item.steps', {done, total: steps.length}) : t('followup.item.meeting', {n: note.meeting ?? 1}));
    setText(p.inward, t('followup.item.inward'));
    setAttr(p.inward, 'aria-label', t('followup.item.inward_aria', {text: short(note.text)}));
  }

  function movedRow() {
    const text = el('p', {class: 'manage-text'});
    const meta = el('p', {class: 'manage-flags'});
    const undo = button(() => send({type: 'move_note', id: row.dataset.key, circle: 'outer'}), {variant: 'quiet'});
    const row = el('li', {class: 'manage-row review-moved-item', 'data-circle': 'inner'}, el('div', {class: 'manage-copy'}, text, meta), el('div', {class: 'manage-actions'}, undo));
    row._parts = {text, meta, undo};
    return row;
  }

  function updateMovedRow(row, note) {
    const p = row._parts;
    setText(p.text, note.text);
    setText(p.meta, t('followup.item.moved_on', {date: note.inward?.at_ms ? formatDate(note.inward.at_ms) : ''}));
    setText(p.undo, t('followup.item.undo'));
    setAttr(p.undo, 'aria-label', t('followup.item.undo_aria', {text: short(note.text)}));
  }

  function renderPart(board) {
    const meeting = meetingOf(board);
    setText(part.heading, t('followup.title'));
    const date = meetingDate(board, meeting);
    setText(info, date ? t('followup.info_dated', {n: meeting, date}) : t('followup.info', {n: meeting}));
    const canOpen = board.phase === 'step_forward' || board.phase === 'closing';
    open.hidden = !canOpen;
    setText(open, t('followup.open', {n: meeting + 1}));
    setText(hint, canOpen ? t('followup.open_hint') : t('followup.later_hint'));
    setText(historyLink, t('followup.history'));
  }

  function renderReview(board) {
    setText(review.heading, t('followup.review.title', {n: meetingOf(board)}));
    setText(reviewHint, t('followup.review.hint'));
    const steps = earlierSteps(board);
    setText(stepsTitle, t('followup.review.steps'));
    stepsEmpty.hidden = steps.length > 0;
    setText(stepsEmpty, t('followup.review.no_steps'));
    keyedList(stepsList, steps, (p) => p.id, stepRow, updateStepRow);
    const items = earlierOuter(board);
    setText(itemsTitle, t('followup.review.items'));
    itemsEmpty.hidden = items.length > 0;
    setText(itemsEmpty, t('followup.review.no_items'));
    keyedList(itemsList, items, (n) => n.id, itemRow, updateItemRow);
    const moved = movedInward(board);
    movedTitle.hidden = moved.length === 0;
    setText(movedTitle, t('followup.review.moved'));
    keyedList(movedList, moved, (n) => n.id, movedRow, updateMovedRow);
  }

  /** @param {import('./store.js').State} s */
  function render(s) {
    state = s;
    const board = s?.board;
    // Follow-up meetings are for team boards: a duo's sheets end with the meeting.
    part.root.hidden = review.root.hidden = !board || board.variant === 'duo';
    if (!board || board.variant === 'duo') return;
    renderPart(board);
    const followUp = meetingOf(board) > 1;
    review.root.hidden = !followUp;
    if (followUp) renderReview(board);
    // The review is the work of a follow-up's first step, and opening the next meeting the
    // work of a closing: then they come first; otherwise after the step's own controls.
    const reviewFirst = followUp && board.phase === 'topic';
    const openFirst = board.phase === 'closing';
    place(review.root, reviewFirst);
    place(part.root, openFirst);
    // The review above the meeting's part, when both are in one box.
    if (review.root.parentNode === part.root.parentNode && review.root.nextSibling !== part.root) part.root.before(review.root);
  }

  // Two boxes styled as the controls' own: one above them, one below.
  const above = el('div', {class: 'controls-inner followup-box followup-box--above'});
  const below = el('div', {class: 'controls-inner followup-box'});
  container.insertBefore(above, root);
  root.after(below);

  function place(node, first) {
    const box = first ? above : below;
    if (node.parentNode !== box) box.append(node);
    above.hidden = above.childElementCount === 0;
  }

  return {render};
}

/** The review as the room reads it on the shared screen (a card beside the circles). */
export function createReviewCard() {
  const card = el('section', {class: 'card panel-card review-card', 'aria-labelledby': 'panel-review-title'});
  const title = el('h2', {id: 'panel-review-title', class: 'panel-title'});
  const since = el('p', {class: 'panel-intro'});
  const steps = el('ul', {class: 'panel-plans review-steps'});
  const movedTitle = el('h3', {class: 'panel-subtitle'});
  const moved = el('ul', {class: 'panel-plans review-moved'});
  card.append(title, since, steps, movedTitle, moved);

  function render(board) {
    const meeting = meetingOf(board);
    setText(title, t('followup.review.title', {n: meeting}));
    const previous = meetingDate(board, meeting - 1);
    setText(since, previous ? t('followup.review.since_dated', {date: previous}) : t('followup.review.since'));
    const list = earlierSteps(board);
    const inward = movedInward(board);
    const sig = JSON.stringify([list, inward.map((n) => [n.id, n.text, n.inward]), board.notes.length, language()]);
    if (card.dataset.sig === sig) return;
    card.dataset.sig = sig;
    clear(steps);
    for (const plan of list) {
      const done = plan.status === 'done';
      const note = noteById(board, plan.note);
      steps.append(
        el(
          'li',
          {class: ['panel-plan', done && 'is-done']},
          el('span', {class: ['status-badge', `status-badge--${done ? 'done' : 'open'}`]}, t(`followup.status.${done ? 'done' : 'open'}`)),
          el('p', {class: 'panel-plan-what'}, plan.what),
          note ? el('p', {class: 'panel-plan-for'}, t('plan.for', {text: note.text})) : null,
        ),
      );
    }
    if (!list.length) steps.append(el('li', {class: 'panel-hint'}, t('followup.review.no_steps')));
    movedTitle.hidden = inward.length === 0;
    setText(movedTitle, t('followup.review.moved'));
    clear(moved);
    for (const note of inward) {
      moved.append(el('li', {class: 'panel-plan is-inward'}, el('p', {class: 'panel-plan-what'}, note.text), el('p', {class: 'panel-plan-meta'}, t('followup.item.moved_on', {date: formatDate(note.inward.at_ms)}))));
    }
  }

  return {root: card, render};
}
