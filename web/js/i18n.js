// Translations: one flat catalogue per language (web/i18n/<lang>.json), keys like
// "phone.send" or "method.inner.q1", values with {name} placeholders.
// Dutch is the first language; a key missing from the active catalogue falls back to Dutch,
// then to the key itself (so a missing string is visible, never an empty button).

export const LANGUAGES = ['nl', 'en'];
const DEFAULT_LANGUAGE = 'nl';
const STORAGE_KEY = 'cirkelbord.lang';

const catalogues = new Map();
const fetching = new Map();  // lang -> Promise of its catalogue
let active = DEFAULT_LANGUAGE;
const listeners = new Set();

/** The language chosen on this device earlier, or null. */
export function storedLanguage() {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return LANGUAGES.includes(value) ? value : null;
  } catch {
    return null;
  }
}

/** The language to start with: the stored choice, else `fallback`, else Dutch. */
export function initialLanguage(fallback) {
  return storedLanguage() || (LANGUAGES.includes(fallback) ? fallback : DEFAULT_LANGUAGE);
}

/** Each catalogue is fetched once, also when it is asked for twice before it arrives. */
function fetchCatalogue(lang) {
  let loading = fetching.get(lang);
  if (!loading) {
    // Relative to this module, so under the same version of the web app as the page.
    loading = fetch(new URL(`../i18n/${lang}.json`, import.meta.url), {headers: {Accept: 'application/json'}})
      .then(response => {
        if (!response.ok) throw new Error(`catalogue ${lang}: HTTP ${response.status}`);
        return response.json();
      })
      .then(catalogue => {
        catalogues.set(lang, catalogue);
        return catalogue;
      });
    loading.catch(() => fetching.delete(lang));  // a failed fetch may be tried again
    fetching.set(lang, loading);
  }
  return loading;
}

/**
 * Load the catalogue of `lang` (and Dutch, the fallback) and make it the active language.
 * @param {string} [lang]
 */
export async function loadCatalogue(lang = initialLanguage()) {
  if (!LANGUAGES.includes(lang)) lang = DEFAULT_LANGUAGE;
  await Promise.all([fetchCatalogue(lang), fetchCatalogue(DEFAULT_LANGUAGE)]);
  active = lang;
  document.documentElement.lang = lang;
  return catalogues.get(lang);
}

/** The active language code. */
export function language() {
  return active;
}

/**
 * Switch language: loads the catalogue, persists the choice, tells every subscriber. Rejects,
 * with the language unchanged, when the catalogue cannot be loaded (no network).
 * @param {string} lang
 * @param {{persist?: boolean}} [options]
 */
export async function setLanguage(lang, {persist = true} = {}) {
  if (!LANGUAGES.includes(lang)) throw new Error(`unknown language ${lang}`);
  await loadCatalogue(lang);
  if (persist) {
    try {
      localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // private mode: the choice lasts for this page only
    }
  }
  for (const fn of [...listeners]) fn(lang);
}

/** Call `fn(lang)` after every language change; returns an unsubscribe function. */
export function onLanguageChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Whether the active (or Dutch) catalogue has `key`. */
export function has(key) {
  return lookup(key) !== undefined;
}

function lookup(key) {
  const own = catalogues.get(active);
  if (own && Object.prototype.hasOwnProperty.call(own, key)) return own[key];
  const base = catalogues.get(DEFAULT_LANGUAGE);
  if (base && Object.prototype.hasOwnProperty.call(base, key)) return base[key];
  return undefined;
}

/**
 * The text for `key` in the active language, with {name} placeholders filled from `vars`.
 * @param {string} key
 * @param {Record<string, string | number>} [vars]
 * @returns {string}
 */
export function t(key, vars) {
  const template = lookup(key);
  if (template === undefined) {
    console.warn(`i18n: missing key ${key}`);
    return key;
  }
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : whole,
  );
}

/** A text with a number: `key.one` for 1, else `key.other`, with {n}. */
export function plural(key, n) {
  return t(`${key}.${n === 1 ? 'one' : 'other'}`, {n});
}

/**
 * Fill static markup: `data-i18n="key"` sets textContent, `data-i18n-aria="key"` sets
 * aria-label, `data-i18n-placeholder` the placeholder, `data-i18n-title` the title.
 * @param {ParentNode} [root]
 */
export function applyI18n(root = document) {
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-aria]')) {
    node.setAttribute('aria-label', t(node.dataset.i18nAria));
  }
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) {
    node.setAttribute('placeholder', t(node.dataset.i18nPlaceholder));
  }
  for (const node of root.querySelectorAll('[data-i18n-title]')) {
    node.setAttribute('title', t(node.dataset.i18nTitle));
  }
}
