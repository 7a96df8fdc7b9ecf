// The NL | EN switch: a group of two toggle buttons. Changing language persists the choice and
// notifies every i18n subscriber, which re-render their own text.
import {el} from './dom.js';
import {LANGUAGES, language, onLanguageChange, setLanguage, t} from './i18n.js';

/** The catalogue did not load (no network): the page stays in its language, and the buttons
 * say so, as they did not change; a later click tries again. */
function stayWith(error) {
  console.info('Cirkelbord: the language stays as it is:', error.message);
}

export function createLanguageSwitch() {
  const buttons = LANGUAGES.map((lang) =>
    el(
      'button',
      {
        type: 'button',
        lang,
        'data-lang': lang,
        on: {click: () => language() !== lang && setLanguage(lang).catch(stayWith)},
      },
      t(`lang.${lang}.short`),
    ),
  );
  const root = el('div', {class: 'segmented', role: 'group'}, buttons);

  function update() {
    root.setAttribute('aria-label', t('lang.label'));
    for (const button of buttons) {
      const lang = button.dataset.lang;
      button.setAttribute('aria-pressed', String(lang === language()));
      button.setAttribute('aria-label', `${t(`lang.${lang}`)} (${t(`lang.${lang}.short`)})`);
    }
  }
  update();
  onLanguageChange(update);
  return root;
}
