//! Readiness (`GET /api/v1/ready`) against a disk that refuses writes: the server stays live
//! (`/api/v1/health` 200) but says it is not ready (`503 storage_unavailable`) for as long as the
//! database cannot take a write, so that a load balancer sends the writes elsewhere; ready again
//! once the operator has repaired the disk.

use crate::disk::{ext4_image, in_namespace_of, in_private_mount, run};
use crate::fixture::{School, is_root};
use std::process::Command;
use tests::skip::cannot_run;

#[tokio::test]
async fn ready_is_503_while_the_disk_is_read_only_and_health_stays_200() {
    if !is_root() {
        cannot_run("readiness::ready_is_503…", "needs root for a loop-mounted ext4 image");
        return;
    }
    // Arrange: the server's directory is an ext4 file system that goes read-only on an error;
    // it is ready while the disk is sound.
    let images = tempfile::tempdir().expect("a directory for the disk image");
    let image = ext4_image(images.path());
    let mount = format!("mount -o loop,errors=remount-ro {} \"$DIR\"", image.display());
    let mut school = School::with_options(in_private_mount(&mount)).await;
    let api = school.server.api();
    api.get("ready").await.expect_status(200, "ready on a sound disk");
    let dir = school.server.db_path.parent().expect("a directory").to_owned();
    let mut findmnt = in_namespace_of(&school, "findmnt");
    findmnt.args(["-n", "-o", "SOURCE"]).arg(&dir);
    let device = run(findmnt, "findmnt").trim().trim_start_matches("/dev/").to_owned();

    // Act: the kernel makes the file system read-only, as when a real disk fails.
    let trigger = format!("/sys/fs/ext4/{device}/trigger_fs_error");
    std::fs::write(&trigger, "homework readiness test\n")
        .unwrap_or_else(|e| panic!("cannot write {trigger}: {e}; this kernel cannot fake it"));

    // Assert: not ready, with the code of a refused write; still live; reads go on.
    let ready = api.get("ready").await;
    assert_eq!(
        (ready.status, ready.code()),
        (503, Some("storage_unavailable")),
        "ready on a read-only disk: {}",
        ready.text
    );
    assert!(ready.json["error"]["request_id"].is_string(), "{}", ready.text);
    api.get("health").await.expect_status(200, "health on a read-only disk");
    school.admin.get("classes").await.expect_status(200, "reads on a read-only disk");

    // Act: the operator stops the server, repairs the file system and starts it again.
    school.server.stop().await;
    let fsck = Command::new("e2fsck").args(["-f", "-y"]).arg(&image).output();
    let code = fsck.expect("running e2fsck").status.code();
    assert!(matches!(code, Some(0 | 1)), "e2fsck could not repair the image: {code:?}");
    school.server.restart().await;

    // Assert: ready again.
    school.server.api().get("ready").await.expect_status(200, "ready after the repair");
    school.server.stop().await;
}
