// What the phone shows, derived from the store's state: the server's board plus this
// device's outbox (commands not yet acknowledged). Pure functions, no DOM.

/**
 * @typedef {{id: string, circle: string, text: string, status: 'sending'|'saved'|'failed',
 *            error: null|{code: string, detail?: string}, failedCid: string|null,
 *            pendingAdd: boolean, deleting: boolean, revealed: boolean, order: number}} MyNote
 */

function entriesFor(outbox, id) {
  return outbox.filter((e) => e.msg.id === id && /^(add|edit|delete)_note$/.test(e.msg.type));
}

/** Outbox entries whose effect the board does not show yet (unsettled, or acked ahead of it). */
function inFlight(state) {
  const seq = state.seq ?? -1;
  return state.outbox.filter((e) => e.state !== 'saved' || (typeof e.seq === 'number' && e.seq > seq));
}

/** How many notes this device wrote or changed that are still to be sent (shown while the
 * page has no board yet, for example when it was opened without a network). */
export function notesToSend(state) {
  const ids = new Set();
  for (const entry of state.outbox) {
    if (entry.state === 'sending' && /^(add|edit)_note$/.test(entry.msg.type)) ids.add(entry.msg.id);
  }
  return ids.size;
}

/**
 * My own notes (optionally of one circle), with their outbox state.
 * @returns {MyNote[]}
 */
export function myNotes(state, circle = null) {
  const board = state.board;
  const outbox = inFlight(state);
  const mine = new Set(board?.me?.notes || []);
  const notes = new Map();
  for (const note of board?.notes || []) {
    if (mine.has(note.id)) notes.set(note.id, {...note});
  }
  for (const entry of outbox) {
    const m = entry.msg;
    if (m.type === 'add_note' && !notes.has(m.id)) {
      notes.set(m.id, {id: m.id, circle: m.circle, text: m.text, revealed: false, order: Infinity, pendingAdd: true});
    }
  }
  const result = [];
  for (const note of notes.values()) {
    if (circle && note.circle !== circle) continue;
    const entries = entriesFor(outbox, note.id);
    const failed = entries.find((e) => e.state === 'failed') || null;
    const sending = entries.some((e) => e.state === 'sending');
    const lastEdit = [...entries].reverse().find((e) => e.msg.type === 'edit_note' && e.state !== 'failed');
    const deleteEntry = entries.find((e) => e.msg.type === 'delete_note' && e.state !== 'failed');
    if (deleteEntry && deleteEntry.state === 'saved') continue; // gone; the event follows
    result.push({
      id: note.id,
      circle: note.circle,
      text: lastEdit ? lastEdit.msg.text : note.text,
      status: failed ? 'failed' : sending ? 'sending' : 'saved',
      error: failed ? failed.error : null,
      failedCid: failed ? failed.cid : null,
      failedType: failed ? failed.msg.type : null,
      pendingAdd: Boolean(note.pendingAdd),
      deleting: Boolean(deleteEntry),
      revealed: Boolean(note.revealed),
      author: note.author ?? null,
      order: note.order ?? Infinity,
    });
  }
  return result;
}

/** Revealed notes of a circle as drawn on the board (hidden and merged ones left out). */
export function revealedNotes(board, circle) {
  return (board?.notes || []).filter(
    (n) => n.circle === circle && n.revealed && !n.hidden && !n.merged_into,
  );
}

/** The note ids I have a dot on, counting commands still on their way. */
export function myVotes(state) {
  const votes = new Set(state.board?.me?.votes || []);
  for (const entry of inFlight(state)) {
    if (entry.state === 'failed') continue;
    if (entry.msg.type === 'cast_vote') votes.add(entry.msg.id);
    if (entry.msg.type === 'retract_vote') votes.delete(entry.msg.id);
  }
  return votes;
}

/** Whether a command of `type` (for `id`, if given) is still on its way. */
export function pending(state, type, id = undefined) {
  return state.outbox.some(
    (e) => e.state === 'sending' && e.msg.type === type && (id === undefined || e.msg.id === id),
  );
}

/** The last failed command of one of `types`, or null. */
export function lastFailure(state, types) {
  const failed = state.outbox.filter((e) => e.state === 'failed' && types.includes(e.msg.type));
  return failed.length ? failed[failed.length - 1] : null;
}

const NEGATIONS = [
  // Dutch
  'niet', 'geen', 'nooit', 'nergens', 'niemand', 'niets', 'niks', 'noch',
  // English
  'not', 'no', 'never', 'nobody', 'nothing', 'nowhere', 'none', 'cannot',
  "don't", "dont", "doesn't", "didn't", "can't", "cant", "won't", "wont", "isn't", "aren't",
  "wasn't", "weren't", "shouldn't", "wouldn't", "couldn't", "haven't", "hasn't", "mustn't",
];
const NEGATION_RE = new RegExp(
  `(?<![\\p{L}\\p{N}'])(${NEGATIONS.join('|')})(?![\\p{L}\\p{N}'])`,
  'iu',
);

/**
 * The first negation word in `text` (whole words, Dutch and English), or null. Used for the
 * gentle nudge toward positive, concrete wording in the outer circle.
 */
export function findNegation(text) {
  const match = NEGATION_RE.exec(text.replace(/[\u2018\u2019\u02bc]/g, "'"));
  return match ? match[1] : null;
}

/** Length as the server counts it: code points after trimming. */
export function noteLength(text) {
  return Array.from(text.trim()).length;
}
