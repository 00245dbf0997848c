//! Disk trouble. The server runs in a private mount namespace on a file system of its own: a
//! small tmpfs that the test fills up, or an ext4 image that the kernel turns read-only as it
//! does when a disk fails. Every write then answers `503 storage_unavailable` and changes
//! nothing, reads go on, and once the trouble is fixed writes work again — without a restart
//! for a full disk (space freed), and after the operator's fsck and remount (which needs the
//! file system unmounted, so the server stopped) for a disk gone read-only.
//!
//! These tests need root (mount namespaces, tmpfs, loop devices). Not root: they say so loudly
//! and skip.

use crate::fixture::{School, is_root, sqlite3_with};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;
use tests::setup::{report_body, report_path};
use tests::skip::cannot_run;
use tests::{Api, Options};

/// Starts the server through `unshare --mount`, with `mount_command` mounting a file system on
/// the server's directory (`$DIR`) first.
pub(crate) fn in_private_mount(mount_command: &str) -> Options {
    let script = format!("DIR=\"$(pwd -P)\" && {mount_command} && exec \"$@\"");
    let wrapper = ["unshare", "--mount", "--propagation", "private", "sh", "-c", &script, "sh"];
    Options { wrapper: wrapper.iter().map(|s| (*s).to_owned()).collect(), ..Options::default() }
}

/// A command run inside the server's mount namespace.
pub(crate) fn in_namespace_of(school: &School, program: &str) -> Command {
    let pid = school.server.pid().expect("the server runs");
    let mut command = Command::new("nsenter");
    command.args(["--target", &pid.to_string(), "--mount", program]);
    command
}

pub(crate) fn run(mut command: Command, what: &str) -> String {
    let out = command.output().unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}): {}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `PRAGMA integrity_check` of the database as the server's namespace sees it.
fn assert_sound_inside(school: &School, when: &str) {
    let db = &school.server.db_path;
    let report = sqlite3_with(
        in_namespace_of(school, "sqlite3"),
        db,
        "PRAGMA integrity_check; PRAGMA foreign_key_check;",
    );
    assert_eq!(report.trim(), "ok", "{when}: the database is not sound: {report}");
}

/// Writes of every kind; each must be refused with 503 while the disk is in trouble.
async fn attempt_writes(admin: &Api, class: i64, school: &School) -> Vec<tests::Response> {
    let policy = admin.get("policy").await.expect_status(200, "policy").json;
    let mut changed_policy = policy.clone();
    changed_policy["window_days"] = json!(21);
    vec![
        admin.put(&report_path(class, school.days_ago(1)), &report_body(&[("math", 77)])).await,
        admin.put(&report_path(class, school.today), &report_body(&[("math", 5)])).await,
        admin.post("classes", &json!({"grade": 7, "name": "7(9)"})).await,
        admin.put("policy", &changed_policy).await,
        admin.put(&format!("holidays/{}", school.days_ago(2)), &json!({"name": "x"})).await,
    ]
}

/// Checkpoints the whole WAL into the database file and truncates it to nothing.
fn empty_the_wal(school: &School) {
    let mut checkpoint = in_namespace_of(school, "sqlite3");
    checkpoint.args(["-batch", "-bail", "-cmd", ".timeout 5000"]);
    checkpoint.arg(&school.server.db_path).arg("PRAGMA wal_checkpoint(TRUNCATE);");
    let out = run(checkpoint, "wal_checkpoint(TRUNCATE)");
    assert!(out.trim().starts_with("0|"), "the checkpoint was blocked: {out}");
}

fn assert_all_unavailable(answers: Vec<tests::Response>) {
    for answer in answers {
        answer.expect_error(503, "storage_unavailable");
    }
}

async fn arrange(school: &School) -> (i64, Value, i64) {
    let class = school.class(7, "7(1)").await;
    school.admin.put_report(class.id, school.days_ago(1), &[("math", 30), ("chinese", 20)]).await;
    (class.id, school.snapshot().await, school.last_audit_id().await)
}

#[tokio::test]
async fn a_full_disk_answers_503_changes_nothing_and_writes_resume_once_space_is_freed() {
    if !is_root() {
        cannot_run("disk::a_full_disk…", "needs root for a private tmpfs; run as root (CI is)");
        return;
    }
    // Arrange: the server's directory is an 8 MiB tmpfs of its own.
    let school = School::with_options(in_private_mount(
        "mount -t tmpfs -o size=8m,mode=0700 homework-full \"$DIR\"",
    ))
    .await;
    let (class, before, last_audit) = arrange(&school).await;
    let dir = school.server.db_path.parent().expect("a directory").to_owned();
    let filler = dir.join("filler");
    // A WAL that was checkpointed is written again from its start: a commit into space the file
    // already has needs no new block, and succeeds (durably) on a full disk. To see the refusal,
    // start from an empty WAL, as a server whose WAL had just been truncated would.
    empty_the_wal(&school);

    // Act: fill the disk.
    let mut fill = in_namespace_of(&school, "dd");
    fill.arg("if=/dev/zero").arg(format!("of={}", filler.display())).arg("bs=64k");
    let _ = fill.output(); // ends with "No space left on device", as it should

    // Assert: every write is refused and changes nothing; reads go on.
    assert_all_unavailable(attempt_writes(&school.admin, class, &school).await);
    assert_eq!(school.snapshot().await, before, "a refused write changed something");
    assert_eq!(school.last_audit_id().await, last_audit, "a refused write was audited as done");
    school.admin.get("health").await.expect_status(200, "health on a full disk");

    // Act: free the space; no restart.
    let mut free = in_namespace_of(&school, "rm");
    free.arg(&filler);
    run(free, "freeing the space");

    // Assert: writes work again, and what they answer is what every reader sees.
    let stored = school.admin.put_report(class, school.days_ago(1), &[("math", 45)]).await;
    assert_eq!(stored["report"]["version"], 2, "the refused writes did not count: {stored}");
    let created = school.admin.post("classes", &json!({"grade": 7, "name": "7(2)"})).await;
    created.expect_status(201, "a class once space is freed");
    let seen = school.admin.report_on(class, school.days_ago(1)).await;
    assert_eq!(seen.as_ref(), Some(&stored["report"]), "an acknowledged write is not visible");
    let in_file = sqlite3_with(
        in_namespace_of(&school, "sqlite3"),
        &school.server.db_path,
        "SELECT version FROM day_reports; SELECT count(*) FROM classes;",
    );
    assert_eq!(in_file.split_whitespace().collect::<Vec<_>>(), ["2", "2"], "committed to the file");
    assert_sound_inside(&school, "after the disk was full");
}

/// `losetup`-free: `mount -o loop` attaches the image and detaches it when the namespace ends.
pub(crate) fn ext4_image(dir: &Path) -> PathBuf {
    let image = dir.join("disk.img");
    let file = std::fs::File::create(&image).expect("creating the disk image");
    file.set_len(32 << 20).expect("sizing the disk image");
    let mut mkfs = Command::new("mkfs.ext4");
    mkfs.args(["-q", "-F"]).arg(&image);
    run(mkfs, "mkfs.ext4");
    image
}

#[tokio::test]
async fn a_disk_gone_read_only_answers_503_keeps_serving_reads_and_loses_nothing() {
    if !is_root() {
        cannot_run("disk::a_disk_gone_read_only…", "needs root for a loop-mounted ext4 image");
        return;
    }
    if !Path::new("/dev/loop-control").exists() {
        cannot_run("disk::a_disk_gone_read_only…", "no loop device (/dev/loop-control is missing)");
        return;
    }
    // Arrange: the server's directory is an ext4 file system that goes read-only on an error.
    let images = tempfile::tempdir().expect("a directory for the disk image");
    let image = ext4_image(images.path());
    let mount = format!("mount -o loop,errors=remount-ro {} \"$DIR\"", image.display());
    let mut school = School::with_options(in_private_mount(&mount)).await;
    let (class, before, last_audit) = arrange(&school).await;
    let dir = school.server.db_path.parent().expect("a directory").to_owned();
    let mut findmnt = in_namespace_of(&school, "findmnt");
    findmnt.args(["-n", "-o", "SOURCE"]).arg(&dir);
    let device = run(findmnt, "findmnt").trim().trim_start_matches("/dev/").to_owned();

    // Act: an error on the disk; the kernel makes the file system read-only, as it does when a
    // real disk fails.
    let trigger = format!("/sys/fs/ext4/{device}/trigger_fs_error");
    std::fs::write(&trigger, "homework fault test\n")
        .unwrap_or_else(|e| panic!("cannot write {trigger}: {e}; this kernel cannot fake it"));

    // Assert: writes are refused and change nothing; reads go on.
    assert_all_unavailable(attempt_writes(&school.admin, class, &school).await);
    assert_eq!(school.snapshot().await, before, "a refused write changed something");
    assert_eq!(school.last_audit_id().await, last_audit, "a refused write was audited as done");
    school.admin.get("health").await.expect_status(200, "health on a read-only disk");

    // Act: what an operator does: stop the server, check the file system, mount it again.
    school.server.stop().await;
    let fsck = Command::new("e2fsck").args(["-f", "-y"]).arg(&image).output();
    let code = fsck.expect("running e2fsck").status.code();
    assert!(matches!(code, Some(0 | 1)), "e2fsck could not repair the image: {code:?}");
    school.server.restart().await;

    // Assert: nothing was lost, nothing half-written, and writes work.
    assert_eq!(school.snapshot().await, before, "the data after the repair");
    let stored = school.admin_now().put_report(class, school.days_ago(1), &[("math", 45)]).await;
    assert_eq!(stored["report"]["version"], 2, "{stored}");
    assert_sound_inside(&school, "after the read-only disk was repaired");
    school.server.stop().await;
}
