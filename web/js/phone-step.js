// The method step card: the phase's title and guidance questions from the catalogue, the
// topic, a small picture of the two circles, and the credit line.
import {el, svg} from './dom.js';
import {t} from './i18n.js';
import {REVIEW_STEP, circleOf, stepOf} from './method.js';

function circles(active, counts) {
  const ring = (r, circle, fill, stroke) =>
    svg('circle', {
      cx: 40, cy: 40, r, fill, stroke, 'stroke-width': active === circle ? 5 : 2,
      'stroke-dasharray': active && active !== circle ? '4 3' : null,
    });
  return svg('svg', {class: 'mini-circles', width: 48, height: 48, viewBox: '0 0 80 80', role: 'img',
    'aria-label': t('phone.circles_aria', {inner: counts.inner, outer: counts.outer})},
    ring(36, 'outer', '#fdf0dc', '#8a4b00'),
    ring(18, 'inner', '#e4f3e9', '#21693f'),
    svg('text', {x: 40, y: 45, 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 700, fill: '#1d232c'}, String(counts.inner)),
    svg('text', {x: 40, y: 15.5, 'text-anchor': 'middle', 'font-size': 11, 'font-weight': 700, fill: '#1d232c'}, String(counts.outer)));
}

export function createStepCard() {
  const progress = el('p', {class: 'step-progress'});
  const title = el('h1', {class: 'step-title', id: 'step-title', tabindex: '-1'});
  const picture = el('div', {});
  const topic = el('p', {class: 'topic-line'});
  const introText = el('p', {});
  const introSummary = el('summary', {});
  const intro = el('details', {class: 'step-intro'}, introSummary, introText);
  const questions = el('ul', {class: 'questions'});
  const credit = el('p', {class: 'credit'});
  const root = el('section', {class: 'card step-card', 'aria-labelledby': 'step-title'},
    el('div', {class: 'step-head'}, progress, picture),
    title,
    topic, intro, questions, credit);
  let signature = '';

  return {
    root,
    update(state) {
      const board = state.board;
      const phase = board.phase;
      const step = stepOf(board);
      const counts = board.counts || {inner: 0, outer: 0};
      const sig = JSON.stringify([phase, board.topic, counts, t(step.title)]);
      if (sig === signature) return false;
      const phaseChanged = !signature.startsWith(`["${phase}"`);
      signature = sig;
      const circle = circleOf(phase);
      root.dataset.circle = circle || '';
      progress.textContent = t(step === REVIEW_STEP ? 'phase.review' : `phase.${phase}`);
      title.textContent = t(step.title);
      picture.replaceChildren(circles(circle, counts));
      topic.replaceChildren();
      if (board.topic) {
        topic.append(el('span', {class: 'muted'}, `${t('phone.topic.label')}: `), board.topic);
      } else {
        topic.append(el('span', {class: 'muted'}, t('phone.topic.empty')));
      }
      introSummary.textContent = t('phone.more');
      introText.textContent = step.intro ? t(step.intro) : '';
      intro.hidden = !step.intro;
      questions.replaceChildren(...step.questions.map((key) => el('li', {}, t(key))));
      questions.setAttribute('aria-label', t('phone.questions'));
      credit.textContent = t('method.credit');
      return phaseChanged;
    },
    focus() {
      title.focus();
    },
  };
}
