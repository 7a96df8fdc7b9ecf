// A note someone was still typing when the facilitator closed its circle. The writing form
// keeps the text for when that circle opens again (compose.js), but the form goes with the
// step, and the text would vanish with it without a word. This card shows it, says why it was
// not added, and lets it be thrown away.

import {el} from './dom.js';
import {language, t} from './i18n.js';

const CIRCLES = ['inner', 'outer'];

/** @param {{draftKey: (circle: string) => string}} options where compose.js keeps a draft */
export function createUnsent({draftKey}) {
  const title = el('h2', {id: 'unsent-title'});
  const list = el('ul', {class: 'note-list'});
  const root = el('section', {class: 'card unsent', 'aria-labelledby': title.id}, title, list);
  let openCircle = null;
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
    update(openCircle);
  }

  function render(drafts) {
    title.textContent = t('phone.unsent.title');
    list.replaceChildren(
      ...drafts.map(([circle, text]) =>
        el(
          'li',
          {class: 'note', 'data-circle': circle},
          el('p', {class: 'note-text'}, text),
          el('p', {class: 'note-meta'}, t(`phone.unsent.why.${circle}`)),
          el(
            'div',
            {class: 'note-actions'},
            el('button', {type: 'button', class: 'btn btn-small btn-danger', on: {click: () => discard(circle)}}, t('phone.unsent.discard')),
          ),
        ),
      ),
    );
  }

  /** Show the drafts of the circles not open for writing now; returns whether there are any.
   * @param {string|null} circle the circle open for writing, if any */
  function update(circle) {
    openCircle = circle;
    const drafts = CIRCLES.filter((c) => c !== circle).map((c) => [c, draft(c)]).filter(([, text]) => text);
    const sig = JSON.stringify([drafts, language()]);
    if (sig !== shown) {
      shown = sig;
      render(drafts);
    }
    root.hidden = drafts.length === 0;
    return drafts.length > 0;
  }

  return {root, update};
}
