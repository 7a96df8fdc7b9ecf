// A join code as people read it: aloud, or from across the room, and type it on a phone.

import {el} from './dom.js';

/** The code in groups of five, like a licence key. The groups are spaced by the stylesheet
 * (`.join-code-group`), so the code's text has no space in it and copies whole.
 * @param {string} code */
export function joinCodeGroups(code) {
  return (code.match(/.{1,5}/g) || []).map((group) => el('span', {class: 'join-code-group'}, group));
}
