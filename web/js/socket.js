// The reconnecting WebSocket of a page, with its outbox.
//
// Theory of operation: at most one socket is open at a time. After every (re)connect we send
// hello (with last_seq and epoch when we already hold a board, so the server replays what we
// missed) and then resend, in order and with the SAME cid, every command that has no ack or
// error yet: the server answers a cid it already stored with the same ack, so a note is
// saved exactly once however often the network drops. The outbox lives in localStorage, so a
// note written in a tunnel survives a reload too. Reconnects back off exponentially with
// jitter, capped at a few seconds; a ping every 15 s carries our last seq, and a socket that
// stays silent after a ping is treated as dead (mobile networks often drop without a close).

const MAX_BACKOFF_MS = 5000;
const FIRST_BACKOFF_MS = 300;
const PING_EVERY_MS = 15000;
const SILENCE_LIMIT_MS = 10000; // no answer this long after a ping: the socket is dead
const FULL_ROOM_RETRY_MS = 20000;
const TRANSIENT_ERRORS = new Set(['rate_limited', 'internal']);
const MAX_TRANSIENT_RETRIES = 5;

/** Close codes after which we do not reconnect (see docs/protocol.md, section 6). */
const STOP_CODES = new Set([1008, 4400, 4401, 4404, 4426]);

/** A new operation id. */
export function newId(prefix = '') {
  if (globalThis.crypto && typeof globalThis.crypto.randomUUID === 'function') {
    return prefix + globalThis.crypto.randomUUID();
  }
  const bytes = new Uint8Array(16);
  if (globalThis.crypto && globalThis.crypto.getRandomValues) globalThis.crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function loadOutbox(storageKey) {
  if (!storageKey) return [];
  try {
    const entries = JSON.parse(localStorage.getItem(storageKey) || '[]');
    return Array.isArray(entries)
      ? entries.filter((e) => e && typeof e.cid === 'string' && e.msg && (e.state === 'sending' || e.state === 'failed'))
      : [];
  } catch {
    return [];
  }
}

function saveOutbox(storageKey, outbox) {
  if (!storageKey) return;
  const unsettled = outbox.filter((e) => e.state !== 'saved');
  try {
    if (unsettled.length) localStorage.setItem(storageKey, JSON.stringify(unsettled));
    else localStorage.removeItem(storageKey);
  } catch {
    // storage full or unavailable: the outbox still lives in memory
  }
}

/** ws:// or wss:// URL of a room on this server. */
export function roomUrl(roomId) {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws/${encodeURIComponent(roomId)}`;
}

/**
 * Connect to a room and keep connected.
 *
 * @param {{roomId: string, makeHello: () => Record<string, any>,
 *          store: ReturnType<import('./store.js').createStore>, storageKey?: string|null,
 *          url?: string}} options
 *   makeHello() returns the hello for the next connect (called every time, so fresh
 *   credentials are used); `last_seq`/`epoch` are added here. storageKey: where the outbox is
 *   kept (null: not kept).
 */
export function openRoom({roomId, makeHello, store, storageKey = null, url = roomUrl(roomId)}) {
  /** @type {WebSocket|null} */
  let ws = null;
  let welcomed = false;
  let stopped = false;
  let attempt = 0;
  let reconnectTimer = null;
  let pingTimer = null;
  let silenceTimer = null;
  const transientRetries = new Map();

  const restored = loadOutbox(storageKey).map((e) => ({...e, state: e.state === 'failed' ? 'failed' : 'sending'}));
  if (restored.length) store.dispatch({type: 'client/outbox-load', entries: restored});

  let lastOutbox = store.getState().outbox;
  const unsubscribe = store.subscribe((state) => {
    if (state.outbox !== lastOutbox) {
      lastOutbox = state.outbox;
      saveOutbox(storageKey, state.outbox);
    }
  });

  function online() {
    return navigator.onLine !== false;
  }

  function connect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    if (stopped) return;
    drop();
    if (!online()) {
      store.dispatch({type: 'client/status', status: 'offline'});
      return; // the "online" event brings us back
    }
    store.dispatch({type: 'client/status', status: 'connecting'});
    const socket = new WebSocket(url);
    ws = socket;
    welcomed = false;
    socket.onopen = () => {
      if (ws !== socket) return;
      const hello = {...makeHello(), type: 'hello', v: 3};
      const state = store.getState();
      if (state.board !== null && state.seq !== null && state.epoch) {
        hello.last_seq = state.seq;
        hello.epoch = state.epoch;
      }
      socket.send(JSON.stringify(hello));
      startPing();
    };
    socket.onmessage = (event) => {
      if (ws !== socket) return;
      heard();
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      // A frame carries one message, or several as an array when the server batches.
      for (const msg of Array.isArray(data) ? data : [data]) receive(msg);
    };
    socket.onclose = (event) => {
      if (ws !== socket) return;
      ws = null;
      welcomed = false;
      stopPing();
      closed(event.code, event.reason);
    };
    socket.onerror = () => {
      // a close event always follows
    };
  }

  function receive(msg) {
    if (msg.type === 'error' && msg.cid && TRANSIENT_ERRORS.has(msg.code)) {
      const tries = (transientRetries.get(msg.cid) || 0) + 1;
      if (tries <= MAX_TRANSIENT_RETRIES) {
        transientRetries.set(msg.cid, tries);
        setTimeout(() => resendOne(msg.cid), backoff(tries));
        return;
      }
    }
    const {resync} = store.dispatch(msg);
    if (msg.type === 'welcome') {
      welcomed = true;
      attempt = 0;
      flush();
    }
    if (resync) reconnectNow();
  }

  function flush() {
    for (const entry of store.getState().outbox) {
      if (entry.state === 'sending') transmit(entry.msg);
    }
  }

  function resendOne(cid) {
    const entry = store.getState().outbox.find((e) => e.cid === cid);
    if (entry && entry.state === 'sending') transmit(entry.msg);
  }

  function transmit(msg) {
    if (!ws || !welcomed || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(msg));
    return true;
  }

  function closed(code, reason) {
    if (stopped) return;
    if (STOP_CODES.has(code)) {
      stopped = true;
      store.dispatch({type: 'client/fatal', code, reason});
      return;
    }
    store.dispatch({type: 'client/status', status: 'offline'});
    if (code === 4409) {
      store.dispatch({type: 'client/fatal', code, reason});
      schedule(FULL_ROOM_RETRY_MS);
      return;
    }
    attempt += 1;
    schedule(backoff(attempt));
  }

  function backoff(n) {
    const ceiling = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (n - 1));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  function schedule(delay) {
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(connect, delay);
  }

  function reconnectNow() {
    attempt = 0;
    schedule(0);
  }

  /** Close the current socket without triggering its reconnect logic. */
  function drop() {
    stopPing();
    if (ws) {
      const old = ws;
      ws = null;
      welcomed = false;
      old.onopen = old.onmessage = old.onclose = old.onerror = null;
      try {
        old.close(1000);
      } catch {
        // already closing
      }
    }
  }

  function startPing() {
    stopPing();
    pingTimer = setInterval(() => {
      if (!ws || ws.readyState !== WebSocket.OPEN) return;
      const seq = store.getState().seq;
      ws.send(JSON.stringify(seq === null ? {type: 'ping'} : {type: 'ping', seq}));
      if (!silenceTimer) silenceTimer = setTimeout(dead, SILENCE_LIMIT_MS);
    }, PING_EVERY_MS);
  }

  function stopPing() {
    clearInterval(pingTimer);
    clearTimeout(silenceTimer);
    pingTimer = null;
    silenceTimer = null;
  }

  function heard() {
    clearTimeout(silenceTimer);
    silenceTimer = null;
  }

  function dead() {
    silenceTimer = null;
    if (stopped) return;
    drop();
    store.dispatch({type: 'client/status', status: 'offline'});
    reconnectNow();
  }

  function onOnline() {
    if (!stopped) reconnectNow();
  }

  function onOffline() {
    if (stopped) return;
    drop();
    clearTimeout(reconnectTimer);
    store.dispatch({type: 'client/status', status: 'offline'});
  }

  function onVisible() {
    if (document.visibilityState === 'visible' && !stopped && !ws) reconnectNow();
  }

  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  document.addEventListener('visibilitychange', onVisible);
  connect();

  return {
    /**
     * Send a command (without cid). It goes to the outbox first and is resent after every
     * reconnect until the server answers. Returns the cid.
     * @param {Record<string, any>} command
     */
    send(command) {
      const cid = newId('c-');
      const entry = {cid, msg: {...command, cid}, state: 'sending', error: null};
      store.dispatch({type: 'client/outbox-add', entry});
      transmit(entry.msg);
      return cid;
    },
    /** Send a failed command again (same cid). */
    retry(cid) {
      transientRetries.delete(cid);
      store.dispatch({type: 'client/outbox-retry', cid});
      resendOne(cid);
    },
    /** Forget a command that failed (or that the user no longer wants sent). */
    discard(cid) {
      store.dispatch({type: 'client/outbox-discard', cid});
    },
    /** Reconnect at once (for example after the user taps "try again"). */
    reconnect() {
      stopped = false;
      reconnectNow();
    },
    /** Send a volatile message (it is not kept, not resent, not answered): dropped when the
     * socket is not open. */
    signal(message) {
      if (welcomed && ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    },
    /** Whether a welcome arrived on the current socket. */
    isOpen() {
      return welcomed;
    },
    close() {
      stopped = true;
      clearTimeout(reconnectTimer);
      drop();
      unsubscribe();
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      document.removeEventListener('visibilitychange', onVisible);
    },
  };
}
