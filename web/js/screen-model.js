// What the shared screen shows, derived from the board (the protocol's snapshot board, kept
// current by the store). Pure functions, no DOM: the views draw what these return.

import {PHASES} from './method.js';

/** A note; the optional fields are left out at their default (docs/protocol.md).
 * @typedef {{id: string, circle: 'inner'|'outer', text: string, revealed: boolean, order: number,
 *            meeting: number, author?: string, hidden?: true, merged_into?: string,
 *            inward?: {meeting: number, at_ms: number}}} Note */
/** @typedef {{id: string, note: string, what: string, who: string, when: string,
 *             author: string|null, pair: string|null, order: number}} Plan */

export const READING_CIRCLE = {inner_reading: 'inner', outer_reading: 'outer'};

/** Default timer per phase, in minutes (the method's 30 minutes in all). */
export const DEFAULT_MINUTES = {
  topic: 2,
  inner_writing: 5,
  inner_reading: 5,
  outer_writing: 5,
  outer_reading: 5,
  step_forward: 6,
  closing: 2,
  pairing: 3,
  duos: 30,
};

/** The phase one step forward (+1) or back (-1) in `phases` (a team board's by default), or null. */
export function neighbourPhase(phase, direction, phases = PHASES) {
  const i = phases.indexOf(phase);
  const j = i + direction;
  return i < 0 || j < 0 || j >= phases.length ? null : phases[j];
}

/** A note shown on the circles: revealed, not hidden, not merged into another. */
export function onBoard(note) {
  return note.revealed && !note.hidden && !note.merged_into;
}

const byOrder = (a, b) => (a.order ?? 0) - (b.order ?? 0);

/** The notes of one circle on the board, in reading order. */
export function circleNotes(board, circle) {
  return (board?.notes || []).filter((n) => n.circle === circle && onBoard(n)).sort(byOrder);
}

/** Notes the facilitator can still manage but that are off the circles (hidden ones). */
export function hiddenNotes(board) {
  return (board?.notes || []).filter((n) => n.revealed && n.hidden && !n.merged_into).sort(byOrder);
}

/** How many notes were merged into each note. */
export function mergedCounts(board) {
  const counts = {};
  for (const note of board?.notes || []) {
    if (note.merged_into) counts[note.merged_into] = (counts[note.merged_into] || 0) + 1;
  }
  return counts;
}

/**
 * Notes written but not yet revealed to this viewer, per circle (face down on the board). The
 * counts are this meeting's notes, so only this meeting's notes are subtracted from them.
 */
export function faceDown(board) {
  const result = {inner: 0, outer: 0};
  if (!board) return result;
  const meeting = board.meeting ?? 1;
  for (const circle of ['inner', 'outer']) {
    const seen = (board.notes || []).filter((n) => n.circle === circle && (n.meeting ?? 1) === meeting).length;
    result[circle] = Math.max(0, (board.counts?.[circle] || 0) - seen);
  }
  return result;
}

/** Plans in reading order. */
export function plansInOrder(board) {
  return [...(board?.plans || [])].sort(byOrder);
}

/**
 * The list the read-aloud marker walks through: the plans when a plan is being read or the
 * meeting is at its step forward or closing; otherwise the notes of the circle being read.
 * @returns {{kind: 'note'|'plan', items: Array<Note|Plan>, circle: string|null}}
 */
export function readingList(board) {
  if (!board) return {kind: 'note', items: [], circle: null};
  const plans = plansInOrder(board);
  const reading = board.reading;
  const readingPlan = reading && plans.some((p) => p.id === reading);
  const note = reading ? (board.notes || []).find((n) => n.id === reading) : null;
  if (readingPlan || (!note && (board.phase === 'step_forward' || board.phase === 'closing'))) {
    // At a follow-up the plans read aloud at its step forward are its own.
    const meeting = board.meeting ?? 1;
    const own = plans.filter((p) => (p.meeting ?? 1) === meeting);
    const reading = readingPlan && !own.some((p) => p.id === board.reading);
    return {kind: 'plan', items: meeting > 1 && !reading ? own : plans, circle: null};
  }
  const circle = note ? note.circle : READING_CIRCLE[board.phase] || 'outer';
  // At a follow-up meeting the new notes are read; a note of an earlier meeting being shown
  // keeps the whole circle in the list.
  const meeting = board.meeting ?? 1;
  const all = circleNotes(board, circle);
  const current = all.filter((n) => (n.meeting ?? 1) === meeting);
  const items = meeting > 1 && (!note || (note.meeting ?? 1) === meeting) ? current : all;
  return {kind: 'note', items, circle};
}

/**
 * Where the read-aloud marker stands: {kind, item, index, total, circle} (index 0-based, -1
 * when nothing is being read).
 */
export function readingPosition(board) {
  const list = readingList(board);
  const index = board?.reading ? list.items.findIndex((x) => x.id === board.reading) : -1;
  return {...list, index, total: list.items.length, item: index >= 0 ? list.items[index] : null};
}

/** The id the marker moves to next (+1) or back (-1), or undefined when there is none. */
export function stepReading(board, direction) {
  const {items, index} = readingPosition(board);
  if (items.length === 0) return undefined;
  if (index < 0) return direction > 0 ? items[0].id : items[items.length - 1].id;
  const next = index + direction;
  if (next < 0 || next >= items.length) return undefined;
  return items[next].id;
}

/** Outer items ranked by dots (most first), ties in reading order. */
export function rankedOuter(board) {
  const tally = board?.voting?.tally || {};
  return circleNotes(board, 'outer')
    .map((note) => ({note, dots: tally[note.id] || 0}))
    .sort((a, b) => b.dots - a.dots || byOrder(a.note, b.note));
}

/** The note a plan or the chosen marker points to. */
export function noteById(board, id) {
  return (board?.notes || []).find((n) => n.id === id) || null;
}

/** Notes merged into another one (off the circles until the merge is undone), in reading order. */
export function mergedNotes(board) {
  return (board?.notes || []).filter((n) => n.revealed && n.merged_into).sort(byOrder);
}

/**
 * The participants as the facilitator's list shows them: a label (the name, or `unnamed(n)`
 * with n the place in the list when no name was given) and their pair code.
 * @param {(n: number) => string} unnamed
 * @returns {Array<{id: string, label: string, pair: string|null}>}
 */
export function people(board, unnamed) {
  return (board?.participants || []).map((p, i) => ({id: p.id, label: p.name || unnamed(i + 1), pair: p.pair || null}));
}

/**
 * The duos: people sharing a pair code. A code with one person is someone waiting for a partner.
 * @returns {{duos: Array<{code: string, members: Array<{id: string, label: string}>}>,
 *            alone: Array<{id: string, label: string, pair: string|null}>}}
 */
export function duos(list) {
  const byCode = new Map();
  for (const person of list) {
    if (!person.pair) continue;
    if (!byCode.has(person.pair)) byCode.set(person.pair, []);
    byCode.get(person.pair).push(person);
  }
  const result = [];
  for (const [code, members] of byCode) if (members.length > 1) result.push({code, members});
  return {duos: result, alone: list.filter((p) => !p.pair || byCode.get(p.pair).length < 2)};
}

// Pair codes are read aloud and typed on phones: no O/0 or I/1 look-alikes. 32 symbols divide
// 256, so every symbol is equally likely from one random byte.
const PAIR_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const PAIR_CODE_LENGTH = 4;

/**
 * A fresh pair code of four letters and digits that is not in `taken`.
 * @param {Set<string>} taken
 * @param {(bytes: Uint8Array) => Uint8Array} [random]
 */
export function newPairCode(taken, random = (bytes) => crypto.getRandomValues(bytes)) {
  for (;;) {
    const bytes = random(new Uint8Array(PAIR_CODE_LENGTH));
    const code = Array.from(bytes, (b) => PAIR_ALPHABET[b % PAIR_ALPHABET.length]).join('');
    if (!taken.has(code)) return code;
  }
}
