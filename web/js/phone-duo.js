// The phone on a duo board: whose turn it is, the method's questions for the sheet's step with
// the fields to write them down (for the interviewer), the sheet as it fills (for both), swap
// roles, and sharing one's own circles with the shared screen. The share control always sits in
// the card of one's own circles, never under the partner's sheet the interviewer is filling in.
import {clear, el} from './dom.js';
import {language, t} from './i18n.js';
import {DUO_STEPS, duoGuide} from './method.js';
import {pending} from './phone-derive.js';

/** A sheet nobody has written on yet. */
function emptySheet(owner, step = 'activity') {
  return {owner, activity: '', step, chosen: null, small_step: '', shared: false, notes: []};
}

/** My duo from the overview, the partner, whose sheet is open and what it holds. */
export function duoContext(board) {
  const me = board.me || {};
  const duo = (board.duos || []).find((d) => d.members.includes(me.id)) || null;
  const complete = Boolean(duo && duo.members.length === 2);
  const partnerId = complete ? duo.members.find((m) => m !== me.id) : null;
  const partnerName = (me.partners || []).find((p) => p.id === partnerId)?.name || '';
  const sheetOf = (owner) => {
    const sheet = (board.sheets || []).find((s) => s.owner === owner);
    if (sheet) return sheet;
    const progress = duo?.sheets.find((s) => s.owner === owner);
    return emptySheet(owner, progress?.step);
  };
  const turn = complete ? duo.turn : null;
  return {me, duo, complete, partnerId, partnerName, turn, interviewing: complete && turn !== me.id, sheetOf};
}

function field(id, labelText, control) {
  const label = el('label', {for: id}, labelText);
  return {wrap: el('div', {class: 'field'}, label, control), label};
}

/** "The activity …: X" of a sheet, or that it has none yet. */
function activityLine(sheet) {
  return el('p', {class: 'duo-activity'}, el('span', {class: 'muted'}, `${t('duo.activity.label')} `),
    sheet.activity ? el('strong', {}, sheet.activity) : el('span', {class: 'muted'}, t('duo.activity.empty')));
}

/** @param {{actions: Record<string, Function>}} options */
export function createDuo({actions}) {
  // -- who interviews whom ----------------------------------------------------------------
  const roleTitle = el('h2', {id: 'duo-role', class: 'duo-role'});
  const roleHint = el('p', {class: 'hint'});
  const swap = el('button', {type: 'button', class: 'btn btn-small', 'data-action': 'swap'});
  const roleCard = el('section', {class: 'card duo-role-card', 'aria-labelledby': roleTitle.id}, roleTitle, roleHint, swap);

  // -- the step: questions for the interviewer ----------------------------------------------
  const stepProgress = el('p', {class: 'step-progress'});
  const stepTitle = el('h3', {id: 'duo-step-title', class: 'step-title'});
  const questions = el('ul', {class: 'questions duo-questions'});
  const stepHint = el('p', {class: 'hint'});
  const credit = el('p', {class: 'credit'});
  const back = el('button', {type: 'button', class: 'btn btn-small', 'data-action': 'step-back'});
  const next = el('button', {type: 'button', class: 'btn btn-small btn-primary', 'data-action': 'step-next'});
  const stepNav = el('div', {class: 'row duo-step-nav'}, back, next);

  // -- what the interviewer writes ----------------------------------------------------------
  const activityInput = el('input', {id: 'duo-activity', type: 'text', maxlength: 200, autocomplete: 'off'});
  const activityField = field('duo-activity', '', activityInput);
  const activitySave = el('button', {type: 'submit', class: 'btn btn-primary'});
  const activityForm = el('form', {class: 'duo-form', 'data-form': 'activity'}, activityField.wrap, activitySave);

  const noteInput = el('textarea', {id: 'duo-note', rows: 2, maxlength: 280});
  const noteField = field('duo-note', '', noteInput);
  const noteAdd = el('button', {type: 'submit', class: 'btn btn-primary'});
  const noteForm = el('form', {class: 'duo-form', 'data-form': 'note'}, noteField.wrap, noteAdd);

  const chooseLegend = el('legend', {});
  const chooseList = el('div', {class: 'choices'});
  const chooseSet = el('fieldset', {class: 'duo-choose'}, chooseLegend, chooseList);
  const stepInput = el('textarea', {id: 'duo-small-step', rows: 2, maxlength: 280});
  const stepField = field('duo-small-step', '', stepInput);
  const stepSave = el('button', {type: 'submit', class: 'btn btn-primary'});
  const stepForm = el('form', {class: 'duo-form', 'data-form': 'small-step'}, chooseSet, stepField.wrap, stepSave);

  const stepCard = el('section', {class: 'card duo-step-card', 'aria-labelledby': stepTitle.id},
    stepProgress, stepTitle, questions, stepHint, activityForm, noteForm, stepForm, stepNav, credit);

  // -- the sheets, read-only as they fill -----------------------------------------------------
  const sheetsBox = el('div', {class: 'stack duo-sheets-box'});
  const shareBox = el('input', {type: 'checkbox', id: 'duo-share'});
  const shareLabel = el('span', {});
  const shareHint = el('p', {class: 'hint', id: 'duo-share-hint'});
  shareBox.setAttribute('aria-describedby', shareHint.id);
  const share = el('div', {class: 'duo-share'}, el('label', {class: 'choice', for: 'duo-share'}, shareBox, shareLabel), shareHint);
  // My own circles in short, with the share control, while my full sheet is not on the phone.
  const ownTitle = el('h3', {id: 'duo-own-title'});
  const ownSummary = el('div', {class: 'duo-own-summary'});
  const ownCard = el('section', {class: 'card duo-own-card', 'aria-labelledby': ownTitle.id}, ownTitle, ownSummary);
  const waiting = el('p', {class: 'card muted duo-waiting'});

  const root = el('div', {class: 'stack duo'}, waiting, roleCard, stepCard, sheetsBox, ownCard);

  let context = null;
  let dirty = {activity: false, step: false};
  let sheetSig = '';

  activityInput.addEventListener('input', () => (dirty.activity = true));
  stepInput.addEventListener('input', () => (dirty.step = true));
  /** The sheet on the screen now: what the user writes is for this one (commands name it). */
  const shownSheet = () => (context?.complete ? context.sheetOf(context.turn) : null);
  activityForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const sheet = shownSheet();
    if (!sheet) return;
    actions.setActivity(sheet.owner, activityInput.value.trim());
    dirty.activity = false;
  });
  noteForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = noteInput.value.trim();
    const sheet = shownSheet();
    if (!text || !sheet) return;
    actions.addSheetNote(sheet.owner, sheet.step === 'outer' ? 'outer' : 'inner', text);
    noteInput.value = '';
    noteInput.focus();
  });
  stepForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const sheet = shownSheet();
    if (!sheet) return;
    actions.setSmallStep(sheet.owner, stepInput.value.trim());
    dirty.step = false;
  });
  chooseList.addEventListener('change', (event) => {
    const target = /** @type {HTMLInputElement} */ (event.target);
    const sheet = shownSheet();
    if (target.name === 'duo-chosen' && sheet) actions.chooseSheetItem(sheet.owner, target.value);
  });
  swap.addEventListener('click', () => {
    // The one interviewed now becomes the interviewer: the other one's sheet opens.
    if (context?.complete) actions.swapRoles(context.interviewing ? context.me.id : context.partnerId);
  });
  const move = (direction) => {
    const sheet = shownSheet();
    if (!sheet) return;
    const to = DUO_STEPS[DUO_STEPS.indexOf(sheet.step) + direction];
    if (to) actions.setSheetStep(sheet.owner, sheet.step, to);
  };
  back.addEventListener('click', () => move(-1));
  next.addEventListener('click', () => move(1));
  shareBox.addEventListener('change', () => actions.shareSheet(shareBox.checked));

  function sheetCard(sheet, {title, editable}) {
    const list = (circle) => {
      const notes = sheet.notes.filter((n) => n.circle === circle);
      const items = notes.map((n) =>
        el('li', {class: ['duo-note', n.id === sheet.chosen && 'is-chosen'], 'data-note': n.id},
          el('span', {class: 'duo-note-text'}, n.text),
          editable
            ? el('button', {type: 'button', class: 'btn btn-quiet btn-small', 'aria-label': t('duo.note.delete_aria', {text: n.text}),
              on: {click: () => actions.deleteSheetNote(n.id)}}, t('duo.note.delete'))
            : null));
      return el('div', {class: 'duo-circle', 'data-circle': circle},
        el('h4', {}, el('span', {class: 'circle-swatch', 'data-circle': circle, 'aria-hidden': 'true'}), ` ${t(`duo.note.label_${circle}`)}`),
        items.length ? el('ul', {class: 'note-list'}, items) : el('p', {class: 'muted'}, t('duo.notes.empty')));
    };
    const chosen = sheet.notes.find((n) => n.id === sheet.chosen);
    const titleId = `duo-sheet-title-${sheet.owner}`;
    return el('section', {class: 'card duo-sheet-card', 'data-sheet': sheet.owner, 'aria-labelledby': titleId},
      el('h3', {id: titleId}, title),
      activityLine(sheet),
      list('inner'), list('outer'),
      chosen ? el('p', {class: 'duo-chosen'}, el('span', {class: 'muted'}, `${t('duo.choose.label')}: `), chosen.text) : null,
      sheet.small_step ? el('p', {class: 'duo-small-step'}, el('span', {class: 'muted'}, `${t('duo.small_step.label')}: `), sheet.small_step) : null);
  }

  /** The sheets on the phone (rebuilt only when what they show changes), the closing's note first. */
  function showSheets(shown, closing) {
    // Sharing changes nothing a card shows: toggling it must not rebuild the card it sits in.
    const sig = JSON.stringify([shown.map(([s, title, editable]) => [{...s, shared: null}, title, editable]), closing, language()]);
    if (sig === sheetSig) return;
    sheetSig = sig;
    clear(sheetsBox);
    if (closing) sheetsBox.append(el('p', {class: 'card muted'}, t('duo.closing')));
    for (const [s, title, editable] of shown) sheetsBox.append(sheetCard(s, {title, editable}));
  }

  /**
   * My circles in short, for when my own sheet is not on the phone (I interview my partner);
   * emptied while the card is hidden, so no stale copy of the sheet's words stays behind.
   */
  function renderOwnCard(sheet) {
    ownTitle.textContent = t('duo.sheet.mine');
    const counts = {inner: 0, outer: 0};
    for (const note of sheet.notes) counts[note.circle] += 1;
    const sig = ownCard.hidden ? '' : JSON.stringify([sheet.activity, counts, language()]);
    if (ownSummary.dataset.sig === sig) return;
    ownSummary.dataset.sig = sig;
    clear(ownSummary);
    if (ownCard.hidden) return;
    if (!sheet.activity && !sheet.notes.length) ownSummary.append(el('p', {class: 'muted'}, t('duo.sheet.mine_empty')));
    else ownSummary.append(activityLine(sheet), el('p', {class: 'duo-own-counts'}, t('duo.sheet.counts', counts)));
  }

  /**
   * The share control goes into the card of my own sheet when that is on the phone, else into
   * the short card of my circles when `ownWanted`, else nowhere.
   */
  function placeShare(owner, ownWanted, refocus) {
    const card = [...sheetsBox.querySelectorAll('[data-sheet]')].find((c) => c.getAttribute('data-sheet') === owner);
    ownCard.hidden = Boolean(card) || !ownWanted;
    const home = card || (ownCard.hidden ? null : ownCard);
    if (!home) share.remove();
    else if (home.lastElementChild !== share) home.append(share);
    if (refocus && home) shareBox.focus();
  }

  function renderChoices(sheet) {
    const outer = sheet.notes.filter((n) => n.circle === 'outer');
    const sig = JSON.stringify([outer, sheet.chosen]);
    if (chooseList.dataset.sig === sig) return;
    chooseList.dataset.sig = sig;
    clear(chooseList);
    if (!outer.length) chooseList.append(el('p', {class: 'muted'}, t('duo.notes.empty')));
    for (const note of outer) {
      chooseList.append(el('label', {class: 'choice'},
        el('input', {type: 'radio', name: 'duo-chosen', value: note.id, checked: note.id === sheet.chosen}), note.text));
    }
  }

  return {
    root,
    /** @param {any} state the phone's state; shown in the duos and closing phases */
    update(state) {
      const board = state.board;
      context = duoContext(board);
      const {me, complete, partnerName, turn, interviewing} = context;
      const working = board.phase === 'duos';
      waiting.hidden = board.phase === 'closing' || (complete && working);
      waiting.textContent = complete ? t('duo.wait_start') : t('duo.need_partner');
      roleCard.hidden = !complete || !working;
      stepCard.hidden = !complete || !working;
      shareLabel.textContent = t('duo.share.label');
      shareHint.textContent = t('duo.share.hint');
      // While a change is on its way, the box shows what was asked, not the old state.
      const mine = context.sheetOf(me.id);
      if (!pending(state, 'share_sheet')) shareBox.checked = mine.shared;
      // A rebuilt card takes the share control out of the page for a moment: keep its focus.
      const shareFocused = document.activeElement === shareBox;
      if (!complete) {
        const kept = (board.sheets || []).find((s) => s.owner === me.id);
        showSheets(kept ? [[kept, t('duo.sheet.mine'), false]] : [], false);
        placeShare(me.id, false, shareFocused);
        renderOwnCard(mine);
        return;
      }
      const sheet = context.sheetOf(turn);
      const partnerLabel = partnerName ? t('duo.sheet.partner', {name: partnerName}) : t('duo.sheet.partner_unnamed');

      // Who interviews whom, and the swap.
      roleTitle.textContent = interviewing
        ? partnerName ? t('duo.you_interview', {name: partnerName}) : t('duo.you_interview_unnamed')
        : partnerName ? t('duo.interviews_you', {name: partnerName}) : t('duo.interviews_you_unnamed');
      roleHint.textContent = interviewing ? t('duo.interviewer_hint') : t('duo.interviewee_hint');
      swap.textContent = t('duo.swap');
      root.dataset.role = interviewing ? 'interviewer' : 'interviewee';

      // The step with its questions; the fields only for the interviewer.
      const index = DUO_STEPS.indexOf(sheet.step);
      const guide = duoGuide(sheet.step);
      stepProgress.textContent = t('duo.step_of', {n: index + 1});
      stepTitle.textContent = t(guide.title);
      const qsig = JSON.stringify([sheet.step, interviewing, language()]);
      if (questions.dataset.sig !== qsig) {
        questions.dataset.sig = qsig;
        clear(questions);
        for (const key of guide.questions) questions.append(el('li', {}, t(key)));
      }
      stepHint.textContent = t(guide.hint);
      stepHint.hidden = !interviewing;
      credit.textContent = t('method.credit');
      back.textContent = t('duo.back');
      next.textContent = t('duo.next');
      back.disabled = index <= 0;
      next.disabled = index >= DUO_STEPS.length - 1;
      stepCard.dataset.step = sheet.step;

      activityForm.hidden = !interviewing || sheet.step !== 'activity';
      activityField.label.textContent = t('duo.activity.label');
      activitySave.textContent = t('duo.activity.save');
      if (!dirty.activity || document.activeElement !== activityInput) activityInput.value = sheet.activity;
      const writingNotes = sheet.step === 'inner' || sheet.step === 'outer';
      noteForm.hidden = !interviewing || !writingNotes;
      noteField.label.textContent = t(`duo.note.label_${sheet.step === 'outer' ? 'outer' : 'inner'}`);
      noteAdd.textContent = t('duo.note.add');
      stepForm.hidden = !interviewing || sheet.step !== 'step_forward';
      chooseLegend.textContent = t('duo.choose.label');
      stepField.label.textContent = t('duo.small_step.label');
      stepSave.textContent = t('duo.small_step.save');
      if (!dirty.step || document.activeElement !== stepInput) stepInput.value = sheet.small_step;
      if (!stepForm.hidden) renderChoices(sheet);

      // The sheets: the open one first while working; both (mine first) while closing.
      const closing = board.phase === 'closing';
      let shown = [];
      if (working) shown = [[sheet, interviewing ? partnerLabel : t('duo.sheet.mine'), interviewing]];
      else if (closing) shown = [[context.sheetOf(me.id), t('duo.sheet.mine'), false], [context.sheetOf(context.partnerId), partnerLabel, false]];
      showSheets(shown, closing);
      // The interviewer's phone shows the partner's sheet: my own circles get a card of their
      // own for the share control (outside the duo work only once there is something on them).
      const written = Boolean(mine.activity || mine.notes.length);
      placeShare(me.id, (working && interviewing) || written || mine.shared, shareFocused);
      renderOwnCard(mine);
    },
  };
}
