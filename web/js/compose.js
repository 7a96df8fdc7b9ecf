// The note form of the writing phases: one big text field for the circle open now, a
// character counter against MAX_NOTE_LENGTH, and in the outer circle a gentle, non-blocking
// nudge toward positive, concrete wording when the text contains a negation.
import {el} from './dom.js';
import {t} from './i18n.js';
import {findNegation, noteLength} from './phone-derive.js';

/**
 * @param {{onSubmit: (circle: string, text: string) => void, draftKey: (circle: string) => string,
 *          onTyping?: () => void}} options onTyping: someone is typing a note (at most every
 *          `typingEveryMs` of update(); the room sees how many, never who)
 */
export function createCompose({onSubmit, draftKey, onTyping}) {
  let lastTypingSignal = 0;
  const label = el('label', {for: 'note-text', id: 'note-label'});
  const privacy = el('p', {class: 'hint', id: 'note-hint'});
  const area = el('textarea', {
    id: 'note-text', name: 'text', rows: 4, autocomplete: 'off', autocapitalize: 'sentences',
    enterkeyhint: 'enter', 'aria-describedby': 'note-hint note-counter note-nudge',
  });
  const counter = el('span', {class: 'counter', id: 'note-counter', 'aria-live': 'off'});
  const tooLong = el('p', {class: 'form-error', role: 'alert', hidden: true});
  const nudge = el('div', {class: 'nudge', id: 'note-nudge', role: 'status', hidden: true});
  const locked = el('p', {class: 'banner banner-offline', hidden: true});
  const send = el('button', {type: 'submit', class: 'btn btn-primary'});
  const form = el('form', {class: 'card compose', novalidate: true},
    el('div', {class: 'field'}, label, privacy, area),
    nudge,
    tooLong,
    el('div', {class: 'compose-footer'}, counter, send),
    locked);

  let circle = null;
  let maxLength = 280;
  let isLocked = false;
  let typingEveryMs = 0; // 0: the server does not take the signal

  function draftStorageKey() {
    return circle ? draftKey(circle) : null;
  }

  function saveDraft() {
    const key = draftStorageKey();
    if (!key) return;
    try {
      if (area.value) localStorage.setItem(key, area.value);
      else localStorage.removeItem(key);
    } catch {
      // no storage: the draft lives in the field only
    }
  }

  function loadDraft() {
    const key = draftStorageKey();
    try {
      area.value = (key && localStorage.getItem(key)) || '';
    } catch {
      area.value = '';
    }
  }

  function refresh() {
    const n = noteLength(area.value);
    counter.textContent = t('phone.compose.counter', {count: n, max: maxLength});
    counter.setAttribute('aria-label', t('phone.compose.counter_aria', {count: n, max: maxLength}));
    const over = n > maxLength;
    counter.classList.toggle('over', over);
    area.setAttribute('aria-invalid', String(over));
    tooLong.hidden = !over;
    tooLong.textContent = over ? t('phone.compose.too_long', {max: maxLength}) : '';
    send.disabled = isLocked || n === 0 || over;
    const word = circle === 'outer' ? findNegation(area.value) : null;
    nudge.hidden = !word;
    if (word) {
      nudge.replaceChildren(
        el('strong', {}, t('phone.nudge.title')),
        el('span', {}, t('phone.nudge.text', {word})),
      );
    } else {
      nudge.replaceChildren();
    }
  }

  area.addEventListener('input', () => {
    saveDraft();
    refresh();
    const now = Date.now();
    if (onTyping && typingEveryMs && area.value.trim() && !isLocked && now - lastTypingSignal >= typingEveryMs) {
      lastTypingSignal = now;
      onTyping();
    }
  });
  area.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = area.value.trim();
    if (!circle || isLocked || !text || noteLength(text) > maxLength) return;
    onSubmit(circle, text);
    lastTypingSignal = 0; // the next note's first key says so again at once
    area.value = '';
    saveDraft();
    refresh();
    area.focus();
  });

  return {
    root: form,
    /** The form goes with its step; the next step that opens a circle reads its draft again
     * (it may have been thrown away meanwhile, phone-unsent.js). */
    close() {
      circle = null;
    },
    /** @param {string|null} openCircle
     * @param {{maxLength: number, locked: boolean, typingEveryMs?: number}} options */
    update(openCircle, options) {
      if (openCircle !== circle) {
        circle = openCircle;
        loadDraft();
      }
      maxLength = options.maxLength;
      isLocked = options.locked;
      typingEveryMs = options.typingEveryMs || 0;
      form.dataset.circle = circle || '';
      label.textContent = circle ? t(`phone.compose.label.${circle}`) : '';
      privacy.textContent = `${t('phone.compose.private')} ${t('phone.compose.one_per_note')}`;
      area.placeholder = circle ? t(`phone.compose.placeholder.${circle}`) : '';
      area.disabled = isLocked;
      send.textContent = circle ? t(`phone.compose.send.${circle}`) : '';
      locked.hidden = !isLocked;
      locked.textContent = isLocked ? t('phone.compose.locked') : '';
      refresh();
    },
  };
}
