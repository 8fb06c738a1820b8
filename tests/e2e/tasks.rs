//! Action items as their owners' Google Tasks (issue 13): typed in the doc → a task per owner
//! with due and link; completed in Tasks → item closed and no longer carried; done in the doc →
//! task completed; restart and a deleted store → no duplicate; a deleted task is respected.

use super::common::*;
use oneonone_sandbox::company::{ALICE, BOB};
use serde_json::{json, Value};

const TASKS_ON: &str = "[tasks]\nenabled = true\n";

/// Every task (deleted and hidden too) in `user`'s list "1:1 action items", as the sandbox
/// holds it.
async fn tasks_of(co: &Company, user: &str) -> Vec<Value> {
    let all = co
        .control
        .get(&format!("_sandbox/tasks?user={user}"))
        .await
        .expect("tasks dump");
    let lists = all["lists"].as_array().cloned().unwrap_or_default();
    let ours: Vec<&Value> = lists
        .iter()
        .filter(|l| l["title"] == "1:1 action items")
        .collect();
    assert!(ours.len() <= 1, "one list per owner: {lists:#?}");
    ours.first()
        .and_then(|l| l["tasks"].as_array().cloned())
        .unwrap_or_default()
}

/// The real binary's `actions --format json` items.
fn actions_json(co: &Company) -> Vec<Value> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_oneonone"))
        .arg("--config")
        .arg(&co.config_path)
        .args(["actions", "--format", "json"])
        .output()
        .expect("run oneonone actions");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    v["items"].as_array().cloned().unwrap_or_default()
}

/// `owner:state` of an item's tasks in `actions` output, sorted.
fn task_states(items: &[Value], task_start: &str) -> Vec<String> {
    let item = items
        .iter()
        .find(|i| {
            i["task"]
                .as_str()
                .is_some_and(|t| t.starts_with(task_start))
        })
        .unwrap_or_else(|| panic!("no item {task_start:?} in {items:#?}"));
    let mut states: Vec<String> = item["tasks"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|t| {
            format!(
                "{}:{}",
                t["owner"].as_str().unwrap_or(""),
                t["state"].as_str().unwrap_or("")
            )
        })
        .collect();
    states.sort();
    states
}

fn titled<'a>(tasks: &'a [Value], start: &str) -> Vec<&'a Value> {
    tasks
        .iter()
        .filter(|t| t["title"].as_str().is_some_and(|s| s.starts_with(start)))
        .collect()
}

fn one<'a>(tasks: &'a [Value], start: &str) -> &'a Value {
    let found = titled(tasks, start);
    assert_eq!(found.len(), 1, "exactly one task {start:?} in {tasks:#?}");
    found[0]
}

/// Alice's 1-1 with Bob with tasks on; Bob types three items in the first meeting, which is
/// then harvested (Tue 1 Dec 10:30).
async fn items_harvested() -> (Company, oneonone::daemon::Daemon, String) {
    let (co, alice, series, daemon) = alice_and_bob(TASKS_ON).await;
    co.run_until(&daemon, utc(2026, 12, 1, 9, 10)).await;
    let doc_id = alice
        .attached_doc(&series)
        .await
        .expect("event")
        .expect("doc");
    let bob = co.person(BOB).await;
    assert!(bob
        .type_under_heading(
            &doc_id,
            "Action items",
            &[
                "Bob to send the Q3 draft by Friday",
                "Alice: review the promotion packet by 15 Dec",
                "Both to agree on the on-call rota",
            ],
        )
        .await
        .expect("type"));
    co.run_until(&daemon, utc(2026, 12, 1, 10, 30)).await;
    (co, daemon, doc_id)
}

#[tokio::test]
async fn items_become_tasks_and_done_in_either_place_is_done_in_both() {
    let (co, daemon, doc_id) = items_harvested().await;
    let bobs = tasks_of(&co, BOB).await;
    let alices = tasks_of(&co, ALICE).await;
    assert_eq!(bobs.len(), 2, "Bob's item and the shared one: {bobs:#?}");
    assert_eq!(
        alices.len(),
        2,
        "Alice's item and the shared one: {alices:#?}"
    );
    let q3 = one(&bobs, "send the Q3 draft");
    assert_eq!(q3["due"], "2026-12-04T00:00:00.000Z", "Friday, date only");
    let notes = q3["notes"].as_str().expect("notes");
    assert!(notes.contains(&doc_id), "a link to the doc: {notes}");
    assert!(notes.contains("Tue 1 Dec 2026"), "the meeting: {notes}");
    assert!(notes.contains("oneonone-item:"), "the marker: {notes}");
    assert_eq!(
        one(&alices, "review the promotion packet")["due"],
        "2026-12-15T00:00:00.000Z"
    );
    one(&alices, "agree on the on-call rota");
    one(&bobs, "agree on the on-call rota");

    // Bob completes his task in Google Tasks (which also hides it, as Google's apps do).
    let id = q3["id"].as_str().unwrap().to_string();
    co.control
        .post("_sandbox/tasks/complete", json!({"user": BOB, "task": id}))
        .await
        .expect("complete");
    // Alice marks hers done in the doc.
    let alice = co.person(ALICE).await;
    assert!(alice
        .mark_done(&doc_id, "review the promotion packet")
        .await
        .expect("mark done"));
    co.run_until(&daemon, utc(2026, 12, 1, 13, 0)).await;
    let alices = tasks_of(&co, ALICE).await;
    assert_eq!(
        one(&alices, "review the promotion packet")["status"],
        "completed"
    );
    assert_eq!(
        one(&alices, "agree on the on-call rota")["status"],
        "needsAction"
    );

    // The next section (Tue 8 Dec) carries only the open item: the Q3 draft was done in Tasks.
    co.run_until(&daemon, utc(2026, 12, 8, 9, 5)).await;
    let text = text_of(&alice, &doc_id).await;
    let next = text.find("Tue 8 Dec 2026 · 1:1").expect("next section");
    let prev = text.find("Tue 1 Dec 2026 · 1:1").expect("first section");
    let carried = &text[next..prev];
    assert!(carried.contains("agree on the on-call rota"), "{carried}");
    assert!(!carried.contains("send the Q3 draft"), "{carried}");
    assert!(
        !carried.contains("review the promotion packet"),
        "{carried}"
    );
    // Still one task per item and owner after a week of passes.
    assert_eq!(tasks_of(&co, BOB).await.len(), 2);
    assert_eq!(tasks_of(&co, ALICE).await.len(), 2);
}

#[tokio::test]
async fn restart_and_a_deleted_store_make_no_duplicate_and_a_deleted_task_stays_deleted() {
    let (co, daemon, _doc_id) = items_harvested().await;
    assert_eq!(tasks_of(&co, BOB).await.len(), 2);
    // A restart: same store.
    drop(daemon);
    let daemon = co.daemon().await;
    co.run_until(&daemon, utc(2026, 12, 1, 11, 30)).await;
    assert_eq!(tasks_of(&co, BOB).await.len(), 2);
    // A lost store: the list is found by its title, each task by its marker.
    drop(daemon);
    co.delete_store();
    let daemon = co.daemon().await;
    co.run_until(&daemon, utc(2026, 12, 1, 12, 30)).await;
    assert_eq!(
        tasks_of(&co, BOB).await.len(),
        2,
        "{:#?}",
        tasks_of(&co, BOB).await
    );
    assert_eq!(tasks_of(&co, ALICE).await.len(), 2);

    // Bob deletes the shared task: it is not recreated, and the item stays open for Alice.
    let bobs = tasks_of(&co, BOB).await;
    let rota = one(&bobs, "agree on the on-call rota")["id"]
        .as_str()
        .unwrap()
        .to_string();
    co.control
        .post("_sandbox/tasks/delete", json!({"user": BOB, "task": rota}))
        .await
        .expect("delete");
    co.run_until(&daemon, utc(2026, 12, 2, 12, 0)).await;
    let bobs = tasks_of(&co, BOB).await;
    assert_eq!(bobs.len(), 2, "no new task: {bobs:#?}");
    assert_eq!(one(&bobs, "agree on the on-call rota")["deleted"], true);
    assert_eq!(
        one(&tasks_of(&co, ALICE).await, "agree on the on-call rota")["status"],
        "needsAction"
    );
    // `actions` shows each owner's task state.
    let items = actions_json(&co);
    assert_eq!(
        task_states(&items, "agree on the on-call rota"),
        ["alice@example.com:open", "bob@example.com:deleted"]
    );
    assert_eq!(
        task_states(&items, "send the Q3 draft"),
        ["bob@example.com:open"]
    );
}

/// Replaces `from` by `to` everywhere in the doc, as Bob editing his line.
async fn bob_edits(co: &Company, doc_id: &str, from: &str, to: &str) {
    use google_docs1::api::{ReplaceAllTextRequest, Request, SubstringMatchCriteria};
    let bob = co.person(BOB).await;
    bob.edit_doc(
        doc_id,
        vec![Request {
            replace_all_text: Some(ReplaceAllTextRequest {
                contains_text: Some(SubstringMatchCriteria {
                    text: Some(from.into()),
                    match_case: Some(true),
                    ..Default::default()
                }),
                replace_text: Some(to.into()),
                ..Default::default()
            }),
            ..Default::default()
        }],
    )
    .await
    .expect("edit");
}

#[tokio::test]
async fn a_lost_insert_answer_makes_no_duplicate_and_doc_edits_update_the_task() {
    let (co, alice, series, daemon) = alice_and_bob(TASKS_ON).await;
    co.run_until(&daemon, utc(2026, 12, 1, 9, 10)).await;
    let doc_id = alice.attached_doc(&series).await.unwrap().unwrap();
    let bob = co.person(BOB).await;
    bob.type_under_heading(
        &doc_id,
        "Action items",
        &["Bob to send the Q3 draft by Friday"],
    )
    .await
    .expect("type");
    // Google creates the first task but the answer never arrives.
    co.control
        .post(
            "_sandbox/faults",
            json!({"method": "tasks.tasks.insert", "kind": "lost_answer", "times": 1}),
        )
        .await
        .expect("fault");
    co.run_until(&daemon, utc(2026, 12, 1, 12, 0)).await;
    let bobs = tasks_of(&co, BOB).await;
    assert_eq!(
        bobs.len(),
        1,
        "found again by its marker, not inserted twice: {bobs:#?}"
    );
    assert_eq!(co.calls("tasks.tasks.insert").await, 1);
    assert_eq!(
        co.stats().await["errors"]["tasks.tasks.insert"],
        1,
        "the answer was lost"
    );

    // Bob moves the due date, then rewords the item: the same task follows both edits.
    bob_edits(&co, &doc_id, "by Friday", "by Thursday").await;
    co.run_until(&daemon, utc(2026, 12, 1, 13, 0)).await;
    let bobs = tasks_of(&co, BOB).await;
    assert_eq!(
        one(&bobs, "send the Q3 draft")["due"],
        "2026-12-03T00:00:00.000Z"
    );
    bob_edits(&co, &doc_id, "the Q3 draft", "the Q4 draft").await;
    co.run_until(&daemon, utc(2026, 12, 1, 14, 0)).await;
    let bobs = tasks_of(&co, BOB).await;
    assert_eq!(bobs.len(), 1, "{bobs:#?}");
    let task = one(&bobs, "send the Q4 draft");
    assert_eq!(task["due"], "2026-12-03T00:00:00.000Z");
    // Its notes carry the new item's marker: a lost store finds it for the edited item.
    drop(daemon);
    co.delete_store();
    let daemon = co.daemon().await;
    co.run_until(&daemon, utc(2026, 12, 1, 15, 0)).await;
    assert_eq!(tasks_of(&co, BOB).await.len(), 1);
}

#[tokio::test]
async fn a_task_completed_after_its_item_was_carried_is_noted_done_in_the_current_section() {
    let (co, daemon, doc_id) = items_harvested().await;
    // The Tue 8 Dec section is written on Mon 7 Dec and carries the open items.
    co.run_until(&daemon, utc(2026, 12, 7, 12, 0)).await;
    let alice = co.person(ALICE).await;
    let before = text_of(&alice, &doc_id).await;
    let carried = "Bob Okafor — send the Q3 draft — due Fri 4 Dec (from 1 Dec)";
    assert!(before.contains(carried), "{before}");
    let bobs = tasks_of(&co, BOB).await;
    let id = one(&bobs, "send the Q3 draft")["id"]
        .as_str()
        .unwrap()
        .to_string();
    co.control
        .post("_sandbox/tasks/complete", json!({"user": BOB, "task": id}))
        .await
        .expect("complete");
    // A settled owner is read every 2 hours.
    co.run_until(&daemon, utc(2026, 12, 7, 15, 0)).await;
    let after = text_of(&alice, &doc_id).await;
    assert!(
        after.contains(&format!("{carried} ✅ done 7 Dec")),
        "the carried line is noted done: {after}"
    );
    assert_eq!(count(&after, "✅ done"), 1, "noted once: {after}");
    // Insert only: everything that was there is still there, in order.
    assert_eq!(after.replace(" ✅ done 7 Dec", ""), before);
    let items = actions_json(&co);
    let q3 = items
        .iter()
        .find(|i| {
            i["task"]
                .as_str()
                .is_some_and(|t| t.starts_with("send the Q3 draft"))
        })
        .expect("item");
    assert_eq!(q3["done"], true);
    // The next section (15 Dec) does not carry it.
    co.run_until(&daemon, utc(2026, 12, 14, 12, 0)).await;
    let text = text_of(&alice, &doc_id).await;
    let next = text.find("Tue 15 Dec 2026 · 1:1").expect("15 Dec section");
    let prev = text.find("Tue 8 Dec 2026 · 1:1").expect("8 Dec section");
    assert!(
        !text[next..prev].contains("send the Q3 draft"),
        "{}",
        &text[next..prev]
    );
    assert!(text[next..prev].contains("agree on the on-call rota"));
}

/// A third of all Tasks calls fail (rate limits, 5xx): the failures are reported and retried on
/// later passes, and every item still ends with exactly one task per owner.
#[tokio::test]
async fn tasks_faults_are_retried_without_duplicates() {
    let (co, alice, series, daemon) = alice_and_bob(TASKS_ON).await;
    co.run_until(&daemon, utc(2026, 12, 1, 9, 10)).await;
    let doc_id = alice.attached_doc(&series).await.unwrap().unwrap();
    let bob = co.person(BOB).await;
    bob.type_under_heading(
        &doc_id,
        "Action items",
        &[
            "Bob to send the Q3 draft by Friday",
            "Alice: review the promotion packet by 15 Dec",
            "Both to agree on the on-call rota",
        ],
    )
    .await
    .expect("type");
    co.control
        .post(
            "_sandbox/faults",
            json!({"rate": 0.35, "statuses": [429, 500, 503], "seed": 13, "methods": ["tasks.*"]}),
        )
        .await
        .expect("faults");
    let report = co.run_until(&daemon, utc(2026, 12, 2, 9, 0)).await;
    assert!(co.stats().await["errors"]
        .as_object()
        .is_some_and(|e| e.keys().any(|k| k.starts_with("tasks."))));
    co.control.delete("_sandbox/faults").await.expect("clear");
    co.run_until(&daemon, utc(2026, 12, 2, 12, 0)).await;
    let bobs = tasks_of(&co, BOB).await;
    let alices = tasks_of(&co, ALICE).await;
    assert_eq!(bobs.len(), 2, "{bobs:#?} ({:?})", report.problems);
    assert_eq!(alices.len(), 2, "{alices:#?}");
    for t in bobs.iter().chain(&alices) {
        assert_eq!(t["status"], "needsAction");
    }
}

/// An owner Google refuses (here: every Tasks call as Bob answers 403) is reported and tried
/// again only after a wait, not on every one-minute pass; the other owner is served.
#[tokio::test]
async fn a_refused_owner_costs_one_call_per_wait_not_per_pass() {
    let (co, alice, series, daemon) = alice_and_bob(TASKS_ON).await;
    co.run_until(&daemon, utc(2026, 12, 1, 9, 10)).await;
    let doc_id = alice.attached_doc(&series).await.unwrap().unwrap();
    let bob = co.person(BOB).await;
    bob.type_under_heading(
        &doc_id,
        "Action items",
        &["Both to agree on the on-call rota"],
    )
    .await
    .expect("type");
    co.control
        .post(
            "_sandbox/faults",
            json!({"method": "tasks.*", "user": BOB, "status": 403, "reason": "forbidden", "times": 1000}),
        )
        .await
        .expect("fault");
    co.run_until(&daemon, utc(2026, 12, 1, 10, 30)).await;
    co.reset_stats().await;
    let mut problems = Vec::new();
    for _ in 0..15 {
        co.control
            .advance(chrono::Duration::minutes(1))
            .await
            .unwrap();
        problems.extend(co.pass(&daemon).await.report.problems);
    }
    let errors: u64 = co.stats().await["errors"]
        .as_object()
        .map(|e| {
            e.iter()
                .filter(|(k, _)| k.starts_with("tasks."))
                .filter_map(|(_, v)| v.as_u64())
                .sum()
        })
        .unwrap_or(0);
    assert!(
        (1..=2).contains(&errors),
        "{errors} refused calls in 15 passes"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("tasks for bob@example.com")),
        "{problems:?}"
    );
    assert_eq!(tasks_of(&co, ALICE).await.len(), 1, "Alice is served");
    assert!(tasks_of(&co, BOB).await.is_empty());
}
