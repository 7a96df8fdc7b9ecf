// The method's steps as the pages show them: a mirror of app/room/method.py and
// app/room/phases.py (the i18n keys of each phase's title and guidance questions).

export const PHASES = [
  'topic',
  'inner_writing',
  'inner_reading',
  'outer_writing',
  'outer_reading',
  'step_forward',
  'closing',
];

/** The phases of a duo board (app/room/phases.py DUO_ORDER). */
export const DUO_PHASES = ['pairing', 'duos', 'closing'];

/** The phase list of this board's variant. */
export function phasesOf(board) {
  return board?.variant === 'duo' ? DUO_PHASES : PHASES;
}

/** @type {Record<string, {title: string, intro?: string, questions: string[]}>} */
export const STEPS = {
  topic: {title: 'method.topic.title', questions: ['method.topic.q1']},
  inner_writing: {
    title: 'method.inner_writing.title',
    intro: 'method.inner.intro',
    questions: ['method.inner.q1', 'method.inner.q2', 'method.inner.q3', 'method.inner.q4'],
  },
  inner_reading: {title: 'method.inner_reading.title', questions: ['method.reading.hint']},
  outer_writing: {
    title: 'method.outer_writing.title',
    intro: 'method.outer.intro',
    questions: ['method.outer.q1', 'method.outer.q2', 'method.outer.hint'],
  },
  outer_reading: {title: 'method.outer_reading.title', questions: ['method.reading.hint']},
  step_forward: {
    title: 'method.step_forward.title',
    intro: 'method.step.intro',
    questions: ['method.step.q1', 'method.step.q2'],
  },
  closing: {
    title: 'method.closing.title',
    questions: ['method.closing.q1', 'method.closing.q2', 'method.closing.q3'],
  },
  pairing: {title: 'method.pairing.title', questions: ['method.pairing.q1']},
  duos: {
    title: 'method.duos.title',
    questions: ['method.duos.q1', 'method.duos.q2', 'method.duos.q3', 'method.duos.q4', 'method.duos.q5'],
  },
};

/** The first step of a follow-up meeting (its `topic` phase): looking back on the steps. */
export const REVIEW_STEP = {
  title: 'method.review.title',
  questions: ['method.review.q1', 'method.review.q2', 'method.review.q3'],
};

/** The step the board is at: the review at the start of a follow-up, else its phase's. */
export function stepOf(board) {
  return board.phase === 'topic' && (board.meeting ?? 1) > 1 ? REVIEW_STEP : STEPS[board.phase];
}

/** The four steps of a duo sheet (app/room/method.py DUO_STEPS): what the interviewer asks. */
export const DUO_STEPS = ['activity', 'inner', 'outer', 'step_forward'];
const DUO_QUESTION_COUNT = {activity: 1, inner: 4, outer: 2, step_forward: 2};

/** The i18n keys of one duo step: title, questions, and the hint for the interviewer. */
export function duoGuide(step) {
  const count = DUO_QUESTION_COUNT[step] || 0;
  return {
    title: `duo.step.${step}.title`,
    questions: Array.from({length: count}, (_, i) => `duo.step.${step}.q${i + 1}`),
    hint: `duo.step.${step}.hint`,
  };
}

/** The circle each writing phase accepts notes for. */
export const WRITING_CIRCLE = {inner_writing: 'inner', outer_writing: 'outer'};

/** The circle a phase is about (for colouring), or null. */
export function circleOf(phase) {
  if (phase.startsWith('inner_')) return 'inner';
  if (phase.startsWith('outer_')) return 'outer';
  return null;
}

/** Which circles are revealed by the time the room is in `phase`. */
export function revealedCircles(phase) {
  const index = PHASES.indexOf(phase);
  const circles = [];
  if (index >= PHASES.indexOf('inner_reading')) circles.push('inner');
  if (index >= PHASES.indexOf('outer_reading')) circles.push('outer');
  return circles;
}
