//! The tools the web build needs beyond cargo: the wasm target, the `wasm-bindgen` CLI of the
//! exact version Cargo.lock pins (the CLI and the library must match to the patch), and
//! optionally binaryen's `wasm-opt`. Missing ones are installed from crates.io.

use crate::cmd::{self, cargo};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Adds the wasm target to the toolchain when rustup does not list it as installed.
pub fn ensure_wasm_target() -> Result<(), String> {
    let installed = match cmd::output(Command::new("rustup").args([
        "target",
        "list",
        "--installed",
    ])) {
        Ok(list) => list,
        Err(e) => {
            eprintln!(
                "note: cannot ask rustup for the installed targets ({e}); assuming {WASM_TARGET} is there"
            );
            return Ok(());
        }
    };
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(());
    }
    cmd::run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// The version of the `wasm-bindgen` crate that Cargo.lock pins.
pub fn locked_wasm_bindgen_version(root: &Path) -> Result<String, String> {
    let lock_path = root.join("Cargo.lock");
    let lock = String::from_utf8(cmd::read(&lock_path)?)
        .map_err(|_| format!("{} is not UTF-8", lock_path.display()))?;
    version_in_lock(&lock, "wasm-bindgen").ok_or_else(|| {
        format!(
            "{} has no wasm-bindgen package; build the frontend once to lock it",
            lock_path.display()
        )
    })
}

/// Finds `version = "…"` of the `[[package]]` named `name` in the text of a Cargo.lock.
fn version_in_lock(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            let version = lines.next()?.trim();
            return version.strip_prefix("version = \"")?.strip_suffix('"').map(str::to_owned);
        }
    }
    None
}

/// A `wasm-bindgen` CLI of exactly `version`: the one on the PATH, the one in cargo's bin
/// folder, or a freshly installed one.
pub fn ensure_wasm_bindgen(version: &str) -> Result<PathBuf, String> {
    let in_cargo_bin = cargo_bin_dir().map(|d| d.join(exe("wasm-bindgen")));
    let candidates = [Some(PathBuf::from("wasm-bindgen")), in_cargo_bin.clone()];
    for candidate in candidates.iter().flatten() {
        match bindgen_version(candidate) {
            Some(v) if v == version => return Ok(candidate.clone()),
            Some(v) => eprintln!("note: {} is version {v}, not {version}", candidate.display()),
            None => {}
        }
    }
    eprintln!("installing wasm-bindgen-cli {version} (a few minutes, once)");
    cmd::run(cargo().args(["install", "wasm-bindgen-cli", "--version", &format!("={version}")]))?;
    let installed = in_cargo_bin.unwrap_or_else(|| PathBuf::from("wasm-bindgen"));
    match bindgen_version(&installed) {
        Some(v) if v == version => Ok(installed),
        other => Err(format!(
            "installed wasm-bindgen-cli {version}, but {} reports {other:?}",
            installed.display()
        )),
    }
}

/// What `wasm-bindgen --version` says (`wasm-bindgen 0.2.130` → `0.2.130`), if it runs.
fn bindgen_version(program: &Path) -> Option<String> {
    let out = cmd::output(Command::new(program).arg("--version")).ok()?;
    out.split_whitespace().nth(1).map(str::to_owned)
}

/// `$CARGO_HOME/bin`, where `cargo install` puts programs (default `~/.cargo/bin`).
fn cargo_bin_dir() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME").map(PathBuf::from).or_else(|| {
        std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .map(|h| PathBuf::from(h).join(".cargo"))
    })?;
    Some(home.join("bin"))
}

fn exe(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

/// The binaryen release whose `wasm-opt` reads current wasm-bindgen output (Debian's 108
/// cannot); npm carries it as a package that runs on Node.
const BINARYEN_NPM: &str = "binaryen@132.0.0";

/// esbuild, which minifies wasm-bindgen's JavaScript glue (56 KB of readable code in the
/// tablet's build; 1.7 KB less after brotli once minified). From npm, like binaryen; its
/// package pulls its platform's binary from the same registry.
const ESBUILD_NPM: &str = "esbuild@0.25.5";

/// binaryen's `wasm-opt`: from `node_modules` in the workspace root if someone installed it,
/// else from `target/tools`, installing it there with npm the first time. `None` (with a note)
/// when npm is not available: the build then skips the size optimisation.
pub fn wasm_opt(root: &Path) -> Option<PathBuf> {
    npm_tool(root, BINARYEN_NPM, "wasm-opt", "the wasm is not size-optimised")
}

/// esbuild, as [`wasm_opt`]; `None` leaves the glue as wasm-bindgen wrote it.
pub fn esbuild(root: &Path) -> Option<PathBuf> {
    npm_tool(root, ESBUILD_NPM, "esbuild", "the JavaScript glue is not minified")
}

/// The program `bin` of the npm `package`: from the workspace's `node_modules`, else from
/// `target/tools` (installed there the first time).
fn npm_tool(root: &Path, package: &str, bin: &str, without: &str) -> Option<PathBuf> {
    let path = |base: &Path| base.join("node_modules").join(".bin").join(bin);
    let tools = root.join("target").join("tools");
    for candidate in [path(root), path(&tools)] {
        if candidate.exists() {
            return Some(candidate);
        }
    }
    eprintln!("installing {package} from npm for {bin} (once)");
    let installed = std::fs::create_dir_all(&tools).is_ok()
        && cmd::run(Command::new("npm").args(["install", "--prefix"]).arg(&tools).args([
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            package,
        ]))
        .is_ok();
    if installed && path(&tools).exists() {
        Some(path(&tools))
    } else {
        eprintln!("note: {bin} is not available (is npm installed?); {without}");
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locked_version_is_read_from_the_package_entry_not_a_dependency_line() {
        let lock = "[[package]]\nname = \"yew\"\nversion = \"0.21.0\"\ndependencies = [\n \"wasm-bindgen\",\n]\n\n\
                    [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(version_in_lock(lock, "wasm-bindgen").as_deref(), Some("0.2.130"));
        assert_eq!(version_in_lock(lock, "wasm-bindgen-futures"), None);
    }
}
