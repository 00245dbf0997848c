// The service worker of the class tablet: after the first visit the app opens with no network.
//
// - The app shell (index.html, the class tablet's build of the app: its fingerprinted wasm and
//   JS, the CSS, icons, manifest) is cached at install. The full app (the school's pages, three
//   times the size) is kept too, but only once a page of it ran on this device (boot.js asks),
//   so a class tablet never downloads it. `cargo xtask dist` writes the build's file lists and
//   version below; a new build is a new worker with a new cache, and the old cache is deleted
//   once it takes over.
// - Pages (navigations) and the account, policy and two-weeks answers of the API are fetched
//   from the network first and kept; without a network the kept copy answers, so the entry page
//   opens offline with the class's subjects and limit. Every other API call goes to the network.
// - The day reports the monitor records offline are not the worker's business: the app keeps
//   them in its outbox (IndexedDB) and sends them itself.
// - Logging out forgets the kept API answers.

const VERSION = "dev";
const PRECACHE = ["/"];
const FULL_APP = [];

const SHELL_CACHE = "shell-" + VERSION;
const API_CACHE = "api-v1";
/// How long a page or an API call may take before the kept copy answers instead.
const NETWORK_TIMEOUT_MS = 4000;
/// The API answers worth keeping for an offline start.
const KEPT_API = [/^\/api\/v1\/me$/, /^\/api\/v1\/policy$/, /^\/api\/v1\/classes\/\d+\/reports$/];

/// A file whose name carries its content hash (`tablet_bg-1a2b3c4d5e6f.wasm`): the copy the page
/// itself just downloaded (HTTP cache) is the right one, so installing costs no second download.
const FINGERPRINTED = /-[0-9a-f]{12}\.(wasm|js|css)$/;

self.addEventListener("install", (event) => {
  const fresh = (url) => new Request(url, { cache: FINGERPRINTED.test(url) ? "default" : "reload" });
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then((cache) => cache.addAll(PRECACHE.map(fresh)))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((n) => n.startsWith("shell-") && n !== SHELL_CACHE).map((n) => caches.delete(n)),
      ))
      .then(() => self.clients.claim()),
  );
});

// A page of the full app ran: keep that build too, for offline starts of its pages.
self.addEventListener("message", (event) => {
  if (event.data === "keep-full-app") {
    event.waitUntil(keepFullApp());
  }
});

async function keepFullApp() {
  const cache = await caches.open(SHELL_CACHE);
  for (const url of FULL_APP) {
    // Fingerprinted: the copy the page just loaded (HTTP cache) is the right one.
    if (!(await cache.match(url))) {
      await cache.add(url);
    }
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === "/api/v1/auth/logout" || url.pathname === "/api/v1/auth/login") {
    // A new person: nothing of the last one's may open offline.
    event.respondWith(fetch(request).finally(() => caches.delete(API_CACHE)));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.startsWith("/api/")) {
    if (KEPT_API.some((re) => re.test(url.pathname))) {
      event.respondWith(networkFirst(request, API_CACHE, request));
    }
    return;
  }
  if (request.mode === "navigate") {
    // Any of the app's addresses is index.html; the kept copy is the one of this build.
    event.respondWith(networkFirst(request, SHELL_CACHE, "/"));
    return;
  }
  event.respondWith(
    caches.match(request, { cacheName: SHELL_CACHE }).then((hit) => hit || fetch(request)),
  );
});

/// The network's answer, kept under `key` when it is good; the kept one when the network fails
/// or is slow (and the network's after all when nothing was kept). A 401 forgets what was kept:
/// the session is over.
async function networkFirst(request, cacheName, key) {
  const cache = await caches.open(cacheName);
  const fromNetwork = fetch(request).then(async (response) => {
    if (response.ok) {
      await cache.put(key, response.clone());
    } else if (response.status === 401) {
      await caches.delete(API_CACHE);
    }
    return response;
  });
  try {
    return await withTimeout(fromNetwork, NETWORK_TIMEOUT_MS);
  } catch (error) {
    const kept = await cache.match(key);
    return kept || fromNetwork;
  }
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timed out")), ms);
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); },
    );
  });
}
