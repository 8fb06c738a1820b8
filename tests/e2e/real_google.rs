//! Issue 9, daemon side: what real Google does that a kinder sandbox hid — tabs people add, an
//! adopted doc Drive's change list never reports, per-meeting notes docs on the event, and a
//! checkbox click no API shows.

use super::common::*;
use oneonone_sandbox::company::BOB;
use serde_json::Value;

/// Runs the real binary (`oneonone --config … args`) and returns its stdout. Async: the
/// sandbox serves on this test's runtime, so a blocking wait would starve a command that calls
/// Google.
async fn cli(co: &Company, args: &[&str]) -> String {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_oneonone"))
        .arg("--config")
        .arg(&co.config_path)
        .args(args)
        .output()
        .await
        .expect("run oneonone");
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The exported ledger (`actions --format json`).
async fn actions(co: &Company) -> Vec<Value> {
    let out = cli(co, &["actions", "--format", "json"]).await;
    let v: Value = serde_json::from_str(&out).expect("JSON output");
    v["items"].as_array().cloned().unwrap_or_default()
}

fn item<'a>(items: &'a [Value], task_start: &str) -> Option<&'a Value> {
    items.iter().find(|i| {
        i["task"]
            .as_str()
            .is_some_and(|t| t.starts_with(task_start))
    })
}

/// The text of every tab (tabs form), by tab title.
async fn tab_texts(co: &Company, doc_id: &str) -> Vec<(String, String)> {
    let bob = co.person(BOB).await;
    let (_, doc) = bob
        .docs
        .documents()
        .get(doc_id)
        .include_tabs_content(true)
        .doit()
        .await
        .expect("get with tabs");
    doc.tabs
        .unwrap_or_default()
        .into_iter()
        .map(|t| {
            let title = t.tab_properties.and_then(|p| p.title).unwrap_or_default();
            let content = t
                .document_tab
                .and_then(|d| d.body)
                .and_then(|b| b.content)
                .unwrap_or_default();
            let text: String = content
                .iter()
                .filter_map(|e| e.paragraph.as_ref())
                .flat_map(|p| p.elements.iter().flatten())
                .filter_map(|el| el.text_run.as_ref()?.content.clone())
                .collect();
            (title, text)
        })
        .collect()
}

/// Issue 9 §5: Bob adds an "Agenda" tab before the notes tab after the first meeting. Google
/// then shows the new tab as "first" (legacy `body`, requests without `tabId`); the daemon
/// stays on the tab holding its sections: the first meeting's items are still harvested, the
/// next section goes into the notes tab and carries them, and no second section appears.
#[tokio::test]
async fn a_tab_added_before_the_notes_moves_nothing() {
    let (co, alice, series, daemon) = alice_and_bob("").await;
    let bob = co.person(BOB).await;
    co.run_until(&daemon, utc(2026, 12, 1, 9, 10)).await;
    let doc_id = alice
        .attached_doc(&series)
        .await
        .expect("event")
        .expect("doc");
    assert!(bob
        .type_under_heading(
            &doc_id,
            "Action items",
            &["Bob to send the Q3 draft by Friday"]
        )
        .await
        .expect("type"));
    bob.add_tab(&doc_id, "Agenda", 0).await.expect("add tab");

    co.run_until(&daemon, utc(2026, 12, 8, 9, 5)).await;
    let items = actions(&co).await;
    let q3 = item(&items, "send the Q3 draft").unwrap_or_else(|| panic!("{items:#?}"));
    assert_eq!(q3["done"], false);
    let tabs = tab_texts(&co, &doc_id).await;
    assert_eq!(tabs.len(), 2, "{tabs:#?}");
    assert_eq!(tabs[0].0, "Agenda");
    assert_eq!(tabs[0].1.trim(), "", "nothing written into the new tab");
    let notes = &tabs[1].1;
    assert_eq!(count(notes, "Tue 8 Dec 2026 · 1:1"), 1, "{notes}");
    assert_eq!(count(notes, "Tue 1 Dec 2026 · 1:1"), 1, "{notes}");
    let next = notes.find("Tue 8 Dec 2026").expect("next section");
    let prev = notes.find("Tue 1 Dec 2026").expect("previous section");
    assert!(next < prev, "newest first: {notes}");
    assert!(
        notes[next..prev].contains("send the Q3 draft"),
        "carried into the notes tab: {notes}"
    );
    // A second pass finds its section again (by named range, in the notes tab).
    let report = co.pass(&daemon).await.report;
    assert_eq!(report.sections_written, 0);
    assert_eq!(
        count(&tab_texts(&co, &doc_id).await[1].1, "Tue 8 Dec 2026 · 1:1"),
        1
    );
}

/// Issue 9 §4: under `drive.file` Drive's change list never reports a doc people attached (the
/// app did not create it). Alice edits the adopted doc two hours after the meeting; on the
/// re-harvest debounce the daemon asks Docs for the `revisionId` alone, sees it moved, reads
/// the doc and records the item. While nothing changes, the check stays a `revisionId` read.
#[tokio::test]
async fn an_adopted_doc_edited_two_hours_after_the_meeting_is_re_harvested() {
    let co = Company::new(&["alice@example.com"], "").await;
    let alice = co.person("alice@example.com").await;
    let series = weekly_one_on_one(&alice, BOB, "Alice / Bob").await;
    let doc = alice.create_doc("Our running notes").await.expect("doc");
    let doc_id = doc.document_id.expect("doc id");
    alice
        .attach_doc(&series, &doc_id, "Our running notes")
        .await
        .expect("attach");
    let daemon = co.daemon().await;
    // Adopted, first section written, first harvest at 10:00 (meeting 09:00–09:30 UTC).
    let report = co.run_until(&daemon, utc(2026, 12, 1, 10, 0)).await;
    assert_eq!(report.docs_adopted, 1);
    assert!(actions(&co).await.is_empty());

    // Quiet for a while: the checks cost no full read.
    co.run_until(&daemon, utc(2026, 12, 1, 11, 0)).await;
    co.reset_stats().await;
    co.set_now(utc(2026, 12, 1, 11, 15)).await;
    co.pass(&daemon).await;
    assert_eq!(
        co.calls("docs.documents.get").await,
        1,
        "one revisionId check, no full read, while nothing changed"
    );

    // 11:30: Alice adds an item, two hours after the meeting ended.
    co.set_now(utc(2026, 12, 1, 11, 30)).await;
    assert!(alice
        .type_under_heading(
            &doc_id,
            "Action items",
            &["Bob to book the offsite by Friday"]
        )
        .await
        .expect("type"));
    co.run_until(&daemon, utc(2026, 12, 1, 12, 0)).await;
    let items = actions(&co).await;
    let offsite = item(&items, "book the offsite").unwrap_or_else(|| panic!("{items:#?}"));
    assert_eq!(offsite["owner"], "bob@example.com");
    assert_eq!(offsite["meeting"], "2026-12-01");
}

/// Issue 9 §10: a per-meeting notes doc on the series (Gemini's "… - Notes by Gemini") is not
/// its living doc: a new doc is created and attached next to it, and `explain` says which doc
/// the series has and why the other was passed over.
#[tokio::test]
async fn a_per_meeting_notes_doc_is_not_adopted_and_explain_says_why() {
    let co = Company::new(&["alice@example.com"], "").await;
    let alice = co.person("alice@example.com").await;
    let series = weekly_one_on_one(&alice, BOB, "Alice / Bob").await;
    let gemini_title = "Alice / Bob - 2026/11/24 10:00 CET - Notes by Gemini";
    let gemini = alice.create_doc(gemini_title).await.expect("doc");
    let gemini_id = gemini.document_id.expect("doc id");
    alice
        .attach_doc(&series, &gemini_id, gemini_title)
        .await
        .expect("attach");

    let daemon = co.daemon().await;
    co.set_now(utc(2026, 11, 30, 10, 0)).await;
    let report = co.pass(&daemon).await.report;
    assert_eq!(report.docs_adopted, 0);
    assert_eq!(report.docs_created, 1);
    assert!(
        !text_of(&alice, &gemini_id).await.contains("· 1:1"),
        "nothing written into Gemini's notes"
    );
    let out = cli(&co, &["explain", "Alice / Bob"]).await;
    assert!(out.contains("(created by oneonone)"), "{out}");
    assert!(
        out.contains(&gemini_id) && out.contains("passed over: Gemini's meeting notes"),
        "{out}"
    );
}

/// Issue 9 §1/§5 of "Done when": a click Google would not expose never closes anything. With a
/// template that writes checklists, Bob *clicks* the box of a carried item (the sandbox's click
/// control, invisible to `documents.get`, as on Google): the item stays open and is carried
/// again. Typing "✅ " in front of it, which the API shows, closes it.
#[tokio::test]
async fn a_click_google_would_not_expose_never_closes_anything() {
    let template = "## {{ date_label }} · 1:1\n\n\
                    {% if open_items %}\n### Open action items\n\n\
                    {% for item in open_items %}\n- [ ] {{ item }}\n{% endfor %}\n{% endif %}\n\
                    ### Action items\n\n- [ ]\n\n### Notes\n\n&nbsp;\n";
    let co = Company::new(
        &["alice@example.com"],
        "\n[doc]\ntemplate = \"checklists.md\"\n",
    )
    .await;
    std::fs::write(co.dir.path().join("checklists.md"), template).expect("template");
    let alice = co.person("alice@example.com").await;
    let series = weekly_one_on_one(&alice, BOB, "Alice / Bob").await;
    let daemon = co.daemon().await;
    let bob = co.person(BOB).await;
    co.run_until(&daemon, utc(2026, 12, 1, 9, 10)).await;
    let doc_id = alice
        .attached_doc(&series)
        .await
        .expect("event")
        .expect("doc");
    assert!(bob
        .type_under_heading(
            &doc_id,
            "Action items",
            &["Bob to renew the licence by Friday"]
        )
        .await
        .expect("type"));

    // Carried into Tue 8 Dec as a checklist item; Bob clicks its box during that meeting.
    co.run_until(&daemon, utc(2026, 12, 8, 9, 5)).await;
    bob.tick(&doc_id, "Bob to renew the licence")
        .await
        .expect("click the checkbox");
    co.run_until(&daemon, utc(2026, 12, 15, 9, 5)).await;
    let items = actions(&co).await;
    let licence = item(&items, "renew the licence").unwrap_or_else(|| panic!("{items:#?}"));
    assert_eq!(
        licence["done"], false,
        "a click no API shows closes nothing"
    );
    let text = text_of(&bob, &doc_id).await;
    let third = text.find("Tue 15 Dec 2026 · 1:1").expect("third section");
    let second = text.find("Tue 8 Dec 2026 · 1:1").expect("second section");
    assert!(
        text[third..second].contains("renew the licence"),
        "carried again: {text}"
    );

    // Typing the done mark the doc asks for closes it.
    assert!(bob
        .type_done_mark(&doc_id, "renew the licence")
        .await
        .expect("type ✅"));
    co.run_until(&daemon, utc(2026, 12, 15, 10, 30)).await;
    let items = actions(&co).await;
    assert!(
        items.iter().any(|i| i["done"] == true
            && i["task"]
                .as_str()
                .is_some_and(|t| t.starts_with("renew the licence"))),
        "{items:#?}"
    );
}
