// Starts the app: loads the wasm-bindgen glue and the wasm. An external file, because the
// server's Content-Security-Policy allows no inline script. `cargo xtask dist` rewrites both
// names to their fingerprinted copies.
import init from "/frontend.js";

init({ module_or_path: "/frontend_bg.wasm" });

// The service worker keeps the app and the class's set-up for an offline start (static/sw.js).
// Not fingerprinted: its address must stay the same from build to build.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error) => {
    console.warn("no offline start: the service worker was refused", error);
  });
}
