//! `cargo xtask dist`: builds the web app into `frontend/dist/`, the folder the server serves.
//!
//! The app is built twice from the same crate: the full app (`frontend.js`, `frontend_bg.wasm`)
//! and, without its `full` feature, the class tablet's (`tablet.js`, `tablet_bg.wasm`: log-in,
//! tablet sign-in, the entry page), less than half the download; `boot.js` picks one by the
//! address. Each wasm and its JavaScript glue come from `wasm-bindgen --target web`, the wasm
//! shrunk by binaryen's `wasm-opt`; the files of `frontend/static/` are copied beside them. The
//! wasm, the glue, `boot.js` and the style sheet get a content hash in their names
//! (`frontend-1a2b….js`) that is written into `boot.js` and `index.html`, so browsers may cache
//! them forever and still never run an old app. Each text or wasm file gets a gzip twin
//! (`x.js.gz`) and a brotli twin (`x.js.br`, smaller still) for the server to send as they are.
//!
//! The service worker (`sw.js`, not fingerprinted: its address must stay put) gets the build's
//! file lists (the shell with the tablet's build to keep at once, the full app to keep once it
//! ran) and a version made of their names, so that each new build installs a new worker with a
//! new cache.

use crate::cmd::{self, cargo};
use crate::css;
use crate::tools::{self, WASM_TARGET};
use brotli::enc::BrotliEncoderParams;
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The crate built to wasm; also the stem of the files wasm-bindgen writes for the full app.
const CRATE: &str = "frontend";
/// The stem of the tablet's build (the same crate without its `full` feature).
const TABLET: &str = "tablet";
/// The cargo profiles of the workspace tuned for a small download: the full app's, and the
/// tablet's build's (the same settings; its own so that each build stays in target/).
const PROFILE: &str = "wasm-release";
const TABLET_PROFILE: &str = "wasm-tablet";
/// Extensions that get a `.gz` and a `.br` twin.
const COMPRESSED: &[&str] = &["wasm", "js", "css", "html", "svg", "json", "webmanifest"];
/// The service worker, and the files besides the fingerprinted ones it keeps for offline use.
const SERVICE_WORKER: &str = "sw.js";
const ALSO_PRECACHED: &[&str] =
    &["/", "/favicon.svg", "/manifest.webmanifest", "/icon-192.png", "/icon-512.png"];

/// Builds `frontend/dist/` from scratch.
pub fn dist() -> Result<(), String> {
    let root = cmd::workspace_root();
    let dist = root.join(CRATE).join("dist");

    tools::ensure_wasm_target()?;
    let version = tools::locked_wasm_bindgen_version(&root)?;
    let wasm_bindgen = tools::ensure_wasm_bindgen(&version)?;

    recreate_dir(&dist)?;
    let wasm_opt = tools::wasm_opt(&root);
    let esbuild = tools::esbuild(&root);
    if wasm_opt.is_none() {
        eprintln!("note: no node_modules/.bin/wasm-opt (npm install binaryen); wasm left as built");
    }
    // Each build's wasm-opt runs beside the next build: the tablet's cargo build ends in a
    // single-threaded LTO, the full app's wasm-opt takes a minute, and two cores do both at once.
    std::thread::scope(|scope| -> Result<(), String> {
        let mut optimising = Vec::new();
        for (stem, full) in [(CRATE, true), (TABLET, false)] {
            let wasm = build_wasm(&root, full, stem)?;
            cmd::run(
                Command::new(&wasm_bindgen)
                    .args(["--target", "web", "--no-typescript", "--out-dir"])
                    .arg(&dist)
                    .arg(&wasm),
            )?;
            if let Some(esbuild) = &esbuild {
                let glue = dist.join(format!("{stem}.js"));
                cmd::run(
                    Command::new(esbuild)
                        .arg(&glue)
                        .args(["--minify", "--format=esm", "--log-level=warning"])
                        .arg("--allow-overwrite")
                        .arg(format!("--outfile={}", glue.display())),
                )?;
            }
            if let Some(wasm_opt) = &wasm_opt {
                let bg = dist.join(format!("{stem}_bg.wasm"));
                // The tablet's build until nothing more comes off (13 s more, 1 KB less
                // brotli): every byte of a tablet's first visit counts (issue 18's 250 KB).
                optimising.push(scope.spawn(move || optimize(wasm_opt, &bg, !full)));
            }
        }
        for job in optimising {
            job.join().map_err(|_| "wasm-opt's thread panicked".to_owned())??;
        }
        Ok(())
    })?;
    copy_dir(&root.join(CRATE).join("static"), &dist)?;
    write_style_sheets(&dist)?;
    let bundle = fingerprint(&dist)?;
    write_precache_list(&dist, &bundle)?;
    for file in files(&dist)? {
        if has_extension(&file, COMPRESSED) {
            compress_beside(&file)?;
        }
    }
    print_sizes(&dist, &bundle)
}

/// `cargo build` of the app for the browser, the full app or the tablet's build; returns a copy
/// of the `.wasm` it wrote named `{stem}.wasm` (wasm-bindgen names its output after it).
fn build_wasm(root: &Path, full: bool, stem: &str) -> Result<PathBuf, String> {
    let target_dir = root.join("target").join("wasm");
    let profile = if full { PROFILE } else { TABLET_PROFILE };
    let mut build = cargo();
    build
        .current_dir(root)
        .args(["build", "-p", CRATE, "--target", WASM_TARGET, "--profile", profile])
        .arg("--target-dir")
        .arg(&target_dir);
    if !full {
        build.arg("--no-default-features");
    }
    cmd::run(&mut build)?;
    let wasm = target_dir.join(WASM_TARGET).join(profile).join(format!("{CRATE}.wasm"));
    if !wasm.exists() {
        return Err(format!("cargo built no {}", wasm.display()));
    }
    let copy = target_dir.join(format!("{stem}.wasm"));
    std::fs::copy(&wasm, &copy)
        .map_err(|e| format!("copying {} to {}: {e}", wasm.display(), copy.display()))?;
    Ok(copy)
}

/// Shrinks the wasm in place with binaryen. The features are the ones rustc enables by default
/// for the wasm target; wasm-opt refuses a module that uses a feature it was not told about.
fn optimize(wasm_opt: &Path, wasm: &Path, converge: bool) -> Result<(), String> {
    cmd::run(
        Command::new(wasm_opt)
            .args(["-Oz", "--strip-debug", "--strip-producers"])
            .args(converge.then_some("--converge"))
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

/// `style.css` minified, and `tablet.css`: the rules of it the tablet's build can use
/// ([`css::subset`]), read from the tablet's wasm and glue, `index.html` and `boot.js`.
fn write_style_sheets(dist: &Path) -> Result<(), String> {
    let style = dist.join("style.css");
    let source = String::from_utf8(cmd::read(&style)?).map_err(|_| "style.css is not UTF-8")?;
    let mut shipped = String::new();
    for file in
        [format!("{TABLET}_bg.wasm"), format!("{TABLET}.js"), "index.html".into(), "boot.js".into()]
    {
        shipped.push_str(&String::from_utf8_lossy(&cmd::read(&dist.join(file))?));
    }
    cmd::write(&dist.join("tablet.css"), css::subset(&source, &shipped).as_bytes())?;
    cmd::write(&style, css::minify(&source).as_bytes())
}

/// The names, after fingerprinting, of the files the page loads.
struct Bundle {
    /// The whole style sheet (the full app).
    css: String,
    /// The rules of it the tablet's build uses (every page loads it first).
    tablet_css: String,
    boot: String,
    /// The full app's wasm and glue.
    full: App,
    /// The tablet's build.
    tablet: App,
}

struct App {
    wasm: String,
    js: String,
}

/// Files that get a content hash in their name, each listed after the files it names: the
/// style sheets, each build's wasm and glue, and `boot.js` which picks a build, imports its
/// glue and starts it with its wasm (the server's Content-Security-Policy forbids inline
/// scripts).
const FINGERPRINTED: [&str; 7] = [
    "style.css",
    "tablet.css",
    "frontend_bg.wasm",
    "frontend.js",
    "tablet_bg.wasm",
    "tablet.js",
    "boot.js",
];

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
    let all = format!("{html}{}", String::from_utf8_lossy(&cmd::read(&dist.join(&renames[6].1))?));
    if let Some((name, _)) =
        renames.iter().find(|(_, hashed)| !all.contains(&format!("\"/{hashed}\"")))
    {
        return Err(format!("neither index.html nor boot.js loads \"/{name}\" (frontend/static/)"));
    }
    let hashed = |i: usize| renames[i].1.clone();
    Ok(Bundle {
        css: hashed(0),
        tablet_css: hashed(1),
        full: App { wasm: hashed(2), js: hashed(3) },
        tablet: App { wasm: hashed(4), js: hashed(5) },
        boot: hashed(6),
    })
}

/// Writes the build's files and version into the service worker, replacing its placeholders
/// `const VERSION = "dev";`, `const PRECACHE = ["/"];` (kept at install: the shell and the
/// tablet's build) and `const FULL_APP = [];` (kept once a page of the full app ran).
fn write_precache_list(dist: &Path, bundle: &Bundle) -> Result<(), String> {
    let path = dist.join(SERVICE_WORKER);
    let worker = String::from_utf8(cmd::read(&path)?).map_err(|_| "sw.js is not UTF-8")?;
    let (shell, full) = precache_urls(bundle);
    let version = content_hash([shell.join("\n"), full.join("\n")].join("\n").as_bytes());
    let list = |urls: &[String]| urls.iter().map(|u| format!("{u:?}")).collect::<Vec<_>>();
    let written =
        fill_worker(&worker, &version, &list(&shell).join(", "), &list(&full).join(", "))?;
    cmd::write(&path, written.as_bytes())
}

/// The addresses the worker keeps at install, and those of the full app.
fn precache_urls(bundle: &Bundle) -> (Vec<String>, Vec<String>) {
    let hashed = [&bundle.tablet_css, &bundle.tablet.wasm, &bundle.tablet.js, &bundle.boot];
    let shell = ALSO_PRECACHED
        .iter()
        .map(|u| (*u).to_owned())
        .chain(hashed.iter().map(|name| format!("/{name}")))
        .collect();
    let full = [&bundle.full.wasm, &bundle.full.js, &bundle.css]
        .iter()
        .map(|name| format!("/{name}"))
        .collect();
    (shell, full)
}

fn fill_worker(worker: &str, version: &str, shell: &str, full: &str) -> Result<String, String> {
    const VERSION: &str = "const VERSION = \"dev\";";
    const PRECACHE: &str = "const PRECACHE = [\"/\"];";
    const FULL_APP: &str = "const FULL_APP = [];";
    if [VERSION, PRECACHE, FULL_APP].iter().any(|p| !worker.contains(p)) {
        return Err(format!("{SERVICE_WORKER} lacks `{VERSION}`, `{PRECACHE}` or `{FULL_APP}`"));
    }
    Ok(worker
        .replace(VERSION, &format!("const VERSION = \"{version}\";"))
        .replace(PRECACHE, &format!("const PRECACHE = [{shell}];"))
        .replace(FULL_APP, &format!("const FULL_APP = [{full}];")))
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

/// Brotli at its best quality with a 4 MiB window (every browser decodes up to 16 MiB).
fn brotli(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let params = BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)
        .map_err(|e| format!("brotli: {e}"))?;
    Ok(out)
}

/// Writes `file.gz` and `file.br` next to `file`.
fn compress_beside(file: &Path) -> Result<(), String> {
    let bytes = cmd::read(file)?;
    for (ext, packed) in [("gz", gzip(&bytes)?), ("br", brotli(&bytes)?)] {
        let mut name = file.as_os_str().to_owned();
        name.push(".");
        name.push(ext);
        cmd::write(Path::new(&name), &packed)?;
    }
    Ok(())
}

/// What a device downloads to start each build of the app (the page itself and the worker's
/// icons aside): its wasm and glue, its style sheets, boot.js.
fn print_sizes(dist: &Path, bundle: &Bundle) -> Result<(), String> {
    println!("\nfrontend/dist/ ready:");
    let tablet = vec![&bundle.tablet.wasm, &bundle.tablet.js, &bundle.tablet_css, &bundle.boot];
    let full =
        vec![&bundle.full.wasm, &bundle.full.js, &bundle.tablet_css, &bundle.css, &bundle.boot];
    for (what, files) in [("class tablet", tablet), ("full app", full)] {
        println!("  {:<36} {:>10} {:>10} {:>10}", what, "bytes", "gzip", "brotli");
        let (mut raw_total, mut gz_total, mut br_total) = (0, 0, 0);
        for name in files {
            let raw = cmd::read(&dist.join(name))?.len();
            let gz = cmd::read(&dist.join(format!("{name}.gz")))?.len();
            let br = cmd::read(&dist.join(format!("{name}.br")))?.len();
            println!("    {name:<34} {raw:>10} {gz:>10} {br:>10}");
            raw_total += raw;
            gz_total += gz;
            br_total += br;
        }
        println!("    {:<34} {raw_total:>10} {gz_total:>10} {br_total:>10}", "total");
    }
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
    fn the_worker_knows_a_fingerprinted_name_by_the_hash_this_build_writes() {
        // sw.js takes such files from the HTTP cache: its pattern and the hash must agree.
        let worker = include_str!("../../frontend/static/sw.js");
        let width = content_hash(b"any").len();
        let pattern = format!("const FINGERPRINTED = /-[0-9a-f]{{{width}}}\\.(wasm|js|css)$/;");
        assert!(worker.contains(&pattern), "frontend/static/sw.js declares `{pattern}`");
    }

    #[test]
    fn the_worker_gets_the_build_version_and_its_files() {
        let worker = "const VERSION = \"dev\";\nconst PRECACHE = [\"/\"];\nconst FULL_APP = [];\n";
        let filled = fill_worker(worker, "abc123", "\"/\", \"/a-1.js\"", "\"/b-2.js\"").unwrap();
        assert_eq!(
            filled,
            "const VERSION = \"abc123\";\nconst PRECACHE = [\"/\", \"/a-1.js\"];\n\
             const FULL_APP = [\"/b-2.js\"];\n"
        );
        assert!(fill_worker("nothing to fill", "v", "", "").is_err());
        assert!(
            fill_worker("const VERSION = \"dev\";\nconst PRECACHE = [\"/\"];", "v", "", "")
                .is_err()
        );
    }

    #[test]
    fn brotli_output_decodes_back_to_the_input() {
        use std::io::Read;
        let text = "作业时长 homework ".repeat(100);
        let packed = brotli(text.as_bytes()).unwrap();
        assert!(packed.len() < text.len() / 5);
        let mut back = String::new();
        brotli::Decompressor::new(&packed[..], 4096).read_to_string(&mut back).unwrap();
        assert_eq!(back, text);
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
