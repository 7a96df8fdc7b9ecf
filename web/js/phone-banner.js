// Connection banners: lost (with reassurance that notes are kept), back again, and the
// messages for close codes after which we stop (see docs/protocol.md, section 6).
import {el} from './dom.js';
import {t} from './i18n.js';

const BACK_VISIBLE_MS = 4000;
const ERROR_VISIBLE_MS = 6000;

const FATAL_KEYS = {1008: 'conn.origin', 4404: 'conn.gone', 4409: 'conn.full', 4426: 'conn.version'};

export function createBanners({onReconnect}) {
  const root = el('div', {class: 'stack'});
  const status = el('div', {role: 'status'});
  const alert = el('div', {role: 'alert'});
  root.append(status, alert);
  let wasOnline = false;
  let lostShown = false;
  let backUntil = 0;
  let backTimer = null;
  let errorSeen = null;
  let errorUntil = 0;
  let errorTimer = null;
  let last = null;

  function render(state) {
    last = state;
    const now = Date.now();
    const fatalKey = state.fatal ? FATAL_KEYS[state.fatal.code] : null;
    const lost = !fatalKey && (state.status === 'offline' || (state.status === 'connecting' && wasOnline));
    if (state.status === 'online') {
      if (lostShown) {
        backUntil = now + BACK_VISIBLE_MS;
        clearTimeout(backTimer);
        backTimer = setTimeout(() => last && render(last), BACK_VISIBLE_MS + 50);
      }
      lostShown = false;
      wasOnline = true;
    } else if (lost) {
      lostShown = true;
      backUntil = 0;
    }

    const statusChildren = [];
    if (lost) {
      statusChildren.push(el('div', {class: 'banner banner-offline', 'data-banner': 'offline'},
        el('p', {}, t('conn.lost'))));
    } else if (now < backUntil) {
      statusChildren.push(el('div', {class: 'banner banner-online', 'data-banner': 'online'},
        el('p', {}, t('conn.back'))));
    }
    replaceIfChanged(status, statusChildren);

    const alertChildren = [];
    if (fatalKey) {
      const button = state.fatal.code === 4426
        ? el('button', {type: 'button', class: 'btn btn-small', on: {click: () => location.reload()}}, t('conn.reload'))
        : state.fatal.code === 4409
          ? el('button', {type: 'button', class: 'btn btn-small', on: {click: onReconnect}}, t('conn.retry'))
          : null;
      alertChildren.push(el('div', {class: 'banner banner-error', 'data-banner': 'fatal'},
        el('div', {}, el('p', {}, t(fatalKey)), button)));
    }
    const error = state.lastError;
    if (error && !error.cid && error !== errorSeen) remember(error);
    if (errorSeen && now < errorUntil) {
      const key = `error.${errorSeen.code}`;
      const text = t(key) === key ? t('error.default', {code: errorSeen.code}) : t(key);
      alertChildren.push(el('div', {class: 'banner banner-error', 'data-banner': 'error'}, el('p', {}, text)));
    }
    replaceIfChanged(alert, alertChildren);
    const any = statusChildren.length + alertChildren.length > 0;
    if (root.parentElement) root.parentElement.hidden = !any;
  }

  function remember(error) {
    errorSeen = error;
    errorUntil = Date.now() + ERROR_VISIBLE_MS;
    clearTimeout(errorTimer);
    errorTimer = setTimeout(() => last && render(last), ERROR_VISIBLE_MS + 50);
  }

  return {
    root,
    update: render,
    /** Show a refused command's error for a few seconds. */
    flash(code) {
      remember({code});
      if (last) render(last);
    },
  };
}

function replaceIfChanged(container, children) {
  const signature = children.map((c) => `${c.dataset.banner}:${c.textContent}`).join('|');
  if (container.dataset.signature === signature) return;
  container.dataset.signature = signature;
  container.replaceChildren(...children);
}
