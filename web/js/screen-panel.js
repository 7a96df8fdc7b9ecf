// What the room reads next to the circles: the step and its guidance questions, the timer,
// how to join (QR code, code, link) while people write, how many notes each circle holds
// (never their text before the reveal), the voting, the chosen item and its plans, and the
// closing. The read-aloud card (reader.js) takes this place while something is being read.

import {el, clear, replaceChildren} from './dom.js';
import {language, plural, t} from './i18n.js';
import {formatClock, remainingMs} from './clock.js';
import {PHASES, REVIEW_STEP, STEPS, phasesOf, stepOf} from './method.js';
import {READING_CIRCLE, noteById, plansInOrder, rankedOuter, readingPosition} from './screen-model.js';
import {pinIcon, scaleChart, setAttr, setText} from './screen-ui.js';
import {createReviewCard} from './followup.js';
import {bigTimer, currentPart, isAside} from './agenda.js';
import {joinCodeGroups} from './join-code.js';

const WRITING = new Set(['inner_writing', 'outer_writing']);
const LOW_TIME_MS = 60000;
const TOP_ITEMS = 3;

/**
 * @param {{status: Element, body: Element, reader: Element, footer: Element}} parts
 * @param {{joinCode: () => string|null, qrSource: () => string|null, isFacilitator: boolean, onTimeUp?: () => void}} options
 *   onTimeUp: called once when the big clock's time runs out (each deadline once)
 */
export function createPanel(parts, {joinCode, qrSource, isFacilitator, onTimeUp}) {
  // -- status bar: step, timer, people -----------------------------------------------------
  const progress = el('p', {class: 'status-progress'});
  const phaseName = el('h1', {class: 'status-phase'});
  const timer = el('div', {class: 'status-timer', role: 'timer', 'aria-live': 'off'});
  const timerClock = el('span', {class: 'status-clock'});
  const timerNote = el('span', {class: 'status-timer-note'});
  timer.append(timerClock, timerNote);
  const dot = el('span', {class: 'status-dot', 'aria-hidden': 'true'});
  const people = el('p', {class: 'status-people'}, dot, el('span'));
  const timeUpLive = el('p', {class: 'visually-hidden', 'aria-live': 'assertive'});
  parts.status.append(el('div', {class: 'status-step'}, progress, phaseName), timer, people, timeUpLive);

  // -- cards -------------------------------------------------------------------------------
  const questionsCard = el('section', {class: 'card panel-card questions-card', 'aria-labelledby': 'panel-q-title'});
  const questionsTitle = el('h2', {id: 'panel-q-title', class: 'panel-title'});
  const questionsIntro = el('p', {class: 'panel-intro'});
  const questionsList = el('ul', {class: 'panel-questions'});
  questionsCard.append(questionsTitle, questionsIntro, questionsList);

  const countsCard = el('section', {class: 'card panel-card counts-card', 'aria-labelledby': 'panel-counts-title'});
  const countsTitle = el('h2', {id: 'panel-counts-title', class: 'panel-title'});
  const countsList = el('ul', {class: 'counts-list'});
  const countInner = el('span', {class: 'count-number'});
  const countOuter = el('span', {class: 'count-number'});
  const countInnerLabel = el('span', {class: 'count-label'});
  const countOuterLabel = el('span', {class: 'count-label'});
  const writersInner = el('span', {class: 'count-writers'});
  const writersOuter = el('span', {class: 'count-writers'});
  const rowInner = el('li', {class: 'count-row', 'data-circle': 'inner'}, pinIcon('inner'), countInner, countInnerLabel, writersInner);
  const rowOuter = el('li', {class: 'count-row', 'data-circle': 'outer'}, pinIcon('outer'), countOuter, countOuterLabel, writersOuter);
  countsList.append(rowInner, rowOuter);
  const countsTyping = el('p', {class: 'counts-typing'});
  const countsHint = el('p', {class: 'panel-hint'});
  countsCard.append(countsTitle, countsList, countsTyping, countsHint);

  const joinCard = el('section', {class: 'card panel-card join-card', 'aria-labelledby': 'panel-join-title'});
  const joinTitle = el('h2', {id: 'panel-join-title', class: 'panel-title'});
  const qr = el('img', {class: 'join-qr', width: 220, height: 220, alt: ''});
  const joinSteps = el('ol', {class: 'join-steps'});
  const joinCodeLabel = el('span', {class: 'visually-hidden'});
  const joinCodeValue = el('span', {class: 'join-code-value'});
  const joinCodeText = el('p', {class: 'join-code-big'}, joinCodeLabel, joinCodeValue);
  const joinUrl = el('p', {class: 'join-url'});
  joinCard.append(joinTitle, el('div', {class: 'join-grid'}, qr, el('div', {class: 'join-copy'}, joinSteps, joinCodeText, joinUrl)));

  const readyCard = el('section', {class: 'card panel-card ready-card', 'aria-live': 'polite'});
  const readyTitle = el('p', {class: 'ready-title'});
  const readyHint = el('p', {class: 'panel-hint'});
  readyCard.append(readyTitle, readyHint);

  const voteCard = el('section', {class: 'card panel-card vote-card', 'aria-labelledby': 'panel-vote-title', 'aria-live': 'polite'});
  const voteTitle = el('h2', {id: 'panel-vote-title', class: 'panel-title'});
  const voteText = el('p', {class: 'vote-text-big'});
  const voteTop = el('ol', {class: 'vote-top'});
  voteCard.append(voteTitle, voteText, voteTop);

  const chosenCard = el('section', {class: 'card panel-card chosen-card', 'aria-labelledby': 'panel-chosen-title'});
  const chosenTitle = el('h2', {id: 'panel-chosen-title', class: 'panel-title'});
  const chosenText = el('p', {class: 'chosen-text'});
  const chosenPlans = el('ul', {class: 'panel-plans'});
  chosenCard.append(chosenTitle, chosenText, chosenPlans);

  const plansCard = el('section', {class: 'card panel-card plans-card', 'aria-labelledby': 'panel-plans-title'});
  const plansTitle = el('h2', {id: 'panel-plans-title', class: 'panel-title'});
  const plansList = el('ul', {class: 'panel-plans'});
  plansCard.append(plansTitle, plansList);

  const closingCard = el('section', {class: 'card panel-card closing-card', 'aria-labelledby': 'panel-closing-title'});
  const closingTitle = el('h2', {id: 'panel-closing-title', class: 'panel-title'});
  const usefulList = el('ul', {class: 'useful-list'});
  const agreementsTitle = el('h3', {class: 'panel-subtitle'});
  const agreementsText = el('p', {class: 'agreements-text'});
  const scaleTitle = el('h3', {class: 'panel-subtitle'});
  const scaleText = el('p', {class: 'panel-hint'});
  const scaleBox = el('div', {class: 'scale-chart-box'});
  closingCard.append(closingTitle, usefulList, agreementsTitle, agreementsText);
  // The scale question may be asked at the start and at the end (or at a follow-up meeting):
  // it has a card of its own, shown while it is open and, once closed, at the start and close.
  const scaleCard = el('section', {class: 'card panel-card scale-card', 'aria-labelledby': 'panel-scale-title'}, scaleTitle, scaleText, scaleBox);
  scaleTitle.id = 'panel-scale-title';

  const reviewCard = createReviewCard();
  parts.body.append(joinCard, reviewCard.root, questionsCard, countsCard, readyCard, voteCard, chosenCard, plansCard, closingCard, scaleCard);

  // -- footer: the join line and the credit ------------------------------------------------
  const footerJoin = el('p', {class: 'footer-join'});
  const footerCredit = el('p', {class: 'footer-credit'});
  parts.footer.prepend(el('div', {class: 'footer-text'}, footerJoin, footerCredit));

  let lastTimeUp = null;

  function joinLink(code) {
    return `${location.origin}/j/${code}`;
  }

  /** The join address as shown: a narrow column breaks it after /j/, never inside the code. */
  function joinAddress(code) {
    return el('span', {}, `${location.origin}/j/`, el('wbr'), el('span', {class: 'join-code-whole'}, code));
  }

  function renderStatus(s) {
    const board = s.board;
    const phases = phasesOf(board);
    const index = phases.indexOf(board.phase);
    if (isAside(board)) {
      // The warm-up and the pause step away from the circles: the status names the part.
      setText(progress, t('agenda.title'));
      setText(phaseName, t(`agenda.part.${currentPart(board)}`));
    } else {
      setText(progress, t('phase.progress', {n: index + 1, total: phases.length}));
      setText(phaseName, t(stepOf(board) === REVIEW_STEP ? 'phase.review' : `phase.${board.phase}`));
    }
    const who = s.presence === null ? plural('people.count', (board.participants || []).length) : t('people.online', {count: s.presence});
    setText(people.lastChild, `${who} · ${t(`conn.${s.status}`)}`);
    dot.dataset.status = s.status;
    tick(s);
  }

  function tick(s) {
    const board = s?.board;
    if (!board) return;
    const shown = bigTimer(board);
    const left = remainingMs(shown, s.serverOffsetMs);
    timer.hidden = left === null;
    if (left === null) {
      lastTimeUp = null;
      return;
    }
    setText(timerClock, formatClock(left));
    const up = left === 0 && shown.running;
    setText(timerNote, up ? t('timer.done') : shown.running ? '' : t('timer.paused'));
    timerNote.hidden = !timerNote.textContent;
    timer.classList.toggle('low', left > 0 && left <= LOW_TIME_MS);
    timer.classList.toggle('done', up);
    timer.classList.toggle('paused', !shown.running);
    setAttr(timer, 'aria-label', t('timer.aria', {time: formatClock(left)}));
    const key = `${shown.deadline_ms}`;
    if (up && lastTimeUp !== key) {
      lastTimeUp = key;
      setText(timeUpLive, t('timer.done'));
      onTimeUp?.();
    }
  }

  function renderQuestions(board) {
    const step = stepOf(board);
    setText(questionsTitle, t(step.title));
    const sig = JSON.stringify([board.phase, step.title, language()]);
    if (questionsList.dataset.sig === sig) return;
    questionsList.dataset.sig = sig;
    clear(questionsList);
    for (const key of step.questions) questionsList.append(el('li', {}, t(key)));
    const intro = board.phase === 'step_forward' && board.plan_mode === 'groups' ? 'method.step.duos' : null;
    setText(questionsIntro, intro ? t(intro) : '');
    questionsIntro.hidden = !intro;
  }

  /** @param {number} typing how many are typing a note now (the server's count, never who) */
  function renderCounts(board, typing) {
    const counts = board.counts || {inner: 0, outer: 0};
    const writing = READING_CIRCLE[board.phase.replace('writing', 'reading')] || null;
    setText(countsTitle, t('screen.counts.title'));
    setText(countInner, String(counts.inner));
    setText(countOuter, String(counts.outer));
    setText(countInnerLabel, t('screen.counts.inner', {n: counts.inner}));
    setText(countOuterLabel, t('screen.counts.outer', {n: counts.outer}));
    rowInner.classList.toggle('is-current', writing === 'inner');
    rowOuter.classList.toggle('is-current', writing === 'outer');
    rowOuter.hidden = board.phase === 'inner_writing' && !counts.outer;
    // How many have written in the circle being written, not who: the facilitator sees when
    // the room is done.
    const total = (board.participants || []).length;
    for (const [circle, node] of [['inner', writersInner], ['outer', writersOuter]]) {
      const writers = board.writers?.[circle];
      node.hidden = circle !== writing || typeof writers !== 'number' || !total;
      if (!node.hidden) setText(node, t('screen.counts.writers', {n: writers, total}));
    }
    // Who is still typing, as a number: the facilitator waits for them before moving on.
    countsTyping.hidden = !writing || !typing;
    if (!countsTyping.hidden) setText(countsTyping, plural('screen.counts.typing', typing));
    setText(countsHint, t('screen.counts.hidden'));
  }

  function renderJoin(code, big) {
    joinCard.classList.toggle('is-compact', !big);
    setText(joinTitle, t('screen.join.title'));
    if (!code) {
      joinCard.hidden = true;
      return;
    }
    const src = qrSource();
    qr.hidden = !src;
    if (src && qr.getAttribute('src') !== src) qr.setAttribute('src', src);
    setAttr(qr, 'alt', t('start.qr.alt', {code}));
    const sig = JSON.stringify([code, language()]);
    if (joinSteps.dataset.sig !== sig) {
      joinSteps.dataset.sig = sig;
      clear(joinSteps);
      joinSteps.append(el('li', {}, t('screen.join.scan')), el('li', {}, t('screen.join.or_go', {host: location.host})));
    }
    setText(joinCodeLabel, `${t('screen.join.code_label')} `);
    if (joinCodeValue.dataset.code !== code) {
      joinCodeValue.dataset.code = code;
      joinCodeValue.replaceChildren(...joinCodeGroups(code));
    }
    if (joinUrl.dataset.code !== code) {
      joinUrl.dataset.code = code;
      joinUrl.replaceChildren(joinAddress(code));
    }
  }

  function renderReady(board) {
    const position = readingPosition(board);
    const circle = READING_CIRCLE[board.phase];
    setText(readyTitle, readyText(board, circle, position.total));
    setText(readyHint, `${t('method.reading.hint')}${isFacilitator ? ` ${t('screen.ready.keys')}` : ''}`);
  }

  function renderVote(board) {
    const v = board.voting || {status: 'not_started'};
    setText(voteTitle, t('screen.vote.title'));
    if (v.status === 'open') {
      setText(voteText, t('screen.vote.open', {dots: v.dots, voters: v.voters, cast: v.cast}));
    } else if (v.status === 'closed') {
      setText(voteText, t('screen.vote.closed', {voters: v.voters}));
    } else {
      setText(voteText, t('screen.vote.soon'));
    }
    const top = v.status === 'closed' ? rankedOuter(board).filter((r) => r.dots > 0).slice(0, TOP_ITEMS) : [];
    const sig = JSON.stringify([top.map((r) => [r.note.id, r.note.text, r.dots]), board.chosen, language()]);
    if (voteTop.dataset.sig !== sig) {
      voteTop.dataset.sig = sig;
      clear(voteTop);
      for (const {note, dots} of top) {
        voteTop.append(
          el(
            'li',
            {class: note.id === board.chosen ? 'is-chosen' : ''},
            el('span', {class: 'vote-top-dots'}, plural('screen.note.dots', dots)),
            el('span', {class: 'vote-top-text'}, note.text),
          ),
        );
      }
    }
    voteTop.hidden = top.length === 0;
  }

  function planItem(board, plan, withNote) {
    const note = noteById(board, plan.note);
    const meta = [];
    if (plan.who) meta.push(t('plan.summary_who', {who: plan.who}));
    if (plan.when) meta.push(t('plan.summary_when', {when: plan.when}));
    return el(
      'li',
      {class: ['panel-plan', board.reading === plan.id && 'is-reading']},
      el('p', {class: 'panel-plan-what'}, plan.what),
      meta.length ? el('p', {class: 'panel-plan-meta'}, meta.join(' · ')) : null,
      withNote && note ? el('p', {class: 'panel-plan-for'}, t('plan.for', {text: note.text})) : null,
    );
  }

  function renderChosen(board) {
    const note = noteById(board, board.chosen);
    chosenCard.hidden = !note;
    if (!note) return;
    setText(chosenTitle, t('screen.chosen.title'));
    setText(chosenText, note.text);
    const plans = plansInOrder(board).filter((p) => p.note === note.id);
    const sig = JSON.stringify([plans, board.reading, language()]);
    if (chosenPlans.dataset.sig !== sig) {
      chosenPlans.dataset.sig = sig;
      clear(chosenPlans);
      for (const plan of plans) chosenPlans.append(planItem(board, plan, false));
    }
  }

  function renderPlans(board, excludeChosen) {
    const meeting = board.meeting ?? 1;
    const plans = plansInOrder(board).filter((p) => (!excludeChosen || p.note !== board.chosen) && (p.meeting ?? 1) === meeting);
    plansCard.hidden = plans.length === 0;
    setText(plansTitle, t('plan.list'));
    const sig = JSON.stringify([plans, board.reading, board.notes.length, language()]);
    if (plansList.dataset.sig !== sig) {
      plansList.dataset.sig = sig;
      clear(plansList);
      for (const plan of plans) plansList.append(planItem(board, plan, true));
    }
  }

  function renderClosing(board) {
    setText(closingTitle, t('screen.closing.title'));
    const r = board.reflections || {summary: {yes: 0, partly: 0, no: 0}, items: []};
    const total = r.summary.yes + r.summary.partly + r.summary.no;
    const sig = JSON.stringify([r.summary, language()]);
    if (usefulList.dataset.sig !== sig) {
      usefulList.dataset.sig = sig;
      clear(usefulList);
      for (const key of ['yes', 'partly', 'no']) {
        const bar = el('span', {class: 'useful-bar'});
        bar.style.setProperty('--share', total ? String(r.summary[key] / total) : '0');
        usefulList.append(
          el('li', {class: 'useful-row', 'data-answer': key}, el('span', {class: 'useful-label'}, t(`reflect.${key}`)), el('span', {class: 'useful-track'}, bar), el('span', {class: 'useful-count'}, String(r.summary[key]))),
        );
      }
    }
    setText(agreementsTitle, t('agreements.title'));
    setText(agreementsText, board.agreements || t('screen.agreements.none'));
    agreementsText.classList.toggle('is-empty', !board.agreements);
  }

  function renderScale(board) {
    const sc = board.scale || {status: 'not_started', answered: 0, distribution: null};
    // At a follow-up, until the question is asked again, the answers are an earlier meeting's.
    const earlier = sc.status === 'closed' && (sc.meeting ?? 1) < (board.meeting ?? 1);
    setText(scaleTitle, earlier ? t('screen.scale.title_earlier', {n: sc.meeting}) : t('scale.title'));
    setText(scaleText, sc.status === 'open' ? `${t('scale.question')} ${plural('screen.scale.answered', sc.answered)}` : t('scale.question'));
    const csig = JSON.stringify([sc.distribution, sc.previous, language()]);
    if (scaleBox.dataset.sig !== csig) {
      scaleBox.dataset.sig = csig;
      clear(scaleBox);
      if (sc.distribution || sc.previous) scaleBox.append(scaleChart(sc.distribution, sc.previous));
    }
  }

  let footerShown = '';
  function renderFooter(code) {
    const line = code ? t('screen.join.line', {url: joinLink(code), code}) : '';
    if (line !== footerShown) {
      footerShown = line;
      const [before, after = ''] = t('screen.join.line', {url: '\u0000', code}).split('\u0000');
      if (code) replaceChildren(footerJoin, before, joinAddress(code), after);
      else clear(footerJoin);
    }
    footerJoin.hidden = !code;
    setText(footerCredit, t('method.credit'));
  }

  /** @param {import('./store.js').State} s */
  function render(s) {
    const board = s.board;
    if (!board) return;
    renderStatus(s);
    const phase = board.phase;
    const code = joinCode();
    // In the warm-up and the pause the agenda's card (agenda.js) takes the panel; people may
    // still join during the warm-up.
    const aside = isAside(board);
    const reading = !aside && readingPosition(board).item !== null;
    const writing = WRITING.has(phase);
    const gathering = phase === 'topic' || phase === 'pairing';
    const showJoin = Boolean(code) && (gathering || writing || phase === 'duos');
    const cards = aside ? {join: Boolean(code) && currentPart(board) === 'warm_up'} : {
      join: showJoin && !reading,
      questions: !reading && phase !== 'inner_reading' && phase !== 'outer_reading',
      counts: !reading && writing,
      ready: !reading && Boolean(READING_CIRCLE[phase]),
      vote: !reading && phase === 'step_forward' && !board.chosen,
      chosen: !reading && phase === 'step_forward' && Boolean(board.chosen),
      plans: !reading && phase === 'step_forward',
      closing: !reading && phase === 'closing',
      scale: !reading && scaleShown(board),
      review: !reading && phase === 'topic' && (board.meeting ?? 1) > 1,
    };
    reviewCard.root.hidden = !cards.review;
    if (cards.review) reviewCard.render(board);
    joinCard.hidden = !cards.join;
    if (cards.join) renderJoin(code, !aside && (gathering || writing));
    questionsCard.hidden = !cards.questions;
    if (cards.questions) renderQuestions(board);
    countsCard.hidden = !cards.counts;
    if (cards.counts) renderCounts(board, s.writingNow);
    readyCard.hidden = !cards.ready;
    if (cards.ready) renderReady(board);
    voteCard.hidden = !cards.vote;
    if (cards.vote) renderVote(board);
    if (cards.chosen) renderChosen(board);
    else chosenCard.hidden = true;
    if (cards.plans) renderPlans(board, true);
    else plansCard.hidden = true;
    closingCard.hidden = !cards.closing;
    if (cards.closing) renderClosing(board);
    scaleCard.hidden = !cards.scale;
    if (cards.scale) renderScale(board);
    renderFooter((aside ? cards.join : showJoin) ? null : code);
    parts.body.dataset.phase = phase;
    parts.body.classList.toggle('is-reading', reading);
  }

  return {render, tick};
}

function scaleShown(board) {
  const status = board.scale ? board.scale.status : 'not_started';
  if (status === 'open') return true;
  return status === 'closed' && (board.phase === 'topic' || board.phase === 'closing');
}

/** What the reading card says is waiting: at a follow-up, the new notes (the earlier meetings'
 * stay on the circles but are not read again). */
function readyText(board, circle, total) {
  if ((board.meeting ?? 1) === 1) return plural(`screen.ready.${circle}`, total);
  if (total === 0) return t(`screen.ready.new.${circle}.none`);
  return plural(`screen.ready.new.${circle}`, total);
}
