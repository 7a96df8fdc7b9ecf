// Closing: the reflection on usefulness (yes / partly / no, what was useful, how it could be
// more useful), the 0-10 scale question when the facilitator opens it, and the agreements.
import {el} from './dom.js';
import {t} from './i18n.js';
import {pending} from './phone-derive.js';

const USEFUL = ['yes', 'partly', 'no'];

export function createReflection({actions}) {
  const heading = el('h2', {id: 'reflect-title'});
  const legend = el('legend', {});
  const radios = USEFUL.map((value) => el('input', {type: 'radio', name: 'useful', value, id: `useful-${value}`}));
  const radioLabels = USEFUL.map((value) => el('span', {}));
  const choices = el('div', {class: 'choices inline'},
    USEFUL.map((value, i) => el('label', {class: 'choice', for: `useful-${value}`}, radios[i], radioLabels[i])));
  const whatLabel = el('label', {for: 'reflect-what'});
  const what = el('textarea', {id: 'reflect-what', rows: 3});
  const improveLabel = el('label', {for: 'reflect-improve'});
  const improve = el('textarea', {id: 'reflect-improve', rows: 3});
  const note = el('p', {class: 'hint'});
  const error = el('p', {class: 'form-error', role: 'alert', hidden: true});
  const done = el('p', {class: 'banner banner-online', role: 'status', hidden: true});
  const submit = el('button', {type: 'submit', class: 'btn btn-primary btn-block'});
  const form = el('form', {class: 'card', novalidate: true, 'aria-labelledby': 'reflect-title'},
    heading, note,
    el('fieldset', {}, legend, choices),
    el('div', {class: 'field'}, whatLabel, what),
    el('div', {class: 'field'}, improveLabel, improve),
    submit, error, done);
  let prefilled = false;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = radios.find((r) => r.checked);
    if (!chosen) {
      error.textContent = t('reflect.need_useful');
      error.hidden = false;
      radios[0].focus();
      return;
    }
    error.hidden = true;
    actions.submitReflection({useful: chosen.value, what: what.value.trim(), improve: improve.value.trim()});
  });

  return {
    root: form,
    update(state) {
      const mine = state.board.me?.reflection || null;
      if (mine && !prefilled) {
        prefilled = true;
        for (const r of radios) r.checked = r.value === mine.useful;
        what.value = mine.what || '';
        improve.value = mine.improve || '';
      }
      heading.textContent = t('reflect.title');
      note.textContent = t('reflect.anonymous');
      legend.textContent = t('reflect.useful');
      USEFUL.forEach((value, i) => (radioLabels[i].textContent = t(`reflect.${value}`)));
      whatLabel.textContent = t('reflect.what');
      improveLabel.textContent = t('reflect.improve');
      const sending = pending(state, 'submit_reflection');
      submit.textContent = sending ? t('note.state.sending') : mine ? t('reflect.update') : t('reflect.submit');
      submit.disabled = sending;
      done.hidden = !mine || sending;
      done.textContent = mine ? t('reflect.thanks') : '';
    },
  };
}

export function createScale({actions}) {
  const heading = el('h2', {id: 'scale-title'});
  const question = el('p', {id: 'scale-question'});
  const buttons = [];
  for (let value = 0; value <= 10; value++) {
    buttons.push(el('button', {type: 'button', 'data-value': value, on: {click: () => actions.answerScale(value)}}, String(value)));
  }
  const grid = el('div', {class: 'scale', role: 'group', 'aria-labelledby': 'scale-question'}, buttons);
  const low = el('span', {});
  const high = el('span', {});
  const answered = el('p', {class: 'hint', role: 'status'});
  const root = el('section', {class: 'card', 'aria-labelledby': 'scale-title'},
    heading, question, grid, el('div', {class: 'scale-ends'}, low, high), answered);

  return {
    root,
    update(state) {
      let mine = state.board.me?.scale ?? null;
      for (const entry of state.outbox) {
        if (entry.msg.type === 'answer_scale' && entry.state === 'sending') mine = entry.msg.value;
      }
      heading.textContent = t('scale.title');
      question.textContent = t('scale.question');
      low.textContent = t('scale.low');
      high.textContent = t('scale.high');
      for (const button of buttons) {
        const value = Number(button.dataset.value);
        button.setAttribute('aria-pressed', String(value === mine));
        button.setAttribute('aria-label', t('scale.value_aria', {value}));
      }
      answered.textContent = mine === null ? '' : t('scale.answered', {value: mine});
    },
  };
}

export function createAgreements() {
  const heading = el('h2', {id: 'agreements-title'});
  const text = el('p', {class: 'note-text'});
  const root = el('section', {class: 'card', 'aria-labelledby': 'agreements-title'}, heading, text);
  return {
    root,
    update(state) {
      heading.textContent = t('agreements.title');
      text.textContent = state.board.agreements || '';
      root.hidden = !state.board.agreements;
    },
  };
}
