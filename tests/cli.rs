//! The `oneonone` binary's subcommands (all but `demo`), run as a user would run them, against an
//! in-process sandbox on simulated time: exit codes, what they print, and what they (don't)
//! change in Google, checked through the sandbox's call statistics and as the people see it.

mod cli_support;

use cli_support::*;
use oneonone_sandbox::company::{ALICE, BOB, CAROL, ERIN};
use oneonone_sandbox::SandboxClient;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

/// Monday 30 Nov 2026 10:00 UTC: the section of Tuesday's 1-1 is due (24 h before).
fn monday_after_prepare() -> chrono::DateTime<chrono::Utc> {
    utc(2026, 11, 30, 10, 0)
}

// ---------------------------------------------------------------------------------------------
// sandbox

#[tokio::test]
async fn sandbox_prints_its_url_serves_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = command(&["sandbox", "--listen", "127.0.0.1:0"], dir.path())
        .spawn()
        .expect("spawn sandbox");
    let stdout = child.stdout.take().expect("stdout piped");
    let mut lines = BufReader::new(stdout).lines();
    let first = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("first line in time")
        .expect("read stdout")
        .expect("a first line");
    let port = first
        .strip_prefix("sandbox listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("first line is {first:?}"));
    let port: u16 = port.parse().unwrap_or_else(|_| panic!("port in {first:?}"));
    assert_ne!(port, 0, "a real port was picked: {first:?}");

    let control = SandboxClient::new(&format!("http://127.0.0.1:{port}"));
    let clock = control.get("_sandbox/clock").await.expect("clock served");
    assert!(clock["now"].is_string(), "clock answer: {clock}");

    sigterm(&child);
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("stops within 10 s of SIGTERM")
        .expect("wait");
    assert_eq!(status.code(), Some(0), "exit status after SIGTERM");
    assert!(
        control.get("_sandbox/clock").await.is_err(),
        "still serving after exit"
    );
}

#[tokio::test]
async fn sandbox_refuses_a_non_loopback_address_and_a_bad_seed_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = oneonone(&["sandbox", "--listen", "0.0.0.0:0"], dir.path()).await;
    out.expect_code(1);
    assert!(
        out.stderr.contains("loopback") && out.stderr.contains("--allow-remote"),
        "says why and how: {}",
        out.stderr
    );

    std::fs::write(dir.path().join("seed.json"), "{ not json").expect("write seed");
    let out = oneonone(
        &[
            "sandbox",
            "--listen",
            "127.0.0.1:0",
            "--seed-file",
            "seed.json",
        ],
        dir.path(),
    )
    .await;
    out.expect_code(1);
    assert!(
        out.stderr.contains("--seed-file seed.json") && out.stderr.contains("GET /_sandbox/state"),
        "names the file and what it should be: {}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "no URL line: {}", out.stdout);

    let out = oneonone(
        &[
            "sandbox",
            "--listen",
            "127.0.0.1:0",
            "--seed-file",
            "nope.json",
        ],
        dir.path(),
    )
    .await;
    out.expect_code(1);
    assert!(
        out.stderr.contains("nope.json") && out.stderr.contains("cannot read"),
        "{}",
        out.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// once

#[tokio::test]
async fn once_creates_the_doc_and_writes_the_due_section() {
    let w = World::new(&[ALICE], monday_after_prepare(), "").await;
    let alice = w.person(ALICE).await;
    let series = weekly(&alice, &[BOB], "Alice / Bob").await;

    let out = w.cli(&["once"]).await;
    out.expect_code(0);
    assert!(
        out.stdout.contains("1 series")
            && out.stdout.contains("1 created")
            && out.stdout.contains("1 written"),
        "summary: {}",
        out.stdout
    );
    let doc_id = alice
        .attached_doc(&series)
        .await
        .expect("event")
        .expect("doc attached");
    let text = oneonone_sandbox::people::doc_text(&alice.get_doc(&doc_id).await.expect("doc"));
    assert!(text.contains("Tue 1 Dec 2026"), "section written: {text}");
    assert_eq!(w.calls("drive.files.create").await, 2, "folder and doc");
}

#[tokio::test]
async fn once_dry_run_prints_the_plan_and_changes_nothing() {
    let w = World::new(&[ALICE], monday_after_prepare(), "").await;
    let alice = w.person(ALICE).await;
    let series = weekly(&alice, &[BOB], "Alice / Bob").await;
    w.control.reset_stats().await.expect("reset stats");

    let out = w.cli(&["once", "--dry-run"]).await;
    out.expect_code(0);
    assert!(
        out.stdout.contains("would create doc \"Alice Moreau / "),
        "plans the doc: {}",
        out.stdout
    );
    assert!(
        out.stdout.contains("would write section \"Tue 1 Dec 2026"),
        "plans the section: {}",
        out.stdout
    );
    for method in [
        "drive.files.create",
        "drive.permissions.create",
        "docs.documents.batchUpdate",
        "calendar.events.patch",
    ] {
        assert_eq!(w.calls(method).await, 0, "{method} called by a dry run");
    }
    assert_eq!(alice.attached_doc(&series).await.expect("event"), None);
    if w.state_dir().exists() {
        let store = oneonone::store::Store::open_in_state_dir(&w.state_dir()).expect("store");
        assert!(
            store.series_list(ALICE, None).expect("series").is_empty(),
            "a dry run recorded a series"
        );
        assert_eq!(
            store.calendar_sync_token(ALICE, ALICE).expect("token"),
            None,
            "a dry run kept a sync token"
        );
    }

    // The real pass afterwards does exactly what was planned.
    let out = w.cli(&["once"]).await;
    out.expect_code(0);
    assert!(
        out.stdout.contains("1 created") && out.stdout.contains("1 written"),
        "{}",
        out.stdout
    );
    assert!(alice.attached_doc(&series).await.expect("event").is_some());

    // A dry run on an existing store (copied, not touched) finds nothing left to do.
    let writes = w.calls("docs.documents.batchUpdate").await;
    let out = w.cli(&["once", "--dry-run"]).await;
    out.expect_code(0);
    assert!(
        out.stdout.contains("dry run: nothing to do") && !out.stdout.contains("would "),
        "{}",
        out.stdout
    );
    assert_eq!(w.calls("docs.documents.batchUpdate").await, writes);
    let out = w.cli(&["once"]).await;
    out.expect_code(0);
    assert!(out.stdout.contains("0 written"), "{}", out.stdout);
}

// ---------------------------------------------------------------------------------------------
// check

/// Neither the key nor any access token may be printed.
fn assert_no_secrets(w: &World, out: &Output) {
    let all = out.all();
    let key = w.private_key();
    let body: String = key
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .join("");
    assert!(!body.is_empty());
    for line in key.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!all.contains(line), "private key printed:\n{all}");
    }
    assert!(!all.contains("PRIVATE KEY"), "private key printed:\n{all}");
    assert!(!all.contains("ya29"), "access token printed:\n{all}");
    assert!(!all.contains("access_token"), "token printed:\n{all}");
}

#[tokio::test]
async fn check_passes_against_a_good_sandbox_config() {
    let w = World::new(&[ALICE], monday_after_prepare(), "").await;
    let out = w.cli(&["check"]).await;
    out.expect_code(0);
    for line in [
        "ok   config",
        "ok   state dir",
        "ok   alice@example.com: calendar (https://www.googleapis.com/auth/calendar.events)",
        "ok   alice@example.com: drive (https://www.googleapis.com/auth/drive.file)",
        "ok   alice@example.com: documents (https://www.googleapis.com/auth/documents)",
        "ok   alice@example.com: directory (https://www.googleapis.com/auth/directory.readonly)",
        "all checks passed",
    ] {
        assert!(out.stdout.contains(line), "{line:?} in:\n{}", out.stdout);
    }
    assert!(!out.stdout.contains("FAIL"), "{}", out.stdout);
    assert_no_secrets(&w, &out);
}

/// `check` proves every scope with the cheapest call that needs it (issue 9 §11): a key whose
/// domain-wide delegation lacks `documents` passes calendar and drive and fails documents,
/// naming the scope; and the calendar read is one event, not a 2,500-event sync page.
#[tokio::test]
async fn check_tests_every_scope_and_names_the_one_delegation_lacks() {
    let w = World::new(&[ALICE], monday_after_prepare(), "").await;
    let narrow = w
        .control
        .post(
            "_sandbox/service-accounts",
            serde_json::json!({"name": "no-docs", "scopes": [
                "https://www.googleapis.com/auth/calendar.events",
                "https://www.googleapis.com/auth/drive.file",
            ]}),
        )
        .await
        .expect("a key without the documents scope");
    std::fs::write(
        w.dir.path().join("key.json"),
        serde_json::to_string_pretty(&narrow).expect("key JSON"),
    )
    .expect("write key");
    w.control.reset_stats().await.expect("reset stats");
    let out = w.cli(&["check"]).await;
    out.expect_code(2);
    for line in [
        "ok   alice@example.com: calendar (https://www.googleapis.com/auth/calendar.events)",
        "ok   alice@example.com: drive (https://www.googleapis.com/auth/drive.file)",
        "FAIL alice@example.com: documents (https://www.googleapis.com/auth/documents)",
        "Needed here: https://www.googleapis.com/auth/documents",
    ] {
        assert!(out.stdout.contains(line), "{line:?} in:\n{}", out.stdout);
    }
    assert_eq!(w.calls("calendar.events.list").await, 1, "one cheap read");
    // With the full key back, the documents probe passes on its 404.
    daemon_config_key(&w);
    let out = w.cli(&["check"]).await;
    out.expect_code(0);
    assert!(
        out.stdout.contains(
            "ok   alice@example.com: documents (https://www.googleapis.com/auth/documents)"
        ),
        "{}",
        out.stdout
    );
}

/// Issue 11: with `names.directory` on (the default with a service account) `check` proves
/// `directory.readonly`; a delegation without it fails that line with both fixes, and
/// `names.directory = false` needs no such scope.
#[tokio::test]
async fn check_proves_the_directory_scope_when_names_are_on() {
    let w = World::new(&[ALICE], monday_after_prepare(), "").await;
    let three = w
        .control
        .post(
            "_sandbox/service-accounts",
            serde_json::json!({"name": "no-directory", "scopes": [
                "https://www.googleapis.com/auth/calendar.events",
                "https://www.googleapis.com/auth/drive.file",
                "https://www.googleapis.com/auth/documents",
            ]}),
        )
        .await
        .expect("a key without the directory scope");
    std::fs::write(
        w.dir.path().join("key.json"),
        serde_json::to_string_pretty(&three).expect("key JSON"),
    )
    .expect("write key");
    let out = w.cli(&["check"]).await;
    out.expect_code(2);
    let line = out
        .stdout
        .lines()
        .find(|l| l.starts_with("FAIL alice@example.com: directory"))
        .unwrap_or_else(|| panic!("a directory FAIL line in:\n{}", out.stdout));
    assert!(line.contains("directory.readonly"), "{line}");
    assert!(
        out.stdout.contains("names.directory = false"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("ok   alice@example.com: documents"),
        "{}",
        out.stdout
    );

    w.write_config(&[ALICE], "[names]\ndirectory = false\n");
    let out = w.cli(&["check"]).await;
    out.expect_code(0);
    assert!(!out.stdout.contains("directory ("), "{}", out.stdout);
}

fn daemon_config_key(w: &World) {
    w.company
        .write_service_account_key(&w.dir.path().join("key.json"))
        .expect("write key");
}

#[tokio::test]
async fn check_names_a_user_the_key_cannot_act_as_and_the_fix() {
    let w = World::new(&[ALICE], monday_after_prepare(), "").await;
    w.write_config(&[ALICE, "zed@example.com"], "");
    let out = w.cli(&["check"]).await;
    out.expect_code(2);
    assert!(
        out.stdout.contains("ok   alice@example.com: calendar"),
        "{}",
        out.stdout
    );
    let failing: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("FAIL"))
        .collect();
    assert!(!failing.is_empty(), "{}", out.stdout);
    assert!(
        failing.iter().all(|l| l.contains("zed@example.com")),
        "only zed fails: {}",
        out.stdout
    );
    assert_eq!(
        failing.len(),
        1,
        "one refused token, one line: {}",
        out.stdout
    );
    assert!(
        failing[0].contains("zed@example.com: token"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("fix: no token could be issued for zed@example.com")
            && out.stdout.contains("google.users")
            && out.stdout.contains("domain-wide delegation"),
        "says how to fix: {}",
        out.stdout
    );
    assert_no_secrets(&w, &out);
}

#[tokio::test]
async fn check_names_a_missing_or_garbled_key_file_and_the_fix() {
    let w = World::new(&[ALICE], monday_after_prepare(), "").await;
    let key_path = w.dir.path().join("key.json");

    // Garbled: the key cut off in the middle of its private key.
    let full = w.key().to_string();
    let cut = full.find("private_key\"").expect("key has private_key") + 200;
    std::fs::write(&key_path, &full[..cut]).expect("write garbled key");
    let out = w.cli(&["check"]).await;
    out.expect_code(1);
    assert!(
        out.stdout.contains("google.service_account_key")
            && out.stdout.contains("key.json")
            && out.stdout.contains("is not JSON")
            && out.stdout.contains("Google Cloud console"),
        "names the key, the file and the fix: {}",
        out.stdout
    );
    assert_no_secrets(&w, &out);

    // Not a service-account key (an OAuth client secret, an easy mix-up).
    std::fs::write(&key_path, r#"{"installed":{"client_id":"x"}}"#).expect("write");
    let out = w.cli(&["check"]).await;
    out.expect_code(1);
    assert!(
        out.stdout.contains("is not a service-account key"),
        "{}",
        out.stdout
    );

    std::fs::remove_file(&key_path).expect("remove key");
    let out = w.cli(&["check"]).await;
    out.expect_code(1);
    assert!(
        out.stdout.contains("google.service_account_key")
            && out.stdout.contains("key.json")
            && out.stdout.contains("Google Cloud console"),
        "names the missing file and the fix: {}",
        out.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// explain

/// Issue 11: a 1-1 someone else organises says as whom the doc is attached; one the daemon
/// cannot attach says why, with the link, after the pass reported it; and with both people
/// served, the pass that does not act says so.
#[tokio::test]
async fn explain_says_who_attaches_a_one_on_one_the_other_person_organises() {
    let w = World::new(
        &[ALICE],
        monday_after_prepare(),
        "[doc]\nallowed_domains = [\"example.com\", \"partner.org\"]\n",
    )
    .await;
    let bob = w.person(BOB).await;
    let erin = w.person(ERIN).await;
    weekly(&bob, &[ALICE], "Bob and Alice").await;
    weekly(&erin, &[ALICE], "Erin and Alice").await;

    let out = w.cli(&["explain", "bob and alice"]).await;
    out.expect_code(0);
    assert!(out.stdout.contains("a 1-1 series"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("attach the doc: as its organizer bob@example.com"),
        "{}",
        out.stdout
    );

    w.cli(&["once"]).await.expect_code(0);
    let out = w.cli(&["explain", "erin and alice"]).await;
    out.expect_code(0);
    assert!(
        out.stdout.contains("attach the doc: not possible"),
        "{}",
        out.stdout
    );
    let line = out
        .stdout
        .lines()
        .find(|l| l.contains("not attached (next try after"))
        .unwrap_or_else(|| panic!("the reported reason: {}", out.stdout));
    assert!(line.contains("docs.google.com/document/d/"), "{line}");

    w.write_config(&[ALICE, BOB], "");
    let out = w.cli(&["explain", "bob and alice"]).await;
    out.expect_code(0);
    assert!(
        out.stdout.contains("served by bob@example.com's pass"),
        "{}",
        out.stdout
    );
}

#[tokio::test]
async fn explain_shows_each_rule_by_title_and_by_event_id() {
    let w = World::new(&[ALICE], monday_after_prepare(), "").await;
    let alice = w.person(ALICE).await;
    let one_on_one = weekly(&alice, &[BOB], "Alice / Bob").await;
    let team = weekly(&alice, &[BOB, CAROL], "Team sync").await;

    let out = w.cli(&["explain", "alice / bob"]).await;
    out.expect_code(0);
    assert!(out.stdout.contains("a 1-1 series"), "{}", out.stdout);
    assert!(out.stdout.contains(&one_on_one), "{}", out.stdout);
    assert!(!out.stdout.contains("[FAIL]"), "{}", out.stdout);
    for rule in ["[pass] recurring", "[pass] exactly two people"] {
        assert!(out.stdout.contains(rule), "{rule} in:\n{}", out.stdout);
    }
    assert!(
        out.stdout.lines().filter(|l| l.contains("[pass]")).count() >= 5,
        "every rule listed: {}",
        out.stdout
    );

    let out = w.cli(&["explain", &team]).await;
    out.expect_code(0);
    assert!(out.stdout.contains("not a 1-1 series"), "{}", out.stdout);
    let failing: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains("[FAIL]"))
        .collect();
    assert_eq!(failing.len(), 1, "{}", out.stdout);
    assert!(
        failing[0].contains("exactly two people") && failing[0].contains("3 people"),
        "{}",
        failing[0]
    );
    assert!(!out.stdout.contains("Alice / Bob"), "{}", out.stdout);

    // A served user whose calendar cannot be read is named, and does not hide the others.
    w.write_config(&[ALICE, "zed@example.com"], "");
    let out = w.cli(&["explain", "alice / bob"]).await;
    out.expect_code(0);
    assert!(out.stdout.contains("a 1-1 series"), "{}", out.stdout);
    assert!(
        out.stderr
            .contains("cannot read the calendar of zed@example.com"),
        "{}",
        out.stderr
    );
    w.write_config(&[ALICE], "");

    let out = w.cli(&["explain", "no such meeting"]).await;
    out.expect_code(1);
    assert!(
        out.stdout.contains("no event matches \"no such meeting\"")
            && out.stdout.contains("event id"),
        "helpful: {}",
        out.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// run

/// Starts `run`, waits for its first pass, sends SIGTERM; returns the exit code, stderr and
/// how long it took to stop.
async fn run_until_sigterm(w: &World, extra: &[&str]) -> (Option<i32>, Vec<String>, Duration) {
    let config = w.config_path.display().to_string();
    let mut args = vec!["--config", config.as_str()];
    args.extend_from_slice(extra);
    args.push("run");
    let mut child = command(&args, w.dir.path()).spawn().expect("spawn run");
    let stderr = child.stderr.take().expect("stderr piped");
    let mut lines = BufReader::new(stderr).lines();
    let mut seen = Vec::new();
    let first_pass = async {
        while let Some(line) = lines.next_line().await.expect("read stderr") {
            let done = line.contains("pass done");
            seen.push(line);
            if done {
                return;
            }
        }
        panic!("run exited before a pass: {seen:?}");
    };
    tokio::time::timeout(Duration::from_secs(40), first_pass)
        .await
        .expect("a pass within 40 s");
    let signalled = std::time::Instant::now();
    sigterm(&child);
    let rest = async {
        while let Some(line) = lines.next_line().await.expect("read stderr") {
            seen.push(line);
        }
        child.wait().await.expect("wait")
    };
    let status = tokio::time::timeout(Duration::from_secs(10), rest)
        .await
        .expect("stops within 10 s of SIGTERM");
    (status.code(), seen, signalled.elapsed())
}

#[tokio::test]
async fn run_does_a_pass_and_stops_cleanly_on_sigterm() {
    let w = World::new(&[ALICE], monday_after_prepare(), "").await;
    let alice = w.person(ALICE).await;
    let series = weekly(&alice, &[BOB], "Alice / Bob").await;
    let (code, stderr, took) = run_until_sigterm(&w, &[]).await;
    assert_eq!(code, Some(0), "{stderr:#?}");
    assert!(took < Duration::from_secs(5), "took {took:?} to stop");
    assert!(
        stderr.iter().any(|l| l.contains("stopped cleanly")),
        "{stderr:#?}"
    );
    assert!(
        !stderr.iter().any(|l| l.contains('\u{1b}')),
        "no colour codes when stderr is not a terminal: {stderr:#?}"
    );
    assert!(alice.attached_doc(&series).await.expect("event").is_some());
}

#[tokio::test]
async fn run_with_json_logs_writes_one_json_object_per_stderr_line() {
    let w = World::new(&[ALICE], monday_after_prepare(), "").await;
    let (code, stderr, _) = run_until_sigterm(&w, &["--log-format", "json"]).await;
    assert_eq!(code, Some(0), "{stderr:#?}");
    assert!(!stderr.is_empty());
    let mut messages = Vec::new();
    for line in &stderr {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(v.is_object(), "{line}");
        messages.push(v["fields"]["message"].as_str().unwrap_or("").to_string());
    }
    assert!(
        messages.iter().any(|m| m == "stopped cleanly"),
        "{messages:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// configuration errors

#[tokio::test]
async fn config_errors_name_the_file_and_key_and_exit_1() {
    let w = World::new(&[ALICE], monday_after_prepare(), "").await;
    let path = w.config_path.display().to_string();
    let cases: [(&str, &[&str], &[&str]); 3] = [
        (
            "poll_intervall = \"60s\"",
            &["once"],
            &["poll_intervall", "poll_interval"],
        ),
        (
            "poll_interval = \"soon\"",
            &["run"],
            &["poll_interval", "\"soon\"", "30m"],
        ),
        ("lookahead = \"1h\"", &["actions"], &["daemon.lookahead"]),
    ];
    for (line, command, wanted) in cases {
        w.write_config(&[ALICE], line);
        let out = w.cli(command).await;
        out.expect_code(1);
        assert!(
            out.stderr.contains(&path),
            "{line}: names the file: {}",
            out.stderr
        );
        for want in wanted {
            assert!(
                out.stderr.contains(want),
                "{line}: {want} in: {}",
                out.stderr
            );
        }
    }
    // `check` reports the same problem as a failed check.
    w.write_config(&[ALICE], "poll_intervall = \"60s\"");
    let out = w.cli(&["check"]).await;
    out.expect_code(1);
    assert!(
        out.stdout.contains("FAIL config") && out.stdout.contains("poll_intervall"),
        "{}",
        out.stdout
    );

    let missing = w.dir.path().join("missing.toml");
    let missing = missing.display().to_string();
    let out = oneonone(&["--config", &missing, "once"], w.dir.path()).await;
    out.expect_code(1);
    assert!(
        out.stderr.contains(&missing) && out.stderr.contains("cannot read"),
        "{}",
        out.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// actions

#[tokio::test]
async fn actions_formats_work_on_an_empty_store() {
    let w = World::new(&[ALICE], monday_after_prepare(), "").await;
    let out = w.cli(&["actions", "--format", "csv"]).await;
    out.expect_code(0);
    assert_eq!(
        out.stdout.lines().collect::<Vec<_>>(),
        ["series,series_title,meeting,owner_kind,owner,task,due,done,done_at,source,key,tasks"],
        "only the header"
    );
    let out = w.cli(&["actions", "--format", "json"]).await;
    out.expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(v["schema"], "oneonone.actions/v1");
    assert_eq!(v["items"], serde_json::json!([]));
    for format in ["table", "markdown"] {
        let out = w.cli(&["actions", "--format", format]).await;
        out.expect_code(0);
        assert!(!out.stdout.trim().is_empty(), "{format}: says something");
    }
    assert_eq!(
        w.calls("calendar.events.list").await,
        0,
        "actions reads only the store"
    );
}

/// Issue 10 §5: SIGTERM reaches inside a user's pass. The first call of the pass (the calendar
/// sync) hangs for 40 s; the process must still leave within a few seconds of SIGTERM, not
/// after the call, and with a clean exit status.
#[tokio::test]
async fn sigterm_inside_a_slow_call_stops_at_once() {
    let w = World::new(&[ALICE], monday_after_prepare(), "").await;
    w.control
        .post(
            "_sandbox/faults",
            serde_json::json!({"method": "calendar.events.list", "kind": "delay",
                               "delay_ms": 40_000, "times": 1}),
        )
        .await
        .expect("fault");
    let config = w.config_path.display().to_string();
    let mut child = command(&["--config", &config, "run"], w.dir.path())
        .spawn()
        .expect("spawn run");
    // Wait until the slow call is in flight.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while w.calls("calendar.events.list").await == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the pass never started"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let asked = std::time::Instant::now();
    sigterm(&child);
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("stops within 10 s of SIGTERM, not after the 40 s call")
        .expect("wait");
    assert_eq!(status.code(), Some(0), "clean exit after SIGTERM");
    assert!(asked.elapsed() < Duration::from_secs(10));
}

// ---------------------------------------------------------------------------------------------
// per-user back-off across passes (issue 10 §8) and `once`'s exit status

/// Every call the sandbox served, all methods together.
async fn total_calls(w: &World) -> u64 {
    w.control.stats().await.expect("stats")["total_calls"]
        .as_u64()
        .expect("total_calls")
}

/// A daily quota (403 `dailyLimitExceeded`, which Calendar's and Drive's error guides say
/// resets at midnight Pacific time) spent by Alice's calls: the next `once` — a new process,
/// so the back-off must come from the store — makes no call for her at all until the reset,
/// while Carol is served on every pass; `check` names the back-off; after the reset she is
/// served and the back-off is gone. `once` exits 2 while some user is not served, 0 once all
/// are, and `--allow-failing-users` turns 2 into 0.
#[tokio::test]
async fn a_spent_daily_quota_leaves_that_user_alone_until_the_reset_across_restarts() {
    // Mon 30 Nov 2026 10:00 UTC = 02:00 in Los Angeles: the reset is 1 Dec 08:00 UTC.
    let w = World::new(&[ALICE, CAROL], monday_after_prepare(), "").await;
    let alice = w.person(ALICE).await;
    let series = weekly(&alice, &[BOB], "Alice / Bob").await;
    w.control
        .post(
            "_sandbox/faults",
            serde_json::json!({"method": "calendar.events.list", "status": 403,
                "reason": "dailyLimitExceeded", "message": "Daily Limit Exceeded",
                "user": ALICE}),
        )
        .await
        .expect("fault");

    let first = w.cli(&["once"]).await;
    first.expect_code(2);
    assert!(
        first.stdout.contains("failed: alice@example.com") && first.stdout.contains("quota"),
        "{}",
        first.stdout
    );

    // What a pass for Carol alone costs, measured on a store of her own: the yardstick for
    // "no call for Alice".
    let carol_only = World::new(&[CAROL], monday_after_prepare(), "").await;
    carol_only.cli(&["once"]).await.expect_code(0);
    carol_only.control.reset_stats().await.expect("reset");
    carol_only.cli(&["once"]).await.expect_code(0);
    let carol_pass = total_calls(&carol_only).await;
    assert!(carol_pass >= 1, "Carol's pass makes calls");

    for at in [
        monday_after_prepare() + chrono::Duration::minutes(1),
        utc(2026, 12, 1, 7, 59),
    ] {
        w.control.set_now(at).await.expect("clock");
        w.control.reset_stats().await.expect("reset");
        let out = w.cli(&["once"]).await;
        out.expect_code(2);
        assert!(
            out.stdout
                .contains("skipped: alice@example.com: backing off until 2026-12-01T08:00:00Z")
                && out.stdout.contains("dailyLimitExceeded"),
            "{}",
            out.stdout
        );
        assert_eq!(
            total_calls(&w).await,
            carol_pass,
            "at {at}: only Carol's calls, none for Alice"
        );
    }
    assert_eq!(alice.attached_doc(&series).await.expect("event"), None);

    let check = w.cli(&["check"]).await;
    assert!(
        check
            .stdout
            .contains("WARN alice@example.com: the daemon is backing off this user")
            && check.stdout.contains("2026-12-01T08:00:00Z"),
        "{}",
        check.stdout
    );
    let allowed = w.cli(&["once", "--allow-failing-users"]).await;
    allowed.expect_code(0);
    assert!(
        allowed.stdout.contains("skipped: alice"),
        "{}",
        allowed.stdout
    );

    w.control
        .set_now(utc(2026, 12, 1, 8, 0))
        .await
        .expect("clock");
    let after = w.cli(&["once"]).await;
    after.expect_code(0);
    assert!(!after.stdout.contains("skipped"), "{}", after.stdout);
    assert!(
        alice.attached_doc(&series).await.expect("event").is_some(),
        "served after the reset"
    );
    let check = w.cli(&["check"]).await;
    assert!(
        !check.stdout.contains("backing off"),
        "cleared: {}",
        check.stdout
    );
}

/// A 429 with `Retry-After: 300` (longer than the 120 s the call waits in place) is honoured
/// across passes: no call for that user for 300 s, then served again. (The sandbox clock runs
/// on in real time between `set_now` and a pass, hence the margins of 10 s.)
#[tokio::test]
async fn a_long_retry_after_is_honoured_across_passes() {
    let w = World::new(&[ALICE], monday_after_prepare(), "").await;
    let alice = w.person(ALICE).await;
    let series = weekly(&alice, &[BOB], "Alice / Bob").await;
    w.control
        .post(
            "_sandbox/faults",
            serde_json::json!({"method": "calendar.events.list", "status": 429,
                "retry_after_s": 300}),
        )
        .await
        .expect("fault");
    let first = w.cli(&["once"]).await;
    first.expect_code(2);
    assert_eq!(
        w.calls("calendar.events.list").await,
        1,
        "not retried in the call"
    );

    w.control
        .set_now(monday_after_prepare() + chrono::Duration::seconds(290))
        .await
        .expect("clock");
    w.control.reset_stats().await.expect("reset");
    let waiting = w.cli(&["once"]).await;
    waiting.expect_code(2);
    assert!(
        waiting
            .stdout
            .contains("skipped: alice@example.com: backing off until 2026-11-30T10:05:0"),
        "{}",
        waiting.stdout
    );
    assert_eq!(total_calls(&w).await, 0, "no call at all while backing off");

    w.control
        .set_now(monday_after_prepare() + chrono::Duration::seconds(310))
        .await
        .expect("clock");
    w.cli(&["once"]).await.expect_code(0);
    assert!(alice.attached_doc(&series).await.expect("event").is_some());
}

/// `once` exits 1 when the daemon cannot run at all (here: a config it cannot load), as
/// `check` does, and 2 — not 1 — when only some users failed.
#[tokio::test]
async fn once_exits_1_when_it_cannot_run_and_2_when_only_some_users_failed() {
    let w = World::new(&[ALICE, CAROL], monday_after_prepare(), "").await;
    std::fs::write(&w.config_path, "[google]\nusers = 3\n").expect("write bad config");
    w.cli(&["once"]).await.expect_code(1);
    w.write_config(&[ALICE, CAROL], "");
    w.control
        .post(
            "_sandbox/faults",
            serde_json::json!({"method": "calendar.events.list", "status": 503, "times": 2,
                "user": CAROL}),
        )
        .await
        .expect("fault");
    let out = w.cli(&["once"]).await;
    out.expect_code(2);
    assert!(
        out.stdout.contains("failed: carol@example.com"),
        "{}",
        out.stdout
    );
    // One failure is retried on the next pass (no back-off for a first transient failure).
    w.cli(&["once"]).await.expect_code(0);
}

// ---------------------------------------------------------------------------------------------
// review

/// A simulated quarter of weekly 1-1s in which Bob types a note after each meeting: `review`
/// shows every line he typed in the period, none outside it, and none of the template's
/// prompts (default template, growth block included), with the figures.
#[tokio::test]
async fn review_over_a_quarter_has_every_typed_line_and_no_prompt() {
    let w = World::new(&[ALICE], monday_after_prepare(), "").await;
    let alice = w.person(ALICE).await;
    let bob = w.person(BOB).await;
    let series = weekly(&alice, &[BOB], "Alice / Bob").await;
    let weeks = 13;
    let mut typed = Vec::new();
    for k in 0..weeks {
        w.control
            .set_now(monday_after_prepare() + chrono::Duration::weeks(k))
            .await
            .expect("clock");
        w.cli(&["once"]).await.expect_code(0);
        let doc_id = alice
            .attached_doc(&series)
            .await
            .expect("event")
            .expect("doc attached");
        let line = format!("Week {k}: Bob's note — shipped part {k} ✨");
        assert!(bob
            .type_under_heading(&doc_id, "Notes", &[&line])
            .await
            .expect("type"));
        typed.push(line);
        if k == 3 {
            let item = "Bob to send the roadmap by Fri 25 Dec";
            assert!(bob
                .type_under_heading(&doc_id, "Action items", &[item])
                .await
                .expect("type"));
            typed.push(item.to_string());
        }
    }
    // After the last meeting, so it is harvested and counted as held.
    w.control
        .set_now(
            monday_after_prepare() + chrono::Duration::weeks(weeks) - chrono::Duration::days(5),
        )
        .await
        .expect("clock");
    w.cli(&["once"]).await.expect_code(0);

    // The first meeting (1 Dec) is outside the period.
    let out = w
        .cli(&[
            "review",
            "--person",
            BOB,
            "--since",
            "2026-12-02",
            "--until",
            "2027-03-31",
        ])
        .await;
    out.expect_code(0);
    for line in &typed[1..] {
        assert!(
            out.stdout.contains(line.as_str()),
            "{line} missing: {}",
            out.stdout
        );
    }
    assert!(!out.stdout.contains(typed[0].as_str()), "{}", out.stdout);
    for prompt in [
        "How are you?",
        "How are you getting on with",
        "Which skills do you want to build?",
        "Anything I should be doing",
        "Tip: write action items",
        "Both of us: add",
    ] {
        assert!(!out.stdout.contains(prompt), "{prompt}: {}", out.stdout);
    }
    assert!(out.stdout.contains("Meetings held: 12"), "{}", out.stdout);
    // The item is listed with its outcome and counted.
    assert!(
        out.stdout.contains("Bob to send the roadmap")
            && out.stdout.contains("· overdue")
            && out.stdout.contains("overdue: 1"),
        "{}",
        out.stdout
    );

    let out = w
        .cli(&["review", "--person", BOB, "--format", "json"])
        .await;
    out.expect_code(0);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(json["schema"], "oneonone.review/v1");
    let lines: Vec<&str> = json["meetings"]
        .as_array()
        .expect("meetings")
        .iter()
        .flat_map(|m| m["lines"].as_array().into_iter().flatten())
        .filter_map(|l| l["text"].as_str())
        .collect();
    assert_eq!(lines.len(), typed.len(), "{lines:?}");
    for line in &typed {
        assert!(lines.contains(&line.as_str()), "{line}: {lines:?}");
    }
}

/// With `[tasks] enabled = true`, `check` also proves the `tasks` scope per served user
/// (issue 13), and names it when the delegation lacks it.
#[tokio::test]
async fn check_proves_the_tasks_scope_when_tasks_are_on() {
    let w = World::new(
        &[ALICE],
        monday_after_prepare(),
        "[tasks]\nenabled = true\n",
    )
    .await;
    let out = w.cli(&["check"]).await;
    out.expect_code(0);
    let line = "ok   alice@example.com: tasks (https://www.googleapis.com/auth/tasks)";
    assert!(out.stdout.contains(line), "{}", out.stdout);
    let narrow = w
        .control
        .post(
            "_sandbox/service-accounts",
            serde_json::json!({"name": "no-tasks", "scopes": [
                "https://www.googleapis.com/auth/calendar.events",
                "https://www.googleapis.com/auth/drive.file",
                "https://www.googleapis.com/auth/documents",
                "https://www.googleapis.com/auth/directory.readonly",
            ]}),
        )
        .await
        .expect("a key without the tasks scope");
    std::fs::write(
        w.dir.path().join("key.json"),
        serde_json::to_string_pretty(&narrow).expect("key JSON"),
    )
    .expect("write key");
    let out = w.cli(&["check"]).await;
    out.expect_code(2);
    let line = "FAIL alice@example.com: tasks (https://www.googleapis.com/auth/tasks)";
    assert!(out.stdout.contains(line), "{}", out.stdout);
    assert!(
        out.stdout.contains(
            "ok   alice@example.com: documents (https://www.googleapis.com/auth/documents)"
        ),
        "{}",
        out.stdout
    );
    // Off (the default), no Tasks call is made.
    w.write_config(&[ALICE], "");
    w.control.reset_stats().await.expect("reset");
    w.cli(&["check"]).await.expect_code(0);
    assert_eq!(w.calls("tasks.tasklists.list").await, 0);
}
