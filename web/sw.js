// The phone page's service worker: it keeps the page and its files, so that a phone can open
// its board without a network (a reload in a tunnel, or a browser that dropped the tab while
// the phone was offline). The page then shows that it is offline, keeps the notes written
// meanwhile in its outbox and sends them once it is back online.
//
// Theory of operation: the server sends this file at /sw.js with the marks below filled in:
// the web app's version, the phone page's address and the files that page needs (every file it
// names, and every catalogue of texts, all under the version). The phone page registers it for
// /j/ only. Installing keeps all of them in a cache of that version. A phone page is asked for
// on the network first, and only when the network fails (or a proxy answers that the server is
// away) the kept page is shown; each /j/<code> is the same page. A file under the version comes
// from the cache. Nothing else goes through this worker: not the board's data, not the
// WebSocket. A new version of the web app is a new version of this file: the browser installs
// it on its next visit, and the caches of other versions are removed.

const VERSION = '{{version}}';
const PAGE = '{{page}}';
const FILES = '{{files}}'.split(' ');
const CACHE = `cirkelbord-${VERSION}`;
const FILE_PREFIX = `/static/v/${VERSION}/`;
/** What a proxy answers while the server behind it is away: show the kept page instead. */
const SERVER_AWAY = new Set([502, 503, 504]);

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const page = await fetch(PAGE, {cache: 'no-cache'});
      // A page of another version (the server was upgraded meanwhile) would name other files.
      if (!page.ok || !(await page.clone().text()).includes(FILE_PREFIX)) {
        throw new Error(`the phone page is not of version ${VERSION}`);
      }
      await cache.addAll(FILES);
      await cache.put(PAGE, page);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('cirkelbord-') && name !== CACHE) await caches.delete(name);
      }
      if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(openPage(event));
  } else if (url.pathname.startsWith(FILE_PREFIX)) {
    event.respondWith(keptFile(request));
  }
});

/** The page from the network; the kept one when the network or the server is away. */
async function openPage(event) {
  try {
    const response = (await event.preloadResponse) || (await fetch(event.request));
    if (!SERVER_AWAY.has(response.status)) return response;
    return (await caches.match(PAGE, {cacheName: CACHE})) || response;
  } catch (error) {
    const kept = await caches.match(PAGE, {cacheName: CACHE});
    if (kept) return kept;
    throw error;
  }
}

/** A file of this version from the cache (it never changes under its name), else fetched. */
async function keptFile(request) {
  const kept = await caches.match(request, {cacheName: CACHE});
  return kept || fetch(request);
}
