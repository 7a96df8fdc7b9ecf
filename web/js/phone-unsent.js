// A note someone was still typing when the facilitator closed its circle. The writing form
// keeps the text for when that circle opens again (compose.js), but the form goes with the
// step, and the text would vanish with it without a word. This card shows it, says why it was
// not added, and lets it be thrown away. So does a note that was sent without a network and
// reached the server only after its circle had closed: it stays on the phone, refused, until
// the circle opens again (then "try again" under my notes) or it is thrown away here.

import {el} from './dom.js';
import {language, t} from './i18n.js';

const CIRCLES = ['inner', 'outer'];

/**
 * @param {{draftKey: (circle: string) => string,
 *          onDiscardRefused: (note: import('./phone-derive.js').MyNote) => void}} options
 *   where compose.js keeps a draft; how to drop a refused note from the outbox
 */
export function createUnsent({draftKey, onDiscardRefused}) {
  const title = el('h2', {id: 'unsent-title'});
  const list = el('ul', {class: 'note-list'});
  const root = el('section', {class: 'card unsent', 'aria-labelledby': title.id}, title, list);
  let openCircle = null;
  let refusedNotes = [];
  let shown = '';

  function draft(circle) {
    try {
      return (localStorage.getItem(draftKey(circle)) || '').trim();
    } catch {
      return '';
    }
  }

  function discard(circle) {
    try {
      localStorage.removeItem(draftKey(circle));
    } catch {
      // no storage: there was no draft to keep either
    }
    update(openCircle, refusedNotes);
  }

  function item(circle, text, why, onDiscard) {
    return el(
      'li',
      {class: 'note', 'data-circle': circle},
      el('p', {class: 'note-text'}, text),
      el('p', {class: 'note-meta'}, why),
      el(
        'div',
        {class: 'note-actions'},
        el('button', {type: 'button', class: 'btn btn-small btn-danger', on: {click: onDiscard}}, t('phone.unsent.discard')),
      ),
    );
  }

  function render(drafts, refused) {
    title.textContent = t('phone.unsent.title');
    list.replaceChildren(
      ...refused.map((note) => item(note.circle, note.text, t(`phone.unsent.refused.${note.circle}`), () => onDiscardRefused(note))),
      ...drafts.map(([circle, text]) => item(circle, text, t(`phone.unsent.why.${circle}`), () => discard(circle))),
    );
  }

  /** Show the drafts, and the notes the server refused, of the circles not open for writing
   * now; returns whether there are any.
   * @param {string|null} circle the circle open for writing, if any
   * @param {import('./phone-derive.js').MyNote[]} refused my notes whose adding was refused */
  function update(circle, refused = []) {
    openCircle = circle;
    refusedNotes = refused;
    const drafts = CIRCLES.filter((c) => c !== circle).map((c) => [c, draft(c)]).filter(([, text]) => text);
    const closed = refused.filter((note) => note.circle !== circle);
    const sig = JSON.stringify([drafts, closed.map((n) => [n.id, n.text]), language()]);
    if (sig !== shown) {
      shown = sig;
      render(drafts, closed);
    }
    const any = drafts.length + closed.length > 0;
    root.hidden = !any;
    return any;
  }

  return {root, update};
}
