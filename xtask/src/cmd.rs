//! Running other programs with errors that say what was run, where, and what it said.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The workspace root: the folder above this crate's own.
pub fn workspace_root() -> PathBuf {
    // `cargo run` says where the crate is at run time; the compile-time path is the fallback
    // (a binary built in another checkout would otherwise act on that checkout).
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir.parent().map_or_else(|| manifest_dir.clone(), Path::to_path_buf)
}

/// The cargo that runs us (`cargo xtask` sets `CARGO`), or the one on the `PATH`.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// The command line as a person would type it, for messages.
pub fn describe(cmd: &Command) -> String {
    let mut line = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

/// Runs a command with its output shown, and fails unless it exits successfully.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    let line = describe(cmd);
    eprintln!("  $ {line}");
    let status = cmd.status().map_err(|e| not_started(&line, &e))?;
    if status.success() { Ok(()) } else { Err(format!("`{line}` failed ({status})")) }
}

/// Runs a command quietly and returns what it printed, or why it could not.
pub fn output(cmd: &mut Command) -> Result<String, String> {
    let line = describe(cmd);
    let out = cmd.stdin(Stdio::null()).output().map_err(|e| not_started(&line, &e))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "`{line}` failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim_end()
        ))
    }
}

fn not_started(line: &str, err: &std::io::Error) -> String {
    if err.kind() == std::io::ErrorKind::NotFound {
        format!("`{line}`: program not found (is it installed and on the PATH?)")
    } else {
        format!("`{line}`: could not start: {err}")
    }
}

/// Reads a file, naming it in the error.
pub fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

/// Writes a file, naming it in the error.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("writing {}: {e}", path.display()))
}
