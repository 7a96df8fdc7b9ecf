// Composition root of the phone page: wires the store, the socket and the views. Only the
// views touch the DOM; this module decides which of them show in which phase and turns their
// intents into commands.
import {el} from './dom.js';
import {applyI18n, initialLanguage, loadCatalogue, onLanguageChange, plural, setLanguage, storedLanguage, t} from './i18n.js';
import {createStore} from './store.js';
import {newId, openRoom} from './socket.js';
import {writingLocked} from './clock.js';
import {WRITING_CIRCLE, stepOf} from './method.js';
import {myNotes, notesToSend, revealedNotes} from './phone-derive.js';
import {createHeader} from './phone-header.js';
import {createBanners} from './phone-banner.js';
import {createStepCard} from './phone-step.js';
import {createCompose} from './compose.js';
import {createNoteList, mineItems, revealedItems} from './phone-notes.js';
import {createVoting} from './phone-voting.js';
import {createPair, createPlans} from './phone-plans.js';
import {createAgreements, createReflection, createScale} from './phone-closing.js';
import {createJoin} from './phone-join.js';
import {createPhoneAgenda, currentPart, isAside} from './agenda.js';
import {createDuo} from './phone-duo.js';
import {createUnsent} from './phone-unsent.js';
import {keepForOffline} from './offline.js';
import {keepBoard} from './kept-board.js';

const KEY = {
  room: (code) => `cirkelbord.code.${code}`,
  credentials: (roomId) => `cirkelbord.p.${roomId}`,
  outbox: (roomId) => `cirkelbord.outbox.${roomId}`,
  /** A draft belongs to one meeting: a follow-up weeks later starts with an empty field. */
  draft: (roomId, meeting, circle) => `cirkelbord.draft.${roomId}.${meeting}.${circle}`,
  drafts: (roomId) => `cirkelbord.draft.${roomId}.`,
  board: (roomId) => `cirkelbord.board.${roomId}`,
};
const NOTE_COMMANDS = new Set(['add_note', 'edit_note', 'delete_note']);
const SHEET_NOTE = 'sn-'; // id prefix of the notes written on a duo sheet

/** A refused command shown once and dropped (refused team notes stay, with "try again"). */
function dropWhenRefused(msg) {
  return !NOTE_COMMANDS.has(msg.type) || String(msg.id || '').startsWith(SHEET_NOTE);
}

const storage = {
  get(key) {
    try {
      return JSON.parse(localStorage.getItem(key) || 'null');
    } catch {
      return null;
    }
  },
  set(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
    } catch {
      // private mode: this device forgets on reload
    }
  },
  remove(key) {
    try {
      localStorage.removeItem(key);
    } catch {
      // nothing stored
    }
  },
  /** Remove every key that starts with `prefix` (but not with `keep`, when given). */
  prune(prefix, keep = null) {
    try {
      const gone = [];
      for (let i = 0; i < localStorage.length; i += 1) {
        const key = localStorage.key(i);
        if (key?.startsWith(prefix) && !(keep && key.startsWith(keep))) gone.push(key);
      }
      for (const key of gone) localStorage.removeItem(key);
    } catch {
      // nothing stored
    }
  },
};

function codeFromUrl() {
  const match = location.pathname.match(/^\/j\/([^/]+)/);
  const raw = match ? decodeURIComponent(match[1]) : new URLSearchParams(location.search).get('code') || '';
  return raw.replace(/\s+/g, '').toUpperCase();
}

const mainEl = document.getElementById('main');
const topbar = document.getElementById('topbar');
const bannerArea = document.getElementById('banners');
const announcer = document.getElementById('announcer');

function announce(text) {
  announcer.textContent = '';
  setTimeout(() => (announcer.textContent = text), 50);
}

function setTitle(board) {
  document.title = board?.topic ? `${board.topic} · ${t('app.name')}` : `${t('app.name')}: ${t('phone.join.title')}`;
}

let header = null;

/**
 * Look a join code up: `{info}` with the board's id and language, or `{problem}`, an error
 * message key (`final` when asking again would not help).
 */
async function lookUp(code) {
  let response;
  try {
    response = await fetch(`/api/join/${encodeURIComponent(code)}`, {headers: {Accept: 'application/json'}});
  } catch {
    return {problem: 'phone.join.failed', final: false};
  }
  if (response.status === 404) return {problem: 'phone.join.unknown', final: true};
  if (response.status === 429) return {problem: 'phone.join.busy', final: false};
  if (!response.ok) return {problem: 'phone.join.failed', final: false};
  try {
    return {info: await response.json()};
  } catch {
    return {problem: 'phone.join.failed', final: false};
  }
}

/** Show the join form (first visit, or after the server forgot us). */
function showJoin(code, message = null) {
  // The code from the address is looked up while the person types a name: joining then
  // waits for one round trip less, and a code that does not exist shows at once.
  let early = code ? lookUp(code) : null;
  const join = createJoin({
    code,
    message,
    onJoin: async (value, name) => {
      let found = value === code && early ? await early : null;
      early = null;
      if (!found || (found.problem && !found.final)) found = await lookUp(value);
      if (found.problem) return found.problem;
      const info = found.info;
      storage.set(KEY.room(value), {roomId: info.room_id, language: info.language});
      if (!storedLanguage() && info.language) await setLanguage(info.language, {persist: false}).catch(() => {});
      if (location.pathname !== `/j/${value}`) history.replaceState(null, '', `/j/${encodeURIComponent(value)}`);
      unsubscribeLanguage();
      startRoom(info.room_id, value, name);
      return null;
    },
  });
  early?.then((found) => {
    if (found.final && !message) join.tell(found.problem);
  });
  header.update({status: 'connecting', board: null, serverOffsetMs: 0});
  const unsubscribeLanguage = onLanguageChange(() => {
    join.update();
    setTitle(null);
  });
  setTitle(null);
  mainEl.replaceChildren(join.root);
  join.focus();
}

/** Connect to a room and run the phone views until the page closes. */
function startRoom(roomId, code, name) {
  const store = createStore();
  let credentials = storage.get(KEY.credentials(roomId));
  const makeHello = () =>
    credentials?.pid && credentials?.token
      ? {role: 'participant', pid: credentials.pid, token: credentials.token}
      : {role: 'participant', code, name: name || ''};

  keepBoard(store, KEY.board(roomId));
  const socket = openRoom({roomId, makeHello, store, storageKey: KEY.outbox(roomId)});

  const actions = {
    addNote(circle, text) {
      socket.send({type: 'add_note', id: newId('n-'), circle, text});
      announce(t('note.announce.added'));
    },
    editNote(id, text) {
      const current = myNotes(store.getState()).find((n) => n.id === id);
      if (current && current.text === text.trim()) return;
      socket.send({type: 'edit_note', id, text: text.trim()});
    },
    deleteNote: (id) => socket.send({type: 'delete_note', id}),
    retry: (cid) => socket.retry(cid),
    discardFailed(mine) {
      const ids = store.getState().outbox.filter((e) => e.msg.id === mine.id && NOTE_COMMANDS.has(e.msg.type) && e.state !== 'saved');
      const drop = mine.failedType === 'add_note' ? ids : ids.filter((e) => e.cid === mine.failedCid);
      for (const entry of drop) socket.discard(entry.cid);
    },
    castVote: (id) => socket.send({type: 'cast_vote', id}),
    retractVote: (id) => socket.send({type: 'retract_vote', id}),
    startPair: (pairCode) => socket.send({type: 'start_pair', code: pairCode}),
    joinPair: (pairCode) => socket.send({type: 'join_pair', code: pairCode}),
    leavePair: () => socket.send({type: 'leave_pair'}),
    addPlan: (plan) => socket.send({type: 'add_plan', id: newId('p-'), ...plan}),
    editPlan: (id, fields) => socket.send({type: 'edit_plan', id, ...fields}),
    removePlan: (id) => socket.send({type: 'remove_plan', id}),
    setPlanStatus: (id, status) => socket.send({type: 'set_plan_status', id, status}),
    submitReflection: (answer) => socket.send({type: 'submit_reflection', ...answer}),
    answerScale: (value) => socket.send({type: 'answer_scale', value}),
    rename: (newName) => socket.send({type: 'rename', name: newName}),
    setActivity: (sheet, text) => socket.send({type: 'set_activity', sheet, text}),
    addSheetNote: (sheet, circle, text) => socket.send({type: 'add_sheet_note', sheet, id: newId(SHEET_NOTE), circle, text}),
    deleteSheetNote: (id) => socket.send({type: 'delete_note', id}),
    setSheetStep: (sheet, from, to) => socket.send({type: 'set_sheet_step', sheet, from, to}),
    chooseSheetItem: (sheet, id) => socket.send({type: 'choose_sheet_item', sheet, id}),
    setSmallStep: (sheet, text) => socket.send({type: 'set_small_step', sheet, text}),
    swapRoles: (interviewee) => socket.send({type: 'swap_roles', interviewee}),
    shareSheet: (shared) => socket.send({type: 'share_sheet', shared}),
  };

  // -- views ------------------------------------------------------------------------------
  const banners = createBanners({onReconnect: () => socket.reconnect()});
  bannerArea.replaceChildren(banners.root);
  const loading = el('p', {class: 'card muted', role: 'status'});
  const step = createStepCard();
  const scale = createScale({actions});
  const wait = createWait({actions});
  let draftMeeting = null; // the meeting whose drafts the form and the unsent card read
  const draftKey = (circle) => KEY.draft(roomId, draftMeeting ?? 1, circle);
  const compose = createCompose({onSubmit: actions.addNote, draftKey, onTyping: () => socket.signal({type: 'writing'})});
  const unsent = createUnsent({draftKey, onDiscardRefused: actions.discardFailed});
  const mine = {inner: createMineSection('inner'), outer: createMineSection('outer')};
  const revealed = {inner: createCircleSection('inner'), outer: createCircleSection('outer')};
  const voting = createVoting({actions});
  const pair = createPair({actions});
  const plans = createPlans({actions, historyUrl: code ? `/j/${encodeURIComponent(code)}/history` : null});
  const reflection = createReflection({actions});
  const agreements = createAgreements();
  const agenda = createPhoneAgenda();
  const duo = createDuo({actions});
  mainEl.replaceChildren(loading);

  function createMineSection(circle) {
    const heading = el('h2', {id: `mine-${circle}-title`});
    const list = createNoteList({
      actions,
      items: mineItems(circle, {locked: (state) => writingLocked(state.board.timer, state.serverOffsetMs)}),
      empty: 'phone.mine.empty',
    });
    const root = el('section', {class: 'card', 'aria-labelledby': heading.id}, heading, list.root);
    return {
      root,
      update(state) {
        const count = myNotes(state, circle).length;
        heading.textContent = count ? t('phone.mine.title_count', {count}) : t('phone.mine.title');
        list.update(state);
      },
    };
  }

  function createCircleSection(circle) {
    const summary = el('summary', {}, el('span', {class: 'circle-swatch', 'data-circle': circle, 'aria-hidden': 'true'}));
    const summaryText = el('span', {});
    summary.append(summaryText);
    const readingPhase = `${circle}_reading`;
    const list = createNoteList({actions, items: revealedItems(circle, {editable: (state) => state.board.phase === readingPhase})});
    const details = el('details', {class: 'card circle-section', 'data-circle-section': circle}, summary, list.root);
    return {
      root: details,
      update(state, {expanded}) {
        const count = revealedNotes(state.board, circle).length;
        summaryText.textContent = ` ${t(`method.${circle}.label`)} (${count})`;
        if (expanded !== undefined) details.open = expanded;
        list.update(state);
      },
    };
  }

  // -- which views show when, and in which order -------------------------------------------
  const ORDER = {
    default: [loading, agenda.root, step.root, unsent.root, scale.root, wait.root, compose.root, mine.inner.root, mine.outer.root,
      revealed.outer.root, voting.root, pair.root, duo.root, plans.root, reflection.root, agreements.root, revealed.inner.root],
    closing: [loading, agenda.root, step.root, unsent.root, reflection.root, duo.root, scale.root, agreements.root, plans.root,
      revealed.outer.root, revealed.inner.root, wait.root, compose.root, mine.inner.root, mine.outer.root,
      voting.root, pair.root],
  };

  function arrange(phase) {
    const order = ORDER[phase] || ORDER.default;
    order.forEach((node, index) => {
      if (mainEl.children[index] !== node) mainEl.insertBefore(node, mainEl.children[index] || null);
    });
  }

  let lastPhase = null;
  let lastLocked = null;
  let lastPart = null;

  function render(state) {
    header.update(state);
    banners.update(state);
    setTitle(state.board);
    const board = state.board;
    loading.hidden = Boolean(board);
    const waiting = board ? 0 : notesToSend(state);
    loading.textContent = waiting
      ? `${t('conn.connecting')} ${t(waiting === 1 ? 'conn.to_send.one' : 'conn.to_send.other', {count: waiting})}`
      : t('conn.connecting');
    const all = [agenda, step, unsent, scale, wait, compose, mine.inner, mine.outer, revealed.inner, revealed.outer, voting, pair, plans, reflection, agreements, duo];
    if (!board) {
      for (const view of all) view.root.hidden = true;
      return;
    }
    const meeting = board.meeting ?? 1;
    if (meeting !== draftMeeting) {
      // An earlier meeting's unsent text is no note for this one: throw it away.
      draftMeeting = meeting;
      storage.prune(KEY.drafts(roomId), KEY.draft(roomId, meeting, ''));
    }
    // The warm-up and the pause step away from the circles: the phone shows the part only.
    if (isAside(board)) {
      if (!agenda.root.isConnected) arrange(board.phase);
      for (const view of all) view.root.hidden = view !== agenda;
      const part = currentPart(board);
      if (agenda.update(state) && part !== lastPart) announce(t(`agenda.part.${part}`));
      lastPart = part;
      lastPhase = null;
      return;
    }
    lastPart = null;
    agenda.root.hidden = true;
    const phase = board.phase;
    const phaseChanged = phase !== lastPhase;
    lastPhase = phase;
    if (phaseChanged) arrange(phase);
    const circle = WRITING_CIRCLE[phase] || null;
    const locked = writingLocked(board.timer, state.serverOffsetMs);
    lastLocked = locked;
    const groups = board.plan_mode === 'groups';

    const duoBoard = board.variant === 'duo';
    const show = {
      step: !duoBoard || phase !== 'duos',
      scale: board.scale?.status === 'open',
      wait: phase === 'topic',
      compose: Boolean(circle),
      mineInner: phase === 'inner_writing',
      mineOuter: phase === 'outer_writing',
      revealedInner: ['inner_reading', 'outer_writing', 'outer_reading', 'step_forward', 'closing'].includes(phase),
      revealedOuter: ['outer_reading', 'closing'].includes(phase),
      voting: phase === 'step_forward',
      pair: duoBoard ? phase !== 'closing' : phase === 'step_forward' && groups,
      plans: phase === 'step_forward' || (['closing', 'topic'].includes(phase) && (board.plans || []).length > 0 && (phase === 'closing' || (board.meeting ?? 1) > 1)),
      reflection: phase === 'closing',
      agreements: Boolean(board.agreements),
      duo: duoBoard,
    };
    if (duoBoard) {
      // A duo board has no team circles: pairing, the duo's own sheets, then the closing.
      for (const name of ['wait', 'compose', 'mineInner', 'mineOuter', 'revealedInner', 'revealedOuter', 'voting', 'plans']) {
        show[name] = false;
      }
    }
    const pairs = [
      [step, show.step], [scale, show.scale], [wait, show.wait], [compose, show.compose],
      [mine.inner, show.mineInner], [mine.outer, show.mineOuter], [revealed.inner, show.revealedInner],
      [revealed.outer, show.revealedOuter], [voting, show.voting], [pair, show.pair], [plans, show.plans],
      [reflection, show.reflection], [agreements, show.agreements], [duo, show.duo],
    ];
    for (const [view, visible] of pairs) view.root.hidden = !visible;

    if (step.update(state) && phaseChanged) announce(t(stepOf(board).title));
    if (show.scale) scale.update(state);
    if (show.wait) wait.update(state);
    if (show.compose) {
      // The typing signal goes only to a server that names its interval (an older one refuses it).
      const typingEveryMs = (state.limits.WRITING_SIGNAL_SECONDS || 0) * 1000;
      compose.update(circle, {maxLength: state.limits.MAX_NOTE_LENGTH || 280, locked, typingEveryMs});
    }
    else compose.close();
    if (duoBoard) unsent.root.hidden = true;
    else unsent.update(circle, myNotes(state).filter((n) => n.pendingAdd && n.failedType === 'add_note'));
    if (show.mineInner) mine.inner.update(state);
    if (show.mineOuter) mine.outer.update(state);
    if (show.revealedInner) revealed.inner.update(state, {expanded: phaseChanged ? phase === 'inner_reading' : undefined});
    if (show.revealedOuter) revealed.outer.update(state, {expanded: phaseChanged ? true : undefined});
    if (show.voting) voting.update(state);
    if (show.pair) pair.update(state);
    if (show.plans) plans.update(state);
    if (show.reflection) reflection.update(state);
    if (show.agreements) agreements.update(state);
    if (show.duo) duo.update(state);
  }

  /** Everything this device keeps for the board (the tab's copy of it goes in kept-board.js). */
  function forgetBoard() {
    socket.close();
    storage.remove(KEY.credentials(roomId));
    storage.remove(KEY.outbox(roomId));
    storage.prune(KEY.drafts(roomId));
    storage.remove(KEY.room(code));
  }

  // Remember who we are as soon as the server tells us; forget it when it refuses us, and
  // forget the board when it is deleted.
  let forgotten = false;
  store.subscribe((state) => {
    const me = state.me;
    if (me?.pid && me?.token && credentials?.pid !== me.pid) {
      credentials = {pid: me.pid, token: me.token};
      storage.set(KEY.credentials(roomId), credentials);
    }
    if (state.fatal?.code === 4401) {
      const wasReturning = Boolean(credentials);
      clearInterval(ticker);
      forgetBoard();
      bannerArea.replaceChildren();
      showJoin(code, wasReturning ? 'conn.credentials' : 'phone.join.unknown');
      return;
    }
    if (state.fatal?.code === 4404 && !forgotten) {
      forgotten = true;
      forgetBoard();
    }
    // A refused vote, pairing, plan or answer is shown once and dropped; refused notes stay
    // on the note with "try again" and "discard".
    for (const entry of state.outbox) {
      if (entry.state === 'failed' && dropWhenRefused(entry.msg)) {
        socket.discard(entry.cid);
        banners.flash(entry.error?.code || 'internal');
      }
    }
  });
  store.subscribe(render);
  onLanguageChange(() => render(store.getState()));

  const ticker = setInterval(() => {
    const state = store.getState();
    header.tick(state);
    if (state.board && isAside(state.board)) agenda.tick(state);
    if (state.board && writingLocked(state.board.timer, state.serverOffsetMs) !== lastLocked) render(state);
  }, 1000);

  render(store.getState());
}

/** Topic phase: what happens next, who I am here (with rename), how many have joined. */
function createWait({actions}) {
  const text = el('p', {});
  const who = el('p', {class: 'muted'});
  const people = el('p', {class: 'muted small'});
  const change = el('button', {type: 'button', class: 'btn btn-small'});
  const nameLabel = el('label', {for: 'rename'});
  const nameInput = el('input', {id: 'rename', type: 'text', maxlength: 40, autocomplete: 'nickname'});
  const save = el('button', {type: 'submit', class: 'btn btn-primary btn-small'});
  const form = el('form', {hidden: true}, el('div', {class: 'field'}, nameLabel, nameInput), save);
  const root = el('section', {class: 'card', 'aria-label': t('phase.topic')}, text, who, change, form, people);
  change.addEventListener('click', () => {
    form.hidden = false;
    change.hidden = true;
    nameInput.focus();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    actions.rename(nameInput.value.trim());
    form.hidden = true;
    change.hidden = false;
    change.focus();
  });
  return {
    root,
    update(state) {
      const board = state.board;
      const me = board.me || {};
      root.setAttribute('aria-label', t('phase.topic'));
      text.textContent = t((board.meeting ?? 1) > 1 ? 'phone.wait.review' : 'phone.wait.topic');
      who.textContent = me.name ? t('phone.you_named', {name: me.name}) : t('phone.you_unnamed');
      if (form.hidden) nameInput.value = me.name || '';
      change.textContent = t('phone.name.change');
      nameLabel.textContent = t('phone.name.label');
      save.textContent = t('phone.name.save');
      const count = (board.participants || []).length;
      people.textContent = state.presence === null
        ? plural('people.count', count)
        : `${plural('people.count', count)} · ${t('people.online', {count: state.presence})}`;
    },
  };
}

async function main() {
  keepForOffline('phone');
  const code = codeFromUrl();
  const known = code ? storage.get(KEY.room(code)) : null;
  await loadCatalogue(initialLanguage(known?.language));
  header = createHeader();
  topbar.append(...header.root);
  applyI18n(document);
  onLanguageChange(() => applyI18n(document));
  const credentials = known ? storage.get(KEY.credentials(known.roomId)) : null;
  if (known && credentials) startRoom(known.roomId, code, null);
  else showJoin(code);
}

main().catch((err) => {
  console.error(err);
  mainEl.replaceChildren(el('p', {class: 'banner banner-error', role: 'alert'}, String(err)));
});
