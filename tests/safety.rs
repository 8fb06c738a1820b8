//! Never lose, never leak: the real binary against an in-process sandbox, one test per way the
//! daemon used to lose or leak — two processes on one state dir, secrets in debug logs, one
//! failing user stopping everyone, and files readable by others. (CSV formula injection is
//! covered by the unit tests in `src/export`.)

#[allow(dead_code)]
mod cli_support;
#[path = "support/sandbox_secrets.rs"]
mod sandbox_secrets;

use cli_support::*;
use sandbox_secrets::sandbox_secrets;
use std::time::Duration;

const ALICE: &str = "alice@example.com";
const BOB: &str = "bob@example.com";
/// Not a user of the sandbox's domain: Google answers `invalid_grant` for them, as for a
/// manager who left.
const DEPARTED: &str = "zed@example.com";

/// Monday 30 Nov 2026 10:00 UTC: the section of Tuesday's 1-1 is due (24 h before).
fn monday() -> chrono::DateTime<chrono::Utc> {
    utc(2026, 11, 30, 10, 0)
}

// ---------------------------------------------------------------------------------------------
// 1. one process per state dir

#[tokio::test]
async fn once_beside_a_running_daemon_fails_naming_its_pid_and_creates_nothing() {
    let w = World::new(&[ALICE], monday(), "").await;
    let alice = w.person(ALICE).await;
    let series = weekly(&alice, &[BOB], "Alice / Bob").await;
    let config = w.config_path.display().to_string();
    let mut daemon = command(&["--config", &config, "run"], w.dir.path())
        .spawn()
        .expect("spawn run");
    let pid = daemon.id().expect("running");

    // The daemon's first pass has attached the series' doc.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while alice.attached_doc(&series).await.expect("event").is_none() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the daemon did not attach a doc in time"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let created = w.calls("drive.files.create").await;
    assert!(created > 0, "the daemon made the doc");

    let out = w.cli(&["once"]).await;
    out.expect_code(1);
    let lock_file = w.state_dir().join(oneonone::store::LOCK_FILE_NAME);
    assert_eq!(
        std::fs::read_to_string(&lock_file)
            .expect("lock file")
            .trim(),
        pid.to_string(),
        "the lock file names its holder"
    );
    assert!(
        out.stderr.contains(&format!("pid {pid}"))
            && out.stderr.contains("in use by another oneonone")
            && out.stderr.contains(&w.state_dir().display().to_string()),
        "names the state dir and the holder: {}",
        out.stderr
    );
    assert!(
        !out.all().contains("delete"),
        "advises no deletion: {}",
        out.all()
    );
    // A dry run reads a snapshot and needs no lock.
    let dry = w.cli(&["once", "--dry-run"]).await;
    dry.expect_code(0);
    // Nor does a reader.
    w.cli(&["actions", "--format", "json"]).await.expect_code(0);
    assert_eq!(
        w.calls("drive.files.create").await,
        created,
        "one series, one doc, however many processes"
    );

    sigterm(&daemon);
    let status = tokio::time::timeout(Duration::from_secs(30), daemon.wait())
        .await
        .expect("stops after SIGTERM")
        .expect("wait");
    assert_eq!(status.code(), Some(0));
    // The lock went with the process.
    w.cli(&["once"]).await.expect_code(0);
    assert_eq!(w.calls("drive.files.create").await, created);
}

// ---------------------------------------------------------------------------------------------
// 4. no secret in any log, at any level

/// Every secret the sandbox knows, plus the key file the run was given.
async fn secrets(w: &World) -> Vec<String> {
    let state = w.control.get("_sandbox/state").await.expect("state");
    sandbox_secrets(&state, w.private_key())
}

fn assert_clean(what: &str, output: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(
            !output.contains(secret.as_str()),
            "{what}: a secret ({}…) is in the output",
            &secret[..secret.len().min(12)]
        );
    }
    // A signed JWT assertion (`{"alg":"RS256",…` in base64) and the key's armour.
    for pattern in ["eyJhbGciOi", "assertion=", "PRIVATE KEY", "ya29."] {
        assert!(!output.contains(pattern), "{what}: {pattern} in the output");
    }
}

#[tokio::test]
async fn trace_logs_carry_no_token_assertion_or_key() {
    let w = World::new(&[ALICE], monday(), "").await;
    let alice = w.person(ALICE).await;
    weekly(&alice, &[BOB], "Alice / Bob").await;
    let config = w.config_path.display().to_string();
    for rust_log in [
        "trace",
        "yup_oauth2=trace,yup_oauth2::service_account=trace,hyper=trace,h2=trace",
    ] {
        let out = command(&["--config", &config, "once"], w.dir.path())
            .env("RUST_LOG", rust_log)
            .output()
            .await
            .expect("run once");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
        if rust_log == "trace" {
            assert!(stderr.contains("TRACE"), "traced: {stderr}");
        }
        let all = format!("{stdout}\n{stderr}");
        assert_clean(&format!("RUST_LOG={rust_log}"), &all, &secrets(&w).await);
    }
}

#[cfg(feature = "sandbox")]
#[tokio::test]
async fn the_demo_at_trace_level_logs_no_secret() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_file = dir.path().join("doc.md").display().to_string();
    let out = command(&["demo", "--weeks", "1", "--out", &out_file], dir.path())
        .env("RUST_LOG", "trace")
        .output()
        .await
        .expect("run demo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("TRACE"), "traced: {stderr}");
    // The demo's sandbox lives inside the process, so its secrets are known only by shape:
    // its access tokens are `ya29.sandbox-…`, its keys PEM, its assertions RS256 JWTs.
    assert_clean("demo", &format!("{stdout}\n{stderr}"), &[]);
}

// ---------------------------------------------------------------------------------------------
// 6. one failing user never stops the others

#[tokio::test]
async fn a_departed_user_is_reported_and_the_others_are_served() {
    let w = World::new(&[ALICE], monday(), "").await;
    // The departed manager first: nobody after them may be skipped.
    w.write_config(&[DEPARTED, ALICE], "");
    let alice = w.person(ALICE).await;
    let series = weekly(&alice, &[BOB], "Alice / Bob").await;

    let check = w.cli(&["check"]).await;
    check.expect_code(2);
    assert!(
        check.stdout.contains(&format!("FAIL {DEPARTED}: token"))
            && check.stdout.contains(&format!("ok   {ALICE}: calendar"))
            && check
                .stdout
                .contains(&format!("1 of 2 user(s) cannot be served now: {DEPARTED}")),
        "{}",
        check.stdout
    );
    // What the unit file runs before starting: the daemon may start, the failure stays loud.
    let unit = w.cli(&["check", "--allow-failing-users"]).await;
    unit.expect_code(0);
    assert!(
        unit.stdout.contains(&format!("FAIL {DEPARTED}")),
        "{}",
        unit.stdout
    );

    let once = w.cli(&["once"]).await;
    once.no_panic();
    assert!(
        once.stdout.contains("failed:") && once.stdout.contains(DEPARTED),
        "the failure is reported: {}",
        once.all()
    );
    assert!(
        alice.attached_doc(&series).await.expect("event").is_some(),
        "Alice is served despite {DEPARTED}: {}",
        once.all()
    );
}

#[test]
fn the_unit_file_lets_the_daemon_start_with_failing_users() {
    let unit = include_str!("../config/oneonone.service");
    let pre: Vec<&str> = unit
        .lines()
        .filter(|l| l.starts_with("ExecStartPre="))
        .collect();
    assert!(
        pre.iter()
            .all(|l| !l.contains(" check") || l.contains("check --allow-failing-users")),
        "{pre:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// 10. files others could read

#[cfg(unix)]
#[tokio::test]
async fn check_creates_a_private_state_dir_and_warns_about_a_readable_key() {
    use std::os::unix::fs::PermissionsExt;
    let w = World::new(&[ALICE], monday(), "").await;
    let key = w.dir.path().join("key.json");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).expect("chmod");

    let out = w.cli(&["check"]).await;
    out.expect_code(0);
    let mode = std::fs::metadata(w.state_dir())
        .expect("state dir created")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700, "state dir mode {:o}", mode & 0o777);
    assert!(
        out.stdout.contains("WARN the service-account key")
            && out.stdout.contains("key.json")
            && out.stdout.contains("0644")
            && out.stdout.contains("chmod 600"),
        "{}",
        out.stdout
    );
    // The daemon says it too, once.
    let once = w.cli(&["once"]).await;
    once.expect_code(0);
    assert_eq!(
        once.stderr.matches("chmod 600").count(),
        1,
        "{}",
        once.stderr
    );

    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let out = w.cli(&["check"]).await;
    out.expect_code(0);
    assert!(!out.stdout.contains("WARN"), "{}", out.stdout);
}

// ---------------------------------------------------------------------------------------------
// 5. a kill in the middle of a Google Tasks insert makes no second task (issue 13)

#[tokio::test]
async fn sigkill_during_a_task_insert_leaves_one_task_per_item() {
    let tasks = "[tasks]\nenabled = true\n";
    // Tue 1 Dec 09:10 UTC, during the first meeting (09:00–09:30).
    let w = World::new(&[ALICE], utc(2026, 12, 1, 9, 10), tasks).await;
    let alice = w.person(ALICE).await;
    let series = weekly(&alice, &[BOB], "Alice / Bob").await;
    w.cli(&["once"]).await.expect_code(0);
    let doc = alice
        .attached_doc(&series)
        .await
        .expect("event")
        .expect("doc");
    let bob = w.person(BOB).await;
    assert!(bob
        .type_under_heading(
            &doc,
            "Action items",
            &["Bob to send the Q3 draft by Friday"]
        )
        .await
        .expect("type"));
    // After the harvest time; every task insert hangs for a while, so the kill lands while
    // one is in flight.
    w.control
        .set_now(utc(2026, 12, 1, 10, 30))
        .await
        .expect("clock");
    w.control
        .post(
            "_sandbox/faults",
            serde_json::json!({"method": "tasks.tasks.insert", "kind": "delay", "delay_ms": 3000, "times": 5}),
        )
        .await
        .expect("fault");
    let config = w.config_path.display().to_string();
    let mut daemon = command(&["--config", &config, "run"], w.dir.path())
        .spawn()
        .expect("spawn run");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while w.calls("tasks.tasks.insert").await == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the daemon did not try to insert the task in time"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    daemon.start_kill().expect("SIGKILL");
    daemon.wait().await.expect("killed");
    w.control
        .delete("_sandbox/faults")
        .await
        .expect("clear faults");

    // The next runs settle the insert of unknown outcome: found by its marker, or made once.
    for _ in 0..2 {
        w.cli(&["once"]).await.expect_code(0);
    }
    let dump = w
        .control
        .get(&format!("_sandbox/tasks?user={BOB}"))
        .await
        .expect("tasks");
    let tasks: Vec<serde_json::Value> = dump["lists"]
        .as_array()
        .expect("lists")
        .iter()
        .filter(|l| l["title"] == "1:1 action items")
        .flat_map(|l| l["tasks"].as_array().cloned().unwrap_or_default())
        .collect();
    assert_eq!(tasks.len(), 1, "{dump:#}");
    assert_eq!(tasks[0]["title"], "send the Q3 draft");
}
