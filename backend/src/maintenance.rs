//! Backup and restore from the command line: `backend backup --to FILE` takes a consistent copy
//! while the server runs; `backend restore --from FILE` puts one in place (with the server
//! stopped).

use std::path::Path;

use crate::config::Cli;
use crate::db;

/// Copies the live database to `to`, which must not exist yet.
pub async fn backup(cli: &Cli, to: &Path) -> Result<(), String> {
    if to.exists() {
        return Err(format!("{} exists already; choose a new file", to.display()));
    }
    let store = db::connect(&cli.database_url()).await?;
    store.backup_to(to).await.map_err(|e| e.to_string())?;
    let bytes = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
    println!("backed up to {} ({bytes} bytes)", to.display());
    Ok(())
}

/// Replaces the SQLite database file with a backup. Run it with the server stopped: the file
/// is checked first (it must open, pass `PRAGMA integrity_check` and hold this server's tables:
/// an empty file is a sound, empty database), then copied beside the target and renamed over
/// it, so a failure leaves the old database as it was.
pub async fn restore(cli: &Cli, from: &Path) -> Result<(), String> {
    let url = cli.database_url();
    let target = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(|p| p.split('?').next().unwrap_or(p).to_owned())
        .ok_or("restore works on SQLite; for PostgreSQL use pg_restore")?;
    let source = format!("sqlite://{}?mode=ro", from.display());
    let check = db::SqliteStore::integrity_check(&source).await?;
    if check != "ok" {
        return Err(format!("{} is not a sound database: {check}", from.display()));
    }
    let target = Path::new(&target);
    let staging = target.with_extension("restoring");
    std::fs::copy(from, &staging).map_err(|e| format!("copying {}: {e}", from.display()))?;
    for suffix in ["-wal", "-shm"] {
        let side = format!("{}{suffix}", target.display());
        let _ = std::fs::remove_file(side);
    }
    std::fs::rename(&staging, target)
        .map_err(|e| format!("replacing {}: {e}", target.display()))?;
    // Opening it once migrates a backup taken by an older version.
    db::connect(&url).await?;
    println!("restored {} from {}", target.display(), from.display());
    Ok(())
}
