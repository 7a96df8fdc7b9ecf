// Lists of notes on the phone: my own notes (with sending / saved / failed, edit, delete,
// retry) and the revealed notes of a circle (mine marked, the one being read highlighted).
import {el} from './dom.js';
import {t} from './i18n.js';
import {keyedList} from './keyed.js';
import {myNotes, noteLength, revealedNotes} from './phone-derive.js';

const SHORT = 40;

function short(text) {
  const chars = Array.from(text.trim());
  return chars.length > SHORT ? `${chars.slice(0, SHORT).join('')}…` : chars.join('');
}

function errorText(error) {
  if (!error) return '';
  const key = `error.${error.code}`;
  const text = t(key);
  return text === key ? t('error.default', {code: error.code}) : text;
}

/**
 * A list of notes with per-note actions.
 *
 * @param {{actions: Record<string, Function>, items: (state: any) => any[],
 *          empty?: string, label?: string}} options
 *   items(state) gives [{id, circle, text, author, mine: MyNote|null, reading}].
 */
export function createNoteList({actions, items, empty = 'phone.revealed.empty', label = null}) {
  const list = el('ul', {class: 'note-list'});
  if (label) list.setAttribute('aria-label', label);
  const emptyText = el('p', {class: 'muted'});
  const root = el('div', {}, list, emptyText);
  const update = keyedList(list);
  /** @type {Map<string, string>} note id -> draft text while editing */
  const editing = new Map();
  const confirming = new Set();
  let lastState = null;
  let maxLength = 280;
  let focusNext = null;

  function rerender() {
    if (lastState) render(lastState);
  }

  function startEdit(item) {
    editing.set(item.id, item.text);
    confirming.delete(item.id);
    focusNext = {id: item.id, role: 'edit-field'};
    rerender();
  }

  function stopEdit(id, save) {
    const draft = editing.get(id);
    editing.delete(id);
    if (save && draft !== undefined) actions.editNote(id, draft);
    focusNext = {id, role: 'edit'};
    rerender();
  }

  function renderItem(item) {
    const mine = item.mine;
    const classes = ['note'];
    if (mine && mine.status !== 'saved') classes.push('pending');
    if (mine && mine.deleting) classes.push('deleting');
    if (item.reading) classes.push('reading');
    const li = el('li', {class: classes, 'data-circle': item.circle, 'data-note': item.id});
    if (item.reading) li.setAttribute('aria-current', 'true');

    if (mine && editing.has(item.id)) {
      const fieldId = `edit-${item.id}`;
      const counter = el('span', {class: 'counter', id: `${fieldId}-count`});
      const area = el('textarea', {id: fieldId, rows: 3, 'data-role': 'edit-field', 'aria-describedby': counter.id});
      area.value = editing.get(item.id);
      const save = el('button', {type: 'button', class: 'btn btn-primary btn-small', 'data-role': 'save'}, t('note.save'));
      const syncCounter = () => {
        const n = noteLength(area.value);
        counter.textContent = t('phone.compose.counter', {count: n, max: maxLength});
        counter.classList.toggle('over', n > maxLength);
        save.disabled = n === 0 || n > maxLength;
      };
      area.addEventListener('input', () => {
        editing.set(item.id, area.value);
        syncCounter();
      });
      area.addEventListener('keydown', (event) => {
        if (event.key === 'Escape') stopEdit(item.id, false);
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !save.disabled) stopEdit(item.id, true);
      });
      save.addEventListener('click', () => stopEdit(item.id, true));
      syncCounter();
      li.append(
        el('label', {for: fieldId, class: 'visually-hidden'}, t('note.edit_label')),
        area,
        el('div', {class: 'note-meta'}, counter),
        el('div', {class: 'note-actions'},
          save,
          el('button', {type: 'button', class: 'btn btn-small', on: {click: () => stopEdit(item.id, false)}}, t('note.cancel'))),
      );
      return li;
    }

    li.append(el('p', {class: 'note-text'}, item.text));
    const meta = el('div', {class: 'note-meta'});
    if (mine && !(item.showMine && mine.status === 'saved' && !mine.deleting)) {
      const key = mine.deleting ? 'note.state.deleting' : `note.state.${mine.status}`;
      meta.append(el('span', {class: ['badge', `badge-${mine.deleting ? 'sending' : mine.status}`], 'data-state': mine.deleting ? 'deleting' : mine.status}, t(key)));
    }
    if (mine && item.showMine) meta.append(el('span', {class: 'badge badge-mine'}, t('note.mine')));
    if (item.reading) meta.append(el('span', {class: 'badge badge-reading'}, t('note.reading')));
    if (item.author) meta.append(el('span', {}, t('note.by', {name: item.author})));
    if (meta.childNodes.length) li.append(meta);

    if (mine && mine.status === 'failed') {
      li.append(el('p', {class: 'note-error', role: 'alert'}, errorText(mine.error)));
      li.append(el('div', {class: 'note-actions'},
        el('button', {type: 'button', class: 'btn btn-small', 'aria-label': t('note.retry_aria', {text: short(item.text)}), on: {click: () => actions.retry(mine.failedCid)}}, t('note.retry')),
        el('button', {type: 'button', class: 'btn btn-small btn-danger', 'aria-label': t('note.discard_aria', {text: short(item.text)}), on: {click: () => actions.discardFailed(mine)}}, t('note.discard'))));
    } else if (mine && !mine.deleting && item.editable !== false) {
      const actionsRow = el('div', {class: 'note-actions'});
      if (confirming.has(item.id)) {
        actionsRow.append(
          el('span', {class: 'small'}, t('note.delete_question')),
          el('button', {type: 'button', class: 'btn btn-small btn-danger confirm', 'data-role': 'confirm', 'aria-label': t('note.delete_confirm_aria', {text: short(item.text)}), on: {click: () => {
            confirming.delete(item.id);
            actions.deleteNote(item.id);
          }}}, t('note.delete_confirm')),
          el('button', {type: 'button', class: 'btn btn-small', 'aria-label': t('note.cancel_aria', {text: short(item.text)}), on: {click: () => {
            confirming.delete(item.id);
            focusNext = {id: item.id, role: 'delete'};
            rerender();
          }}}, t('note.cancel')));
      } else {
        if (!item.locked) {
          actionsRow.append(el('button', {type: 'button', class: 'btn btn-small', 'data-role': 'edit', 'aria-label': t('note.edit_aria', {text: short(item.text)}), on: {click: () => startEdit(item)}}, t('note.edit')));
        }
        actionsRow.append(el('button', {type: 'button', class: 'btn btn-small btn-danger', 'data-role': 'delete', 'aria-label': t('note.delete_aria', {text: short(item.text)}), on: {click: () => {
          confirming.add(item.id);
          focusNext = {id: item.id, role: 'confirm'};
          rerender();
        }}}, t('note.delete')));
      }
      li.append(actionsRow);
    }
    return li;
  }

  function render(state) {
    lastState = state;
    maxLength = state.limits?.MAX_NOTE_LENGTH || 280;
    const all = items(state);
    update(all, {
      key: (item) => item.id,
      signature: (item) => JSON.stringify([item, editing.has(item.id), confirming.has(item.id), t('note.edit')]),
      render: renderItem,
    });
    emptyText.textContent = all.length ? '' : t(empty);
    emptyText.hidden = all.length > 0;
    if (focusNext) {
      const node = list.querySelector(`[data-note="${CSS.escape(focusNext.id)}"] [data-role="${focusNext.role}"]`);
      focusNext = null;
      if (node) node.focus();
    }
  }

  return {root, update: render};
}

/** My notes of one circle, for the writing phases. */
export function mineItems(circle, {locked = () => false} = {}) {
  return (state) =>
    myNotes(state, circle).map((mine) => ({
      id: mine.id,
      circle: mine.circle,
      text: mine.text,
      author: null,
      reading: false,
      mine,
      locked: locked(state),
    }));
}

/** The revealed notes of one circle, mine marked. */
export function revealedItems(circle, {editable = () => true} = {}) {
  return (state) => {
    const mine = new Map(myNotes(state).map((n) => [n.id, n]));
    return revealedNotes(state.board, circle)
      .filter((note) => !(mine.get(note.id)?.deleting && mine.get(note.id)?.status === 'saved'))
      .map((note) => {
        const m = mine.get(note.id) || null;
        return {
          id: note.id,
          circle: note.circle,
          text: m ? m.text : note.text,
          author: note.author,
          reading: state.board.reading === note.id,
          mine: m,
          showMine: Boolean(m),
          editable: editable(state),
        };
      });
  };
}
