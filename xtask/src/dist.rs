//! `cargo xtask dist`: builds the web app into `frontend/dist/`, the folder the server serves.
//!
//! The wasm and its JavaScript glue come from `wasm-bindgen --target web`; the files of
//! `frontend/static/` are copied beside them. The wasm, the glue and the style sheet get a content
//! hash in their names (`frontend-1a2b….js`) that is written into `index.html`, so browsers may
//! cache them forever and still never run an old app. Each text or wasm file gets a gzip twin
//! (`x.js.gz`) for the server to send as it is.

use crate::cmd::{self, cargo};
use crate::tools::{self, WASM_TARGET};
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The crate built to wasm; also the stem of the files wasm-bindgen writes.
const CRATE: &str = "frontend";
/// The cargo profile of the workspace tuned for a small download.
const PROFILE: &str = "wasm-release";
/// Extensions that get a `.gz` twin.
const COMPRESSED: &[&str] = &["wasm", "js", "css", "html", "svg", "json"];

/// Builds `frontend/dist/` from scratch.
pub fn dist() -> Result<(), String> {
    let root = cmd::workspace_root();
    let dist = root.join(CRATE).join("dist");

    tools::ensure_wasm_target()?;
    let version = tools::locked_wasm_bindgen_version(&root)?;
    let wasm_bindgen = tools::ensure_wasm_bindgen(&version)?;

    let wasm = build_wasm(&root)?;
    recreate_dir(&dist)?;
    cmd::run(
        Command::new(&wasm_bindgen)
            .args(["--target", "web", "--no-typescript", "--out-dir"])
            .arg(&dist)
            .arg(&wasm),
    )?;
    let bg_wasm = dist.join(format!("{CRATE}_bg.wasm"));
    match tools::wasm_opt(&root) {
        Some(wasm_opt) => optimize(&wasm_opt, &bg_wasm)?,
        None => eprintln!(
            "note: no node_modules/.bin/wasm-opt (npm install binaryen); wasm left as built"
        ),
    }
    copy_dir(&root.join(CRATE).join("static"), &dist)?;
    let bundle = fingerprint(&dist)?;
    for file in files(&dist)? {
        if has_extension(&file, COMPRESSED) {
            gzip_beside(&file)?;
        }
    }
    print_sizes(&dist, &bundle)
}

/// `cargo build` of the app for the browser; returns the `.wasm` it wrote.
fn build_wasm(root: &Path) -> Result<PathBuf, String> {
    let target_dir = root.join("target").join("wasm");
    cmd::run(
        cargo()
            .current_dir(root)
            .args(["build", "-p", CRATE, "--target", WASM_TARGET, "--profile", PROFILE])
            .arg("--target-dir")
            .arg(&target_dir),
    )?;
    let wasm = target_dir.join(WASM_TARGET).join(PROFILE).join(format!("{CRATE}.wasm"));
    if wasm.exists() { Ok(wasm) } else { Err(format!("cargo built no {}", wasm.display())) }
}

/// Shrinks the wasm in place with binaryen. The features are the ones rustc enables by default
/// for the wasm target; wasm-opt refuses a module that uses a feature it was not told about.
fn optimize(wasm_opt: &Path, wasm: &Path) -> Result<(), String> {
    cmd::run(
        Command::new(wasm_opt)
            .args(["-Oz", "--strip-debug", "--strip-producers"])
            .args([
                "--enable-bulk-memory",
                "--enable-mutable-globals",
                "--enable-nontrapping-float-to-int",
                "--enable-sign-ext",
                "--enable-reference-types",
                "--enable-multivalue",
            ])
            .arg(wasm)
            .arg("-o")
            .arg(wasm),
    )
}

/// The names, after fingerprinting, of the files the page loads.
struct Bundle {
    wasm: String,
    js: String,
    css: String,
}

/// Files that get a content hash in their name, each listed after the files it names: the
/// style sheet, the wasm, its glue, and `boot.js` which imports the glue and starts it with
/// the wasm's address (the server's Content-Security-Policy forbids inline scripts).
const FINGERPRINTED: [&str; 4] = ["style.css", "frontend_bg.wasm", "frontend.js", "boot.js"];

/// Renames the files of [`FINGERPRINTED`] to names with their content hash, and rewrites the
/// references to them (`"/frontend.js"`, in double quotes) in `boot.js` and `index.html`. A file
/// nobody references is an error: the page would then load a stale or no copy.
fn fingerprint(dist: &Path) -> Result<Bundle, String> {
    let mut renames: Vec<(String, String)> = Vec::new();
    for name in FINGERPRINTED {
        let path = dist.join(name);
        let mut bytes = cmd::read(&path)?;
        if name.ends_with(".js") {
            bytes = point_at(&renames, &bytes, name)?.into_bytes();
            cmd::write(&path, &bytes)?;
        }
        let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
        let hashed = format!("{stem}-{}.{ext}", content_hash(&bytes));
        std::fs::rename(&path, dist.join(&hashed))
            .map_err(|e| format!("renaming {} to {hashed}: {e}", path.display()))?;
        renames.push((name.to_owned(), hashed));
    }
    let index = dist.join("index.html");
    let html = point_at(&renames, &cmd::read(&index)?, "index.html")?;
    cmd::write(&index, html.as_bytes())?;
    let all = format!("{html}{}", String::from_utf8_lossy(&cmd::read(&dist.join(&renames[3].1))?));
    if let Some((name, _)) =
        renames.iter().find(|(_, hashed)| !all.contains(&format!("\"/{hashed}\"")))
    {
        return Err(format!("neither index.html nor boot.js loads \"/{name}\" (frontend/static/)"));
    }
    let hashed = |i: usize| renames[i].1.clone();
    Ok(Bundle { css: hashed(0), wasm: hashed(1), js: hashed(2) })
}

/// The text of a file with every `"/name"` of `renames` replaced by `"/hashed-name"`.
fn point_at(renames: &[(String, String)], bytes: &[u8], file: &str) -> Result<String, String> {
    let mut text = String::from_utf8(bytes.to_vec()).map_err(|_| format!("{file} is not UTF-8"))?;
    for (name, hashed) in renames {
        text = text.replace(&format!("\"/{name}\""), &format!("\"/{hashed}\""));
    }
    Ok(text)
}

/// 64-bit FNV-1a of the bytes as 12 hex digits: stable across Rust versions and machines, and
/// plenty to tell one build from the next.
fn content_hash(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")[..12].to_owned()
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes).and_then(|()| encoder.finish()).map_err(|e| format!("gzip: {e}"))
}

/// Writes `file.gz` next to `file`.
fn gzip_beside(file: &Path) -> Result<(), String> {
    let mut name = file.as_os_str().to_owned();
    name.push(".gz");
    cmd::write(Path::new(&name), &gzip(&cmd::read(file)?)?)
}

fn print_sizes(dist: &Path, bundle: &Bundle) -> Result<(), String> {
    println!("\nfrontend/dist/ ready:");
    println!("  {:<36} {:>10} {:>10}", "file", "bytes", "gzip");
    let (mut raw_total, mut gz_total) = (0, 0);
    for name in [&bundle.wasm, &bundle.js, &bundle.css] {
        let raw = cmd::read(&dist.join(name))?.len();
        let gz = cmd::read(&dist.join(format!("{name}.gz")))?.len();
        println!("  {name:<36} {raw:>10} {gz:>10}");
        raw_total += raw;
        gz_total += gz;
    }
    println!("  {:<36} {raw_total:>10} {gz_total:>10}", "total");
    Ok(())
}

fn recreate_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("removing {}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))
}

/// Copies every file under `from` into `to`, keeping sub-folders.
fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    for file in files(from)? {
        let relative = file.strip_prefix(from).map_err(|e| e.to_string())?;
        let target = to.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("creating {}: {e}", parent.display()))?;
        }
        std::fs::copy(&file, &target)
            .map_err(|e| format!("copying {} to {}: {e}", file.display(), target.display()))?;
    }
    Ok(())
}

/// Every file under `dir`, recursively, in a stable order.
fn files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("listing {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| format!("listing {}: {e}", dir.display()))?.path();
        if path.is_dir() { found.extend(files(&path)?) } else { found.push(path) }
    }
    found.sort();
    Ok(found)
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| extensions.contains(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_hash_is_stable_and_tells_contents_apart() {
        assert_eq!(content_hash(b""), "cbf29ce48422");
        assert_eq!(content_hash(b"a"), content_hash(b"a"));
        assert_ne!(content_hash(b"a"), content_hash(b"b"));
    }

    #[test]
    fn gzip_output_inflates_back_to_the_input() {
        use std::io::Read;
        let text = "作业时长 homework ".repeat(100);
        let packed = gzip(text.as_bytes()).unwrap();
        assert!(packed.len() < text.len() / 5);
        let mut back = String::new();
        flate2::read::GzDecoder::new(&packed[..]).read_to_string(&mut back).unwrap();
        assert_eq!(back, text);
    }
}
