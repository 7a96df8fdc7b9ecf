// Moving on in a meeting, and what it would leave behind. The agenda's next part and a new
// follow-up meeting can leave notes face down, skip the round's remaining steps or clear the
// circles; then the facilitator is asked first, with what will happen. Moving on when nothing
// is lost stays one click. Pure functions of the board, no DOM.

import {plural, t} from './i18n.js';
import {PHASES} from './method.js';
import {faceDown} from './screen-model.js';
import {PARTS, agendaOf} from './agenda.js';

/**
 * @typedef {{title: string, lines: string[], confirm: string}} Question
 *   the confirmation's title, what the move leaves behind (one line each), its confirm button
 */

/**
 * What to ask before sending `command` (a `move_part` forward or an `open_follow_up`), or null
 * when nothing would be skipped, hidden or cleared, or the command no longer fits the board
 * (the room moved on elsewhere: the server refuses it anyway).
 * @param {Record<string, any> | null | undefined} board
 * @param {Record<string, any>} command
 * @returns {Question | null}
 */
export function moveQuestion(board, command) {
  if (!board) return null;
  if (command.type === 'move_part') return partQuestion(board, command);
  if (command.type === 'open_follow_up') return followUpQuestion(board, command.meeting);
  return null;
}

function partQuestion(board, {from, to}) {
  if (agendaOf(board).part !== from) return null;
  if (to === 'round_2' && (board.round || 1) < 2) {
    // A new round empties the circles whatever state the round before was in.
    if (!onTheCircles(board)) return null;
    const lines = [t('moving_on.clears_circles'), ...unfinished(board)];
    return {title: t('moving_on.round_two.title'), lines, confirm: t('moving_on.round_two.confirm')};
  }
  if (to !== 'closing' || board.phase === 'closing') return null;
  const lines = unfinished(board);
  return lines.length ? {title: t('moving_on.closing.title'), lines, confirm: t('moving_on.closing.confirm')} : null;
}

function followUpQuestion(board, meeting) {
  if (meeting !== (board.meeting ?? 1) + 1) return null;
  const lines = faceDownLines(board);
  const parts = partsAhead(board);
  if (parts.length) lines.push(t('moving_on.skips_parts', {parts: parts.map((p) => t(`agenda.part.${p}`)).join(', ')}));
  else if (board.phase !== 'closing') lines.push(t('moving_on.skips_closing'));
  if (board.voting?.status === 'open') lines.push(t('moving_on.stops_voting'));
  return lines.length ? {title: t('moving_on.follow_up.title', {n: meeting}), lines, confirm: t('followup.open', {n: meeting})} : null;
}

/** Whether anything is on the circles (or face down on them), of any meeting. */
function onTheCircles(board) {
  const down = faceDown(board);
  return (board.notes || []).length > 0 || down.inner + down.outer > 0;
}

/** Whether this meeting wrote notes in the round on the circles. */
function wroteNotes(board) {
  const meeting = board.meeting ?? 1;
  const down = faceDown(board);
  return down.inner + down.outer > 0 || (board.notes || []).some((n) => (n.meeting ?? 1) === meeting);
}

/** What of the round is not done: notes still face down, the steps before the closing not reached. */
function unfinished(board) {
  const lines = faceDownLines(board);
  const steps = stepsAhead(board);
  if (steps.length && wroteNotes(board)) lines.push(t('moving_on.skips_steps', {steps: steps.map((p) => t(`phase.${p}`)).join(', ')}));
  return lines;
}

function faceDownLines(board) {
  const down = faceDown(board);
  return ['inner', 'outer'].filter((circle) => down[circle] > 0).map((circle) => plural(`moving_on.face_down.${circle}`, down[circle]));
}

/** The round's steps after the current one and before the closing (a team board's). */
function stepsAhead(board) {
  const at = board.variant === 'duo' ? -1 : PHASES.indexOf(board.phase);
  return at < 0 ? [] : PHASES.slice(at + 1, PHASES.indexOf('closing'));
}

/** The agenda's parts still to come, while the meeting runs and is not at its closing. */
function partsAhead(board) {
  const agenda = agendaOf(board);
  if (agenda.part === null || agenda.part === 'closing') return [];
  const skipped = new Set(agenda.parts.filter((p) => !p.included).map((p) => p.part));
  return PARTS.slice(PARTS.indexOf(agenda.part) + 1).filter((part) => !skipped.has(part));
}
