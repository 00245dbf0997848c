// Starts the app: loads the wasm-bindgen glue and the wasm. An external file, because the
// server's Content-Security-Policy allows no inline script. `cargo xtask dist` rewrites both
// names to their fingerprinted copies.
import init from "/frontend.js";

init({ module_or_path: "/frontend_bg.wasm" });
