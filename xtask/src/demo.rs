//! `cargo xtask demo`: build everything and serve the demo school at http://127.0.0.1:8080.

use crate::cmd::{self, cargo, workspace_root};

/// Builds the web app, then runs the release server with `--demo` in the foreground (Ctrl-C
/// stops it). `DATABASE_URL` and `LISTEN_ADDR` pass through; the defaults are `homework.db` in
/// the workspace root and 127.0.0.1:8080.
pub fn demo(args: &[String]) -> Result<(), String> {
    crate::dist::dist()?;
    let root = workspace_root();
    eprintln!("xtask: building and starting the server (the first build takes a few minutes)");
    cmd::run(
        cargo()
            .current_dir(&root)
            .args(["run", "--release", "--package", "backend", "--", "--demo"])
            .args(args)
            .env("STATIC_DIR", root.join("frontend").join("dist")),
    )
}
