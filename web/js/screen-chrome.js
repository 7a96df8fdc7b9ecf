// The frame around the screen's views: the toolbar (language, projector mode, and full screen or,
// for the facilitator, showing or hiding the controls), the facilitator's full-screen button and
// the one that opens the shared screen in a window of its own, the connection banner, the page
// title and the message shown when the board cannot be opened at all.

import {el} from './dom.js';
import {t} from './i18n.js';
import {createLanguageSwitch} from './language-switch.js';
import {setAttr, setText} from './screen-ui.js';

const CLOSE_MESSAGES = {
  1008: 'conn.origin',
  4400: 'conn.version',
  4401: 'conn.credentials',
  4404: 'conn.gone',
  4409: 'conn.full',
  4426: 'conn.version',
};

/** Replace the page with one message and a way back to the start page. */
export function showFatal(node, message, withHomeLink = true) {
  node.hidden = false;
  node.replaceChildren(
    el(
      'div',
      {class: 'fatal-card', role: 'alert'},
      el('p', {}, message),
      withHomeLink ? el('a', {class: 'btn btn-primary', href: '/'}, t('screen.fatal.home')) : null,
    ),
  );
}

/**
 * @param {{app: Element, toolbar: Element, connection: Element, fatal: Element,
 *          controls: Element, audience: Element}} parts
 * @param {{facilitator: boolean, act: (intent: Record<string, any>) => void}} options
 */
export function createChrome(parts, {facilitator, act}) {
  const body = document.body;
  body.classList.toggle('is-facilitator', facilitator);
  parts.controls.hidden = !facilitator;

  const projector = el('button', {
    type: 'button',
    class: 'btn btn-small tool-button',
    on: {click: () => act({type: 'projector', on: !body.classList.contains('projector')})},
  });
  const controlsToggle = el('button', {
    type: 'button',
    class: 'btn btn-small tool-button',
    'aria-controls': 'controls',
    on: {click: () => act({type: 'controls', hidden: !body.classList.contains('controls-hidden')})},
  });
  // Full screen: a projector shows the board without the browser's bars (F11 does the same,
  // where people know it). Browsers without the Fullscreen API go without the button.
  const fullScreen = el('button', {
    type: 'button',
    class: 'btn btn-small tool-button',
    hidden: !document.fullscreenEnabled,
    on: {click: () => act({type: 'full-screen', on: !document.fullscreenElement})},
  });
  document.addEventListener('fullscreenchange', () => translate());
  // A laptop with the projector as a second display: the read-only screen goes to a window of
  // its own for the projector, the controls stay on the laptop.
  const secondScreen = el('button', {
    type: 'button',
    class: 'btn btn-small',
    on: {click: () => act({type: 'second-screen'})},
  });
  // On the facilitator's page these two go with the controls (the page puts them there): the
  // toolbar the room sees keeps to one line.
  parts.toolbar.append(createLanguageSwitch(), projector);
  if (facilitator) parts.toolbar.append(controlsToggle);
  else parts.toolbar.append(fullScreen);

  function translate() {
    document.title = t('screen.title');
    setText(projector, t('screen.projector'));
    setAttr(projector, 'aria-pressed', String(body.classList.contains('projector')));
    setText(fullScreen, t('screen.full_screen'));
    setAttr(fullScreen, 'aria-pressed', String(Boolean(document.fullscreenElement)));
    setText(secondScreen, t('screen.second_screen'));
    setAttr(secondScreen, 'title', t('screen.second_screen.hint'));
    const hidden = body.classList.contains('controls-hidden');
    setText(controlsToggle, hidden ? t('screen.controls.show') : t('screen.controls.hide'));
    setAttr(controlsToggle, 'aria-expanded', String(!hidden));
    setAttr(parts.toolbar, 'aria-label', t('screen.toolbar'));
    setAttr(parts.controls, 'aria-label', t('screen.controls.label'));
    setAttr(parts.audience, 'aria-label', t('screen.audience.label'));
  }

  /** @param {import('./store.js').State} s */
  function render(s) {
    parts.app.classList.toggle('is-loading', !s.board);
    if (s.board) body.dataset.phase = s.board.phase;
    let message = '';
    if (s.fatal) message = t(CLOSE_MESSAGES[s.fatal.code] || 'conn.lost');
    else if (s.status === 'offline' && s.board) message = t('screen.offline');
    parts.connection.hidden = !message;
    setText(parts.connection, message);
    if (s.fatal && !s.board && (s.fatal.code === 4404 || s.fatal.code === 4401)) showFatal(parts.fatal, message);
  }

  return {
    render,
    translate,
    setProjector(on) {
      body.classList.toggle('projector', on);
      translate();
    },
    /** For the facilitator's controls: full screen, and the shared screen in a window of its
     * own (only where the page knows the board's join code). */
    controlButtons: (withSecondScreen) => (withSecondScreen ? [fullScreen, secondScreen] : [fullScreen]),
    setControlsHidden(hidden) {
      body.classList.toggle('controls-hidden', facilitator && hidden);
      translate();
    },
    /** The page colour behind the circles (for the picture export). */
    boardBackground() {
      return getComputedStyle(body).getPropertyValue('--board-bg').trim() || '#ffffff';
    },
  };
}
