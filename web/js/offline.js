// Lets the phone page open without a network: registers the service worker (web/sw.js, sent at
// /sw.js) for the phone's addresses, /j/<code>. It keeps the page and its files; the board
// itself always comes over the WebSocket. Browsers without service workers, and pages not
// served over HTTPS (or from localhost), simply go without.

const WORKER = '/sw.js';
const SCOPE = '/j/';

/** Register the worker once the page has loaded, so it does not compete with the page's own
 * files on a slow link (those it keeps come from the browser's cache then). */
export function keepForOffline() {
  if (!('serviceWorker' in navigator)) return;
  const register = () =>
    navigator.serviceWorker.register(WORKER, {scope: SCOPE}).catch((error) => {
      console.info('Cirkelbord: this page will not open offline:', error.message);
    });
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, {once: true});
}
