// Start page: create a board (for the facilitator) or join one by code (for a phone that
// landed on "/"). Composition root and its two small views in one module.
import {el, clear} from './dom.js';
import {applyI18n, initialLanguage, language, loadCatalogue, onLanguageChange, t} from './i18n.js';
import {joinCodeGroups} from './join-code.js';
import {createLanguageSwitch} from './language-switch.js';
import {circlesIcon} from './phone-header.js';

const RECENT_KEY = 'cirkelbord.recent';
const MAX_RECENT = 5;
const CODE_PATTERN = /^[A-Za-z0-9]{3,16}$/;

function i18n(key, attrs = {}, tag = 'span') {
  return el(tag, {...attrs, 'data-i18n': key}, t(key));
}

function loadRecent() {
  try {
    const list = JSON.parse(localStorage.getItem(RECENT_KEY) || '[]');
    return Array.isArray(list) ? list.filter((b) => b && typeof b.facilitator_url === 'string') : [];
  } catch {
    return [];
  }
}

function remember(board, topic) {
  const entry = {
    room_id: board.room_id,
    join_code: board.join_code,
    facilitator_url: board.facilitator_url,
    topic,
    created: Date.now(),
  };
  const list = [entry, ...loadRecent().filter((b) => b.room_id !== board.room_id)].slice(0, MAX_RECENT);
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(list));
  } catch {
    // storage unavailable: the link is still shown on the page
  }
}

/** The form that creates a board. */
function createBoardForm({onCreated}) {
  const topic = el('input', {id: 'topic', name: 'topic', type: 'text', maxlength: 200, autocomplete: 'off', 'aria-describedby': 'topic-hint'});
  const languageChoice = (lang) =>
    el('label', {class: 'choice'},
      el('input', {type: 'radio', name: 'language', value: lang, checked: lang === language()}),
      i18n(`lang.${lang}`));
  // The hint sits beside the label, not in it: the label stays the choice's short name.
  const variantChoice = (variant) =>
    el('div', {class: 'variant-choice'},
      el('label', {class: 'choice'},
        el('input', {type: 'radio', name: 'variant', value: variant, checked: variant === 'team', 'aria-describedby': `variant-${variant}-hint`}),
        i18n(`start.variant.${variant}`)),
      el('p', {class: 'hint', id: `variant-${variant}-hint`, 'data-i18n': `start.variant.${variant}_hint`}, t(`start.variant.${variant}_hint`)));
  const anonymous = el('input', {type: 'checkbox', id: 'anonymous', name: 'anonymous', 'aria-describedby': 'anonymous-hint'});
  const error = el('p', {class: 'form-error', role: 'alert', hidden: true});
  const submit = el('button', {type: 'submit', class: 'btn btn-primary btn-block'}, i18n('start.create'));

  const form = el('form', {class: 'card', 'aria-labelledby': 'create-title', novalidate: true},
    el('h2', {id: 'create-title', 'data-i18n': 'start.form.title'}, t('start.form.title')),
    el('div', {class: 'field'},
      el('label', {for: 'topic', 'data-i18n': 'start.topic.label'}, t('start.topic.label')),
      el('p', {class: 'hint', id: 'topic-hint', 'data-i18n': 'start.topic.hint'}, t('start.topic.hint')),
      topic),
    el('fieldset', {},
      el('legend', {'data-i18n': 'start.language.label'}, t('start.language.label')),
      el('div', {class: 'choices inline'}, languageChoice('nl'), languageChoice('en'))),
    el('fieldset', {},
      el('legend', {'data-i18n': 'start.variant.label'}, t('start.variant.label')),
      el('div', {class: 'choices'}, variantChoice('team'), variantChoice('duo'))),
    el('div', {class: 'field'},
      el('label', {class: 'choice', for: 'anonymous'}, anonymous, i18n('start.anonymous.label')),
      el('p', {class: 'hint', id: 'anonymous-hint', 'data-i18n': 'start.anonymous.hint'}, t('start.anonymous.hint'))),
    submit,
    error);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    submit.disabled = true;
    submit.firstChild.textContent = t('start.creating');
    error.hidden = true;
    const body = {
      topic: topic.value.trim(),
      language: form.elements.language.value || language(),
      anonymous: anonymous.checked,
      variant: form.elements.variant.value || 'team',
    };
    try {
      const response = await fetch('/api/boards', {
        method: 'POST',
        headers: {'Content-Type': 'application/json', Accept: 'application/json'},
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const board = await response.json();
      remember(board, body.topic);
      onCreated(board, body.topic);
    } catch (err) {
      console.error(err);
      error.textContent = t('start.failed');
      error.hidden = false;
    } finally {
      submit.disabled = false;
      submit.firstChild.textContent = t('start.create');
    }
  });
  return {root: form, focus: () => topic.focus()};
}

/** What the facilitator sees after creating a board. */
function createResult(board, {onAgain}) {
  const link = absolute(board.facilitator_url);
  const joinLink = absolute(board.join_url || `/j/${board.join_code}`);
  const copyStatus = el('span', {class: 'small', role: 'status'});
  const copy = el('button', {type: 'button', class: 'btn'}, i18n('start.copy'));
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(link);
      copyStatus.textContent = t('start.copied');
    } catch {
      copyStatus.textContent = t('start.copy_failed');
    }
  });
  const qr = el('img', {class: 'qr', src: `/api/join/${encodeURIComponent(board.join_code)}/qr.svg`, width: 180, height: 180});
  const heading = el('h2', {id: 'result-title', tabindex: '-1', 'data-i18n': 'start.created.title'}, t('start.created.title'));
  const root = el('section', {class: 'card stack', 'aria-labelledby': 'result-title'},
    heading,
    el('div', {},
      el('h3', {'data-i18n': 'start.code.label'}, t('start.code.label')),
      el('p', {class: 'join-code', 'aria-label': board.join_code.split('').join(' ')}, ...joinCodeGroups(board.join_code)),
      el('p', {class: 'small'}, i18n('start.join_link.label'), ': ', el('a', {href: joinLink}, joinLink)),
      qr),
    el('div', {},
      el('h3', {'data-i18n': 'start.facilitator.label'}, t('start.facilitator.label')),
      el('p', {class: 'keep-safe', 'data-i18n': 'start.facilitator.keep'}, t('start.facilitator.keep')),
      el('code', {class: 'link-box', id: 'facilitator-link'}, link),
      el('div', {class: 'row'}, copy, copyStatus)),
    el('div', {class: 'row'},
      el('a', {class: 'btn btn-primary', href: board.facilitator_url}, i18n('start.open_screen')),
      el('button', {type: 'button', class: 'btn btn-quiet', on: {click: onAgain}}, i18n('start.new'))));
  function translate() {
    qr.setAttribute('alt', t('start.qr.alt', {code: board.join_code}));
  }
  translate();
  onLanguageChange(translate);
  return {root, focus: () => heading.focus()};
}

/** "Join as participant" for phones that opened the start page. */
function createJoinBox() {
  const code = el('input', {
    id: 'join-code', name: 'code', type: 'text', class: 'code-input', autocomplete: 'off',
    autocapitalize: 'characters', spellcheck: 'false', inputmode: 'text', maxlength: 16,
    'aria-describedby': 'join-hint',
  });
  const error = el('p', {class: 'form-error', role: 'alert', hidden: true});
  const form = el('form', {class: 'card', 'aria-labelledby': 'join-title', novalidate: true},
    el('h2', {id: 'join-title', 'data-i18n': 'start.join.title'}, t('start.join.title')),
    el('div', {class: 'field'},
      el('label', {for: 'join-code', 'data-i18n': 'start.join.code'}, t('start.join.code')),
      el('p', {class: 'hint', id: 'join-hint', 'data-i18n': 'start.join.hint'}, t('start.join.hint')),
      code),
    el('button', {type: 'submit', class: 'btn btn-primary btn-block'}, i18n('start.join.submit')),
    error);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = code.value.replace(/\s+/g, '').toUpperCase();
    if (!CODE_PATTERN.test(value)) {
      error.textContent = t('phone.join.code_format');
      error.hidden = false;
      code.setAttribute('aria-invalid', 'true');
      code.focus();
      return;
    }
    location.assign(`/j/${encodeURIComponent(value)}`);
  });
  return {root: form};
}

function createRecent() {
  const list = loadRecent();
  if (!list.length) return null;
  return el('section', {class: 'card', 'aria-labelledby': 'recent-title'},
    el('h2', {id: 'recent-title', 'data-i18n': 'start.recent.title'}, t('start.recent.title')),
    el('ul', {class: 'note-list'},
      list.map((b) => el('li', {},
        el('a', {href: b.facilitator_url}, b.topic || t('start.recent.untitled')),
        el('span', {class: 'muted small'}, ` · ${b.join_code}`)))));
}

function absolute(url) {
  return new URL(url, location.origin).href;
}

async function main() {
  await loadCatalogue(initialLanguage());
  document.title = `${t('app.name')}: ${t('start.title')}`;
  const main = document.getElementById('main');
  document.getElementById('language').append(createLanguageSwitch());
  document.getElementById('brand').prepend(circlesIcon());

  const hero = el('div', {class: 'hero'},
    el('h1', {'data-i18n': 'start.title'}, t('start.title')),
    el('p', {'data-i18n': 'start.intro'}, t('start.intro')));
  const left = el('div', {class: 'stack'});
  const right = el('div', {class: 'stack'});
  clear(main).append(hero, el('div', {class: 'columns'}, left, right));

  function showForm() {
    const form = createBoardForm({onCreated: showResult});
    clear(left).append(form.root);
    return form;
  }
  function showResult(board) {
    const result = createResult(board, {onAgain: () => showForm().focus()});
    clear(left).append(result.root);
    result.focus();
  }
  showForm();
  right.append(createJoinBox().root);
  const recent = createRecent();
  if (recent) right.append(recent);

  onLanguageChange(() => {
    applyI18n(document);
    document.title = `${t('app.name')}: ${t('start.title')}`;
  });
  applyI18n(document);
}

main().catch((err) => {
  console.error(err);
  document.getElementById('main').append(el('p', {class: 'banner banner-error', role: 'alert'}, String(err)));
});
