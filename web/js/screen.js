// Composition root of the shared screen. Two ways in:
//   /f/{room_id}#t=<token>  the facilitator: the circles plus the controls
//   /s/{code}               a read-only screen (a projector, a second display)
// It wires the store, the socket and the views; only the views touch the page's content, and
// every intent from a view is handled in the one switch below.

import {applyI18n, initialLanguage, loadCatalogue, onLanguageChange, t} from './i18n.js';
import {createStore} from './store.js';
import {openRoom} from './socket.js';
import {createChrome, showFatal} from './screen-chrome.js';
import {createBoard} from './board.js';
import {createDuoOverview} from './screen-duo.js';
import {bindReaderKeys, createReader} from './reader.js';
import {createControls} from './controls.js';
import {createKit} from './kit.js';
import {createFollowUp} from './followup.js';
import {createPanel} from './screen-panel.js';
import {createAgendaControls, createAgendaStage, createAgendaStrip} from './agenda.js';
import {downloadExport, downloadPng} from './screen-export.js';
import {READING_CIRCLE, circleNotes, faceDown, mergedCounts, readingPosition} from './screen-model.js';
import {moveQuestion} from './moving-on.js';
import {errorText} from './screen-ui.js';
import {keepForOffline} from './offline.js';
import {createFitter} from './fit.js';
import {chime} from './chime.js';

const PROJECTOR_KEY = 'cirkelbord.projector';
const CONTROLS_KEY = 'cirkelbord.controls-hidden';
const RECENT_KEY = 'cirkelbord.recent'; // kept by the start page: boards made on this device
const TICK_MS = 250;
const SECOND_SCREEN_WINDOW = 'cirkelbord-screen'; // one window, brought back by a second click
const SUMMARY_REFRESH_MS = 60000; // how often, at most, the deletion date is asked for again
const LOOKUP_RETRY_MS = 1000; // the board's lookup after a network error: first wait ...
const MAX_LOOKUP_RETRY_MS = 10000; // ... doubling up to this

/** Whether a failed lookup may work when tried again: no answer, a busy or an absent server. */
function transient(error) {
  return Boolean(error) && (error.status === undefined || error.status === 429 || error.status >= 500);
}

/** Where this page is: the facilitator's room or a screen's join code. */
function parseRoute() {
  const parts = location.pathname.split('/').filter(Boolean);
  if (parts[0] === 'f' && parts[1]) {
    const roomId = decodeURIComponent(parts[1]);
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    const tokenKey = `cirkelbord.facilitator.${roomId}`;
    let token = params.get('t');
    if (token) {
      // Keep the token out of the address bar: this page is often shown to the whole room.
      try {
        sessionStorage.setItem(tokenKey, token);
        history.replaceState(null, '', location.pathname + location.search);
      } catch {
        // no session storage: the token stays in the address
      }
    } else {
      try {
        token = sessionStorage.getItem(tokenKey);
      } catch {
        token = null;
      }
    }
    return {role: 'facilitator', roomId, token, code: params.get('c')};
  }
  if (parts[0] === 's' && parts[1]) return {role: 'screen', code: decodeURIComponent(parts[1])};
  return {role: 'unknown'};
}

function readFlag(key) {
  try {
    return localStorage.getItem(key) === '1';
  } catch {
    return false;
  }
}

function writeFlag(key, on) {
  try {
    if (on) localStorage.setItem(key, '1');
    else localStorage.removeItem(key);
  } catch {
    // the choice lasts for this page only
  }
}

/** Forget what this device kept about a deleted board: the start page's entry, token, outbox. */
function forgetBoard(roomId) {
  try {
    const list = JSON.parse(localStorage.getItem(RECENT_KEY) || '[]');
    if (Array.isArray(list)) localStorage.setItem(RECENT_KEY, JSON.stringify(list.filter((b) => !b || b.room_id !== roomId)));
    localStorage.removeItem(`cirkelbord.outbox.facilitator.${roomId}`);
  } catch {
    // nothing kept, or storage unavailable
  }
  try {
    sessionStorage.removeItem(`cirkelbord.facilitator.${roomId}`);
  } catch {
    // no session storage
  }
}

function recentJoinCode(roomId) {
  try {
    const list = JSON.parse(localStorage.getItem(RECENT_KEY) || '[]');
    const entry = Array.isArray(list) ? list.find((b) => b && b.room_id === roomId) : null;
    return entry && typeof entry.join_code === 'string' ? entry.join_code : null;
  } catch {
    return null;
  }
}

async function fetchJson(url, headers = {}) {
  const response = await fetch(url, {headers: {Accept: 'application/json', ...headers}});
  if (!response.ok) {
    const error = new Error(`HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return response.json();
}

/**
 * The join QR code as an image source. The endpoint's SVG is made to be inlined and may lack
 * the SVG namespace, without which an <img> shows nothing: add it and serve the picture from
 * a blob URL.
 */
async function loadQr(code) {
  const url = `/api/join/${encodeURIComponent(code)}/qr.svg`;
  try {
    const response = await fetch(url);
    if (!response.ok) return null;
    let text = await response.text();
    const open = text.indexOf('<svg');
    if (open < 0) return null;
    const tag = text.slice(open, text.indexOf('>', open));
    if (!tag.includes('xmlns=')) text = `${text.slice(0, open)}<svg xmlns="http://www.w3.org/2000/svg"${text.slice(open + 4)}`;
    if (!/viewBox=/.test(tag)) {
      const size = /width="(\d+)"/.exec(tag);
      if (size) text = text.replace('<svg ', `<svg viewBox="0 0 ${size[1]} ${size[1]}" `);
    }
    return URL.createObjectURL(new Blob([text], {type: 'image/svg+xml'}));
  } catch {
    return url;
  }
}

/** Board model for the SVG view. */
function boardModel(board) {
  const position = readingPosition(board);
  let reading = null;
  if (position.item) reading = position.kind === 'plan' ? position.item.note : position.item.id;
  const tallyShown = board.voting?.status === 'closed' && board.voting.tally;
  return {
    topic: board.topic,
    notes: [...circleNotes(board, 'inner'), ...circleNotes(board, 'outer')],
    faceDown: faceDown(board),
    reading,
    chosen: board.chosen,
    tally: tallyShown ? board.voting.tally : null,
    merged: mergedCounts(board),
    highlightCircle: READING_CIRCLE[board.phase] || null,
  };
}

async function main() {
  keepForOffline('screen');
  const route = parseRoute();
  const app = document.getElementById('app');
  const fatal = document.getElementById('fatal');
  const facilitator = route.role === 'facilitator';

  // Language: the choice made on this device, else the board's, else Dutch.
  let boardLanguage = null;
  let roomId = route.roomId || null;
  let joinCode = route.code || null;
  let deletesAt = null;
  async function lookUp() {
    try {
      if (route.role === 'screen') {
        const info = await fetchJson(`/api/join/${encodeURIComponent(route.code)}`);
        roomId = info.room_id;
        joinCode = info.join_code || route.code;
        boardLanguage = info.language;
      } else if (facilitator && route.token) {
        const summary = await fetchJson(`/api/boards/${encodeURIComponent(roomId)}`, {Authorization: `Bearer ${route.token}`});
        boardLanguage = summary.language;
        joinCode = summary.join_code || joinCode || recentJoinCode(roomId);
        deletesAt = summary.deletes_at || null;
      }
      return null;
    } catch (error) {
      return error;
    }
  }
  let lookupError = await lookUp();
  if (transient(lookupError)) {
    // The network or the server is away for a moment (a restart behind the proxy): say so and
    // keep trying, so a screen opened meanwhile comes up by itself.
    await loadCatalogue(initialLanguage(null));
    applyI18n(document);
    showFatal(fatal, t('screen.fatal.retrying'), false);
    for (let waitMs = LOOKUP_RETRY_MS; transient(lookupError); waitMs = Math.min(2 * waitMs, MAX_LOOKUP_RETRY_MS)) {
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      lookupError = await lookUp();
    }
    fatal.hidden = true;
    fatal.replaceChildren();
  }
  await loadCatalogue(initialLanguage(boardLanguage));
  applyI18n(document);
  document.title = t('screen.title');

  if (route.role === 'unknown' || (facilitator && !route.token) || lookupError || !roomId) {
    let key = 'screen.fatal.network';
    if (lookupError?.status === 404 || route.role === 'unknown') key = 'screen.fatal.unknown';
    else if (facilitator && !route.token) key = 'screen.fatal.token';
    showFatal(fatal, t(key));
    return;
  }

  const store = createStore();
  const room = openRoom({
    roomId,
    makeHello: () => (facilitator ? {role: 'facilitator', token: route.token} : {role: 'screen', code: joinCode}),
    store,
    storageKey: facilitator ? `cirkelbord.outbox.facilitator.${roomId}` : null,
  });

  let qrSource = null;
  if (joinCode) {
    loadQr(joinCode).then((src) => {
      qrSource = src;
      scheduleRender();
    });
  }

  // -- views ---------------------------------------------------------------------------------
  const stage = document.getElementById('stage');
  const board = createBoard(stage, {onNoteClick: facilitator ? (id) => act({type: 'send', command: {type: 'show_item', target: id}}) : undefined});
  const duoOverview = createDuoOverview(stage);
  const reader = createReader(document.getElementById('reader'));
  const panel = createPanel(
    {
      status: document.getElementById('status'),
      body: document.getElementById('panel'),
      reader: document.getElementById('reader'),
      footer: document.getElementById('footer'),
    },
    {joinCode: () => joinCode, qrSource: () => qrSource, isFacilitator: facilitator, onTimeUp: facilitator ? chime : undefined},
  );
  const agendaStrip = createAgendaStrip();
  document.getElementById('status').append(agendaStrip.root);
  const agendaStage = createAgendaStage();
  document.getElementById('panel').prepend(agendaStage.root);
  const panelFit = createFitter(document.getElementById('panel'));
  const controlsBox = document.getElementById('controls');
  const controls = facilitator ? createControls(controlsBox, {act}) : null;
  const agendaControls = facilitator ? createAgendaControls(controlsBox, {act}) : null;
  const kit = facilitator ? createKit(controlsBox, {roomId, token: route.token}) : null;
  const followUp = facilitator ? createFollowUp(controlsBox, {act, roomId, token: route.token, root: controlsBox.querySelector('.controls-inner')}) : null;
  const chrome = createChrome(
    {
      app,
      toolbar: document.getElementById('toolbar'),
      connection: document.getElementById('connection'),
      fatal,
      controls: controlsBox,
      audience: document.getElementById('audience'),
    },
    {facilitator, act},
  );

  // -- intents from the views: the one place they are handled ---------------------------------
  /** @param {Record<string, any>} intent */
  function act(intent) {
    switch (intent.type) {
      case 'send':
        room.send(intent.command);
        break;
      case 'move-on':
        moveOn(intent.command, intent.opener);
        break;
      case 'retry':
        room.retry(intent.cid);
        break;
      case 'discard':
        room.discard(intent.cid);
        break;
      case 'export':
        exportBoard(intent.format);
        break;
      case 'delete-board':
        deleteBoard();
        break;
      case 'projector':
        chrome.setProjector(intent.on);
        writeFlag(PROJECTOR_KEY, intent.on);
        scheduleRender(true);
        break;
      case 'controls':
        chrome.setControlsHidden(intent.hidden);
        writeFlag(CONTROLS_KEY, intent.hidden);
        scheduleRender(true);
        break;
      case 'full-screen':
        if (intent.on) document.documentElement.requestFullscreen().catch((error) => console.warn('full screen:', error));
        else document.exitFullscreen().catch(() => {});
        break;
      case 'second-screen':
        if (joinCode) window.open(`/s/${encodeURIComponent(joinCode)}`, SECOND_SCREEN_WINDOW, 'popup,width=1280,height=720');
        break;
      default:
        throw new Error(`unknown intent: ${intent.type}`);
    }
  }

  /** Send a move on, asking first when it would skip, hide or clear something. */
  function moveOn(command, opener) {
    const question = () => moveQuestion(store.getState().board, command);
    if (controls && question()) controls.confirmMove(question, opener, () => room.send(command));
    else room.send(command);
  }

  async function exportBoard(format) {
    const s = store.getState();
    const topic = (s.board?.topic || 'cirkelbord').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'cirkelbord';
    const base = `cirkelbord-${topic}`;
    controls?.exportStatus('busy');
    try {
      if (format === 'png') {
        await downloadPng(board.element, `${base}.png`, chrome.boardBackground());
      } else {
        await downloadExport(roomId, route.token, format, base);
      }
      controls?.exportStatus('done');
    } catch (error) {
      console.error(error);
      controls?.exportStatus('failed');
    }
  }

  // -- the board's deletion: the date the server will do it, and doing it now ----------------
  let boardDeleted = false;
  let summaryAskedAt = Date.now();
  controls?.setDeletesAt(deletesAt);

  /** Every change on the board moves the deletion date on: ask again now and then. */
  async function refreshDeletesAt() {
    summaryAskedAt = Date.now();
    try {
      const summary = await fetchJson(`/api/boards/${encodeURIComponent(roomId)}`, {Authorization: `Bearer ${route.token}`});
      if (!boardDeleted && summary.deletes_at) controls?.setDeletesAt(summary.deletes_at);
    } catch {
      // keep the date shown; the next change asks again
    }
  }

  async function deleteBoard() {
    if (!facilitator || boardDeleted) return;
    controls?.deleteStatus('busy');
    try {
      const response = await fetch(`/api/boards/${encodeURIComponent(roomId)}`, {
        method: 'DELETE',
        headers: {Authorization: `Bearer ${route.token}`},
      });
      // 404: the board was already gone (deleted elsewhere or expired); this page checked the
      // token when it opened.
      if (!response.ok && response.status !== 404) throw new Error(`delete: HTTP ${response.status}`);
    } catch (error) {
      console.error(error);
      controls?.deleteStatus('failed');
      return;
    }
    boardDeleted = true;
    room.close();
    forgetBoard(roomId);
    controls?.deleteStatus('done');
    showFatal(fatal, t('screen.board.deleted'));
    fatal.querySelector('a')?.focus();
  }

  // -- rendering -----------------------------------------------------------------------------
  let frame = 0;
  let force = false;
  function scheduleRender(refit = false) {
    force = force || refit;
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      render(store.getState(), force);
      force = false;
    });
  }

  function render(s, refit) {
    chrome.render(s);
    if (!s.board) return;
    // A duo board's stage is the overview of the duos; a team board's is the circles.
    const duoBoard = s.board.variant === 'duo';
    board.element.classList.toggle('is-off', duoBoard);
    stage.classList.toggle('is-duo', duoBoard);
    duoOverview.render(s.board);
    if (!duoBoard) board.render(boardModel(s.board));
    reader.render(s.board);
    if (refit) reader.refit();
    panel.render(s);
    agendaStrip.render(s);
    agendaStage.render(s);
    panelFit.fit();
    if (controls) controls.render(s);
    if (followUp) followUp.render(s);
    if (agendaControls) agendaControls.render(s);
  }

  store.subscribe(() => scheduleRender());
  if (facilitator) {
    store.subscribe((s, previous) => {
      if (s.seq !== previous.seq && !boardDeleted && Date.now() - summaryAskedAt > SUMMARY_REFRESH_MS) refreshDeletesAt();
    });
  }
  onLanguageChange(() => {
    applyI18n(document);
    board.invalidate();
    duoOverview.invalidate();
    chrome.translate();
    scheduleRender(true);
  });
  setInterval(() => {
    const s = store.getState();
    panel.tick(s);
    agendaStrip.tick(s);
    agendaStage.tick(s);
    if (controls) controls.tick(s);
    if (agendaControls) agendaControls.tick(s);
  }, TICK_MS);
  window.addEventListener('resize', () => scheduleRender(true));

  if (facilitator) {
    bindReaderKeys(
      () => store.getState().board,
      (target) => act({type: 'send', command: {type: 'show_item', target}}),
    );
  }

  chrome.setProjector(readFlag(PROJECTOR_KEY));
  chrome.setControlsHidden(readFlag(CONTROLS_KEY));
  if (kit) kit.bar.append(...chrome.controlButtons(Boolean(joinCode)));
  scheduleRender();
  // Errors from the server without a command (for example a refused hello) go to the console;
  // the controls show the ones that belong to a command.
  store.subscribe((s, previous) => {
    if (s.lastError && s.lastError !== previous.lastError && !s.lastError.cid) console.warn(errorText(s.lastError));
  });
}

main().catch((error) => {
  console.error(error);
  showFatal(document.getElementById('fatal'), `Cirkelbord: ${error.message}`, false);
});
