// The one client state of a page, and the only code that changes it.
//
// Theory of operation: the server is the source of truth. `board` is the last snapshot with
// every later event applied in sequence order; events are applied only when their seq is
// exactly one past ours, older ones are ignored (we already have them), and a jump marks a
// gap, which makes the socket reconnect with our last seq so the server fills it. What the
// client adds on top is its outbox: commands sent but not yet acknowledged, which the views
// draw as "sending" until the ack (or error) for their cid arrives.

/**
 * @typedef {{cid: string, msg: Record<string, any>, state: 'sending'|'saved'|'failed',
 *            error: null | {code: string, detail?: string}, seq?: number}} OutboxEntry
 * @typedef {{
 *   status: 'connecting'|'online'|'offline',
 *   seq: number|null, epoch: string|null, board: Record<string, any>|null,
 *   presence: number|null, writingNow: number, me: null|{role: string, pid?: string, token?: string},
 *   limits: Record<string, number>, serverOffsetMs: number, outbox: OutboxEntry[],
 *   lastError: null|{code: string, detail?: string, cid?: string, at: number},
 *   gap: null|{expected: number, got: number}, awaitingSnapshot: boolean,
 *   fatal: null|{code: number, reason?: string}, connectedAt: number|null,
 * }} State
 */

const KEEP_SAVED = 40; // acknowledged entries kept so views can show "saved" for a while

/** @returns {State} */
export function initialState() {
  return {
    status: 'connecting',
    seq: null,
    epoch: null,
    board: null,
    presence: null,
    writingNow: 0, // how many participants are typing a note (a number, never who)
    me: null,
    limits: {},
    serverOffsetMs: 0,
    outbox: [],
    lastError: null,
    gap: null,
    awaitingSnapshot: false,
    fatal: null,
    connectedAt: null,
  };
}

/**
 * Apply one message from the server. Pure apart from reading the clock for the offset.
 * @param {State} state
 * @param {Record<string, any>} msg
 * @param {number} [receivedAt]
 * @returns {State}
 */
export function applyServerMessage(state, msg, receivedAt = Date.now()) {
  switch (msg.type) {
    case 'welcome':
      return {
        ...state,
        status: 'online',
        epoch: msg.epoch,
        me: {role: msg.role, pid: msg.pid ?? state.me?.pid, token: msg.token ?? state.me?.token},
        limits: msg.limits || state.limits,
        serverOffsetMs: msg.now - receivedAt,
        fatal: null,
        gap: null,
        connectedAt: receivedAt,
      };
    case 'snapshot':
      return {
        ...state,
        seq: msg.seq,
        epoch: msg.epoch ?? state.epoch,
        board: msg.board,
        serverOffsetMs: typeof msg.now === 'number' ? msg.now - receivedAt : state.serverOffsetMs,
        gap: null,
        awaitingSnapshot: false,
      };
    case 'event':
      return applyEvent(state, msg);
    case 'ack':
      return settle(state, msg.cid, (entry) => ({...entry, state: 'saved', error: null, seq: msg.seq}));
    case 'error': {
      const lastError = {code: msg.code, detail: msg.detail, cid: msg.cid, at: receivedAt};
      const next = {...state, lastError};
      if (!msg.cid) return next;
      return settle(next, msg.cid, (entry) => ({
        ...entry,
        state: 'failed',
        error: {code: msg.code, detail: msg.detail},
      }));
    }
    case 'presence':
      return {...state, presence: msg.online, writingNow: msg.writing ?? 0};
    case 'pong':
      return typeof msg.now === 'number' ? {...state, serverOffsetMs: msg.now - receivedAt} : state;
    case 'bye':
      return {...state, lastError: {code: msg.reason || 'bye', detail: msg.detail, at: receivedAt}};
    default:
      throw new Error(`unknown server message type: ${msg.type}`);
  }
}

function applyEvent(state, msg) {
  if (state.board === null || state.seq === null) {
    return {...state, gap: {expected: 0, got: msg.seq}};
  }
  if (msg.seq <= state.seq) return state; // already have it
  if (msg.seq !== state.seq + 1) return {...state, gap: {expected: state.seq + 1, got: msg.seq}};
  let board = {...state.board, seq: msg.seq};
  let awaitingSnapshot = false;
  const ops = msg.ops;
  for (let i = 0; i < ops.length; i++) {
    if (ops[i].op === 'snapshot') {
      awaitingSnapshot = true;
    } else if (ops[i].op === 'note') {
      // A reveal brings a whole circle's notes in one event: merge them in at once, not one
      // by one (each a pass over the board and a sort: quadratic with a thousand notes).
      let end = i + 1;
      while (end < ops.length && ops[end].op === 'note') end++;
      board = {...board, notes: upsert(board.notes, ops.slice(i, end).map((op) => op.note))};
      i = end - 1;
    } else {
      board = applyOp(board, ops[i]);
    }
  }
  return {...state, seq: msg.seq, board, awaitingSnapshot};
}

/**
 * One operation of an event on the board (see docs/protocol.md, section 4).
 * @param {Record<string, any>} board
 * @param {Record<string, any>} op
 */
export function applyOp(board, op) {
  switch (op.op) {
    case 'board': {
      const {op: _, ...fields} = op;
      return {...board, ...fields};
    }
    case 'note':
      return {...board, notes: upsert(board.notes, [op.note])};
    case 'note_removed':
      return {...board, notes: board.notes.filter((n) => n.id !== op.id)};
    case 'counts':
      return {...board, counts: op.counts, writers: op.writers};
    case 'participant':
      return {...board, participants: replaceOrAppend(board.participants, op.person)};
    case 'voting':
      return {...board, voting: op.voting};
    case 'plan':
      return {...board, plans: upsert(board.plans, [op.plan])};
    case 'plan_removed':
      return {...board, plans: board.plans.filter((p) => p.id !== op.id)};
    case 'reflections':
      return {...board, reflections: op.reflections};
    case 'reflection': {
      const items = (board.reflections?.items || []).filter((item) => item.key !== op.key);
      if (op.item) items.push(op.item);
      items.sort((a, b) => a.key - b.key);
      return {...board, reflections: {summary: op.summary, items}};
    }
    case 'scale':
      return {...board, scale: op.scale};
    case 'me':
      return {...board, me: op.me};
    case 'duo':
      return {...board, duos: upsertBy(board.duos, op.duo, 'pair', 'number')};
    case 'duo_removed':
      return {...board, duos: (board.duos || []).filter((d) => d.pair !== op.pair)};
    case 'sheets':
      return {...board, sheets: op.sheets};
    case 'sheet':
      return {...board, sheets: upsertBy(board.sheets, op.sheet, 'owner', 'owner')};
    case 'sheet_removed':
      return {...board, sheets: (board.sheets || []).filter((s) => s.owner !== op.owner)};
    default:
      throw new Error(`unknown event op: ${op.op}`);
  }
}

/** Insert or replace each of `added` by id (the last of one id wins), kept in `order`. */
function upsert(items, added) {
  const byId = new Map(added.map((item) => [item.id, item]));
  const rest = (items || []).filter((x) => !byId.has(x.id));
  for (const item of byId.values()) rest.push(item);
  rest.sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  return rest;
}

/** Replace the entry with `item`'s id where it stands, or add `item` at the end. */
function replaceOrAppend(items, item) {
  const list = items || [];
  const at = list.findIndex((x) => x.id === item.id);
  return at < 0 ? [...list, item] : list.map((x, i) => (i === at ? item : x));
}

/** Insert or replace `item` by its `key` field, kept in the order of its `sort` field. */
function upsertBy(items, item, key, sort) {
  const rest = (items || []).filter((x) => x[key] !== item[key]);
  rest.push(item);
  rest.sort((a, b) => (a[sort] < b[sort] ? -1 : a[sort] > b[sort] ? 1 : 0));
  return rest;
}

function settle(state, cid, change) {
  if (!state.outbox.some((e) => e.cid === cid)) return state;
  return {...state, outbox: trimSaved(state.outbox.map((e) => (e.cid === cid ? change(e) : e)))};
}

function trimSaved(outbox) {
  const saved = outbox.filter((e) => e.state === 'saved');
  if (saved.length <= KEEP_SAVED) return outbox;
  const drop = new Set(saved.slice(0, saved.length - KEEP_SAVED).map((e) => e.cid));
  return outbox.filter((e) => !drop.has(e.cid));
}

/**
 * Client-side changes (connection status, the outbox, a kept board). Local action types start
 * with "client/".
 * @param {State} state
 * @param {Record<string, any>} action
 * @returns {State}
 */
export function applyLocal(state, action) {
  switch (action.type) {
    case 'client/status':
      return {...state, status: action.status, gap: action.status === 'online' ? state.gap : null};
    case 'client/outbox-load':
      return {...state, outbox: [...action.entries, ...state.outbox.filter((e) => !action.entries.some((x) => x.cid === e.cid))]};
    case 'client/outbox-add':
      return {...state, outbox: [...state.outbox, action.entry]};
    case 'client/outbox-retry':
      return {
        ...state,
        outbox: state.outbox.map((e) => (e.cid === action.cid ? {...e, state: 'sending', error: null} : e)),
      };
    case 'client/outbox-discard':
      return {...state, outbox: state.outbox.filter((e) => e.cid !== action.cid)};
    case 'client/restore':
      // The board as this device last saw it (kept-board.js), until the server's own arrives.
      if (state.board !== null) return state;
      return {
        ...state,
        board: action.board,
        seq: action.seq,
        epoch: action.epoch,
        serverOffsetMs: typeof action.serverOffsetMs === 'number' ? action.serverOffsetMs : state.serverOffsetMs,
      };
    case 'client/fatal':
      return {...state, status: 'offline', fatal: {code: action.code, reason: action.reason}};
    case 'client/forget':
      return {...initialState(), status: 'offline', fatal: state.fatal};
    default:
      throw new Error(`unknown local action: ${action.type}`);
  }
}

/**
 * The store: holds the state, applies server messages and local actions, tells subscribers.
 * `dispatch(msg)` returns `{resync: true}` when an event revealed a gap (the socket then
 * reconnects with its last seq).
 */
export function createStore(state = initialState()) {
  const listeners = new Set();
  return {
    getState: () => state,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    dispatch(msg) {
      const previous = state;
      state = msg.type.startsWith('client/') ? applyLocal(state, msg) : applyServerMessage(state, msg);
      if (state !== previous) for (const fn of [...listeners]) fn(state, previous);
      return {resync: state.gap !== null && previous.gap === null};
    },
  };
}
