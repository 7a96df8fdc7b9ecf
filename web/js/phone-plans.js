// Step forward in duos: pair up under a code, then write a small plan (what / who / when)
// for one item of the outer circle. Also the list of every plan on the board.
import {el} from './dom.js';
import {t} from './i18n.js';
import {keyedList} from './keyed.js';
import {pending, revealedNotes} from './phone-derive.js';

const PAIR_CODE = /^[A-Za-z0-9]{3,12}$/;

export function createPair({actions}) {
  const heading = el('h2', {id: 'pair-title'});
  const intro = el('p', {class: 'hint'});
  const status = el('p', {role: 'status'});
  const codeLabel = el('label', {for: 'pair-code'});
  const code = el('input', {id: 'pair-code', type: 'text', class: 'code-input', maxlength: 12, autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false'});
  const start = el('button', {type: 'button', class: 'btn btn-primary'});
  const join = el('button', {type: 'button', class: 'btn'});
  const leave = el('button', {type: 'button', class: 'btn btn-danger btn-small'});
  const error = el('p', {class: 'form-error', role: 'alert', hidden: true});
  const form = el('div', {}, el('div', {class: 'field'}, codeLabel, code), el('div', {class: 'row'}, start, join));
  const root = el('section', {class: 'card', 'aria-labelledby': 'pair-title'}, heading, intro, status, form, leave, error);

  function submit(kind) {
    const value = code.value.trim().toUpperCase();
    if (!PAIR_CODE.test(value)) {
      error.textContent = t('pair.code_format');
      error.hidden = false;
      code.setAttribute('aria-invalid', 'true');
      code.focus();
      return;
    }
    error.hidden = true;
    code.removeAttribute('aria-invalid');
    if (kind === 'start') actions.startPair(value);
    else actions.joinPair(value);
  }
  start.addEventListener('click', () => submit('start'));
  join.addEventListener('click', () => submit('join'));
  code.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      submit('join');
    }
  });
  leave.addEventListener('click', () => actions.leavePair());

  return {
    root,
    update(state) {
      const board = state.board;
      const me = board.me || {};
      heading.textContent = t('pair.title');
      intro.textContent = t('pair.intro');
      codeLabel.textContent = t('pair.code');
      start.textContent = t('pair.start');
      join.textContent = t('pair.join');
      leave.textContent = t('pair.leave');
      const busy = pending(state, 'start_pair') || pending(state, 'join_pair') || pending(state, 'leave_pair');
      start.disabled = join.disabled = leave.disabled = busy;
      form.hidden = Boolean(me.pair);
      leave.hidden = !me.pair;
      intro.hidden = Boolean(me.pair);
      if (me.pair) {
        // The server names my duo partner in `me` (on an anonymous board nowhere else).
        const partners = me.partners || [];
        const names = partners.map((p) => p.name).filter(Boolean).join(', ');
        status.textContent = partners.length
          ? `${t('pair.current', {code: me.pair})}${names ? ` ${t('pair.with', {names})}` : ''}.`
          : t('pair.waiting', {code: me.pair});
      } else {
        status.textContent = busy ? t('note.state.sending') : '';
      }
    },
  };
}

export function createPlans({actions, historyUrl = null}) {
  const heading = el('h2', {id: 'plan-title'});
  const intro = el('p', {class: 'hint'});
  const itemLabel = el('label', {for: 'plan-note'});
  const item = el('select', {id: 'plan-note'});
  const whatLabel = el('label', {for: 'plan-what'});
  const what = el('textarea', {id: 'plan-what', rows: 3});
  const whoLabel = el('label', {for: 'plan-who'});
  const who = el('input', {id: 'plan-who', type: 'text', autocomplete: 'off'});
  const whenLabel = el('label', {for: 'plan-when'});
  const when = el('input', {id: 'plan-when', type: 'text', autocomplete: 'off'});
  const submit = el('button', {type: 'submit', class: 'btn btn-primary'});
  const cancel = el('button', {type: 'button', class: 'btn', hidden: true});
  const error = el('p', {class: 'form-error', role: 'alert', hidden: true});
  const form = el('form', {novalidate: true, 'aria-labelledby': 'plan-title'},
    el('div', {class: 'field'}, itemLabel, item),
    el('div', {class: 'field'}, whatLabel, what),
    el('div', {class: 'field'}, whoLabel, who),
    el('div', {class: 'field'}, whenLabel, when),
    el('div', {class: 'row'}, submit, cancel), error);
  const teamNote = el('p', {class: 'hint'});
  const listHeading = el('h3', {id: 'plan-list-title'});
  const list = el('ul', {class: 'note-list', 'aria-labelledby': 'plan-list-title'});
  const empty = el('p', {class: 'muted'});
  // The board's progress over its meetings, read-only (the same page the join code opens).
  const history = el('a', {class: 'btn btn-small', href: historyUrl || '#', target: '_blank', rel: 'noopener', hidden: true});
  const root = el('section', {class: 'card stack', 'aria-labelledby': 'plan-title'},
    el('div', {}, heading, intro, teamNote, form), el('div', {}, listHeading, list, empty), history);
  const updateList = keyedList(list);
  let editingId = null;
  let lastItems = '';
  let lastState = null;

  function reset() {
    editingId = null;
    what.value = who.value = when.value = '';
    if (lastState) render(lastState);
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!item.value) {
      error.textContent = t('plan.need_item');
      error.hidden = false;
      item.focus();
      return;
    }
    if (!what.value.trim()) {
      error.textContent = t('plan.need_what');
      error.hidden = false;
      what.focus();
      return;
    }
    error.hidden = true;
    const fields = {what: what.value.trim(), who: who.value.trim(), when: when.value.trim()};
    if (editingId) actions.editPlan(editingId, fields);
    else actions.addPlan({note: item.value, ...fields});
    reset();
  });
  cancel.addEventListener('click', reset);

  function canChange(state, plan) {
    const me = state.board.me || {};
    return (me.plans || []).includes(plan.id) || (me.pair && plan.pair === me.pair);
  }

  function render(state) {
    lastState = state;
    const board = state.board;
    const meeting = board.meeting ?? 1;
    // The first step of a follow-up meeting looks back on the steps of earlier meetings.
    const review = board.phase === 'topic' && meeting > 1;
    const groups = board.plan_mode === 'groups' && !review;
    const outer = revealedNotes(board, 'outer');
    heading.textContent = review ? t('phone.review.title') : t('plan.title');
    intro.textContent = t('plan.intro');
    intro.hidden = !groups;
    form.hidden = !groups;
    teamNote.hidden = groups || review;
    teamNote.textContent = t('plan.team_mode');
    itemLabel.textContent = t('plan.item');
    whatLabel.textContent = t('plan.what');
    whoLabel.textContent = t('plan.who');
    whenLabel.textContent = t('plan.when');
    submit.textContent = editingId ? t('plan.update') : t('plan.save');
    cancel.textContent = t('note.cancel');
    cancel.hidden = !editingId;
    item.disabled = Boolean(editingId);

    const itemsSig = JSON.stringify([outer.map((n) => [n.id, n.text]), board.chosen, t('plan.item_choose')]);
    if (itemsSig !== lastItems) {
      lastItems = itemsSig;
      const selected = item.value || board.chosen || '';
      item.replaceChildren(
        el('option', {value: ''}, t('plan.item_choose')),
        ...outer.map((n) => el('option', {value: n.id, selected: n.id === selected}, n.text)),
      );
      item.value = outer.some((n) => n.id === selected) ? selected : '';
    }

    const notes = new Map((board.notes || []).map((n) => [n.id, n]));
    const plans = (board.plans || []).filter((plan) => !review || (plan.meeting ?? 1) < meeting);
    listHeading.textContent = t('plan.list');
    listHeading.hidden = review;
    updateList(plans, {
      key: (plan) => plan.id,
      signature: (plan) => JSON.stringify([plan, canChange(state, plan), notes.get(plan.note)?.text, meeting, t('plan.list')]),
      render: (plan) => {
        const forNote = notes.get(plan.note);
        const done = plan.status === 'done';
        const li = el('li', {class: ['note', done && 'is-done'], 'data-circle': 'outer'},
          el('span', {class: ['status-badge', `status-badge--${done ? 'done' : 'open'}`]}, t(`followup.status.${done ? 'done' : 'open'}`)),
          forNote && el('p', {class: 'small muted'}, t('plan.for', {text: forNote.text})),
          el('p', {class: 'note-text'}, plan.what),
          el('div', {class: 'note-meta'},
            plan.who && el('span', {}, t('plan.summary_who', {who: plan.who})),
            plan.when && el('span', {}, t('plan.summary_when', {when: plan.when})),
            plan.author && el('span', {}, t('note.by', {name: plan.author}))));
        if ((plan.meeting ?? 1) < meeting && canChange(state, plan)) {
          // At a follow-up, the duo that made a step says whether it was taken.
          li.append(el('div', {class: 'note-actions'},
            el('button', {type: 'button', class: 'btn btn-small', 'aria-pressed': String(done), 'aria-label': t('phone.review.done_aria', {text: plan.what}), on: {click: () => actions.setPlanStatus(plan.id, done ? 'open' : 'done')}}, t('phone.review.done'))));
        }
        if (groups && canChange(state, plan)) {
          li.append(el('div', {class: 'note-actions'},
            el('button', {type: 'button', class: 'btn btn-small', 'aria-label': t('plan.edit_aria', {text: plan.what}), on: {click: () => {
              editingId = plan.id;
              item.value = plan.note;
              what.value = plan.what;
              who.value = plan.who || '';
              when.value = plan.when || '';
              render(state);
              what.focus();
            }}}, t('plan.edit')),
            el('button', {type: 'button', class: 'btn btn-small btn-danger', 'aria-label': t('plan.remove_aria', {text: plan.what}), on: {click: () => actions.removePlan(plan.id)}}, t('plan.remove'))));
        }
        return li;
      },
    });
    empty.hidden = plans.length > 0;
    empty.textContent = t('plan.none');
    history.textContent = t('phone.history');
    history.hidden = !historyUrl || (meeting === 1 && board.phase !== 'closing');
  }

  return {root, update: render};
}
