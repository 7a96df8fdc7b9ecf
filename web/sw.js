// The service worker of the phone page and of the shared screen: it keeps the page and its
// files, so that the page opens without a network (a phone reloading in a tunnel, a tab the
// browser dropped, a projector's screen reloading during a Wi-Fi drop, a server restarting
// behind its proxy). The page then shows that it is offline and carries on once it is back:
// the phone with the board it kept and its outbox, the screen by asking for the board again.
//
// Theory of operation: the server sends this file at /sw.js?for=<kind> with the marks below
// filled in: the web app's version, the kind of page, the address to fetch it from, the
// prefixes it is served under (each /j/<code> is the same phone page; each /f/<room> and
// /s/<code> the same screen), which are also the worker's scopes, and the files the page needs
// (every file it names and every catalogue of texts, all under the version). Installing keeps
// all of them in a cache of that kind and version. A page at one of the prefixes is asked for
// on the network first, and only when the network fails (or a proxy answers that the server is
// away) the kept page is shown. A file under the version comes from the cache. Nothing else
// is kept: not the history pages, not the board's data; the WebSocket never passes here. A
// new version of the web app is a new version of this file: the browser installs it on its
// next visit, and the caches of other versions are removed.

const VERSION = '{{version}}';
const KIND = '{{kind}}';
const PAGE = '{{page}}';
const PREFIXES = '{{prefixes}}'.split(' ');
const FILES = '{{files}}'.split(' ');
const CACHE = `cirkelbord-${KIND}-${VERSION}`;
const FILE_PREFIX = `/static/v/${VERSION}/`;
/** What a proxy answers while the server behind it is away: show the kept page instead. */
const SERVER_AWAY = new Set([502, 503, 504]);

/** Whether `path` is the kept page: one segment below one of the prefixes. */
function isPage(path) {
  return PREFIXES.some((prefix) => {
    const rest = path.slice(prefix.length);
    return path.startsWith(prefix) && rest !== '' && !rest.includes('/');
  });
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const page = await fetch(PAGE, {cache: 'no-cache'});
      // A page of another version (the server was upgraded meanwhile) would name other files.
      if (!page.ok || !(await page.clone().text()).includes(FILE_PREFIX)) {
        throw new Error(`the ${KIND} page is not of version ${VERSION}`);
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
        if (name.startsWith(`cirkelbord-${KIND}-`) && name !== CACHE) await caches.delete(name);
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
    event.respondWith(isPage(url.pathname) ? openPage(event) : fromNetwork(event));
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

/** Another page in scope (a history page): the network only, taking the preloaded answer. */
async function fromNetwork(event) {
  return (await event.preloadResponse) || fetch(event.request);
}

/** A file of this version from the cache (it never changes under its name), else fetched. */
async function keptFile(request) {
  const kept = await caches.match(request, {cacheName: CACHE});
  return kept || fetch(request);
}
