// Dot voting on the phone: tap an outer item to place or take back a dot.
import {el} from './dom.js';
import {t} from './i18n.js';
import {keyedList} from './keyed.js';
import {myVotes, revealedNotes} from './phone-derive.js';

export function createVoting({actions}) {
  const heading = el('h2', {id: 'vote-title'});
  const intro = el('p', {class: 'hint'});
  const left = el('p', {class: 'dots-left', role: 'status'});
  const list = el('ul', {class: 'note-list'});
  const empty = el('p', {class: 'muted'});
  const root = el('section', {class: 'card', 'aria-labelledby': 'vote-title'}, heading, intro, left, list, empty);
  const update = keyedList(list);

  return {
    root,
    update(state) {
      const board = state.board;
      const voting = board.voting;
      const votes = myVotes(state);
      const dots = voting.dots || 0;
      const remaining = Math.max(0, dots - votes.size);
      heading.textContent = t('vote.title');
      const items = revealedNotes(board, 'outer');
      const tally = voting.tally || null;
      const open = voting.status === 'open';
      intro.textContent = open
        ? t('vote.intro')
        : voting.status === 'closed' ? t('vote.closed') : t('vote.not_started');
      left.hidden = !open;
      if (open) {
        const pips = [];
        for (let i = 0; i < dots; i++) pips.push(el('span', {class: ['pip', i >= remaining && 'used'], 'aria-hidden': 'true'}));
        left.replaceChildren(...pips, el('span', {}, remaining ? t('vote.left', {left: remaining, dots}) : t('vote.none_left')));
      }
      const sorted = tally ? [...items].sort((a, b) => (tally[b.id] || 0) - (tally[a.id] || 0)) : items;
      update(sorted, {
        key: (note) => note.id,
        signature: (note) => JSON.stringify([note.text, votes.has(note.id), open, remaining === 0, tally && tally[note.id], board.chosen === note.id, t('vote.placed')]),
        render: (note) => {
          const placed = votes.has(note.id);
          const chosen = board.chosen === note.id;
          if (!open) {
            const count = tally ? tally[note.id] || 0 : null;
            return el('li', {class: ['note', chosen && 'chosen'], 'data-circle': 'outer'},
              el('p', {class: 'note-text'}, note.text),
              el('div', {class: 'note-meta'},
                count !== null && el('span', {class: 'tally'}, count === 1 ? t('vote.tally_one') : t('vote.tally', {count})),
                placed && el('span', {class: 'badge badge-mine'}, t('vote.placed')),
                chosen && el('span', {class: 'badge badge-saved'}, t('vote.chosen'))));
          }
          const button = el('button', {
            type: 'button', class: 'vote-item', 'aria-pressed': String(placed),
            'aria-disabled': String(!placed && remaining === 0),
            on: {click: () => {
              if (placed) actions.retractVote(note.id);
              else if (remaining > 0) actions.castVote(note.id);
            }},
          }, el('span', {class: 'dot', 'aria-hidden': 'true'}), el('span', {class: 'vote-text'}, note.text));
          return el('li', {}, button);
        },
      });
      empty.hidden = items.length > 0;
      empty.textContent = items.length ? '' : t('phone.revealed.empty');
    },
  };
}
