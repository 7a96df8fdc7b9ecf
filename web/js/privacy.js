// Privacy page: show the statement in one language (both stay visible without JavaScript),
// with the same NL | EN choice the other pages remember.
import {initialLanguage, setLanguage} from './i18n.js';

const switcher = document.getElementById('language');
const buttons = [...switcher.querySelectorAll('button[data-lang]')];
const articles = [...document.querySelectorAll('article[data-lang]')];

function show(lang) {
  for (const article of articles) article.hidden = article.dataset.lang !== lang;
  for (const button of buttons) button.setAttribute('aria-pressed', String(button.dataset.lang === lang));
  document.documentElement.lang = lang;
}

for (const button of buttons) {
  button.addEventListener('click', () => {
    show(button.dataset.lang);
    setLanguage(button.dataset.lang).catch(() => {});
  });
}
switcher.hidden = false;
show(initialLanguage((navigator.language || '').slice(0, 2)));
