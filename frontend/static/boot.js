// Starts the app: picks the build for this address, then loads its wasm-bindgen glue and its
// wasm side by side. An external file, because the server's Content-Security-Policy allows no
// inline script. `cargo xtask dist` rewrites the five names to their fingerprinted copies.
//
// Two builds of the same app (frontend/src/bundle.rs): the class tablet's, small (log-in, tablet
// sign-in, the entry page), for the addresses a tablet opens; the full app for every other one.
// The tablet's build loads any other screen as a new page, which lands here again.
const TABLET_PATHS = ["/", "/login", "/tablet", "/entry"];
const tablet = TABLET_PATHS.includes(location.pathname);
const [glue, wasm] = tablet
  ? ["/tablet.js", "/tablet_bg.wasm"]
  : ["/frontend.js", "/frontend_bg.wasm"];

// Every page has the tablet's rules (index.html); the full app adds the whole sheet, which
// holds them again in their place among the others, so that the cascade is the source's.
if (!tablet) {
  const sheet = document.createElement("link");
  sheet.rel = "stylesheet";
  sheet.href = "/style.css";
  document.head.append(sheet);
}

const wasmResponse = fetch(wasm);
import(glue)
  .then((app) => app.default({ module_or_path: wasmResponse }))
  .catch((error) => console.error("the app did not start", error));

// The service worker keeps the app and the class's set-up for an offline start (static/sw.js).
// Not fingerprinted: its address must stay the same from build to build. It keeps the tablet's
// build from the start; the full app once a page of it has run on this device, so that a class
// tablet never downloads the school's pages.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error) => {
    console.warn("no offline start: the service worker was refused", error);
  });
  if (!tablet) {
    navigator.serviceWorker.ready.then((registration) => {
      registration.active?.postMessage("keep-full-app");
    });
  }
}
