// Lets a page open without a network: registers the service worker (web/sw.js, sent at
// /sw.js?for=<kind>) for the addresses of the phone page (/j/<code>) or of the shared screen
// (/f/<room> and /s/<code>). It keeps the page and its files; the board itself always comes over
// the WebSocket. Browsers without service workers, and pages not served over HTTPS (or from
// localhost), simply go without.

/** The worker's scopes per kind of page: the prefixes the server's OFFLINE_PAGES names. */
const SCOPES = {phone: ['/j/'], screen: ['/f/', '/s/']};

/** Register the worker once the page has loaded, so it does not compete with the page's own
 * files on a slow link (those it keeps come from the browser's cache then).
 * @param {'phone'|'screen'} kind */
export function keepForOffline(kind) {
  if (!('serviceWorker' in navigator)) return;
  const register = () => {
    for (const scope of SCOPES[kind]) {
      navigator.serviceWorker.register(`/sw.js?for=${kind}`, {scope}).catch((error) => {
        console.info('Cirkelbord: this page will not open offline:', error.message);
      });
    }
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, {once: true});
}
