// The facilitator's kit: a panel beside the controls with the three checklists of the work
// package (preparation, running the meeting, reflection afterwards), the facilitation tips and
// example clarifying questions for participants.
//
// Each checklist item has two answers ("I already do this", "I want to do this more"), saved
// on the server as they change (PUT /api/boards/{room}/kit/{list}/{item}). They are kept with
// the facilitator link, so whoever keeps the link finds them again.

import {el} from './dom.js';
import {onLanguageChange, t} from './i18n.js';
import {setAttr, setText} from './screen-ui.js';

/** The checklists and their number of items (the server knows the same ones). */
export const CHECKLISTS = {preparation: 9, execution: 11, reflection: 4};
const TIPS = {intervision: 13, circle: 1};
const QUESTIONS = 18;
const TABS = ['preparation', 'execution', 'reflection', 'tips', 'questions'];
const ANSWERS = ['already_do', 'want_more'];

const range = (n) => Array.from({length: n}, (_, i) => i + 1);

/**
 * @param {Element} container where the toggle and the panel go (at the top)
 * @param {{roomId: string, token: string}} options
 */
export function createKit(container, {roomId, token}) {
  const base = `/api/boards/${encodeURIComponent(roomId)}/kit`;
  const headers = {Authorization: `Bearer ${token}`, Accept: 'application/json'};
  /** Translated nodes: [node, key] pairs filled by translate(). */
  const texts = [];
  const text = (tag, key, attrs = {}) => {
    const node = el(tag, attrs);
    texts.push([node, key]);
    return node;
  };

  const toggle = el('button', {
    type: 'button',
    class: 'btn btn-small kit-toggle',
    'aria-expanded': 'false',
    'aria-controls': 'kit-panel',
    on: {click: () => setOpen(panel.hidden)},
  });
  texts.push([toggle, 'kit.toggle']);

  const title = text('h2', 'kit.title', {id: 'kit-title', class: 'ctl-title', tabindex: -1});
  const intro = text('p', 'kit.intro', {class: 'hint'});
  const status = el('p', {class: 'kit-status', role: 'status'});
  const credit = text('p', 'method.credit', {class: 'credit'});

  // -- tabs ----------------------------------------------------------------------------------
  const tablist = el('div', {class: 'kit-tabs', role: 'tablist'});
  const tabs = {};
  const panels = {};
  for (const name of TABS) {
    const tab = el('button', {
      type: 'button',
      role: 'tab',
      id: `kit-tab-${name}`,
      class: 'kit-tab',
      'aria-controls': `kit-tabpanel-${name}`,
      on: {click: () => select(name), keydown: (event) => onTabKey(event, name)},
    });
    texts.push([tab, `kit.tab.${name}`]);
    tabs[name] = tab;
    tablist.append(tab);
    panels[name] = el('div', {
      role: 'tabpanel',
      id: `kit-tabpanel-${name}`,
      class: 'kit-tabpanel',
      'aria-labelledby': tab.id,
      tabindex: 0,
    });
  }
  let selected = 'preparation';

  function select(name, focus = false) {
    selected = name;
    for (const other of TABS) {
      const on = other === name;
      setAttr(tabs[other], 'aria-selected', String(on));
      setAttr(tabs[other], 'tabindex', on ? '0' : '-1');
      panels[other].hidden = !on;
    }
    if (focus) tabs[name].focus();
  }

  function onTabKey(event, name) {
    const index = TABS.indexOf(name);
    const moves = {ArrowRight: index + 1, ArrowDown: index + 1, ArrowLeft: index - 1, ArrowUp: index - 1, Home: 0, End: TABS.length - 1};
    if (!(event.key in moves)) return;
    event.preventDefault();
    select(TABS[(moves[event.key] + TABS.length) % TABS.length], true);
  }

  // -- the checklists ------------------------------------------------------------------------
  /** boxes[list][item][answer] = the checkbox */
  const boxes = {};
  for (const [list, count] of Object.entries(CHECKLISTS)) {
    boxes[list] = {};
    const items = el('ol', {class: 'kit-items'});
    for (const item of range(count)) {
      const row = {};
      const choices = ANSWERS.map((answer) => {
        const box = el('input', {type: 'checkbox', id: `kit-${list}-${item}-${answer}`, on: {change: () => save(list, item)}});
        row[answer] = box;
        const label = text('span', `kit.${answer}`);
        return el('label', {class: 'choice kit-choice', for: box.id}, box, label);
      });
      boxes[list][item] = row;
      const legend = text('legend', `kit.${list}.${item}`, {class: 'kit-item-text'});
      items.append(el('li', {class: 'kit-item'}, el('fieldset', {class: 'kit-fieldset'}, legend, el('div', {class: 'kit-choices'}, choices))));
    }
    panels[list].append(text('h3', `kit.${list}.title`, {class: 'ctl-subtitle'}), text('p', `kit.${list}.intro`, {class: 'hint'}), items);
  }

  // -- tips and example questions ------------------------------------------------------------
  for (const [group, count] of Object.entries(TIPS)) {
    panels.tips.append(
      text('h3', `kit.tips.${group}.title`, {class: 'ctl-subtitle'}),
      el('ul', {class: 'kit-list'}, range(count).map((n) => text('li', `kit.tips.${group}.${n}`))),
    );
  }
  panels.questions.append(
    text('h3', 'kit.questions.title', {class: 'ctl-subtitle'}),
    text('p', 'kit.questions.intro', {class: 'hint'}),
    el('ul', {class: 'kit-list kit-questions'}, range(QUESTIONS).map((n) => text('li', `kit.questions.${n}`))),
    text('p', 'kit.questions.note', {class: 'hint'}),
  );

  const panel = el(
    'section',
    {id: 'kit-panel', class: 'ctl-section kit-panel', 'aria-labelledby': title.id, hidden: true, on: {keydown: onPanelKey}},
    title,
    intro,
    tablist,
    TABS.map((name) => panels[name]),
    status,
    credit,
  );
  // The bar at the top of the controls: the kit's toggle, and what the page adds beside it.
  const bar = el('div', {class: 'controls-bar'}, toggle);
  const root = el('div', {class: 'kit'}, bar, panel);
  container.prepend(root);
  select(selected);

  function onPanelKey(event) {
    if (event.key === 'Escape') {
      event.preventDefault();
      setOpen(false);
      toggle.focus();
    }
  }

  // -- status, loading and saving ------------------------------------------------------------
  let statusKey = '';
  function setStatus(key) {
    statusKey = key;
    setText(status, key ? t(key) : '');
    status.classList.toggle('form-error', key === 'kit.status.failed' || key === 'kit.status.load_failed');
  }

  let loaded = false;
  async function load() {
    setStatus('kit.status.loading');
    try {
      const response = await fetch(base, {headers});
      if (!response.ok) throw new Error(`kit: HTTP ${response.status}`);
      const {checklists} = await response.json();
      for (const [list, items] of Object.entries(checklists || {})) {
        for (const entry of items) {
          const row = boxes[list]?.[entry.item];
          if (!row || row.pending) continue;
          for (const answer of ANSWERS) row[answer].checked = Boolean(entry[answer]);
        }
      }
      loaded = true;
      if (statusKey === 'kit.status.loading') setStatus('');
    } catch (error) {
      console.error(error);
      if (statusKey === 'kit.status.loading') setStatus('kit.status.load_failed');
    }
  }

  let saving = 0;
  let failed = false;
  async function save(list, item) {
    const row = boxes[list][item];
    const version = (row.version || 0) + 1;
    row.version = version;
    row.pending = true;
    saving += 1;
    setStatus('kit.status.saving');
    let ok = false;
    try {
      const response = await fetch(`${base}/${list}/${item}`, {
        method: 'PUT',
        headers: {...headers, 'Content-Type': 'application/json'},
        body: JSON.stringify({already_do: row.already_do.checked, want_more: row.want_more.checked}),
      });
      ok = response.ok;
    } catch (error) {
      console.error(error);
    }
    saving -= 1;
    if (row.version === version) row.pending = false;
    if (!ok) failed = true;
    else if (row.version === version) failed = false;
    if (saving === 0) setStatus(failed ? 'kit.status.failed' : 'kit.status.saved');
  }

  function setOpen(open) {
    panel.hidden = !open;
    setAttr(toggle, 'aria-expanded', String(open));
    if (open) {
      if (!loaded) load();
      title.focus();
    }
  }

  function translate() {
    for (const [node, key] of texts) setText(node, t(key));
    setAttr(tablist, 'aria-label', t('kit.tabs'));
    if (statusKey) setText(status, t(statusKey));
  }

  translate();
  onLanguageChange(translate);

  return {root, bar, open: () => setOpen(true), close: () => setOpen(false)};
}
