//! The README's main command, `oneonone demo`, run as a new user runs it: to its end, with the
//! whole story told. (It once stalled in its third week: Docs reads were paced by the wall clock
//! while weeks of simulated time passed in seconds.)

#![cfg(feature = "sandbox")]

#[allow(dead_code)]
mod cli_support;

use cli_support::command;

#[tokio::test]
async fn the_four_week_demo_runs_to_its_summary_and_tells_the_whole_story() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_file = dir.path().join("doc.md");
    let out = command(
        &["demo", "--out", &out_file.display().to_string()],
        dir.path(),
    )
    .output()
    .await
    .expect("run demo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    // Four weeks of hourly passes, every one of them run.
    assert!(stdout.contains("Summary after 672 passes"), "{stdout}");
    for told in [
        "2 doc(s) created, 1 doc(s) adopted",
        "Bob types three action items",
        "3 action item(s) harvested",
        "Carol adds an action item",
        "1 item(s) closed",
        "problems:             0",
        "demo finished in",
    ] {
        assert!(stdout.contains(told), "missing {told:?}:\n{stdout}");
    }
    // The fourth week's sections were written too: Bob's 1-1 of Tue 22 Dec is in his doc.
    let doc = std::fs::read_to_string(&out_file).expect("the doc as Markdown");
    assert!(doc.contains("## Tue 22 Dec 2026"), "{doc}");
    assert!(doc.contains("## Tue 15 Dec 2026"), "{doc}");
}
