// The join form: the code (prefilled from /j/{code}) and an optional display name.
import {el} from './dom.js';
import {t} from './i18n.js';

const CODE_PATTERN = /^[A-Za-z0-9]{3,16}$/;

/**
 * @param {{code: string, message: string|null, onJoin: (code: string, name: string) => Promise<string|null>}} options
 *   onJoin resolves to an error message key, or null when joining went ahead.
 */
export function createJoin({code, message, onJoin}) {
  const heading = el('h1', {id: 'join-title', tabindex: '-1'});
  const intro = el('p', {class: 'hint'});
  const codeLabel = el('label', {for: 'join-code'});
  const codeInput = el('input', {
    id: 'join-code', name: 'code', type: 'text', class: 'code-input', autocomplete: 'off',
    autocapitalize: 'characters', spellcheck: 'false', maxlength: 16, value: code || '',
  });
  const nameLabel = el('label', {for: 'join-name'});
  const nameInput = el('input', {id: 'join-name', name: 'name', type: 'text', autocomplete: 'nickname', maxlength: 40});
  const submit = el('button', {type: 'submit', class: 'btn btn-primary btn-block'});
  const error = el('p', {class: 'form-error', role: 'alert', hidden: !message});
  if (message) error.textContent = t(message);
  const root = el('form', {class: 'card', novalidate: true, 'aria-labelledby': 'join-title'},
    heading, intro,
    el('div', {class: 'field'}, codeLabel, codeInput),
    el('div', {class: 'field'}, nameLabel, nameInput),
    submit, error);
  let busy = false;

  function translate() {
    heading.textContent = t('phone.join.title');
    intro.textContent = t('phone.join.intro');
    codeLabel.textContent = t('phone.join.code');
    nameLabel.textContent = t('phone.join.name');
    submit.textContent = busy ? t('phone.join.checking') : t('phone.join.submit');
  }

  root.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    const value = codeInput.value.replace(/\s+/g, '').toUpperCase();
    if (!CODE_PATTERN.test(value)) {
      error.textContent = t('phone.join.code_format');
      error.hidden = false;
      codeInput.setAttribute('aria-invalid', 'true');
      codeInput.focus();
      return;
    }
    codeInput.removeAttribute('aria-invalid');
    busy = true;
    submit.disabled = true;
    translate();
    const problem = await onJoin(value, nameInput.value.trim());
    busy = false;
    submit.disabled = false;
    translate();
    if (problem) {
      error.textContent = t(problem);
      error.hidden = false;
      codeInput.focus();
    }
  });

  translate();
  return {
    root,
    update: translate,
    /** Show a problem found before joining (a code that does not exist). */
    tell(problem) {
      error.textContent = t(problem);
      error.hidden = false;
      codeInput.setAttribute('aria-invalid', 'true');
    },
    focus() {
      (codeInput.value ? nameInput : codeInput).focus();
    },
  };
}
